/* SPDX-License-Identifier: MIT */
/* Who is connected: the list of live connections and lookups on it (the
 * shopper of a conversation, an agent's connection), and the hand-off state
 * each shopper connection mirrors from the store. */
#include <string.h>

#include "ds_map.h"
#include "ws_int.h"

void ws__conn_link(ws_server *srv, ws_conn *c)
{
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->conn_count++;
    if (c->is_agent) { /* agents are looked for often, among few: not among every shopper */
        c->agent_next = srv->agents;
        if (srv->agents)
            srv->agents->agent_prev = c;
        srv->agents = c;
        srv->agent_count++;
    }
}

void ws__conn_unlink(ws_server *srv, ws_conn *c)
{
    if (srv->idle_next == c)
        srv->idle_next = c->next;
    if (c->prev)
        c->prev->next = c->next;
    else if (srv->conns == c)
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->conn_count--;
    if (c->is_agent) {
        if (c->agent_prev)
            c->agent_prev->agent_next = c->agent_next;
        else if (srv->agents == c)
            srv->agents = c->agent_next;
        if (c->agent_next)
            c->agent_next->agent_prev = c->agent_prev;
        srv->agent_count--;
    }
}

ws_conn *ws__shopper_of(ws_server *srv, long long conv)
{
    ws_conn *found = NULL;
    for (ws_conn *c = srv->conns; c; c = c->next)
        if (!c->is_agent && c->cv && conv_id(c->cv) == conv)
            found = c; /* the newest connection of the conversation */
    return found;
}

ws_conn *ws__agent_conn(ws_server *srv, long long agent_id)
{
    for (ws_conn *c = srv->agents; c; c = c->agent_next)
        if (c->is_agent && c->agent && c->agent->id == agent_id)
            return c;
    return NULL;
}

void ws__set_handoff(ws_server *srv, long long conv, int in_handoff, long long claimed_by)
{
    for (ws_conn *c = srv->conns; c; c = c->next) {
        if (!c->is_agent && c->cv && conv_id(c->cv) == conv) {
            conv_set_handoff(c->cv, in_handoff, claimed_by);
            c->sent_position = 0; /* a new state: the next position is news */
        }
    }
}

size_t ws__addr_conns(ws_server *srv, const char *addr)
{
    size_t n = 0;
    if (srv->addr_conns)
        ds_map_get(srv->addr_conns, addr, strlen(addr), &n);
    return n;
}

void ws__addr_count(ws_server *srv, const char *addr, int delta)
{
    if (!srv->addr_conns && !(srv->addr_conns = ds_map_new()))
        return;
    size_t n = ws__addr_conns(srv, addr);
    if (delta < 0 && n == 0)
        return;
    ds_map_put(srv->addr_conns, addr, strlen(addr), delta < 0 ? n - 1 : n + 1);
}

void ws__addr_rebuild(ws_server *srv)
{
    /* the map cannot forget a key: start a new one from the live
     * connections, so addresses that came and went take no memory */
    if (srv->addr_conns && ds_map_count(srv->addr_conns) <= 2 * srv->conn_count + 64)
        return;
    ds_map *old = srv->addr_conns;
    srv->addr_conns = NULL;
    for (ws_conn *c = srv->conns; c; c = c->next)
        ws__addr_count(srv, c->addr, +1);
    ds_map_free(old);
}

/* conv's key in srv->conv_conns: its id's bytes */
static size_t conv_key(long long conv, char key[sizeof(long long)])
{
    memcpy(key, &conv, sizeof conv);
    return sizeof conv;
}

size_t ws__conv_conns(ws_server *srv, long long conv)
{
    char key[sizeof(long long)];
    size_t n = 0;
    if (srv->conv_conns)
        ds_map_get(srv->conv_conns, key, conv_key(conv, key), &n);
    return n;
}

/* A count the map cannot take (out of memory) makes it untrusted until
 * the sweep rebuilds it from the live connections. */
static void conv_put(ws_server *srv, long long conv, size_t n)
{
    char key[sizeof(long long)];
    if (!srv->conv_conns || ds_map_put(srv->conv_conns, key, conv_key(conv, key), n) != DS_OK)
        srv->conv_conns_ok = 0;
}

void ws__conv_count(ws_server *srv, long long conv, int delta)
{
    if (!srv->conv_conns_ok)
        return;
    size_t n = ws__conv_conns(srv, conv);
    if (delta < 0 && n == 0)
        return;
    conv_put(srv, conv, delta < 0 ? n - 1 : n + 1);
}

void ws__conv_rebuild(ws_server *srv)
{
    /* like the addresses' map: it cannot forget a key, and every
     * conversation that came and went is one; rebuilt when it holds many
     * more keys than connections (or was not to be trusted) */
    if (srv->conv_conns_ok && srv->conv_conns &&
        ds_map_count(srv->conv_conns) <= 2 * srv->conn_count + 64)
        return;
    ds_map_free(srv->conv_conns);
    srv->conv_conns = ds_map_new();
    srv->conv_conns_ok = srv->conv_conns != NULL;
    for (ws_conn *c = srv->conns; c && srv->conv_conns_ok; c = c->next)
        if (!c->is_agent && c->cv)
            ws__conv_count(srv, conv_id(c->cv), +1);
}

void ws__idle_tick(ws_server *srv, double now)
{
    /* a pass in WS_IDLE_PASS_S, or in half the ping's idle time when that
     * is shorter (the tests') */
    double pass = srv->idle_ping_s / 2 < WS_IDLE_PASS_S ? srv->idle_ping_s / 2 : WS_IDLE_PASS_S;
    double ticks = pass * LWS_US_PER_SEC / WS_IDLE_TICK_US;
    size_t n = (size_t)((double)srv->conn_count / (ticks > 1 ? ticks : 1)) + 1;
    for (size_t i = 0; i < n && srv->conns; i++) {
        ws_conn *c = srv->idle_next ? srv->idle_next : srv->conns;
        srv->idle_next = c->next;
        double idle = now - c->last_seen;
        if (idle >= srv->idle_hangup_s) {
            /* nothing came back, not even a pong: gone without a word, as
             * lws's own validity timeout would */
            c->closing = 1;
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
        } else if (idle >= srv->idle_ping_s && !c->pinged && !c->closing) {
            c->pinged = 1;
            c->ping_due = 1;
            lws_callback_on_writable(c->wsi);
        }
    }
}
