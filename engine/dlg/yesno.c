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
/* The longest answer key. */
#define KEY_LEN 160

/* How many tokens the longest phrase of list in the message covers (a word
 * with its suffixes is one), 0 none, and where it starts (*at). The most
 * specific fact wins: "banka kartına taksit" is about debit cards, not
 * instalments in general. */
static size_t longest(const dlg_turn *t, const char *list, const unsigned char *runs, size_t *at)
{
    const nlp_text *nt = t->msg;
    size_t n = nlp_text_token_count(nt), best = 0;
    char buf[256];
    *at = n;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t k = i; k < n && k < i + KB_PHRASE_MAX_WORDS; k++) {
            if (i < 64 && !(runs[i] >> (k - i)))
                break; /* no longer run from i is any list's phrase: not built */
            if (!dlg__run_extend(nt, i, k, buf, sizeof buf, &len))
                break;
            if (k - i + 1 > best && (i >= 64 || (runs[i] & (1u << (k - i)))) &&
                kb_words_has(t->kb, list, buf)) {
                best = k - i + 1;
                *at = i;
            }
        }
    }
    if (!best && dlg__message_has_stem(t, list))
        best = 1;
    return best;
}

/* Bit j of runs[i]: the run of j + 1 tokens from token i (i < 64) is a
 * phrase of some list (kb_words_phrase), so longest looks up only those for
 * each fact. */
static void phrase_runs(const dlg_turn *t, unsigned char runs[64])
{
    const nlp_text *nt = t->msg;
    size_t n = nlp_text_token_count(nt);
    char buf[256];
    memset(runs, 0, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        size_t len = 0;
        for (size_t k = i; k < n && k < i + KB_PHRASE_MAX_WORDS; k++) {
            if (!dlg__run_extend(nt, i, k, buf, sizeof buf, &len))
                break;
            if (kb_words_phrase(t->kb, buf, len))
                runs[i] |= (unsigned char)(1u << (k - i));
        }
    }
}

/* "6 taksiti 3'e düşürebilir miyim", "iade olursa taksit bozulur mu": a
 * word of changing or undoing something outside the fact's own phrase
 * ("iade ücretli mi" names the fact "iade ücretli"), and not a word of the
 * fact's own part of the shop (words "yes_no_subject.returns": "iade" in
 * "iade edeceğim ürünün parasını yeni siparişe sayar mısınız"). */
static int asks_a_change(const dlg_turn *t, const char *fact, size_t at, size_t run)
{
    const nlp_text *nt = t->msg;
    char subject[64];
    snprintf(subject, sizeof subject, "yes_no_subject.%.*s",
             (int)strcspn(fact + strlen(PREFIX), "."), fact + strlen(PREFIX));
    if (at >= nlp_text_token_count(nt)) /* the fact found by a stem alone */
        return dlg__message_has_stem(t, "yes_no_changes");
    for (size_t i = 0; i < nlp_text_token_count(nt); i++) {
        const nlp_token *tok = nlp_text_token(nt, i);
        if ((i < at || i >= at + run) && dlg__token_has_stem(t->kb, tok, "yes_no_changes") &&
            !dlg__token_has_stem(t->kb, tok, subject))
            return 1;
    }
    return 0;
}

/* The answer's key (key[KEY_LEN]) of the fact the message asks about yes
 * or no, in a phrase of at least min_words words; 0 none. */
static int fact_asked(const dlg_turn *t, size_t min_words, char *key)
{
    /* about changing or undoing something, which a fact of the shop does
     * not answer (asks_a_change) */
    if (!dlg__message_yes_no(t))
        return 0;
    size_t pl = strlen(PREFIX), best = 0, best_at = 0;
    char list[128] = "";
    unsigned char runs[64];
    phrase_runs(t, runs);
    /* the messages "yes_no.PATH.yes" as the KB found them at load */
    for (size_t i = 0; i < kb_yes_no_count(t->kb); i++) {
        const char *name = kb_yes_no_list(t->kb, i);
        size_t n = strlen(name);
        if (n >= sizeof list)
            continue;
        size_t at, run = longest(t, name, runs, &at);
        /* two facts named alike: the later one, where a question ends */
        if (run > best ||
            (run && run == best && at < nlp_text_token_count(t->msg) && at > best_at)) {
            best = run;
            best_at = at;
            memcpy(list, name, n + 1);
        }
    }
    if (best < min_words || !best || asks_a_change(t, list, best_at, best))
        return 0;
    snprintf(key, KEY_LEN, "%s%s", list, kb_shop_true(t->kb, list + pl) ? SUFFIX : ".no");
    return 1;
}

int dlg__say_yes_no(dlg_turn *t, size_t min_words)
{
    char key[KEY_LEN];
    if (!fact_asked(t, min_words, key))
        return 0;
    dlg__say(t, key);
    return 1;
}

int dlg__asks_yes_no(const dlg_turn *t, size_t min_words)
{
    char key[KEY_LEN];
    return fact_asked(t, min_words, key);
}

int dlg__say_fact(dlg_turn *t, const char *path)
{
    char list[KEY_LEN], key[KEY_LEN + 8];
    snprintf(list, sizeof list, "%s%s", PREFIX, path);
    if (!dlg__message_has(t, list) || asks_a_change(t, list, nlp_text_token_count(t->msg), 0))
        return 0;
    snprintf(key, sizeof key, "%s%s", list, kb_shop_true(t->kb, path) ? SUFFIX : ".no");
    if (!kb_message_get(t->kb, key))
        return 0;
    dlg__say(t, key);
    return 1;
}
