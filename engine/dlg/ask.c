/* SPDX-License-Identifier: MIT */
/* Whether the message asks something, and whether it asks yes or no: a
 * question particle ("var mı", "yapıyor musunuz") without a question word
 * ("hangi kartlara taksit var mı" asks which). The words are the KB's
 * (dialogue.json words "question_particles", "question_words"), so a flow
 * can tell an answer to its question from a question of the shopper's. */
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
