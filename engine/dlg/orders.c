/* SPDX-License-Identifier: MIT */
/* Facts about an order that several order flows read: not shipped yet, late
 * for its promised dispatch day, stuck in transit; and its status said. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

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

void dlg__say_status(dlg_turn *t, const store_order *o)
{
    if (dlg__dispatch_late(t, o)) {
        dlg__say(t, "status.late");
        dlg__hand_off(t, "urgent", "gonderim_gecikmesi");
        return;
    }
    char key[48];
    snprintf(key, sizeof key, "status.%s", o->status);
    dlg__say(t, key);
}

int dlg__delivered(dlg_turn *t)
{
    const store_order *o = t->order;
    if (strcmp(o->status, "delivered") == 0 && o->delivered_at) {
        long long at = dlg__epoch(t->kb, o->delivered_at);
        t->days_since = at > 0 ? ((long long)t->env->now - at) / 86400 : 0;
        return 1;
    }
    dlg__say(t, strcmp(o->status, "returned") == 0 ? "return.already_returned" : "return.not_yet");
    dlg__end(t);
    return 0;
}
