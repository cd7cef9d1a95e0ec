/* SPDX-License-Identifier: MIT */
/* "followup": a short question about the order already verified in this
 * conversation ("ne zaman gelir", "saat kaçta", "kim teslim aldı",
 * "kuryeyi arayın", "bir istisna yapamaz mısınız") is answered from that
 * order, never as off-topic. The router starts it when such a message has no
 * better home; what it answers is chosen by the words of dialogue.json
 * (followup_when, _time, _who, _courier, _exception, _refund) and the
 * order's state. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

static const char *const steps[] = {"offer_person", NULL};

/* The state group a message of followup.<kind>.<group> is written for. */
static const char *group_of(const dlg_turn *t)
{
    const store_order *o = t->order;
    if (dlg__is_unshipped(o))
        return "unshipped";
    if (strcmp(o->status, "shipped") == 0)
        return dlg__stuck(t, o) ? "stuck" : "shipped";
    if (strcmp(o->status, "out_for_delivery") == 0 || strcmp(o->status, "delivered") == 0)
        return o->status;
    return "closed"; /* cancelled, returned */
}

static void say_for(dlg_turn *t, const char *kind)
{
    char key[64];
    const char *group = group_of(t);
    snprintf(key, sizeof key, "followup.%s.%s", kind, group);
    if (kb_message_get(t->kb, key))
        dlg__say(t, key);
    else if (t->intent >= 0 && !t->clarify && !kb_intent_at(t->kb, (size_t)t->intent)->flow)
        dlg__say_intent(t, (size_t)t->intent); /* "kaçta arayabilirim" of a delivered order */
    else
        dlg__say(t, "followup.unknown");
    if (strcmp(group, "stuck") == 0) /* still nobody knows where it is: people */
        dlg__hand_off(t, "urgent", "kargo_hareketsiz");
}

static void act(dlg_turn *t)
{
    if (dlg__message_has(t, "followup_refund")) {
        dlg__start(t, "return_status");
        return;
    }
    if (dlg__message_has(t, "followup_exception")) {
        /* a person decides exceptions: offer one, hand off on yes */
        dlg__say(t, "followup.exception");
        dlg__wait(t, "offer_person");
        return;
    }
    static const char *const kinds[] = {"courier", "who", "time", "when"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        char list[32];
        snprintf(list, sizeof list, "followup_%s", kinds[i]);
        if (dlg__message_has(t, list)) {
            say_for(t, kinds[i]);
            return;
        }
    }
    dlg__say(t, "followup.unknown");
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    if (dlg__message_agrees(t)) {
        if (!t->env->closed) /* after hours the offline request says when people are back */
            dlg__say(t, "assistant.connecting");
        dlg__hand_off(t, "normal", "istisna_talebi");
        dlg__end(t);
        return 1;
    }
    if (dlg__message_is(t, "no", 1)) {
        dlg__say(t, "assistant.declined");
        dlg__end(t);
        return 1;
    }
    return 0;
}

static const char *const says[] = {
    "followup.when.unshipped",
    "followup.when.shipped",
    "followup.when.stuck",
    "followup.when.out_for_delivery",
    "followup.when.delivered",
    "followup.time.shipped",
    "followup.time.out_for_delivery",
    "followup.who.delivered",
    "followup.courier.shipped",
    "followup.courier.out_for_delivery",
    "followup.courier.delivered",
    "followup.exception",
    "followup.unknown",
    "assistant.connecting",
    "assistant.declined",
    NULL,
};

const dlg_flow dlg_flow_followup = {
    .name = "followup",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_INTERNAL | DLG_FLOW_FOLLOWUP,
    .steps = steps,
    .says = says,
    .act = act,
    .answer = answer,
};
