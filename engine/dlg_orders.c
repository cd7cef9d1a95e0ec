/* SPDX-License-Identifier: MIT */
/* The order dialogues: status, cargo tracking, cancellation and address
 * change. Order details are shown only for an order verified in this
 * conversation (its number plus its e-mail or the last four digits of its
 * phone); an unknown number and a wrong proof get the same answer, and three
 * failures lock that order for the conversation. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Days without a cargo movement after which a parcel counts as stuck. */
#define DLG_STUCK_AFTER_S (3 * 86400LL)

static const struct {
    const char *intent;
    dlg_flow flow;
} flows[] = {
    {"siparis_durumu", DLG_FLOW_STATUS},   {"kargo_takip", DLG_FLOW_TRACKING},
    {"siparis_iptal", DLG_FLOW_CANCEL},    {"adres_degisikligi", DLG_FLOW_ADDRESS},
    {"iade_talebi", DLG_FLOW_RETURN},      {"iade_durumu", DLG_FLOW_RETURN_STATUS},
    {"degisim_talebi", DLG_FLOW_EXCHANGE}, {"hasarli_urun", DLG_FLOW_CASE},
    {"eksik_yanlis_urun", DLG_FLOW_CASE},  {"arizali_urun", DLG_FLOW_CASE},
    {"sikayet", DLG_FLOW_COMPLAINT},
};

static dlg_flow flow_of(const kb_base *kb, int intent)
{
    if (intent < 0)
        return DLG_FLOW_NONE;
    const char *id = kb_intent_at(kb, (size_t)intent)->id;
    for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++)
        if (strcmp(flows[i].intent, id) == 0)
            return flows[i].flow;
    return DLG_FLOW_NONE;
}

void dlg__end_flow(dlg_session *s)
{
    s->flow = DLG_FLOW_NONE;
    s->await = DLG_AWAIT_NONE;
    s->not_received = 0;
    s->item = -1;
    s->reason[0] = s->size[0] = s->colour[0] = s->case_kind[0] = '\0';
    s->opened = -1;
}

static const nlp_text *msg(const dlg_turn *t)
{
    return t->env->scratch;
}

/* The whole message is one of the words of list ("vazgeçtim"); with
 * leading, also a short answer that starts with one ("evet lütfen"). */
int dlg__message_is(const dlg_turn *t, const char *list, int leading)
{
    const nlp_text *nt = msg(t);
    if (kb_words_has(t->kb, list, nlp_text_skeleton(nt)))
        return 1;
    return leading && nlp_text_token_count(nt) > 0 && nlp_text_token_count(nt) <= 4 &&
           kb_words_has(t->kb, list, nlp_text_token(nt, 0)->text);
}

/* Some run of 1-3 tokens of the message is in list. */
int dlg__message_has(const dlg_turn *t, const char *list)
{
    const nlp_text *nt = msg(t);
    size_t n = nlp_text_token_count(nt);
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t k = i; k < n && k < i + 3; k++) {
            const nlp_token *tok = nlp_text_token(nt, k);
            if (len + tok->len + 2 > sizeof buf)
                break;
            if (k > i)
                buf[len++] = ' ';
            memcpy(buf + len, tok->text, tok->len);
            len += tok->len;
            buf[len] = '\0';
            if (kb_words_has(t->kb, list, buf))
                return 1;
        }
    }
    return 0;
}

void dlg__now_iso(const dlg_env *env, char buf[48])
{
    clock_iso(kb_zone(match_engine_kb(env->me)), (long long)env->now, buf);
}

/* Records that people must take over, and says so in the reply. */
void dlg__hand_off(dlg_turn *t, const char *priority, const char *reason)
{
    dlg__want_people(t, priority, reason);
    if (!t->env->db)
        return;
    char now[48], details[256];
    dlg__now_iso(t->env, now);
    snprintf(details, sizeof details, "{\"reason\":\"%s\",\"conversation\":\"%s\"}", reason,
             t->s->id);
    store_request_add(t->env->db, "handoff", t->s->order_no[0] ? t->s->order_no : NULL, priority,
                      details, now, NULL, NULL);
}

static int is_unshipped(const store_order *o)
{
    return strcmp(o->status, "received") == 0 || strcmp(o->status, "preparing") == 0;
}

