/* SPDX-License-Identifier: MIT */
/* The team's search and reading of conversations they do not hold: by an
 * order number, an e-mail or phone, or a shopper's words; a found
 * conversation's transcript a page at a time, every opening written to the
 * access log first (destek privacy access). Any agent may search; what a
 * shopper wrote reaches only the agent who asked. */
#include <stdio.h>
#include <string.h>

#include "ws_frame.h"
#include "ws_int.h"

#define WS_SEARCH_MAX 20

static json_t *rows_json(const store_conv_row *r, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", r[i].id);
        json_t *o = json_pack("{s:s,s:s,s:s}", "conversation", id, "created_at", r[i].created_at,
                              "state", r[i].state);
        if (o && r[i].order[0])
            json_object_set_new(o, "order", json_string(r[i].order));
        json_array_append_new(a, o);
    }
    return a;
}

json_t *ws__earlier(ws_server *srv, long long conv)
{
    store_conv_row rows[10];
    size_t n = 0;
    if (store_conversations_related(srv->db, conv, rows, 10, &n, NULL) != DS_OK)
        n = 0;
    return rows_json(rows, n);
}

int ws__view_allowed(ws_server *srv, ws_conn *c, long long conv)
{
    long long last = 0;
    char now[CLOCK_ISO_LEN];
    ds_error err;
    if (store_conversation_last_active(srv->db, conv, &last, NULL) != DS_OK || last == 0) {
        ws__send_error(srv, c, "not_found", "no such conversation");
        return 0;
    }
    conv_service_now_iso(srv->svc, now);
    if (ws__batch(srv) != DS_OK ||
        store_access_add(srv->db, c->agent->id, conv, "view", now, &err) != DS_OK) {
        ws__log(srv, WS_LOG_ERROR, "audit_failed", conv,
                "the access to a conversation could not be audited");
        ws__send_error(srv, c, "unavailable", "the conversation cannot be opened now; try again");
        return 0;
    }
    return 1;
}

static void on_search(ws_server *srv, ws_conn *c, json_t *msg)
{
    const char *q = json_string_value(json_object_get(msg, "q"));
    store_conv_row rows[WS_SEARCH_MAX];
    size_t n = 0;
    ds_error err;
    memset(&err, 0, sizeof err);
    ds_status st = store_conversations_search(srv->db, q, rows, WS_SEARCH_MAX, &n, &err);
    if (st != DS_OK) {
        ws__send_error(srv, c, st == DS_EINVAL ? "bad_request" : "unavailable", err.message);
        return;
    }
    ws__send(
        srv, c,
        json_pack("{s:s,s:s,s:o}", "type", "search_results", "q", q, "items", rows_json(rows, n)),
        0);
}

static void on_view(ws_server *srv, ws_conn *c, json_t *msg)
{
    long long conv = 0;
    sscanf(json_string_value(json_object_get(msg, "conversation")), "%lld", &conv);
    if (!ws__view_allowed(srv, c, conv))
        return;
    char id[24];
    snprintf(id, sizeof id, "%lld", conv);
    int more = 0;
    json_t *f = json_pack("{s:s,s:s}", "type", "transcript", "conversation", id);
    json_object_set_new(f, "history", ws__history(srv, conv, 0, 1, &more));
    json_object_set_new(f, "history_more", json_boolean(more));
    json_object_set_new(f, "earlier", ws__earlier(srv, conv));
    ws__send(srv, c, f, 1); /* with the access record */
}

static const struct {
    int type;
    ws_frame_handler fn;
} handlers[] = {
    {WS_AGENT_SEARCH, on_search},
    {WS_AGENT_VIEW, on_view},
};

ws_frame_handler ws__search_handler(int type)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].type == type)
            return handlers[i].fn;
    return NULL;
}
