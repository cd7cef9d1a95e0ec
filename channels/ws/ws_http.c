/* SPDX-License-Identifier: MIT */
/* The server's own HTTP answers (CONTRACT.md "Operations"): /healthz, 200
 * while the process serves; /readyz, 200 when the store answers and is
 * still the file it opened and the knowledge base is loaded, else 503 with
 * the reason. A table of endpoints; the body is made again when the socket
 * is writeable, so nothing is kept between the two callbacks but which
 * endpoint it was. */
#include <stdio.h>
#include <string.h>

#include "ws_int.h"

typedef struct ws_http_endpoint {
    const char *path;
    /* the status and body (text/plain) of the answer */
    unsigned (*answer)(ws_server *srv, char *body, size_t len);
} ws_http_endpoint;

static unsigned healthz(ws_server *srv, char *body, size_t len)
{
    (void)srv;
    snprintf(body, len, "ok\n");
    return HTTP_STATUS_OK;
}

static unsigned readyz(ws_server *srv, char *body, size_t len)
{
    if (!srv->kb || !srv->me) {
        snprintf(body, len, "not ready: no knowledge base loaded\n");
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    if (!ws__store_ready(srv)) {
        snprintf(body, len, "not ready: the database file %s was deleted or replaced\n",
                 srv->cfg->db_path);
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    long long id = 0;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_conversation_last_active(srv->db, 0, &id, &err) != DS_OK) {
        snprintf(body, len, "not ready: the store does not answer: %s\n", err.message);
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    snprintf(body, len, "ready\n");
    return HTTP_STATUS_OK;
}

static const ws_http_endpoint endpoints[] = {
    {"/healthz", healthz},
    {"/readyz", readyz},
};

int ws__http_index(const char *path)
{
    for (size_t i = 0; path && i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (strcmp(path, endpoints[i].path) == 0)
            return (int)i + 1;
    return 0;
}

int ws__http_request(ws_server *srv, struct lws *wsi, int which)
{
    char body[512];
    unsigned status = endpoints[which - 1].answer(srv, body, sizeof body);
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, status, "text/plain; charset=utf-8", strlen(body), &p,
                                    end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const unsigned char *)"no-store", 8, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

int ws__http_writeable(ws_server *srv, struct lws *wsi, int which)
{
    char body[LWS_PRE + 512];
    endpoints[which - 1].answer(srv, body + LWS_PRE, sizeof body - LWS_PRE);
    size_t n = strlen(body + LWS_PRE);
    if (lws_write(wsi, (unsigned char *)body + LWS_PRE, n, LWS_WRITE_HTTP_FINAL) != (int)n)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}
