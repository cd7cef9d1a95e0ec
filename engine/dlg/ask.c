/* SPDX-License-Identifier: MIT */
/* Whether the message asks something, and whether it asks yes or no: a
 * question particle ("var mı", "yapıyor musunuz") without a question word
 * ("hangi kartlara taksit var mı" asks which). The words are the KB's
 * (dialogue.json words "question_particles", "question_words"), so a flow
 * can tell an answer to its question from a question of the shopper's. */
#include "dlg_int.h"

#include <string.h>

int dlg__message_yes_no(const dlg_turn *t)
{
    return dlg__message_has(t, "question_particles") && !dlg__message_has(t, "question_words");
}

int dlg__message_asks(const dlg_turn *t)
{
    return (t->text && strchr(t->text, '?')) || dlg__message_has(t, "question_particles") ||
           dlg__message_has(t, "question_words");
}
