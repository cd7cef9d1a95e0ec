/* SPDX-License-Identifier: MIT */
/* The router: one turn. Normalise, classify, fill the slots, then hand the
 * message to the flow in progress (its pending step), start the flow the
 * message asks for, or answer from the knowledge base with a clarifying
 * question when two intents are close. After each flow handler it carries
 * out what the handler asked for: wait, end, hand off to people (after
 * hours: the offline request), start another flow. */
#include "dlg_int.h"

#include "pii.h"

#include <stdio.h>
#include <string.h>

/* A tap on a clarifying question's button, or on the button of a request
 * offered for later, names the intent by its title. */
static int chosen_title(const kb_base *kb, const dlg_session *s, const char *text, size_t len)
{
    int offered[3] = {s->clarify_a, s->clarify_b, s->next_offered};
    for (size_t i = 0; i < 3; i++) {
        if (offered[i] < 0)
            continue;
        const char *title = kb_intent_at(kb, (size_t)offered[i])->title;
        if (strlen(title) == len && memcmp(title, text, len) == 0)
            return offered[i];
    }
    return -1;
}

/* An order number of this shop: the length shop.json gives
 * (orders.order_number_digits), any the matcher accepts when it gives none;
 * a 10-digit tax number is not one. */
static int is_order_no(const kb_base *kb, const nlp_entity *e)
{
    long long digits = kb_shop_int(kb, "orders.order_number_digits", 0);
    return e->kind == NLP_ENT_ORDER_NO && (digits <= 0 || strlen(e->value) == (size_t)digits);
}

/* The message gives an order number ("3001005", "#3001005 nerde"). */
static int has_order_no(const kb_base *kb, const nlp_text *nt)
{
    for (size_t i = 0; i < nlp_text_entity_count(nt); i++)
        if (is_order_no(kb, nlp_text_entity(nt, i)))
            return 1;
    return 0;
}

/* A four-digit number is the phone's last four when the bot asked for
 * them, when the message says so ("tel son 4321") or when it comes with the
 * order number ("1060334 2233"); else it is a size, a year or a sum. */
static int is_last4(const dlg_turn *t, const nlp_entity *e, int with_order)
{
    return strlen(e->value) == 4 && (t->s->step == DLG_STEP_IDENTITY || with_order ||
                                     dlg__message_has_stem(t, "phone_last4_cue"));
}

/* Order number, e-mail and phone digits from the message into the slots.
 * A proof typed before the order number is kept for it; one given for
 * another order is not. Returns 1 when any slot was filled. */
static int fill_slots(dlg_turn *t)
{
    const kb_base *kb = t->kb;
    dlg_session *s = t->s;
    const nlp_text *nt = t->msg;
    int got = 0, with_order = 0;
    for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
        const nlp_entity *e = nlp_text_entity(nt, i);
        size_t n = strlen(e->value);
        if (!is_order_no(kb, e) || n >= sizeof s->order_no)
            continue;
        if (strcmp(s->order_no, e->value) != 0) {
            if (s->order_no[0]) {
                s->email[0] = s->last4[0] = '\0';
                t->order_corrected = 1;
            }
            memcpy(s->order_no, e->value, n + 1);
        }
        got = with_order = 1;
    }
    char by_code[sizeof s->order_no];
    if (!with_order && dlg__order_of_code(t, by_code, sizeof by_code)) {
        if (strcmp(s->order_no, by_code) != 0) {
            s->email[0] = s->last4[0] = '\0';
            memcpy(s->order_no, by_code, strlen(by_code) + 1);
        }
        got = with_order = t->order_by_code = 1;
    }
    for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
        const nlp_entity *e = nlp_text_entity(nt, i);
        size_t n = strlen(e->value);
        switch (e->kind) {
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
            if (is_last4(t, e, with_order)) {
                memcpy(s->last4, e->value, 5);
                got = 1;
            }
            break;
        default: break;
        }
    }
    return got;
}

static const char *flow_intent_id(const dlg_turn *t)
{
    int i = t->s->flow_intent;
    if (i < 0 && t->s->flow && (t->s->flow->flags & DLG_FLOW_INTERNAL))
        i = dlg__intent_of_flag(t->kb, DLG_FLOW_PEOPLE);
    return i >= 0 && (size_t)i < kb_intent_count(t->kb) ? kb_intent_at(t->kb, (size_t)i)->id : "";
}

static void end_flow(dlg_session *s)
{
    s->flow = NULL;
    s->step = NULL;
    s->flow_intent = -1;
    dlg__slots_reset(s, NULL);
}

/* Sets up t to run flow f: its slots are the session's when f is the flow
 * in progress, else (an aside flow) a scratch area of the turn. */
static void bind(dlg_turn *t, const dlg_flow *f, unsigned char *scratch)
{
    t->flow = f;
    t->wait = NULL;
    t->end = 0;
    if (f == t->s->flow) {
        t->slots = t->s->slots;
    } else {
        memset(scratch, 0, DLG_SLOTS_MAX);
        t->slots = scratch;
    }
}

static void begin(dlg_turn *t, const dlg_flow *f, int intent);
static void people(dlg_turn *t);
static void resume(dlg_turn *t);

/* Carries out what the handler of t->flow asked for. */
static void after(dlg_turn *t)
{
    dlg_session *s = t->s;
    const dlg_flow *f = t->flow;
    if (f == s->flow) {
        s->reminded = 0;
        s->step = t->end ? NULL : t->wait;
        if (!s->step)
            end_flow(s);
    } else if (t->wait && !t->end && !s->flow) {
        /* an aside flow may wait only when nothing else is in progress */
        s->flow = f;
        s->step = t->wait;
        s->flow_intent = t->intent;
        dlg__slots_reset(s, f);
    }
    if (t->handoff)
        people(t);
    const dlg_flow *next = t->start ? dlg__flow_find(t->start) : NULL;
    t->start = NULL;
    if (next)
        begin(t, next, dlg__intent_of_flow(t->kb, next));
}

/* The flow in progress goes on with this message: the identity check while
 * it needs a verified order, then what the flow is for. */
