/* SPDX-License-Identifier: MIT */
/* "complaint": listen first (a bare "şikayet etmek istiyorum" gets room to
 * explain), then record the complaint, with the verified order if there is
 * one, for people to answer. No order is needed. */
#include "dlg_int.h"

static const char *const steps[] = {"complaint", NULL};

static void record(dlg_turn *t)
{
    if (t->s->verified[0] && !t->order)
        store_order_get(t->env->db, t->s->verified, &t->order, NULL);
    t->item = DLG_ITEM_NONE; /* about the service, not an item */
    dlg__record_case(t, "sikayet", "urgent");
}

static void act(dlg_turn *t)
{
    if (t->first && nlp_text_token_count(t->msg) < 6) {
        dlg__say(t, "complaint.listen");
        dlg__wait(t, "complaint");
        return;
    }
    record(t);
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    record(t);
    return 1;
}

static const char *const says[] = {"complaint.listen", "complaint.done", NULL};

const dlg_flow dlg_flow_complaint = {
    .name = "complaint",
    .flags = DLG_NEEDS_STORE,
    .steps = steps,
    .says = says,
    .act = act,
    .answer = answer,
};