/* Not shipped, and the promised dispatch day has passed in the shop's time. */
static int dispatch_late(const dlg_turn *t, const store_order *o)
{
    char day[11];
    long long midnight;
    if (!is_unshipped(o) || dlg__dispatch_by(t->kb, o->created_at, day) != 0 ||
        clock_parse(kb_zone(t->kb), day, &midnight) != 0)
        return 0;
    return (long long)t->env->now >= midnight + 86400; /* the day is over in the shop */
}

static int stuck(const dlg_turn *t, const store_order *o)
{
    if (strcmp(o->status, "shipped") != 0)
        return 0;
    const char *last = o->event_count ? o->events[o->event_count - 1].at : o->shipped_at;
    long long at = dlg__epoch(t->kb, last);
    return at > 0 && (long long)t->env->now - at > DLG_STUCK_AFTER_S;
}

static void act_status(dlg_turn *t, const store_order *o)
{
    if (dispatch_late(t, o)) {
        dlg__say(t, "status.late");
        dlg__hand_off(t, "urgent", "gonderim_gecikmesi");
        return;
    }
    char key[48];
    snprintf(key, sizeof key, "status.%s", o->status);
    dlg__say(t, key);
}

static void act_tracking(dlg_turn *t, const store_order *o)
{
    const char *st = o->status;
    if (strcmp(st, "delivered") == 0) {
        if (t->s->not_received) {
            dlg__say(t, "tracking.not_received");
            dlg__hand_off(t, "urgent", "teslim_edildi_ulasmadi");
        } else {
            dlg__say(t, "tracking.delivered");
        }
    } else if (strcmp(st, "shipped") == 0) {
        if (stuck(t, o)) {
            dlg__say(t, "tracking.stuck");
            dlg__hand_off(t, "urgent", "kargo_hareketsiz");
        } else {
            dlg__say(t, "tracking.shipped");
        }
    } else if (strcmp(st, "out_for_delivery") == 0) {
        dlg__say(t, "tracking.out_for_delivery");
    } else if (is_unshipped(o)) {
        if (dispatch_late(t, o)) {
            dlg__say(t, "status.late");
            dlg__hand_off(t, "urgent", "gonderim_gecikmesi");
        } else {
            dlg__say(t, "tracking.not_shipped");
        }
    } else {
        act_status(t, o); /* cancelled, returned */
    }
}

static void act_cancel(dlg_turn *t, const store_order *o)
{
    if (is_unshipped(o)) {
        dlg__say(t, "cancel.confirm");
        t->s->await = DLG_AWAIT_CANCEL_CONFIRM;
        return;
    }
    if (strcmp(o->status, "cancelled") == 0)
        dlg__say(t, "cancel.already");
    else if (strcmp(o->status, "shipped") == 0 || strcmp(o->status, "out_for_delivery") == 0)
        dlg__say(t, "cancel.shipped");
    else
        dlg__say(t, "cancel.delivered");
}

static void act_address(dlg_turn *t, const store_order *o)
{
    if (is_unshipped(o)) {
        dlg__say(t, "address.ask");
        t->s->await = DLG_AWAIT_ADDRESS;
    } else if (strcmp(o->status, "cancelled") == 0 || strcmp(o->status, "returned") == 0) {
        act_status(t, o);
    } else {
        dlg__say(t, "address.too_late");
    }
}

/* Shows what the flow is about, for the verified order already loaded. */
static void act(dlg_turn *t)
{
    dlg_session *s = t->s;
    s->await = DLG_AWAIT_NONE;
    switch (s->flow) {
    case DLG_FLOW_STATUS: act_status(t, t->order); break;
    case DLG_FLOW_TRACKING: act_tracking(t, t->order); break;
    case DLG_FLOW_CANCEL: act_cancel(t, t->order); break;
    case DLG_FLOW_ADDRESS: act_address(t, t->order); break;
    case DLG_FLOW_RETURN:
    case DLG_FLOW_RETURN_STATUS:
    case DLG_FLOW_EXCHANGE:
    case DLG_FLOW_CASE: dlg__returns_act(t); break;
    case DLG_FLOW_COMPLAINT:
    case DLG_FLOW_OFFLINE:
    case DLG_FLOW_NONE: break;
    }
    if (s->await == DLG_AWAIT_NONE)
        dlg__end_flow(s);
}

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

static int proof_matches(const dlg_session *s, const store_order *o)
{
    if (s->email[0] && o->customer_email && strcasecmp(s->email, o->customer_email) == 0)
        return 1;
    if (s->last4[0] && o->customer_phone) {
        size_t n = strlen(o->customer_phone);
        return n >= 4 && strcmp(o->customer_phone + n - 4, s->last4) == 0;
    }
    return 0;
}

