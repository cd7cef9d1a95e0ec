/* SPDX-License-Identifier: MIT */
/* "followup": a short question about the order already verified in this
 * conversation ("ne zaman gelir", "saat kaçta", "kim teslim aldı",
 * "kuryeyi arayın", "bir istisna yapamaz mısınız") is answered from that
 * order, never as off-topic. The router starts it when such a message has no
 * better home; what it answers is chosen by the words of dialogue.json
 * (followup_branch, _again, _missed, _normal, _when, _time, _who, _courier, _exception, _refund,
 * _send) and the order's state (followup.KIND.STATE, else followup.any.STATE: a late dispatch or a
 * stuck parcel is the answer to any of them); with a return or exchange of the order on its way,
 * "nasıl göndereceğim" and "ne zaman" are about that. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const steps[] = {"offer_person", NULL};

/* The kinds of question answered by the order's state, in the order they
 * are tried: each has its words in dialogue.json as followup_KIND ("kurye
 * kaç gibi gelir" asks the time, not for the courier). */
/* ("bugün tekrar gelir mi" asks whether the courier comes again, not for
 * the tracking number again) */
static const char *const kinds[] = {"branch", "missed", "again",   "not_found", "normal",
                                    "who",    "time",   "courier", "confirm",   "when"};

const char *const dlg__followup_words[] = {
    "followup_installments", "followup_not_visible", "followup_refund_how",
    "followup_again",        "followup_branch",      "followup_missed",
    "followup_normal",       "followup_courier",     "followup_who",
    "followup_time",         "followup_when",        "followup_exception",
    "followup_refund",       "followup_send",        "followup_confirm",
    "followup_window",       "followup_changed",     NULL,
};

/* The state group a message of followup.<kind>.<group> is written for. */
static const char *group_of(const dlg_turn *t)
{
    const store_order *o = t->order;
    if (dlg__is_unshipped(o))
        return dlg__dispatch_late(t, o) ? "late" : "unshipped";
    if (strcmp(o->status, "shipped") == 0)
        return dlg__stuck(t, o) ? "stuck" : "shipped";
    if (strcmp(o->status, "out_for_delivery") == 0 || strcmp(o->status, "delivered") == 0)
        return o->status;
    return "closed"; /* cancelled, returned */
}

/* "kuryeden teslim almasam olur mu", "gelince beden olmazsa değiştirebilir
 * miyim": a rule of the shop the KB answers in a part it names (of a
 * candidate with no dialogue, or the answer related to one). 1 when said. */
static int policy_part(dlg_turn *t)
{
    const match_result *res = t->env->res;
    for (size_t i = 0; i < match_result_candidate_count(res) && i < 3; i++) {
        size_t in = match_result_candidate(res, i)->intent;
        const kb_intent *ki = kb_intent_at(t->kb, in);
        int pick = -1;
        if (!ki->flow && dlg__topics(t, in))
            pick = (int)in;
        for (size_t k = 0; pick < 0 && ki->flow && k < ki->related_count; k++) {
            int r = kb_intent_find(t->kb, ki->related[k]);
            if (r >= 0 && !kb_intent_at(t->kb, (size_t)r)->flow && dlg__topics(t, (size_t)r))
                pick = r;
        }
        if (pick >= 0) {
            dlg__say_intent(t, (size_t)pick);
            t->out->intent = kb_intent_at(t->kb, (size_t)pick)->id;
            return 1;
        }
    }
    return 0;
}

/* Nothing the order's facts answer: a rule of the shop the KB has, else a
 * question is told so honestly, with a person on offer; "hmm peki" is
 * left open. */
static void unknown(dlg_turn *t)
{
    if (dlg__message_asks(t) && policy_part(t))
        return;
    dlg__say(t, dlg__message_asks(t) ? "followup.unknown" : "followup.unclear");
}

