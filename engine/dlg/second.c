/* SPDX-License-Identifier: MIT */
/* Two requests in one message ("kargom nerede, bir de iade nasıl
 * yapılıyor"): the first is served, not a "which one did you mean". A second
 * that is a question of the knowledge base is answered in the same reply; a
 * second that is a dialogue of its own waits until the first is over and is
 * then offered with a button. The words that join two requests are the KB's
 * (dialogue.json words "also"). */
#include "dlg_int.h"

#include <string.h>

/* Evidence a second intent needs to count as asked: a keyword's worth, and
 * not far below the first. */
#define SECOND_MIN_SCORE 2.5
#define SECOND_MIN_SHARE 0.25

int dlg__second_request(const dlg_turn *t)
{
    const match_result *res = t->env->res;
    if (match_result_candidate_count(res) < 2 || !dlg__message_has(t, "also"))
        return -1;
    const match_candidate *a = match_result_candidate(res, 0), *b = match_result_candidate(res, 1);
    const kb_intent *ia = kb_intent_at(t->kb, a->intent), *ib = kb_intent_at(t->kb, b->intent);
    if (strcmp(a->id, "fallback") == 0 || strcmp(b->id, "fallback") == 0 || ia->low_priority ||
        ib->low_priority || b->score < SECOND_MIN_SCORE || b->score < SECOND_MIN_SHARE * a->score)
        return -1;
    const dlg_flow *fa = dlg__flow_of(t->kb, (int)a->intent),
                   *fb = dlg__flow_of(t->kb, (int)b->intent);
    /* the same dialogue twice, or two ways of showing one order, is one request */
    if (fa && fa == fb)
        return -1;
    if (fa && fb && (fa->flags & fb->flags & DLG_FLOW_ORDER_FACTS))
        return -1;
    return (int)b->intent;
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
    dlg__say(t, "next.offer");
    dlg__add_quick_reply(t->out, kb_intent_at(t->kb, (size_t)next)->title);
    s->next_offered = next;
}
