/* SPDX-License-Identifier: MIT */
/* A message in English ("Hi, do you ship to Germany?"): the bot reads
 * Turkish, so it says so in English and offers people rather than a
 * Turkish menu or a guess. The words are the KB's (dialogue.json words
 * "english"): common English words that are no Turkish words. */
#include "dlg_int.h"

/* English words a message needs, and the share of its words they are. */
#define ENGLISH_MIN_WORDS 3
#define ENGLISH_MIN_SHARE 0.4

int dlg__message_english(const dlg_turn *t)
{
    size_t n = nlp_text_token_count(t->msg), words = 0, english = 0;
    for (size_t i = 0; i < n; i++) {
        const nlp_token *tok = nlp_text_token(t->msg, i);
        if (tok->kind != NLP_TOK_WORD)
            continue;
        words++;
        english += kb_words_has(t->kb, "english", tok->text) != 0;
    }
    return english >= ENGLISH_MIN_WORDS && (double)english >= ENGLISH_MIN_SHARE * (double)words;
}
