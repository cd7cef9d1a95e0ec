/* SPDX-License-Identifier: MIT */
/* The hand-off queue as the server shows it: a conversation that starts to
 * wait for people, the queue pushed to agents, positions and waits to
 * waiting shoppers, and the head of the queue offered to agents with free
 * capacity. The queue itself lives in the store (the conversation service
 * opens each hand-off), so a restart loses none. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ds_map.h"
#include "ws_int.h"

/* A first guess at the wait before any claim has happened. */
#define WS_DEFAULT_WAIT_S 120

/* One queue item as agents see it; an offline request's message cut to a
 * preview (the whole request comes with the claim). */
static json_t *item(const ws_server *srv, const store_handoff *q, long long now)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", q->conversation);
    json_t *it =
        json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:b}", "conversation", id, "priority", q->priority,
                  "waiting_s", (json_int_t)(now - q->created_utc), "intent",
                  q->intent ? q->intent : "", "reason", q->reason, "preview",
                  q->preview ? q->preview : "", "offline", strcmp(q->state, "offline") == 0);
    json_t *d = q->details ? json_loads(q->details, 0, NULL) : NULL;
    const char *m = json_string_value(json_object_get(d, "message"));
    if (m && strlen(m) > WS_QUEUE_PREVIEW) {
        size_t n = WS_QUEUE_PREVIEW;
        while (n > 0 && ((unsigned char)m[n] & 0xC0) == 0x80)
            n--; /* between two characters */
        json_object_set_new(d, "message", json_stringn(m, n));
    }
    if (it && d)
        json_object_set_new(it, "request", d);
    else
        json_decref(d);
    if (!it) /* never silent: an item the agents cannot see is a shopper left waiting */
        ws__log(srv, WS_LOG_ERROR, "frame_failed", 0,
                "hand-off %lld could not be put in the queue frame", q->id);
    return it;
}

static void push(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, queue_sul);
    srv->queue_dirty = 0;
    srv->queue_pushed = ws__now();
    store_handoff *q;
    size_t n;
    if (store_handoffs_list(srv->db, 0, &q, &n, NULL) != DS_OK)
        return;
    long long now = (long long)time(NULL);
    /* the head of the queue, and how long it is: agents claim from the
     * head, so a thousand waiting cost a frame of a hundred */
    json_t *items = json_array();
    for (size_t i = 0; i < n && i < WS_QUEUE_ITEMS; i++) {
        json_t *it = item(srv, &q[i], now);
        if (it)
            json_array_append_new(items, it);
    }
    json_t *frame =
        json_pack("{s:s,s:o,s:I}", "type", "queue", "items", items, "total", (json_int_t)n);
    char *text = frame ? json_dumps(frame, JSON_COMPACT) : NULL;
    json_decref(frame);
    if (!text)
        ws__log(srv, WS_LOG_ERROR, "frame_failed", 0, "the queue frame could not be built");
    /* agents: the queue, and an offer of the head when they have room */
    for (ws_conn *c = srv->conns; c; c = c->next) {
        if (!c->is_agent || !c->agent)
            continue;
        if (text)
            ws__send_take(srv, c, ds_strdup(text), 0);
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
    ds_free(text);
    /* waiting shoppers: where they stand (one pass over the queue, one
     * over the connections) */
    long long median = store_handoff_median_wait(srv->db, WS_DEFAULT_WAIT_S);
    size_t agents = ws__agents_online(srv);
    ds_map *pos = ds_map_new();
    size_t waiting = 0;
    for (size_t i = 0; pos && i < n; i++) {
        if (strcmp(q[i].state, "waiting") != 0)
            continue;
        char id[24];
        int len = snprintf(id, sizeof id, "%lld", q[i].conversation);
        ds_map_put(pos, id, (size_t)len,
                   ((++waiting) << 1) | (strcmp(q[i].priority, "urgent") == 0));
    }
    for (ws_conn *s = srv->conns; pos && s; s = s->next) {
        if (s->is_agent || !s->cv || !conv_in_handoff(s->cv))
            continue;
        char id[24];
        int len = snprintf(id, sizeof id, "%lld", conv_id(s->cv));
        size_t v;
        if (!ds_map_get(pos, id, (size_t)len, &v))
            continue;
        size_t p = v >> 1;
        if (p == s->sent_position)
            continue; /* it moves only when the queue ahead of it does */
        s->sent_position = p;
        long long eta = median * (long long)p / (long long)(agents ? agents : 1);
        ws__send(srv, s,
                 json_pack("{s:s,s:s,s:I,s:I,s:s}", "type", "handoff", "state", "queued",
                           "position", (json_int_t)p, "eta_s", (json_int_t)eta, "priority",
                           (v & 1) ? "urgent" : "normal"),
                 0);
    }
    ds_map_free(pos);
    store_handoffs_free(q, n);
}

void ws__queue_changed(ws_server *srv)
{
    if (srv->shared && !srv->outbox_queue) {
        ws__publish(srv, "queue", 0, 0, NULL);
        srv->outbox_queue = 1;
    }
    ws__queue_refresh(srv);
}

void ws__queue_refresh(ws_server *srv)
{
    if (srv->queue_dirty)
        return;
    srv->queue_dirty = 1;
    /* after this turn's commit, so the queue never shows an uncommitted
     * row; and changes coalesce: at most WS_QUEUE_PUSHES_PER_S pushes a
     * second however fast the queue moves */
    double wait = srv->queue_pushed + 1.0 / WS_QUEUE_PUSHES_PER_S - ws__now();
    lws_usec_t us = wait > 0.001 ? (lws_usec_t)(wait * LWS_US_PER_SEC) : 1000;
    lws_sul_schedule(srv->ctx, 0, &srv->queue_sul, push, us);
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
    ws__handoff_changed(srv, conv_id(c->cv), 1, 0);
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
