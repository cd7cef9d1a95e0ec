/* SPDX-License-Identifier: MIT */
/* What the message asks for, settled before any flow runs: the flow its
 * intent starts (t->asked), unless the message only asks about it ("değişim
 * ücretsiz mi"), asks about a change already asked for or made ("iade
 * ettiğim ayakkabının 42'si", "değiştirebilirsiniz değil mi"), asks what a
 * change would do ("iptal edersem"), declines it ("o kalsın"), tells the
 * item's state ("kutusunu açtım") or asks about the case people have.
 * Each rule reads the message's words (dialogue.json) and the session; none
 * says anything: the router answers by what is settled here. */
#include "dlg_int.h"

#include <string.h>

/* "hesabımda göremiyorum", "taksitler mi geri yatar": the money of the
 * order, whatever intent its words lean to (an account, payment options). */
int dlg__money_words(const dlg_turn *t)
{
    /* "hesabımda göremiyorum, pdf nereden inecek" is about a document */
    if (dlg__message_has(t, "document_words"))
        return 0;
    return (dlg__message_has(t, "followup_not_visible") ||
            dlg__message_has(t, "followup_installments")) &&
           (dlg__message_has_stem(t, "money_words") || dlg__message_has_stem(t, "money_places"));
}

/* The policy beside a request (the return conditions beside starting a
 * return): the KB's first answer related to it, else the best candidate
 * with no dialogue of its own, else the intent as it was. */
static int policy_candidate(const dlg_turn *t)
{
    /* the KB's first answer related to the request ("related") */
    if (t->intent >= 0 && kb_intent_at(t->kb, (size_t)t->intent)->related_count) {
        int r = kb_intent_find(t->kb, kb_intent_at(t->kb, (size_t)t->intent)->related[0]);
        if (r >= 0 && !dlg__flow_of(t->kb, r))
            return r;
    }
    const match_result *res = t->env->res;
    for (size_t i = 0; i < match_result_candidate_count(res); i++) {
        int in = (int)match_result_candidate(res, i)->intent;
        if (!dlg__flow_of(t->kb, in) &&
            strcmp(kb_intent_at(t->kb, (size_t)in)->id, "fallback") != 0)
            return in;
    }
    return t->intent;
}

/* The first intent whose answer is the named lookup of the shop's data,
 * or -1. */
static int lookup_intent(const kb_base *kb, const char *name)
{
    for (size_t i = 0; i < kb_intent_count(kb); i++)
        if (kb_intent_at(kb, i)->lookup && strcmp(kb_intent_at(kb, i)->lookup, name) == 0)
            return (int)i;
    return -1;
}

/* The best candidate other than intent `not`, or -1. */
static int policy_candidate_besides(const dlg_turn *t, int not )
{
    const match_result *res = t->env->res;
    for (size_t i = 0; i < match_result_candidate_count(res); i++) {
        int in = (int)match_result_candidate(res, i)->intent;
        if (in != not &&strcmp(kb_intent_at(t->kb, (size_t)in)->id, "fallback") != 0)
            return in;
    }
    return -1;
}

/* The message has the words "HOW_FLOW" of flow f, or of the flow whose
 * state it tells ("return_status": "declined_return", "asks_return"). */
int dlg__flow_words(const dlg_turn *t, const dlg_flow *f, const char *how)
{
    char list[40];
    dlg__list_name(list, sizeof list, how, "_", f->name, strcspn(f->name, "_"));
    /* most flows have no such list: no walk of the message for it */
    return kb_words_list(t->kb, list) && dlg__message_has(t, list);
}

/* "sweatshirt kalıyor, onu iade etmiyorum": the message says the shopper
 * is not asking for the change flow f makes. */
int dlg__declines(const dlg_turn *t, const dlg_flow *f)
{
    /* "iade etmek istiyorum, diğeri kalsın" asks for it all the same */
    return dlg__flow_words(t, f, "declined") && !dlg__message_has(t, "request_words_change");
}

/* The flow of the change the message declines, or NULL. */
static const dlg_flow *declined_flow(const dlg_turn *t)
{
    for (const dlg_flow *const *p = dlg__flows; *p; p++)
        if (((*p)->flags & DLG_NEEDS_ORDER) && dlg__declines(t, *p))
            return *p;
    return NULL;
}

/* The message's intent starts a change to the order (a cancellation, a
 * return), not a look at its facts. */
int dlg__asks_a_change(const dlg_turn *t)
{
    const dlg_flow *f = t->intent >= 0 && !t->clarify ? dlg__flow_of(t->kb, t->intent) : NULL;
    return f && (f->flags & DLG_NEEDS_ORDER) &&
           !(f->flags & (DLG_FLOW_ORDER_FACTS | DLG_FLOW_FOLLOWED));
}

int dlg__asks_about_the_case(const dlg_turn *t)
{
    return dlg__message_has(t, "case_progress") || dlg__message_has_stem(t, "case_progress_stems");
}

/* The message tells whether the item was opened, used or tried on. */
int dlg__tells_condition(const dlg_turn *t)
{
    return dlg__message_has(t, "opened") || dlg__message_has(t, "sealed");
}

