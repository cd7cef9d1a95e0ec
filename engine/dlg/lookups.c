/* SPDX-License-Identifier: MIT */
/* The store lookups an answer of the knowledge base may name ("lookup":
 * "stock"): each answers from the shop's data before the intent's own text,
 * or leaves the message to it. One entry per lookup, in its own file. */
#include "dlg_int.h"

#include <string.h>

static const char *const stock_says[] = {
    "stock.in",
    "stock.in_but_seen_out",
    "stock.out",
    "stock.no_such",
    "stock.list",
    "stock.none",
    "stock.which_product",
    "stock.which_of",
    /* what the shop says of a product, asked first (lookup_facts.c); a
     * shop may add topics of its own, these are the shipped ones */
    "product.fact.material",
    "product.fact.material.also",
    "product.fact.care",
    "product.fact.care.also",
    "product.fact.fit",
    "product.fact.fit.also",
    "product.fact.compatibility",
    "product.fact.compatibility.also",
    "product.fact.ingredients",
    "product.fact.ingredients.also",
    "product.fact.origin",
    "product.fact.origin.also",
    "product.fact.manual",
    "product.fact.manual.also",
    "product.fact_unknown",
    NULL,
};

static const char *const basket_says[] = {"shipping.basket_free", "shipping.basket_below", NULL};

const dlg_lookup dlg__lookups[] = {
    /* a product's facts asked ("ipek mi"), else its stock by its name and
     * size; one name for both, so a KB and the router's "stock" keep
     * meaning the product's data */
    {"stock", dlg__lookup_product, stock_says},
    {"basket", dlg__lookup_basket, basket_says}, /* a basket's sum against free shipping */
    {NULL, NULL, NULL},
};

const dlg_lookup *dlg__lookup_find(const char *name)
{
    for (const dlg_lookup *l = dlg__lookups; name && l->name; l++)
        if (strcmp(l->name, name) == 0)
            return l;
    return NULL;
}

int dlg__lookup_answer(dlg_turn *t, size_t intent)
{
    const dlg_lookup *l = dlg__lookup_find(kb_intent_at(t->kb, intent)->lookup);
    return l && t->env->db && l->answer(t);
}
