/* SPDX-License-Identifier: MIT */
/* "case": a damaged, missing or wrong item, or a defect, for the shop's
 * after-sales team: which item, what happened, then a case record and
 * people (urgent when the shop is at fault). The intent says which kind
 * ("flow_params": {"kind": "hasarli"}). */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

typedef struct case_slots {
    int item;
    char kind[16];  /* hasarli, eksik_yanlis, ariza */
    char said[160]; /* the first message: it may name the item and say what happened */
} case_slots;
DLG_SLOTS_FIT(case_slots);

static const dlg_slot_def slots[] = {
    DLG_INT_SLOT(case_slots, item, DLG_ITEM_NONE, DLG_ITEM_ALL, 1000),
    DLG_STR_SLOT(case_slots, kind),
    DLG_STR_SLOT(case_slots, said),
};

static const char *const steps[] = {"item", "description", NULL};
/* A question up to this long, with no fault in its words, is not what
 * happened ("kayıt numarası ne olacak?"); a longer one may be both. */
#define CASE_QUESTION_MAX_WORDS 8
static const char *const params[] = {"kind", NULL};

static int says_health(const dlg_turn *t, const char *text);

/* the shop is at fault for damaged, missing and wrong items */
static void record(dlg_turn *t, const char *description)
{
    case_slots *sl = t->slots;
    const char *text = t->text;
    t->text = description;
    /* a fault waits its turn; the shop's mistakes and the shopper's health
     * do not */
    int normal = strcmp(sl->kind, "ariza") == 0 && !says_health(t, sl->said);
    dlg__record_case(t, sl->kind, normal ? "normal" : "urgent");
    t->text = text;
}

static void start(dlg_turn *t)
{
    case_slots *sl = t->slots;
    dlg__keep_text(t, sl->said, sizeof sl->said);
}

/* Not delivered yet: nothing can have come damaged, short or wrong, and a
 * case opened now would be for a parcel still on its way ("kutu hasarlı
 * gelirse teslim almayayım mı" asks what to do then). 1 when said. */
/* The message or the first one (text) has words of list. */
static int said(const dlg_turn *t, const char *text, const char *list)
{
    if (dlg__message_has_stem(t, list))
        return 1;
    nlp_text *m = nlp_text_new();
    int yes = m && text[0] &&
              nlp_normalise(kb_lexicon(t->kb), text, strlen(text), m, NULL) == DS_OK &&
              dlg__text_has_stem(t->kb, m, list);
    nlp_text_free(m);
    return yes;
}

static int says_arrived(const dlg_turn *t, const char *text)
{
    return said(t, text, "arrived");
}

static int says_health(const dlg_turn *t, const char *text)
{
    return said(t, text, "health");
}

static int not_yet(dlg_turn *t)
{
    case_slots *sl = t->slots;
    const char *st = t->order->status;
    /* the courier at the door is ahead of the store: "kutu ezik geldi" is
     * believed */
    if (strcmp(st, "delivered") == 0 || strcmp(st, "returned") == 0 || says_arrived(t, sl->said))
        return 0;
    const char *kind = dlg__param(t, "kind");
    char key[48];
    snprintf(key, sizeof key, "case.not_yet.%s", sl->kind[0] ? sl->kind : kind ? kind : "ariza");
    dlg__say(t, kb_message_get(t->kb, key) ? key : "case.not_yet");
    dlg__end(t);
    return 1;
}

static void act(dlg_turn *t)
{
    case_slots *sl = t->slots;
    if (not_yet(t))
        return;
    if (!sl->kind[0]) {
        const char *kind = dlg__param(t, "kind");
        snprintf(sl->kind, sizeof sl->kind, "%s", kind ? kind : "ariza");
        char key[48];
        snprintf(key, sizeof key, "case.sorry.%s", sl->kind);
        /* a reaction of the skin is the shopper's health first; once only:
         * the answer that asked for the order apologised already */
        if (t->first)
            dlg__say(t, says_health(t, sl->said) ? "case.sorry.health" : key);
    }
    int named = 0; /* the first message named the item */
    if (sl->item == DLG_ITEM_NONE)
        sl->item = dlg__item_from_message(t);
    if (sl->item == DLG_ITEM_NONE)
        named = (sl->item = dlg__item_in_text(t, sl->said)) != DLG_ITEM_NONE;
    t->item = sl->item;
    if (sl->item == DLG_ITEM_NONE) {
        dlg__ask_item(t, "case.ask_item", "item", sl->said);
        return;
    }
    /* "ayakkabının burnu çizik geldi" already says what happened, and so
     * does "kemer yok, sadece gömlek çıktı" once the belt is chosen */
    if ((named || t->order->item_count == 1 || dlg__text_names_item(t, sl->said, sl->item)) &&
        dlg__text_words(t, sl->said) >= 4) {
        record(t, sl->said);
        return;
    }
    dlg__say(t, "case.ask_description");
    dlg__wait(t, "description");
}

static int answer(dlg_turn *t, const char *step)
{
    case_slots *sl = t->slots;
    if (!dlg__verified_order(t))
        return 1;
    if (strcmp(step, "item") == 0) {
        int r = dlg__answer_item(t, &sl->item, "item");
        /* "başka marka nemlendirici gelmiş, ambalajını açmadım": the item
         * and what happened in one answer */
        if (r == 2 && nlp_text_token_count(t->msg) >= 6) {
            t->item = sl->item;
            record(t, t->text);
        } else if (r == 2) {
            act(t);
        }
        return r != 0;
    }
    /* "kayıt numaramı yazar mısınız" asked while the case waits for what
     * happened is a question, not the description: the router's */
    if (dlg__message_asks(t) && nlp_text_token_count(t->msg) <= CASE_QUESTION_MAX_WORDS &&
        !dlg__message_has(t, "reason_hasarli") && !dlg__message_has(t, "reason_kusurlu") &&
        !dlg__message_has(t, "reason_yanlis"))
        return 0;
    t->item = sl->item;
    record(t, t->text);
    return 1;
}

static const char *const says[] = {
    "case.sorry.hasarli",    "case.sorry.eksik_yanlis",
    "case.sorry.ariza",      "case.ask_item",
    "case.ask_description",  "case.done.urgent",
    "case.done.normal",      "items.ask_again",
    "items.not_in_order",    "case.not_yet",
    "case.not_yet.hasarli",  "case.sorry.health",
    "case.ask_order.health", NULL,
};

const dlg_flow dlg_flow_case = {
    .name = "case",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_AFTER_SALES | DLG_FLOW_REPORT,
    .steps = steps,
    .says = says,
    .params = params,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(case_slots),
    .start = start,
    .act = act,
    .answer = answer,
};
