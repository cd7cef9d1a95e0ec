/* SPDX-License-Identifier: MIT */
/* Choosing an item of the verified order: by its full name (a quick reply),
 * its number in the list, or "hepsi"; and the chosen items as the JSON a
 * return record keeps. */
#include "dlg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ds_json.h"

int dlg__same_words(const dlg_turn *t, const char *text)
{
    nlp_text *nt = nlp_text_new();
    int same = 0;
    if (nt && nlp_normalise(kb_lexicon(t->kb), text, strlen(text), nt, NULL) == DS_OK)
        same = strcmp(nlp_text_skeleton(nt), nlp_text_skeleton(t->msg)) == 0;
    nlp_text_free(nt);
    return same;
}

/* The shortest stem two words may share and still be one word with
 * different suffixes ("krem" of "Yüz Kremi"). */
#define SHARED_STEM_MIN 4

/* 1 when token tok is the word w, inflected or not: "gomlegi" is "gomlek"
 * (its k softened before a vowel), "ayakkabiyi" is "ayakkabi"; and "krem"
 * or "kremi" is the "kremi" of a compound name ("Nemlendirici Yüz Kremi"),
 * both a stem of 4+ letters with suffixes. */
static int is_word(const nlp_lexicon *lx, const char *tok, size_t tl, const char *w, size_t wl)
{
    static const char hard[] = "kpt", soft[] = "gbd";
    if (tl >= wl && memcmp(tok, w, wl) == 0)
        return nlp_lexicon_is_suffix_chain(lx, tok + wl, tl - wl);
    const char *h = wl > 2 ? strchr(hard, w[wl - 1]) : NULL;
    if (h && tl > wl && memcmp(tok, w, wl - 1) == 0 && tok[wl - 1] == soft[h - hard] &&
        nlp_lexicon_is_suffix_chain(lx, tok + wl, tl - wl))
        return 1;
    for (size_t n = (tl < wl ? tl : wl); n >= SHARED_STEM_MIN; n--)
        if (memcmp(tok, w, n) == 0 && nlp_lexicon_is_suffix_chain(lx, w + n, wl - n) &&
            nlp_lexicon_is_suffix_chain(lx, tok + n, tl - n))
            return 1;
    return 0;
}

/* How many words of text (skeleton words of 3+ letters) the message m has,
 * each counted once. */
static int words_in(const dlg_turn *t, nlp_text *scratch, const char *text, const nlp_text *m)
{
    const nlp_lexicon *lx = kb_lexicon(t->kb);
    if (!text || nlp_normalise(lx, text, strlen(text), scratch, NULL) != DS_OK)
        return 0;
    int n = 0;
    for (size_t i = 0; i < nlp_text_token_count(scratch); i++) {
        const nlp_token *w = nlp_text_token(scratch, i);
        if (w->len < 3 || w->kind != NLP_TOK_WORD)
            continue;
        for (size_t k = 0; k < nlp_text_token_count(m); k++) {
            const nlp_token *tok = nlp_text_token(m, k);
            if (is_word(lx, tok->text, tok->len, w->text, w->len)) {
                n++;
                break;
            }
        }
    }
    return n;
}

/* The one item the words of m name best: its name's words count twice, its
 * category's once ("ayakkabıyı" is the sneaker). DLG_ITEM_NONE when none or
 * a tie. */
static int item_by_words(const dlg_turn *t, const nlp_text *m)
{
    const store_order *o = t->order;
    nlp_text *scratch = nlp_text_new();
    int best = DLG_ITEM_NONE, best_score = 0, tie = 0;
    for (size_t i = 0; scratch && i < o->item_count; i++) {
        int score = 2 * words_in(t, scratch, o->items[i].name, m) +
                    words_in(t, scratch, o->items[i].category, m);
        if (score > best_score) {
            best = (int)i, best_score = score, tie = 0;
        } else if (score && score == best_score) {
            tie = 1;
        }
    }
    nlp_text_free(scratch);
    return tie ? DLG_ITEM_NONE : best;
}

int dlg__text_names_item(const dlg_turn *t, const char *text, int item)
{
    if (!text || !text[0] || item < 0 || (size_t)item >= t->order->item_count)
        return 0;
    nlp_text *m = nlp_text_new(), *scratch = nlp_text_new();
    int named = m && scratch &&
                nlp_normalise(kb_lexicon(t->kb), text, strlen(text), m, NULL) == DS_OK &&
                words_in(t, scratch, t->order->items[item].name, m) > 0;
    nlp_text_free(m);
    nlp_text_free(scratch);
    return named;
}

