/* SPDX-License-Identifier: MIT */
/* A JSON writer for the server's hot path: frames and explanations are
 * written straight into a ds_buf, with no tree to build, dump and free
 * (jansson's json_pack + json_dumps took a fifth of the server's time under
 * load). jansson stays the parser and the writer everywhere else.
 *
 * The output is always valid JSON: strings are escaped as jansson escapes
 * them, and bytes that are not UTF-8 are written as U+FFFD. Commas are the
 * writer's business; nesting deeper than DS_JSON_DEPTH is a bug (assert). */
#ifndef DS_JSON_H
#define DS_JSON_H

#include <stddef.h>

#include "ds.h"

#define DS_JSON_DEPTH 8

typedef struct ds_json {
    ds_buf *out; /* borrowed */
    int depth;
    int after_key;                      /* a key was written, its value is next */
    unsigned char level[DS_JSON_DEPTH]; /* per open level: empty yet, array */
} ds_json;

/* Writes into out (borrowed for the writer's life); out->failed tells of
 * running out of memory. */
void ds_json_init(ds_json *w, ds_buf *out);
void ds_json_object(ds_json *w);
void ds_json_array(ds_json *w);
/* Closes the innermost object or array. */
void ds_json_end(ds_json *w);
void ds_json_key(ds_json *w, const char *key);
void ds_json_string(ds_json *w, const char *s);
void ds_json_stringn(ds_json *w, const char *s, size_t len);
/* A key and its string value. */
void ds_json_pair(ds_json *w, const char *key, const char *value);
void ds_json_int(ds_json *w, long long v);
/* Four significant digits, as jansson's JSON_REAL_PRECISION(4) writes them
 * (a whole number keeps its ".0"); a value that is not finite is null. */
void ds_json_real(ds_json *w, double v);
/* The same with `digits` significant digits (jansson's JSON_REAL_PRECISION). */
void ds_json_real_digits(ds_json *w, double v, int digits);
void ds_json_bool(ds_json *w, int v);

/* For output of a fixed shape, written around these with ds_buf_append (the
 * commas, brackets and keys are the caller's): a string, quoted and escaped
 * as ds_json_stringn writes it, and a real as ds_json_real_digits writes it. */
void ds_json_put_string(ds_buf *out, const char *s, size_t len);
void ds_json_put_real(ds_buf *out, double v, int digits);
/* ds_json_put_string for s[0..len) that is valid UTF-8 (the caller knows:
 * nlp_normalise accepted it), written faster and the same. */
void ds_json_put_utf8(ds_buf *out, const char *s, size_t len);
/* ds_json_put_real(out, k / 1000.0, digits), for a value kept in
 * thousandths (classify's scores): the same text, without the checks that
 * find out whether a double is a number of thousandths. */
void ds_json_put_milli(ds_buf *out, long long k, int digits);

#endif