static void proceed(dlg_turn *t)
{
    dlg_session *s = t->s;
    const dlg_flow *f = s->flow;
    unsigned char scratch[DLG_SLOTS_MAX];
    bind(t, f, scratch);
    t->out->intent = flow_intent_id(t);
    if (f->note)
        f->note(t);
    if (t->end) {
        /* the note was enough (a flow handing over at once) */
    } else if ((f->flags & DLG_NEEDS_STORE) && !t->env->db) {
        dlg__say(t, "no_store");
        dlg__end(t);
    } else if (!(f->flags & DLG_NEEDS_ORDER) || dlg__verified_order(t)) {
        f->act(t);
    }
    after(t);
}

/* Starts flow f for intent (a new request starts clean; the order's slots
 * and the identity check stay). The same request again goes on. */
static void begin(dlg_turn *t, const dlg_flow *f, int intent)
{
    dlg_session *s = t->s;
    int fresh = f != s->flow;
    if (fresh) {
        end_flow(s);
        s->flow = f;
        dlg__slots_reset(s, f);
    }
    s->flow_intent = intent;
    t->first = 1;
    if (fresh && f->start) {
        unsigned char scratch[DLG_SLOTS_MAX];
        bind(t, f, scratch);
        f->start(t);
    }
    proceed(t);
}

/* An aside flow answers without disturbing the flow in progress. */
static void aside(dlg_turn *t, const dlg_flow *f)
{
    t->answered_aside = 1;
    unsigned char scratch[DLG_SLOTS_MAX];
    bind(t, f, scratch);
    t->first = 1;
    t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
    t->s->unsure = 0;
    f->act(t);
    after(t);
}

/* People take over. In working hours the reply carries the hand-off (the
 * conversation service opens it); after hours a verified order already
 * says who the shopper is, else the offline flow collects a request. */
static void people(dlg_turn *t)
{
    const char *priority = t->handoff, *reason = t->handoff_why;
    t->handoff = NULL;
    dlg_reply *r = t->out;
    if (!t->env->closed) {
        snprintf(r->reason, sizeof r->reason, "%s", reason);
        r->handoff_priority = priority;
        r->handoff_reason = r->reason;
        return;
    }
    if (r->offline_request) {
        /* left this turn, and said so: the more urgent reason wins */
        if (strcmp(priority, "urgent") == 0) {
            snprintf(r->reason, sizeof r->reason, "%s", reason);
            r->handoff_priority = priority;
        }
        return;
    }
    if (t->s->people_called) {
        /* the request is with the team already: this message joins it */
        dlg__say(t, "people.noted");
        return;
    }
    if (t->s->verified[0]) {
        dlg__offline_request(t, "", "", t->s->verified, priority, reason, t->text);
        dlg__say(t, "offline.recorded");
        return;
    }
    if (t->s->flow && (t->s->flow->flags & DLG_FLOW_AFTER_HOURS) && t->s->step) {
        resume(t); /* already taking the request: go on with it */
        return;
    }
    const dlg_flow *offline = NULL;
    for (const dlg_flow *const *f = dlg__flows; *f && !offline; f++)
        if ((*f)->flags & DLG_FLOW_AFTER_HOURS)
            offline = *f;
    t->people_priority = priority;
    t->people_reason = reason;
    const char *intent = r->intent;
    begin(t, offline, -1);
    if (intent) /* the reply answers what was asked */
        r->intent = intent;
}

/* The message has the words of a follow-up about an order. */
static int follow_up_words(const dlg_turn *t)
{
    for (const char *const *l = dlg__followup_words; *l; l++)
        if (dlg__message_has(t, *l))
            return 1;
    return 0;
}

/* Answers a short question about the verified order in its context. */
static void follow_up(dlg_turn *t)
{
    const dlg_flow *f = NULL;
    for (const dlg_flow *const *p = dlg__flows; *p && !f; p++)
        if ((*p)->flags & DLG_FLOW_FOLLOWUP)
            f = *p;
    int intent =
        t->intent >= 0 && !t->clarify ? t->intent : dlg__intent_of_flag(t->kb, DLG_FLOW_BARE_ORDER);
    t->s->unsure = 0;
    begin(t, f, intent);
    if (intent >= 0)
        t->out->intent = kb_intent_at(t->kb, (size_t)intent)->id;
}

static unsigned long long skeleton_hash(const dlg_turn *t);

/* A policy question answered in the middle of the identity check. */
static void general_aside(dlg_turn *t, int idx)
{
    dlg_session *s = t->s;
    t->intent = idx;
    t->clarify = 0;
    /* "erkek klasik ayakkabının 41'i var mı" while the check waits: the
     * shop's data first, as anywhere else */
    if (!(t->env->db && dlg__lookup_answer(t, (size_t)idx)))
        dlg__say_intent(t, (size_t)idx);
    resume(t);
    t->answered_aside = 1;
    s->clarify_a = s->clarify_b = -1;
    s->unsure = 0;
    s->last_faq = idx;
    s->last_topics = dlg__topics(t, (size_t)idx);
    s->last_ask = skeleton_hash(t);
}

/* Says that nothing is started for the change the shopper declined, then
 * what the dialogue in progress waits for. */
static void declined(dlg_turn *t)
{
    char key[48];
    snprintf(key, sizeof key, "declined.%.*s", (int)strcspn(t->declined->name, "_"),
             t->declined->name);
    /* "o kalsın" declines a return and an exchange alike: said for both */
    size_t matching = 0;
    for (const dlg_flow *const *p = dlg__flows; *p; p++)
        matching +=
            ((*p)->flags & DLG_NEEDS_ORDER) && !strchr((*p)->name, '_') && dlg__declines(t, *p);
    if (matching > 1)
        snprintf(key, sizeof key, "declined");
    t->out->intent = "fallback";
    dlg__say(t, kb_message_get(t->kb, key) ? key : "declined");
    if (t->s->flow && t->s->step && !dlg__message_asks(t))
        resume(t);
}

