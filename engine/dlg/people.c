/* SPDX-License-Identifier: MIT */
/* Where people stand for the conversation, and the one rule for what the
 * bot says about them: a person is offered only while one can be called (in
 * working hours, nobody called yet); once one is coming, the reply says so
 * instead of offering again; after hours, what is real: the offline request
 * and when people are back. Messages follow it by variant (a message
 * "KEY.waiting", "KEY.noted" or "KEY.closed" of dialogue.json stands in for
 * KEY), intent answers by "intent.ID.<variant>", and the button that asks for
 * a person (dialogue.json "people.button") by a pass over the reply's quick
 * replies at the end of the turn. Below the flows and the toolkit: calls
 * neither (kit.c calls it). */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

dlg_people dlg__people(const dlg_turn *t)
{
    const dlg_reply *r = t->out;
    const dlg_session *s = t->s;
    if (t->env->closed) {
        /* a hand-off asked for with a verified order becomes its request
         * this turn (the router's people()) */
        if (s->people_called || r->offline_request || (t->handoff && s->verified[0]))
            return DLG_PEOPLE_NOTED;
        if (r->offline_started || (s->flow && (s->flow->flags & DLG_FLOW_AFTER_HOURS)))
            return DLG_PEOPLE_TAKING;
        return DLG_PEOPLE_AWAY;
    }
    if (s->people_called || r->handoff_priority || t->handoff)
        return DLG_PEOPLE_WAITING;
    return DLG_PEOPLE_FREE;
}

/* The variant suffixes to try for p, most specific first, NULL-ended. */
static const char *const *suffixes(dlg_people p)
{
    static const char *const free_[] = {NULL};
    static const char *const waiting[] = {".waiting", NULL};
    static const char *const away[] = {".closed", NULL};
    /* the request being taken: not "noted" yet, and not to be offered */
    static const char *const taking[] = {".taking", ".closed", NULL};
    static const char *const noted[] = {".noted", ".closed", NULL};
    switch (p) {
    case DLG_PEOPLE_WAITING: return waiting;
    case DLG_PEOPLE_AWAY: return away;
    case DLG_PEOPLE_TAKING: return taking;
    case DLG_PEOPLE_NOTED: return noted;
    default: return free_;
    }
}

/* The first of prefix+suffix that the KB has, or NULL. */
static const kb_message *variant(const dlg_turn *t, const char *prefix)
{
    char key[128];
    for (const char *const *sx = suffixes(dlg__people(t)); *sx; sx++) {
        if ((size_t)snprintf(key, sizeof key, "%s%s", prefix, *sx) >= sizeof key)
            continue;
        const kb_message *m = kb_message_get(t->kb, key);
        if (m)
            return m;
    }
    return NULL;
}

const kb_message *dlg__people_message(const dlg_turn *t, const char *key)
{
    const kb_message *m = variant(t, key);
    return m ? m : kb_message_get(t->kb, key);
}

const kb_message *dlg__people_answer(const dlg_turn *t, const char *intent_id)
{
    char prefix[96];
    if ((size_t)snprintf(prefix, sizeof prefix, "intent.%s", intent_id) >= sizeof prefix)
        return NULL;
    return variant(t, prefix);
}

void dlg__people_buttons(dlg_turn *t)
{
    const kb_message *ask = kb_message_get(t->kb, "people.button");
    if (!ask || !ask->text_count)
        return;
    const char *label = ask->texts[0];
    /* after hours, while nothing is left yet: the request is what there is */
    const kb_message *instead = NULL;
    dlg_people p = dlg__people(t);
    if (p == DLG_PEOPLE_FREE)
        return;
    if (p == DLG_PEOPLE_AWAY) {
        instead = kb_message_get(t->kb, "people.button.closed");
        if (instead && !instead->text_count)
            instead = NULL;
    }
    dlg_reply *r = t->out;
    size_t kept = 0;
    for (size_t i = 0; i < r->quick_reply_count; i++) {
        const char *q = r->quick_replies[i];
        if (strcmp(q, label) == 0) {
            if (!instead)
                continue; /* nobody to call: no button for it */
            q = instead->texts[0];
            int dup = 0;
            for (size_t k = 0; k < kept; k++)
                dup |= strcmp(r->quick_replies[k], q) == 0;
            if (dup)
                continue;
        }
        /* a copy in qr_text stays where it is: this pass only drops and
         * relabels, and nothing adds a quick reply after it */
        r->quick_replies[kept++] = q;
    }
    r->quick_reply_count = kept;
}
