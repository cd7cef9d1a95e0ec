/* SPDX-License-Identifier: MIT */
/* The agent endpoint: token authentication (only a hash is stored, compared
 * in constant time), atomic claims, messages and canned answers to the
 * shopper, internal notes, typing, release to the bot and close with the
 * satisfaction survey. An agent only acts on conversations it holds. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws_frame.h"
#include "ws_int.h"

static long long conv_of(json_t *msg)
{
    return strtoll(json_string_value(json_object_get(msg, "conversation")), NULL, 10);
}

/* An error about one conversation names it, so a console with several open
 * knows which request failed. */
static void conv_error(ws_server *srv, ws_conn *c, long long conv, const char *code,
                       const char *message)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", conv);
    ws__metric_error(srv->metrics, code);
    ws__send(srv, c,
             json_pack("{s:s,s:s,s:s,s:s}", "type", "error", "code", code, "message", message,
                       "conversation", id),
             0);
}

/* The active hand-off of conv if this agent holds it; else an error sent. */
static store_handoff *held(ws_server *srv, ws_conn *c, long long conv)
{
    store_handoff *h;
    if (store_handoff_active(srv->db, conv, &h, NULL) != DS_OK) {
        conv_error(srv, c, conv, "not_found", "no such conversation waiting for people");
        return NULL;
    }
    if (strcmp(h->state, "claimed") != 0 || h->agent_id != c->agent->id) {
        conv_error(srv, c, conv, "not_yours", "claim the conversation first");
        store_handoff_free(h);
        return NULL;
    }
    return h;
}

/* The transcript to an agent, once the access is in the audit. */
static void send_claimed(ws_server *srv, ws_conn *c, const store_handoff *h, const char *action)
{
    json_t *f = ws__claimed_frame(srv, h, c->agent->id, action, NULL);
    if (!f) {
        conv_error(srv, c, h->conversation, "unavailable",
                   "the conversation cannot be opened now; try again");
        return;
    }
    ws__send(srv, c, f, 1);
}

static void on_auth(ws_server *srv, ws_conn *c, json_t *msg)
{
    char key[64];
    snprintf(key, sizeof key, "au:%s", c->addr);
    if (srv->cfg->limits &&
        !ws_limiter_hit(srv->limits, key, ws__now(), WS_AUTH_BURST, WS_AUTH_WINDOW_S)) {
        ws__log(srv, WS_LOG_WARN, "login_limited", 0,
                "too many agent log-ins from %s; refused for a while", c->addr);
        ws__close_with(srv, c, 0, "rate_limited", "too many log-ins; wait a minute");
        return;
    }
    const char *token = json_string_value(json_object_get(msg, "token"));
    char hash[65];
    ws_sha256_hex(token, hash);
    store_agent *a = NULL;
    char want[65];
    /* the lookup is by hash; the comparison of what was found is constant
     * time, so nothing about a stored hash leaks through timing */
    int ok = store_agent_find(srv->db, hash, &a, NULL) == DS_OK;
    if (ok) {
        memset(want, 0, sizeof want);
        memcpy(want, a->token_hash, strnlen(a->token_hash, 64));
        ok = CRYPTO_memcmp(want, hash, 64) == 0;
    }
    if (!ok) {
        store_agent_free(a);
        ws__log(srv, WS_LOG_WARN, "login_failed", 0, "an agent log-in from %s failed (wrong token)",
                c->addr);
        ws__close_with(srv, c, 0, "unauthorized", "wrong token");
        return;
    }
    c->agent = a;
    c->sent_offer = 0;
    c->free_room = 0; /* worked out by the queue push below */
    ws__presence_agent(srv, c, 1);
    lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0); /* authenticated in time */
    ws__send(srv, c,
             json_pack("{s:s,s:s,s:i,s:s}", "type", "authed", "agent", a->name, "capacity",
                       a->capacity, "role", a->supervisor ? "supervisor" : "agent"),
             0);
    json_t *canned = json_array();
    for (size_t i = 0; i < kb_canned_count(srv->kb); i++) {
        const kb_canned *k = kb_canned_at(srv->kb, i);
        json_t *it = json_pack("{s:s,s:s,s:s}", "id", k->id, "title", k->title, "text", k->text);
        json_t *pv = ws__canned_preview(srv, NULL, k);
        if (it && pv)
            json_object_set_new(it, "preview", pv);
        else
            json_decref(pv);
        json_array_append_new(canned, it);
    }
    ws__send(srv, c, json_pack("{s:s,s:o}", "type", "canned", "items", canned), 0);
    /* what the queue, the transcript's chips and "Niyet" call intents:
     * their titles, not ids like canli_destek */
    json_t *names = json_array();
    for (size_t i = 0; i < kb_intent_count(srv->kb); i++) {
        const kb_intent *in = kb_intent_at(srv->kb, i);
        json_array_append_new(
            names, json_pack("{s:s,s:s}", "id", in->id, "title", in->title ? in->title : in->id));
    }
    ws__send(srv, c, json_pack("{s:s,s:o}", "type", "intent_names", "items", names), 0);
    /* after a restart or a reconnect: the conversations it still holds */
    store_handoff *mine;
    size_t n;
    if (store_handoffs_list(srv->db, a->id, &mine, &n, NULL) == DS_OK) {
        for (size_t i = 0; i < n; i++)
            send_claimed(srv, c, &mine[i], "reconnect");
        store_handoffs_free(mine, n);
    }
    ws__queue_changed(srv);
}

