/* SPDX-License-Identifier: MIT */
/* "greeting": a greeting is answered in kind. "Selamün aleyküm" gets
 * "Aleyküm selam", "günaydın" a "Günaydın", "iyi akşamlar" an "İyi
 * akşamlar"; any other greeting the intent's own answer. Aside: a flow in
 * progress stays where it was, and is recalled. */
#include "dlg_int.h"

#include <stdio.h>

/* words list of dialogue.json -> the message that answers it */
static const struct {
    const char *words, *message;
} kinds[] = {
    {"greet_salam", "greeting.salam"},
    {"greet_morning", "greeting.morning"},
    {"greet_evening", "greeting.evening"},
};

static void act(dlg_turn *t)
{
    const char *key = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds && !key; i++)
        if (dlg__message_has(t, kinds[i].words))
            key = kinds[i].message;
    if (key) {
        dlg__say(t, key);
        t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
    } else {
        dlg__say_intent(t, (size_t)t->intent);
    }
    if (t->s->flow && t->s->step) { /* "merhaba" in the middle of a return */
        char resume[64];
        snprintf(resume, sizeof resume, "resume.%s", t->s->step);
        dlg__say(t, kb_message_get(t->kb, resume) ? resume : "resume_hint");
    }
}

static const char *const says[] = {"greeting.salam", "greeting.morning", "greeting.evening", NULL};

const dlg_flow dlg_flow_greeting = {
    .name = "greeting",
    .flags = DLG_FLOW_ASIDE,
    .says = says,
    .act = act,
};
