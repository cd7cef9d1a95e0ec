/* SPDX-License-Identifier: MIT */
/* "status": the state of one order, after the identity check; an order late
 * for its promised dispatch day goes to people at once. A message that is
 * only an order number asks this. */
#include "dlg_int.h"

static void act(dlg_turn *t)
{
    /* a parcel stuck in transit is stuck whatever words asked about it */
    if (dlg__stuck(t, t->order)) {
        dlg__say(t, "tracking.stuck");
        dlg__hand_off(t, "urgent", "kargo_hareketsiz");
        return;
    }
    dlg__say_status(t, t->order);
}

static const char *const says[] = {
    "status.received",
    "status.preparing",
    "status.shipped",
    "status.out_for_delivery",
    "status.out_for_delivery.evening",
    "status.out_for_delivery.stale",
    "status.delivered",
    "status.cancelled",
    "status.returned",
    "status.late",
    "tracking.stuck",
    NULL,
};

const dlg_flow dlg_flow_status = {
    .name = "status",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_BARE_ORDER | DLG_FLOW_ORDER_FACTS,
    .says = says,
    .act = act,
};
