/* SPDX-License-Identifier: MIT */
/* Frames for a shopper or an agent wherever they are connected: sent on
 * this node's connections, and on a shared store also appended as events
 * for the other nodes (ws_nodes.c delivers them there). A hand-off state
 * that changed travels the same way, so every node's connections of the
 * conversation know who holds it. */
#include <libwebsockets.h>

#include "ws_int.h"

void ws__to_shopper(ws_server *srv, long long conv, json_t *frame, int durable)
{
    ws__publish(srv, "shopper", conv, 0, frame);
    ws_conn *s = ws__shopper_of(srv, conv);
    if (s)
        ws__send(srv, s, frame, durable);
    else
        json_decref(frame);
}

void ws__to_agent(ws_server *srv, long long agent_id, json_t *frame, int durable)
{
    ws__publish(srv, "agent", 0, agent_id, frame);
    ws_conn *a = ws__agent_conn(srv, agent_id);
    if (a)
        ws__send(srv, a, frame, durable);
    else
        json_decref(frame);
}

void ws__handoff_changed(ws_server *srv, long long conv, int in_handoff, long long claimed_by)
{
    ws__set_handoff(srv, conv, in_handoff, claimed_by);
    if (!srv->shared)
        return;
    json_t *state = json_pack("{s:b,s:I}", "in", in_handoff, "agent", (json_int_t)claimed_by);
    ws__publish(srv, "handoff", conv, claimed_by, state);
    json_decref(state);
}
