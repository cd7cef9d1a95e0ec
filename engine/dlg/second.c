/* SPDX-License-Identifier: MIT */
/* Two requests in one message ("kargom nerede, bir de iade nasıl
 * yapılıyor"): the first is served, not a "which one did you mean". A second
 * that is a question of the knowledge base is answered in the same reply; a
 * second that is a dialogue of its own waits until the first is over and is
 * then offered with a button. The words that join two requests are the KB's
 * (dialogue.json words "also"). */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

/* Evidence a second intent needs to count as asked: a keyword's worth, and
 * not far below the first. */
#define SECOND_MIN_SCORE 2.5
#define SECOND_MIN_SHARE 0.25
/* ... and what a side of the joining words needs on its own */
#define SECOND_PART_MIN_SCORE 1.5
/* A part after the question of this many words or fewer that asks nothing
 * ("faturayı nereden indirebilirim? mailime gelmedi") tells more of the
 * question, not a request of its own */
#define SECOND_DETAIL_MAX_WORDS 3

/* Two intents are two requests: not the same dialogue twice, nor two ways
 * of showing one order, nor a greeting or thanks. */
static int two_requests(const dlg_turn *t, size_t a, size_t b)
{
    const kb_intent *ia = kb_intent_at(t->kb, a), *ib = kb_intent_at(t->kb, b);
    if (a == b || strcmp(ia->id, "fallback") == 0 || strcmp(ib->id, "fallback") == 0 ||
        ia->low_priority || ib->low_priority)
        return 0;
    const dlg_flow *fa = dlg__flow_of(t->kb, (int)a), *fb = dlg__flow_of(t->kb, (int)b);
    if (fa && fa == fb)
        return 0;
    return !(fa && fb && (fa->flags & fb->flags & DLG_FLOW_ORDER_FACTS));
}

/* The token where the words joining two requests start, and how many
 * tokens they take, or 0. */
static size_t joiner_at(const dlg_turn *t, size_t *len)
{
    size_t n = nlp_text_token_count(t->msg);
    for (size_t i = 1; i < n; i++) {
        char two[128];
        const nlp_token *a = nlp_text_token(t->msg, i);
        if (kb_words_has(t->kb, "also", a->text)) {
            *len = 1;
            return i;
        }
        if (i + 1 < n) {
            snprintf(two, sizeof two, "%s %s", a->text, nlp_text_token(t->msg, i + 1)->text);
            if (kb_words_has(t->kb, "also", two)) {
                *len = 2;
                return i;
            }
        }
    }
    return 0;
}

/* The intent text[0..len) asks for on its own, or -1. */
static int text_intent(const dlg_turn *t, const char *text, size_t len, nlp_text *nt,
                       match_result *r)
{
    if (len && nlp_normalise(kb_lexicon(t->kb), text, len, nt, NULL) == DS_OK &&
        match_classify(t->env->me, nt, r) == DS_OK && !match_result_is_fallback(r) &&
        match_result_candidate_count(r) > 0 &&
        match_result_candidate(r, 0)->score >= SECOND_PART_MIN_SCORE)
        return (int)match_result_candidate(r, 0)->intent;
    return -1;
}

/* The intent tokens [from, to) of the message ask for on their own, or -1. */
static int part_intent(const dlg_turn *t, size_t from, size_t to, nlp_text *nt, match_result *r)
{
    ds_buf b;
    ds_buf_init(&b);
    for (size_t i = from; i < to; i++) {
        if (b.len)
            ds_buf_puts(&b, " ");
        ds_buf_puts(&b, nlp_text_token(t->msg, i)->text);
    }
    int intent = b.failed ? -1 : text_intent(t, b.data, b.len, nt, r);
    ds_buf_cleanup(&b);
    return intent;
}

/* "kargom nerede? iade nasıl yapılıyor": two questions, each read on its
 * own, when the message as a whole reads as one request. */