static void say_for(dlg_turn *t, const char *kind)
{
    char key[64];
    const char *group = group_of(t);
    snprintf(key, sizeof key, "followup.%s.%s", kind, group);
    if (!kb_message_get(t->kb, key)) /* what is true of the state whatever was asked */
        snprintf(key, sizeof key, "followup.any.%s", group);
    if (kb_message_get(t->kb, key))
        dlg__say(t, key);
    else if (t->intent >= 0 && !t->clarify && !kb_intent_at(t->kb, (size_t)t->intent)->flow)
        dlg__say_intent(t, (size_t)t->intent); /* "kaçta arayabilirim" of a delivered order */
    else
        unknown(t);
    if (strcmp(group, "stuck") == 0) /* still nobody knows where it is: people */
        dlg__hand_off(t, "urgent", "kargo_hareketsiz");
}

/* A size or colour of the shop's lists in the message ("44 istiyorum",
 * "laciverti olsun"). */
static int names_variant(const dlg_turn *t)
{
    static const char *const lists[] = {"exchange.sizes", "exchange.colours"};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < kb_shop_list_count(t->kb, lists[l]); i++) {
            const char *v = kb_shop_list_string(t->kb, lists[l], i, NULL);
            if (v && v[0] && dlg__name_words(t, v) > 0)
                return 1;
            for (size_t k = 0; v && k < nlp_text_token_count(t->msg); k++) {
                const nlp_token *tok = nlp_text_token(t->msg, k);
                if (tok->len == strlen(v) && strncasecmp(tok->text, v, tok->len) == 0)
                    return 1;
            }
        }
    return 0;
}

/* A return or exchange of the order still on its way to the shop: how to
 * send it, when the new item comes. 1 when said. */
static int about_return(dlg_turn *t, int unplaced)
{
    int send = dlg__message_has(t, "followup_send"), when = dlg__message_has(t, "followup_when");
    int fee = dlg__message_has_stem(t, "fee_words"); /* "kargo ücretini kim ödüyor" */
    store_return *r;
    size_t n;
    if ((!send && !when && !fee && !unplaced) ||
        store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK)
        return 0;
    const store_return *open = NULL, *open_case = NULL;
    for (size_t i = n; i-- > 0 && !open;) {
        int is_case = strcmp(r[i].kind, "case") == 0;
        if (!is_case &&
            (strcmp(r[i].state, "requested") == 0 || strcmp(r[i].state, "in_transit") == 0))
            open = &r[i];
        if (is_case && !open_case && strcmp(r[i].state, "open") == 0)
            open_case = &r[i];
    }
    /* "kargo ücretini ben ödemem umarım, kusurlu ürün": the case's */
    if (!open && open_case && fee) {
        dlg__say(t, "followup.fee.case");
        store_returns_free(r, n);
        return 1;
    }
    const char *key = NULL;
    /* "pardon, 44 istiyorum" while the exchange waits: the exchange takes it */
    int change = open && strcmp(open->kind, "exchange") == 0 &&
                 strcmp(open->state, "requested") == 0 && names_variant(t);
    if (change)
        dlg__start(t, "exchange");
    else if (open && send && strcmp(open->state, "requested") == 0)
        key = "followup.send.return";
    else if (open && fee && strcmp(open->state, "requested") == 0)
        key = kb_shop_true(t->kb, "returns.free_return_shipping") ? "followup.fee.return"
                                                                  : "followup.fee.return_paid";
    else if (open && when && strcmp(open->kind, "exchange") == 0)
        key = "followup.when.exchange";
    else if (open) /* where it stands ("L olsun" once the exchange is made) */
        key = dlg__return_state_key(t, open);
    if (key) {
        t->ret = open;
        dlg__say(t, key);
        t->ret = NULL;
    }
    store_returns_free(r, n);
    return key != NULL || change;
}

/* "değişti mi, kontrol eder misiniz" after an address change was asked
 * for this order: where that stands. 1 when said. */
static int about_change(dlg_turn *t)
{
    if (!dlg__message_has(t, "followup_changed") || !dlg__request_made(t, "address_change"))
        return 0;
    dlg__say(t, dlg__is_unshipped(t->order) ? "followup.changed.address"
                                            : "followup.changed.address_late");
    return 1;
}

/* A return of the order whose money was already sent back, or NULL; *r and
 * *n are the caller's to free. */
static const store_return *refunded(dlg_turn *t, store_return **r, size_t *n)
{
    *r = NULL;
    *n = 0;
    if (store_returns_list(t->env->db, t->order->id, r, n, NULL) != DS_OK)
        return NULL;
    for (size_t i = *n; i-- > 0;)
        if (strcmp((*r)[i].state, "refunded") == 0)
            return &(*r)[i];
    return NULL;
}

