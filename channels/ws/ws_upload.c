/* SPDX-License-Identifier: MIT */
/* POST /upload: a shopper's photo (their session token) or an agent's image
 * or PDF (their token, ?conversation=ID, a conversation they hold). Who asks
 * and the declared length are checked before a byte of the body is kept,
 * and the body is capped as it comes; the bytes are checked and re-encoded
 * (engine/media.c) on the loop's thread pool, never on the loop; the
 * attachment and its conversation entry join the group commit of that turn,
 * the other side is told (a frame, on any node) and the answer with the
 * attachment's id leaves only once the commit is done. An upload sent again
 * under the same X-Client-Id (its answer was lost) is answered with what was
 * stored the first time, neither checked nor stored again. On lws's own
 * poll() loop (DESTEK_LOOP=poll), which has no thread pool, the check runs
 * on the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"
#include "ws_int.h"

struct ws_upload {
    ws_server *srv;
    struct lws *wsi;    /* NULL once the connection went */
    long long conv;     /* the conversation it goes to */
    store_agent *agent; /* an agent's (owned), NULL a shopper's */
    unsigned char *buf; /* the body, want bytes (owned until checked) */
    size_t want, got;
    char key[STORE_CLIENT_ID_MAX_LEN + 1]; /* its X-Client-Id, "" none */
    int checking;                          /* in the thread pool: freed by the pool's callback */
    uv_work_t work;
    /* the check's result, written by the worker */
    ds_status st;
    media_file file;
    ds_error err;
};

static void upload_free(ws_upload *up)
{
    ws_server *srv = up->srv;
    srv->upload_bytes -= up->want;
    ds_free(up->buf);
    media_file_cleanup(&up->file);
    store_agent_free(up->agent);
    ds_free(up);
}

/* The upload is over (answered or refused): the connection forgets it. */
static void upload_done(ws_upload *up)
{
    if (up->wsi) {
        ws_conn *c = lws_wsi_user(up->wsi);
        if (c && c->upload == up)
            c->upload = NULL;
    }
    upload_free(up);
}

void ws__upload_gone(ws_conn *c)
{
    ws_upload *up = c ? c->upload : NULL;
    if (!up)
        return;
    c->upload = NULL;
    up->wsi = NULL;
    if (!up->checking)
        upload_free(up);
}

