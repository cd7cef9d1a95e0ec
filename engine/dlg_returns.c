/* SPDX-License-Identifier: MIT */
/* Returns, exchanges, after-sales cases and complaints, after the identity
 * check of the order dialogues. The shop's policy (window, categories,
 * reasons that are always accepted, refund times, sizes) is read from
 * shop.json, so changing the policy file changes the behaviour; every
 * request, accepted or refused, is recorded for the shop's team. */
#include "dlg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tpl.h"

#define DAY_S 86400LL

static const nlp_text *msg(const dlg_turn *t)
{
    return t->env->scratch;
}

static const store_item *chosen(const dlg_turn *t);

/* ---- policy ------------------------------------------------------------ */

static int category_in(const dlg_turn *t, const char *list, const store_item *it)
{
    char path[64];
    snprintf(path, sizeof path, "returns.%s", list);
    return it && it->category && kb_shop_list_has(t->kb, path, it->category);
}

/* The chosen item, or with "all" any item of the order, is in list. */
static int chosen_in(const dlg_turn *t, const char *list)
{
    if (t->s->item != -2)
        return category_in(t, list, chosen(t));
    for (size_t i = 0; i < t->order->item_count; i++)
        if (category_in(t, list, &t->order->items[i]))
            return 1;
    return 0;
}

static int reason_always_accepted(const dlg_turn *t)
{
    return kb_shop_list_has(t->kb, "returns.always_accepted_reasons", t->s->reason);
}

/* ---- choosing an item -------------------------------------------------- */

static const store_item *chosen(const dlg_turn *t)
{
    int i = t->s->item;
    if (!t->order || i < 0 || (size_t)i >= t->order->item_count)
        return t->order && t->s->item == -2 && t->order->item_count ? &t->order->items[0] : NULL;
    return &t->order->items[i];
}

/* Folds an item name the way messages are folded, for comparison. */
static int same_words(const dlg_turn *t, const char *name)
{
    nlp_text *nt = nlp_text_new();
    int same = 0;
    if (nt && nlp_normalise(kb_lexicon(t->kb), name, strlen(name), nt, NULL) == DS_OK)
        same = strcmp(nlp_text_skeleton(nt), nlp_text_skeleton(msg(t))) == 0;
    nlp_text_free(nt);
    return same;
}

/* The item the message names: its full name (a quick reply), its number in
 * the list, or "hepsi". -1 when none. */
static int item_from_message(const dlg_turn *t)
{
    const store_order *o = t->order;
    if (o->item_count == 1)
        return 0;
    for (size_t i = 0; i < o->item_count; i++)
        if (same_words(t, o->items[i].name))
            return (int)i;
    if (dlg__message_is(t, "all_items", 0))
        return -2;
    const nlp_text *nt = msg(t);
    if (nlp_text_token_count(nt) == 1 && nlp_text_token(nt, 0)->kind == NLP_TOK_NUMBER) {
        int n = atoi(nlp_text_token(nt, 0)->text);
        if (n >= 1 && (size_t)n <= o->item_count)
            return n - 1;
    }
    return -1;
}

static void ask_item(dlg_turn *t, const char *key)
{
    dlg__say(t, key);
    for (size_t i = 0; i < t->order->item_count; i++)
        dlg__add_quick_reply_copy(t->out, t->order->items[i].name);
    t->s->await = DLG_AWAIT_ITEM;
}

/* ---- reasons ----------------------------------------------------------- */

/* A reason id from the message: a quick reply's label, or its words
 * (dialogue.json "reason_<id>"). 1 when found. */
static int reason_from_message(dlg_turn *t)
{
    size_t n = kb_shop_list_count(t->kb, "returns.reasons");
    for (size_t i = 0; i < n; i++) {
        const char *id = kb_shop_list_string(t->kb, "returns.reasons", i, "id");
        const char *label = kb_shop_list_string(t->kb, "returns.reasons", i, "label");
        char list[48];
        if (!id)
            continue;
        snprintf(list, sizeof list, "reason_%s", id);
        if ((label && same_words(t, label)) || dlg__message_has(t, list)) {
            snprintf(t->s->reason, sizeof t->s->reason, "%s", id);
            return 1;
        }
    }
    return 0;
}

