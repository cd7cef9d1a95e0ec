/* SPDX-License-Identifier: MIT */
/* Shared status codes, error details and the allocator every engine module
 * uses. Thread-safe except ds_alloc_set_fail_after(), which tests call before
 * any other thread exists. */
#ifndef DS_H
#define DS_H

#include <stddef.h>
#include <string.h>

typedef enum ds_status {
    DS_OK = 0,
    DS_ENOMEM,  /* allocation failed */
    DS_EINVAL,  /* contract misuse by the caller */
    DS_EINPUT,  /* bad outside input: invalid UTF-8, malformed JSON, ... */
    DS_ETOOBIG, /* input over a named limit */
    DS_EIO,     /* file system */
    DS_EKB,     /* knowledge base does not validate */
    DS_EDB,     /* store / database */
    DS_ENOTFOUND,
    DS_ECONFLICT /* the request conflicts with the current state */
} ds_status;

/* Where and why a call failed. Optional everywhere (NULL allowed). */
typedef struct ds_error {
    ds_status status;
    char file[256];  /* "" when not about a file */
    int line;        /* 1-based, 0 when unknown */
    int column;      /* 1-based, 0 when unknown */
    char field[128]; /* JSON path or field name, "" when unknown */
    char message[512];
} ds_error;

/* Human-readable name of a status ("out of memory", ...). Borrowed, static. */
const char *ds_status_str(ds_status st);

/* Fills err (if not NULL) and returns st, so callers can `return ds_fail(...)`. */
ds_status ds_fail(ds_error *err, ds_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Formats err as "file:line:col: field: message" into buf (always terminated). */
void ds_error_format(const ds_error *err, char *buf, size_t buf_len);

void *ds_malloc(size_t len);
void *ds_calloc(size_t count, size_t len);
void *ds_realloc(void *p, size_t len);
/* An array p of *cap elements of elem bytes with room for need: p itself
 * when it has room, else p grown (doubling from 64) and *cap updated. On
 * failure p unchanged is returned and *oom set, so a builder can carry on
 * and fail once at the end. */
void *ds_grow(void *p, size_t *cap, size_t need, size_t elem, int *oom);
char *ds_strdup(const char *s);
char *ds_strndup(const char *s, size_t len);
void ds_free(void *p);

/* Makes jansson allocate through ds_malloc/ds_free, so JSON values can be
 * freed with ds_free and take part in the fault-injection tests. */
void ds_json_use_ds_alloc(void);

/* Test hook: make the n-th allocation from now on, and every one after it,
 * fail (0 = never), as when memory has run out. Process
 * wide on purpose: fault-injection tests fail "the Nth allocation" whoever
 * makes it. Returns the number of allocations made since the last call. */
unsigned long ds_alloc_set_fail_after(unsigned long n);

/* Growable byte buffer, always NUL-terminated once used. */
typedef struct ds_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed; /* sticky: an append ran out of memory */
} ds_buf;

void ds_buf_init(ds_buf *b);
void ds_buf_cleanup(ds_buf *b);
void ds_buf_append(ds_buf *b, const char *s, size_t len);
/* ds_buf_append without the call, for the few bytes at a time a writer adds
 * (a comma, a quote, a key); the buffer grows, rarely, through it. */
static inline void ds_buf_put(ds_buf *b, const char *s, size_t n)
{
    if (!b->failed && b->len + n + 1 <= b->cap) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else {
        ds_buf_append(b, s, n);
    }
}
void ds_buf_puts(ds_buf *b, const char *s);
void ds_buf_printf(ds_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the buffer's memory (owned, free with ds_free); NULL if it failed. */
char *ds_buf_take(ds_buf *b);

#endif