static void on_claim(ws_server *srv, ws_conn *c, json_t *msg)
{
    long long conv = conv_of(msg);
    store_handoff *h;
    if (store_handoff_active(srv->db, conv, &h, NULL) != DS_OK) {
        conv_error(srv, c, conv, "not_found", "no such conversation waiting for people");
        return;
    }
    if (strcmp(h->state, "claimed") == 0 && h->agent_id == c->agent->id) {
        send_claimed(srv, c, h, "reopen"); /* already ours: the transcript again */
        store_handoff_free(h);
        return;
    }
    if (ws__batch(srv) != DS_OK ||
        store_handoff_claim(srv->db, h->id, c->agent->id, (long long)conv_service_now(srv->svc),
                            NULL) != DS_OK) {
        conv_error(srv, c, conv, "already_claimed", "another agent took this conversation");
        store_handoff_free(h);
        return;
    }
    send_claimed(srv, c, h, "claim");
    ws__handoff_changed(srv, conv, 1, c->agent->id);
    ws__to_shopper(srv, conv,
                   json_pack("{s:s,s:s}", "type", "agent_joined", "agent", c->agent->name), 1);
    store_handoff_free(h);
    ws__queue_changed(srv);
}

static void on_message(ws_server *srv, ws_conn *c, json_t *msg, const char *role)
{
    long long conv = conv_of(msg);
    store_handoff *h = held(srv, c, conv);
    if (!h)
        return;
    ws_conn *s = ws__shopper_of(srv, conv);
    const char *canned = json_string_value(json_object_get(msg, "canned"));
    ds_buf text;
    ds_buf_init(&text);
    if (canned) {
        const kb_canned *k = kb_canned_find(srv->kb, canned);
        dlg_env env = {.me = srv->me, .db = srv->db, .now = conv_service_now(srv->svc)};
        ds_error err;
        if (!k || dlg_render(&env, s ? conv_session(s->cv) : NULL, k->text, &text, &err) != DS_OK) {
            conv_error(srv, c, conv, "bad_request",
                       k ? "this canned answer needs an order the shopper has not verified"
                         : "no such canned answer");
            ds_buf_cleanup(&text);
            store_handoff_free(h);
            return;
        }
    } else {
        ds_buf_puts(&text, json_string_value(json_object_get(msg, "text")));
    }
    char now[40];
    ws__now_iso(srv, now);
    json_t *d = json_pack("{s:s}", "agent", c->agent->name);
    char *details = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    /* stored, or not sent at all: "sent" promises the shopper has it */
    ds_status st = details && ws__batch(srv) == DS_OK
                       ? store_message_add(srv->db, conv, role, NULL, text.data ? text.data : "",
                                           details, now, NULL, NULL)
                       : DS_EDB;
    ds_free(details);
    if (st == DS_OK)
        ws__metric_message(srv->metrics, strcmp(role, "agent") == 0 ? WS_FROM_AGENT : -1);
    if (st != DS_OK) {
        conv_error(srv, c, conv, "unavailable", "the message could not be stored; send it again");
        ds_buf_cleanup(&text);
        store_handoff_free(h);
        return;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", conv);
    if (strcmp(role, "agent") == 0) {
        ws__to_shopper(srv, conv,
                       json_pack("{s:s,s:s,s:s,s:s}", "type", "agent_message", "text",
                                 text.data ? text.data : "", "agent", c->agent->name, "at", now),
                       1);
        ws__send(srv, c,
                 json_pack("{s:s,s:s,s:s,s:s}", "type", "sent", "conversation", id, "text",
                           text.data ? text.data : "", "at", now),
                 1);
    } else {
        /* a note: to the agent only, never to the shopper */
        ws__send(srv, c,
                 json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "note", "conversation", id, "text",
                           text.data ? text.data : "", "agent", c->agent->name, "at", now),
                 1);
    }
    ds_buf_cleanup(&text);
    store_handoff_free(h);
}

static void on_typing(ws_server *srv, ws_conn *c, json_t *msg)
{
    long long conv = conv_of(msg);
    store_handoff *h = held(srv, c, conv);
    if (!h)
        return;
    ws__to_shopper(
        srv, conv,
        json_pack("{s:s,s:O}", "type", "agent_typing", "state", json_object_get(msg, "state")), 0);
    store_handoff_free(h);
}

