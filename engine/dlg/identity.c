/* SPDX-License-Identifier: MIT */
/* The identity check every order flow shares. Order details are shown only
 * for an order verified in this conversation (its number plus its e-mail or
 * the last four digits of its phone), or the signed-in customer's own; an
 * unknown number and a wrong proof get the same answer, and three failures
 * lock that order: in the conversation, and in the store across
 * conversations for a period that doubles with each lock. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static dlg_check *check_of(dlg_session *s, const char *order)
{
    for (size_t i = 0; i < s->check_count; i++)
        if (strcmp(s->checks[i].order, order) == 0)
            return &s->checks[i];
    if (s->check_count == DLG_MAX_CHECKED_ORDERS)
        return &s->checks[DLG_MAX_CHECKED_ORDERS - 1]; /* a prober: keep counting */
    dlg_check *c = &s->checks[s->check_count++];
    snprintf(c->order, sizeof c->order, "%s", order);
    c->fails = 0;
    return c;
}

static int proof_matches(const dlg_session *s, const char *email, const char *phone)
{
    if (s->email[0] && email[0] && strcasecmp(s->email, email) == 0)
        return 1;
    if (s->last4[0]) {
        size_t n = strlen(phone);
        return n >= 4 && strcmp(phone + n - 4, s->last4) == 0;
    }
    return 0;
}

/* Nothing to check against yet: ask for the order number (or, when the
 * flow starts, let its own "FLOW.ask_order", else the intent's answer, say
 * what comes next: an intent that answers questions too has an answer for
 * those). */
static void ask_order(dlg_turn *t)
{
    int idx = t->s->flow_intent;
    int have_proof = t->s->email[0] || t->s->last4[0];
    char own[48];
    snprintf(own, sizeof own, "%s.ask_order", t->s->flow ? t->s->flow->name : "");
    /* "kremi sürünce yüzüm kızardı": "geçmiş olsun" first, if the flow has it */
    size_t n = strlen(own);
    if (dlg__message_has_stem(t, "health"))
        snprintf(own + n, sizeof own - n, ".health");
    if (t->first && !have_proof && t->s->flow && kb_message_get(t->kb, own))
        dlg__say(t, own);
    else if (t->first && idx >= 0 && kb_intent_at(t->kb, (size_t)idx)->answer_count && !have_proof)
        dlg__say_intent(t, (size_t)idx);
    else if (have_proof && t->s->step == DLG_STEP_ORDER && !t->got_slot)
        dlg__say(t, "order_no_help");    /* asked twice: where to find it, or a person */
    else if (have_proof && !t->got_slot) /* the proof came earlier: no thanks for it now */
        dlg__say(t, "ask_order_no.have_proof.earlier");
    else
        dlg__say(t, have_proof ? "ask_order_no.have_proof" : "ask_order_no");
    dlg__wait(t, DLG_STEP_ORDER);
}

/* "Selin Arslan", "adım Emre Çelik": a name given as the proof, which it
 * cannot be (anyone may know a name). Two to four words each starting with
 * a capital and no digits, or the KB's words for "my name is". */
static int gives_name(const dlg_turn *t)
{
    if (dlg__message_has(t, "name_cue"))
        return 1;
    const char *p = t->text;
    int words = 0;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const unsigned char *u = (const unsigned char *)p;
        int capital = (u[0] >= 'A' && u[0] <= 'Z') ||
                      (u[0] == 0xC3 && (u[1] == 0x87 || u[1] == 0x96 || u[1] == 0x9C)) ||
                      (u[0] == 0xC4 && (u[1] == 0x9E || u[1] == 0xB0)) ||
                      (u[0] == 0xC5 && u[1] == 0x9E);
        if (!capital)
            return 0;
        for (; *p && *p != ' ' && *p != ','; p++)
            if ((*p >= '0' && *p <= '9') || *p == '@' || *p == '?')
                return 0;
        words++;
    }
    return words >= 2 && words <= 4;
}

/* The proof, asked for: "Teşekkürler" only for the number just given;
 * after a failed check not as if nothing had happened; asked again in
 * other words, and from the third time with a person on offer, since a
 * shopper who has not given it by then may not have it. */
static void ask_identity(dlg_turn *t, const dlg_check *c)
{
    dlg_session *s = t->s;
    const char *key = "ask_identity";
    if (t->got_slot) {
        s->identity_asks = 0;
        key = c->fails             ? "identity_retry"
              : t->order_by_code   ? "ask_identity.by_code"
              : t->order_corrected ? "ask_identity.corrected"
                                   : "ask_identity";
    } else if (gives_name(t)) {
        key = "identity_name"; /* said why, not counted as a failed ask */
    } else if (++s->identity_asks == 2) {
        key = t->env->closed ? "identity_stuck.closed" : "identity_stuck";
    } else {
        key = c->fails ? "identity_retry" : "identity_again";
    }
    dlg__say(t, key);
    dlg__wait(t, DLG_STEP_IDENTITY);
}

