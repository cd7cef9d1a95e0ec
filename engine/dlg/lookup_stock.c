/* SPDX-License-Identifier: MIT */
/* The "stock" lookup: "deri sneakerın 41 numarası var mı", "beyaz tişörtün
 * M'si kaldı mı" answered from the shop's stock, not with where the stock
 * is shown. The product is the one the message names best among the names
 * the orders hold (store_products_sold), by its words inflected as Turkish
 * inflects them (dlg__name_words); the variant by a size or colour the
 * product has. Nothing named, or a product the shop keeps no stock for:
 * the message is the KB answer's. */
#include "dlg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The product the message names, or -1 when none or two tie. */
static int named_product(const dlg_turn *t, const store_product *p, size_t n)
{
    int best = -1, best_score = 0, tie = 0;
    for (size_t i = 0; i < n; i++) {
        int score = dlg__name_words(t, p[i].name);
        if (score > best_score)
            best = (int)i, best_score = score, tie = 0;
        else if (score && score == best_score)
            tie = 1;
    }
    return tie ? -1 : best;
}

/* 1 when a word of the message is this size ("41", "m", "xl"). */
static int says_size(const dlg_turn *t, const char *size)
{
    for (size_t i = 0; size[0] && i < nlp_text_token_count(t->msg); i++) {
        const nlp_token *tok = nlp_text_token(t->msg, i);
        if (tok->len == strlen(size) && strncasecmp(tok->text, size, tok->len) == 0)
            return 1;
    }
    return 0;
}

/* A two-digit number of the message, the size a shoe or trousers come in
 * ("47 numara"), or NULL. */
static const char *size_number(const dlg_turn *t)
{
    for (size_t i = 0; i < nlp_text_token_count(t->msg); i++) {
        const nlp_token *tok = nlp_text_token(t->msg, i);
        if (tok->kind == NLP_TOK_NUMBER && tok->len == 2)
            return tok->text;
    }
    return NULL;
}

/* 1 when the message names this colour ("beyaz", "açık mavi"). */
static int says_colour(const dlg_turn *t, nlp_text *scratch, const char *colour)
{
    return colour[0] && dlg__name_words(t, colour) > 0 &&
           nlp_normalise(kb_lexicon(t->kb), colour, strlen(colour), scratch, NULL) == DS_OK &&
           (size_t)dlg__name_words(t, colour) == nlp_text_token_count(scratch);
}

/* "Beyaz, 41" or "M": as the shop writes it, colour only when the product
 * comes in several. */
static void describe(const store_variant *v, int colours, char *out, size_t cap)
{
    if (colours && v->colour[0] && v->size[0])
        snprintf(out, cap, "%s, %s", v->colour, v->size);
    else
        snprintf(out, cap, "%s", v->size[0] ? v->size : v->colour);
}

static int several_colours(const store_variant *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (strcasecmp(v[i].colour, v[0].colour) != 0)
            return 1;
    return 0;
}

/* Where a size stands among sizes: letters by their order (XS ... XXXL),
 * numbers by value after them, anything else last. */
static int size_rank(const char *size)
{
    static const char *const letters[] = {"XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"};
    for (size_t i = 0; i < sizeof letters / sizeof *letters; i++)
        if (strcasecmp(size, letters[i]) == 0)
            return (int)i;
    if (size[0] >= '0' && size[0] <= '9')
        return 100 + atoi(size);
    return 100000;
}

/* The sizes of one colour in stock, smallest first: "S, M ve XL". */
static void sizes_in_stock(const store_variant *v, size_t n, const char *colour, ds_buf *out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += v[i].qty > 0 && strcasecmp(v[i].colour, colour) == 0;
    int last = -1;
    for (size_t k = 0; k < total; k++) {
        int pick = -1;
        for (size_t i = 0; i < n; i++) {
            if (v[i].qty <= 0 || strcasecmp(v[i].colour, colour) != 0)
                continue;
            int r = size_rank(v[i].size);
            if (r > last && (pick < 0 || r < size_rank(v[pick].size)))
                pick = (int)i;
        }
        if (pick < 0)
            break;
        last = size_rank(v[pick].size);
        if (k)
            ds_buf_puts(out, k + 1 == total ? " ve " : ", ");
        ds_buf_puts(out, v[pick].size[0] ? v[pick].size : v[pick].colour);
    }
}

