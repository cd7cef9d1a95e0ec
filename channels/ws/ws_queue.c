/* SPDX-License-Identifier: MIT */
/* The hand-off queue as the server shows it: a conversation that starts to
 * wait for people, the queue pushed to agents, positions and waits to
 * waiting shoppers, the head of the queue offered to agents with free
 * capacity, and what any shopper can expect (the working hours, the agents
 * at work: "availability"). The queue itself lives in the store (the
 * conversation service opens each hand-off), so a restart loses none. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ds_map.h"
#include "tpl.h"
#include "ws_int.h"

/* A first guess at the wait before any claim has happened. */
#define WS_DEFAULT_WAIT_S 120
/* The most offers read back from a shared store: one per agent with room. */
#define WS_QUEUE_OFFERS 1024

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

/* The offers of the queue as every node made them: this node's agents'
 * (sent_offer) and, on a shared store, the other nodes' (their rows). */
typedef struct offers {
    store_offer *v;
    size_t n;
} offers;

/* Whether conv is offered to an agent other than but's. */
static int offered_elsewhere(const ws_server *srv, const offers *o, const ws_conn *but,
                             long long conv)
{
    for (const ws_conn *c = srv->agents; c; c = c->agent_next)
        if (c != but && c->is_agent && c->agent && c->sent_offer == conv)
            return 1;
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].conversation == conv && o->v[i].agent != but->agent->id)
            return 1;
    return 0;
}

/* Whether the store still has conv offered to c's agent (a node that was
 * cut off long enough was forgotten with its offers). */
static int still_mine(const ws_server *srv, const offers *o, const ws_conn *c, long long conv)
{
    if (!srv->shared)
        return 1;
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].conversation == conv && o->v[i].agent == c->agent->id)
            return 1;
    return 0;
}

/* Makes conv c's offer; on a shared store only when no other node's agent
 * got it first (the database decides). Takes are tried in queue order, on
 * every node alike, so two nodes never wait on each other's. */
static int take(ws_server *srv, ws_conn *c, long long conv)
{
    int taken = 1;
    ds_error err;
    if (srv->shared &&
        (ws__batch(srv) != DS_OK ||
         store_offer_take(srv->db, conv, c->agent->id, srv->node, &taken, &err) != DS_OK))
        return 0;
    return taken;
}

static void withdraw(ws_server *srv, ws_conn *c)
{
    if (srv->shared && c->sent_offer && ws__batch(srv) == DS_OK)
        store_offer_drop(srv->db, c->sent_offer, c->agent->id, srv->node, NULL);
    c->sent_offer = 0;
}

/* Offers the queue to the agents with room, one conversation to one agent,
 * on every node: with k agents free, the first k conversations, each to one
 * of them. An agent keeps an offer that is still among those (it does not
 * jump between agents on every push); the others get the rest in queue
 * order, so the head is always offered. An agent at capacity is offered
 * nothing. */
static void offer_all(ws_server *srv, const store_handoff *q, size_t n)
{
    for (ws_conn *c = srv->agents; c; c = c->agent_next) {
        if (!c->is_agent || !c->agent)
            continue;
        store_handoff *mine;
        size_t held = 0;
        if (store_handoffs_list(srv->db, c->agent->id, &mine, &held, NULL) == DS_OK)
            store_handoffs_free(mine, held);
        c->free_room = !c->away && held < (size_t)c->agent->capacity;
        ws__presence_room(srv, c);
    }
    size_t free_count = 0;
    ws__agents_at_work(srv, &free_count);
    size_t limit = n < free_count ? n : free_count;
    if (limit > WS_QUEUE_ITEMS)
        limit = WS_QUEUE_ITEMS;
    offers o = {0};
    if (srv->shared && (ws__batch(srv) != DS_OK ||
                        store_offers_list(srv->db, WS_QUEUE_OFFERS, &o.v, &o.n, NULL) != DS_OK))
        return; /* the next push offers */
    for (ws_conn *c = srv->agents; c; c = c->agent_next) {
        if (!c->is_agent || !c->agent)
            continue;
        int keep = 0;
        for (size_t i = 0; c->free_room && c->sent_offer && i < limit && !keep; i++)
            keep = q[i].conversation == c->sent_offer;
        if (!keep || offered_elsewhere(srv, &o, c, c->sent_offer) ||
            !still_mine(srv, &o, c, c->sent_offer))
            withdraw(srv, c); /* taken, gone, behind, full, or someone else's */
    }
    for (ws_conn *c = srv->agents; c; c = c->agent_next) {
        if (!c->is_agent || !c->agent || !c->free_room || c->sent_offer)
            continue;
        long long offer = 0;
        for (size_t i = 0; i < limit && !offer; i++)
            if (!offered_elsewhere(srv, &o, c, q[i].conversation) &&
                take(srv, c, q[i].conversation))
                offer = q[i].conversation;
        if (!offer)
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", offer);
        ws__send(srv, c, json_pack("{s:s,s:s}", "type", "offer", "conversation", id), 0);
        c->sent_offer = offer;
    }
    ds_free(o.v);
}