/* Asked in the middle of anything, a dialogue's step included: the case's
 * number ("kaydettiniz mi, bir kayıt numarası verin") and the facts the
 * shop states whatever the question's form ("beni arayın", "fotoğrafı
 * nereden atacağım"). Not while an after-hours request takes the
 * shopper's contact: "beni 0555… numarasından arayın" answers it. 1 when
 * said. */
static int asked_in_passing(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (s->flow && (s->flow->flags & DLG_FLOW_AFTER_HOURS))
        return 0;
    /* "kaydettiniz mi, bir kayıt numarası verin": the case recorded here,
     * by its number; a request with people is this conversation's */
    if (dlg__message_has(t, "record_number_words") &&
        (s->last_case || s->people_called || (s->flow && s->step))) {
        s->clarify_a = s->clarify_b = -1;
        s->unsure = 0;
        t->out->intent = "fallback";
        t->request_id = s->last_case;
        dlg__say(t, s->last_case       ? "record.number"
                    : s->people_called ? "record.with_people"
                                       : "record.not_yet"); /* a dialogue still asking */
        if (s->flow && s->step) {
            resume(t);
            t->answered_aside = 1;
        }
        return 1;
    }
    /* "yarın beni biri arayabilir mi", "kayıtlı numaradan arasınlar",
     * "fotoğrafı nereden atacağım": the shop's fact, asked yes or no or
     * not, whatever the other words lean to (an account, the courier) */
    /* (a video before a photo: "videoyu nereden atacağım" has the photo's
     * "nereden atacağım" too) */
    static const char *const told_facts[] = {"contact.callback", "contact.videos_in_chat",
                                             "contact.photos_in_chat"};
    int told = 0;
    for (size_t i = 0; i < sizeof told_facts / sizeof *told_facts && !told; i++)
        told = dlg__say_fact(t, told_facts[i]);
    if (told) {
        s->clarify_a = s->clarify_b = -1;
        s->unsure = 0;
        int contact = kb_intent_find(t->kb, "iletisim_bilgileri");
        t->out->intent = contact >= 0 ? kb_intent_at(t->kb, (size_t)contact)->id : "fallback";
        if (s->flow && s->step) {
            resume(t);
            t->answered_aside = 1;
        }
        return 1;
    }
    return 0;
}

static int for_the_people(dlg_turn *t);

/* 1 when a flow took the message. */
static int flow_turn(dlg_turn *t)
{
    dlg_session *s = t->s;
    const dlg_flow *f = s->flow;
    /* "Can I write in English?" while the number is awaited: the note, not
     * the Turkish question again (what the step can use still goes to it) */
    if (t->in_english && f && s->step && !t->got_slot)
        return 0;
    if (asked_in_passing(t))
        return 1;
    if (f && s->step && f->answer && s->step != DLG_STEP_ORDER && s->step != DLG_STEP_IDENTITY) {
        unsigned char scratch[DLG_SLOTS_MAX];
        bind(t, f, scratch);
        t->out->intent = flow_intent_id(t);
        if (f->answer(t, s->step)) {
            t->out->step = 1;
            after(t);
            return 1;
        }
        t->out->intent = NULL;
        t->flow = NULL;
        /* an offer not taken: read the message afresh; a flow that finished
         * as it handed the message back (an after-hours request left with
         * what the shopper gave) is over */
        if ((f->flags & (DLG_FLOW_ASIDE | DLG_FLOW_FOLLOWUP)) || t->end)
            end_flow(s);
    }
    f = s->flow;
    if (t->declined && t->declined != f) {
        declined(t);
        if (!dlg__message_asks(t) || (f && f->answer))
            return 1;
        /* "kemeri iade etmeyeceğim, kargoya nasıl veriyorum": the question
         * next, read without the change declined */
        t->intent = -1;
    }
    /* "vazgeçtim" alone may classify as a cancellation: it still ends the
     * dialogue in progress */
    if (f && dlg__message_is(t, "abandon", 0) && (!t->asked || t->asked == f)) {
        t->out->intent = flow_intent_id(t);
        dlg__say(t, "abandoned");
        end_flow(s);
        return 1;
    }
    /* "numarasını bilmiyorum ki nereye bakacağım", "numara nerede yazıyor",
     * asked for it or not; with only the proof given ("bilmiyorum, telefonun
     * son 4'ü 4455") too */
    if (((f && s->step == DLG_STEP_ORDER) ||
         (!f && !s->verified[0] && dlg__message_has_stem(t, "order_number_words"))) &&
        (!t->got_slot || !s->order_no[0]) && !t->decided &&
        (dlg__message_has(t, "dont_know_order") ||
         (dlg__message_has(t, "order_number_where") &&
          dlg__message_has_stem(t, "order_number_words")))) {
        t->out->intent = flow_intent_id(t);
        t->out->step = 1;
        t->answered_aside = 1; /* a question answered: no stall of the step */
        dlg__say(t, "order_no_help");
        return 1;
    }
    /* "iade ücretsiz mi" while the check waits: the shop's rule, then what
     * the check still waits for */
    /* ("taksitler mi iptal oluyor" asks about instalments, not to cancel) */
    int other_request = t->asked && t->asked != f;
    /* "telefonla sipariş veremiyor muyum" while the check waits: the shop's
     * fact, yes or no, then what the check still waits for */
    if (f && (s->step == DLG_STEP_ORDER || s->step == DLG_STEP_IDENTITY) && !t->got_slot &&
        (!other_request || dlg__message_asks(t)) && dlg__say_yes_no(t, 2)) {
        t->out->intent = t->intent >= 0 ? kb_intent_at(t->kb, (size_t)t->intent)->id : "fallback";
        resume(t);
        t->answered_aside = 1;
        s->unsure = 0;
        return 1;
    }
    if (f && (s->step == DLG_STEP_ORDER || s->step == DLG_STEP_IDENTITY) &&
        (!other_request || dlg__message_asks(t))) {
        int g = dlg__general_while_waiting(t, other_request);
        if (g >= 0) {
            general_aside(t, g);
            return 1;
        }
    }
    /* "Aras'a mı vereyim iadeyi" while the return waits for its reason:
     * the rule the KB relates to the dialogue, then the step again */
    if (f && s->step && s->step != DLG_STEP_ORDER && s->step != DLG_STEP_IDENTITY &&
        (t->asked == f || t->intent < 0 || t->clarify ||
         ((!t->asked || (t->asked->flags & DLG_FLOW_ORDER_FACTS)) && dlg__waiting_topic(t) >= 0)) &&
        dlg__message_asks(t)) {
        int g = dlg__general_while_waiting(t, 0);
        if (g >= 0) {
            general_aside(t, g);
            return 1;
        }
    }
    if (t->asked && (t->asked->flags & DLG_FLOW_ASIDE)) {
        aside(t, t->asked);
        return 1;
    }
    /* the same question about the order just shown, with a follow-up's
     * words ("kuryeyi arayabilir misiniz"), is a follow-up, not the same
     * answer again */
    if (t->asked && (t->asked->flags & (DLG_FLOW_ORDER_FACTS | DLG_FLOW_FOLLOWED)) && !f &&
        s->verified[0] && !t->got_slot && follow_up_words(t)) {
        follow_up(t);
        return 1;
    }
    /* more of what went wrong, told while people are on the case */
    if (t->asked && (t->asked->flags & DLG_FLOW_REPORT) && for_the_people(t))
        return 1;
    if (t->asked) {
        begin(t, t->asked, t->intent);
        return 1;
    }
    /* unsure between the dialogue waiting for its number or proof and
     * another ("depoya ulaşmadı mı hâlâ" in a return's check): the dialogue
     * in progress is what the message is about */
    if (f && (s->step == DLG_STEP_ORDER || s->step == DLG_STEP_IDENTITY) && t->clarify &&
        dlg__in_doubt_with(t, f)) {
        t->clarify = 0;
        t->out->clarify = 0;
        t->first = 0;
        t->out->step = 1;
        proceed(t);
        return 1;
    }
    if (f && (t->got_slot || (t->intent < 0 && s->step))) {
        t->first = 0;
        t->out->step = 1;
        proceed(t);
        return 1;
    }
    return 0;
}

