/* SPDX-License-Identifier: MIT */
/* "assistant": "sen bot musun", "gerçek insan mısın": the honest answer
 * that this is the shop's digital assistant, what it can do, and a person
 * on offer. No hand-off unless the shopper takes the offer. Aside: a flow
 * in progress stays where it was. */
#include "dlg_int.h"

static const char *const steps[] = {"offer_person", NULL};

static void act(dlg_turn *t)
{
    dlg__say_intent(t, (size_t)t->intent);
    dlg__wait(t, "offer_person");
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    return dlg__answer_offer(t, "istek");
}

static const char *const says[] = {"assistant.connecting", "assistant.declined", NULL};

const dlg_flow dlg_flow_assistant = {
    .name = "assistant",
    .flags = DLG_FLOW_ASIDE,
    .steps = steps,
    .says = says,
    .act = act,
    .answer = answer,
};
