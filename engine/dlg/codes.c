/* SPDX-License-Identifier: MIT */
/* Codes in the message. A return code ("RF7M2K9D kodlu iadem ne oldu"):
 * the code the bot gave for the carrier names its order, so the shopper is
 * asked only for the proof, not for an order number they may not have at
 * hand; the code opens nothing by itself (the identity check still comes
 * first, and the order is not named before it). A coupon code ("KIS20",
 * "ARALIK15 geçmiyor"): letters then a number, which the matcher cannot
 * place by its words. */
#include "dlg_int.h"

#include <ctype.h>
#include <string.h>

/* A code's shape as shoppers type it: 6 to 16 letters and digits, with at
 * least one of each (a word shouted in capitals is no code, nor a number). */
#define CODE_MIN 6
#define CODE_MAX 16

static int code_shaped(const char *w, size_t n, char *upper)
{
    int letters = 0, digits = 0;
    if (n < CODE_MIN || n > CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        letters += isalpha(c) != 0;
        digits += isdigit(c) != 0;
        upper[i] = (char)toupper(c);
    }
    upper[n] = '\0';
    return letters && digits;
}

int dlg__order_of_code(const dlg_turn *t, char *order, size_t size)
{
    const char *p = t->text;
    if (!t->env->db || !p)
        return 0;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        /* a word of ASCII letters and digits only: "İADE" or an e-mail's
         * part is not a code */
        while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
            p++;
        size_t n = (size_t)(p - w);
        int ascii = 1;
        for (size_t i = 0; i < n; i++)
            ascii &= isalnum((unsigned char)w[i]) != 0;
        char code[CODE_MAX + 1];
        if (ascii && *p != '@' && *p != '.' && code_shaped(w, n, code) &&
            store_return_order_by_code(t->env->db, code, order, size, NULL) == DS_OK)
            return 1;
    }
    return 0;
}

/* Letters then one to three digits, as coupon codes are written ("KIS20",
 * "aralik15"), on the message's folded words. */
int dlg__coupon_shaped(const dlg_turn *t)
{
    for (size_t i = 0; i < nlp_text_token_count(t->msg); i++) {
        const nlp_token *tok = nlp_text_token(t->msg, i);
        size_t letters = 0, digits = 0;
        while (letters < tok->len && isalpha((unsigned char)tok->text[letters]))
            letters++;
        while (letters + digits < tok->len && isdigit((unsigned char)tok->text[letters + digits]))
            digits++;
        if (tok->kind == NLP_TOK_ALNUM && letters >= 3 && letters <= 12 && digits >= 1 &&
            digits <= 3 && letters + digits == tok->len)
            return 1;
    }
    return 0;
}