static void ask_reason(dlg_turn *t)
{
    dlg__say(t, "return.ask_reason");
    size_t n = kb_shop_list_count(t->kb, "returns.reasons");
    for (size_t i = 0; i < n; i++) {
        const char *label = kb_shop_list_string(t->kb, "returns.reasons", i, "label");
        if (label)
            dlg__add_quick_reply(t->out, label);
    }
    t->s->await = DLG_AWAIT_REASON;
}

/* ---- recording --------------------------------------------------------- */

static char *items_json(const dlg_turn *t)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_buf_puts(&b, "[");
    int all = t->s->item == -2;
    size_t n = 0;
    for (size_t i = 0; i < t->order->item_count; i++) {
        if (!all && (int)i != t->s->item)
            continue;
        const store_item *it = &t->order->items[i];
        char *name = NULL;
        json_t *j = json_pack("{s:s,s:s,s:i}", "sku", it->sku, "name", it->name, "qty", it->qty);
        if (j)
            name = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (name) {
            ds_buf_puts(&b, n++ ? "," : "");
            ds_buf_puts(&b, name);
        }
        ds_free(name);
    }
    ds_buf_puts(&b, "]");
    return ds_buf_take(&b);
}

/* A short code the shopper can read out: prefix + 6 characters without
 * look-alikes (no 0/O, 1/I). */
static void make_code(const dlg_turn *t, unsigned salt, char out[16])
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const char *prefix = kb_shop_string(t->kb, "returns.code_prefix");
    unsigned long long h = 1469598103934665603ULL ^ (unsigned long long)t->env->now ^ salt;
    const char *parts[] = {t->order ? t->order->id : "", t->s->id};
    for (size_t p = 0; p < 2; p++)
        for (const char *c = parts[p]; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    h ^= (unsigned long long)t->s->turn << 32;
    char tail[7];
    for (int i = 0; i < 6; i++) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        tail[i] = alphabet[(h >> 59) & 31];
    }
    tail[6] = '\0';
    snprintf(out, 16, "%s%s", prefix ? prefix : "R", tail);
}

/* Records a request; codes are unique in the store, so a clash retries. */
ds_status dlg__record(dlg_turn *t, const char *kind, const char *state, int with_code,
                      const char *priority, const char *details, char code[16])
{
    char now[48];
    dlg__now_iso(t->env, now);
    char *items = t->order ? items_json(t) : ds_strdup("[]");
    ds_status st = DS_EDB;
    for (unsigned attempt = 0; attempt < 4 && st != DS_OK; attempt++) {
        if (with_code)
            make_code(t, attempt, code);
        st =
            store_return_add(t->env->db, kind, t->order ? t->order->id : NULL, items,
                             t->s->reason[0] ? t->s->reason : t->s->case_kind, state,
                             with_code ? code : NULL, priority, details, now, &t->request_id, NULL);
    }
    ds_free(items);
    return st;
}

/* ---- returns ----------------------------------------------------------- */

static int delivered(dlg_turn *t, const char *not_yet_key)
{
    const store_order *o = t->order;
    if (strcmp(o->status, "delivered") == 0 && o->delivered_at) {
        long long at = dlg__epoch(t->kb, o->delivered_at);
        t->days_since = at > 0 ? ((long long)t->env->now - at) / DAY_S : 0;
        return 1;
    }
    dlg__say(t, strcmp(o->status, "returned") == 0 ? "return.already_returned" : not_yet_key);
    dlg__end_flow(t->s);
    return 0;
}

static void refuse(dlg_turn *t, const char *key)
{
    char code[16];
    const char *why = key + strlen("return.rejected_");
    char details[96];
    snprintf(details, sizeof details, "{\"refused\":\"%s\"}", why);
    dlg__record(t, "return", "rejected", 0, "normal", details, code);
    dlg__say(t, key);
    if (chosen_in(t, "warranty_categories"))
        dlg__say(t, "return.warranty_hint");
    dlg__end_flow(t->s);
}

