/* SPDX-License-Identifier: MIT */
/* Yes-or-no questions about the shop ("kapıda ödeme var mı", "yurt dışına
 * gönderiyor musunuz") answered with yes or no first, from the shop's own
 * facts rather than with a policy block. dialogue.json holds, for a
 * shop.json path, the words that ask about it (words "yes_no.PATH") and the
 * two short answers ("yes_no.PATH.yes", "yes_no.PATH.no", each a sentence
 * or two, the rest behind their quick replies); the value at PATH decides
 * which is said, so a shop that changes the fact changes the answer. No
 * question is named here: the facts are found by the messages' keys. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#define PREFIX "yes_no."
#define SUFFIX ".yes"
/* The longest phrase of a list counted, in words ("banka kartı ile taksit"). */
#define MAX_RUN 4

/* How many tokens the longest phrase of list in the message covers (a word
 * with its suffixes is one), 0 none. The most specific fact wins: "banka
 * kartına taksit" is about debit cards, not instalments in general. */
static size_t longest(const dlg_turn *t, const char *list)
{
    const nlp_text *nt = t->msg;
    size_t n = nlp_text_token_count(nt), best = 0;
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t k = i; k < n && k < i + MAX_RUN; k++) {
            const nlp_token *tok = nlp_text_token(nt, k);
            if (len + tok->len + 2 > sizeof buf)
                break;
            if (k > i)
                buf[len++] = ' ';
            memcpy(buf + len, tok->text, tok->len);
            len += tok->len;
            buf[len] = '\0';
            if (k - i + 1 > best && kb_words_has(t->kb, list, buf))
                best = k - i + 1;
        }
    }
    if (!best && dlg__message_has_stem(t, list))
        best = 1;
    return best;
}

int dlg__say_yes_no(dlg_turn *t, size_t min_words)
{
    /* "6 taksiti 3'e düşürebilir miyim", "iade olursa taksit bozulur mu":
     * about changing or undoing something, which a fact of the shop does not
     * answer */
    if (!dlg__message_yes_no(t) || dlg__message_has_stem(t, "yes_no_changes"))
        return 0;
    size_t pl = strlen(PREFIX), sl = strlen(SUFFIX), best = 0;
    char list[128] = "";
    for (size_t i = 0; i < kb_message_count(t->kb); i++) {
        const char *key = kb_message_at(t->kb, i)->key;
        size_t n = strlen(key);
        if (n <= pl + sl || n - sl >= sizeof list || strncmp(key, PREFIX, pl) != 0 ||
            strcmp(key + n - sl, SUFFIX) != 0)
            continue;
        char name[128];
        memcpy(name, key, n - sl);
        name[n - sl] = '\0';
        size_t run = longest(t, name);
        if (run > best) {
            best = run;
            memcpy(list, name, n - sl + 1);
        }
    }
    if (best < min_words || !best)
        return 0;
    char key[160];
    snprintf(key, sizeof key, "%s%s", list, kb_shop_true(t->kb, list + pl) ? SUFFIX : ".no");
    dlg__say(t, key);
    return 1;
}
