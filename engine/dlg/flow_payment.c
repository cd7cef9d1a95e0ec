/* SPDX-License-Identifier: MIT */
/* "payment": a double charge, a payment taken with no order, a wrong amount.
 * Only people can fix it, so it goes to them at once (urgent); and once the
 * order is verified the case is recorded for the payment team with what the
 * shopper wrote, instead of the order's delivery status. */
#include "dlg_int.h"

static void start(dlg_turn *t)
{
    /* in working hours people take over now; after hours the request is
     * left once the order says who the shopper is */
    if (!t->env->closed)
        dlg__hand_off(t, "urgent", "odeme_sorunu");
}

static void act(dlg_turn *t)
{
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

static const char *const says[] = {"payment.recorded", NULL};

const dlg_flow dlg_flow_payment = {
    .name = "payment",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER,
    .says = says,
    .start = start,
    .act = act,
};