/* What is in stock into out: "S, M ve XL"; with several colours each with
 * its sizes, "Beyaz (S, M), Siyah (L)". */
static void list_in_stock(const store_variant *v, size_t n, int colours, ds_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        int first = 1, stocked = 0;
        for (size_t k = 0; k < n; k++) {
            stocked |= v[k].qty > 0 && strcasecmp(v[k].colour, v[i].colour) == 0;
            if (k < i && strcasecmp(v[k].colour, v[i].colour) == 0)
                first = 0;
        }
        if (!first || !stocked)
            continue;
        if (out->len)
            ds_buf_puts(out, ", ");
        if (colours && v[i].colour[0] && v[i].size[0]) {
            ds_buf_puts(out, v[i].colour);
            ds_buf_puts(out, " (");
            sizes_in_stock(v, n, v[i].colour, out);
            ds_buf_puts(out, ")");
        } else {
            sizes_in_stock(v, n, v[i].colour, out);
        }
    }
}

static int answer_for(dlg_turn *t, const store_product *p, const store_variant *v, size_t n)
{
    nlp_text *scratch = nlp_text_new();
    if (!scratch)
        return 0;
    int colours = several_colours(v, n);
    int size_named = 0, colour_named = 0;
    for (size_t i = 0; i < n; i++) {
        size_named |= says_size(t, v[i].size);
        colour_named |= colours && says_colour(t, scratch, v[i].colour);
    }
    /* "47 numara var mı" of a shoe that stops at 43: a size asked for that
     * the product does not come in */
    const char *asked = size_named ? NULL : size_number(t);
    /* a size named in a question about the product ("beyaz M ince mi,
     * gösterir mi") is not a stock question: the words of stock, or a
     * message that says little more than the variant, make one */
    int stock_asked = dlg__message_has(t, "stock_words") ||
                      dlg__message_has_stem(t, "stock_words") || nlp_text_token_count(t->msg) <= 4;
    if (!stock_asked) {
        nlp_text_free(scratch);
        return 0; /* a question about the product, not its stock: the KB's */
    }
    const store_variant *hit = NULL, *out_of = NULL;
    for (size_t i = 0; i < n && !hit && !asked; i++) {
        if ((size_named && !says_size(t, v[i].size)) ||
            (colour_named && !says_colour(t, scratch, v[i].colour)))
            continue;
        if (v[i].qty > 0 && (size_named || colour_named))
            hit = &v[i];
        else if (!out_of)
            out_of = &v[i];
    }
    nlp_text_free(scratch);
    ds_buf stocked;
    ds_buf_init(&stocked);
    list_in_stock(v, n, colours, &stocked);
    char choice[160] = "";
    if (hit || out_of)
        describe(hit ? hit : out_of, colours, choice, sizeof choice);
    else if (asked)
        snprintf(choice, sizeof choice, "%s", asked);
    t->product = p->name;
    t->in_stock = stocked.data ? stocked.data : "";
    t->choice = choice;
    const char *key;
    /* "tükendi yazıyor" of what the stock table holds: said so, not "yes"
     * against what the shopper sees */
    if (hit && dlg__message_has(t, "seen_sold_out"))
        key = "stock.in_but_seen_out";
    else if (hit)
        key = "stock.in";
    else if (asked)
        key = stocked.len ? "stock.no_such" : "stock.none";
    else if (!size_named && !colour_named)
        key = stocked.len ? "stock.list" : "stock.none";
    else if (!out_of)
        key = stocked.len ? "stock.no_such" : "stock.none";
    else
        key = stocked.len ? "stock.out" : "stock.none";
    dlg__say(t, key);
    t->product = t->in_stock = t->choice = NULL;
    ds_buf_cleanup(&stocked);
    return 1;
}