/* The declared body length: -1 when absent or not a number. */
static long long declared_length(struct lws *wsi)
{
    char v[32];
    if (lws_hdr_copy(wsi, v, sizeof v, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
        return -1;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    return end && *end == '\0' && v[0] >= '0' && v[0] <= '9' ? n : -1;
}

/* The idempotency key (X-Client-Id: 1 to 64 visible ASCII characters) into
 * key, "" when there is none; 0 (answered) when it is malformed. */
static int client_key(ws_server *srv, struct lws *wsi, char key[STORE_CLIENT_ID_MAX_LEN + 1])
{
    static const char name[] = "x-client-id:";
    char v[STORE_CLIENT_ID_MAX_LEN + 2];
    key[0] = '\0';
    int n = lws_hdr_custom_length(wsi, name, (int)sizeof name - 1);
    if (n < 0)
        return 1;
    int ok = n > 0 && n <= STORE_CLIENT_ID_MAX_LEN &&
             lws_hdr_custom_copy(wsi, v, (int)sizeof v, name, (int)sizeof name - 1) == n;
    for (int i = 0; ok && i < n; i++)
        ok = v[i] > ' ' && v[i] < 0x7f;
    if (!ok) {
        ws__reply_error(srv, wsi, HTTP_STATUS_BAD_REQUEST, "bad_request",
                        "X-Client-Id is 1 to 64 visible ASCII characters", 1);
        return 0;
    }
    memcpy(key, v, (size_t)n + 1);
    return 1;
}

/* An agent uploads to a conversation it holds (?conversation=ID). */
static int agent_holds(ws_server *srv, struct lws *wsi, const store_agent *agent, long long *conv)
{
    char v[32];
    const char *p = lws_get_urlarg_by_name(wsi, "conversation=", v, sizeof v);
    char *end = NULL;
    long long id = p ? strtoll(p, &end, 10) : 0;
    store_handoff *h = NULL;
    int held = id > 0 && end && *end == '\0' &&
               store_handoff_active(srv->db, id, &h, NULL) == DS_OK &&
               strcmp(h->state, "claimed") == 0 && h->agent_id == agent->id;
    store_handoff_free(h);
    if (!held) {
        ws__reply_error(srv, wsi, HTTP_STATUS_FORBIDDEN, "not_yours",
                        "upload to a conversation you hold: ?conversation=ID", 1);
        return 0;
    }
    *conv = id;
    return 1;
}

int ws__upload_request(ws_server *srv, struct lws *wsi, const char *uri)
{
    (void)uri;
    ws_conn *c = lws_wsi_user(wsi);
    char addr[48], key[64];
    lws_get_peer_simple(wsi, addr, sizeof addr);
    snprintf(key, sizeof key, "u:%s", addr);
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) <= 0)
        return ws__reply_error(srv, wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, "bad_request",
                               "files are sent with POST", 1);
    if (!ws__http_limit(srv, wsi, key, WS_UPLOAD_ADDR_BURST))
        return 0;
    long long want = declared_length(wsi);
    if (want < 0)
        return ws__reply_error(srv, wsi, HTTP_STATUS_LENGTH_REQUIRED, "bad_request",
                               "send the file as the body, with Content-Length", 1);
    if (want > MEDIA_MAX_BYTES) /* refused before a byte of it is read */
        return ws__reply_error(srv, wsi, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, "too_large",
                               "the file is over 10 MB", 1);
    if (want == 0)
        return ws__reply_error(srv, wsi, HTTP_STATUS_BAD_REQUEST, "unsupported_type",
                               "an empty file", 1);
    char ckey[STORE_CLIENT_ID_MAX_LEN + 1];
    if (!client_key(srv, wsi, ckey))
        return 0;
    long long conv = 0;
    store_agent *agent = NULL;
    if (!ws__http_who(srv, wsi, &conv, &agent))
        return 0;
    if (agent && !agent_holds(srv, wsi, agent, &conv)) {
        store_agent_free(agent);
        return 0;
    }
    snprintf(key, sizeof key, "uc:%lld", conv);
    if (!ws__http_limit(srv, wsi, key, WS_UPLOAD_CONV_BURST)) {
        store_agent_free(agent);
        return 0;
    }
    ws_upload *up = NULL;
    if (srv->upload_bytes + (size_t)want > WS_UPLOAD_HELD_MAX || !(up = ds_calloc(1, sizeof *up)) ||
        !(up->buf = ds_malloc((size_t)want))) {
        ds_free(up);
        store_agent_free(agent);
        ws__log(srv, WS_LOG_WARN, "upload_busy", conv, "an upload refused: %zu bytes held",
                srv->upload_bytes);
        return ws__reply_error(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                               "too many files at once; try again", 1);
    }
    up->srv = srv;
    up->wsi = wsi;
    up->conv = conv;
    up->agent = agent;
    up->want = (size_t)want;
    memcpy(up->key, ckey, sizeof up->key);
    srv->upload_bytes += up->want;
    c->upload = up;
    return 0;
}

static void check(uv_work_t *w)
{
    ws_upload *up = w->data;
    memset(&up->err, 0, sizeof up->err);
    up->st =
        media_check(up->srv->cfg->media, up->buf, up->got, up->agent != NULL, &up->file, &up->err);
}

/* The HTTP status of a refusal's code. */
static unsigned refusal_status(const char *code)
{
    static const struct {
        const char *code;
        unsigned status;
    } map[] = {{"too_large", HTTP_STATUS_REQ_ENTITY_TOO_LARGE},
               {"too_many_pixels", HTTP_STATUS_REQ_ENTITY_TOO_LARGE},
               {"unsupported_type", HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE},
               {"heic_unsupported", HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE},
               {"bad_image", WS_HTTP_UNPROCESSABLE},
               {"bad_pdf", WS_HTTP_UNPROCESSABLE}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].code, code) == 0)
            return map[i].status;
    return WS_HTTP_UNPROCESSABLE;
}

static json_t *described(const store_attachment *a)
{
    return json_pack("{s:I,s:s,s:I,s:i,s:i}", "id", (json_int_t)a->id, "type", a->type, "size",
                     (json_int_t)a->size, "width", a->width, "height", a->height);
}

/* The other side learns of it as of a message: the agent who holds the
 * conversation (a shopper's photo), or the shopper (an agent's file). */
static void tell(ws_server *srv, const ws_upload *up, const store_attachment *a)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", up->conv);
    if (up->agent) {
        json_t *f =
            json_pack("{s:s,s:s,s:I,s:o,s:s}", "type", "agent_attachment", "agent", up->agent->name,
                      "n", (json_int_t)a->message, "attachment", described(a), "at", a->created_at);
        ws__to_shopper(srv, up->conv, f, 1);
        return;
    }
    store_handoff *h = NULL;
    if (store_handoff_active(srv->db, up->conv, &h, NULL) == DS_OK &&
        strcmp(h->state, "claimed") == 0 && h->agent_id) {
        json_t *f =
            json_pack("{s:s,s:s,s:I,s:o,s:s}", "type", "shopper_attachment", "conversation", id,
                      "n", (json_int_t)a->message, "attachment", described(a), "at", a->created_at);
        ws__to_agent(srv, h->agent_id, f, 1);
    }
    store_handoff_free(h);
}

