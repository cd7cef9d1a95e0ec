/* SPDX-License-Identifier: MIT */
/* "complaint": listen first (a bare "şikayet etmek istiyorum" gets room to
 * explain), then record the complaint, with the verified order if there is
 * one, for people to answer. No order is needed. */
#include "dlg_int.h"

static const char *const steps[] = {"complaint", NULL};

static void record(dlg_turn *t)
{
    if (t->s->people_called) { /* people are on it: the story is theirs to read */
        /* "tüketici hakem heyetine yazacağım": heard as what it is */
        dlg__say(t, dlg__message_has(t, "legal_threat") ? "people.legal" : "people.noted");
        dlg__end(t);
        return;
    }
    if (t->s->verified[0] && !t->order)
        store_order_get(t->env->db, t->s->verified, &t->order, NULL);
    t->item = DLG_ITEM_NONE; /* about the service, not an item */
    dlg__record_case(t, "sikayet", "urgent");
}

static void act(dlg_turn *t)
{
    if (t->first && nlp_text_token_count(t->msg) < 6 && !t->s->people_called) {
        /* an insult is a complaint about us: an apology, not "tell me more" */
        dlg__say(t, dlg__message_has_stem(t, "insults") || dlg__message_has(t, "insults")
                        ? "complaint.insult"
                        : "complaint.listen");
        dlg__wait(t, "complaint");
        return;
    }
    record(t);
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    /* a new question, asked clearly, is not the complaint's story */
    if (t->intent >= 0 && !t->clarify && t->out->confidence >= 0.6 && t->asked != t->flow)
        return 0;
    record(t);
    return 1;
}

static const char *const says[] = {
    "complaint.listen",    "complaint.insult", "complaint.done",      "people.noted",
    "people.noted.closed", "people.legal",     "people.legal.closed", NULL};

const dlg_flow dlg_flow_complaint = {
    .name = "complaint",
    .flags = DLG_NEEDS_STORE | DLG_FLOW_FEELINGS | DLG_FLOW_REPORT,
    .steps = steps,
    .says = says,
    .act = act,
    .answer = answer,
};
