/* SPDX-License-Identifier: MIT */
/* HTTP answers of the photo and file endpoints (ws_upload.c, ws_attach.c),
 * written from the writeable callback a piece at a time, so a 10 MB photo
 * never sits twice in memory nor holds the loop: the headers first (never
 * cached, never sniffed), then the body in pieces while the socket takes
 * them; Access-Control-Allow-Origin for a page of an allowed origin
 * (ws_cors.c). A leaf: calls libwebsockets, ws_cors.c and ws_out.c's words
 * only. */
#include <stdio.h>
#include <string.h>

#include "ws_int.h"

#define REPLY_PIECE (64 * 1024)

struct ws_reply {
    unsigned status;
    char type[64];
    char disposition[96];
    unsigned char *body; /* owned */
    size_t len, sent;
    int headers_sent;
    int close; /* end the connection after it: a request body was not read */
};

void ws__reply_free(ws_conn *c)
{
    if (!c || !c->reply)
        return;
    ds_free(c->reply->body);
    ds_free(c->reply);
    c->reply = NULL;
}

int ws__reply(ws_server *srv, struct lws *wsi, unsigned status, const char *type,
              const char *disposition, unsigned char *body, size_t len, int close)
{
    (void)srv;
    ws_conn *c = lws_wsi_user(wsi);
    ws__reply_free(c);
    ws_reply *r = ds_calloc(1, sizeof *r);
    if (!r) {
        ds_free(body);
        return -1;
    }
    r->status = status;
    snprintf(r->type, sizeof r->type, "%s", type);
    snprintf(r->disposition, sizeof r->disposition, "%s", disposition ? disposition : "");
    r->body = body;
    r->len = body ? len : 0;
    r->close = close;
    c->reply = r;
    lws_callback_on_writable(wsi);
    return 0;
}

int ws__reply_json(ws_server *srv, struct lws *wsi, unsigned status, json_t *obj)
{
    char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!s)
        return -1;
    return ws__reply(srv, wsi, status, "application/json; charset=utf-8", NULL, (unsigned char *)s,
                     strlen(s), 0);
}

int ws__reply_error(ws_server *srv, struct lws *wsi, unsigned status, const char *code,
                    const char *fallback, int close)
{
    char key[64];
    snprintf(key, sizeof key, "attachment.%s", code);
    ws__metric_error(srv->metrics, code);
    json_t *o = json_pack("{s:s,s:s}", "error", code, "message", ws__words(srv, key, fallback));
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return -1;
    return ws__reply(srv, wsi, status, "application/json; charset=utf-8", NULL, (unsigned char *)s,
                     strlen(s), close);
}

static int write_headers(struct lws *wsi, ws_reply *r, const char *origin)
{
    unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    static const char cache[] = "private, no-store";
    /* X-Content-Type-Options: nosniff, X-Frame-Options: deny and a
     * Content-Security-Policy of default-src 'none' come with every answer
     * (the server's LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
     * test_attachments.py checks them) */
    if (lws_add_http_common_headers(wsi, r->status, r->type, r->len, &p, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const unsigned char *)cache, (int)strlen(cache), &p, end) ||
        ws__cors_headers(wsi, origin, &p, end))
        return -1;
    if (r->disposition[0] &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                    (const unsigned char *)r->disposition,
                                    (int)strlen(r->disposition), &p, end))
        return -1;
    if (r->close && lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
                                                 (const unsigned char *)"close", 5, &p, end))
        return -1;
    return lws_finalize_write_http_header(wsi, start, &p, end) ? -1 : 0;
}

int ws__reply_write(ws_server *srv, struct lws *wsi)
{
    (void)srv;
    ws_conn *c = lws_wsi_user(wsi);
    ws_reply *r = c ? c->reply : NULL;
    if (!r)
        return 0; /* nothing to say yet: the upload is being checked */
    if (!r->headers_sent) {
        if (write_headers(wsi, r, c->http_origin) != 0)
            return -1;
        r->headers_sent = 1;
        if (r->len) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    while (r->sent < r->len) {
        size_t n = r->len - r->sent > REPLY_PIECE ? REPLY_PIECE : r->len - r->sent;
        int last = r->sent + n == r->len;
        /* lws_write wants LWS_PRE bytes before the data: the piece is
         * copied behind a header room of its own */
        unsigned char piece[LWS_PRE + REPLY_PIECE];
        memcpy(piece + LWS_PRE, r->body + r->sent, n);
        if (lws_write(wsi, piece + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
            (int)n)
            return -1;
        r->sent += n;
        if (!last) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    int close = r->close;
    ws__reply_free(c);
    ds_free(c->http_origin); /* the request is answered */
    c->http_origin = NULL;
    if (close)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}
