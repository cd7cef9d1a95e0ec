/* SPDX-License-Identifier: MIT */
/* Template rendering. Names are trimmed of spaces: "{{ a.b }}" == "{{a.b}}". */
#include "tpl.h"

#include <string.h>

ds_status tpl_render(const char *tpl, tpl_lookup_fn lookup, void *ctx, ds_buf *out,
                     ds_error *err)
{
    const char *p = tpl;
    for (;;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            ds_buf_puts(out, p);
            break;
        }
        ds_buf_append(out, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        if (!close)
            return ds_fail(err, DS_EINPUT, "\"{{\" without \"}}\"");
        const char *a = open + 2, *b = close;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (!lookup(ctx, a, (size_t)(b - a), out))
            return ds_fail(err, DS_ENOTFOUND, "unknown variable {{%.*s}}", (int)(b - a), a);
        p = close + 2;
    }
    return out->failed ? ds_fail(err, DS_ENOMEM, "out of memory") : DS_OK;
}