/* Out of the shop's business by the matcher's own evidence (the fallback
 * intent scored best), not merely unsure. */
static int off_topic(const dlg_turn *t)
{
    const match_result *res = t->env->res;
    /* a keyword's worth, not the weak evidence of example words */
    return match_result_candidate_count(res) > 0 &&
           strcmp(match_result_candidate(res, 0)->id, "fallback") == 0 &&
           match_result_candidate(res, 0)->score >= 1.5;
}

/* What the flow in progress waits for, said again after an answer in between. */
static void resume(dlg_turn *t)
{
    dlg_session *s = t->s;
    /* the number or the proof is named once after another answer: a
     * shopper who asks about other things again has heard it, and it is not
     * tacked onto every answer (the dialogue still waits for it) */
    if (s->step == DLG_STEP_ORDER || s->step == DLG_STEP_IDENTITY) {
        if (s->reminded)
            return;
        s->reminded = 1;
    }
    char key[64];
    snprintf(key, sizeof key, "resume.%s", t->s->step ? t->s->step : "");
    dlg__say(t, kb_message_get(t->kb, key) ? key : "resume_hint");
}

static void clarify(dlg_turn *t)
{
    const match_result *res = t->env->res;
    const match_candidate *a = match_result_candidate(res, 0);
    const match_candidate *b = match_result_candidate(res, 1);
    t->out->intent = a->id;
    t->out->clarify = 1;
    dlg__add_quick_reply(t->out, kb_intent_at(t->kb, a->intent)->title);
    dlg__add_quick_reply(t->out, kb_intent_at(t->kb, b->intent)->title);
    dlg__say(t, "clarify");
    t->s->clarify_a = (int)a->intent;
    t->s->clarify_b = (int)b->intent;
}

/* An answer from the knowledge base: the intent's, a clarifying question, or
 * the fallback; two unsure answers in a row go to people. */
/* The message's words, as a number: the same question typed again. */
static unsigned long long skeleton_hash(const dlg_turn *t)
{
    const char *sk = nlp_text_skeleton(t->msg);
    unsigned long long h = 1469598103934665603ULL;
    for (; sk && *sk; sk++)
        h = (h ^ (unsigned char)*sk) * 1099511628211ULL;
    return h;
}

/* "inceleme ne kadar sürer", "siz mi halledeceksiniz": the work people do
 * on the shopper's case. */
/* People are on the verified order's case: "ne kadar sürer bu inceleme",
 * "ne olacak şimdi" ask about their work, and what the shopper only tells
 * ("kapıda yoktu, komşulara sordum") is for them, not a policy block the
 * words lean to ("taksit", "kapıda"). Says so and returns 1; 0, saying
 * nothing, for a question of its own or a request the matcher is sure of. */
static int for_the_people(dlg_turn *t)
{
    dlg_session *s = t->s;
    int placed = t->intent >= 0 && !t->clarify;
    if (!s->people_called || !s->verified[0] || s->flow || off_topic(t))
        return 0;
    /* "tutanak mı tutmam gerekiyor" is about the case people have, not a
     * new one, unless the matcher is sure of another request */
    /* (a flow that does not want the message, "faturada 2 tane yazıyor"
     * for the invoice's, is not a request) */
    int flow = placed && dlg__flow_of(t->kb, t->intent) && t->asked;
    int told = placed && !dlg__message_asks(t) && !dlg__message_has(t, "request_words");
    const char *key = NULL;
    if (dlg__message_has(t, "legal_threat")) /* "tüketici hakem heyetine yazacağım" */
        key = "people.legal";
    else if (dlg__message_has_stem(t, "health")) /* "alerji yaptıysa da mı olmaz" */
        key = "people.health";
    else if ((dlg__asks_about_the_case(t) && (!flow || t->out->confidence < DLG_SURE)) ||
             (dlg__asks_a_change(t) && dlg__message_has(t, "confirm_tags")))
        key = "people.next"; /* "kargoya verilmeden iptal olur di mi" */
    else if (told && ((!flow && t->out->confidence < DLG_SURE) ||
                      (flow && (t->asked->flags & DLG_FLOW_REPORT))))
        key = "people.noted"; /* after hours its .closed variant */
    if (!key)
        return 0;
    s->clarify_a = s->clarify_b = -1;
    s->unsure = 0;
    t->out->intent = "fallback";
    dlg__say(t, key);
    return 1;
}

