/* SPDX-License-Identifier: MIT */
/* The hand-off queue as the server shows it: a conversation that starts to
 * wait for people, the queue pushed to agents, positions and waits to
 * waiting shoppers, and the head of the queue offered to agents with free
 * capacity. The queue itself lives in the store (the conversation service
 * opens each hand-off), so a restart loses none. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ws_int.h"

/* A first guess at the wait before any claim has happened. */
#define WS_DEFAULT_WAIT_S 120

static void queue_position(ws_server *srv, const store_handoff *q, size_t n, long long conv,
                           size_t *position, long long *eta)
{
    long long median = store_handoff_median_wait(srv->db, WS_DEFAULT_WAIT_S);
    size_t agents = ws__agents_online(srv);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(q[i].state, "waiting") == 0)
            pos++;
        if (q[i].conversation == conv)
            break;
    }
    *position = pos ? pos : 1;
    *eta = median * (long long)*position / (long long)(agents ? agents : 1);
}

static void push(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, queue_sul);
    srv->queue_dirty = 0;
    store_handoff *q;
    size_t n;
    if (store_handoffs_list(srv->db, 0, &q, &n, NULL) != DS_OK)
        return;
    long long now = (long long)time(NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:b}", "conversation", "", "priority",
                               q[i].priority, "waiting_s", (json_int_t)(now - q[i].created_utc),
                               "intent", q[i].intent ? q[i].intent : "", "reason", q[i].reason,
                               "preview", q[i].preview ? q[i].preview : "", "offline",
                               strcmp(q[i].state, "offline") == 0);
        char id[24];
        snprintf(id, sizeof id, "%lld", q[i].conversation);
        json_object_set_new(it, "conversation", json_string(id));
        if (q[i].details) {
            json_t *d = json_loads(q[i].details, 0, NULL);
            if (d)
                json_object_set_new(it, "request", d);
        }
        json_array_append_new(items, it);
    }
    /* agents: the queue, and an offer of the head when they have room */
    for (ws_conn *c = srv->conns; c; c = c->next) {
        if (!c->is_agent || !c->agent)
            continue;
        ws__send(srv, c, json_pack("{s:s,s:O}", "type", "queue", "items", items), 0);
        store_handoff *mine;
        size_t held = 0;
        if (store_handoffs_list(srv->db, c->agent->id, &mine, &held, NULL) == DS_OK)
            store_handoffs_free(mine, held);
        long long offer = n && held < (size_t)c->agent->capacity ? q[0].conversation : 0;
        if (offer && offer != c->sent_offer) {
            char id[24];
            snprintf(id, sizeof id, "%lld", offer);
            ws__send(srv, c, json_pack("{s:s,s:s}", "type", "offer", "conversation", id), 0);
        }
        c->sent_offer = offer;
    }
    /* waiting shoppers: where they stand */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(q[i].state, "waiting") != 0)
            continue;
        ws_conn *s = ws__shopper_of(srv, q[i].conversation);
        if (!s)
            continue;
        size_t pos;
        long long eta;
        queue_position(srv, q, n, q[i].conversation, &pos, &eta);
        if (pos == s->sent_position)
            continue; /* it moves only when the queue ahead of it does */
        s->sent_position = pos;
        ws__send(srv, s,
                 json_pack("{s:s,s:s,s:I,s:I,s:s}", "type", "handoff", "state", "queued",
                           "position", (json_int_t)pos, "eta_s", (json_int_t)eta, "priority",
                           q[i].priority),
                 0);
    }
    json_decref(items);
    store_handoffs_free(q, n);
}

void ws__queue_changed(ws_server *srv)
{
    if (srv->queue_dirty)
        return;
    srv->queue_dirty = 1;
    /* after this turn's commit, so the queue never shows an uncommitted row */
    lws_sul_schedule(srv->ctx, 0, &srv->queue_sul, push, 1000);
}

void ws__send_offline(ws_server *srv, ws_conn *c, int durable)
{
    char back[96], iso[CLOCK_ISO_LEN];
    conv_service_hours(srv->svc, back, iso);
    ws__send(srv, c,
             json_pack("{s:s,s:s,s:s,s:s}", "type", "handoff", "state", "offline", "back_at", iso,
                       "message", back),
             durable);
}

void ws__handoff_started(ws_server *srv, ws_conn *c, int offline)
{
    ws__set_handoff(srv, conv_id(c->cv), 1, 0);
    if (offline)
        ws__send_offline(srv, c, 1);
    ws__queue_changed(srv);
}

void ws__handoff_status(ws_server *srv, ws_conn *c)
{
    store_handoff *h;
    if (store_handoff_active(srv->db, conv_id(c->cv), &h, NULL) != DS_OK)
        return;
    conv_set_handoff(c->cv, 1, strcmp(h->state, "claimed") == 0 ? h->agent_id : 0);
    c->sent_position = 0;
    if (strcmp(h->state, "claimed") == 0) {
        ws_conn *a = ws__agent_conn(srv, h->agent_id);
        ws__send(srv, c,
                 json_pack("{s:s,s:s}", "type", "agent_joined", "agent",
                           a ? a->agent->name : ws__words(srv, "handoff.agent_name", "")),
                 0);
    } else if (strcmp(h->state, "offline") == 0) {
        ws__send_offline(srv, c, 0);
    } else {
        ws__queue_changed(srv); /* the push tells the position */
    }
    store_handoff_free(h);
}
