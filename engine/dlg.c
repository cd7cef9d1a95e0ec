/* SPDX-License-Identifier: MIT */
/* Replies from classifications. The order dialogues (slots, identity check)
 * build on this; for now each turn is answered from the knowledge base. */
#include "dlg.h"

#include <string.h>

#define HUMAN_QUICK_REPLY "Temsilciye bağlan"

struct dlg_session {
    unsigned turn;          /* rotates between an intent's answers */
    int last_intent;        /* kb index, -1 none */
    int clarify_a, clarify_b; /* candidates offered in the last clarifying question */
};

dlg_session *dlg_session_new(void)
{
    dlg_session *s = ds_calloc(1, sizeof *s);
    if (s)
        s->last_intent = s->clarify_a = s->clarify_b = -1;
    return s;
}

void dlg_session_free(dlg_session *s)
{
    ds_free(s);
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

static void add_qr(dlg_reply *r, const char *q)
{
    for (size_t i = 0; i < r->quick_reply_count; i++)
        if (strcmp(r->quick_replies[i], q) == 0)
            return;
    if (r->quick_reply_count < DLG_MAX_QUICK_REPLIES)
        r->quick_replies[r->quick_reply_count++] = q;
}

static ds_status answer_intent(const kb_base *kb, dlg_session *s, size_t idx, dlg_reply *out,
                               ds_error *err)
{
    const kb_intent *in = kb_intent_at(kb, idx);
    out->intent = in->id;
    ds_status st = kb_render_answer(kb, in, s->turn++, &out->text, err);
    for (size_t i = 0; i < in->quick_reply_count; i++)
        add_qr(out, in->quick_replies[i]);
    s->last_intent = (int)idx;
    s->clarify_a = s->clarify_b = -1;
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

ds_status dlg_respond(const match_engine *me, dlg_session *s, nlp_text *scratch,
                      match_result *res, const char *text, size_t len, dlg_reply *out,
                      ds_error *err)
{
    const kb_base *kb = match_engine_kb(me);
    ds_status st = nlp_normalise(kb_lexicon(kb), text, len, scratch, err);
    if (st != DS_OK)
        return st;
    int picked = chosen_title(kb, s, text, len);
    if (picked >= 0) {
        out->confidence = 1.0;
        return answer_intent(kb, s, (size_t)picked, out, err);
    }
    if ((st = match_classify(me, scratch, res)) != DS_OK)
        return ds_fail(err, st, "cannot classify");
    out->confidence = match_result_confidence(res);
    if (match_result_clarify(res)) {
        const match_candidate *a = match_result_candidate(res, 0);
        const match_candidate *b = match_result_candidate(res, 1);
        out->intent = a->id;
        out->clarify = 1;
        ds_buf_puts(&out->text, "Tam emin olamadım, hangisiyle ilgili yardımcı olayım?");
        add_qr(out, kb_intent_at(kb, a->intent)->title);
        add_qr(out, kb_intent_at(kb, b->intent)->title);
        add_qr(out, HUMAN_QUICK_REPLY);
        s->clarify_a = (int)a->intent;
        s->clarify_b = (int)b->intent;
        return out->text.failed ? ds_fail(err, DS_ENOMEM, "out of memory") : DS_OK;
    }
    int idx = match_result_intent_index(res);
    if (idx < 0) { /* a KB without a fallback intent cannot load; keep a floor anyway */
        out->intent = "fallback";
        ds_buf_puts(&out->text, "Bunu anlayamadım. Sizi bir temsilciye bağlayabilirim.");
        add_qr(out, HUMAN_QUICK_REPLY);
        return DS_OK;
    }
    st = answer_intent(kb, s, (size_t)idx, out, err);
    if (match_result_is_fallback(res))
        add_qr(out, HUMAN_QUICK_REPLY);
    return st;
}

ds_status dlg_greet(const match_engine *me, dlg_session *s, dlg_reply *out, ds_error *err)
{
    const kb_base *kb = match_engine_kb(me);
    int idx = kb_intent_find(kb, "selamlama");
    if (idx < 0) {
        out->intent = "selamlama";
        ds_buf_puts(&out->text, "Merhaba! Size nasıl yardımcı olabilirim?");
        return DS_OK;
    }
    return answer_intent(kb, s, (size_t)idx, out, err);
}