static ds_status faq_turn(dlg_turn *t)
{
    dlg_session *s = t->s;
    ds_status st = DS_OK;
    /* "cvv de lazım mı": never, anywhere but the payment page */
    if (!t->env->pii && dlg__message_has(t, "cvv_words") &&
        (t->intent < 0 || t->clarify || !dlg__flow_of(t->kb, t->intent))) {
        t->out->intent = "fallback";
        dlg__say(t, "pii.cvv");
        return DS_OK;
    }
    /* "kart numaramı buraya mı yazayım": no, only on the payment page */
    if (!t->env->pii && dlg__message_has(t, "pii_offer_nouns") &&
        dlg__message_has(t, "pii_offer_verbs") && dlg__message_asks(t)) {
        t->out->intent = "fallback";
        dlg__say(t, "pii.offer");
        if (s->flow && s->step)
            resume(t);
        return DS_OK;
    }
    /* "Hi, do you ship to Germany?": in English, what the bot does not
     * place well gets the note that it reads Turkish, and people */
    if (t->in_english) {
        s->clarify_a = s->clarify_b = -1;
        t->out->intent = "fallback";
        t->out->clarify = 0;
        t->english = 1;
        /* English again: a person, as a good agent would hand it on */
        if (s->unsure++ && !t->env->closed && !s->people_called) {
            dlg__say(t, "language.english.handoff");
            dlg__hand_off(t, "normal", "ingilizce");
            people(t);
            s->unsure = 0;
        } else {
            dlg__say(t, s->people_called ? "language.english.waiting" : "language.english");
        }
        return DS_OK;
    }
    if (t->told_state) {
        int terms = kb_intent_find(t->kb, "iade_kosullari");
        t->out->intent = terms >= 0 ? kb_intent_at(t->kb, (size_t)terms)->id : "fallback";
        dlg__say(t, "condition.told");
        if (s->flow && s->step)
            resume(t);
        return DS_OK;
    }
    /* "silebilir misiniz, nereye iletmem lazım", "silin o zaman, kimse
     * görmez değil mi" just after a number was masked is about that number,
     * not a request to erase one's data ("verilerimi silin" still is) */
    if (s->pii_turn && s->turn - s->pii_turn <= DLG_PII_FOLLOWUP_TURNS && !t->env->pii &&
        dlg__message_has_stem(t, "pii_followup") &&
        (t->intent < 0 || t->clarify || !dlg__flow_of(t->kb, t->intent) ||
         (dlg__flow_of(t->kb, t->intent) == dlg__flow_find("kvkk") &&
          !dlg__message_has_stem(t, "personal_data_nouns")))) {
        t->out->intent = "fallback";
        dlg__say(t, "pii.followup");
        return DS_OK;
    }
    /* "IBAN'ımı yazayım TR33…": the words of the number just masked are
     * the shopper's own data, not a question about the shop's IBAN or
     * cards; the warning is the answer */
    if (t->env->pii && t->out->text.len && t->intent >= 0 && !t->asked &&
        t->out->confidence < DLG_PII_FAQ_CONFIDENCE) {
        t->out->intent = "fallback";
        return DS_OK;
    }
    /* "ne kadar sürede cevap verilir" after the KVKK answer: the part of the
     * answer before that it asks about, not another intent's guess */
    /* ("sepetim 350 TL" after the shipping fee: the same answer's lookup) */
    if (s->last_faq >= 0 && !s->flow && t->intent != s->last_faq &&
        (t->intent < 0 || t->clarify || t->out->confidence < 0.75) &&
        !(t->intent >= 0 && !t->clarify && dlg__topics(t, (size_t)t->intent)) &&
        (dlg__topics(t, (size_t)s->last_faq) ||
         (kb_intent_at(t->kb, (size_t)s->last_faq)->lookup && t->env->db &&
          dlg__lookup_answer(t, (size_t)s->last_faq)))) {
        if (t->out->text.len) { /* the lookup answered */
            t->intent = s->last_faq;
            t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
            t->clarify = 0;
            t->out->clarify = 0;
            s->clarify_a = s->clarify_b = -1;
            s->unsure = 0;
            s->last_faq = t->intent;
            s->last_topics = DLG_TOPICS_SHORT;
            s->last_ask = skeleton_hash(t);
            return DS_OK;
        }
        t->intent = s->last_faq;
        t->clarify = 0;
        t->out->clarify = 0;
        s->clarify_a = s->clarify_b = -1;
    }
    /* people are on it: what the bot cannot place is for them, not a menu;
     * a question about the verified order it can answer ("kapıcıya
     * bırakabilirler mi") is still answered below */
    /* "siparişi buradan verebilir miyim", "size ulaşınca mail gelir mi":
     * a fact of the shop asked yes or no in a phrase of its own, whatever
     * the matcher placed (or did not), before a follow-up of the order */
    if ((t->intent < 0 || (s->verified[0] && !s->flow)) &&
        !(t->intent >= 0 && t->intent == s->last_faq && skeleton_hash(t) == s->last_ask) &&
        dlg__say_yes_no(t, 2)) {
        s->unsure = 0;
        s->clarify_a = s->clarify_b = -1;
        t->clarify = 0;
        t->out->clarify = 0;
        t->out->intent = t->intent >= 0 ? kb_intent_at(t->kb, (size_t)t->intent)->id : "fallback";
        if (t->intent >= 0) { /* the same question again is told so */
            s->last_faq = t->intent;
            s->last_ask = skeleton_hash(t);
            s->last_topics = DLG_TOPICS_SHORT;
        }
        if (s->flow && s->step) {
            resume(t);
            t->answered_aside = 1;
        }
        return DS_OK;
    }
    if (for_the_people(t))
        return DS_OK;
    int order_question = s->verified[0] && t->env->db && follow_up_words(t);
    /* a question in doubt between two answers ("onu hala iade edebilir
     * miyim") still gets one, or the choice: only what the bot cannot
     * read at all, or anger (they are called already), is left for them */
    if (s->people_called && !s->flow &&
        (t->intent < 0 || (t->clarify && (t->upset || !dlg__message_asks(t)))) && !off_topic(t) &&
        !order_question) {
        s->clarify_a = s->clarify_b = -1;
        s->unsure = 0;
        t->out->intent = "fallback";
        dlg__say(t, "people.noted"); /* after hours its .closed variant */
        return DS_OK;
    }
    /* "tamam" while a dialogue waits: no thanks for nothing, what it waits for */
    if (s->flow && s->step && dlg__message_is(t, "ack", 0)) {
        t->out->intent = flow_intent_id(t);
        resume(t);
        return DS_OK;
    }
    /* angry and not understood: a person, not a guess or a menu */
    if (t->upset && (t->intent < 0 || t->clarify) && !s->flow && !off_topic(t)) {
        s->clarify_a = s->clarify_b = -1;
        s->unsure = 0;
        t->out->intent = "fallback";
        if (!t->env->closed)
            dlg__say(t, "feeling.handoff");
        dlg__hand_off(t, "normal", "kizgin_musteri");
        people(t);
        return DS_OK;
    }
    /* with an order verified and nothing in progress, a question the matcher
     * cannot place, or one with a follow-up's words to an intent the KB marks
     * "order_context" ("saat kaçta gelir": not the shop's hours), is about
     * that order */
    int about_order = t->intent >= 0 && kb_intent_at(t->kb, (size_t)t->intent)->order_context;
    if (s->verified[0] && !s->flow && t->env->db && !off_topic(t) && !t->decided &&
        (t->intent < 0 || t->clarify || (about_order && follow_up_words(t)) ||
         dlg__money_words(t))) {
        s->clarify_a = s->clarify_b = -1;
        follow_up(t);
        return DS_OK;
    }
    /* "deri sneakerın 41'i var mı": the shop's data answers before the
     * intent's text (a lookup the KB names), even where another intent was
     * close */
    /* ("aynısının beyazı var mı" in doubt with an exchange: the other one
     * of the two, if its data answers) */
    if (t->clarify && match_result_candidate_count(t->env->res) > 1 &&
        (t->intent < 0 || !kb_intent_at(t->kb, (size_t)t->intent)->lookup)) {
        int other = (int)match_result_candidate(t->env->res, 1)->intent;
        if (kb_intent_at(t->kb, (size_t)other)->lookup && !dlg__flow_of(t->kb, other))
            t->intent = other;
    }
    if (t->intent >= 0 && !dlg__flow_of(t->kb, t->intent) &&
        dlg__lookup_answer(t, (size_t)t->intent)) {
        t->clarify = 0;
        t->out->clarify = 0;
        s->clarify_a = s->clarify_b = -1;
        s->unsure = 0;
        t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
        /* what comes next may ask the same data ("620 oldu şimdi") */
        s->last_faq = t->intent;
        s->last_topics = DLG_TOPICS_SHORT;
        s->last_ask = skeleton_hash(t);
        if (s->flow) {
            resume(t);
            t->answered_aside = 1;
        }
        return DS_OK;
    }
    /* "bugün tekrar gelir mi" with the verified order on its way: the
     * stock's words with no product to look up are about the order */
    if (t->intent >= 0 && kb_intent_at(t->kb, (size_t)t->intent)->lookup &&
        !dlg__flow_of(t->kb, t->intent) && s->verified[0] && !s->flow && t->env->db &&
        !dlg__message_has_stem(t, "product_nouns") && follow_up_words(t) && !off_topic(t)) {
        s->clarify_a = s->clarify_b = -1;
        follow_up(t);
        return DS_OK;
    }
    /* "kapıda ödeme var mı": yes or no first, from the shop's facts, the
     * rest a tap away (whichever of two close intents it was). Not the same
     * words again (the honest "no more" below), and a question about two
     * parts of an answer gets both, unless a fact is named in full ("banka
     * kartına taksit") */
    int short_answer = 0;
    if (t->intent >= 0 && (t->clarify || !t->asked) && !t->decided &&
        !(t->intent == s->last_faq && skeleton_hash(t) == s->last_ask)) {
        unsigned parts = dlg__topics(t, (size_t)t->intent);
        short_answer = dlg__say_yes_no(t, parts & (parts - 1) ? 2 : 1);
    }
    if (short_answer) {
        t->clarify = 0;
        t->out->clarify = 0;
    }
    s->unsure = (t->clarify || t->intent < 0) ? s->unsure + 1 : 0;
    t->flow = NULL;
    int repeat = 0, refused = 0;
    unsigned long long ask = skeleton_hash(t);
    if (short_answer) {
        s->clarify_a = s->clarify_b = -1;
        t->out->intent = kb_intent_at(t->kb, (size_t)t->intent)->id;
        s->last_topics = DLG_TOPICS_SHORT; /* whatever is asked next is not a repeat */
        if (s->flow) {
            resume(t);
            t->answered_aside = 1;
        }
    } else if (t->clarify && s->flow && s->step && dlg__tells_condition(t)) {
        /* "kutusu duruyor, bir kere denedim" while an exchange waits: the
         * item's state, noted, and what the dialogue waits for */
        s->clarify_a = s->clarify_b = -1;
        s->unsure = 0;
        t->out->intent = "fallback";
        dlg__say(t, "condition.noted");
        resume(t);
        t->answered_aside = 1;
    } else if (t->clarify) {
        clarify(t);
    } else if (t->intent < 0 && s->flow) {
        /* not understood in the middle of a dialogue: no off-topic refusal,
         * what the dialogue waits for instead */
        s->clarify_a = s->clarify_b = -1;
        t->out->intent = "fallback";
        dlg__say(t, "fallback.in_flow");
        resume(t);
    } else {
        s->clarify_a = s->clarify_b = -1;
        int idx = t->intent >= 0 ? t->intent : kb_intent_find(t->kb, "fallback");
        /* the same answer twice in a row is not an answer */
        unsigned topics = t->intent >= 0 ? dlg__topics(t, (size_t)t->intent) : 0;
        repeat = t->intent >= 0 && t->intent == s->last_faq &&
                 (topics == s->last_topics ||
                  (s->last_topics == DLG_TOPICS_SHORT && ask == s->last_ask));
        s->last_topics = topics;
        if (repeat) {
            /* other words: the sentence they ask for; the same words again,
             * or nothing in the answer about them: said so */
            refused = ask == s->last_ask || !dlg__answer_part(t, (size_t)idx);
            /* another question the same part of the answer answers ("kılavuzu
             * türkçe mi", then "gerçek deri mi"): that part again, short */
            if (refused && ask != s->last_ask && topics) {
                st = dlg__say_intent(t, (size_t)idx);
                refused = 0;
            } else if (refused) {
                t->out->intent = kb_intent_at(t->kb, (size_t)idx)->id;
                dlg__say(t, "repeat.faq");
            }
        } else if (t->intent < 0 && off_topic(t)) {
            /* out of the shop's business: said so, with what the bot can do */
            t->out->intent = "fallback";
            dlg__say(t, "fallback.off_topic");
            const kb_intent *fb = kb_intent_at(t->kb, (size_t)idx);
            for (size_t i = 0; i < fb->quick_reply_count; i++)
                dlg__add_quick_reply(t->out, fb->quick_replies[i]);
        } else {
            st = dlg__say_intent(t, (size_t)idx);
        }
        if (t->intent >= 0 && s->flow) { /* a question in the middle of an order dialogue */
            resume(t);
            t->answered_aside = 1;
        }
    }
    s->last_faq = t->intent >= 0 && !t->clarify && !refused ? t->intent : -1;
    s->last_ask = s->last_faq >= 0 ? ask : 0;
    if (s->last_faq < 0)
        s->last_topics = 0;
    if (s->unsure >= 2) {
        /* said, not done behind the shopper's back */
        if (!t->env->closed && !s->people_called)
            dlg__say(t, "people.unsure");
        dlg__hand_off(t, "normal", "anlasilamadi");
        people(t);
    }
    return st;
}