int dlg__name_words(const dlg_turn *t, const char *name)
{
    nlp_text *scratch = nlp_text_new();
    int n = scratch ? words_in(t, scratch, name, t->msg) : 0;
    nlp_text_free(scratch);
    return n;
}

int dlg__items_named(const dlg_turn *t, const char *text)
{
    nlp_text *m = nlp_text_new(), *scratch = nlp_text_new();
    int n = 0;
    if (m && scratch && text && text[0] &&
        nlp_normalise(kb_lexicon(t->kb), text, strlen(text), m, NULL) == DS_OK)
        for (size_t i = 0; i < t->order->item_count; i++)
            n += words_in(t, scratch, t->order->items[i].name, m) > 0;
    nlp_text_free(m);
    nlp_text_free(scratch);
    return n;
}

/* The item text names once the parts that keep an item are left out
 * ("pantolonu iade etmek istiyorum, gömlek kalsın": the trousers), by
 * item_by_words; DLG_ITEM_NONE when no part keeps one (words "item_kept")
 * or the rest names none. */
static int item_past_the_kept(const dlg_turn *t, const char *text)
{
    char rest[512], cut[512];
    size_t len = 0;
    int dropped = 0;
    /* "... istiyorum ama gömlek kalsın": "ama" ends a part as a comma does */
    snprintf(cut, sizeof cut, "%s", text);
    for (char *a = strstr(cut, " ama "); a; a = strstr(a + 1, " ama "))
        a[1] = ',', a[2] = ' ', a[3] = ' ';
    nlp_text *part = nlp_text_new();
    for (const char *p = cut; part && *p;) {
        size_t n = strcspn(p, ",;.!?");
        if (n && nlp_normalise(kb_lexicon(t->kb), p, n, part, NULL) == DS_OK) {
            if (dlg__text_has(t->kb, part, "item_kept"))
                dropped = 1;
            else if (len + n + 2 < sizeof rest) {
                memcpy(rest + len, p, n);
                len += n;
                rest[len++] = ' ';
            }
        }
        p += n + (p[n] != '\0');
    }
    int item = DLG_ITEM_NONE;
    if (part && dropped && len && nlp_normalise(kb_lexicon(t->kb), rest, len, part, NULL) == DS_OK)
        item = item_by_words(t, part);
    nlp_text_free(part);
    return item;
}

/* "ilki", "ikincisi", "sonuncusu" (dialogue.json words item_1 ... item_last). */
static int item_by_ordinal(const dlg_turn *t)
{
    static const char *const lists[] = {"item_1", "item_2", "item_3", "item_4"};
    size_t n = t->order->item_count;
    if (dlg__message_has(t, "item_last"))
        return (int)n - 1;
    for (size_t i = 0; i < sizeof lists / sizeof *lists && i < n; i++)
        if (dlg__message_has(t, lists[i]))
            return (int)i;
    return DLG_ITEM_NONE;
}

int dlg__item_from_message(const dlg_turn *t)
{
    const store_order *o = t->order;
    if (o->item_count == 1)
        return 0;
    for (size_t i = 0; i < o->item_count; i++)
        if (dlg__same_words(t, o->items[i].name))
            return (int)i;
    if (dlg__message_is(t, "all_items", 0))
        return DLG_ITEM_ALL;
    const nlp_text *nt = t->msg;
    if (nlp_text_token_count(nt) == 1 && nlp_text_token(nt, 0)->kind == NLP_TOK_NUMBER) {
        int n = atoi(nlp_text_token(nt, 0)->text);
        if (n >= 1 && (size_t)n <= o->item_count)
            return n - 1;
    }
    int by = item_by_ordinal(t);
    if (by == DLG_ITEM_NONE)
        by = item_by_words(t, nt);
    if (by == DLG_ITEM_NONE && t->text)
        by = item_past_the_kept(t, t->text);
    /* "ikisinin de yenisini istiyorum": every item, in a longer message too */
    if (by == DLG_ITEM_NONE && dlg__message_has(t, "all_items"))
        return DLG_ITEM_ALL;
    return by;
}