/* Money questions the order and the shop's policy answer: how a refund of
 * an instalment purchase comes back, and a refund sent but not yet seen on
 * the card ("kartımda göremiyorum", "bankayı mı arayayım"). 1 when said. */
static int about_money(dlg_turn *t)
{
    int instalments = dlg__message_has(t, "followup_installments");
    int unseen = dlg__message_has(t, "followup_not_visible");
    if (!instalments && !unseen)
        return 0;
    store_return *r;
    size_t n;
    const store_return *paid = refunded(t, &r, &n);
    int said = 0;
    /* a refund's instalments: of a refund paid, or asked about one ("iade
     * olursa taksitler ne olur"); else the purchase's own */
    if (instalments && (paid || dlg__message_has_stem(t, "refund_words"))) {
        dlg__say_refund_instalments(t);
        said = 1;
    } else if (instalments && t->order->payment_method &&
               strcmp(t->order->payment_method, "card") == 0) {
        /* "ilk taksit ne zaman çekilir", "taksiti 3'e düşürebilir miyim":
         * how a card's instalments run, and that changing them is the bank's */
        dlg__say(t, t->order->installments > 1 ? "followup.installments.plan"
                                               : "followup.installments.plan_single");
        said = 1;
    } else if (unseen && paid) {
        t->ret = paid;
        dlg__say(t, "followup.not_visible.refunded");
        t->ret = NULL;
        said = 1;
    } else if (unseen && (dlg__message_has_stem(t, "money_words") ||
                          dlg__message_has_stem(t, "money_places"))) {
        dlg__start(t, "return_status"); /* no refund sent: where the returns stand */
        said = 1;
    }
    store_returns_free(r, n);
    return said;
}

static void act(dlg_turn *t)
{
    /* "krem alerji yaptı, yüzümü kızarttı": the shopper's health, for
     * people, before any question about the order */
    if (dlg__message_has_stem(t, "health")) {
        dlg__start(t, "case");
        return;
    }
    /* "para ne zaman kartıma yatar" of a cancelled order: its refund */
    if (strcmp(t->order->status, "cancelled") == 0 && dlg__message_has_stem(t, "money_words")) {
        const char *m = t->order->payment_method ? t->order->payment_method : "card";
        char key[64];
        snprintf(key, sizeof key, "followup.refund_cancelled.%s", m);
        dlg__say(t, kb_message_get(t->kb, key) ? key : "followup.refund_cancelled.card");
        return;
    }
    if (about_money(t) || about_change(t))
        return;
    /* "iptal edersem para hemen kartıma döner mi" of an order not shipped */
    if (t->conditional && dlg__is_unshipped(t->order) &&
        dlg__message_has(t, "conditional_change") &&
        (dlg__message_has_stem(t, "money_words") || dlg__message_has_stem(t, "cash_words"))) {
        const char *m = t->order->payment_method ? t->order->payment_method : "card";
        char key[64];
        snprintf(key, sizeof key, "followup.refund_if_cancelled.%s", m);
        dlg__say(t, kb_message_get(t->kb, key) ? key : "followup.refund_if_cancelled.card");
        return;
    }
    /* "iptal edersem eşarp da iptal olur mu": a cancellation takes the
     * whole order; one item of several is for people */
    if (t->conditional && dlg__is_unshipped(t->order) && t->order->item_count > 1 &&
        dlg__message_has(t, "conditional_change") && dlg__message_has(t, "cancel_all_asks")) {
        dlg__say(t, "followup.cancel_takes_all");
        return;
    }
    /* "komşulara sordum, kimse almamış" of a parcel shown delivered: the
     * parcel is missing, which is the not-received case, not a question */
    if (strcmp(t->order->status, "delivered") == 0 && dlg__message_has(t, "parcel_missing") &&
        !dlg__message_has_stem(t, "money_words")) {
        dlg__start(t, "tracking");
        return;
    }
    /* "iade sürem ne zaman başlıyor": the order's return window, not when
     * money comes */
    if (dlg__message_has(t, "followup_window")) {
        dlg__say(t, t->order->delivered_at ? "followup.window.delivered" : "followup.window.any");
        return;
    }
    /* "kargo ücretini ben mi ödeyeceğim" with a return or a case under
     * way: its shipping, before any word of money */
    if (dlg__message_has_stem(t, "fee_words") && about_return(t, 0))
        return;
    /* "parayı kim nasıl alacak": where the money goes, whoever it names */
    if (dlg__message_has(t, "followup_refund_how") ||
        (dlg__message_has_stem(t, "cash_words") && dlg__message_has(t, "refund_how_asks"))) {
        dlg__say_refund_how(t);
        return;
    }
    if (dlg__message_has(t, "followup_refund")) {
        dlg__start(t, "return_status");
        return;
    }
    if (about_return(t, 0))
        return;
    /* "para kaç günde yatar": when the money comes, not the parcel */
    if (dlg__message_has_stem(t, "money_words") &&
        (dlg__message_has(t, "followup_when") || dlg__message_has(t, "followup_time"))) {
        dlg__start(t, "return_status");
        return;
    }
    if (dlg__message_has(t, "followup_exception")) {
        /* a person decides exceptions: offer one, hand off on yes; with
         * one called already, its variant says they will see this */
        dlg__say(t, "followup.exception");
        dlg_people p = dlg__people(t);
        if (p == DLG_PEOPLE_FREE || p == DLG_PEOPLE_AWAY)
            dlg__wait(t, "offer_person");
        return;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        char list[32];
        snprintf(list, sizeof list, "followup_%s", kinds[i]);
        /* "kargo ücretini kim ödüyor" asks about a fee, not who signed */
        if (strcmp(kinds[i], "who") == 0 && dlg__message_has_stem(t, "fee_words"))
            continue;
        if (dlg__message_has(t, list)) {
            say_for(t, kinds[i]);
            return;
        }
    }
    if (!about_return(t, 1))
        unknown(t);
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    return dlg__answer_offer(t, "istisna_talebi");
}