int dlg__shares_noun(const dlg_turn *t, const char *name)
{
    nlp_text *m = nlp_text_new();
    int shared = 0;
    if (m && nlp_normalise(kb_lexicon(t->kb), name, strlen(name), m, NULL) == DS_OK)
        for (size_t i = 0; i < nlp_text_token_count(m) && !shared; i++) {
            const nlp_token *w = nlp_text_token(m, i);
            shared =
                dlg__token_has_stem(t->kb, w, "product_nouns") && dlg__name_words(t, w->text) > 0;
        }
    nlp_text_free(m);
    return shared;
}

int dlg__lookup_stock(dlg_turn *t)
{
    store_product *p;
    size_t n;
    if (store_products_sold(t->env->db, &p, &n, NULL) != DS_OK)
        return 0;
    int said = 0, best = named_product(t, p, n);
    /* ("içinde kurşun var mı" asks about the product, not its stock) */
    int about_stock =
        dlg__message_has(t, "stock_only") || size_number(t) || dlg__message_has(t, "variant_words");
    /* "peki L kaldı mı" after a stock answer, "S beden stokta var mı" after
     * "çiçekli midi elbiseyi M verdim": the product talked about; not
     * "bugün tekrar gelir mi", which may be about a parcel */
    /* ("29 mu 30 mu, beden tablosu var mı" chooses a size, it asks no stock) */
    int asks_whether = dlg__message_yes_no(t) && dlg__message_has(t, "stock_words");
    for (size_t i = 0; best < 0 && about_stock && asks_whether && t->s->product[0] && i < n; i++)
        if (strcmp(p[i].name, t->s->product) == 0)
            best = (int)i;
    store_variant *v = NULL;
    size_t nv = 0;
    if (best >= 0 && store_variants_of(t->env->db, p[best].sku, &v, &nv, NULL) == DS_OK && nv)
        said = answer_for(t, &p[best], v, nv);
    if (said)
        snprintf(t->s->product, sizeof t->s->product, "%s", p[best].name);
    /* "elbisenin M bedeni var mı" with several dresses sold: which of them,
     * as buttons; "aynısının beyazı var mı, M beden" with no product named
     * or talked about: which one, not "which of these topics" */
    if (best < 0 && asks_whether && about_stock) {
        int top = 0;
        for (size_t i = 0; i < n; i++) {
            int sc = dlg__name_words(t, p[i].name);
            top = sc > top ? sc : top;
        }
        int which = 0; /* the tied products each share a noun with the message */
        for (size_t i = 0; top > 0 && i < n; i++)
            if (dlg__name_words(t, p[i].name) == top) {
                if (!dlg__shares_noun(t, p[i].name)) {
                    which = 0;
                    break;
                }
                which++;
            }
        for (size_t i = 0; which && i < n; i++)
            if (dlg__name_words(t, p[i].name) == top)
                dlg__add_quick_reply_copy(t->out, p[i].name);
        if (which) {
            dlg__say(t, "stock.which_of");
            said = 1;
        } else if (size_number(t) || dlg__message_has(t, "variant_words")) {
            dlg__say(t, "stock.which_product");
            said = 1;
        }
    }
    store_variants_free(v, nv);
    store_products_free(p, n);
    return said;
}

void dlg__remember_product(dlg_turn *t)
{
    /* only a message with a product's noun can name one: most turns ask
     * the store nothing */
    if (!t->env->db || !dlg__message_has_stem(t, "product_nouns"))
        return;
    store_product *p;
    size_t n;
    if (store_products_sold(t->env->db, &p, &n, NULL) != DS_OK)
        return;
    int best = named_product(t, p, n);
    if (best >= 0 && dlg__shares_noun(t, p[best].name))
        snprintf(t->s->product, sizeof t->s->product, "%s", p[best].name);
    store_products_free(p, n);
}
