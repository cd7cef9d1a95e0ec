/* SPDX-License-Identifier: MIT */
/* Status strings, error formatting, the counting allocator and a small
 * growable buffer. No I/O. */
#include "ds.h"

#include <jansson.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The only mutable globals of the engine: the fault-injection counters. */
static unsigned long alloc_count;
static unsigned long alloc_fail_at;

const char *ds_status_str(ds_status st)
{
    static const char *const names[] = {
        [DS_OK] = "ok",
        [DS_ENOMEM] = "out of memory",
        [DS_EINVAL] = "invalid argument",
        [DS_EINPUT] = "invalid input",
        [DS_ETOOBIG] = "input too large",
        [DS_EIO] = "i/o error",
        [DS_EKB] = "knowledge base error",
        [DS_EDB] = "database error",
        [DS_ENOTFOUND] = "not found",
        [DS_ECONFLICT] = "conflicts with the current state",
    };
    if ((size_t)st < sizeof names / sizeof names[0] && names[st])
        return names[st];
    return "unknown error";
}

ds_status ds_fail(ds_error *err, ds_status st, const char *fmt, ...)
{
    if (err) {
        err->status = st;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return st;
}

void ds_error_format(const ds_error *err, char *buf, size_t buf_len)
{
    size_t n = 0;
    if (!buf_len)
        return;
    buf[0] = '\0';
    if (err->file[0]) {
        n += (size_t)snprintf(buf + n, buf_len - n, "%s:", err->file);
        if (n < buf_len && err->line > 0)
            n += (size_t)snprintf(buf + n, buf_len - n, "%d:%d:", err->line,
                                  err->column > 0 ? err->column : 1);
        if (n < buf_len)
            n += (size_t)snprintf(buf + n, buf_len - n, " ");
    }
    if (n < buf_len && err->field[0])
        n += (size_t)snprintf(buf + n, buf_len - n, "%s: ", err->field);
    if (n < buf_len)
        snprintf(buf + n, buf_len - n, "%s",
                 err->message[0] ? err->message : ds_status_str(err->status));
}

static int alloc_allowed(void)
{
    alloc_count++;
    return !(alloc_fail_at && alloc_count >= alloc_fail_at);
}

unsigned long ds_alloc_set_fail_after(unsigned long n)
{
    unsigned long made = alloc_count;
    alloc_count = 0;
    alloc_fail_at = n;
    return made;
}

void *ds_malloc(size_t len)
{
    return alloc_allowed() ? malloc(len ? len : 1) : NULL;
}

void *ds_calloc(size_t count, size_t len)
{
    return alloc_allowed() ? calloc(count ? count : 1, len ? len : 1) : NULL;
}

void *ds_realloc(void *p, size_t len)
{
    return alloc_allowed() ? realloc(p, len ? len : 1) : NULL;
}

void *ds_grow(void *p, size_t *cap, size_t need, size_t elem, int *oom)
{
    if (need <= *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    void *np = ds_realloc(p, ncap * elem);
    if (!np) {
        *oom = 1;
        return p;
    }
    *cap = ncap;
    return np;
}

char *ds_strndup(const char *s, size_t len)
{
    char *d = ds_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *ds_strdup(const char *s)
{
    return ds_strndup(s, strlen(s));
}

void ds_free(void *p)
{
    free(p);
}

static void *json_malloc(size_t n)
{
    return ds_malloc(n);
}

void ds_json_use_ds_alloc(void)
{
    json_set_alloc_funcs(json_malloc, ds_free);
}

void ds_buf_init(ds_buf *b)
{
    memset(b, 0, sizeof *b);
}

void ds_buf_cleanup(ds_buf *b)
{
    ds_free(b->data);
    ds_buf_init(b);
}

static int buf_reserve(ds_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *d = ds_realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

void ds_buf_append(ds_buf *b, const char *s, size_t len)
{
    if (!buf_reserve(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void ds_buf_puts(ds_buf *b, const char *s)
{
    ds_buf_append(b, s, strlen(s));
}

void ds_buf_printf(ds_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ds_buf_take(ds_buf *b)
{
    char *d = NULL;
    if (!b->failed) {
        if (!b->data)
            buf_reserve(b, 0);
        if (b->data)
            b->data[b->len] = '\0';
        d = b->failed ? NULL : b->data;
    }
    if (!d)
        ds_free(b->data);
    ds_buf_init(b);
    return d;
}
