/* SPDX-License-Identifier: MIT */
/* "return": a return by the shop's policy (shop.json: window, categories
 * that cannot go back or only sealed, reasons always accepted, refund
 * times), after the identity check; which item and why, then a return code
 * and instructions, or a refusal that says why and what else is possible.
 * Every request, accepted or refused, is recorded for the shop's team. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

typedef struct return_slots {
    int item;        /* DLG_ITEM_NONE, DLG_ITEM_ALL or an index */
    char reason[16]; /* a returns.reasons id, "" none */
    int opened;      /* cosmetics: -1 unknown, 0 sealed, 1 opened */
    char said[160];  /* the first message ("rujun rengini beğenmedim"): it may name the item */
} return_slots;
DLG_SLOTS_FIT(return_slots);

static const dlg_slot_def slots[] = {
    DLG_INT_SLOT(return_slots, item, DLG_ITEM_NONE, DLG_ITEM_ALL, 1000),
    DLG_STR_SLOT(return_slots, reason),
    DLG_INT_SLOT(return_slots, opened, -1, -1, 1),
    DLG_STR_SLOT(return_slots, said),
};

static const char *const steps[] = {"item", "reason", "opened", NULL};

/* The chosen item, or with "all" any item of the order, is in list. */
static int chosen_in(const dlg_turn *t, const char *list)
{
    const return_slots *sl = t->slots;
    if (sl->item != DLG_ITEM_ALL)
        return dlg__category_in(t, list, dlg__item(t, sl->item));
    for (size_t i = 0; i < t->order->item_count; i++)
        if (dlg__category_in(t, list, &t->order->items[i]))
            return 1;
    return 0;
}

static int always_accepted(const dlg_turn *t)
{
    const return_slots *sl = t->slots;
    return kb_shop_list_has(t->kb, "returns.always_accepted_reasons", sl->reason);
}

/* A reason id from the message (reasons.c). 1 when found. */
static int reason_from_message(dlg_turn *t)
{
    return_slots *sl = t->slots;
    return dlg__reason_of_message(t, sl->reason, sizeof sl->reason);
}

/* Asks for the reason with the reasons as quick replies; key NULL: the
 * question itself. */
static void ask_reason_as(dlg_turn *t, const char *key)
{
    /* past the window, the shopper hears so before the question: only a
     * fault of the item or the shop's can still be returned */
    long long window = kb_shop_int(t->kb, "returns.window_days", 14);
    if (!key)
        key = t->days_since > window ? "return.ask_reason_late" : "return.ask_reason";
    dlg__say(t, key);
    size_t n = kb_shop_list_count(t->kb, "returns.reasons");
    for (size_t i = 0; i < n; i++) {
        const char *label = kb_shop_list_string(t->kb, "returns.reasons", i, "label");
        if (label)
            dlg__add_quick_reply(t->out, label);
    }
    dlg__wait(t, "reason");
}

static void ask_reason(dlg_turn *t)
{
    ask_reason_as(t, NULL);
}

static void refuse(dlg_turn *t, const char *key)
{
    const return_slots *sl = t->slots;
    char code[16], details[96];
    snprintf(details, sizeof details, "{\"refused\":\"%s\"}", key + strlen("return.rejected_"));
    dlg__record(t, "return", "rejected", 0, sl->reason, "normal", details, code);
    dlg__say(t, key);
    if (chosen_in(t, "warranty_categories"))
        dlg__say(t, "return.warranty_hint");
    dlg__end(t);
}

static void act(dlg_turn *t)
{
    return_slots *sl = t->slots;
    if (!dlg__delivered(t, "return"))
        return;
    /* "krem alerji yaptı, iade edebilir miyim": the shopper's health
     * first, for people, whatever the return rules say */
    if (dlg__message_has_stem(t, "health")) {
        dlg__start(t, "case");
        dlg__end(t);
        return;
    }
    if (sl->item == DLG_ITEM_NONE)
        sl->item = dlg__item_from_message(t);
    if (sl->item == DLG_ITEM_NONE)
        sl->item = dlg__item_in_text(t, sl->said);
    if (sl->item == DLG_ITEM_NONE && t->first && t->s->done_item >= 0)
        sl->item = t->s->done_item; /* just given a code here: that one */
    t->item = sl->item;
    if (sl->item == DLG_ITEM_NONE) {
        dlg__ask_item(t, "return.ask_item", "item", sl->said);
        return;
    }
    if (dlg__under_way(t, sl->item))
        return;
    if (!sl->reason[0] && !reason_from_message(t)) {
        ask_reason(t);
        return;
    }
    long long window = kb_shop_int(t->kb, "returns.window_days", 14);
    if (!always_accepted(t)) {
        if (t->days_since > window) {
            refuse(t, "return.rejected_window");
            return;
        }
        if (chosen_in(t, "non_returnable_categories")) {
            refuse(t, "return.rejected_category");
            return;
        }
        if (chosen_in(t, "unopened_only_categories")) {
            if (sl->opened < 0) {
                dlg__say(t, "return.ask_opened");
                dlg__wait(t, "opened");
                return;
            }
            if (sl->opened) {
                refuse(t, "return.rejected_opened");
                return;
            }
        }
    }
    char code[16];
    if (dlg__record(t, "return", "requested", 1, sl->reason, "normal", NULL, code) != DS_OK) {
        dlg__say(t, "no_store");
    } else {
        t->code = code;
        dlg__say(t, always_accepted(t) ? "return.accepted_fault" : "return.accepted");
        t->code = NULL;
    }
    dlg__end(t);
}

