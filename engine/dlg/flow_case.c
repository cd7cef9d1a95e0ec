/* SPDX-License-Identifier: MIT */
/* "case": a damaged, missing or wrong item, or a defect, for the shop's
 * after-sales team: which item, what happened, then a case record and
 * people (urgent when the shop is at fault). The intent says which kind
 * ("flow_params": {"kind": "hasarli"}). */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

typedef struct case_slots {
    int item;
    char kind[16]; /* hasarli, eksik_yanlis, ariza */
} case_slots;
DLG_SLOTS_FIT(case_slots);

static const dlg_slot_def slots[] = {
    DLG_INT_SLOT(case_slots, item, DLG_ITEM_NONE, DLG_ITEM_ALL, 1000),
    DLG_STR_SLOT(case_slots, kind),
};

static const char *const steps[] = {"item", "description", NULL};
static const char *const params[] = {"kind", NULL};

static void act(dlg_turn *t)
{
    case_slots *sl = t->slots;
    if (!sl->kind[0]) {
        const char *kind = dlg__param(t, "kind");
        snprintf(sl->kind, sizeof sl->kind, "%s", kind ? kind : "ariza");
        char key[48];
        snprintf(key, sizeof key, "case.sorry.%s", sl->kind);
        dlg__say(t, key);
    }
    if (sl->item == DLG_ITEM_NONE)
        sl->item = dlg__item_from_message(t);
    t->item = sl->item;
    if (sl->item == DLG_ITEM_NONE) {
        dlg__ask_item(t, "case.ask_item", "item");
        return;
    }
    dlg__say(t, "case.ask_description");
    dlg__wait(t, "description");
}

static int answer(dlg_turn *t, const char *step)
{
    case_slots *sl = t->slots;
    if (!dlg__verified_order(t))
        return 1;
    if (strcmp(step, "item") == 0) {
        if (!dlg__answer_item(t, &sl->item))
            return 0;
        act(t);
        return 1;
    }
    t->item = sl->item;
    /* the shop is at fault for damaged, missing and wrong items */
    dlg__record_case(t, sl->kind, strcmp(sl->kind, "ariza") == 0 ? "normal" : "urgent");
    return 1;
}

static const char *const says[] = {
    "case.sorry.hasarli",   "case.sorry.eksik_yanlis", "case.sorry.ariza", "case.ask_item",
    "case.ask_description", "case.done.urgent",        "case.done.normal", NULL,
};

const dlg_flow dlg_flow_case = {
    .name = "case",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER,
    .steps = steps,
    .says = says,
    .params = params,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(case_slots),
    .act = act,
    .answer = answer,
};