/* Loads the order of the slots when it is (or now gets) verified. Returns 1
 * with t->order set, 0 when the turn's reply has been said instead. */
int dlg__verified_order(dlg_turn *t, int first)
{
    dlg_session *s = t->s;
    if (t->order && s->verified[0] && strcmp(t->order->id, s->verified) == 0 &&
        strcmp(s->order_no, s->verified) == 0)
        return 1; /* already loaded this turn */
    store_order_free(t->order);
    t->order = NULL;
    if (!s->order_no[0]) {
        if (first && s->flow_intent >= 0 &&
            kb_intent_at(t->kb, (size_t)s->flow_intent)->answer_count) {
            /* the intent's own answer explains what comes next */
            ds_buf *b = &t->out->text;
            const kb_intent *in = kb_intent_at(t->kb, (size_t)s->flow_intent);
            kb_render_answer(t->kb, in, s->turn, b, NULL);
            for (size_t i = 0; i < in->quick_reply_count; i++)
                dlg__add_quick_reply(t->out, in->quick_replies[i]);
        } else {
            dlg__say(t, "ask_order_no");
        }
        s->await = DLG_AWAIT_ORDER;
        return 0;
    }
    dlg_check *c = check_of(s, s->order_no);
    if (strcmp(s->verified, s->order_no) != 0 && c->fails >= DLG_MAX_IDENTITY_FAILS) {
        dlg__say(t, "identity_locked");
        dlg__hand_off(t, "normal", "dogrulama_basarisiz");
        dlg__end_flow(s);
        return 0;
    }
    if (strcmp(s->verified, s->order_no) != 0 && !s->email[0] && !s->last4[0] && s->customer[0]) {
        /* signed in on the shop's site: their own orders are theirs to see */
        if (store_order_get(t->env->db, s->order_no, &t->order, NULL) == DS_OK &&
            t->order->customer_email && strcasecmp(t->order->customer_email, s->customer) == 0) {
            snprintf(s->verified, sizeof s->verified, "%s", s->order_no);
            return 1;
        }
        store_order_free(t->order);
        t->order = NULL;
    }
    if (strcmp(s->verified, s->order_no) != 0 && !s->email[0] && !s->last4[0]) {
        dlg__say(t, "ask_identity");
        s->await = DLG_AWAIT_IDENTITY;
        return 0;
    }
    ds_status st = store_order_get(t->env->db, s->order_no, &t->order, NULL);
    if (st != DS_OK && st != DS_ENOTFOUND) {
        dlg__say(t, "no_store");
        dlg__end_flow(s);
        return 0;
    }
    if (strcmp(s->verified, s->order_no) == 0 && st == DS_OK)
        return 1;
    if (st == DS_OK && proof_matches(s, t->order)) {
        snprintf(s->verified, sizeof s->verified, "%s", s->order_no);
        c->fails = 0;
        return 1;
    }
    /* the same answer whether the order exists or not */
    store_order_free(t->order);
    t->order = NULL;
    s->email[0] = s->last4[0] = '\0';
    if (++c->fails >= DLG_MAX_IDENTITY_FAILS) {
        dlg__say(t, "identity_locked");
        dlg__hand_off(t, "normal", "dogrulama_basarisiz");
        dlg__end_flow(s);
    } else {
        dlg__say(t, "identity_failed");
        s->await = DLG_AWAIT_IDENTITY;
    }
    return 0;
}

static void step(dlg_turn *t, int first)
{
    if (!t->env->db) {
        dlg__say(t, "no_store");
        dlg__end_flow(t->s);
        return;
    }
    if (t->s->flow == DLG_FLOW_COMPLAINT) {
        dlg__complaint_step(t, first);
        return;
    }
    if (dlg__verified_order(t, first))
        act(t);
}

static void confirm_cancel(dlg_turn *t)
{
    dlg_session *s = t->s;
    char now[48], actor[96];
    dlg__now_iso(t->env, now);
    snprintf(actor, sizeof actor, "shopper:%s", s->id);
    ds_status st = store_order_cancel(t->env->db, s->verified, actor, "müşteri sohbette iptal etti",
                                      now, NULL);
    if (st == DS_OK) {
        dlg__say(t, "cancel.done");
        dlg__end_flow(s);
        return;
    }
    /* shipped in the meantime, or the store failed: explain from fresh data */
    s->await = DLG_AWAIT_NONE;
    if (store_order_get(t->env->db, s->verified, &t->order, NULL) == DS_OK)
        act(t);
    else
        dlg__say(t, "no_store");
    dlg__end_flow(s);
}

