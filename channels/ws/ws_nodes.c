/* SPDX-License-Identifier: MIT */
/* The other nodes on a shared store: every 50 ms the listener is read
 * without waiting, and when a doorbell rang, the listener came back, or a
 * second passed, the events numbered after the last one read are delivered
 * to this node's connections (by kind, through the table below). The
 * database is the truth and the doorbell only says "look": nothing is lost
 * while the listener is down, only later. Events are kept minutes. */
#include <libwebsockets.h>
#include <string.h>
#include <unistd.h>

#include "ws_int.h"

#define WS_NODES_TICK_US (50 * 1000)
#define WS_EVENTS_PAGE 256
#define WS_EVENTS_KEEP_S 600

static void to_shopper(ws_server *srv, const store_node_event *e, json_t *body)
{
    ws_conn *s = ws__shopper_of(srv, e->conversation);
    if (s && body)
        ws__send(srv, s, json_incref(body), 0);
}

static void to_agent(ws_server *srv, const store_node_event *e, json_t *body)
{
    ws_conn *a = ws__agent_conn(srv, e->target);
    if (a && body)
        ws__send(srv, a, json_incref(body), 0);
}

static void handoff(ws_server *srv, const store_node_event *e, json_t *body)
{
    ws__set_handoff(srv, e->conversation, json_is_true(json_object_get(body, "in")),
                    (long long)json_integer_value(json_object_get(body, "agent")));
}

static void queue(ws_server *srv, const store_node_event *e, json_t *body)
{
    (void)e;
    (void)body;
    ws__queue_refresh(srv);
}

static const struct {
    const char *kind;
    void (*deliver)(ws_server *srv, const store_node_event *e, json_t *body);
} kinds[] = {
    {"shopper", to_shopper},
    {"agent", to_agent},
    {"handoff", handoff},
    {"queue", queue},
};

static void deliver(ws_server *srv, const store_node_event *e)
{
    if (strcmp(e->node, srv->node) == 0)
        return; /* sent here already */
    json_t *body = e->body ? json_loads(e->body, 0, NULL) : NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, e->kind) == 0)
            kinds[i].deliver(srv, e, body);
    json_decref(body);
}

static void catch_up(ws_server *srv)
{
    for (;;) {
        store_node_event *ev = NULL;
        size_t n = 0;
        ds_error err;
        if (store_events_after(srv->db, srv->event_seen, WS_EVENTS_PAGE, &ev, &n, &err) != DS_OK) {
            ws__log(srv, WS_LOG_WARN, "events_failed", 0,
                    "cannot read the other nodes' events (tried again in a second): %s",
                    err.message);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            deliver(srv, &ev[i]);
            srv->event_seen = ev[i].seq;
        }
        store_events_free(ev, n);
        if (n < WS_EVENTS_PAGE)
            return;
    }
}

static void tick(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, nodes_sul);
    double t0 = ws__stall_begin(srv);
    int rang = store_listener_poll(srv->listener);
    if (rang < 0 && !srv->listener_down)
        ws__log(srv, WS_LOG_ERROR, "listener_down", 0,
                "lost the connection that listens for the other nodes; reconnecting (their "
                "events are read every second meanwhile)");
    else if (rang >= 0 && srv->listener_down)
        ws__log(srv, WS_LOG_INFO, "listener_up", 0, "listening for the other nodes again");
    srv->listener_down = rang < 0;
    if (srv->store_down)
        ws__store_ready(srv); /* one step of the store's reconnect */
    if (ws__presence_tick(srv))
        ws__queue_changed(srv); /* what the forgotten held is offered again */
    double now = ws__now();
    if (rang == 1 || now - srv->events_read >= 1.0) {
        srv->events_read = now;
        catch_up(srv);
    }
    if (now - srv->events_trimmed >= 60.0 && ws__batch(srv) == DS_OK) {
        srv->events_trimmed = now;
        store_events_trim(srv->db, (long long)conv_service_now(srv->svc) - WS_EVENTS_KEEP_S, NULL);
    }
    lws_sul_schedule(srv->ctx, 0, &srv->nodes_sul, tick, WS_NODES_TICK_US);
    ws__stall_end(srv, WS_PART_TIMER, t0);
}

int ws__nodes_start(ws_server *srv)
{
    if (!store_is_shared(srv->cfg->db_path))
        return 0;
    srv->shared = 1;
    char host[40] = "node";
    gethostname(host, sizeof host - 1);
    snprintf(srv->node, sizeof srv->node, "%s:%ld", host, (long)getpid());
    ds_error err;
    if (store_events_head(srv->db, &srv->event_seen, &err) != DS_OK) {
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0, "cannot read the events: %s", err.message);
        return -1;
    }
    if (store_listener_open(srv->cfg->db_path, &srv->listener, &err) != DS_OK) {
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0, "%s", err.message);
        return -1;
    }
    srv->events_read = srv->events_trimmed = ws__now();
    ws__log(srv, WS_LOG_INFO, "node", 0, "node %s of a shared database, from event %lld", srv->node,
            srv->event_seen);
    lws_sul_schedule(srv->ctx, 0, &srv->nodes_sul, tick, WS_NODES_TICK_US);
    return 0;
}

void ws__nodes_stop(ws_server *srv)
{
    store_listener_free(srv->listener);
    srv->listener = NULL;
    for (size_t i = 0; i < srv->outbox_n; i++)
        ds_free(srv->outbox[i].body);
    ds_free(srv->outbox);
    srv->outbox = NULL;
    srv->outbox_n = srv->outbox_cap = 0;
}

int ws__nodes_ready(ws_server *srv, const char **why)
{
    if (srv->shared && srv->listener_down) {
        *why = "the connection that listens for the other nodes is down";
        return 0;
    }
    return 1;
}