/* The answer of a stored attachment, once what it is stored in (the batch
 * seq, 0 when nothing of it is pending) is committed. */
static void answer_stored(ws_server *srv, struct lws *wsi, const store_attachment *a,
                          unsigned long seq)
{
    ws__flush(srv); /* an answer means stored: the commit first */
    if (srv->committed_seq < seq) {
        ws__reply_error(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                        "the file could not be stored; send it again", 0);
        return;
    }
    json_t *o = json_pack("{s:o,s:I,s:s}", "attachment", described(a), "n", (json_int_t)a->message,
                          "at", a->created_at);
    ws__reply_json(srv, wsi, HTTP_STATUS_OK, o);
}

/* An upload sent again under its key: answered with the attachment stored
 * the first time (it may still be in the open batch: answered after its
 * commit, as the first answer was). 0 when there is none. */
static int answered_again(ws_server *srv, ws_upload *up)
{
    store_attachment a;
    if (!up->key[0] || store_attachment_find(srv->db, up->conv, up->agent ? "agent" : "shopper",
                                             up->key, &a, NULL) != DS_OK)
        return 0;
    ws__log(srv, WS_LOG_INFO, "upload_again", up->conv,
            "an upload sent again under its key: attachment %lld, stored once", a.id);
    answer_stored(srv, up->wsi, &a, srv->batch_seq);
    return 1;
}

/* Stores what the check made, in this turn's batch, and answers once it
 * is committed. */
static void store_checked(ws_server *srv, ws_upload *up)
{
    struct lws *wsi = up->wsi;
    if (up->st != DS_OK) {
        const char *code = up->st == DS_ENOMEM ? "unavailable" : up->err.field;
        ws__log(srv, WS_LOG_INFO, "upload_refused", up->conv, "an upload refused (%s): %s", code,
                up->err.message);
        ws__reply_error(
            srv, wsi, up->st == DS_ENOMEM ? HTTP_STATUS_SERVICE_UNAVAILABLE : refusal_status(code),
            code, up->err.message, 0);
        return;
    }
    char now[CLOCK_ISO_LEN];
    ws__now_iso(srv, now);
    store_attachment a;
    ds_error err;
    unsigned long seq = 0;
    int dup = 0;
    ds_status st = ws__batch(srv);
    if (st == DS_OK) {
        seq = srv->batch_seq;
        st = store_attachment_add(srv->db, up->conv, up->agent ? "agent" : "shopper",
                                  up->agent ? up->agent->name : NULL, up->key[0] ? up->key : NULL,
                                  up->file.type, up->file.data, up->file.len, up->file.width,
                                  up->file.height, now, &a, &dup, &err);
        if (st != DS_OK)
            ws__log(srv, WS_LOG_ERROR, "store_failed", up->conv, "cannot store an upload: %s",
                    err.message);
    }
    if (st != DS_OK) {
        ws__flush(srv);
        ws__reply_error(srv, wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                        "the file could not be stored; send it again", 0);
        return;
    }
    if (!dup) /* the first time only: the other side has been told once */
        tell(srv, up, &a);
    answer_stored(srv, wsi, &a, seq);
}

static void checked(uv_work_t *w, int status)
{
    ws_upload *up = w->data;
    up->checking = 0;
    ds_free(up->buf); /* the sender's bytes, metadata and all: gone now */
    up->buf = NULL;
    if (status == 0 && up->wsi)
        store_checked(up->srv, up);
    upload_done(up);
}

int ws__upload_body(ws_server *srv, struct lws *wsi, const void *in, size_t len, int done)
{
    ws_conn *c = lws_wsi_user(wsi);
    ws_upload *up = c ? c->upload : NULL;
    if (!up || up->checking)
        return 0; /* refused already: the answer closes the connection */
    if (!done) {
        if (len > up->want - up->got) { /* more than declared: never kept */
            upload_done(up);
            return ws__reply_error(srv, wsi, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, "too_large",
                                   "the body is longer than its Content-Length", 1);
        }
        memcpy(up->buf + up->got, in, len);
        up->got += len;
        return 0;
    }
    if (up->got != up->want) {
        upload_done(up);
        return ws__reply_error(srv, wsi, HTTP_STATUS_BAD_REQUEST, "bad_request",
                               "the body is shorter than its Content-Length", 1);
    }
    if (answered_again(srv, up)) {
        upload_done(up);
        return 0;
    }
    up->work.data = up;
    lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, 30);
    if (srv->use_uv && uv_queue_work(&srv->loop, &up->work, check, checked) == 0) {
        up->checking = 1;
        return 0;
    }
    check(&up->work);
    checked(&up->work, 0);
    return 0;
}
