/* SPDX-License-Identifier: MIT */
/* A minimal JSON scanner that walks a path through the text. The text has
 * already been parsed by jansson, so it is valid; the scanner still stops
 * safely at the end of the buffer. */
#include "kb_locate.h"

#include <stdlib.h>
#include <string.h>

typedef struct scan {
    const char *s;
    size_t len, pos;
    int line, col;
} scan;

static void adv(scan *c)
{
    if (c->pos >= c->len)
        return;
    if (c->s[c->pos] == '\n') {
        c->line++;
        c->col = 1;
    } else if (((unsigned char)c->s[c->pos] & 0xC0) != 0x80) {
        c->col++;
    }
    c->pos++;
}

static char peek(const scan *c)
{
    return c->pos < c->len ? c->s[c->pos] : '\0';
}

static void skip_ws(scan *c)
{
    while (c->pos < c->len && strchr(" \t\r\n", c->s[c->pos]))
        adv(c);
}

/* Skips a string; writes its raw content span. */
static void skip_string(scan *c, size_t *a, size_t *b)
{
    adv(c); /* opening quote */
    *a = c->pos;
    while (c->pos < c->len && c->s[c->pos] != '"') {
        if (c->s[c->pos] == '\\')
            adv(c);
        adv(c);
    }
    *b = c->pos;
    adv(c);
}

static void skip_value(scan *c, int depth)
{
    skip_ws(c);
    char ch = peek(c);
    size_t a, b;
    if (ch == '"') {
        skip_string(c, &a, &b);
    } else if ((ch == '{' || ch == '[') && depth < 256) {
        char close = ch == '{' ? '}' : ']';
        adv(c);
        for (;;) {
            skip_ws(c);
            size_t before = c->pos;
            if (peek(c) == close || c->pos >= c->len) {
                adv(c);
                return;
            }
            if (ch == '{') {
                skip_string(c, &a, &b);
                skip_ws(c);
                adv(c); /* ':' */
            }
            skip_value(c, depth + 1);
            skip_ws(c);
            if (peek(c) == ',')
                adv(c);
            else if (c->pos == before) /* malformed: "[}" would loop forever */
                adv(c);
        }
    } else {
        while (c->pos < c->len && !strchr(",]} \t\r\n", c->s[c->pos]))
            adv(c);
    }
}

/* Moves c to the value of key in the object at c; 1 if found. */
static int enter_key(scan *c, const char *key, size_t key_len)
{
    skip_ws(c);
    if (peek(c) != '{')
        return 0;
    adv(c);
    for (;;) {
        skip_ws(c);
        if (peek(c) != '"')
            return 0;
        size_t a, b;
        skip_string(c, &a, &b);
        skip_ws(c);
        adv(c); /* ':' */
        skip_ws(c);
        if (b - a == key_len && memcmp(c->s + a, key, key_len) == 0)
            return 1;
        skip_value(c, 0);
        skip_ws(c);
        if (peek(c) != ',')
            return 0;
        adv(c);
    }
}

static int enter_index(scan *c, long idx)
{
    skip_ws(c);
    if (peek(c) != '[')
        return 0;
    adv(c);
    for (long i = 0;; i++) {
        skip_ws(c);
        if (peek(c) == ']' || c->pos >= c->len)
            return 0;
        if (i == idx)
            return 1;
        skip_value(c, 0);
        skip_ws(c);
        if (peek(c) != ',')
            return 0;
        adv(c);
    }
}

int kb__locate(const char *text, size_t len, const char *path, int *line, int *column)
{
    scan c = {text, len, 0, 1, 1};
    int found = 0;
    skip_ws(&c);
    *line = c.line;
    *column = c.col;
    const char *p = path;
    while (*p) {
        scan save = c;
        int ok;
        if (*p == '[') {
            char *end;
            long idx = strtol(p + 1, &end, 10);
            ok = *end == ']' && enter_index(&c, idx);
            p = *end == ']' ? end + 1 : end;
        } else {
            size_t k = strcspn(p, ".[");
            ok = enter_key(&c, p, k);
            p += k;
        }
        if (*p == '.')
            p++;
        if (!ok) {
            c = save;
            break;
        }
        skip_ws(&c);
        found++;
        *line = c.line;
        *column = c.col;
    }
    return found;
}