static void act_return(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (!delivered(t, "return.not_yet"))
        return;
    if (s->item == -1)
        s->item = item_from_message(t);
    if (s->item == -1) {
        ask_item(t, "return.ask_item");
        return;
    }
    if (!s->reason[0] && !reason_from_message(t)) {
        ask_reason(t);
        return;
    }
    long long window = kb_shop_int(t->kb, "returns.window_days", 14);
    if (!reason_always_accepted(t)) {
        if (t->days_since > window) {
            refuse(t, "return.rejected_window");
            return;
        }
        if (chosen_in(t, "non_returnable_categories")) {
            refuse(t, "return.rejected_category");
            return;
        }
        if (chosen_in(t, "unopened_only_categories")) {
            if (s->opened < 0) {
                dlg__say(t, "return.ask_opened");
                s->await = DLG_AWAIT_OPENED;
                return;
            }
            if (s->opened) {
                refuse(t, "return.rejected_opened");
                return;
            }
        }
    }
    char code[16];
    if (dlg__record(t, "return", "requested", 1, "normal", NULL, code) != DS_OK) {
        dlg__say(t, "no_store");
        dlg__end_flow(s);
        return;
    }
    t->code = code;
    dlg__say(t, reason_always_accepted(t) ? "return.accepted_fault" : "return.accepted");
    dlg__end_flow(s);
}

/* ---- return status ----------------------------------------------------- */

static void act_return_status(dlg_turn *t)
{
    store_return *r;
    size_t n;
    if (store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK) {
        dlg__say(t, "no_store");
        dlg__end_flow(t->s);
        return;
    }
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(r[i].kind, "case") == 0)
            continue;
        char key[48];
        snprintf(key, sizeof key, "return_status.%s", r[i].state);
        t->ret = &r[i];
        dlg__say(t, kb_message_get(t->kb, key) ? key : "return_status.requested");
        shown++;
    }
    t->ret = NULL;
    if (!shown)
        dlg__say(t, "return_status.none");
    store_returns_free(r, n);
    dlg__end_flow(t->s);
}

/* ---- exchanges --------------------------------------------------------- */

static void act_exchange(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (!delivered(t, "return.not_yet"))
        return;
    if (s->item == -1 || s->item == -2)
        s->item = item_from_message(t);
    if (s->item < 0) {
        ask_item(t, "exchange.ask_item");
        return;
    }
    const store_item *it = chosen(t);
    if (t->days_since > kb_shop_int(t->kb, "returns.window_days", 14)) {
        dlg__say(t, "exchange.rejected_window");
        dlg__end_flow(s);
        return;
    }
    if (category_in(t, "non_returnable_categories", it)) {
        dlg__say(t, "return.rejected_category");
        dlg__end_flow(s);
        return;
    }
    dlg__exchange_choose(t, it);
}

/* ---- damaged, missing or wrong items, defects --------------------------- */

static const char *case_kind_of(const dlg_turn *t)
{
    const char *id =
        t->s->flow_intent >= 0 ? kb_intent_at(t->kb, (size_t)t->s->flow_intent)->id : "";
    if (strcmp(id, "hasarli_urun") == 0)
        return "hasarli";
    if (strcmp(id, "eksik_yanlis_urun") == 0)
        return "eksik_yanlis";
    return "ariza";
}

static void record_case(dlg_turn *t, const char *description)
{
    dlg_session *s = t->s;
    /* the shop is at fault for damaged, missing and wrong items */
    const char *priority = strcmp(s->case_kind, "ariza") == 0 ? "normal" : "urgent";
    json_t *d = json_pack("{s:s}", "description", description);
    char *details = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    char code[16];
    s->reason[0] = '\0';
    if (dlg__record(t, "case", "open", 0, priority, details, code) != DS_OK) {
        ds_free(details);
        dlg__say(t, "no_store");
        dlg__end_flow(s);
        return;
    }
    ds_free(details);
    dlg__hand_off(t, priority, s->case_kind);
    char key[48];
    if (strcmp(s->case_kind, "sikayet") == 0)
        snprintf(key, sizeof key, "complaint.done");
    else
        snprintf(key, sizeof key, "case.done.%s", priority);
    dlg__say(t, key);
    dlg__end_flow(s);
}

