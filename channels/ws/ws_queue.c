/* SPDX-License-Identifier: MIT */
/* The hand-off queue as the server shows it: starting a hand-off after the
 * bot asked for people, pushing the queue to agents, positions and waits to
 * waiting shoppers, and offering the head of the queue to agents with free
 * capacity. The queue itself lives in the store, so a restart loses none. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hours.h"
#include "ws_int.h"

/* A first guess at the wait before any claim has happened. */
#define WS_DEFAULT_WAIT_S 120

ws_conn *ws__shopper_of(ws_server *srv, long long conv)
{
    ws_conn *found = NULL;
    for (ws_conn *c = srv->conns; c; c = c->next)
        if (!c->is_agent && c->conv == conv)
            found = c; /* the newest connection of the conversation */
    return found;
}

void ws__set_handoff(ws_server *srv, long long conv, int in_handoff, long long claimed_by)
{
    for (ws_conn *c = srv->conns; c; c = c->next) {
        if (!c->is_agent && c->conv == conv) {
            c->in_handoff = in_handoff;
            c->claimed_by = claimed_by;
            c->sent_position = 0; /* a new state: the next position is news */
        }
    }
}

ws_conn *ws__agent_conn(ws_server *srv, long long agent_id)
{
    for (ws_conn *c = srv->conns; c; c = c->next)
        if (c->is_agent && c->agent && c->agent->id == agent_id)
            return c;
    return NULL;
}

static void hours_refresh(ws_server *srv, time_t now)
{
    srv->hours_at = now;
    srv->hours_open = hours_open_now(srv->kb, (hours_mode)srv->hours_mode, now);
    srv->hours_back[0] = srv->hours_iso[0] = '\0';
    if (srv->hours_open)
        return;
    time_t when;
    if (hours_next_open(srv->kb, now, &when) != DS_OK)
        when = now + 12 * 3600; /* forced closed with no schedule: a plausible half day */
    ds_buf b;
    ds_buf_init(&b);
    hours_describe_next(srv->kb, now, when, &b);
    snprintf(srv->hours_back, sizeof srv->hours_back, "%s", b.data ? b.data : "");
    ds_buf_cleanup(&b);
    clock_iso(kb_zone(srv->kb), (long long)when, srv->hours_iso);
}

int ws__hours_open(ws_server *srv, char *back_at, size_t back_len, char iso[40])
{
    time_t now = time(NULL);
    if (now != srv->hours_at)
        hours_refresh(srv, now);
    if (back_at && back_len)
        snprintf(back_at, back_len, "%s", srv->hours_back);
    if (iso)
        snprintf(iso, 40, "%s", srv->hours_iso);
    return srv->hours_open;
}

static void queue_position(ws_server *srv, const store_handoff *q, size_t n, long long conv,
                           size_t *position, long long *eta)
{
    long long median = store_handoff_median_wait(srv->db, WS_DEFAULT_WAIT_S);
    size_t agents = 0;
    for (ws_conn *c = srv->conns; c; c = c->next)
        agents += c->is_agent && c->agent;
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

void ws__handoff_start(ws_server *srv, ws_conn *c, const dlg_reply *r, const char *preview)
{
    char now[40], back[96], iso[40];
    ws__now_iso(srv, now);
    int offline = r->offline_request[0] != '\0';
    long long id;
    int existing = 0;
    char pv[200];
    snprintf(pv, sizeof pv, "%.160s", preview ? preview : "");
    if (ws__batch(srv) != DS_OK ||
        store_handoff_open(srv->db, c->conv, offline ? "offline" : "waiting", r->handoff_priority,
                           r->handoff_reason ? r->handoff_reason : "istek", r->intent, pv,
                           offline ? r->offline_request : NULL, now, (long long)time(NULL), &id,
                           &existing, NULL) != DS_OK)
        return;
    ws__set_handoff(srv, c->conv, 1, 0);
    if (offline) {
        ws__hours_open(srv, back, sizeof back, iso);
        ws__send(srv, c,
                 json_pack("{s:s,s:s,s:s,s:s}", "type", "handoff", "state", "offline", "back_at",
                           iso, "message", back),
                 1);
    }
    ws__queue_changed(srv);
}

void ws__handoff_status(ws_server *srv, ws_conn *c)
{
    store_handoff *h;
    if (store_handoff_active(srv->db, c->conv, &h, NULL) != DS_OK)
        return;
    c->in_handoff = 1;
    c->claimed_by = strcmp(h->state, "claimed") == 0 ? h->agent_id : 0;
    c->sent_position = 0;
    if (strcmp(h->state, "claimed") == 0) {
        ws_conn *a = ws__agent_conn(srv, h->agent_id);
        ws__send(srv, c,
                 json_pack("{s:s,s:s}", "type", "agent_joined", "agent",
                           a ? a->agent->name : "Müşteri temsilcisi"),
                 0);
    } else if (strcmp(h->state, "offline") == 0) {
        char back[96], iso[40];
        ws__hours_open(srv, back, sizeof back, iso);
        ws__send(srv, c,
                 json_pack("{s:s,s:s,s:s,s:s}", "type", "handoff", "state", "offline", "back_at",
                           iso, "message", back),
                 0);
    } else {
        ws__queue_changed(srv); /* the push tells the position */
    }
    store_handoff_free(h);
}
