/* SPDX-License-Identifier: MIT */
/* "assistant": "sen bot musun", "gerçek insan mısın": the honest answer
 * that this is the shop's digital assistant, what it can do, and a person
 * on offer. No hand-off unless the shopper takes the offer. Aside: a flow
 * in progress stays where it was. */
#include "dlg_int.h"

static const char *const steps[] = {"offer_person", NULL};

/* A person (in hours) or a request for them (after hours) can be offered:
 * nobody is called yet. */
static int can_offer(const dlg_turn *t)
{
    dlg_people p = dlg__people(t);
    return p == DLG_PEOPLE_FREE || p == DLG_PEOPLE_AWAY;
}

static void act(dlg_turn *t)
{
    /* with people called already, its variant says they are (people.c) */
    dlg__say_intent(t, (size_t)t->intent);
    if (can_offer(t))
        dlg__wait(t, "offer_person");
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    if (dlg__answer_offer(t, "istek"))
        return 1;
    /* the same question again: a short yes and the offer, not the block;
     * a third time, the person they are asking for */
    if (t->intent >= 0 && t->intent == t->s->flow_intent && t->s->stalls == 0) {
        dlg__say(t, "assistant.again");
        if (can_offer(t))
            dlg__wait(t, "offer_person");
        return 1;
    }
    if (t->intent >= 0 && t->intent == t->s->flow_intent) {
        if (!t->env->closed)
            dlg__say(t, "assistant.connecting");
        dlg__hand_off(t, "normal", "istek");
        dlg__end(t);
        return 1;
    }
    return 0;
}

static const char *const says[] = {"assistant.connecting", "assistant.declined", "assistant.again",
                                   NULL};

const dlg_flow dlg_flow_assistant = {
    .name = "assistant",
    .flags = DLG_FLOW_ASIDE,
    .steps = steps,
    .says = says,
    .act = act,
    .answer = answer,
};
