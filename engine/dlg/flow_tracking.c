/* SPDX-License-Identifier: MIT */
/* "tracking": where the parcel is, with its last movements and the
 * carrier's link. A parcel stuck in transit, one marked delivered that the
 * shopper says never came, and an order late for dispatch go to people. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

typedef struct tracking_slots {
    int not_received; /* the shopper said the parcel did not arrive */
    int not_found;    /* ... that the carrier's site does not know the number */
} tracking_slots;
DLG_SLOTS_FIT(tracking_slots);

static const dlg_slot_def slots[] = {DLG_BOOL_SLOT(tracking_slots, not_received),
                                     DLG_BOOL_SLOT(tracking_slots, not_found)};

/* Any message of the flow may say so ("1048213, elime ulaşmadı"). */
static void note(dlg_turn *t)
{
    tracking_slots *sl = t->slots;
    /* ("görevliye sordum, öyle bir paket almadığını söyledi": missing too) */
    sl->not_received |=
        dlg__message_has(t, "not_received") || dlg__message_has(t, "parcel_missing");
    sl->not_found |= dlg__message_has(t, "followup_not_found");
}

static void act(dlg_turn *t)
{
    const tracking_slots *sl = t->slots;
    const store_order *o = t->order;
    const char *st = o->status;
    if (strcmp(st, "delivered") == 0) {
        if (sl->not_received) {
            dlg__say(t, "tracking.not_received");
            /* "imzayı kim attı göster bana": what the carrier's record says */
            if (dlg__message_has(t, "followup_who"))
                dlg__say(t, "tracking.not_received.signed");
            dlg__hand_off(t, "urgent", "teslim_edildi_ulasmadi");
        } else {
            dlg__say(t, "tracking.delivered");
        }
    } else if (strcmp(st, "shipped") == 0) {
        if (dlg__stuck(t, o)) {
            dlg__say(t, "tracking.stuck");
            dlg__hand_off(t, "urgent", "kargo_hareketsiz");
        } else {
            /* the reason they came: "sitesinde bulunamadı diyor" */
            dlg__say(t, sl->not_found ? "followup.not_found.shipped" : "tracking.shipped");
        }
    } else if (strcmp(st, "out_for_delivery") == 0) {
        const char *when = dlg__out_for_delivery_when(t, o);
        char key[64];
        snprintf(key, sizeof key, "tracking.out_for_delivery%s", when);
        dlg__say(t, sl->not_found && !when[0] ? "followup.not_found.out_for_delivery" : key);
        if (strcmp(when, ".stale") == 0) /* out for days: nobody knows where it is */
            dlg__hand_off(t, "urgent", "kargo_hareketsiz");
    } else if (dlg__is_unshipped(o) && !dlg__dispatch_late(t, o)) {
        dlg__say(t, "tracking.not_shipped");
    } else {
        dlg__say_status(t, o); /* late, cancelled, returned */
    }
}

static const char *const says[] = {
    "tracking.shipped",
    "tracking.out_for_delivery",
    "tracking.out_for_delivery.evening",
    "tracking.out_for_delivery.stale",
    "tracking.delivered",
    "tracking.not_shipped",
    "tracking.not_received",
    "tracking.not_received.signed",
    "tracking.stuck",
    "tracking.no_events",
    "followup.not_found.shipped",
    "followup.not_found.out_for_delivery",
    NULL,
};

const dlg_flow dlg_flow_tracking = {
    .name = "tracking",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_ORDER_FACTS,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(tracking_slots),
    .start = note,
    .note = note,
    .act = act,
};