static int split_at_question(const dlg_turn *t, int *first)
{
    const char *q = t->text ? strchr(t->text, '?') : NULL;
    while (q && q[1] == '?')
        q++;
    if (!q || strspn(q + 1, " ?!.") == strlen(q + 1))
        return -1; /* one question, or nothing after it */
    nlp_text *nt = nlp_text_new();
    match_result *r = match_result_new(t->env->me);
    int a = -1, b = -1, a_sure = 0, detail = 0;
    if (nt && r) {
        a = text_intent(t, t->text, (size_t)(q - t->text), nt, r);
        a_sure = a >= 0 && !match_result_clarify(r);
        b = a >= 0 ? text_intent(t, q + 1, strlen(q + 1), nt, r) : -1;
        detail = a >= 0 && nlp_text_token_count(nt) <= SECOND_DETAIL_MAX_WORDS &&
                 !match_text_asks(t->env->me, nt);
    }
    match_result_free(r);
    nlp_text_free(nt);
    if (detail && a_sure) { /* a question in doubt keeps both readings */
        *first = a;
        return -1;
    }
    if (a < 0 || b < 0 || !two_requests(t, (size_t)a, (size_t)b))
        return -1;
    *first = a;
    return b;
}

/* "taksit var mı, bir de kaç günde gelir": each side of the joining words
 * read on its own, when the message as a whole reads as one request. */
static int split(const dlg_turn *t, int *first)
{
    size_t len = 0, at = joiner_at(t, &len);
    if (!at)
        return -1;
    nlp_text *nt = nlp_text_new();
    match_result *r = match_result_new(t->env->me);
    int a = -1, b = -1;
    if (nt && r) {
        a = part_intent(t, 0, at, nt, r);
        b = a >= 0 ? part_intent(t, at + len, nlp_text_token_count(t->msg), nt, r) : -1;
    }
    match_result_free(r);
    nlp_text_free(nt);
    if (a < 0 || b < 0 || !two_requests(t, (size_t)a, (size_t)b))
        return -1;
    *first = a;
    return b;
}

int dlg__second_request(const dlg_turn *t, int *first)
{
    int was = *first;
    int q = split_at_question(t, first);
    if (q >= 0 || *first != was)
        return q;
    const match_result *res = t->env->res;
    /* "bir de ..." opening the message joins it to the talk, not two
     * requests: the joining words count after the first word */
    size_t len = 0;
    if (match_result_candidate_count(res) < 1 || !joiner_at(t, &len))
        return -1;
    const match_candidate *a = match_result_candidate(res, 0);
    const match_candidate *b =
        match_result_candidate_count(res) > 1 ? match_result_candidate(res, 1) : NULL;
    if (b && b->score >= SECOND_MIN_SCORE && b->score >= SECOND_MIN_SHARE * a->score &&
        two_requests(t, a->intent, b->intent))
        return (int)b->intent;
    return split(t, first);
}

void dlg__serve_second(dlg_turn *t, int second)
{
    dlg_session *s = t->s;
    if (second < 0)
        return;
    if (dlg__flow_of(t->kb, second)) {
        s->next_intent = second; /* offered once the first is over */
        return;
    }
    /* an answer of the KB: said with this reply, before a question the
     * reply ends on */
    dlg_reply extra;
    dlg_reply_init(&extra);
    dlg_reply *out = t->out;
    const char *intent = out->intent;
    t->out = &extra;
    dlg__say_intent(t, (size_t)second);
    t->out = out;
    out->intent = intent;
    if (extra.text.len) {
        if (s->step)
            dlg__put_first(t, extra.text.data, "\n\n");
        else {
            ds_buf_puts(&out->text, "\n\n");
            ds_buf_append(&out->text, extra.text.data, extra.text.len);
        }
    }
    /* no button for what this reply has just answered */
    const char *first =
        intent ? kb_intent_at(t->kb, (size_t)kb_intent_find(t->kb, intent))->title : "";
    for (size_t i = 0; i < extra.quick_reply_count; i++)
        if (strcmp(extra.quick_replies[i], first) != 0 &&
            strcmp(extra.quick_replies[i], kb_intent_at(t->kb, (size_t)second)->title) != 0)
            dlg__add_quick_reply(out, extra.quick_replies[i]);
    dlg_reply_cleanup(&extra);
}

void dlg__offer_next(dlg_turn *t)
{
    dlg_session *s = t->s;
    if (s->next_intent < 0 || s->flow || t->out->handoff_priority || t->out->offline_started)
        return;
    int next = s->next_intent;
    s->next_intent = -1;
    if (t->intent == next) /* asked for it already */
        return;
    t->offer = kb_intent_at(t->kb, (size_t)next)->title;
    dlg__say(t, "next.offer");
    t->offer = NULL;
    dlg__add_quick_reply(t->out, kb_intent_at(t->kb, (size_t)next)->title);
    s->next_offered = next;
}
