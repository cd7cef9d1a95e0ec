/* SPDX-License-Identifier: MIT */
/* A question the shop can answer for everyone, asked while the identity
 * check waits ("iade ücretsiz mi", "taksitler ne olacak", "süre geçmedi
 * değil mi"): answered from the knowledge base, with what the check still
 * waits for, rather than the check's demand again. Only the part of an
 * answer the question names (a topic), so the general rule never stands in
 * for the shopper's own order. */
#include "dlg_int.h"

#include <string.h>

/* How far down the matcher's list, and how close to its best, an intent
 * may be and still be what the question is about. */
#define WAIT_CANDIDATES 4
#define WAIT_MIN_SHARE 0.3

/* The first answer the KB relates to intent owner whose topic the message
 * names, or -1. */
static int related_topic(const dlg_turn *t, int owner)
{
    if (owner < 0)
        return -1;
    const kb_intent *in = kb_intent_at(t->kb, (size_t)owner);
    for (size_t k = 0; k < in->related_count; k++) {
        int r = kb_intent_find(t->kb, in->related[k]);
        if (r >= 0 && !dlg__flow_of(t->kb, r) && dlg__topics(t, (size_t)r))
            return r;
    }
    return -1;
}

int dlg__general_while_waiting(const dlg_turn *t, int candidates_only)
{
    const match_result *res = t->env->res;
    size_t n = match_result_candidate_count(res);
    if (n == 0 || t->got_slot)
        return -1;
    /* the dialogue waiting says what the question is most likely about:
     * "taksitler ne olacak" in a return is the return's instalments */
    int r = related_topic(t, t->s->flow_intent);
    if (r >= 0)
        return r;
    double best = match_result_candidate(res, 0)->score;
    for (size_t i = 0; i < n && i < WAIT_CANDIDATES; i++) {
        const match_candidate *c = match_result_candidate(res, i);
        if (c->score < WAIT_MIN_SHARE * best || strcmp(c->id, "fallback") == 0)
            break;
        /* a request of its own (a dialogue) is the router's to start */
        if (dlg__flow_of(t->kb, (int)c->intent))
            continue;
        if (dlg__topics(t, c->intent))
            return (int)c->intent;
    }
    /* beside the request the message reads as ("kartıma yatmadı" while a
     * cancellation's check waits) */
    return candidates_only ? -1 : related_topic(t, (int)match_result_candidate(res, 0)->intent);
}

int dlg__waiting_topic(const dlg_turn *t)
{
    return related_topic(t, t->s->flow_intent);
}
