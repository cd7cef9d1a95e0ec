/* SPDX-License-Identifier: MIT */
/* The part of an answer a question asks for: when the shopper asks about
 * the same intent again in other words ("kaç taksit" after the payment
 * answer), the sentence of that answer that shares the most words with the
 * question, rather than the whole block again or "I wrote that already". */
#include <string.h>

#include "dlg_int.h"

/* A sentence's span in the rendered answer: up to a sentence's end
 * (dlg__sentence_end) or a line break, with bullets and spaces trimmed. */
typedef struct span {
    const char *p;
    size_t n;
} span;

static size_t split(const char *s, size_t len, span *out, size_t cap)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= len && count < cap; i++) {
        int end = i == len || s[i] == '\n' || dlg__sentence_end(s, len, i);
        if (!end)
            continue;
        size_t a = start, b = i < len && s[i] != '\n' ? i + 1 : i;
        start = i + 1;
        while (a < b && (s[a] == ' ' || s[a] == '-' || (unsigned char)s[a] == 0xe2))
            a += (unsigned char)s[a] == 0xe2 && a + 2 < b ? 3 : 1; /* "• " is e2 80 a2 */
        while (b > a && s[b - 1] == ' ')
            b--;
        if (b > a + 3)
            out[count++] = (span){s + a, b - a};
    }
    return count;
}

/* Two words are the same word inflected when they share their first five
 * bytes, or four when one is that short: "taksit", "taksite"; "iade",
 * "iadesi". */
static int same_word(const nlp_token *a, const nlp_token *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    if (n > 5)
        n = 5;
    return n >= 4 && memcmp(a->text, b->text, n) == 0;
}

/* How many of the message's words (not fillers, four letters and more) the
 * sentence has. */
static int overlap(const dlg_turn *t, const nlp_text *sentence)
{
    int score = 0;
    for (size_t i = 0; i < nlp_text_token_count(t->msg); i++) {
        const nlp_token *m = nlp_text_token(t->msg, i);
        if (m->kind != NLP_TOK_WORD || m->len < 4 || kb_words_has(t->kb, "fillers", m->text))
            continue;
        for (size_t j = 0; j < nlp_text_token_count(sentence); j++) {
            const nlp_token *w = nlp_text_token(sentence, j);
            if (w->kind == NLP_TOK_WORD && same_word(m, w)) {
                score++;
                break;
            }
        }
    }
    return score;
}

int dlg__answer_part(dlg_turn *t, size_t idx)
{
    const kb_intent *in = kb_intent_at(t->kb, idx);
    ds_buf full;
    ds_buf_init(&full);
    unsigned topics = dlg__topics(t, idx);
    ds_status st = DS_OK;
    if (!topics)
        st = kb_render_answer_with(t->kb, in, t->s->turn, dlg__turn_lookup, t, &full, NULL);
    for (size_t i = 0; topics && i < in->topic_count && st == DS_OK; i++)
        if (topics & (1u << i)) {
            ds_buf_puts(&full, "\n");
            st = kb_render_text_with(t->kb, in->topics[i].answer, dlg__turn_lookup, t, &full, NULL);
        }
    int said = st == DS_OK && full.data && dlg__say_part_of(t, full.data, full.len);
    if (said)
        t->out->intent = in->id;
    ds_buf_cleanup(&full);
    return said;
}

int dlg__say_part_of(dlg_turn *t, const char *text, size_t len)
{
    span parts[32];
    size_t n = split(text, len, parts, 32);
    nlp_text *nt = n ? nlp_text_new() : NULL;
    int best = -1, best_score = 0;
    for (size_t i = 0; nt && i < n; i++) {
        if (nlp_normalise(kb_lexicon(t->kb), parts[i].p, parts[i].n, nt, NULL) != DS_OK)
            continue;
        int sc = overlap(t, nt);
        if (sc > best_score) {
            best = (int)i;
            best_score = sc;
        }
    }
    nlp_text_free(nt);
    if (best >= 0) {
        ds_buf *b = &t->out->text;
        if (b->len)
            ds_buf_puts(b, "\n\n");
        ds_buf_append(b, parts[best].p, parts[best].n);
    }
    return best >= 0;
}
