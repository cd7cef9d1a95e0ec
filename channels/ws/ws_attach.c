/* SPDX-License-Identifier: MIT */
/* GET /attachments/ID: an attachment's bytes for the shopper of its
 * conversation (their session token) or an agent (their token: any agent may
 * read any conversation, and every such reading is written to the access
 * log first, as transcripts are). Also who asks, for the upload too: the
 * Authorization header's "Session TOKEN" or "Bearer TOKEN". Answers are
 * never cached and never sniffed; a PDF is always a download. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privacy.h"
#include "ws_int.h"

int ws__http_limit(ws_server *srv, struct lws *wsi, const char *key, int burst)
{
    if (!srv->cfg->limits || ws_limiter_hit(srv->limits, key, ws__now(), burst, WS_UPLOAD_WINDOW_S))
        return 1;
    ws__reply_error(srv, wsi, WS_HTTP_TOO_MANY, "rate_limited",
                    "too many files in a short time; try again in a minute", 1);
    return 0;
}

/* The open conversation of a session token, unless it has been idle past
 * retention.session_idle_hours (then the token resumes nothing either). */
static int shopper_conv(ws_server *srv, const char *token, long long *conv)
{
    char hash[65];
    long long id = 0, last = 0;
    if (strlen(token) >= 128)
        return 0;
    ws_sha256_hex(token, hash);
    if (store_conversation_find(srv->db, hash, &id, NULL) != DS_OK ||
        store_conversation_last_active(srv->db, id, &last, NULL) != DS_OK)
        return 0;
    if (last < (long long)conv_service_now(srv->svc) - privacy_session_idle_s(srv->kb))
        return 0;
    *conv = id;
    return 1;
}

int ws__http_who(ws_server *srv, struct lws *wsi, long long *conv, store_agent **agent)
{
    char auth[256];
    *conv = 0;
    *agent = NULL;
    int n = lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (n > 8 && strncmp(auth, "Session ", 8) == 0 && shopper_conv(srv, auth + 8, conv))
        return 1;
    if (n > 7 && strncmp(auth, "Bearer ", 7) == 0 && strlen(auth + 7) < 128) {
        char hash[65];
        ws_sha256_hex(auth + 7, hash);
        if (store_agent_find(srv->db, hash, agent, NULL) == DS_OK)
            return 1;
    }
    char addr[48];
    lws_get_peer_simple(wsi, addr, sizeof addr);
    ws__log(srv, WS_LOG_WARN, "file_unauthorized", 0,
            "a file request from %s with no valid session or agent token", addr);
    ws__reply_error(srv, wsi, HTTP_STATUS_UNAUTHORIZED, "unauthorized",
                    "a session token (Authorization: Session TOKEN) or an agent token "
                    "(Authorization: Bearer TOKEN) is needed",
                    1);
    return 0;
}

/* An agent's reading, in the access log before a byte is sent (committed
 * with the batch of this turn): 0 when it cannot be written. */
static int audited(ws_server *srv, const store_agent *agent, long long conv)
{
    char now[CLOCK_ISO_LEN];
    conv_service_now_iso(srv->svc, now);
    if (ws__batch(srv) != DS_OK)
        return 0;
    unsigned long seq = srv->batch_seq;
    if (store_access_add(srv->db, agent->id, conv, "attachment", now, NULL) != DS_OK)
        return 0;
    ws__flush(srv);
    return srv->committed_seq >= seq;
}

static int answer(ws_server *srv, struct lws *wsi, long long id)
{
    long long conv = 0;
    store_agent *agent = NULL;
    if (!ws__http_who(srv, wsi, &conv, &agent))
        return 0;
    store_attachment a;
    void *data = NULL;
    size_t len = 0;
    /* a shopper's only within their conversation; another's is "not found" */
    ds_status st = store_attachment_get(srv->db, id, agent ? 0 : conv, &a, &data, &len, NULL);
    if (st != DS_OK) {
        store_agent_free(agent);
        return st == DS_ENOTFOUND ? ws__reply_error(srv, wsi, HTTP_STATUS_NOT_FOUND, "not_found",
                                                    "no such attachment", 0)
                                  : ws__reply_error(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE,
                                                    "unavailable", "try again", 0);
    }
    if (agent && !audited(srv, agent, a.conversation)) {
        ws__log(srv, WS_LOG_ERROR, "audit_failed", a.conversation,
                "an agent's reading of an attachment could not be audited; not sent");
        store_agent_free(agent);
        ds_free(data);
        return ws__reply_error(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                               "try again", 0);
    }
    store_agent_free(agent);
    /* images are shown where they are asked for; anything else (a PDF) is
     * a download the browser never renders in the page */
    int image = strncmp(a.type, "image/", 6) == 0;
    char disposition[96];
    snprintf(disposition, sizeof disposition, "%s; filename=\"destek-%lld.%s\"",
             image ? "inline" : "attachment", a.id,
             strcmp(a.type, "image/png") == 0    ? "png"
             : strcmp(a.type, "image/jpeg") == 0 ? "jpg"
                                                 : "pdf");
    return ws__reply(srv, wsi, HTTP_STATUS_OK, a.type, disposition, data, len, 0);
}

int ws__attach_request(ws_server *srv, struct lws *wsi, const char *uri)
{
    char addr[48], key[64];
    lws_get_peer_simple(wsi, addr, sizeof addr);
    snprintf(key, sizeof key, "d:%s", addr);
    if (!ws__http_limit(srv, wsi, key, WS_DOWNLOAD_ADDR_BURST))
        return 0;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0)
        return ws__reply_error(srv, wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, "bad_request",
                               "attachments are read with GET", 1);
    const char *p = uri + strlen("/attachments/");
    char *end = NULL;
    long long id = *p >= '1' && *p <= '9' ? strtoll(p, &end, 10) : 0;
    if (id <= 0 || !end || *end)
        return ws__reply_error(srv, wsi, HTTP_STATUS_NOT_FOUND, "not_found", "no such attachment",
                               0);
    return answer(srv, wsi, id);
}
