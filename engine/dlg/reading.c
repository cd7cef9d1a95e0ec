/* SPDX-License-Identifier: MIT */
/* What a message asks for, once the matcher has read it: its reading
 * weighed against what the matcher cannot know. Anger that won over the
 * order it is about, a question after the thanks, the shopper's health, a
 * dialogue asked for in so many words, who answers, a complaint said to
 * be one, two requests or a question with a detail, a message in English,
 * and words the KB says decide (a topic's "decides"). The router asks this
 * once a turn (dlg__read_request) before it fills the slots. */
#include "dlg_int.h"

#include <string.h>

int dlg__intent_of_flow(const kb_base *kb, const dlg_flow *f)
{
    for (size_t i = 0; i < kb_intent_count(kb); i++)
        if (dlg__flow_find(kb_intent_at(kb, i)->flow) == f)
            return (int)i;
    return -1;
}

int dlg__in_doubt_with(const dlg_turn *t, const dlg_flow *f)
{
    const match_result *res = t->env->res;
    for (size_t i = 0; i < 2 && i < match_result_candidate_count(res); i++)
        if (dlg__flow_of(t->kb, (int)match_result_candidate(res, i)->intent) == f)
            return 1;
    return 0;
}

/* The flags of the flows of the two intents in doubt, or 0 for either
 * when it has no flow (or there is no doubt). */
static void doubt_flags(const dlg_turn *t, unsigned *a, unsigned *b)
{
    const match_result *res = t->env->res;
    *a = *b = 0;
    if (!t->clarify || match_result_candidate_count(res) < 2)
        return;
    const dlg_flow *fa = dlg__flow_of(t->kb, (int)match_result_candidate(res, 0)->intent);
    const dlg_flow *fb = dlg__flow_of(t->kb, (int)match_result_candidate(res, 1)->intent);
    if (fa && fb) {
        *a = fa->flags;
        *b = fb->flags;
    }
}

/* Unsure between the order's status and its parcel: either shows it. */
static int both_order_facts(const dlg_turn *t)
{
    unsigned a, b;
    doubt_flags(t, &a, &b);
    return (a & b & DLG_FLOW_ORDER_FACTS) != 0;
}

/* "kolide kemer yok!! sadece gömlek çıktı": unsure between a damaged,
 * missing or wrong item and the parcel's whereabouts, the item is what to
 * act on (its case asks for the order either way, and goes to people),
 * the more so when the shopper is upset: not a menu, not a person before
 * the order is known. */
static int after_sales_first(const dlg_turn *t)
{
    unsigned a, b;
    doubt_flags(t, &a, &b);
    return (a & DLG_FLOW_AFTER_SALES) && (b & DLG_FLOW_ORDER_FACTS);
}

/* Evidence the request after a thanks needs ("tamam teşekkürler, olmazsa
 * değişim yapabiliyorum değil mi") to be served instead of a goodbye. */
#define COURTESY_YIELD_SCORE 2.0

/* "teşekkürler. bir de şunu sorayım: taşma emniyeti var mı?": a question
 * after the thanks is not the goodbye the thanks would get. The intent to
 * take instead, -2 for none the bot can place (not understood, rather than
 * a farewell), or -1: the thanks stands. */
static int past_the_thanks(const dlg_turn *t)
{
    const match_result *res = t->env->res;
    const dlg_flow *f = t->clarify ? NULL : dlg__flow_of(t->kb, match_result_intent_index(res));
    if (!f || !(f->flags & DLG_FLOW_CLOSING) || !dlg__message_asks(t))
        return -1;
    const match_candidate *b =
        match_result_candidate_count(res) > 1 ? match_result_candidate(res, 1) : NULL;
    const kb_intent *ib = b ? kb_intent_at(t->kb, b->intent) : NULL;
    if (ib && !ib->low_priority && strcmp(ib->id, "fallback") != 0 &&
        b->score >= COURTESY_YIELD_SCORE)
        return (int)b->intent;
    return -2;
}

/* "bu ne rezalet, siparişim hala gelmedi": the anger is heard (feelings.c),
 * the order is what to act on. The intent to take instead of a complaint
 * its angry words won, or -1. */
static int past_the_anger(const dlg_turn *t)
{
    const match_result *res = t->env->res;
    if (!t->upset || match_result_candidate_count(res) < 2)
        return -1;
    const match_candidate *a = match_result_candidate(res, 0), *b = match_result_candidate(res, 1);
    const dlg_flow *f = dlg__flow_of(t->kb, (int)a->intent);
    if (!f || !(f->flags & DLG_FLOW_FEELINGS) || strcmp(b->id, "fallback") == 0 ||
        b->score < 0.5 * a->score)
        return -1;
    /* "beceriksizsiniz, bu kargo firmasıyla neden çalışıyorsunuz" is the
     * complaint itself, not a question for the list of carriers */
    if (!dlg__flow_of(t->kb, (int)b->intent) && dlg__message_has(t, "why_words"))
        return -1;
    return (int)b->intent;
}

/* The intent one of whose topics marked "decides" the message has the
 * words of, or -1. */
static int decided_intent(const dlg_turn *t)
{
    for (size_t k = 0; k < kb_intent_count(t->kb); k++) {
        const kb_intent *in = kb_intent_at(t->kb, k);
        for (size_t i = 0; i < in->topic_count; i++) {
            const kb_topic *tp = &in->topics[i];
            if (!tp->decides || (tp->unless && (dlg__message_has(t, tp->unless) ||
                                                dlg__message_has_stem(t, tp->unless))))
                continue;
            if (dlg__message_has(t, tp->list) || dlg__message_has_stem(t, tp->list))
                return (int)k;
        }
    }
    return -1;
}

