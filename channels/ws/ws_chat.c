/* SPDX-License-Identifier: MIT */
/* Shopper frames: validation, a dispatch table by "type", and the
 * translation between frames and the conversation service (which stores the
 * message, runs the dialogue and stores the reply in the loop's open batch);
 * the ack and the reply leave only after that batch commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ws_frame.h"
#include "ds_json.h"
#include "ws_int.h"

static void conv_key(const ws_conn *c, char *buf, size_t len)
{
    snprintf(buf, len, "c:%lld", conv_id(c->cv));
}

/* Resumes the conversation of the client's token, or starts one. */
static int start_conversation(ws_server *srv, ws_conn *c, const char *token_in)
{
    char token[23], hash[65];
    int resumed = 0;
    conv_chat *cv = NULL;
    if (token_in && strlen(token_in) < 128) {
        ws_sha256_hex(token_in, hash);
        ds_status st = conv_resume(srv->svc, hash, &cv, NULL);
        if (st == DS_OK) {
            snprintf(token, sizeof token, "%.22s", token_in);
            resumed = 1;
        } else if (st != DS_ENOTFOUND) {
            /* the store did not answer: a fresh conversation now would
             * leave the shopper's own behind when the store is back */
            ws__send_error(srv, c, "unavailable", "the conversation cannot start now; try again");
            return -1;
        }
    }
    if (!resumed) {
        ds_error err;
        if (ws_token_new(token) != 0 || ws__batch(srv) != DS_OK) {
            ws__send_error(srv, c, "unavailable", "the conversation cannot start now; try again");
            return -1;
        }
        ws_sha256_hex(token, hash);
        if (conv_start(srv->svc, hash, &cv, &err) != DS_OK) {
            ws__log(srv, WS_LOG_ERROR, "store_failed", 0, "cannot start a conversation: %s",
                    err.message);
            ws__send_error(srv, c, "unavailable", "the conversation cannot start now; try again");
            return -1;
        }
    }
    ws__presence_leave(srv, c);
    conv_free(c->cv);
    c->cv = cv;
    if (c->customer[0])
        conv_set_customer(cv, c->customer);
    json_t *w = json_pack("{s:s,s:s,s:b}", "type", "welcome", "session", resumed ? token_in : token,
                          "resumed", resumed);
    int more = 0;
    json_object_set_new(w, "history",
                        resumed ? ws__history(srv, conv_id(cv), 0, 0, &more) : json_array());
    json_object_set_new(w, "history_more", json_boolean(more));
    int avail_key = 0;
    json_t *avail = ws__availability(srv, &avail_key);
    if (avail) {
        json_object_set_new(w, "availability", avail);
        c->sent_avail = avail_key;
    }
    ws__send(srv, c, w, !resumed); /* a new conversation exists once committed */
    if (resumed)
        ws__handoff_status(srv, c);
    ws__presence_join(srv, c);
    return 0;
}

static void take_identity(ws_server *srv, ws_conn *c, json_t *id)
{
    const char *customer = json_string_value(json_object_get(id, "customer"));
    const char *sig = json_string_value(json_object_get(id, "sig"));
    json_t *exp = json_object_get(id, "exp");
    if (!json_is_integer(exp) || !customer || strlen(customer) >= sizeof c->customer ||
        !ws_identity_verify(srv->cfg->identity_secret, customer, json_integer_value(exp), sig,
                            (long long)ws__now()))
        return; /* unsigned, expired or forged: ignored, as if never sent */
    snprintf(c->customer, sizeof c->customer, "%s", customer);
    if (c->cv)
        conv_set_customer(c->cv, customer);
    ws__send(srv, c, json_pack("{s:s,s:s}", "type", "identified", "customer", customer), 0);
}

/* A new or resumed conversation costs the address what a hello costs
 * (reset too: otherwise one connection makes conversations without end). */
static int conversation_allowed(ws_server *srv, ws_conn *c)
{
    char key[64];
    snprintf(key, sizeof key, "a:%s", c->addr);
    if (srv->cfg->limits &&
        !ws_limiter_hit(srv->limits, key, ws__now(), WS_ADDR_BURST, WS_ADDR_WINDOW_S)) {
        ws__send_error(srv, c, "rate_limited",
                       "too many requests from this address; wait a little");
        return 0;
    }
    return 1;
}

static void on_hello(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (c->cv) {
        ws__send_error(srv, c, "bad_request", "hello was already sent on this connection");
        return;
    }
    if (!conversation_allowed(srv, c))
        return;
    json_t *session = json_object_get(msg, "session");
    json_t *id = json_object_get(msg, "identity");
    if (json_is_object(id))
        take_identity(srv, c, id);
    start_conversation(srv, c, json_string_value(session));
}

