/* SPDX-License-Identifier: MIT */
/* Answer templates: "{{name}}" placeholders filled by a caller's lookup.
 * Pure string work; any thread. */
#ifndef TPL_H
#define TPL_H

#include "ds.h"

/* Appends the value of name[0..len) to out and returns 1, or returns 0 when
 * the name is unknown. */
typedef int (*tpl_lookup_fn)(void *ctx, const char *name, size_t len, ds_buf *out);

/* Renders tpl into out (appending). An unknown name gives DS_ENOTFOUND with
 * the name in err; an unclosed "{{" is DS_EINPUT. out holds the text up to
 * the failure. */
ds_status tpl_render(const char *tpl, tpl_lookup_fn lookup, void *ctx, ds_buf *out,
                     ds_error *err);

#endif
