/* SPDX-License-Identifier: MIT */
/* A conversation's transcript as frames carry it, a page at a time: the
 * newest entries that fit WS_HISTORY_PAGE entries and WS_HISTORY_BYTES of
 * JSON, so neither a resume nor an agent's claim can grow past what a
 * connection may queue, however long or odd the shopper's messages were.
 * Older pages come on request ("before": the oldest entry's "n"). */
#include <string.h>

#include "ws_int.h"

/* The detail keys each side sees of a message's stored explanation. */
static const char *const shopper_keys[] = {"intent", "quick_replies", "agent", "attachment", NULL};
static const char *const agent_keys[] = {"intent",   "confidence", "agent",      "handoff",
                                         "verified", "step",       "attachment", NULL};

static json_t *entry(const store_message *m, int for_agent)
{
    json_t *e = json_pack("{s:I,s:s,s:s,s:s}", "n", (json_int_t)m->id, "role", m->role, "text",
                          m->text, "at", m->created_at ? m->created_at : "");
    if (!e)
        return NULL;
    if (m->client_id && !for_agent)
        json_object_set_new(e, "id", json_string(m->client_id));
    json_t *d = m->details ? json_loads(m->details, 0, NULL) : NULL;
    for (const char *const *k = for_agent ? agent_keys : shopper_keys; d && *k; k++) {
        json_t *v = json_object_get(d, *k);
        if (v)
            json_object_set(e, *k, v);
    }
    json_decref(d);
    return e;
}

json_t *ws__history(ws_server *srv, long long conv, long long before, int for_agent, int *more)
{
    json_t *arr = json_array();
    store_message *m;
    size_t n;
    *more = 0;
    /* one more than a page: whether older entries remain */
    if (!arr ||
        store_messages_before(srv->db, conv, before, WS_HISTORY_PAGE + 1, &m, &n, NULL) != DS_OK)
        return arr;
    size_t bytes = 0;
    json_t *picked[WS_HISTORY_PAGE + 1];
    size_t np = 0;
    for (size_t i = n; i-- > 0;) { /* newest first, until the page is full */
        if (strcmp(m[i].role, "note") == 0 && !for_agent)
            continue; /* agents' internal notes never reach the shopper */
        json_t *e = np < WS_HISTORY_PAGE ? entry(&m[i], for_agent) : NULL;
        char *s = e ? json_dumps(e, JSON_COMPACT) : NULL;
        size_t len = s ? strlen(s) : 0;
        ds_free(s);
        if (!e || (np && bytes + len > WS_HISTORY_BYTES)) {
            json_decref(e);
            *more = 1;
            break;
        }
        if (len > WS_HISTORY_BYTES) { /* one entry alone over the budget: its text cut */
            json_decref(e);
            e = entry(&m[i], for_agent);
            json_object_set_new(e, "text", json_string(""));
            json_object_set_new(e, "too_long", json_true());
            len = 200;
        }
        bytes += len;
        picked[np++] = e;
    }
    if (n == WS_HISTORY_PAGE + 1)
        *more = 1; /* at least the oldest row read is not in the page */
    for (size_t i = np; i-- > 0;)
        json_array_append_new(arr, picked[i]);
    store_messages_free(m, n);
    return arr;
}
