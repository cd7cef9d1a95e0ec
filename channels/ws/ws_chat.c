/* SPDX-License-Identifier: MIT */
/* Shopper frames: validation, a dispatch table by "type", conversations and
 * their history in the store, and the bot's turn through dlg_respond. Each
 * message and reply is written in the loop's open batch; its ack and reply
 * leave only after that batch commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ws_frame.h"
#include "ds_json.h"
#include "ws_int.h"

static void conv_key(const ws_conn *c, char *buf, size_t len)
{
    snprintf(buf, len, "c:%lld", c->conv);
}

static json_t *history_json(ws_server *srv, long long conv)
{
    json_t *arr = json_array();
    store_message *m;
    size_t n;
    if (store_messages_list(srv->db, conv, WS_HISTORY_MAX, &m, &n, NULL) != DS_OK)
        return arr;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].role, "note") == 0)
            continue; /* agents' internal notes never reach the shopper */
        json_t *e = json_pack("{s:s,s:s,s:s}", "role", m[i].role, "text", m[i].text, "at",
                              m[i].created_at ? m[i].created_at : "");
        if (m[i].client_id)
            json_object_set_new(e, "id", json_string(m[i].client_id));
        json_t *d = m[i].details ? json_loads(m[i].details, 0, NULL) : NULL;
        if (d) {
            json_t *v;
            if ((v = json_object_get(d, "intent")))
                json_object_set(e, "intent", v);
            if ((v = json_object_get(d, "quick_replies")))
                json_object_set(e, "quick_replies", v);
            if ((v = json_object_get(d, "agent")))
                json_object_set(e, "agent", v);
            json_decref(d);
        }
        json_array_append_new(arr, e);
    }
    store_messages_free(m, n);
    return arr;
}

static char *conversation_name(long long conv, char *buf, size_t len)
{
    snprintf(buf, len, "conv-%lld", conv);
    return buf;
}

static int start_conversation(ws_server *srv, ws_conn *c, const char *token_in)
{
    char token[23], hash[65], now[40], name[40];
    int resumed = 0;
    ws__now_iso(srv, now);
    if (token_in && strlen(token_in) < 128) {
        ws_sha256_hex(token_in, hash);
        long long id;
        if (store_conversation_find(srv->db, hash, &id, NULL) == DS_OK) {
            c->conv = id;
            snprintf(token, sizeof token, "%.22s", token_in);
            resumed = 1;
        }
    }
    if (!resumed) {
        if (ws_token_new(token) != 0 || ws__batch(srv) != DS_OK) {
            ws__send_error(srv, c, "unavailable", "Sohbet şu an başlatılamıyor.");
            return -1;
        }
        ws_sha256_hex(token, hash);
        if (store_conversation_create(srv->db, hash, now, &c->conv, NULL) != DS_OK) {
            ws__send_error(srv, c, "unavailable", "Sohbet şu an başlatılamıyor.");
            return -1;
        }
    }
    dlg_session_free(c->dlg);
    c->dlg = dlg_session_new(conversation_name(c->conv, name, sizeof name));
    c->saved_state = 0;
    if (c->dlg && resumed) {
        /* where the dialogue was: an order number given, a check pending */
        char *state = NULL;
        if (store_conversation_state(srv->db, c->conv, &state, NULL) == DS_OK && state)
            dlg_session_load(c->dlg, srv->kb, state);
        ds_free(state);
    }
    if (c->dlg) /* what the store has already (nothing, for a fresh session) */
        c->saved_state = dlg_session_state_hash(c->dlg);
    if (c->dlg && c->customer[0])
        dlg_session_set_customer(c->dlg, c->customer);
    json_t *w = json_pack("{s:s,s:s,s:b}", "type", "welcome", "session", resumed ? token_in : token,
                          "resumed", resumed);
    json_object_set_new(w, "history", resumed ? history_json(srv, c->conv) : json_array());
    ws__send(srv, c, w, !resumed); /* a new conversation exists once committed */
    if (resumed)
        ws__handoff_status(srv, c);
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
    if (c->dlg)
        dlg_session_set_customer(c->dlg, customer);
    ws__send(srv, c, json_pack("{s:s,s:s}", "type", "identified", "customer", customer), 0);
}

