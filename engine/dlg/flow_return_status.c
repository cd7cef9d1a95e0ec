/* SPDX-License-Identifier: MIT */
/* "return_status": where each return or exchange of the verified order
 * stands, and when the money comes back; with none, what happens to the
 * money of a cancelled order or of a parcel not yet (or never) arrived. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

static void act(dlg_turn *t)
{
    store_return *r;
    size_t n;
    if (store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK) {
        dlg__say(t, "no_store");
        return;
    }
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(r[i].kind, "case") == 0)
            continue;
        t->ret = &r[i];
        dlg__say(t, dlg__return_state_key(t, &r[i]));
        shown++;
    }
    t->ret = NULL;
    /* no return: the money of a cancelled order, or of a parcel that has
     * not arrived, is the question */
    if (!shown && strcmp(t->order->status, "cancelled") == 0)
        dlg__say(t, "return_status.cancelled");
    else if (!shown && strcmp(t->order->status, "delivered") != 0 &&
             strcmp(t->order->status, "returned") != 0)
        dlg__say(t, "return_status.not_delivered");
    else if (!shown) /* "para ne zaman yatar" asks about money, not a record */
        dlg__say(t, dlg__message_has_stem(t, "money_words") ? "return_status.none.money"
                                                            : "return_status.none");
    store_returns_free(r, n);
}

static const char *const says[] = {
    "return_status.none",
    "return_status.none.money",
    "return_status.requested",
    "return_status.in_transit",
    "return_status.received",
    "return_status.inspected",
    "return_status.refunded",
    "return_status.rejected",
    "return_status.exchanged",
    "return_status.rejection_default",
    "refund_to.card",
    "refund_to.other",
    "return_status.cancelled",
    "return_status.not_delivered",
    NULL,
};

const dlg_flow dlg_flow_return_status = {
    .name = "return_status",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_FOLLOWED,
    .says = says,
    .act = act,
};
