/* SPDX-License-Identifier: MIT */
/* Which browser pages may talk to the server: the server's own origins and
 * the --origins list (DESTEK_ORIGINS), for the WebSocket upgrade and for
 * CORS on the photo and file endpoints (POST /upload, GET /attachments/ID),
 * whose requests carry an Authorization header and are therefore
 * preflighted when the page is on another origin. Answers the preflight
 * (OPTIONS) and adds the headers of the real answers. Never "*" and never
 * credentials: no cookies are used, the tokens are in headers. Not the
 * check of who asks (ws_attach.c). A leaf: calls libwebsockets and the log;
 * the loop's thread. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ws_int.h"

/* an Origin is compared whole, however long: one that does not fit in
 * this is refused, never taken for "absent" */
#define ORIGIN_MAX 1024

void ws__origins_init(ws_server *srv, const ws_config *cfg)
{
    char own[3][128];
    size_t n = 0;
    snprintf(own[n++], sizeof own[0], "http://%s:%d", cfg->host, cfg->port);
    snprintf(own[n++], sizeof own[0], "http://localhost:%d", cfg->port);
    snprintf(own[n++], sizeof own[0], "http://127.0.0.1:%d", cfg->port);
    const char *list = cfg->origins ? cfg->origins : "";
    size_t extra = 1;
    for (const char *p = list; *p; p++)
        extra += *p == ',';
    srv->origins = ds_calloc(n + extra, sizeof *srv->origins);
    if (!srv->origins)
        return;
    for (size_t i = 0; i < n; i++)
        srv->origins[srv->origin_count++] = ds_strdup(own[i]);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        while (k && p[k - 1] == ' ')
            k--;
        if (k)
            srv->origins[srv->origin_count++] = ds_strndup(p, k);
        p += strcspn(p, ",");
        while (*p == ',' || *p == ' ')
            p++;
    }
}

void ws__origins_free(ws_server *srv)
{
    for (size_t i = 0; i < srv->origin_count; i++)
        ds_free(srv->origins[i]);
    ds_free(srv->origins);
    srv->origins = NULL;
    srv->origin_count = 0;
}

/* The request's Origin into buf: -1 when there is none, 0 when it cannot
 * be read whole, 1 when it is there. */
static int request_origin(struct lws *wsi, char buf[ORIGIN_MAX])
{
    int len = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
    if (len <= 0)
        return -1;
    return len < ORIGIN_MAX && lws_hdr_copy(wsi, buf, ORIGIN_MAX, WSI_TOKEN_ORIGIN) == len;
}

static int listed(const ws_server *srv, const char *origin)
{
    for (size_t i = 0; i < srv->origin_count; i++)
        if (strcmp(srv->origins[i], "*") == 0 || strcasecmp(srv->origins[i], origin) == 0)
            return 1;
    return 0;
}

int ws__origin_allowed(const ws_server *srv, struct lws *wsi)
{
    char origin[ORIGIN_MAX];
    int r = request_origin(wsi, origin);
    if (r < 0)
        return 1; /* not a browser: Origin only guards against other sites' pages */
    return r > 0 && listed(srv, origin);
}

char *ws__cors_origin(const ws_server *srv, struct lws *wsi)
{
    char origin[ORIGIN_MAX];
    return request_origin(wsi, origin) > 0 && listed(srv, origin) ? ds_strdup(origin) : NULL;
}

static int add(struct lws *wsi, const char *name, const char *v, unsigned char **p,
               unsigned char *end)
{
    return lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)v,
                                       (int)strlen(v), p, end);
}

int ws__cors_headers(struct lws *wsi, const char *origin, unsigned char **p, unsigned char *end)
{
    /* the answer depends on the Origin asked with, whoever asks: a cache
     * in between must not hand one page's answer to another */
    if (add(wsi, "vary:", "Origin", p, end))
        return -1;
    return origin && add(wsi, "access-control-allow-origin:", origin, p, end) ? -1 : 0;
}

/* What the log shows of an Origin a page sent: visible ASCII only, cut. */
static void shown(const char *origin, char out[128])
{
    size_t n = 0;
    for (const char *s = origin; *s && n < 120; s++)
        out[n++] = *s > ' ' && *s < 0x7f ? *s : '?';
    out[n] = '\0';
    if (*origin && strlen(origin) > n)
        snprintf(out + n, 8, "...");
}

int ws__cors_preflight(ws_server *srv, struct lws *wsi, const char *path, const char *methods)
{
    char origin[ORIGIN_MAX];
    int r = request_origin(wsi, origin);
    int ok = r > 0 && listed(srv, origin);
    if (r >= 0 && !ok) {
        char what[128];
        shown(r > 0 ? origin : "(too long)", what);
        ws__log(srv, WS_LOG_WARN, "cors_refused", 0,
                "a page on %s may not use %s: its origin is not in --origins (refused at the "
                "preflight; its photos cannot be sent nor shown)",
                what, path);
    }
    unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    char allow[64], age[16];
    snprintf(allow, sizeof allow, "%s, OPTIONS", methods);
    snprintf(age, sizeof age, "%d", WS_CORS_MAX_AGE_S);
    /* 204 carries no Content-Length; a refusal an empty body */
    if (r >= 0 && !ok ? lws_add_http_common_headers(wsi, HTTP_STATUS_FORBIDDEN, NULL, 0, &p, end)
                      : lws_add_http_header_status(wsi, HTTP_STATUS_NO_CONTENT, &p, end))
        return -1;
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const unsigned char *)"no-store", 8, &p, end) ||
        add(wsi, "allow:", allow, &p, end) || ws__cors_headers(wsi, ok ? origin : NULL, &p, end))
        return -1;
    /* the request it asks for: its method, the headers the widget and the
     * console send (the session or agent token, the upload's key, the
     * photo's type); kept by the browser for WS_CORS_MAX_AGE_S, so a page
     * whose origin leaves the list stops uploading within that */
    if (ok && (add(wsi, "access-control-allow-methods:", methods, &p, end) ||
               add(wsi, "access-control-allow-headers:", "Authorization, X-Client-Id, Content-Type",
                   &p, end) ||
               add(wsi, "access-control-max-age:", age, &p, end)))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}