static void on_hello(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (c->conv) {
        ws__send_error(srv, c, "bad_request", "hello was already sent on this connection");
        return;
    }
    char key[64];
    snprintf(key, sizeof key, "a:%s", c->addr);
    if (srv->cfg->limits &&
        !ws_limiter_hit(srv->limits, key, ws__now(), WS_ADDR_BURST, WS_ADDR_WINDOW_S)) {
        ws__send_error(srv, c, "rate_limited", "Çok fazla istek geldi; biraz sonra deneyin.");
        return;
    }
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

/* What is stored with the bot's reply so an agent can see why it said it:
 * the intent, its confidence, the candidates weighed, what the turn did. */
static char *reply_details(ws_server *srv, const dlg_reply *r)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "intent", r->intent ? r->intent : "fallback");
    ds_json_key(&w, "confidence");
    ds_json_real(&w, r->confidence);
    ds_json_key(&w, "clarify");
    ds_json_bool(&w, r->clarify);
    ds_json_key(&w, "quick_replies");
    write_quick_replies(&w, r);
    ds_json_key(&w, "candidates");
    ds_json_array(&w);
    for (size_t i = 0; i < match_result_candidate_count(srv->res); i++) {
        const match_candidate *mc = match_result_candidate(srv->res, i);
        ds_json_object(&w);
        ds_json_pair(&w, "intent", mc->id);
        ds_json_key(&w, "score");
        ds_json_real(&w, mc->score);
        ds_json_end(&w);
    }
    ds_json_end(&w);
    if (r->handoff_priority) {
        ds_json_key(&w, "handoff");
        ds_json_object(&w);
        ds_json_pair(&w, "priority", r->handoff_priority);
        ds_json_pair(&w, "reason", r->handoff_reason);
        ds_json_end(&w);
    }
    if (r->verified) {
        ds_json_key(&w, "verified");
        ds_json_bool(&w, 1);
    }
    ds_json_end(&w);
    return ds_buf_take(&b);
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

/* Keeps the dialogue state with the conversation, in the turn's batch, when
 * it changed (most turns answer a question and change nothing). */
static void save_state(ws_server *srv, ws_conn *c)
{
    unsigned long long h = dlg_session_state_hash(c->dlg);
    if (h == c->saved_state)
        return;
    char *state = dlg_session_save(c->dlg, srv->kb);
    if (state && store_conversation_save_state(srv->db, c->conv, state, NULL) == DS_OK)
        c->saved_state = h;
    ds_free(state);
}

static void bot_turn(ws_server *srv, ws_conn *c, const char *id, const char *text, size_t len)
{
    char back[96];
    int open = ws__hours_open(srv, back, sizeof back, NULL);
    dlg_env env = {.me = srv->me,
                   .db = srv->db,
                   .scratch = srv->scratch,
                   .res = srv->res,
                   .now = time(NULL),
                   .closed = !open,
                   .back_at = open ? NULL : back};
    dlg_reply r;
    dlg_reply_init(&r);
    ds_error err;
    char now[40];
    ws__now_iso(srv, now);
    if (dlg_respond(&env, c->dlg, text, len, &r, &err) != DS_OK) {
        dlg_reply_cleanup(&r);
        dlg_reply_init(&r);
        r.intent = "fallback";
        ds_buf_puts(&r.text, "Mesajınızı okuyamadım; tekrar yazar mısınız?");
    }
    save_state(srv, c);
    char *dtext = reply_details(srv, &r);
    store_message_add(srv->db, c->conv, "bot", NULL, r.text.data ? r.text.data : "", dtext, now,
                      NULL, NULL);
    ds_free(dtext);
    ws__send_take(srv, c, reply_frame(&r, id, now), 1);
    if (r.handoff_priority) {
        ws__handoff_start(srv, c, &r, text);
    } else if (r.offline_started) {
        /* after hours: say so at once; the request is stored once complete */
        char iso[40];
        ws__hours_open(srv, back, sizeof back, iso);
        ws__send(srv, c,
                 json_pack("{s:s,s:s,s:s,s:s}", "type", "handoff", "state", "offline", "back_at",
                           iso, "message", back),
                 1);
    }
    dlg_reply_cleanup(&r);
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

static void on_message(ws_server *srv, ws_conn *c, json_t *msg)
{
    /* ws_frame_parse has checked the id and the text */
    const char *id = json_string_value(json_object_get(msg, "id"));
    json_t *jtext = json_object_get(msg, "text");
    const char *text = json_string_value(jtext);
    size_t len = json_string_length(jtext);
    if (!c->conv) {
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
            ws__send_error(srv, c, "rate_limited",
                           "Çok hızlı mesaj gönderdiniz; birkaç saniye sonra tekrar deneyin.");
            return;
        }
    }
    if (ws__batch(srv) != DS_OK) {
        ws__send_error(srv, c, "unavailable", "Mesajınız şu an kaydedilemedi; tekrar deneyin.");
        return;
    }
    char iso[40];
    ws__now_iso(srv, iso);
    int duplicate = 0;
    if (store_message_add(srv->db, c->conv, "shopper", id, text, NULL, iso, &duplicate, NULL) !=
        DS_OK) {
        ws__send_error(srv, c, "unavailable", "Mesajınız şu an kaydedilemedi; tekrar deneyin.");
        return;
    }
    ws__send_take(srv, c, ack_frame(id), 1);
    if (duplicate)
        return;
    /* with an agent on the conversation, the shopper talks to people */
    if (c->claimed_by) {
        ws_conn *a = ws__agent_conn(srv, c->claimed_by);
        char cid[24];
        snprintf(cid, sizeof cid, "%lld", c->conv);
        if (a)
            ws__send(srv, a,
                     json_pack("{s:s,s:s,s:s,s:s}", "type", "shopper_message", "conversation", cid,
                               "text", text, "at", iso),
                     1);
        return;
    }
    if (c->dlg)
        bot_turn(srv, c, id, text, len);
}

