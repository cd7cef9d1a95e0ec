/* SPDX-License-Identifier: MIT */
/* "handoff": the shopper asks for a person, or the problem is one only
 * people can solve (a double charge). The intent's answer, then people:
 * "flow_params" give the priority ("urgent"/"normal") and the reason id,
 * and "answer": "in_hours" when the answer promises a person now (after
 * hours the router's offline request says who is away and until when).
 * Aside: a flow in progress stays where it was. */
#include "dlg_int.h"

#include <string.h>

static const char *const params[] = {"priority", "reason", "answer", NULL};
/* the people rule's words (people.c) and the router's when it hands over
 * unasked, checked here with the flow that is about people */
static const char *const says[] = {"people.button", "people.button.closed", "people.unsure", NULL};

static void act(dlg_turn *t)
{
    const char *answer = dlg__param(t, "answer");
    /* already waiting: its variant (intent.ID.waiting) says so */
    if (!(t->env->closed && answer && strcmp(answer, "in_hours") == 0))
        dlg__say_intent(t, (size_t)t->intent);
    const char *priority = dlg__param(t, "priority");
    const char *reason = dlg__param(t, "reason");
    dlg__hand_off(t, priority && strcmp(priority, "urgent") == 0 ? "urgent" : "normal",
                  reason ? reason : kb_intent_at(t->kb, (size_t)t->intent)->id);
}

const dlg_flow dlg_flow_handoff = {
    .name = "handoff",
    .flags = DLG_FLOW_ASIDE | DLG_FLOW_PEOPLE,
    .params = params,
    .says = says,
    .act = act,
};