static void on_end(ws_server *srv, ws_conn *c, json_t *msg, const char *state)
{
    long long conv = conv_of(msg);
    store_handoff *h = held(srv, c, conv);
    if (!h)
        return;
    char now[40], id[24];
    ws__now_iso(srv, now);
    snprintf(id, sizeof id, "%lld", conv);
    if (ws__batch(srv) != DS_OK || store_handoff_end(srv->db, h->id, state, now, NULL) != DS_OK) {
        conv_error(srv, c, conv, "unavailable", "could not end the conversation; try again");
        store_handoff_free(h);
        return;
    }
    ws__handoff_changed(srv, conv, 0, 0);
    int closing = strcmp(state, "closed") == 0;
    if (closing)
        ws__to_shopper(srv, conv,
                       json_pack("{s:s,s:s,s:[i,i,i,i,i]}", "type", "survey", "question",
                                 ws__words(srv, "survey.question", ""), "scale", 1, 2, 3, 4, 5),
                       1);
    else
        ws__to_shopper(srv, conv, json_pack("{s:s,s:s}", "type", "handoff", "state", "bot"), 1);
    ws__send(srv, c,
             json_pack("{s:s,s:s}", "type", closing ? "closed" : "released", "conversation", id),
             1);
    store_handoff_free(h);
    ws__queue_changed(srv);
}

void ws__agent_closed(ws_server *srv, ws_conn *c)
{
    int was_agent = c->agent != NULL;
    ws__presence_agent(srv, c, 0);
    store_agent_free(c->agent);
    c->agent = NULL;
    if (was_agent && !srv->draining)
        ws__queue_changed(srv); /* waits are estimated from the agents at work */
}

/* Indexed by ws_agent_frame_type, after auth. */
static void on_agent_message(ws_server *srv, ws_conn *c, json_t *msg)
{
    on_message(srv, c, msg, "agent");
}

static void on_note(ws_server *srv, ws_conn *c, json_t *msg)
{
    on_message(srv, c, msg, "note");
}

static void on_release(ws_server *srv, ws_conn *c, json_t *msg)
{
    on_end(srv, c, msg, "released");
}

static void on_close(ws_server *srv, ws_conn *c, json_t *msg)
{
    on_end(srv, c, msg, "closed");
}

/* An older page of a held conversation's transcript. */
/* An older page: of a conversation the agent holds, or one it reads
 * (found by search; the reading is audited). */
static void on_history(ws_server *srv, ws_conn *c, json_t *msg)
{
    long long conv = conv_of(msg);
    store_handoff *h = NULL;
    int mine = store_handoff_active(srv->db, conv, &h, NULL) == DS_OK &&
               strcmp(h->state, "claimed") == 0 && h->agent_id == c->agent->id;
    store_handoff_free(h);
    if (!mine && !ws__view_allowed(srv, c, conv))
        return;
    int more = 0;
    json_t *e = ws__history(
        srv, conv, (long long)json_integer_value(json_object_get(msg, "before")), 1, &more);
    char id[24];
    snprintf(id, sizeof id, "%lld", conv);
    ws__send(srv, c,
             json_pack("{s:s,s:s,s:o,s:b}", "type", "history", "conversation", id, "entries", e,
                       "more", more),
             0);
}

static void (*const handlers[])(ws_server *srv, ws_conn *c, json_t *msg) = {
    [WS_AGENT_CLAIM] = on_claim,     [WS_AGENT_MESSAGE] = on_agent_message,
    [WS_AGENT_NOTE] = on_note,       [WS_AGENT_TYPING] = on_typing,
    [WS_AGENT_RELEASE] = on_release, [WS_AGENT_CLOSE] = on_close,
    [WS_AGENT_HISTORY] = on_history,
};

void ws__agent_frame(ws_server *srv, ws_conn *c, const char *data, size_t len)
{
    ws_agent_frame_type type;
    json_t *msg;
    const char *why;
    const char *code = ws_agent_frame_parse(data, len, &type, &msg, &why);
    if (code) {
        ws__send_error(srv, c, code, why);
        if (!c->agent)
            c->closing = 1; /* nothing but a valid auth comes first */
        return;
    }
    if (!c->agent && type != WS_AGENT_AUTH) {
        ws__send_error(srv, c, "unauthorized", "send auth first");
        c->closing = 1;
    } else if (type == WS_AGENT_AUTH) {
        if (c->agent)
            ws__send_error(srv, c, "bad_request", "already authenticated");
        else
            on_auth(srv, c, msg);
    } else {
        ws_frame_handler h = ws__supervisor_handler((int)type);
        if (!h)
            h = ws__search_handler((int)type);
        if (!h)
            h = ws__team_handler((int)type);
        (h ? h : handlers[type])(srv, c, msg);
    }
    json_decref(msg);
}