void dlg__settle_asked(dlg_turn *t, int order_no, int after_faq)
{
    dlg_session *s = t->s;
    int intent = t->intent;
    if (t->asked && t->asked->wants && !after_faq && !t->asked->wants(t))
        t->asked = NULL; /* a question about the flow's subject: the intent's answer */
    /* "değişim ücretsiz mi": a fact of the shop asked, not the flow started */
    if (t->asked && t->asked != s->flow && !order_no && dlg__asks_yes_no(t, 2))
        t->asked = NULL;
    /* people are on the verified order's case: "tutanak mı tutmam
     * gerekiyor" asks about it, it does not open another */
    if (t->asked && !s->flow && s->people_called && s->verified[0] &&
        ((t->out->confidence < DLG_SURE && dlg__asks_about_the_case(t)) ||
         (dlg__asks_a_change(t) && dlg__message_has(t, "confirm_tags"))))
        t->asked = NULL;
    /* "hâlâ hazırlanıyor, değiştirebilirsiniz değil mi" after the address
     * change was asked for: whether it holds, not a change to start */
    if (t->asked && t->asked != s->flow && !s->flow && s->verified[0] &&
        (t->asked->flags & DLG_NEEDS_ORDER) && dlg__message_has(t, "followup_changed")) {
        t->asked = NULL;
        t->intent = -1;
    }
    /* "iptal edersem para hemen döner mi": what would happen, asked; not
     * the change itself */
    if (t->asked && t->asked != s->flow && (t->asked->flags & DLG_NEEDS_ORDER) &&
        !(t->asked->flags & (DLG_FLOW_ORDER_FACTS | DLG_FLOW_FOLLOWED)) &&
        dlg__message_has(t, "conditional_change") && dlg__message_asks(t)) {
        t->asked = NULL;
        t->conditional = 1;
        if (s->verified[0])
            t->intent = -1; /* a question about the verified order */
        else
            t->intent = policy_candidate(t); /* "beğenmezsem geri verebilir miyim" */
    }
    /* "ekstreme bakıyorum göremiyorum, hangi tarihte yapıldı iade": the
     * money of the verified order, asked, not a return to start */
    if (t->asked && !s->flow && s->verified[0] && (t->asked->flags & DLG_FLOW_AFTER_SALES) &&
        dlg__message_asks(t) && dlg__money_words(t)) {
        t->asked = NULL;
        t->intent = -1;
    }
    /* "iade ettiğim ayakkabının 42'si var mı": a change made already,
     * named, not asked for (words "done_FLOW"); the other request the
     * message makes is read instead */
    if (t->asked && t->asked != s->flow &&
        !(t->asked->flags & (DLG_FLOW_ORDER_FACTS | DLG_FLOW_FOLLOWED)) &&
        dlg__flow_words(t, t->asked, "done") && !dlg__message_has(t, "request_words_change")) {
        t->asked = NULL;
        /* a stock question goes to the shop's data (the KB's lookup) */
        int other = dlg__message_asks(t) && dlg__message_has(t, "stock_words")
                        ? lookup_intent(t->kb, "stock")
                        : -1;
        if (other < 0)
            other = policy_candidate_besides(t, t->intent);
        t->intent = other;
        t->asked = other >= 0 ? dlg__flow_of(t->kb, other) : NULL;
    }
    /* "yarın kargoya verebilirim, iade kodu lazım mı" just after the code
     * was given: how to send what was returned here, not a second return */
    if (t->asked && t->asked != s->flow && !s->flow && s->done_item >= 0 && s->verified[0] &&
        (t->asked->flags & DLG_FLOW_AFTER_SALES) && dlg__message_has(t, "followup_send")) {
        t->asked = NULL;
        t->intent = -1;
    }
    /* "kutusunu açtım ama saati hiç takmadım, koruma bandı duruyor": the
     * item's state, told; not a damaged item ("kutu", "bant") to open a
     * case for */
    if (t->asked && strcmp(t->asked->name, "case") == 0 && t->asked != s->flow &&
        dlg__tells_condition(t) && !t->upset && !dlg__message_has_stem(t, "health") &&
        !dlg__message_has(t, "reason_hasarli") && !dlg__message_has(t, "reason_kusurlu") &&
        !dlg__message_has(t, "reason_yanlis")) {
        t->asked = NULL;
        t->told_state = 1;
    }
    const dlg_flow *no = declined_flow(t);
    if (no && (!t->asked || strncmp(t->asked->name, no->name, strlen(no->name)) == 0 ||
               (intent >= 0 && kb_intent_at(t->kb, (size_t)intent)->low_priority))) {
        t->declined = no; /* nothing asked, or the change declined */
        t->asked = NULL;
    }
    /* "pardon yanlış yazmışım 1060334" while the number or the proof is
     * asked for corrects them; a weak guess at another request ("yanlış"
     * of an address) does not take the conversation elsewhere */
    if (t->asked && s->flow && t->asked != s->flow && t->got_slot &&
        (s->step == DLG_STEP_ORDER || s->step == DLG_STEP_IDENTITY) &&
        t->out->confidence < DLG_SWITCH_WITH_SLOT)
        t->asked = NULL;
    /* "1044102 numaralı sipariş" given to the parcel's check is the number
     * it asked for, not the order's status instead: two ways of showing one
     * order, and the first knows what the shopper said ("bana gelmedi") */
    if (t->asked && s->flow && t->asked != s->flow && t->got_slot &&
        (s->step == DLG_STEP_ORDER || s->step == DLG_STEP_IDENTITY) &&
        (t->asked->flags & s->flow->flags & DLG_FLOW_ORDER_FACTS))
        t->asked = NULL;
}
