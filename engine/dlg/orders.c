/* SPDX-License-Identifier: MIT */
/* Facts about an order that several order flows read: not shipped yet, late
 * for its promised dispatch day, stuck in transit, a return or exchange of
 * an item already under way; and its status said. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

/* Days without a cargo movement after which a parcel counts as stuck. */
#define DLG_STUCK_AFTER_S (3 * 86400LL)

int dlg__is_unshipped(const store_order *o)
{
    return strcmp(o->status, "received") == 0 || strcmp(o->status, "preparing") == 0;
}

int dlg__dispatch_late(const dlg_turn *t, const store_order *o)
{
    char day[11];
    long long midnight;
    if (!dlg__is_unshipped(o) || dlg__dispatch_by(t->kb, o->created_at, day) != 0 ||
        clock_parse(kb_zone(t->kb), day, &midnight) != 0)
        return 0;
    return (long long)t->env->now >= midnight + 86400; /* the day is over in the shop */
}

int dlg__stuck(const dlg_turn *t, const store_order *o)
{
    if (strcmp(o->status, "shipped") != 0)
        return 0;
    const char *last = o->event_count ? o->events[o->event_count - 1].at : o->shipped_at;
    long long at = dlg__epoch(t->kb, last);
    return at > 0 && (long long)t->env->now - at > DLG_STUCK_AFTER_S;
}

const char *dlg__out_for_delivery_when(const dlg_turn *t, const store_order *o)
{
    const char *last = o->event_count ? o->events[o->event_count - 1].at : o->shipped_at;
    long long at = last ? dlg__epoch(t->kb, last) : 0;
    if (at <= 0)
        return "";
    char now[CLOCK_ISO_LEN], then[CLOCK_ISO_LEN];
    clock_iso(kb_zone(t->kb), (long long)t->env->now, now);
    clock_iso(kb_zone(t->kb), at, then);
    if (strncmp(now, then, 10) != 0)
        return ".stale"; /* out since another day: it did not come */
    int hour = (now[11] - '0') * 10 + (now[12] - '0');
    return hour >= DLG_DELIVERY_DAY_ENDS ? ".evening" : "";
}

void dlg__say_status(dlg_turn *t, const store_order *o)
{
    if (dlg__dispatch_late(t, o)) {
        dlg__say(t, "status.late");
        dlg__hand_off(t, "urgent", "gonderim_gecikmesi");
        return;
    }
    char key[64];
    int out = strcmp(o->status, "out_for_delivery") == 0;
    snprintf(key, sizeof key, "status.%s%s", o->status,
             out ? dlg__out_for_delivery_when(t, o) : "");
    dlg__say(t, key);
    if (out && strcmp(dlg__out_for_delivery_when(t, o), ".stale") == 0)
        dlg__hand_off(t, "urgent", "kargo_hareketsiz");
}

void dlg__say_refund_how(dlg_turn *t)
{
    const char *m = t->order->payment_method ? t->order->payment_method : "card";
    char key[64];
    snprintf(key, sizeof key, "followup.refund_how.%s", m);
    dlg__say(t, kb_message_get(t->kb, key) ? key : "followup.refund_how.card");
}

void dlg__say_refund_instalments(dlg_turn *t)
{
    const char *m = t->order->payment_method ? t->order->payment_method : "card";
    char key[64];
    snprintf(key, sizeof key, "followup.installments.%s", m);
    if (strcmp(m, "card") == 0 && t->order->installments <= 1)
        snprintf(key, sizeof key, "followup.installments.single");
    dlg__say(t, kb_message_get(t->kb, key) ? key : "followup.installments.card");
}

int dlg__delivered(dlg_turn *t, const char *flow)
{
    const store_order *o = t->order;
    if (strcmp(o->status, "delivered") == 0 && o->delivered_at) {
        long long at = dlg__epoch(t->kb, o->delivered_at);
        t->days_since = at > 0 ? ((long long)t->env->now - at) / 86400 : 0;
        return 1;
    }
    /* not sent yet, still on its way: what the shopper can do now differs */
    char key[64];
    snprintf(key, sizeof key, "%s.not_yet.%s", flow, o->status);
    if (strcmp(o->status, "returned") == 0)
        dlg__say(t, "return.already_returned");
    else
        dlg__say(t, kb_message_get(t->kb, key) ? key : "return.not_yet");
    dlg__end(t);
    return 0;
}