static void act_case(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (!s->case_kind[0]) {
        snprintf(s->case_kind, sizeof s->case_kind, "%s", case_kind_of(t));
        char key[48];
        snprintf(key, sizeof key, "case.sorry.%s", s->case_kind);
        dlg__say(t, key);
    }
    if (s->item == -1)
        s->item = item_from_message(t);
    if (s->item == -1) {
        ask_item(t, "case.ask_item");
        return;
    }
    dlg__say(t, "case.ask_description");
    s->await = DLG_AWAIT_DESCRIPTION;
}

void dlg__returns_start(dlg_turn *t)
{
    /* "tişört küçük geldi iade etmek istiyorum": the reason is already there */
    if (t->s->flow == DLG_FLOW_RETURN)
        reason_from_message(t);
    /* "kazağın rengini beje değiştirmek istiyorum": the colour too */
    if (t->s->flow == DLG_FLOW_EXCHANGE)
        dlg__exchange_wanted(t, NULL);
}

void dlg__returns_act(dlg_turn *t)
{
    switch (t->s->flow) {
    case DLG_FLOW_RETURN: act_return(t); break;
    case DLG_FLOW_RETURN_STATUS: act_return_status(t); break;
    case DLG_FLOW_EXCHANGE: act_exchange(t); break;
    case DLG_FLOW_CASE: act_case(t); break;
    default: break;
    }
}

/* ---- complaints -------------------------------------------------------- */

void dlg__complaint_step(dlg_turn *t, int first)
{
    dlg_session *s = t->s;
    /* listen first: a bare "şikayet etmek istiyorum" gets room to explain */
    if (first && nlp_text_token_count(msg(t)) < 6) {
        dlg__say(t, "complaint.listen");
        s->await = DLG_AWAIT_COMPLAINT;
        return;
    }
    snprintf(s->case_kind, sizeof s->case_kind, "sikayet");
    store_order *keep = t->order;
    if (s->verified[0] && !t->order)
        store_order_get(t->env->db, s->verified, &t->order, NULL);
    record_case(t, t->text ? t->text : "");
    if (t->order != keep) {
        store_order_free(t->order);
        t->order = keep;
    }
}

/* ---- answers to the flows' questions ------------------------------------ */

int dlg__returns_await(dlg_turn *t, int intent)
{
    dlg_session *s = t->s;
    (void)intent;
    if (s->await == DLG_AWAIT_COMPLAINT) {
        t->out->intent = "sikayet";
        dlg__complaint_step(t, 0);
        return 1;
    }
    if (!dlg__verified_order(t, 0))
        return 1;
    t->out->intent = kb_intent_at(t->kb, (size_t)s->flow_intent)->id;
    switch (s->await) {
    case DLG_AWAIT_ITEM:
        s->item = item_from_message(t);
        if (s->item == -1)
            return 0; /* not an item: maybe a new question */
        break;
    case DLG_AWAIT_REASON:
        if (!reason_from_message(t))
            return 0;
        break;
    case DLG_AWAIT_OPENED:
        if (dlg__message_is(t, "yes", 1) || dlg__message_is(t, "opened", 1))
            s->opened = 1;
        else if (dlg__message_is(t, "no", 1) || dlg__message_is(t, "sealed", 1))
            s->opened = 0;
        else
            return 0;
        break;
    case DLG_AWAIT_SIZE:
        if (!dlg__exchange_wanted(t, chosen(t)))
            return 0;
        break;
    case DLG_AWAIT_DESCRIPTION:
        s->await = DLG_AWAIT_NONE;
        record_case(t, t->text ? t->text : "");
        return 1;
    default: return 0;
    }
    s->await = DLG_AWAIT_NONE;
    dlg__returns_act(t);
    return 1;
}