/* "tişört küçük geldi iade etmek istiyorum": the reason is already there,
 * and so may be the state of the item ("kapağını bile açmadım"). */
static void start(dlg_turn *t)
{
    return_slots *sl = t->slots;
    /* ("dikişleri söküldü" said before the return was asked for) */
    if (!reason_from_message(t) && t->s->reason[0])
        snprintf(sl->reason, sizeof sl->reason, "%s", t->s->reason);
    t->s->reason[0] = '\0'; /* one return's: not the next item's */
    int opened = dlg__message_has(t, "opened"), sealed = dlg__message_has(t, "sealed");
    if (opened != sealed)
        sl->opened = opened;
    dlg__keep_text(t, sl->said, sizeof sl->said);
}

static int answer(dlg_turn *t, const char *step)
{
    return_slots *sl = t->slots;
    if (!dlg__verified_order(t))
        return 1;
    /* "param ne zaman yatar" while the return is being made: about this
     * return, answered, and the question asked again (not another order's
     * refund records) */
    int how = dlg__message_has(t, "followup_refund_how");
    /* "6 taksit yapmıştım, parası taksitlere mi bölünür" */
    int instalments = dlg__message_has(t, "followup_installments");
    if (how || instalments ||
        (dlg__message_asks(t) && dlg__message_has(t, "followup_refund") &&
         !dlg__message_has(t, "not_received"))) {
        char key[32];
        snprintf(key, sizeof key, "resume.%s", step);
        if (instalments)
            dlg__say_refund_instalments(t);
        else if (how)
            dlg__say_refund_how(t);
        else
            dlg__say(t, "return.refund_info");
        dlg__say(t, key);
        for (size_t i = 0; strcmp(step, "item") == 0 && i < t->order->item_count; i++)
            dlg__add_quick_reply_copy(t->out, t->order->items[i].name);
        dlg__wait(t, step);
        t->answered_aside = 1; /* a question answered: not the step asked in vain */
        return 1;
    }
    if (strcmp(step, "item") == 0) {
        int r = dlg__answer_item(t, &sl->item, "item");
        if (r < 2) {
            if (r == 1) /* "beden olmadı" before the item: the reason is taken */
                reason_from_message(t);
            return r;
        }
    } else if (strcmp(step, "reason") == 0) {
        /* "bir istisna yapamaz mısınız" past the window: people decide
         * exceptions, said so, with a person on offer */
        int given = reason_from_message(t);
        if (!given && dlg__message_has(t, "followup_exception")) {
            dlg__say(t, "return.exception");
            dlg__end(t);
            return 1;
        }
        /* "kutusu duruyor, bir kere denedim": the state of the item, told
         * before it was asked, is kept; a message the step cannot use is
         * asked again with how to answer, not read as another request */
        int opened = dlg__message_has(t, "opened"), sealed = dlg__message_has(t, "sealed");
        if (!given && opened != sealed) {
            sl->opened = opened;
            dlg__say(t, "condition.noted");
            ask_reason(t);
            t->answered_aside = 1; /* something learnt: not the step asked in vain */
            return 1;
        }
        if (!given && (t->intent < 0 || t->clarify)) {
            ask_reason_as(t, "return.reason_hint");
            return 1;
        }
        if (!given)
            return 0;
    } else {
        /* "bir kere sürdüm", "jelatini üstünde": the answer in other words */
        int opened = dlg__message_is(t, "yes", 1) || dlg__message_has(t, "opened"),
            sealed = dlg__message_is(t, "no", 1) || dlg__message_has(t, "sealed");
        if (opened != sealed) {
            sl->opened = opened;
        } else if (t->intent < 0 || t->clarify || t->asked == t->flow) {
            dlg__say(t, "return.opened_hint"); /* asked again, with how to answer */
            dlg__wait(t, "opened");
            return 1;
        } else {
            return 0;
        }
    }
    act(t);
    return 1;
}

static const char *const says[] = {
    "return.not_yet",
    "return.not_yet.shipped",
    "return.not_yet.out_for_delivery",
    "return.already_returned",
    "return.ask_item",
    "followup.installments.card",
    "followup.installments.single",
    "return.ask_reason",
    "condition.noted",
    "return.reason_hint",
    "return.ask_opened",
    "return.accepted",
    "return.accepted_fault",
    "return.rejected_window",
    "return.rejected_category",
    "return.ask_reason_late",
    "return.exception",
    "return.rejected_opened",
    "return.warranty_hint",
    "items.ask_again",
    "items.not_in_order",
    "return.under_way",
    "case.under_way",
    "return_status.requested",
    "return.opened_hint",
    "return.refund_info",
    "followup.refund_how.card",
    "followup.refund_how.cash_on_delivery",
    "followup.refund_how.bank_transfer",
    "resume.item",
    "resume.reason",
    "resume.opened",
    NULL,
};

const dlg_flow dlg_flow_return = {
    .name = "return",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_AFTER_SALES,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(return_slots),
    .start = start,
    .act = act,
    .answer = answer,
};
