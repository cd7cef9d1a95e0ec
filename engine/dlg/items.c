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
    return DLG_ITEM_NONE;
}

void dlg__ask_item(dlg_turn *t, const char *key, const char *step)
{
    dlg__say(t, key);
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

int dlg__answer_item(dlg_turn *t, int *item)
{
    int got = dlg__item_from_message(t);
    if (got == DLG_ITEM_NONE)
        return 0; /* not an item: maybe a new question */
    *item = got;
    return 1;
}
