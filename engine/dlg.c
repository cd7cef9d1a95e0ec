/* SPDX-License-Identifier: MIT */
/* The turn: normalise, classify, fill slots, then either continue an order
 * dialogue (dlg_orders.c) or answer from the knowledge base, with a
 * clarifying question when two intents are close. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include "tpl.h"

#define HUMAN_QUICK_REPLY "Temsilciye bağlan"

dlg_session *dlg_session_new(const char *id)
{
    dlg_session *s = ds_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->clarify_a = s->clarify_b = s->flow_intent = -1;
    s->item = -1;
    s->opened = -1;
    snprintf(s->id, sizeof s->id, "%s", id ? id : "");
    return s;
}

void dlg_session_free(dlg_session *s)
{
    ds_free(s);
}

void dlg_session_set_customer(dlg_session *s, const char *customer)
{
    snprintf(s->customer, sizeof s->customer, "%s", customer ? customer : "");
}

void dlg_session_forget_kb(dlg_session *s)
{
    s->clarify_a = s->clarify_b = -1;
    if (s->flow != DLG_FLOW_NONE) {
        s->flow = DLG_FLOW_NONE;
        s->await = DLG_AWAIT_NONE;
    }
    s->flow_intent = -1;
}

const char *dlg_session_verified(const dlg_session *s)
{
    return s ? s->verified : "";
}

static int shop_only(void *ctx, const char *name, size_t len, ds_buf *out)
{
    dlg_turn *t = ctx;
    return !dlg__is_var(name, len) && kb_shop_lookup((void *)t->kb, name, len, out);
}

ds_status dlg_render(dlg_env *env, dlg_session *s, const char *tpl, ds_buf *out, ds_error *err)
{
    dlg_session *tmp = s ? NULL : dlg_session_new("render");
    dlg_reply r;
    dlg_reply_init(&r);
    dlg_turn t = {.env = env,
                  .s = s ? s : tmp,
                  .out = &r,
                  .err = err,
                  .kb = match_engine_kb(env->me),
                  .text = ""};
    if (!t.s)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    if (t.s->verified[0] && env->db)
        store_order_get(env->db, t.s->verified, &t.order, NULL);
    /* without a verified order its variables are unknown, not blank: an
     * agent must not send "numaralı siparişiniz  verildi" */
    ds_status st = tpl_render(tpl, t.order ? dlg__lookup : shop_only, &t, out, err);
    store_order_free(t.order);
    dlg_reply_cleanup(&r);
    dlg_session_free(tmp);
    return st;
}

void dlg_reply_init(dlg_reply *r)
{
    memset(r, 0, sizeof *r);
    ds_buf_init(&r->text);
}

void dlg_reply_cleanup(dlg_reply *r)
{
    ds_buf_cleanup(&r->text);
    dlg_reply_init(r);
}

void dlg__add_quick_reply(dlg_reply *r, const char *q)
{
    for (size_t i = 0; i < r->quick_reply_count; i++)
        if (strcmp(r->quick_replies[i], q) == 0)
            return;
    if (r->quick_reply_count < DLG_MAX_QUICK_REPLIES)
        r->quick_replies[r->quick_reply_count++] = q;
}

void dlg__add_quick_reply_copy(dlg_reply *r, const char *q)
{
    if (r->quick_reply_count >= DLG_MAX_QUICK_REPLIES)
        return;
    char *slot = r->qr_text[r->quick_reply_count];
    snprintf(slot, sizeof r->qr_text[0], "%s", q);
    dlg__add_quick_reply(r, slot);
}