static const char *const says[] = {
    "followup.when.unshipped",
    "followup.when.shipped",
    "followup.when.stuck",
    "followup.when.out_for_delivery",
    "followup.when.delivered",
    "followup.time.shipped",
    "followup.time.out_for_delivery",
    "followup.who.delivered",
    "followup.courier.shipped",
    "followup.courier.out_for_delivery",
    "followup.courier.delivered",
    "followup.exception",
    "followup.unknown",
    "followup.unclear",
    "followup.again.shipped",
    "followup.again.out_for_delivery",
    "followup.again.delivered",
    "followup.again.stuck",
    "followup.not_found.shipped",
    "followup.not_found.out_for_delivery",
    "followup.missed.out_for_delivery",
    "followup.missed.shipped",
    "followup.branch.out_for_delivery",
    "followup.branch.shipped",
    "followup.normal.unshipped",
    "followup.normal.shipped",
    "followup.refund_how.card",
    "followup.refund_cancelled.card",
    "followup.refund_cancelled.cash_on_delivery",
    "followup.refund_how.cash_on_delivery",
    "followup.refund_how.bank_transfer",
    "followup.again.unshipped",
    "assistant.connecting",
    "assistant.declined",
    "followup.send.return",
    "followup.fee.return",
    "followup.fee.return_paid",
    "followup.fee.case",
    "followup.changed.address",
    "followup.changed.address_late",
    "followup.window.delivered",
    "followup.window.any",
    "followup.refund_if_cancelled.card",
    "followup.cancel_takes_all",
    "followup.refund_if_cancelled.cash_on_delivery",
    "followup.refund_if_cancelled.bank_transfer",
    "followup.when.exchange",
    "followup.installments.card",
    "followup.installments.single",
    "followup.installments.plan",
    "followup.installments.plan_single",
    "followup.installments.cash_on_delivery",
    "followup.installments.bank_transfer",
    "followup.not_visible.refunded",
    "return_status.requested",
    "return_status.in_transit",
    "exchange_status.requested",
    NULL,
};

const dlg_flow dlg_flow_followup = {
    .name = "followup",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_INTERNAL | DLG_FLOW_FOLLOWUP,
    .steps = steps,
    .says = says,
    .act = act,
    .answer = answer,
};
