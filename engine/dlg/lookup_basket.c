/* SPDX-License-Identifier: MIT */
/* "basket": "sepetim 350 TL, kargo öder miyim" answered from the shop's
 * free-shipping threshold (shop.json shipping.free_threshold_tl): the fee,
 * and how much more makes it free, instead of the rule alone. */
#include "dlg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sum of money said nearest the basket's word ("500 TL üstü
 * yazıyordu, sepetim 749 TL": 749), or -1. */
static double basket_sum(const dlg_turn *t)
{
    size_t at = nlp_text_token_count(t->msg); /* the basket word's token */
    for (size_t i = 0; i < nlp_text_token_count(t->msg) && at == nlp_text_token_count(t->msg); i++)
        if (dlg__token_has_stem(t->kb, nlp_text_token(t->msg, i), "basket_words"))
            at = i;
    double best = -1;
    size_t best_gap = (size_t)-1;
    for (size_t i = 0; i < nlp_text_entity_count(t->msg); i++) {
        const nlp_entity *e = nlp_text_entity(t->msg, i);
        if (e->kind != NLP_ENT_MONEY)
            continue;
        size_t gap = e->first_token > at ? e->first_token - at : at - e->first_token;
        if (gap < best_gap) {
            best_gap = gap;
            best = strtod(e->value, NULL);
        }
    }
    return best;
}

/* "150 TL", "149,10 TL" */
static void put_tl(char *out, size_t cap, double v)
{
    long long kurus = (long long)(v * 100 + 0.5);
    if (kurus % 100)
        snprintf(out, cap, "%lld,%02lld TL", kurus / 100, kurus % 100);
    else
        snprintf(out, cap, "%lld TL", kurus / 100);
}

int dlg__lookup_basket(dlg_turn *t)
{
    double sum = basket_sum(t);
    long long free_from = kb_shop_int(t->kb, "shipping.free_threshold_tl", 0);
    /* about shipping: its words, or the shipping answer just given ("sepetim
     * 749 TL" after a coupon's minimum is the coupon's) */
    int last = t->s->last_faq;
    const char *was = last >= 0 ? kb_intent_at(t->kb, (size_t)last)->lookup : NULL;
    int shipping =
        dlg__message_has_stem(t, "shipping_words") || (was && strcmp(was, "basket") == 0);
    if (sum <= 0 || free_from <= 0 || !shipping || !dlg__message_has_stem(t, "basket_words"))
        return 0;
    char basket[32], missing[32];
    put_tl(basket, sizeof basket, sum);
    put_tl(missing, sizeof missing, (double)free_from - sum);
    t->basket = basket;
    t->missing = missing;
    dlg__say(t, sum >= (double)free_from ? "shipping.basket_free" : "shipping.basket_below");
    t->basket = t->missing = NULL;
    return 1;
}