/* Failures count per order in the store too, across conversations and
 * addresses: a new conversation buys no new guesses. */
static int locked_in_store(dlg_turn *t)
{
    long long until = 0;
    return t->env->db &&
           store_identity_status(t->env->db, t->s->order_no, (long long)t->env->now, &until,
                                 NULL) == DS_OK &&
           until > 0;
}

static int failed_in_store(dlg_turn *t)
{
    if (!t->env->db)
        return 0;
    char actor[80], now[CLOCK_ISO_LEN];
    snprintf(actor, sizeof actor, "shopper:%s", t->s->id);
    dlg__now_iso(t, now);
    long long until = 0;
    store_identity_failed(t->env->db, t->s->order_no, actor, now, (long long)t->env->now,
                          DLG_MAX_IDENTITY_FAILS, DLG_IDENTITY_LOCK_S, &until, NULL);
    return until > 0;
}

static void locked(dlg_turn *t)
{
    dlg__say(t, "identity_locked");
    dlg__hand_off(t, "normal", "dogrulama_basarisiz");
    dlg__end(t);
}

int dlg__verified_order(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (t->order && s->verified[0] && strcmp(t->order->id, s->verified) == 0 &&
        strcmp(s->order_no, s->verified) == 0)
        return 1; /* already loaded this turn */
    store_order_free(t->order);
    t->order = NULL;
    if (!s->order_no[0]) {
        ask_order(t);
        return 0;
    }
    int known = strcmp(s->verified, s->order_no) == 0;
    dlg_check *c = check_of(s, s->order_no);
    if (!known && (c->fails >= DLG_MAX_IDENTITY_FAILS || locked_in_store(t))) {
        locked(t);
        return 0;
    }
    if (!known && !s->email[0] && !s->last4[0] && s->customer[0]) {
        /* signed in on the shop's site: their own orders are theirs to see */
        if (store_order_get(t->env->db, s->order_no, &t->order, NULL) == DS_OK &&
            t->order->customer_email && strcasecmp(t->order->customer_email, s->customer) == 0) {
            snprintf(s->verified, sizeof s->verified, "%s", s->order_no);
            s->done_item = -1;
            return 1;
        }
        store_order_free(t->order);
        t->order = NULL;
    }
    if (!known && c->fails && t->first && !t->got_slot && !s->email[0] && !s->last4[0]) {
        /* a new request after a failed check starts from its own answer,
         * not from the number that did not match */
        s->order_no[0] = '\0';
        ask_order(t);
        return 0;
    }
    if (!known && !s->email[0] && !s->last4[0]) {
        ask_identity(t, c);
        return 0;
    }
    /* "4321 mi yoksa, karıştırdım" after a failed try: a guess is not a
     * proof; it counts as a try, and who may see the order is said */
    if (!known && c->fails && dlg__message_has(t, "guess_words")) {
        s->email[0] = s->last4[0] = '\0';
        if (++c->fails >= DLG_MAX_IDENTITY_FAILS) {
            locked(t);
        } else {
            dlg__say(t, "identity_guess");
            dlg__wait(t, DLG_STEP_IDENTITY);
        }
        return 0;
    }
    /* the proof is checked against the order's contact alone, so a wrong
     * one costs the same whether the order exists or not; the order itself
     * is read only for its customer */
    char email[256] = "", phone[64] = "";
    ds_status st = known ? store_order_get(t->env->db, s->order_no, &t->order, NULL)
                         : store_order_contact(t->env->db, s->order_no, email, sizeof email, phone,
                                               sizeof phone, NULL);
    if (st != DS_OK && st != DS_ENOTFOUND) {
        dlg__say(t, "no_store");
        dlg__end(t);
        return 0;
    }
    if (known && st == DS_OK)
        return 1;
    if (st == DS_OK && proof_matches(s, email, phone) &&
        store_order_get(t->env->db, s->order_no, &t->order, NULL) == DS_OK) {
        snprintf(s->verified, sizeof s->verified, "%s", s->order_no);
        s->done_item = -1; /* another order's items */
        s->identity_asks = 0;
        c->fails = 0;
        s->email[0] = s->last4[0] = '\0'; /* the proof is spent */
        store_identity_passed(t->env->db, s->order_no, NULL);
        return 1;
    }
    /* the same answer whether the order exists or not */
    store_order_free(t->order);
    t->order = NULL;
    s->email[0] = s->last4[0] = '\0';
    if (++c->fails >= DLG_MAX_IDENTITY_FAILS || failed_in_store(t)) {
        locked(t);
    } else {
        dlg__say(t, "identity_failed");
        dlg__wait(t, DLG_STEP_IDENTITY);
    }
    return 0;
}