void dlg__say(dlg_turn *t, const char *key)
{
    const kb_message *m = kb_message_get(t->kb, key);
    ds_buf *b = &t->out->text;
    if (b->len)
        ds_buf_puts(b, "\n\n");
    if (!m) { /* dlg_check_kb reports this at start-up; never leave a shopper with nothing */
        ds_buf_puts(b, "Bir sorun oluştu; sizi bir müşteri temsilcisine bağlayabilirim.");
        dlg__add_quick_reply(t->out, HUMAN_QUICK_REPLY);
        return;
    }
    tpl_render(m->texts[t->s->turn % m->text_count], dlg__lookup, t, b, NULL);
    for (size_t i = 0; i < m->quick_reply_count; i++)
        dlg__add_quick_reply(t->out, m->quick_replies[i]);
}

static ds_status answer_intent(dlg_turn *t, size_t idx)
{
    const kb_intent *in = kb_intent_at(t->kb, idx);
    t->out->intent = in->id;
    ds_buf *b = &t->out->text;
    if (b->len)
        ds_buf_puts(b, "\n\n");
    ds_status st = kb_render_answer(t->kb, in, t->s->turn, b, t->err);
    for (size_t i = 0; i < in->quick_reply_count; i++)
        dlg__add_quick_reply(t->out, in->quick_replies[i]);
    t->s->clarify_a = t->s->clarify_b = -1;
    return st;
}

/* A tap on a clarifying question's button names the intent by its title. */
static int chosen_title(const kb_base *kb, const dlg_session *s, const char *text, size_t len)
{
    int offered[2] = {s->clarify_a, s->clarify_b};
    for (size_t i = 0; i < 2; i++) {
        if (offered[i] < 0)
            continue;
        const char *title = kb_intent_at(kb, (size_t)offered[i])->title;
        if (strlen(title) == len && memcmp(title, text, len) == 0)
            return offered[i];
    }
    return -1;
}

/* The message is an order number and nothing else ("3001005", "#3001005"). */
static int only_order_no(const nlp_text *nt)
{
    if (nlp_text_token_count(nt) != 1 || nlp_text_token(nt, 0)->kind != NLP_TOK_NUMBER)
        return 0;
    for (size_t i = 0; i < nlp_text_entity_count(nt); i++)
        if (nlp_text_entity(nt, i)->kind == NLP_ENT_ORDER_NO)
            return 1;
    return 0;
}

/* Order number, e-mail and phone digits from the message into the slots.
 * Returns 1 when any slot was filled. */
static int fill_slots(dlg_session *s, const nlp_text *nt)
{
    int got = 0;
    for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
        const nlp_entity *e = nlp_text_entity(nt, i);
        size_t n = strlen(e->value);
        switch (e->kind) {
        case NLP_ENT_ORDER_NO:
            if (n < sizeof s->order_no && strcmp(s->order_no, e->value) != 0) {
                memcpy(s->order_no, e->value, n + 1);
                s->email[0] = s->last4[0] = '\0';
            }
            got = 1;
            break;
        case NLP_ENT_EMAIL:
            if (n < sizeof s->email) {
                memcpy(s->email, e->value, n + 1);
                got = 1;
            }
            break;
        case NLP_ENT_PHONE:
            memcpy(s->last4, e->value + n - 4, 5);
            got = 1;
            break;
        case NLP_ENT_NUMBER:
            /* "son 4 hanesi 4567": only when the bot asked for it */
            if (s->await == DLG_AWAIT_IDENTITY && n == 4) {
                memcpy(s->last4, e->value, 5);
                got = 1;
            }
            break;
        default: break;
        }
    }
    return got;
}

static ds_status clarify(dlg_turn *t)
{
    const match_result *res = t->env->res;
    const match_candidate *a = match_result_candidate(res, 0);
    const match_candidate *b = match_result_candidate(res, 1);
    t->out->intent = a->id;
    t->out->clarify = 1;
    ds_buf_puts(&t->out->text, "Tam emin olamadım, hangisiyle ilgili yardımcı olayım?");
    dlg__add_quick_reply(t->out, kb_intent_at(t->kb, a->intent)->title);
    dlg__add_quick_reply(t->out, kb_intent_at(t->kb, b->intent)->title);
    dlg__add_quick_reply(t->out, HUMAN_QUICK_REPLY);
    t->s->clarify_a = (int)a->intent;
    t->s->clarify_b = (int)b->intent;
    return DS_OK;
}

