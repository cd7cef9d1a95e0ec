/* SPDX-License-Identifier: MIT */
/* "address": a new delivery address for an order not shipped yet, passed to
 * the shop's team as a request (the shop's system changes it). */
#include "dlg_int.h"

#include <string.h>

#include "ds_json.h"

static const char *const steps[] = {"address", NULL};

typedef struct address_slots {
    char said[240]; /* the first message, when it already gives the new address */
} address_slots;
DLG_SLOTS_FIT(address_slots);

static const dlg_slot_def slots[] = {
    DLG_STR_SLOT(address_slots, said),
};

static void record(dlg_turn *t, const char *text)
{
    char now[CLOCK_ISO_LEN];
    dlg__now_iso(t, now);
    ds_buf details;
    ds_buf_init(&details);
    ds_json w;
    ds_json_init(&w, &details);
    ds_json_object(&w);
    ds_json_pair(&w, "text", text);
    ds_json_end(&w);
    ds_status st = details.data ? store_request_add(t->env->db, "address_change", t->s->verified,
                                                    "normal", details.data, now, NULL, NULL)
                                : DS_ENOMEM;
    ds_buf_cleanup(&details);
    dlg__say(t, st == DS_OK ? "address.done" : "no_store");
    dlg__end(t);
}

/* "yeni adres Caferağa Mah. Moda Cad. No 12": not asked for again. */
static void start(dlg_turn *t)
{
    address_slots *sl = t->slots;
    if (nlp_text_token_count(t->msg) >= 5 && dlg__message_has(t, "address_parts"))
        dlg__keep_text(t, sl->said, sizeof sl->said);
}

static void act(dlg_turn *t)
{
    const store_order *o = t->order;
    address_slots *sl = t->slots;
    if (dlg__is_unshipped(o) && sl->said[0]) {
        record(t, sl->said);
    } else if (dlg__is_unshipped(o)) {
        dlg__say(t, "address.ask");
        dlg__wait(t, "address");
    } else if (strcmp(o->status, "cancelled") == 0 || strcmp(o->status, "returned") == 0) {
        dlg__say_status(t, o);
    } else {
        dlg__say(t, "address.too_late");
    }
}

/* An address mentions "mahalle", "cadde", "adres": it is the answer unless
 * it asks for another order dialogue. */
static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    size_t words = nlp_text_token_count(t->msg);
    if (dlg__message_is(t, "abandon", 0) || (t->asked && t->asked != t->flow) ||
        !(t->intent < 0 || t->asked == t->flow || words >= 4))
        return 0;
    if (words < 3) {
        dlg__say(t, "address.unusable");
        dlg__wait(t, "address");
        return 1;
    }
    record(t, t->text);
    return 1;
}

static const char *const says[] = {
    "address.ask", "address.done", "address.too_late", "address.unusable", NULL,
};

const dlg_flow dlg_flow_address = {
    .name = "address",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(address_slots),
    .start = start,
    .act = act,
    .answer = answer,
};
