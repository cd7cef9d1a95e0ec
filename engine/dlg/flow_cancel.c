/* SPDX-License-Identifier: MIT */
/* "cancel": an order that has not shipped is cancelled once the shopper
 * confirms, with an audit record; a shipped or delivered one is explained. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

static const char *const steps[] = {"confirm", NULL};

typedef struct cancel_slots {
    char said[160]; /* the first message: it may name one item only */
} cancel_slots;
DLG_SLOTS_FIT(cancel_slots);

static const dlg_slot_def slots[] = {
    DLG_STR_SLOT(cancel_slots, said),
};

static void start(dlg_turn *t)
{
    cancel_slots *sl = t->slots;
    dlg__keep_text(t, sl->said, sizeof sl->said);
}

/* "elbise kalsın": part of the order is to stay. */
static int said_keep(const dlg_turn *t, const char *text)
{
    nlp_text *m = nlp_text_new();
    int keep = m && text[0] &&
               nlp_normalise(kb_lexicon(t->kb), text, strlen(text), m, NULL) == DS_OK &&
               dlg__text_has_stem(t->kb, m, "item_stays");
    nlp_text_free(m);
    return keep;
}

static void act(dlg_turn *t)
{
    const store_order *o = t->order;
    if (dlg__is_unshipped(o)) {
        /* "eşarbı iptal edin, elbise kalsın": only the whole order can be
         * cancelled here; one item is for people */
        cancel_slots *sl = t->slots;
        int named = o->item_count > 1 ? dlg__items_named(t, sl->said) : 0;
        int part = named > 0 && ((size_t)named < o->item_count || said_keep(t, sl->said));
        if (part) {
            /* people can take one item out; the whole order is not what
             * was asked, so it is not what the bot asks to confirm */
            dlg__hand_off(t, "normal", "kismi_iptal");
            dlg__say(t, "cancel.partial");
            return;
        }
        dlg__say(t, "cancel.confirm");
        dlg__wait(t, "confirm");
        return;
    }
    if (strcmp(o->status, "cancelled") == 0)
        dlg__say(t, "cancel.already");
    else if (strcmp(o->status, "shipped") == 0 || strcmp(o->status, "out_for_delivery") == 0)
        dlg__say(t, "cancel.shipped");
    else
        dlg__say(t, "cancel.delivered");
}

static void confirm(dlg_turn *t)
{
    dlg_session *s = t->s;
    char now[CLOCK_ISO_LEN], actor[96];
    dlg__now_iso(t, now);
    snprintf(actor, sizeof actor, "shopper:%s", s->id);
    const kb_message *why = kb_message_get(t->kb, "cancel.audit_reason");
    ds_status st =
        store_order_cancel(t->env->db, s->verified, actor, why ? why->texts[0] : "", now, NULL);
    if (st == DS_OK) {
        dlg__say(t, "cancel.done");
    } else if (store_order_get(t->env->db, s->verified, &t->order, NULL) == DS_OK) {
        act(t); /* shipped in the meantime: explain from fresh data */
    } else {
        dlg__say(t, "no_store");
    }
    dlg__end(t);
}

/* The shopper says they no longer want the order, or asks to cancel again,
 * instead of "evet" ("artık istemiyorum, yanlış aldım", "iptal edin
 * lütfen"): that is a yes. A reason alone ("yanlış renk seçtim") is heard
 * and the question asked again. Not when it keeps the order ("iptal etmeyin"), and not a question
 * ("iptal edersem param ne zaman yatar"). */
static int means_yes(const dlg_turn *t)
{
    if (dlg__message_has(t, "keep_order") || dlg__message_asks(t) ||
        dlg__message_is(t, "abandon", 0))
        return 0;
    return dlg__message_has(t, "cancel_wish") ||
           (t->asked == t->flow && !t->clarify && t->out->confidence >= 0.6);
}

static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    /* "eşarbı iptal etmek istiyorum, elbise kalsın" asked to confirm the
     * whole order: one item of it, for people, not a no */
    const store_order *o = dlg__verified_order(t) ? t->order : NULL;
    int named = o && o->item_count > 1 && t->text ? dlg__items_named(t, t->text) : 0;
    if (named > 0 && ((size_t)named < o->item_count || said_keep(t, t->text))) {
        dlg__hand_off(t, "normal", "kismi_iptal");
        dlg__say(t, "cancel.partial");
        dlg__end(t);
        return 1;
    }
    /* cancelling cannot be undone: a yes must be a yes ("tamam, yarın
     * yazarım" is not) */
    if (dlg__message_agrees(t) || (!dlg__message_is(t, "no", 1) && means_yes(t))) {
        confirm(t);
        return 1;
    }
    if (dlg__message_is(t, "no", 1) || dlg__message_has(t, "not_now") ||
        dlg__message_has(t, "keep_order")) {
        dlg__say(t, "cancel.kept");
        dlg__end(t);
        return 1;
    }
    /* "iptal edersem param ne zaman yatar": answered, and asked again */
    if (dlg__message_asks(t) && dlg__message_has(t, "followup_refund")) {
        dlg__say(t, "cancel.refund");
        dlg__wait(t, "confirm");
        t->answered_aside = 1; /* a question answered: not the step asked in vain */
        return 1;
    }
    /* "yanlış renk seçtim o yüzden": the reason, not a new request (an
     * order not yet shipped has no damaged or wrong item to report); what
     * cannot be read at all ("bilmiyorum ki") is asked again with how to
     * answer */
    const dlg_flow *f = t->asked;
    int reason = f && (f->flags & DLG_FLOW_AFTER_SALES);
    int unusable = t->intent < 0 || t->clarify || t->out->confidence < 0.6;
    if ((reason || unusable) && !dlg__message_is(t, "abandon", 0)) {
        dlg__say(t, reason || t->intent >= 0 ? "cancel.confirm_again" : "cancel.confirm_hint");
        dlg__wait(t, "confirm");
        return 1;
    }
    return 0;
}

static const char *const says[] = {
    "cancel.confirm", "cancel.done",         "cancel.kept",         "cancel.shipped",
    "cancel.already", "cancel.delivered",    "cancel.audit_reason", "cancel.confirm_again",
    "cancel.refund",  "cancel.confirm_hint", "cancel.partial",      NULL,
};

const dlg_flow dlg_flow_cancel = {
    .name = "cancel",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .start = start,
    .act = act,
    .answer = answer,
};
