/* SPDX-License-Identifier: MIT */
/* "payment": a double charge, a payment taken with no order, a wrong amount.
 * Only people can fix it, so it goes to them at once (urgent); and once the
 * order is verified the case is recorded for the payment team with what the
 * shopper wrote, instead of the order's delivery status. */
#include "dlg_int.h"

#include <string.h>

static void start(dlg_turn *t)
{
    /* in working hours people take over now; after hours the request is
     * left once the order says who the shopper is */
    if (!t->env->closed)
        dlg__hand_off(t, "urgent", "odeme_sorunu");
}

/* Waiting for the order number, a message without one: no order was made
 * ("sipariş oluşmadı"), so people take it from here (after hours the
 * offline request asks who the shopper is). */
static void note(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (s->step != DLG_STEP_ORDER || s->order_no[0])
        return;                      /* the first message, or an order number given */
    dlg__say(t, "payment.no_order"); /* after hours its .closed variant */
    dlg__hand_off(t, "urgent", "odeme_sorunu");
    dlg__end(t);
}

/* An open payment case of this order. */
static int recorded(dlg_turn *t)
{
    store_return *r;
    size_t n;
    if (store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK)
        return 0;
    int yes = 0;
    for (size_t i = 0; i < n; i++)
        yes |= strcmp(r[i].kind, "case") == 0 && r[i].reason && strcmp(r[i].reason, "odeme") == 0 &&
               strcmp(r[i].state, "open") == 0;
    store_returns_free(r, n);
    return yes;
}

static void act(dlg_turn *t)
{
    if (recorded(t)) {
        /* the case is with the payment team already: this conversation
         * joins it (after hours the request says when they answer) */
        if (!t->env->closed)
            dlg__say(t, "people.noted");
        dlg__hand_off(t, "urgent", "odeme_sorunu");
        dlg__end(t);
        return;
    }
    t->item = DLG_ITEM_NONE;
    char code[16];
    if (dlg__record(t, "case", "open", 0, "odeme", "urgent", NULL, code) != DS_OK) {
        dlg__say(t, "no_store");
    } else {
        dlg__say(t, "payment.recorded");
        dlg__hand_off(t, "urgent", "odeme_sorunu");
    }
    dlg__end(t);
}

static const char *const says[] = {"payment.recorded",        "payment.no_order",
                                   "payment.no_order.closed", "people.noted",
                                   "people.noted.closed",     NULL};

const dlg_flow dlg_flow_payment = {
    .name = "payment",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER,
    .says = says,
    .start = start,
    .note = note,
    .act = act,
};
