/* SPDX-License-Identifier: MIT */
/* Who is here, on this node and on the others: whether a conversation's
 * shopper has the chat open (told to the agent who has it whenever it
 * changes), and the agents at work (the queue's waits and offers). On a
 * shared store every node writes its own connections as rows and a sign
 * of life every WS_PRESENCE_BEAT_S; a node not seen for WS_PRESENCE_DEAD_S
 * is gone with what it held (killed, or cut off from the database). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ws_int.h"

#define WS_PRESENCE_BEAT_S 2

/* Node liveness is in wall-clock seconds of each node: nodes keep their
 * clocks within a second or two of each other (NTP), well inside
 * WS_PRESENCE_DEAD_S. */
static long long wall(void)
{
    return (long long)time(NULL);
}

static void note(ws_server *srv, const char *kind, long long key, int present, int room)
{
    ds_error err;
    /* draining: the node is forgotten whole as it stops (ws__presence_stop),
     * and the loop's timers may be gone already */
    if (!srv->shared || srv->draining || ws__batch(srv) != DS_OK)
        return; /* the other nodes learn it with the next change or beat */
    if (store_presence_set(srv->db, srv->node, kind, key, present, room, &err) != DS_OK)
        ws__log(srv, WS_LOG_WARN, "presence_failed", 0, "cannot note a connection: %s",
                err.message);
}

/* Shopper connections of conv on this node, besides `but` (one of them,
 * or NULL): counted in srv->conv_conns as conversations join and leave, so
 * a hello or a close with 10,000 connections open does not walk them all;
 * walked only while the map is not to be trusted (out of memory). */
static int shopper_here(ws_server *srv, long long conv, const ws_conn *but)
{
    if (srv->conv_conns_ok) {
        size_t n = ws__conv_conns(srv, conv);
        return n > (but && but->cv && !but->is_agent && conv_id(but->cv) == conv ? 1u : 0u);
    }
    for (ws_conn *c = srv->conns; c; c = c->next)
        if (c != but && !c->is_agent && c->cv && conv_id(c->cv) == conv)
            return 1;
    return 0;
}

static int shopper_elsewhere(ws_server *srv, long long conv)
{
    size_t n = 0, room;
    return srv->shared &&
           store_presence_count(srv->db, "shopper", conv, wall() - WS_PRESENCE_DEAD_S, &n, &room,
                                NULL) == DS_OK &&
           n > 0;
}

int ws__shopper_online(ws_server *srv, long long conv)
{
    return shopper_here(srv, conv, NULL) || shopper_elsewhere(srv, conv);
}

/* The agent who has the conversation hears whether its shopper is there.
 * On a shared store the claim may have been made on another node a moment
 * ago, before its event arrived here: the store says who has it. */
static void tell_agent(ws_server *srv, ws_conn *c, int online)
{
    if (!conv_in_handoff(c->cv))
        return;
    long long agent = conv_claimed_by(c->cv);
    store_handoff *h;
    if (srv->shared && store_handoff_active(srv->db, conv_id(c->cv), &h, NULL) == DS_OK) {
        agent = strcmp(h->state, "claimed") == 0 ? h->agent_id : 0;
        store_handoff_free(h);
    }
    if (!agent)
        return;
    char id[24];
    snprintf(id, sizeof id, "%lld", conv_id(c->cv));
    ws__to_agent(srv, agent,
                 json_pack("{s:s,s:s,s:b}", "type", "presence", "conversation", id,
                           "shopper_online", online),
                 0);
}

void ws__presence_join(ws_server *srv, ws_conn *c)
{
    if (!c->cv)
        return;
    long long conv = conv_id(c->cv);
    ws__conv_count(srv, conv, +1);
    if (!shopper_here(srv, conv, c))
        note(srv, "shopper", conv, 1, 0);
    tell_agent(srv, c, 1);
}

