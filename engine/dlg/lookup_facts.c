/* SPDX-License-Identifier: MIT */
/* What the shop says of a product (store_product_facts), said when a
 * message names the product and asks one of the facts' topics: "ipek
 * eşarp gerçekten ipek mi" gets the shop's own words on its material, not
 * where the product page shows them. A topic is known by its message in
 * dialogue.json ("product.fact.TOPIC", and "product.fact.TOPIC.also" for
 * the second of two) and asked by its words ("product_fact_TOPIC"), so a
 * shop adds a topic without code. The product is the one the message names
 * best among those the orders sell and those with facts, else the product
 * talked about (s->product) when the message names no other. A topic the
 * shop keeps no fact for is not answered here: the KB's answer says where
 * to look, honestly. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#define PREFIX "product.fact."
#define ALSO ".also"
#define WORDS "product_fact_"
/* The most topics said in one reply. */
#define MAX_SAID 2

/* Words of 3+ letters in name (what dlg__name_words can count). */
static int name_size(const dlg_turn *t, nlp_text *scratch, const char *name)
{
    int n = 0;
    if (nlp_normalise(kb_lexicon(t->kb), name, strlen(name), scratch, NULL) == DS_OK)
        for (size_t i = 0; i < nlp_text_token_count(scratch); i++) {
            const nlp_token *w = nlp_text_token(scratch, i);
            n += w->len >= 3 && w->kind == NLP_TOK_WORD;
        }
    return n;
}

/* Every word of name that counts is something a product may contain
 * (words product_fact_contents: "Parfüm 50 ml" is perfume). */
static int name_is_content(const dlg_turn *t, nlp_text *scratch, const char *name)
{
    int any = 0;
    if (nlp_normalise(kb_lexicon(t->kb), name, strlen(name), scratch, NULL) != DS_OK)
        return 0;
    for (size_t i = 0; i < nlp_text_token_count(scratch); i++) {
        const nlp_token *w = nlp_text_token(scratch, i);
        if (w->len < 3 || w->kind != NLP_TOK_WORD)
            continue;
        if (!kb_words_has(t->kb, WORDS "contents", w->text))
            return 0;
        any = 1;
    }
    return any;
}

/* One word said of a longer name names the product: a noun of it
 * ("kulaklık"), and not the machine of "makinede yıkanır mı" (words
 * product_fact_places: where a thing is washed or used, not what is
 * asked about). */
static int one_word_names(const dlg_turn *t, const char *name)
{
    return dlg__shares_noun(t, name) && !dlg__message_has(t, "product_fact_places") &&
           !dlg__message_has_stem(t, "product_fact_places");
}

/* The product the message names, or -1: the most of its words, then the
 * fewest left unsaid ("nemlendirici krem" is the cream, not the face
 * cream); a tie is nobody. A name with one word said of several is only
 * named by a noun it shares with the message ("kulaklık"), not by a
 * material ("deri mi" of a belt and shoes). */
static int named(const dlg_turn *t, const store_product *p, size_t n)
{
    nlp_text *scratch = nlp_text_new();
    if (!scratch)
        return -1;
    int best = -1, best_score = 0, best_left = 0, tie = 0;
    /* "kremin içeriğinde parfüm var mı": the perfume is what it contains */
    int contents = dlg__message_has(t, WORDS "ingredients");
    for (size_t i = 0; i < n; i++) {
        int score = dlg__name_words(t, p[i].name);
        if (!score || (contents && name_is_content(t, scratch, p[i].name)))
            continue;
        int left = name_size(t, scratch, p[i].name) - score;
        if (score > best_score || (score == best_score && left < best_left))
            best = (int)i, best_score = score, best_left = left, tie = 0;
        else if (score == best_score && left == best_left)
            tie = 1;
    }
    nlp_text_free(scratch);
    if (tie || best < 0 || (best_score == 1 && best_left > 0 && !one_word_names(t, p[best].name)))
        return -1;
    return best;
}

/* The products a shopper may name: those sold, then those only described.
 * Owned (store_products_free). */
