/* SPDX-License-Identifier: MIT */
/* Replies not sent again word for word: the facts of an order told twice in
 * a row, a long answer repeated a few turns later (the last DLG_RECENT
 * replies' hashes are saved with the state), and buttons for what is
 * behind the shopper. The router calls these once a reply is made. */
#include "dlg_int.h"

#include <string.h>

static unsigned long long text_hash(const ds_buf *b)
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < b->len; i++)
        h = (h ^ (unsigned char)b->data[i]) * 1099511628211ULL;
    return h | 1; /* never 0, which means none */
}

/* Where the first sentence of b ends (dlg__sentence_end) or a line's end,
 * not before DLG_RECENT_MIN_LEN / 2 bytes. */
static size_t first_sentence_end(const ds_buf *b)
{
    for (size_t end = 0; end < b->len; end++) {
        char c = b->data[end];
        if (c == '\n')
            return end;
        if (end >= DLG_RECENT_MIN_LEN / 2 && dlg__sentence_end(b->data, b->len, end))
            return end;
    }
    return b->len;
}

/* The same long reply word for word a few turns later ("hediye paketi
 * var mı" after another question): its first sentence, and that it was
 * said already, not the whole block again. A question a dialogue waits on
 * may be asked again as it is. */
/* "Sipariş numaramı bilmiyorum" once an order is verified: a button for
 * what is behind the shopper (dialogue.json "button.no_order_number"). */
void dlg__drop_spent_buttons(dlg_turn *t)
{
    const kb_message *spent = kb_message_get(t->kb, "button.no_order_number");
    if (!t->s->verified[0] || !spent || !spent->text_count)
        return;
    dlg_reply *r = t->out;
    size_t kept = 0;
    for (size_t i = 0; i < r->quick_reply_count; i++)
        if (strcmp(r->quick_replies[i], spent->texts[0]) != 0)
            r->quick_replies[kept++] = r->quick_replies[i];
    r->quick_reply_count = kept;
}

static void not_again_later(dlg_turn *t)
{
    dlg_session *s = t->s;
    ds_buf *b = &t->out->text;
    /* a goodbye said again is no block repeated ("süpersiniz iyi günler"
     * after the thanks) */
    const dlg_flow *f = t->intent >= 0 ? dlg__flow_of(t->kb, t->intent) : NULL;
    /* (nor is the note in English, which the Turkish cut would garble) */
    if (s->step || b->len < DLG_RECENT_MIN_LEN || (f && (f->flags & DLG_FLOW_CLOSING)) ||
        t->english)
        return;
    unsigned long long h = text_hash(b);
    int seen = 0;
    for (size_t i = 0; i < DLG_RECENT; i++)
        seen |= s->recent[i] == h;
    memmove(s->recent + 1, s->recent, (DLG_RECENT - 1) * sizeof *s->recent);
    s->recent[0] = h;
    if (!seen)
        return;
    size_t end = first_sentence_end(b);
    if (end < b->len && b->data[end] != '\n')
        end++;
    b->len = end;
    b->data[end] = '\0';
    dlg__say(t, "repeat.again"); /* people coming, after hours: its variants */
}

/* The facts of an order (or of a return) told again word for word read as
 * a machine stuck; nothing has changed since, and that is what the shopper
 * is told; a long reply
 * said again a few turns later is cut to its first sentence. */
void dlg__not_again(dlg_turn *t)
{
    dlg_session *s = t->s;
    /* a flow's closing words (a question waiting for its answer may be
     * asked again) */
    int facts = t->flow && !s->step && t->out->text.len;
    unsigned long long h = facts ? text_hash(&t->out->text) : 0;
    if (h && h == s->last_order_reply) {
        char *was = ds_strndup(t->out->text.data, t->out->text.len);
        size_t was_len = t->out->text.len;
        t->out->text.len = 0;
        t->out->text.data[0] = '\0';
        /* with people on it already, the message is theirs to read; else the
         * sentence of it the question is about ("kargoya verildiyse iptal
         * olmaz mı": the one that says why not), if it is not all of it */
        if (s->people_called) {
            dlg__say(t, "people.noted"); /* after hours its .closed variant */
        } else if (!was || !dlg__say_part_of(t, was, was_len) ||
                   t->out->text.len * 5 > was_len * 4) {
            t->out->text.len = 0;
            if (t->out->text.data)
                t->out->text.data[0] = '\0';
            dlg__say(t, "repeat.order");
        } else {
            dlg__say(t, "repeat.part"); /* and what else there is: a person */
        }
        ds_free(was);
    }
    s->last_order_reply = h;
    not_again_later(t);
}