int dlg__item_in_text(const dlg_turn *t, const char *text)
{
    if (t->order->item_count == 1)
        return 0;
    nlp_text *m = nlp_text_new();
    int item = DLG_ITEM_NONE;
    if (m && text && text[0] &&
        nlp_normalise(kb_lexicon(t->kb), text, strlen(text), m, NULL) == DS_OK)
        item = item_by_words(t, m);
    nlp_text_free(m);
    if (item == DLG_ITEM_NONE && text)
        item = item_past_the_kept(t, text);
    return item;
}

/* Some item of the order is named by m's words (two may be: "kemer yok,
 * sadece gömlek çıktı"). */
static int any_item_named(const dlg_turn *t, const nlp_text *m)
{
    nlp_text *scratch = nlp_text_new();
    int any = 0;
    for (size_t i = 0; scratch && !any && i < t->order->item_count; i++)
        any = words_in(t, scratch, t->order->items[i].name, m) > 0;
    nlp_text_free(scratch);
    return any;
}

/* The message names a product (dialogue.json words product_nouns) that no
 * item of the order is. */
static int names_other_product(const dlg_turn *t)
{
    if (!dlg__message_has_stem(t, "product_nouns"))
        return 0;
    return item_by_words(t, t->msg) == DLG_ITEM_NONE && !any_item_named(t, t->msg);
}

int dlg__answer_item(dlg_turn *t, int *item, const char *step)
{
    int got = dlg__item_from_message(t);
    if (got != DLG_ITEM_NONE) {
        *item = got;
        return 2;
    }
    /* another request, said clearly, is the router's: a question in
     * between, "vazgeçtim", a switch to another topic */
    const dlg_flow *f = t->asked;
    double sure = t->out->confidence;
    if (dlg__message_is(t, "abandon", 0) ||
        (f && f != t->flow && (!(f->flags & DLG_FLOW_AFTER_SALES) || sure >= 0.75)) ||
        (!f && t->intent >= 0 && sure >= 0.6 && !t->clarify))
        return 0;
    dlg__say(t, names_other_product(t) ? "items.not_in_order" : "items.ask_again");
    for (size_t i = 0; i < t->order->item_count; i++)
        dlg__add_quick_reply_copy(t->out, t->order->items[i].name);
    dlg__wait(t, step);
    return 1;
}

static int text_names_other_product(const dlg_turn *t, const char *text)
{
    nlp_text *m = text && text[0] ? nlp_text_new() : NULL;
    int other = m && nlp_normalise(kb_lexicon(t->kb), text, strlen(text), m, NULL) == DS_OK &&
                dlg__text_has_stem(t->kb, m, "product_nouns") &&
                item_by_words(t, m) == DLG_ITEM_NONE && !any_item_named(t, m);
    nlp_text_free(m);
    return other;
}

void dlg__ask_item(dlg_turn *t, const char *key, const char *step, const char *said)
{
    dlg__say(t, text_names_other_product(t, said) ? "items.not_in_order" : key);
    for (size_t i = 0; i < t->order->item_count; i++)
        dlg__add_quick_reply_copy(t->out, t->order->items[i].name);
    dlg__wait(t, step);
}

const store_item *dlg__item(const dlg_turn *t, int item)
{
    if (!t->order || !t->order->item_count)
        return NULL;
    if (item == DLG_ITEM_ALL)
        return &t->order->items[0];
    return item >= 0 && (size_t)item < t->order->item_count ? &t->order->items[item] : NULL;
}

char *dlg__items_json(const dlg_turn *t, int item)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_array(&w);
    for (size_t i = 0; i < t->order->item_count; i++) {
        if (item != DLG_ITEM_ALL && (int)i != item)
            continue;
        const store_item *it = &t->order->items[i];
        ds_json_object(&w);
        ds_json_pair(&w, "sku", it->sku);
        ds_json_pair(&w, "name", it->name);
        ds_json_key(&w, "qty");
        ds_json_int(&w, it->qty);
        ds_json_end(&w);
    }
    ds_json_end(&w);
    return ds_buf_take(&b);
}

int dlg__category_in(const dlg_turn *t, const char *list, const store_item *it)
{
    char path[64];
    snprintf(path, sizeof path, "returns.%s", list);
    return it && it->category && kb_shop_list_has(t->kb, path, it->category);
}