int dlg__order_turn(dlg_turn *t, int intent, int clarify, int got_slot)
{
    dlg_session *s = t->s;
    const kb_base *kb = t->kb;
    dlg_flow asked = clarify ? DLG_FLOW_NONE : flow_of(kb, intent);
    if (s->flow == DLG_FLOW_OFFLINE) {
        if (dlg__message_is(t, "abandon", 0)) {
            t->out->intent = "canli_destek";
            dlg__say(t, "abandoned");
            dlg__end_flow(s);
            return 1;
        }
        if (dlg__offline_await(t))
            return 1;
    }
    if (s->flow != DLG_FLOW_NONE) {
        if (s->await == DLG_AWAIT_CANCEL_CONFIRM) {
            if (dlg__message_is(t, "yes", 1)) {
                t->out->intent = "siparis_iptal";
                confirm_cancel(t);
                return 1;
            }
            if (dlg__message_is(t, "no", 1)) {
                t->out->intent = "siparis_iptal";
                dlg__say(t, "cancel.kept");
                dlg__end_flow(s);
                return 1;
            }
        }
        if (s->await >= DLG_AWAIT_ITEM && s->await <= DLG_AWAIT_COMPLAINT &&
            dlg__returns_await(t, intent))
            return 1;
        /* "vazgeçtim" alone may classify as a cancellation: it still ends
         * the dialogue in progress */
        if (dlg__message_is(t, "abandon", 0) && (asked == DLG_FLOW_NONE || asked == s->flow)) {
            t->out->intent = kb_intent_at(kb, (size_t)s->flow_intent)->id;
            dlg__say(t, "abandoned");
            dlg__end_flow(s);
            return 1;
        }
        /* an address mentions "mahalle", "cadde", "adres": it is the answer
         * unless it asks for another order dialogue */
        if (s->await == DLG_AWAIT_ADDRESS &&
            (asked == DLG_FLOW_NONE || asked == DLG_FLOW_ADDRESS) &&
            (intent < 0 || asked == DLG_FLOW_ADDRESS || nlp_text_token_count(msg(t)) >= 4)) {
            t->out->intent = "adres_degisikligi";
            if (nlp_text_token_count(msg(t)) < 3) {
                dlg__say(t, "address.unusable");
                return 1;
            }
            char now[48];
            dlg__now_iso(t->env, now);
            ds_buf details;
            ds_buf_init(&details);
            /* the address as typed, JSON-escaped by hand: quotes and backslashes */
            ds_buf_puts(&details, "{\"text\":\"");
            for (const char *p = t->text; *p; p++) {
                if (*p == '"' || *p == '\\')
                    ds_buf_append(&details, "\\", 1);
                if ((unsigned char)*p >= 0x20)
                    ds_buf_append(&details, p, 1);
            }
            ds_buf_puts(&details, "\"}");
            store_request_add(t->env->db, "address_change", s->verified, "normal", details.data,
                              now, NULL, NULL);
            ds_buf_cleanup(&details);
            dlg__say(t, "address.done");
            dlg__end_flow(s);
            return 1;
        }
        if (s->await == DLG_AWAIT_ORDER && !got_slot && dlg__message_has(t, "dont_know_order")) {
            t->out->intent = kb_intent_at(kb, (size_t)s->flow_intent)->id;
            dlg__say(t, "order_no_help");
            return 1;
        }
    }
    if (asked != DLG_FLOW_NONE) {
        if (asked != s->flow) {
            dlg__end_flow(s); /* a new request starts clean; the order's slots stay */
        }
        int fresh = asked != s->flow;
        s->flow = asked;
        s->flow_intent = intent;
        s->not_received |= dlg__message_has(t, "not_received");
        if (fresh)
            dlg__returns_start(t);
        t->out->intent = kb_intent_at(kb, (size_t)intent)->id;
        step(t, 1);
        return 1;
    }
    if (s->flow != DLG_FLOW_NONE && (got_slot || (intent < 0 && s->await != DLG_AWAIT_NONE))) {
        s->not_received |= dlg__message_has(t, "not_received");
        t->out->intent = kb_intent_at(kb, (size_t)s->flow_intent)->id;
        step(t, 0);
        return 1;
    }
    return 0;
}
