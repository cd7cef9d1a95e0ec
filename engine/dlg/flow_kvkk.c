/* SPDX-License-Identifier: MIT */
/* "kvkk": personal data. "verilerimi silin", "hesabımı kapatın" (erasure)
 * or "bana sms atmayın" (no more marketing messages) from a shopper whose
 * order is verified in this conversation, or who is signed in on the shop's
 * site, becomes a request for the shop's team with the kind, the order and
 * the contact only, and the shopper hears the legal time frame; anyone else
 * is told how to apply. Any other question about personal data is not the
 * flow's (wants): it gets the intent's answer. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include "ds_json.h"

/* What is asked for: the request kind and its key in dialogue.json. */
static const char *kind_of(const dlg_turn *t)
{
    if (dlg__message_has(t, "kvkk_erase") || dlg__message_has_stem(t, "kvkk_erase"))
        return "erasure";
    if (dlg__message_has(t, "kvkk_optout") || dlg__message_has_stem(t, "kvkk_optout"))
        return "optout";
    return NULL;
}

/* An open request of this kind for this order or contact already. */
static int already(dlg_turn *t, const char *kind, const char *order)
{
    store_request *r;
    size_t n;
    char want[40];
    snprintf(want, sizeof want, "kvkk_%s", kind);
    if (store_requests_list(t->env->db, want, &r, &n, NULL) != DS_OK)
        return 0;
    int yes = 0;
    for (size_t i = 0; i < n && !yes; i++)
        yes =
            strcmp(r[i].state, "open") == 0 &&
            ((order && r[i].order_id && strcmp(r[i].order_id, order) == 0) ||
             (!order && r[i].details && t->s->customer[0] && strstr(r[i].details, t->s->customer)));
    store_requests_free(r, n);
    return yes;
}

static void record(dlg_turn *t, const char *kind)
{
    dlg_session *s = t->s;
    const char *order = s->verified[0] ? s->verified : NULL;
    char key[48];
    if (already(t, kind, order)) {
        dlg__say(t, "kvkk.already");
        return;
    }
    /* the contact the team answers: the order's, or the signed-in one */
    const char *contact = s->customer;
    store_order *o = NULL;
    if (order && store_order_get(t->env->db, order, &o, NULL) == DS_OK && o->customer_email)
        contact = o->customer_email;
    ds_buf d;
    ds_buf_init(&d);
    ds_json w;
    ds_json_init(&w, &d);
    ds_json_object(&w);
    ds_json_pair(&w, "request", kind);
    ds_json_pair(&w, "contact", contact);
    ds_json_pair(&w, "channel", "chat");
    ds_json_end(&w);
    store_order_free(o);
    char now[CLOCK_ISO_LEN], req[40];
    dlg__now_iso(t, now);
    snprintf(req, sizeof req, "kvkk_%s", kind);
    ds_status st = d.data ? store_request_add(t->env->db, req, order, "normal", d.data, now,
                                              &t->request_id, NULL)
                          : DS_ENOMEM;
    ds_buf_cleanup(&d);
    if (st != DS_OK) {
        dlg__say(t, "no_store");
        return;
    }
    snprintf(key, sizeof key, "kvkk.recorded.%s", kind);
    dlg__say(t, key);
}

static int wants(dlg_turn *t)
{
    return kind_of(t) != NULL;
}

static void act(dlg_turn *t)
{
    const char *kind = kind_of(t);
    if (t->s->verified[0] || t->s->customer[0]) {
        record(t, kind);
    } else {
        char key[48];
        snprintf(key, sizeof key, "kvkk.apply.%s", kind);
        dlg__say(t, key);
    }
    dlg__end(t);
}

static const char *const says[] = {"kvkk.recorded.erasure", "kvkk.recorded.optout",
                                   "kvkk.apply.erasure",    "kvkk.apply.optout",
                                   "kvkk.already",          NULL};

const dlg_flow dlg_flow_kvkk = {
    .name = "kvkk",
    .flags = DLG_NEEDS_STORE,
    .says = says,
    .wants = wants,
    .act = act,
};