const char *dlg__return_state_key(const dlg_turn *t, const store_return *r)
{
    /* keys are static per state and kind: a table would only repeat them */
    static const char *const states[] = {"requested", "in_transit", "received", "inspected",
                                         "refunded",  "rejected",   "exchanged"};
    static const char *const returns[] = {"return_status.requested", "return_status.in_transit",
                                          "return_status.received",  "return_status.inspected",
                                          "return_status.refunded",  "return_status.rejected",
                                          "return_status.exchanged"};
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        if (strcmp(r->state, states[i]) != 0)
            continue;
        if (strcmp(r->kind, "exchange") == 0 && i == 0 &&
            kb_message_get(t->kb, "exchange_status.requested"))
            return "exchange_status.requested";
        return returns[i];
    }
    return "return_status.requested";
}

/* 1 when the items JSON of a return holds sku. */
static int holds_sku(const char *items, const char *sku)
{
    json_t *a = items ? json_loads(items, 0, NULL) : NULL, *el;
    size_t i;
    int yes = 0;
    json_array_foreach(a, i, el)
    {
        const char *s = json_string_value(json_object_get(el, "sku"));
        yes |= s && strcmp(s, sku) == 0;
    }
    json_decref(a);
    return yes;
}

/* A return or exchange of the chosen item already under way (or done):
 * where it stands, not a second code. 1 when said. */
int dlg__waiting_exchange(dlg_turn *t, int item, long long *id, char *code, size_t cap)
{
    store_return *r;
    size_t n;
    if (item < 0 || (size_t)item >= t->order->item_count ||
        store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK)
        return 0;
    int found = 0;
    for (size_t i = n; i-- > 0 && !found;) /* the newest first */
        if (strcmp(r[i].kind, "exchange") == 0 && strcmp(r[i].state, "requested") == 0 &&
            holds_sku(r[i].items, t->order->items[item].sku)) {
            *id = r[i].id;
            snprintf(code, cap, "%s", r[i].code ? r[i].code : "");
            found = 1;
        }
    store_returns_free(r, n);
    return found;
}

int dlg__under_way(dlg_turn *t, int item)
{
    store_return *r;
    size_t n;
    if (store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK)
        return 0;
    const store_return *found = NULL;
    for (size_t i = n; i-- > 0 && !found;) { /* the newest first */
        int open_case = strcmp(r[i].kind, "case") == 0 && strcmp(r[i].state, "open") == 0;
        if ((strcmp(r[i].kind, "case") == 0 && !open_case) || strcmp(r[i].state, "rejected") == 0)
            continue;
        for (size_t k = 0; k < t->order->item_count && !found; k++)
            if ((item == DLG_ITEM_ALL || (size_t)item == k) &&
                holds_sku(r[i].items, t->order->items[k].sku))
                found = &r[i];
    }
    if (found && strcmp(found->kind, "case") == 0) {
        /* "doğrusunu gönderir misiniz, iade mi etmeliyim" after a wrong
         * item's case: the team sorts the exchange or refund out, no
         * second request */
        t->request_id = found->id;
        dlg__say(t, "case.under_way");
        t->request_id = 0;
        dlg__end(t);
    } else if (found) {
        t->ret = found;
        dlg__say(t, "return.under_way");
        dlg__say(t, dlg__return_state_key(t, found));
        t->ret = NULL;
        dlg__end(t);
    }
    store_returns_free(r, n);
    return found != NULL;
}

int dlg__request_made(dlg_turn *t, const char *kind)
{
    store_request *r;
    size_t n;
    if (!t->order || store_requests_list(t->env->db, kind, &r, &n, NULL) != DS_OK)
        return 0;
    int made = 0;
    for (size_t i = n; i-- > 0 && !made;)
        made = r[i].order_id && strcmp(r[i].order_id, t->order->id) == 0;
    store_requests_free(r, n);
    return made;
}