void ws__presence_leave(ws_server *srv, ws_conn *c)
{
    if (!c->cv)
        return;
    long long conv = conv_id(c->cv);
    int others = shopper_here(srv, conv, c);
    ws__conv_count(srv, conv, -1);
    if (others)
        return; /* another tab of it is still open here */
    note(srv, "shopper", conv, 0, 0);
    /* its own row is gone in this batch: any other is another node's */
    if (!srv->draining)
        tell_agent(srv, c, shopper_elsewhere(srv, conv));
}

void ws__presence_agent(ws_server *srv, ws_conn *c, int on)
{
    if (!c->agent)
        return;
    for (ws_conn *o = srv->agents; o; o = o->agent_next)
        if (o != c && o->is_agent && o->agent && o->agent->id == c->agent->id && !o->closing &&
            !o->away)
            return; /* another tab of the same agent stays at work */
    c->room_told = on ? c->free_room : -1;
    note(srv, "agent", c->agent->id, on, on && c->free_room);
    if (!on && srv->shared && !srv->draining && ws__batch(srv) == DS_OK)
        store_offer_drop(srv->db, 0, c->agent->id, srv->node, NULL);
}

void ws__presence_room(ws_server *srv, ws_conn *c)
{
    if (!srv->shared || !c->agent || c->away || c->room_told == c->free_room)
        return;
    c->room_told = c->free_room;
    note(srv, "agent", c->agent->id, 1, c->free_room);
}

size_t ws__agents_at_work(ws_server *srv, size_t *room)
{
    size_t n = 0, r = 0;
    if (srv->shared && store_presence_count(srv->db, "agent", 0, wall() - WS_PRESENCE_DEAD_S, &n,
                                            &r, NULL) == DS_OK) {
        if (room)
            *room = r;
        return n;
    }
    for (ws_conn *c = srv->agents; c; c = c->agent_next)
        if (c->is_agent && c->agent && !c->away) {
            n++;
            r += (size_t)c->free_room;
        }
    if (room)
        *room = r;
    return n;
}

/* Everything this node holds, written again: after the database was away
 * longer than WS_PRESENCE_DEAD_S the other nodes have forgotten it. */
static void announce_all(ws_server *srv)
{
    for (ws_conn *c = srv->conns; c; c = c->next) {
        if (c->is_agent && c->agent && !c->away)
            note(srv, "agent", c->agent->id, 1, c->free_room);
        else if (!c->is_agent && c->cv)
            note(srv, "shopper", conv_id(c->cv), 1, 0);
    }
}

size_t ws__presence_tick(ws_server *srv)
{
    long long now = wall();
    if (now - srv->presence_beat < WS_PRESENCE_BEAT_S || ws__batch(srv) != DS_OK)
        return 0;
    ds_error err;
    size_t gone = 0;
    if (store_node_seen(srv->db, srv->node, now, &err) != DS_OK ||
        store_nodes_reap(srv->db, now - WS_PRESENCE_DEAD_S, &gone, &err) != DS_OK) {
        ws__log(srv, WS_LOG_WARN, "presence_failed", 0, "cannot note this node alive: %s",
                err.message);
        return 0;
    }
    if (now - srv->presence_beat >= WS_PRESENCE_DEAD_S - WS_PRESENCE_BEAT_S)
        announce_all(srv); /* the first beat, or one after a long silence */
    srv->presence_beat = now;
    if (gone)
        ws__log(srv, WS_LOG_WARN, "node_gone", 0,
                "%zu other node(s) not seen for %d s: forgotten with their connections, their "
                "offers back in the queue",
                gone, WS_PRESENCE_DEAD_S);
    return gone;
}

void ws__presence_stop(ws_server *srv)
{
    /* in the open batch if there is one (committed just after), else on
     * its own: the loop may be gone, so no new batch is scheduled on it */
    if (srv->shared)
        store_node_forget(srv->db, srv->node, NULL);
}