static ds_status candidates(dlg_turn *t, store_product **out, size_t *count)
{
    store_product *sold, *desc;
    size_t ns, nd;
    ds_status s = store_products_sold(t->env->db, &sold, &ns, NULL);
    if (s != DS_OK)
        return s;
    if ((s = store_products_described(t->env->db, &desc, &nd, NULL)) != DS_OK) {
        store_products_free(sold, ns);
        return s;
    }
    store_product *all = nd ? ds_realloc(sold, (ns + nd) * sizeof *all) : sold;
    if (!all) {
        store_products_free(sold, ns);
        store_products_free(desc, nd);
        return DS_ENOMEM;
    }
    size_t n = ns;
    for (size_t i = 0; i < nd; i++) {
        int seen = 0;
        for (size_t k = 0; k < ns && !seen; k++)
            seen = strcmp(all[k].name, desc[i].name) == 0;
        if (seen) {
            ds_free(desc[i].name);
        } else {
            all[n++] = desc[i];
        }
    }
    ds_free(desc);
    *out = all;
    *count = n;
    return DS_OK;
}

/* The topic of message key ("product.fact.care": "care"), or NULL for
 * another key (".also" ones included). */
static const char *topic_of(const char *key)
{
    size_t pl = sizeof PREFIX - 1;
    if (strncmp(key, PREFIX, pl) != 0 || strchr(key + pl, '.'))
        return NULL;
    return key[pl] ? key + pl : NULL;
}

static int asks_topic(const dlg_turn *t, const char *topic)
{
    char list[64];
    snprintf(list, sizeof list, WORDS "%s", topic);
    return dlg__message_has(t, list) || dlg__message_has_stem(t, list);
}

static const char *fact_on(const store_fact *f, size_t n, const char *topic)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].topic, topic) == 0)
            return f[i].text;
    return NULL;
}

int dlg__lookup_facts(dlg_turn *t)
{
    /* "sweatshirt ilk yıkamada soldu": a fault told, not a care question */
    if (dlg__message_has(t, "reason_kusurlu") || dlg__message_has(t, "reason_hasarli") ||
        dlg__message_has(t, "reason_yanlis"))
        return 0;
    /* the topics asked, in dialogue.json's order; nothing asked, nothing
     * to look up */
    const char *asked[8];
    size_t na = 0;
    for (size_t i = 0; i < kb_message_count(t->kb) && na < sizeof asked / sizeof *asked; i++) {
        const char *topic = topic_of(kb_message_at(t->kb, i)->key);
        if (topic && asks_topic(t, topic))
            asked[na++] = topic;
    }
    if (!na)
        return 0;
    store_product *p;
    size_t n;
    if (candidates(t, &p, &n) != DS_OK)
        return 0;
    int best = named(t, p, n);
    char product[sizeof t->s->product];
    product[0] = '\0';
    if (best >= 0)
        snprintf(product, sizeof product, "%s", p[best].name);
    /* "peki makinede yıkanır mı" after the scarf: the product talked about,
     * unless the message names another kind of product ("ya bu ceket
     * çeker mi"); a noun of a topic's words ("makinede") names none */
    int other = 0;
    for (size_t i = 0; best < 0 && t->s->product[0] && i < n && !other; i++)
        other = strcmp(p[i].name, t->s->product) != 0 && one_word_names(t, p[i].name);
    if (best < 0 && t->s->product[0] && !other)
        snprintf(product, sizeof product, "%s", t->s->product);
    store_products_free(p, n);
    store_fact *f = NULL;
    size_t nf = 0;
    if (!product[0] || store_product_facts(t->env->db, product, &f, &nf, NULL) != DS_OK)
        return 0;
    size_t said = 0, unknown = 0;
    for (size_t i = 0; i < na; i++) {
        const char *text = fact_on(f, nf, asked[i]);
        if (!text) {
            unknown++;
            continue;
        }
        if (said == MAX_SAID)
            continue;
        char key[96];
        snprintf(key, sizeof key, PREFIX "%s%s", asked[i], said ? ALSO : "");
        if (said && !kb_message_get(t->kb, key))
            snprintf(key, sizeof key, PREFIX "%s", asked[i]);
        t->product = product;
        t->fact = text;
        dlg__say(t, key);
        said++;
    }
    /* "ipek mi, çeker mi" with only the material known: the other is not
     * guessed at */
    if (said && unknown)
        dlg__say(t, "product.fact_unknown");
    t->product = t->fact = NULL;
    if (said)
        snprintf(t->s->product, sizeof t->s->product, "%s", product);
    store_facts_free(f, nf);
    return said > 0;
}

int dlg__lookup_product(dlg_turn *t)
{
    return dlg__lookup_facts(t) || dlg__lookup_stock(t);
}