static void on_identify(ws_server *srv, ws_conn *c, json_t *msg)
{
    take_identity(srv, c, json_object_get(msg, "identity"));
}

static void on_reset(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    char now[40];
    ws__now_iso(srv, now);
    if (c->conv && ws__batch(srv) == DS_OK)
        store_conversation_close(srv->db, c->conv, now, NULL);
    c->conv = 0;
    c->customer[0] = '\0';
    start_conversation(srv, c, NULL);
}

static void on_ping(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    ws__send(srv, c, json_pack("{s:s}", "type", "pong"), 0);
}

static void on_typing(ws_server *srv, ws_conn *c, json_t *msg)
{
    ws_conn *a = c->claimed_by ? ws__agent_conn(srv, c->claimed_by) : NULL;
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", c->conv);
    if (a)
        ws__send(srv, a,
                 json_pack("{s:s,s:s,s:O}", "type", "shopper_typing", "conversation", cid, "state",
                           json_object_get(msg, "state")),
                 0);
}

static void on_rating(ws_server *srv, ws_conn *c, json_t *msg)
{
    int score = (int)json_integer_value(json_object_get(msg, "score"));
    const char *comment = json_string_value(json_object_get(msg, "comment"));
    if (!c->conv || ws__batch(srv) != DS_OK ||
        store_handoff_rate(srv->db, c->conv, score, comment, NULL) != DS_OK) {
        ws__send_error(srv, c, "bad_request", "there is no finished conversation to rate");
        return;
    }
    ws__send(srv, c, json_pack("{s:s}", "type", "rating_saved"), 1);
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", c->conv);
    for (ws_conn *a = srv->conns; a; a = a->next)
        if (a->is_agent && a->agent)
            ws__send(srv, a,
                     json_pack("{s:s,s:s,s:i,s:s}", "type", "rating", "conversation", cid, "score",
                               score, "comment", comment ? comment : ""),
                     1);
}

/* Indexed by ws_frame_type. */
static void (*const handlers[])(ws_server *srv, ws_conn *c, json_t *msg) = {
    [WS_FRAME_HELLO] = on_hello,       [WS_FRAME_MESSAGE] = on_message,
    [WS_FRAME_IDENTIFY] = on_identify, [WS_FRAME_RESET] = on_reset,
    [WS_FRAME_PING] = on_ping,         [WS_FRAME_TYPING] = on_typing,
    [WS_FRAME_RATING] = on_rating,
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
    handlers[type](srv, c, msg);
    json_decref(msg);
}

void ws__chat_closed(ws_server *srv, ws_conn *c)
{
    (void)srv;
    dlg_session_free(c->dlg);
    c->dlg = NULL;
}
