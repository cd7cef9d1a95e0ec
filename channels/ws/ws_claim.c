/* SPDX-License-Identifier: MIT */
/* What an agent sees of a conversation it takes (a claim, a reopening, a
 * reconnect, a transfer to it): the transcript's newest page and what the
 * bot knew, once the reading is in the audit (who opened which
 * conversation when: destek privacy access). */
#include <stdio.h>
#include <string.h>

#include "ws_int.h"

/* A canned answer as the agent would send it in a conversation (s: its
 * shopper's connection, NULL for none): what the conversation cannot fill
 * left as {{name}}. Owned; NULL when it does not render. */
json_t *ws__canned_preview(ws_server *srv, ws_conn *s, const kb_canned *k)
{
    dlg_env env = {.me = srv->me, .db = srv->db, .now = conv_service_now(srv->svc)};
    ds_buf b;
    ds_buf_init(&b);
    json_t *v =
        dlg_render_preview(&env, s ? conv_session(s->cv) : NULL, k->text, &b, NULL) == DS_OK &&
                b.data
            ? json_string(b.data)
            : NULL;
    ds_buf_cleanup(&b);
    return v;
}

/* What the bot knew: the verified order, with its status and tracking. */
static json_t *context(ws_server *srv, const store_handoff *h)
{
    json_t *ctx = json_pack("{s:s,s:s}", "priority", h->priority, "reason", h->reason);
    if (h->intent)
        json_object_set_new(ctx, "intent", json_string(h->intent));
    if (h->details) {
        json_t *d = json_loads(h->details, 0, NULL);
        if (d)
            json_object_set_new(ctx, "request", d);
    }
    ws_conn *s = ws__shopper_of(srv, h->conversation);
    const char *verified = s ? dlg_session_verified(conv_session(s->cv)) : "";
    char *stored = NULL; /* the shopper is on another node, or gone */
    if (!verified[0] &&
        store_conversation_order(srv->db, h->conversation, &stored, NULL) == DS_OK && stored)
        verified = stored;
    store_order *o;
    if (verified[0] && store_order_get(srv->db, verified, &o, NULL) == DS_OK) {
        json_t *order =
            json_pack("{s:s,s:s,s:s,s:s}", "id", o->id, "status", o->status, "customer",
                      o->customer_name ? o->customer_name : "", "total", o->total ? o->total : "");
        if (o->has_shipment) {
            dlg_env env = {.me = srv->me, .db = srv->db, .now = conv_service_now(srv->svc)};
            ds_buf url;
            ds_buf_init(&url);
            if (s)
                dlg_render(&env, conv_session(s->cv), "{{takip_linki}}", &url, NULL);
            json_object_set_new(order, "tracking",
                                json_pack("{s:s,s:s,s:s}", "carrier", o->carrier ? o->carrier : "",
                                          "tracking_no", o->tracking_no ? o->tracking_no : "",
                                          "url", url.data ? url.data : ""));
            ds_buf_cleanup(&url);
        }
        json_object_set_new(ctx, "order", order);
        store_order_free(o);
    }
    ds_free(stored);
    json_object_set_new(ctx, "shopper_online",
                        json_boolean(ws__shopper_online(srv, h->conversation)));
    /* the canned answers as this conversation would send them */
    json_t *canned = json_object();
    for (size_t i = 0; canned && i < kb_canned_count(srv->kb); i++) {
        const kb_canned *k = kb_canned_at(srv->kb, i);
        json_t *pv = ws__canned_preview(srv, s, k);
        if (pv)
            json_object_set_new(canned, k->id, pv);
    }
    json_object_set_new(ctx, "canned", canned);
    json_object_set_new(ctx, "earlier", ws__earlier(srv, h->conversation));
    return ctx;
}

json_t *ws__claimed_frame(ws_server *srv, const store_handoff *h, long long agent_id,
                          const char *action, const char *from)
{
    char now[CLOCK_ISO_LEN];
    conv_service_now_iso(srv->svc, now);
    ds_error err;
    if (ws__batch(srv) != DS_OK ||
        store_access_add(srv->db, agent_id, h->conversation, action, now, &err) != DS_OK) {
        ws__log(srv, WS_LOG_ERROR, "audit_failed", 0,
                "the access to a conversation could not be audited");
        return NULL;
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", h->conversation);
    json_t *f = json_pack("{s:s,s:s}", "type", "claimed", "conversation", id);
    int more = 0;
    json_object_set_new(f, "history", ws__history(srv, h->conversation, 0, 1, &more));
    json_object_set_new(f, "history_more", json_boolean(more));
    json_object_set_new(f, "context", context(srv, h));
    if (from)
        json_object_set_new(f, "from", json_string(from));
    return f;
}
