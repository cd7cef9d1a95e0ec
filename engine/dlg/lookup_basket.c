/* SPDX-License-Identifier: MIT */
/* "basket": "sepetim 350 TL, kargo öder miyim" answered from the shop's
 * free-shipping threshold (shop.json shipping.free_threshold_tl): the fee,
 * and how much more makes it free, instead of the rule alone. */
#include "dlg_int.h"

#include <stdio.h>
#include <stdlib.h>

/* The first sum of money in the message, or -1. */
static double basket_sum(const dlg_turn *t)
{
    for (size_t i = 0; i < nlp_text_entity_count(t->msg); i++) {
        const nlp_entity *e = nlp_text_entity(t->msg, i);
        if (e->kind == NLP_ENT_MONEY)
            return strtod(e->value, NULL);
    }
    return -1;
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
    if (sum <= 0 || free_from <= 0 || !dlg__message_has_stem(t, "basket_words"))
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