static void write_quick_replies(ds_json *w, const dlg_reply *r)
{
    ds_json_array(w);
    for (size_t i = 0; i < r->quick_reply_count; i++)
        ds_json_string(w, r->quick_replies[i]);
    ds_json_end(w);
}

static char *reply_frame(const dlg_reply *r, const char *reply_to, const char *at)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "type", "reply");
    ds_json_pair(&w, "text", r->text.data ? r->text.data : "");
    ds_json_pair(&w, "intent", r->intent ? r->intent : "fallback");
    ds_json_key(&w, "quick_replies");
    write_quick_replies(&w, r);
    ds_json_pair(&w, "reply_to", reply_to);
    ds_json_pair(&w, "at", at);
    if (r->clarify) {
        ds_json_key(&w, "clarify");
        ds_json_bool(&w, 1);
    }
    if (r->handoff_priority)
        ds_json_pair(&w, "handoff", r->handoff_priority);
    ds_json_end(&w);
    return ds_buf_take(&b);
}

static char *ack_frame(const char *id)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "type", "ack");
    ds_json_pair(&w, "id", id);
    ds_json_end(&w);
    return ds_buf_take(&b);
}

/* The bot answered: its reply, and what the turn started with people. */
static void send_reply(ws_server *srv, ws_conn *c, const char *id, const conv_turn_result *res)
{
    ws__send_take(srv, c, reply_frame(&res->reply, id, res->at), 1);
    if (res->handoff_opened)
        ws__handoff_started(srv, c, res->handoff_offline);
    else if (res->reply.offline_started) /* after hours: say so at once; the request is
                                            stored once complete */
        ws__send_offline(srv, c, 1);
}

static void on_message(ws_server *srv, ws_conn *c, json_t *msg)
{
    /* ws_frame_parse has checked the id and the text */
    const char *id = json_string_value(json_object_get(msg, "id"));
    json_t *jtext = json_object_get(msg, "text");
    const char *text = json_string_value(jtext);
    size_t len = json_string_length(jtext);
    if (!c->cv) {
        ws__send_error(srv, c, "not_ready", "send hello first");
        return;
    }
    char key[64];
    conv_key(c, key, sizeof key);
    double now = ws__now();
    if (srv->cfg->limits) {
        char akey[64];
        snprintf(akey, sizeof akey, "a:%s", c->addr);
        if (!ws_limiter_hit(srv->limits, key, now, WS_SESSION_BURST, WS_SESSION_WINDOW_S) ||
            !ws_limiter_hit(srv->limits, akey, now, WS_ADDR_BURST, WS_ADDR_WINDOW_S)) {
            ws__send_error(srv, c, "rate_limited", "too many messages; wait a few seconds");
            return;
        }
    }
    conv_turn_result res;
    conv_turn_result_init(&res);
    ds_error err;
    double arrived = ws__now();
    ds_status st = ws__batch(srv);
    if (st == DS_OK)
        st = conv_turn(srv->svc, c->cv, id, text, len, &res, &err);
    if (st != DS_OK) {
        if (st != DS_ENOMEM && st != DS_EDB)
            ws__log(srv, WS_LOG_ERROR, "turn_failed", 0, "a turn failed: %s", err.message);
        /* nothing of it may be acknowledged: the widget sends it again */
        ws__send_error(srv, c, "unavailable", "the message could not be stored; send it again");
        conv_turn_result_cleanup(&res);
        return;
    }
    ws__send_take(srv, c, ack_frame(id), 1);
    if (!res.duplicate)
        ws__metric_message(srv->metrics, WS_FROM_SHOPPER);
    if (res.replied) {
        ws__metric_reply(srv->metrics, res.reply.intent,
                         res.handoff_opened ? res.reply.handoff_priority : NULL);
        ws__reply_arrived(srv, arrived);
    }
    if (res.to_agent) {
        char cid[24];
        snprintf(cid, sizeof cid, "%lld", conv_id(c->cv));
        ws__to_agent(srv, res.to_agent,
                     json_pack("{s:s,s:s,s:s,s:s}", "type", "shopper_message", "conversation", cid,
                               "text", text, "at", res.at),
                     1);
    } else if (res.replied) {
        send_reply(srv, c, id, &res);
    }
    conv_turn_result_cleanup(&res);
}

static void on_identify(ws_server *srv, ws_conn *c, json_t *msg)
{
    take_identity(srv, c, json_object_get(msg, "identity"));
}

