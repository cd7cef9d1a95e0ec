/* SPDX-License-Identifier: MIT */
/* The server's own HTTP answers (CONTRACT.md "Operations"): /healthz, 200
 * while the process serves; /readyz, 200 when the store answers and is
 * still the file it opened and the knowledge base is loaded, else 503 with
 * the reason; /metrics, the Prometheus text, to loopback clients or with
 * the bearer token of --metrics-token; and the photo and file endpoints
 * (ws_upload.c, ws_attach.c), with their CORS preflights (ws_cors.c). A
 * table of endpoints; the answer is built once, kept with the connection
 * until it is written. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "ws_int.h"

typedef struct ws_http_endpoint {
    const char *path; /* ending in '/': every path below it */
    const char *type; /* Content-Type */
    /* the status and body of the answer */
    unsigned (*answer)(ws_server *srv, struct lws *wsi, ds_buf *body);
    /* or the whole request, answered by another file (photos and files) */
    int (*request)(ws_server *srv, struct lws *wsi, const char *uri);
    /* the method pages of other origins in --origins may use (CORS), NULL
     * none (OPTIONS is then a static file's 405) */
    const char *cors;
} ws_http_endpoint;

static unsigned healthz(ws_server *srv, struct lws *wsi, ds_buf *body)
{
    (void)srv;
    (void)wsi;
    ds_buf_puts(body, "ok\n");
    return HTTP_STATUS_OK;
}

static unsigned readyz(ws_server *srv, struct lws *wsi, ds_buf *body)
{
    (void)wsi;
    if (!srv->kb || !srv->me) {
        ds_buf_puts(body, "not ready: no knowledge base loaded\n");
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    if (!ws__store_ready(srv)) {
        if (srv->shared)
            ds_buf_puts(body, "not ready: the database does not answer\n");
        else
            ds_buf_printf(body, "not ready: the database file %s was deleted or replaced\n",
                          srv->cfg->db_path);
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    const char *why = NULL;
    if (!ws__nodes_ready(srv, &why)) {
        ds_buf_printf(body, "not ready: %s\n", why);
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    long long id = 0;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_conversation_last_active(srv->db, 0, &id, &err) != DS_OK) {
        ds_buf_printf(body, "not ready: the store does not answer: %s\n", err.message);
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    ds_buf_puts(body, "ready\n");
    return HTTP_STATUS_OK;
}

static int loopback(struct lws *wsi)
{
    char addr[64];
    lws_get_peer_simple(wsi, addr, sizeof addr);
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strncmp(addr, "::ffff:127.", 11) == 0;
}

/* "Bearer TOKEN" equal to the configured one, compared in constant time. */
static int bearer_ok(const ws_server *srv, struct lws *wsi)
{
    const char *want = srv->cfg->metrics_token;
    char got[256];
    if (!want || !want[0] ||
        lws_hdr_copy(wsi, got, sizeof got, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0 ||
        strncmp(got, "Bearer ", 7) != 0)
        return 0;
    size_t n = strlen(want);
    return strlen(got + 7) == n && CRYPTO_memcmp(got + 7, want, n) == 0;
}

static unsigned metrics(ws_server *srv, struct lws *wsi, ds_buf *body)
{
    if (!loopback(wsi) && !bearer_ok(srv, wsi)) {
        ds_buf_puts(body, srv->cfg->metrics_token && srv->cfg->metrics_token[0]
                              ? "metrics need Authorization: Bearer TOKEN\n"
                              : "metrics are answered to loopback only (see --metrics-token)\n");
        return HTTP_STATUS_FORBIDDEN;
    }
    ws__metrics_render(srv, body);
    return HTTP_STATUS_OK;
}

static const ws_http_endpoint endpoints[] = {
    {"/healthz", "text/plain; charset=utf-8", healthz, NULL, NULL},
    {"/readyz", "text/plain; charset=utf-8", readyz, NULL, NULL},
    {"/metrics", "text/plain; version=0.0.4; charset=utf-8", metrics, NULL, NULL},
    {"/upload", NULL, NULL, ws__upload_request, "POST"},
    {"/attachments/", NULL, NULL, ws__attach_request, "GET"},
};

static int http_index(const char *path)
{
    for (size_t i = 0; path && i < sizeof endpoints / sizeof endpoints[0]; i++) {
        size_t n = strlen(endpoints[i].path);
        if (endpoints[i].path[n - 1] == '/' ? strncmp(path, endpoints[i].path, n) == 0
                                            : strcmp(path, endpoints[i].path) == 0)
            return (int)i + 1;
    }
    return 0;
}

int ws__http_which(struct lws *wsi)
{
    char uri[64];
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) > 0 ||
        lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_POST_URI) > 0)
        return http_index(uri);
    int which = lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_OPTIONS_URI) > 0 ? http_index(uri) : 0;
    return which && endpoints[which - 1].cors ? which : 0;
}

int ws__http_request(ws_server *srv, struct lws *wsi, int which)
{
    ws_conn *c = lws_wsi_user(wsi);
    const ws_http_endpoint *e = &endpoints[which - 1];
    if (e->request) {
        char uri[128];
        if (e->cors && lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_OPTIONS_URI) > 0)
            return ws__cors_preflight(srv, wsi, uri, e->cors);
        if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 &&
            lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_POST_URI) <= 0)
            return -1;
        /* its answer, whenever it is written, allows the page's origin */
        ds_free(c->http_origin);
        c->http_origin = e->cors ? ws__cors_origin(srv, wsi) : NULL;
        return e->request(srv, wsi, uri);
    }
    ds_buf body;
    ds_buf_init(&body);
    ds_buf_append(&body, "", 0);
    for (int i = 0; i < LWS_PRE; i++) /* room for lws's frame header */
        ds_buf_append(&body, " ", 1);
    unsigned status = e->answer(srv, wsi, &body);
    if (body.failed) {
        ds_buf_cleanup(&body);
        return -1;
    }
    ws__http_closed(c);
    c->http_len = body.len - LWS_PRE;
    c->http_body = ds_buf_take(&body);
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, status, e->type, c->http_len, &p, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const unsigned char *)"no-store", 8, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

int ws__http_writeable(ws_server *srv, struct lws *wsi, int which)
{
    (void)which;
    ws_conn *c = lws_wsi_user(wsi);
    if (endpoints[which - 1].request)
        return ws__reply_write(srv, wsi);
    if (!c->http_body)
        return -1;
    int n =
        lws_write(wsi, (unsigned char *)c->http_body + LWS_PRE, c->http_len, LWS_WRITE_HTTP_FINAL);
    int ok = n == (int)c->http_len;
    ws__http_closed(c);
    if (!ok)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int ws__http_body(ws_server *srv, struct lws *wsi, const void *in, size_t len, int done)
{
    ws_conn *c = lws_wsi_user(wsi);
    return c && c->upload ? ws__upload_body(srv, wsi, in, len, done) : 0;
}

void ws__http_closed(ws_conn *c)
{
    if (!c)
        return;
    ws__upload_gone(c);
    ws__reply_free(c);
    ds_free(c->http_body);
    c->http_body = NULL;
    c->http_len = 0;
    ds_free(c->http_origin);
    c->http_origin = NULL;
}