/* The reply answered another request than the dialogue that waits
 * ("verilerimi silin" while the order check waits): no stall of it. */
static int answered_other(const dlg_turn *t)
{
    const char *id = t->out->intent;
    return id && *id && strcmp(id, "fallback") != 0 && strcmp(id, flow_intent_id(t)) != 0;
}

/* The same question asked a third time is a loop: the bot has not
 * understood, and saying so with a person on offer beats asking again. A
 * turn that gave something the step wants (the proof while the number is
 * awaited) or got its own question answered is no stall. */
static void break_loop(dlg_turn *t, const dlg_flow *was_flow, const char *was_step)
{
    dlg_session *s = t->s;
    /* the after-hours request is the way to people already */
    int same = s->flow && s->flow == was_flow && s->step && s->step == was_step &&
               s->step != DLG_STEP_IDENTITY && !t->answered_aside && !t->got_slot &&
               !answered_other(t) && !t->english && !(s->flow->flags & DLG_FLOW_AFTER_HOURS);
    s->stalls = same ? s->stalls + 1 : 0;
    if (s->stalls < DLG_MAX_STALLS)
        return;
    s->stalls = 0;
    t->out->text.len = 0;
    t->out->text.data[0] = '\0';
    t->out->quick_reply_count = 0;
    dlg__say(t, "loop.give_up");
    end_flow(s);
}

