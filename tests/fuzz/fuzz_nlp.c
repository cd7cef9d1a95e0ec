/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as a shopper's message. Normalises them with
 * a lexicon (twice, into a fresh and a reused nlp_text, which must agree),
 * checks the token and entity invariants, then classifies the message and
 * answers it over tests/data/kb/valid/match_small. Built as a libFuzzer
 * binary with -Dfuzz=true, and with replay.c as a corpus replay otherwise. */
#include <string.h>

#include "dlg.h"
#include "ds.h"
#include "fuzz_check.h"
#include "kb.h"
#include "ds_limits.h"
#include "match.h"
#include "nlp.h"

#ifndef DS_TEST_DATA
#error "DS_TEST_DATA must name tests/data"
#endif

static nlp_lexicon *lex;
static kb_base *kb;
static match_engine *me;
static match_result *res;
static nlp_text *reused;

static void setup(void)
{
    if (lex)
        return;
    lex = nlp_lexicon_new();
    FUZZ_ASSERT(lex);
    static const char *const sh[][2] = {
        {"slm", "selam"}, {"nrde", "nerede"}, {"nzmn", "ne zaman"}, {"tşk", "teşekkürler"}};
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
        FUZZ_ASSERT(nlp_lexicon_add_shorthand(lex, sh[i][0], sh[i][1], NULL) == DS_OK);
    static const char *const suf[] = {"m", "im", "in", "ler", "lar", "e", "a", "i", "de", "da"};
    for (size_t i = 0; i < sizeof suf / sizeof suf[0]; i++)
        FUZZ_ASSERT(nlp_lexicon_add_suffix(lex, suf[i], NULL) == DS_OK);
    FUZZ_ASSERT(kb_load_dir(DS_TEST_DATA "/kb/valid/match_small", &kb, NULL, NULL, NULL) == DS_OK);
    FUZZ_ASSERT(match_engine_new(kb, &me, NULL) == DS_OK);
    res = match_result_new(me);
    reused = nlp_text_new();
    FUZZ_ASSERT(res && reused);
}

static void check_text(const nlp_text *t)
{
    const char *f = nlp_text_folded(t), *s = nlp_text_skeleton(t);
    FUZZ_ASSERT(fuzz_valid_utf8((const unsigned char *)f, strlen(f)));
    FUZZ_ASSERT(strlen(s) == nlp_text_skeleton_len(t));
    size_t n = nlp_text_token_count(t);
    FUZZ_ASSERT(n <= NLP_MAX_TOKENS);
    size_t joined = 0;
    for (size_t i = 0; i < n; i++) {
        const nlp_token *tok = nlp_text_token(t, i);
        FUZZ_ASSERT(tok && tok->len > 0 && strlen(tok->text) == tok->len);
        FUZZ_ASSERT(tok->kind == NLP_TOK_EMAIL || tok->len <= 4 * NLP_MAX_TOKEN_LEN);
        FUZZ_ASSERT(memchr(tok->text, ' ', tok->len) == NULL);
        joined += tok->len + (i ? 1 : 0);
    }
    FUZZ_ASSERT(joined == nlp_text_skeleton_len(t));
    FUZZ_ASSERT(nlp_text_token(t, n) == NULL);
    for (size_t i = 0; i < nlp_text_entity_count(t); i++) {
        const nlp_entity *e = nlp_text_entity(t, i);
        FUZZ_ASSERT(e->value && e->token_count >= 1);
        FUZZ_ASSERT(e->first_token + e->token_count <= n);
        FUZZ_ASSERT(strcmp(nlp_entity_kind_str(e->kind), "?") != 0);
        if (e->kind == NLP_ENT_PHONE)
            FUZZ_ASSERT(strlen(e->value) == 10);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    setup();
    const char *in = (const char *)data;
    nlp_text *fresh = nlp_text_new();
    FUZZ_ASSERT(fresh);
    ds_error err;
    ds_status st = nlp_normalise(lex, in, size, fresh, &err);
    ds_status st2 = nlp_normalise(lex, in, size, reused, NULL);
    FUZZ_ASSERT(st == st2);
    if (st != DS_OK) {
        FUZZ_ASSERT(st == DS_EINPUT && err.status == DS_EINPUT);
        FUZZ_ASSERT(!fuzz_valid_utf8(data, size));
        nlp_text_free(fresh);
        return 0;
    }
    FUZZ_ASSERT(fuzz_valid_utf8(data, size));
    check_text(fresh);
    check_text(reused);
    FUZZ_ASSERT(strcmp(nlp_text_folded(fresh), nlp_text_folded(reused)) == 0);
    FUZZ_ASSERT(strcmp(nlp_text_skeleton(fresh), nlp_text_skeleton(reused)) == 0);
    FUZZ_ASSERT(nlp_text_entity_count(fresh) == nlp_text_entity_count(reused));
    FUZZ_ASSERT(nlp_text_truncated(fresh) == (size > NLP_MAX_INPUT_LEN));

    /* the matcher on the KB's own lexicon */
    FUZZ_ASSERT(nlp_normalise(kb_lexicon(kb), in, size, fresh, NULL) == DS_OK);
    FUZZ_ASSERT(match_classify(me, fresh, res) == DS_OK);
    double c = match_result_confidence(res);
    FUZZ_ASSERT(c >= 0 && c <= 1);
    size_t nc = match_result_candidate_count(res);
    FUZZ_ASSERT(nc <= MATCH_MAX_CANDIDATES);
    for (size_t i = 1; i < nc; i++)
        FUZZ_ASSERT(match_result_candidate(res, i - 1)->score >=
                    match_result_candidate(res, i)->score);
    FUZZ_ASSERT(match_result_intent(res) != NULL);
    FUZZ_ASSERT(match_result_intent_index(res) >= 0);

    /* and the dialogue on top */
    dlg_session *s = dlg_session_new("fuzz");
    FUZZ_ASSERT(s);
    dlg_env env;
    memset(&env, 0, sizeof env);
    env.me = me;
    env.scratch = reused;
    env.res = res;
    env.now = 1700000000;
    dlg_reply r;
    dlg_reply_init(&r);
    FUZZ_ASSERT(dlg_respond(&env, s, in, size, &r, NULL) == DS_OK);
    FUZZ_ASSERT(r.intent && r.text.data && r.quick_reply_count <= DLG_MAX_QUICK_REPLIES);
    dlg_reply_cleanup(&r);
    dlg_session_free(s);
    nlp_text_free(fresh);
    return 0;
}
