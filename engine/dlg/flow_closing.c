/* SPDX-License-Identifier: MIT */
/* "closing": thanks and goodbyes ("teşekkürler", "iyi geceler", "tamam,
 * yarın yazarım"). With nothing pending, the intent's own answer (praise
 * gets its thanks). With something pending, a short closing that says what
 * happens next instead of "anything else?": a person on the way, a request
 * the team reads when back, a question of the bot's that can wait. The
 * pending question is not asked again. Aside: a flow in progress stays
 * where it was. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

/* "harika, çok yardımcı oldunuz gerçekten" from a shopper the bot has not
 * helped: praise with the words of irony (dialogue.json "irony") after
 * anger, with people already called, or about an order still stuck or
 * late. Thanking it back would mock the shopper. */
static int ironic(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (!dlg__message_has(t, "irony") ||
        !(dlg__message_has(t, "pleased") || dlg__message_has(t, "thanks")))
        return 0;
    if (s->upset > 0 || s->people_called)
        return 1;
    store_order *o = NULL;
    int bad = s->verified[0] && t->env->db &&
              store_order_get(t->env->db, s->verified, &o, NULL) == DS_OK &&
              (dlg__stuck(t, o) || dlg__dispatch_late(t, o));
    store_order_free(o);
    return bad;
}

static void act(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (ironic(t)) {
        t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
        dlg__say(t, "closing.irony");
        return;
    }
    const char *key = dlg__closing_key(t);
    int thanks = strcmp(key, "closing.thanks") == 0;
    int pending = s->flow && s->step;
    dlg_people p = dlg__people(t);
    t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
    /* "tamam" while the bot waits for an answer: what it waits for */
    if (pending && dlg__message_is(t, "ack", 0)) {
        char resume[64];
        snprintf(resume, sizeof resume, "resume.%s", s->step);
        dlg__say(t, kb_message_get(t->kb, resume) ? resume : "resume_hint");
        return;
    }
    if (!pending && (p == DLG_PEOPLE_FREE || p == DLG_PEOPLE_AWAY)) {
        /* thanks or praise: the intent's answer; a wish is wished back
         * ("iyi çalışmalar" is not thanked with "rica ederim"); "tamam,
         * yarın yazarım" gets a "tabii" */
        if (thanks || !dlg__message_closes(t))
            dlg__say_intent(t, (size_t)t->intent);
        else
            dlg__say(t, strcmp(key, "closing.wish") == 0 ? "closing.bye" : key);
        return;
    }
    /* something pending: closing.*.waiting, .noted, .closed as people
     * stand (people.c) say what happens next */
    dlg__say(t, key);
}

static const char *const says[] = {"closing.thanks",
                                   "closing.wish",
                                   "closing.later",
                                   "closing.bye",
                                   "resume_hint",
                                   "closing.irony",
                                   NULL};

const dlg_flow dlg_flow_closing = {
    .name = "closing",
    .flags = DLG_FLOW_ASIDE | DLG_FLOW_CLOSING,
    .says = says,
    .act = act,
};
