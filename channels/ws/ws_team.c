/* SPDX-License-Identifier: MIT */
/* The agents as a team: an agent's status (available: offered new
 * conversations; away: offered none, the ones it holds stay its own), who
 * is at work on any node, and a held conversation handed to another agent
 * at work with room for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws_frame.h"
#include "ws_int.h"

#define WS_TEAM_MAX 200

static void team_error(ws_server *srv, ws_conn *c, const char *conv, const char *code,
                       const char *message)
{
    ws__metric_error(srv->metrics, code);
    json_t *f = json_pack("{s:s,s:s,s:s}", "type", "error", "code", code, "message", message);
    if (conv)
        json_object_set_new(f, "conversation", json_string(conv));
    ws__send(srv, c, f, 0);
}

static void on_status(ws_server *srv, ws_conn *c, json_t *msg)
{
    const char *state = json_string_value(json_object_get(msg, "state"));
    int away = strcmp(state, "away") == 0;
    if (away != c->away) {
        if (away) {
            ws__presence_agent(srv, c, 0); /* its offer goes to someone else */
            c->away = 1;
            c->sent_offer = 0;
        } else {
            c->away = 0;
            ws__presence_agent(srv, c, 1);
        }
        ws__log(srv, WS_LOG_INFO, "agent_status", 0, "agent %s is %s", c->agent->name, state);
        ws__queue_changed(srv);
    }
    ws__send(srv, c, json_pack("{s:s,s:s}", "type", "status", "state", state), 0);
}

/* The agents at work (available) on every node, with whether each has room
 * now; *out owned (ds_free). */
static size_t at_work(ws_server *srv, store_at_work **out)
{
    *out = NULL;
    size_t n = 0;
    if (srv->shared) {
        if (store_agents_at_work(srv->db, (long long)time(NULL) - WS_PRESENCE_DEAD_S, WS_TEAM_MAX,
                                 out, &n, NULL) != DS_OK)
            return 0;
        return n;
    }
    store_at_work *v = ds_calloc(WS_TEAM_MAX, sizeof *v);
    if (!v)
        return 0;
    for (ws_conn *a = srv->agents; a && n < WS_TEAM_MAX; a = a->agent_next) {
        if (!a->is_agent || !a->agent || a->away)
            continue;
        size_t i = 0;
        while (i < n && v[i].id != a->agent->id)
            i++;
        if (i < n)
            continue; /* another tab of the same agent */
        store_handoff *mine;
        size_t held = 0;
        if (store_handoffs_list(srv->db, a->agent->id, &mine, &held, NULL) == DS_OK)
            store_handoffs_free(mine, held);
        v[n].id = a->agent->id;
        snprintf(v[n].name, sizeof v[n].name, "%s", a->agent->name);
        v[n].capacity = a->agent->capacity;
        v[n].room = held < (size_t)a->agent->capacity;
        n++;
    }
    *out = v;
    return n;
}

static void on_agents(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    store_at_work *v;
    size_t n = at_work(srv, &v);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        if (v[i].id == c->agent->id)
            continue;
        char id[24];
        snprintf(id, sizeof id, "%lld", v[i].id);
        json_array_append_new(
            items, json_pack("{s:s,s:s,s:b}", "id", id, "name", v[i].name, "room", v[i].room));
    }
    ds_free(v);
    ws__send(srv, c, json_pack("{s:s,s:o}", "type", "agents", "items", items), 0);
}

static void on_transfer(ws_server *srv, ws_conn *c, json_t *msg)
{
    const char *conv_s = json_string_value(json_object_get(msg, "conversation"));
    long long conv = strtoll(conv_s, NULL, 10);
    long long to = strtoll(json_string_value(json_object_get(msg, "to")), NULL, 10);
    store_handoff *h = NULL;
    if (store_handoff_active(srv->db, conv, &h, NULL) != DS_OK ||
        strcmp(h->state, "claimed") != 0 || h->agent_id != c->agent->id) {
        store_handoff_free(h);
        team_error(srv, c, conv_s, "not_yours", "only a conversation you hold can be handed over");
        return;
    }
    if (to == c->agent->id) {
        store_handoff_free(h);
        team_error(srv, c, conv_s, "bad_request", "the conversation is yours already");
        return;
    }
    store_at_work *v;
    size_t n = at_work(srv, &v), i = 0;
    while (i < n && v[i].id != to)
        i++;
    const char *refusal = i == n ? "not_available" : !v[i].room ? "no_room" : NULL;
    if (refusal) {
        ds_free(v);
        store_handoff_free(h);
        team_error(srv, c, conv_s, refusal,
                   strcmp(refusal, "no_room") == 0
                       ? "that agent has no room for another conversation"
                       : "that agent is not at work now");
        return;
    }
    char name[128];
    snprintf(name, sizeof name, "%s", v[i].name);
    ds_free(v);
    ds_error err;
    if (ws__batch(srv) != DS_OK ||
        store_handoff_transfer(srv->db, h->id, c->agent->id, to, &err) != DS_OK) {
        store_handoff_free(h);
        team_error(srv, c, conv_s, "not_yours", "the conversation is no longer yours");
        return;
    }
    h->agent_id = to;
    json_t *f = ws__claimed_frame(srv, h, to, "transfer", c->agent->name);
    if (f)
        ws__to_agent(srv, to, f, 1);
    ws__send(srv, c,
             json_pack("{s:s,s:s,s:s}", "type", "transferred", "conversation", conv_s, "to", name),
             1);
    ws__handoff_changed(srv, conv, 1, to);
    ws__to_shopper(srv, conv, json_pack("{s:s,s:s}", "type", "agent_joined", "agent", name), 1);
    ws__log(srv, WS_LOG_INFO, "transferred", conv, "agent %s handed the conversation to %s",
            c->agent->name, name);
    store_handoff_free(h);
    ws__queue_changed(srv); /* both agents' room changed */
}

static const struct {
    int type;
    ws_frame_handler fn;
} handlers[] = {
    {WS_AGENT_STATUS, on_status},
    {WS_AGENT_AGENTS, on_agents},
    {WS_AGENT_TRANSFER, on_transfer},
};

ws_frame_handler ws__team_handler(int type)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].type == type)
            return handlers[i].fn;
    return NULL;
}