static void push_queue(ws_server *srv)
{
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
    /* agents: the queue, and offers: each conversation to one agent with
     * room at a time (every free agent told "yours" for the same one is a
     * race nobody asked for), the head first */
    for (ws_conn *c = srv->agents; c; c = c->agent_next)
        if (c->is_agent && c->agent && text)
            ws__send_take(srv, c, ds_strdup(text), 0);
    offer_all(srv, q, n);
    ds_free(text);
    /* waiting shoppers: where they stand (one pass over the queue, one
     * over the connections) */
    long long median = store_handoff_median_wait(srv->db, WS_DEFAULT_WAIT_S);
    size_t agents = ws__agents_at_work(srv, NULL);
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

static void push(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, queue_sul);
    double t0 = ws__stall_begin(srv);
    push_queue(srv);
    ws__stall_end(srv, WS_PART_TIMER, t0);
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

/* geri_donus is when people are back ("yarın 09:00'da"); the rest are the
 * shop's facts. */
static int offline_lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    const void *const *a = ctx; /* {kb, back} */
    if (len == 10 && memcmp(name, "geri_donus", 10) == 0) {
        ds_buf_puts(out, a[1]);
        return 1;
    }
    return kb_shop_lookup((void *)a[0], name, len, out);
}

void ws__send_offline(ws_server *srv, ws_conn *c, int durable)
{
    char back[96], iso[CLOCK_ISO_LEN];
    conv_service_hours(srv->svc, back, iso);
    if (c->cv && c->told_offline == conv_id(c->cv))
        return; /* once a conversation on a connection: the shopper has read it */
    /* a request left after hours, resumed in working hours: no time to give */
    if (!back[0])
        snprintf(back, sizeof back, "%s", ws__words(srv, "offline.back_soon", ""));
    /* a sentence the widget can show as it is (dialogue.json
     * handoff.offline_notice), not the bare time phrase */
    const void *ctx[2] = {srv->kb, back};
    ds_buf b;
    ds_buf_init(&b);
    if (tpl_render(ws__words(srv, "handoff.offline_notice", "{{geri_donus}}"), offline_lookup,
                   (void *)ctx, &b, NULL) != DS_OK ||
        b.failed || !b.data) {
        ds_buf_cleanup(&b);
        ds_buf_init(&b);
        ds_buf_puts(&b, back);
    }
    const char *say = b.data ? b.data : back;
    ws__send(srv, c,
             iso[0] ? json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "handoff", "state", "offline",
                                "back_at", iso, "back", back, "message", say)
                    : json_pack("{s:s,s:s,s:s,s:s}", "type", "handoff", "state", "offline", "back",
                                back, "message", say),
             durable);
    ds_buf_cleanup(&b);
    if (c->cv)
        c->told_offline = conv_id(c->cv);
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
        /* the agent's name even when its console is closed or on another node */
        const char *who = a ? a->agent->name : ws__words(srv, "handoff.agent_name", "");
        char *name = NULL;
        if (!a && store_agent_name(srv->db, h->agent_id, &name, NULL) == DS_OK)
            who = name;
        /* a repeat of the join the shopper saw (a reload, a reconnect): when it
         * happened, so the widget puts it above the agent's messages, not below */
        char at[CLOCK_ISO_LEN];
        clock_iso(kb_zone(srv->kb), h->claimed_utc, at);
        ws__send(srv, c,
                 json_pack("{s:s,s:s,s:s,s:b}", "type", "agent_joined", "agent", who, "at", at,
                           "resumed", 1),
                 0);
        ds_free(name);
    } else if (strcmp(h->state, "offline") == 0) {
        ws__send_offline(srv, c, 0);
    } else {
        ws__queue_changed(srv); /* the push tells the position */
    }
    store_handoff_free(h);
}

/* The agents at work, as shoppers are told: counted at most once a second
 * (every widget pings every 25 s; on one node the count walks every
 * connection, on several it asks the store). */
static size_t agents_now(ws_server *srv)
{
    long long now = (long long)time(NULL);
    if (now != srv->avail_at) {
        srv->avail_at = now;
        srv->avail_agents = ws__agents_at_work(srv, NULL);
    }
    return srv->avail_agents;
}

json_t *ws__availability(ws_server *srv, int *key)
{
    char back[96], iso[CLOCK_ISO_LEN];
    int open = conv_service_hours(srv->svc, back, iso);
    int agents = agents_now(srv) > 0;
    json_t *a = json_pack("{s:s,s:b}", "hours", open ? "open" : "closed", "agents", agents);
    if (a && !open && back[0])
        json_object_set_new(a, "back", json_string(back));
    if (a && !open && iso[0])
        json_object_set_new(a, "back_at", json_string(iso));
    *key = 4 | (open ? 1 : 0) | (agents ? 2 : 0); /* never 0, what a connection starts with */
    return a;
}

void ws__availability_check(ws_server *srv, ws_conn *c)
{
    int key;
    if (!c->cv || c->is_agent || !c->sent_avail)
        return; /* before its welcome, or a client that was never told */
    json_t *a = ws__availability(srv, &key);
    if (!a || key == c->sent_avail) {
        json_decref(a);
        return;
    }
    c->sent_avail = key;
    json_t *f = json_pack("{s:s}", "type", "availability");
    if (f)
        json_object_update(f, a);
    json_decref(a);
    ws__send(srv, c, f, 0);
}