int dlg__sentence_end(const char *s, size_t len, size_t i)
{
    if (i >= len || !strchr(".?!", s[i]) || (i + 1 < len && s[i + 1] != ' ' && s[i + 1] != '\n'))
        return 0;
    if (s[i] != '.')
        return 1;
    size_t w = i; /* the word before the dot */
    while (w > 0 && s[w - 1] != ' ' && s[w - 1] != '\n')
        w--;
    size_t n = i - w;
    if (memchr(s + w, '.', n)) /* "T.C.", "A.Ş." */
        return 0;
    /* "Mah.", "Cad.", "No.": a capital and at most two small letters (not
     * "TL."); "vb.", "vs." */
    if (n && n <= 3 && s[w] >= 'A' && s[w] <= 'Z' &&
        (n == 1 || (s[w + 1] >= 'a' && s[w + 1] <= 'z')))
        return 0;
    return !(n == 2 && (memcmp(s + w, "vb", 2) == 0 || memcmp(s + w, "vs", 2) == 0));
}

int dlg__read_request(dlg_turn *t, int intent, int *second)
{
    const kb_base *kb = t->kb;
    dlg_session *s = t->s;
    *second = -1;
    if (intent >= 0 || t->clarify) {
        int instead = past_the_anger(t);
        int thanks = instead < 0 ? past_the_thanks(t) : -1;
        if (thanks != -1) {
            intent = thanks >= 0 ? thanks : -1;
            t->clarify = 0;
        }
        if (instead >= 0) {
            intent = instead;
            t->clarify = 0;
        }
        /* the same, when the carriers' answer won: angry and asking why */
        if (instead < 0 && t->upset && intent >= 0 && !dlg__flow_of(kb, intent) &&
            dlg__message_has(t, "why_words")) {
            int complaint = dlg__intent_of_flag(kb, DLG_FLOW_FEELINGS);
            if (complaint >= 0) {
                intent = complaint;
                t->clarify = 0;
            }
        }

        /* "kremi sürünce yüzümde kızarıklık oldu": the shopper's health,
         * a case for people (the fault's, made urgent by it), not a greeting
         * or a policy the other words lean to */
        if (dlg__message_has_stem(t, "health") && !(s->people_called && s->verified[0]) &&
            (intent < 0 || t->clarify || !dlg__flow_of(kb, intent) ||
             kb_intent_at(kb, (size_t)intent)->low_priority)) {
            int fault = kb_intent_find(kb, "arizali_urun");
            if (fault >= 0) {
                intent = fault;
                t->clarify = 0;
            }
        }
        /* "teslim aldım ama vazgeçtim, iade etmek istiyorum": the dialogue
         * asked for in so many words (words "asks_FLOW"), not "which" */
        for (size_t i = 0; t->clarify && i < 2 && i < match_result_candidate_count(t->env->res);
             i++) {
            int c = (int)match_result_candidate(t->env->res, i)->intent;
            const dlg_flow *cf = dlg__flow_of(kb, c);
            if (cf && dlg__flow_words(t, cf, "asks")) {
                intent = c;
                t->clarify = 0;
            }
        }
        /* "sen bot musun yoksa gerçek biri mi": who answers, not "which" */
        if (t->clarify && dlg__message_has(t, "bot_words")) {
            const dlg_flow *who = dlg__flow_find("assistant");
            int assistant = dlg__intent_of_flow(kb, who);
            if (assistant >= 0 && dlg__in_doubt_with(t, who)) {
                intent = assistant;
                t->clarify = 0;
            }
        }
        /* "şikayetim var, kurye paketi kapıya bırakıp gitmiş": said to be a
         * complaint, so one, not "which of these" */
        if (t->clarify && dlg__message_has(t, "complaint_words")) {
            int complaint = dlg__intent_of_flag(kb, DLG_FLOW_FEELINGS);
            if (complaint >= 0 && dlg__in_doubt_with(t, dlg__flow_of(kb, complaint))) {
                intent = complaint;
                t->clarify = 0;
            }
        }
        /* two requests: the first now, not "which one did you mean" */
        int first = intent;
        *second = instead < 0 ? dlg__second_request(t, &first) : -1;
        /* each side read on its own: the first side's; or the question
         * without the detail told after it */
        int question = first != intent;
        if (*second >= 0 || question)
            intent = first;
        if (*second >= 0 || question || both_order_facts(t) || after_sales_first(t))
            t->clarify = 0;
    }
    /* "Hi, do you ship to Germany?": what the bot reads of English is a
     * guess, a hello at best; it says it reads Turkish (faq_turn) */
    if ((intent < 0 || t->clarify || kb_intent_at(kb, (size_t)intent)->low_priority ||
         t->out->confidence < DLG_SURE || (s->flow && s->step)) &&
        dlg__message_english(t)) {
        intent = -1;
        t->clarify = 0;
        t->in_english = 1;
    }
    /* "sizden geldiğini söyleyen bir SMS aldım, link var": words the KB
     * says decide (a topic's "decides"), whatever the other words, or a
     * side of the message, lean to (or none did) */
    int decided = decided_intent(t);
    if (decided >= 0) {
        intent = decided;
        t->clarify = 0;
        t->decided = 1;
        if (*second == decided)
            *second = -1;
    }
    return intent;
}