ds_status dlg_respond(dlg_env *env, dlg_session *s, const char *text, size_t len, dlg_reply *out,
                      ds_error *err)
{
    const kb_base *kb = match_engine_kb(env->me);
    ds_status st = nlp_normalise(kb_lexicon(kb), text, len, env->scratch, err);
    if (st != DS_OK)
        return st;
    dlg_turn t = {.env = env, .s = s, .out = out, .err = err, .kb = kb, .text = text};
    int intent = chosen_title(kb, s, text, len);
    int is_clarify = 0;
    if (intent >= 0) {
        out->confidence = 1.0;
    } else {
        if ((st = match_classify(env->me, env->scratch, env->res)) != DS_OK)
            return ds_fail(err, st, "cannot classify");
        out->confidence = match_result_confidence(env->res);
        is_clarify = match_result_clarify(env->res);
        intent = match_result_is_fallback(env->res) ? -1 : match_result_intent_index(env->res);
    }
    int got_slot = fill_slots(s, env->scratch);
    /* a bare order number outside any dialogue: the shopper wants to know
     * about that order, so its status (after the identity check) */
    if (intent < 0 && !is_clarify && s->flow == DLG_FLOW_NONE && only_order_no(env->scratch))
        intent = kb_intent_find(kb, "siparis_durumu");
    s->turn++;
    if (dlg__order_turn(&t, intent, is_clarify, got_slot)) {
        store_order_free(t.order);
        out->verified = s->verified[0] != '\0';
        return out->text.failed ? ds_fail(err, DS_ENOMEM, "out of memory") : DS_OK;
    }
    /* two unsure answers in a row: people, not a third guess */
    s->unsure = (is_clarify || intent < 0) ? s->unsure + 1 : 0;
    if (is_clarify) {
        st = clarify(&t);
        if (s->unsure >= 2)
            dlg__want_people(&t, "normal", "anlasilamadi");
    } else if (intent >= 0) {
        const char *id = kb_intent_at(kb, (size_t)intent)->id;
        int to_people = strcmp(id, "canli_destek") == 0;
        /* after hours "I'll connect you" would be untrue: the offline
         * request says who is away and until when */
        if (to_people && env->closed)
            out->intent = id;
        else
            st = answer_intent(&t, (size_t)intent);
        if (to_people)
            dlg__want_people(&t, "normal", "istek");
        else if (strcmp(id, "odeme_sorunu") == 0)
            dlg__want_people(&t, "urgent", "odeme_sorunu");
        else if (s->flow != DLG_FLOW_NONE) /* a question in the middle of an order dialogue */
            dlg__say(&t, "resume_hint");
    } else {
        int fb = kb_intent_find(kb, "fallback");
        if (fb >= 0) {
            st = answer_intent(&t, (size_t)fb);
        } else {
            out->intent = "fallback";
            ds_buf_puts(&out->text, "Bunu anlayamadım. Sizi bir temsilciye bağlayabilirim.");
        }
        dlg__add_quick_reply(out, HUMAN_QUICK_REPLY);
        if (s->unsure >= 2)
            dlg__want_people(&t, "normal", "anlasilamadi");
    }
    out->verified = s->verified[0] != '\0';
    if (st == DS_OK && out->text.failed)
        st = ds_fail(err, DS_ENOMEM, "out of memory");
    return st;
}

ds_status dlg_greet(dlg_env *env, dlg_session *s, dlg_reply *out, ds_error *err)
{
    const kb_base *kb = match_engine_kb(env->me);
    int idx = kb_intent_find(kb, "selamlama");
    if (idx < 0) {
        out->intent = "selamlama";
        ds_buf_puts(&out->text, "Merhaba! Size nasıl yardımcı olabilirim?");
        return DS_OK;
    }
    dlg_turn t = {.env = env, .s = s, .out = out, .err = err, .kb = kb};
    return answer_intent(&t, (size_t)idx);
}

