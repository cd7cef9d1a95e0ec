/* SPDX-License-Identifier: MIT */
#include "ds_json.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

enum { LEVEL_EMPTY = 1, LEVEL_ARRAY = 2 };

void ds_json_init(ds_json *w, ds_buf *out)
{
    w->out = out;
    w->depth = 0;
    w->after_key = 0;
    w->level[0] = LEVEL_EMPTY;
}

/* A value or a key is about to be written: a comma unless it is the first
 * at its level or the value of a key. */
static void separate(ds_json *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (!(w->level[w->depth] & LEVEL_EMPTY))
        ds_buf_append(w->out, ",", 1);
    w->level[w->depth] &= (unsigned char)~LEVEL_EMPTY;
}

static void open_level(ds_json *w, int array)
{
    separate(w);
    ds_buf_append(w->out, array ? "[" : "{", 1);
    assert(w->depth + 1 < DS_JSON_DEPTH);
    w->level[++w->depth] = (unsigned char)(LEVEL_EMPTY | (array ? LEVEL_ARRAY : 0));
}

void ds_json_object(ds_json *w)
{
    open_level(w, 0);
}

void ds_json_array(ds_json *w)
{
    open_level(w, 1);
}

void ds_json_end(ds_json *w)
{
    assert(w->depth > 0 && !w->after_key);
    ds_buf_append(w->out, w->level[w->depth] & LEVEL_ARRAY ? "]" : "}", 1);
    w->depth--;
}

static void escape(ds_buf *out, const unsigned char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the bytes not yet copied */
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            /* utf8proc refuses overlong forms, surrogates and > U+10FFFF */
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
            if (k > 0) {
                i += (size_t)k;
                continue;
            }
        }
        ds_buf_append(out, (const char *)s + run, i - run);
        char e[6] = {'\\', 0};
        size_t elen = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            if (c < 0x20) {
                memcpy(e + 1, "u00", 3);
                e[4] = hex[c >> 4];
                e[5] = hex[c & 15];
                elen = 6;
            } else {
                memcpy(e, "\xef\xbf\xbd", 3); /* U+FFFD for a stray byte */
                elen = 3;
            }
        }
        ds_buf_append(out, e, elen);
        run = ++i;
    }
    ds_buf_append(out, (const char *)s + run, len - run);
}

void ds_json_key(ds_json *w, const char *key)
{
    separate(w);
    ds_buf_append(w->out, "\"", 1);
    escape(w->out, (const unsigned char *)key, strlen(key));
    ds_buf_append(w->out, "\":", 2);
    w->after_key = 1;
}

void ds_json_stringn(ds_json *w, const char *s, size_t len)
{
    separate(w);
    ds_buf_append(w->out, "\"", 1);
    escape(w->out, (const unsigned char *)s, len);
    ds_buf_append(w->out, "\"", 1);
}

void ds_json_string(ds_json *w, const char *s)
{
    ds_json_stringn(w, s, strlen(s));
}

void ds_json_pair(ds_json *w, const char *key, const char *value)
{
    ds_json_key(w, key);
    ds_json_string(w, value);
}

void ds_json_int(ds_json *w, long long v)
{
    separate(w);
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", v);
    ds_buf_append(w->out, b, (size_t)n);
}

void ds_json_real(ds_json *w, double v)
{
    ds_json_real_digits(w, v, 4);
}

void ds_json_real_digits(ds_json *w, double v, int digits)
{
    separate(w);
    if (!isfinite(v)) {
        ds_buf_append(w->out, "null", 4);
        return;
    }
    char b[40];
    int n = snprintf(b, sizeof b, "%.*g", digits, v);
    char *e = strchr(b, 'e');
    if (e) {
        /* jansson's exponent: no plus sign, no leading zeros (1e-7, 1e21) */
        char *to = e + 1, *from = e + 1;
        if (*from == '-')
            *to++ = *from++;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
        n = (int)strlen(b);
    }
    ds_buf_append(w->out, b, (size_t)n);
    if (!strpbrk(b, ".e"))
        ds_buf_append(w->out, ".0", 2);
}

void ds_json_bool(ds_json *w, int v)
{
    separate(w);
    ds_buf_append(w->out, v ? "true" : "false", v ? 4 : 5);
}
