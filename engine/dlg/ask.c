/* SPDX-License-Identifier: MIT */
/* Whether the message asks something, and whether it asks yes or no: a
 * question particle ("var mı", "yapıyor musunuz") without a question word
 * ("hangi kartlara taksit var mı" asks which); and whether it closes the
 * talk for now without asking anything. The words are the KB's
 * (dialogue.json words "question_particles", "question_words",
 * "closing"), so a flow can tell an answer to its question from a question
 * of the shopper's. */
#include "dlg_int.h"

#include <string.h>

/* "kartla mı nakit mi": two particles with words between them ask which
 * one, not whether. */
static int either_or(const dlg_turn *t)
{
    const nlp_text *nt = t->msg;
    size_t n = nlp_text_token_count(nt), particles = 0, last = 0;
    for (size_t i = 0; i < n; i++)
        if (kb_words_has(t->kb, "question_particles", nlp_text_token(nt, i)->text)) {
            if (particles && i > last + 1)
                return 1;
            particles++;
            last = i;
        }
    return 0;
}

int dlg__message_yes_no(const dlg_turn *t)
{
    return dlg__message_has(t, "question_particles") && !dlg__message_has(t, "question_words") &&
           !either_or(t);
}

int dlg__message_asks(const dlg_turn *t)
{
    return (t->text && strchr(t->text, '?')) || dlg__message_has(t, "question_particles") ||
           dlg__message_has(t, "question_words");
}

/* Words past which a message says more than goodbye ("tamam yarın yazarım
 * ama kargom hâlâ gelmedi ve ..."). */
#define CLOSING_MAX_WORDS 8

int dlg__message_closes(const dlg_turn *t)
{
    return !t->got_slot && nlp_text_token_count(t->msg) <= CLOSING_MAX_WORDS &&
           dlg__message_has(t, "closing") && !dlg__message_asks(t);
}

const char *dlg__closing_key(const dlg_turn *t)
{
    if (dlg__message_has(t, "thanks") || dlg__message_has(t, "pleased"))
        return "closing.thanks"; /* "rica ederim" */
    if (dlg__message_has(t, "goodbye_wishes"))
        return "closing.wish"; /* "teşekkür ederiz": a wish is not thanked with "rica ederim" */
    return "closing.later";    /* "tamam, yarın yazarım": "tabii" */
}