/* ---- start-up check --------------------------------------------------- */

static const char *const required_messages[] = {
    "ask_order_no",
    "ask_identity",
    "identity_failed",
    "identity_locked",
    "order_no_help",
    "status.received",
    "status.preparing",
    "status.shipped",
    "status.out_for_delivery",
    "status.delivered",
    "status.cancelled",
    "status.returned",
    "status.late",
    "tracking.shipped",
    "tracking.out_for_delivery",
    "tracking.delivered",
    "tracking.not_shipped",
    "tracking.not_received",
    "tracking.stuck",
    "cancel.confirm",
    "cancel.done",
    "cancel.kept",
    "cancel.shipped",
    "cancel.delivered",
    "cancel.already",
    "address.ask",
    "address.done",
    "address.too_late",
    "address.unusable",
    "abandoned",
    "resume_hint",
    "no_store",
    "return.not_yet",
    "return.already_returned",
    "return.ask_item",
    "return.ask_reason",
    "return.ask_opened",
    "return.accepted",
    "return.accepted_fault",
    "return.rejected_window",
    "return.rejected_category",
    "return.rejected_opened",
    "return.warranty_hint",
    "return_status.none",
    "return_status.requested",
    "exchange.ask_item",
    "exchange.ask_size",
    "exchange.ask_variant",
    "exchange.same",
    "exchange.done",
    "exchange.no_stock",
    "exchange.no_stock_other",
    "exchange.rejected_window",
    "case.sorry.hasarli",
    "case.sorry.eksik_yanlis",
    "case.sorry.ariza",
    "case.ask_item",
    "case.ask_description",
    "case.done.urgent",
    "case.done.normal",
    "complaint.listen",
    "complaint.done",
    "offline.ask_name",
    "offline.ask_contact",
    "offline.ask_order",
    "offline.ask_message",
    "offline.recorded",
    NULL,
};

static int check_lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    return dlg__is_var(name, len) || kb_shop_lookup(ctx, name, len, out);
}

static void diag_missing(kb_diag_fn diag, void *ctx, const char *field, const char *msg)
{
    ds_error e;
    memset(&e, 0, sizeof e);
    e.status = DS_EKB;
    snprintf(e.file, sizeof e.file, "dialogue.json");
    /* a field longer than ds_error keeps is cut: it is only a label */
    size_t n = strlen(field) < sizeof e.field - 1 ? strlen(field) : sizeof e.field - 1;
    memcpy(e.field, field, n);
    snprintf(e.message, sizeof e.message, "%s", msg);
    if (diag)
        diag(ctx, 1, &e);
}

int dlg_check_kb(const kb_base *kb, kb_diag_fn diag, void *ctx)
{
    int problems = 0;
    for (const char *const *k = required_messages; *k; k++) {
        if (!kb_message_get(kb, *k)) {
            char f[96];
            snprintf(f, sizeof f, "messages.%s", *k);
            diag_missing(diag, ctx, f, "missing: the order dialogues use this message");
            problems++;
        }
    }
    for (size_t i = 0; i < kb_message_count(kb); i++) {
        const kb_message *m = kb_message_at(kb, i);
        for (size_t j = 0; j < m->text_count; j++) {
            ds_buf b;
            ds_error e;
            ds_buf_init(&b);
            if (tpl_render(m->texts[j], check_lookup, (void *)kb, &b, &e) != DS_OK) {
                char f[160];
                snprintf(f, sizeof f, "messages.%s", m->key);
                diag_missing(diag, ctx, f, e.message);
                problems++;
            }
            ds_buf_cleanup(&b);
        }
    }
    return problems;
}