ds_status dlg_respond_normalised(dlg_env *env, dlg_session *s, const char *text, size_t len,
                                 dlg_reply *out, ds_error *err)
{
    const kb_base *kb = match_engine_kb(env->me);
    /* the flows read the message as a C string; text need not be one */
    char small[512], *copy = len < sizeof small ? small : ds_malloc(len + 1);
    if (!copy)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    char run_text[DLG_RUNS_TEXT];
    dlg_turn t = {.env = env,
                  .s = s,
                  .out = out,
                  .err = err,
                  .kb = kb,
                  .msg = env->scratch,
                  .text = copy,
                  .item = DLG_ITEM_NONE,
                  .run_text = run_text};
    ds_status st;
    int intent = chosen_title(kb, s, text, len);
    int tapped = intent >= 0;
    if (tapped) {
        out->confidence = 1.0;
    } else {
        if ((st = match_classify(env->me, env->scratch, env->res)) != DS_OK) {
            if (copy != small)
                ds_free(copy);
            return ds_fail(err, st, "cannot classify");
        }
        out->confidence = match_result_confidence(env->res);
        t.clarify = match_result_clarify(env->res);
        intent = match_result_is_fallback(env->res) ? -1 : match_result_intent_index(env->res);
    }
    s->next_offered = -1; /* a button for the next message only */
    /* whether people are called is the store's hand-off when the service
     * says: one an agent closed or gave back is nobody coming */
    if (env->handoff != DLG_HANDOFF_UNKNOWN)
        s->people_called = env->handoff == DLG_HANDOFF_OPEN;
    dlg__feel(&t);
    int second = -1;
    if (!tapped)
        intent = dlg__read_request(&t, intent, &second);
    t.got_slot = fill_slots(&t);
    /* "KIS20", "ARALIK15 geçmiyor": a coupon code the matcher cannot place
     * by its words is a question about coupons (the contract's intent),
     * unless a dialogue was asked for clearly */
    if (!tapped && !t.got_slot && dlg__coupon_shaped(&t) &&
        (intent < 0 || t.clarify || out->confidence < DLG_SWITCH_WITH_SLOT)) {
        int coupon = kb_intent_find(kb, "kampanya_indirim");
        if (coupon >= 0) {
            intent = coupon;
            t.clarify = 0;
        }
    }
    /* "tamam, yarın yazarım" ends the talk for now: not a question about
     * the shop's hours, not a request the bot failed to read */
    if (!tapped && (intent < 0 || t.clarify || !dlg__flow_of(kb, intent)) &&
        dlg__message_closes(&t)) {
        int bye = dlg__intent_of_flag(kb, DLG_FLOW_CLOSING);
        if (bye >= 0) {
            intent = bye;
            t.clarify = 0;
            second = -1;
        }
    }
    /* an order number the matcher cannot place, outside any dialogue: the
     * shopper wants to know about that order, so its status (after the
     * identity check) */
    const dlg_flow *of = intent >= 0 ? dlg__flow_of(kb, intent) : NULL;
    if (of && of->wants && !of->wants(&t))
        of = NULL; /* a question about the flow's subject: an answer, as one without a flow */
    /* "selam 2001001 bakar mısınız"; "2001001 ne zaman kargoya verilir" is
     * about that order, not the shop's delivery times */
    int order_faq = intent >= 0 && !of && kb_intent_at(kb, (size_t)intent)->order_context;
    /* "buldum 1051426 yazıyor telefona gelen mesajda": a weak guess at a
     * request that needs no order loses to the order number */
    int weak_other = intent >= 0 && (!of || !(of->flags & (DLG_NEEDS_ORDER | DLG_FLOW_PEOPLE))) &&
                     out->confidence < DLG_SWITCH_WITH_SLOT;
    /* "ay pardon yanlış yazmışım 1052790": a number corrected, not an
     * address to change on a guess */
    int corrects =
        intent >= 0 && dlg__message_has(&t, "correction") && out->confidence < DLG_SWITCH_WITH_SLOT;
    int aside_intent = (of && (of->flags & DLG_FLOW_ASIDE)) || order_faq || weak_other || corrects;
    int after_faq = 0;
    if ((intent < 0 || aside_intent) && (!t.clarify || order_faq) &&
        (!s->flow || (s->flow->flags & DLG_FLOW_ASIDE)) &&
        (has_order_no(kb, env->scratch) || (t.got_slot && !s->verified[0]))) {
        /* "faturam nerede" answered, then "1048213": the number that answer
         * asked for, for that request */
        const dlg_flow *lf = dlg__flow_of(kb, s->last_faq);
        after_faq = lf && (lf->flags & DLG_FLOW_AFTER_FAQ);
        intent = after_faq ? s->last_faq : dlg__intent_of_flag(kb, DLG_FLOW_BARE_ORDER);
        t.clarify = 0;
    }
    t.intent = intent;
    t.asked = t.clarify ? NULL : dlg__flow_of(kb, intent);
    dlg__settle_asked(&t, has_order_no(kb, env->scratch), after_faq);
    int last_faq = s->last_faq;
    unsigned last_topics = s->last_topics;
    s->last_faq = -1; /* kept by an FAQ answer only */
    s->last_topics = 0;
    s->turn++;
    st = DS_OK;
    if (env->pii && !s->pii_warned) { /* once a conversation is enough */
        /* "IBAN'ım TR.. tc de lazımsa 1234..": each kind named in the warning */
        unsigned kinds = (env->pii & PII_IBAN ? 1u : 0) +
                         (env->pii & (PII_CARD | PII_CVV) ? 1u : 0) +
                         (env->pii & PII_TCKN ? 1u : 0);
        dlg__say(&t, kinds > 1                         ? "pii.warning.several"
                     : env->pii & PII_IBAN             ? "pii.warning.iban"
                     : env->pii & (PII_CARD | PII_CVV) ? "pii.warning.card"
                                                       : "pii.warning");
        s->pii_warned = 1;
    }
    if (env->pii)
        s->pii_turn = s->turn;
    const dlg_flow *was_flow = s->flow;
    const char *was_step = s->step;
    if (!flow_turn(&t)) {
        s->last_faq = last_faq;
        s->last_topics = last_topics;
        st = faq_turn(&t);
    }
    if (st == DS_OK && second >= 0 && !out->clarify)
        dlg__serve_second(&t, second);
    if (st == DS_OK && out->text.len)
        break_loop(&t, was_flow, was_step);
    if (st == DS_OK) {
        dlg__not_again(&t);
        dlg__offer_next(&t);
        /* a flow that said nothing (a bug, or a KB without the message)
         * must not leave the shopper with silence */
        if (!out->text.len)
            dlg__say(&t, out->handoff_priority ? "assistant.connecting" : "fallback.in_flow");
        dlg__acknowledge(&t);
        dlg__drop_spent_buttons(&t);
        dlg__people_buttons(&t); /* last: nothing adds a quick reply after it */
        dlg__remember_product(&t);
        dlg__remember_reason(&t);
    }
    store_order_free(t.order);
    if (copy != small)
        ds_free(copy);
    if (out->handoff_priority || out->offline_request)
        s->people_called = 1;
    ds_buf_append(&out->text, "", 0); /* a reply has a text, if empty (a KB without messages) */
    out->verified = s->verified[0] != '\0';
    if (st == DS_OK && out->text.failed)
        st = ds_fail(err, DS_ENOMEM, "out of memory");
    return st;
}

ds_status dlg_respond(dlg_env *env, dlg_session *s, const char *text, size_t len, dlg_reply *out,
                      ds_error *err)
{
    const kb_base *kb = match_engine_kb(env->me);
    ds_status st = nlp_normalise(kb_lexicon(kb), text, len, env->scratch, err);
    if (st != DS_OK)
        return st;
    return dlg_respond_normalised(env, s, text, len, out, err);
}

ds_status dlg_greet(dlg_env *env, dlg_session *s, dlg_reply *out, ds_error *err)
{
    (void)err;
    dlg_turn t = {.env = env, .s = s, .out = out, .kb = match_engine_kb(env->me)};
    dlg__say(&t, "welcome");
    dlg__people_buttons(&t);
    return out->text.failed ? ds_fail(err, DS_ENOMEM, "out of memory") : DS_OK;
}