static void on_reset(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    if (!conversation_allowed(srv, c))
        return;
    ws__presence_leave(srv, c);
    if (c->cv && ws__batch(srv) == DS_OK)
        conv_close(srv->svc, c->cv, NULL);
    conv_free(c->cv);
    c->cv = NULL;
    c->customer[0] = '\0';
    start_conversation(srv, c, NULL);
}

static void on_ping(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    ws__send(srv, c, json_pack("{s:s}", "type", "pong"), 0);
    ws__availability_check(srv, c); /* the hours or the agents may have changed since */
}

static void on_typing(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (!c->cv || !conv_claimed_by(c->cv))
        return;
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", conv_id(c->cv));
    ws__to_agent(srv, conv_claimed_by(c->cv),
                 json_pack("{s:s,s:s,s:O}", "type", "shopper_typing", "conversation", cid, "state",
                           json_object_get(msg, "state")),
                 0);
}

/* One score per closed conversation, to the agent who had it (and only
 * them): a flood of ratings reaches nobody else. */
static void on_rating(ws_server *srv, ws_conn *c, json_t *msg)
{
    int score = (int)json_integer_value(json_object_get(msg, "score"));
    const char *comment = json_string_value(json_object_get(msg, "comment"));
    long long agent = 0;
    ds_error err;
    ds_status st = !c->cv ? DS_ENOTFOUND : ws__batch(srv);
    if (st == DS_OK)
        st = store_handoff_rate(srv->db, conv_id(c->cv), score, comment, &agent, &err);
    if (st != DS_OK) {
        ws__send_error(srv, c, st == DS_ECONFLICT ? "already_rated" : "bad_request",
                       st == DS_ECONFLICT ? "this conversation was rated already"
                                          : "there is no finished conversation to rate");
        return;
    }
    ws__send(srv, c, json_pack("{s:s}", "type", "rating_saved"), 1);
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", conv_id(c->cv));
    if (agent)
        ws__to_agent(srv, agent,
                     json_pack("{s:s,s:s,s:i,s:s}", "type", "rating", "conversation", cid, "score",
                               score, "comment", comment ? comment : ""),
                     1);
}

/* An older page of the shopper's own transcript. */
static void on_history(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (!c->cv) {
        ws__send_error(srv, c, "not_ready", "send hello first");
        return;
    }
    int more = 0;
    json_t *h =
        ws__history(srv, conv_id(c->cv),
                    (long long)json_integer_value(json_object_get(msg, "before")), 0, &more);
    ws__send(srv, c, json_pack("{s:s,s:o,s:b}", "type", "history", "entries", h, "more", more), 0);
}

/* Indexed by ws_frame_type. */
static void (*const handlers[])(ws_server *srv, ws_conn *c, json_t *msg) = {
    [WS_FRAME_HELLO] = on_hello,       [WS_FRAME_MESSAGE] = on_message,
    [WS_FRAME_IDENTIFY] = on_identify, [WS_FRAME_RESET] = on_reset,
    [WS_FRAME_PING] = on_ping,         [WS_FRAME_TYPING] = on_typing,
    [WS_FRAME_RATING] = on_rating,     [WS_FRAME_HISTORY] = on_history,
};

void ws__chat_frame(ws_server *srv, ws_conn *c, const char *data, size_t len)
{
    ws_frame_type type;
    json_t *msg;
    const char *why;
    const char *code = ws_frame_parse(data, len, &type, &msg, &why);
    if (code) {
        ws__send_error(srv, c, code, why);
        return;
    }
    /* every frame costs something: messages per conversation (on_message),
     * the rest per connection, so no frame type floods the server */
    char key[48], akey[64];
    snprintf(key, sizeof key, "k:%llu", c->serial);
    snprintf(akey, sizeof akey, "ka:%s", c->addr);
    if (srv->cfg->limits && type != WS_FRAME_MESSAGE &&
        (!ws_limiter_hit(srv->limits, key, ws__now(), WS_FRAME_BURST, WS_FRAME_WINDOW_S) ||
         !ws_limiter_hit(srv->limits, akey, ws__now(), WS_ADDR_FRAME_BURST, WS_ADDR_WINDOW_S))) {
        ws__send_error(srv, c, "rate_limited", "too many requests; wait a few seconds");
        json_decref(msg);
        return;
    }
    if (type == WS_FRAME_HELLO && c->cv == NULL)
        lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0); /* it said hello in time */
    handlers[type](srv, c, msg);
    json_decref(msg);
}

void ws__chat_closed(ws_server *srv, ws_conn *c)
{
    ws__presence_leave(srv, c);
    conv_free(c->cv);
    c->cv = NULL;
}
