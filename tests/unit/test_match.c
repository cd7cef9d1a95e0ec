/* SPDX-License-Identifier: MIT */
/* Matcher and dialogue tests over tests/data/kb/valid/match_small (a KB of
 * our own, not the shipped one): stems, softened stems, typos, short words,
 * phrases, concepts, negative weights, patterns gated by evidence,
 * low-priority yielding, fallback, clarify, ranking invariants, and the
 * replies dlg_respond builds from them. Expectations follow
 * docs/KB_FORMAT.md and match.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "dlg.h"
#include "ds.h"
#include "kb.h"
#include "ds_limits.h"
#include "match.h"
#include "nlp.h"

#ifndef DS_TEST_DATA
#error "DS_TEST_DATA must name tests/data"
#endif

static kb_base *kb;
static match_engine *me;
static match_result *res;
static nlp_text *txt;

/* Classifies msg into res; checks the invariants every result has. */
static void classify(const char *msg)
{
    CHECK_STATUS(nlp_normalise(kb_lexicon(kb), msg, strlen(msg), txt, NULL), DS_OK);
    CHECK_STATUS(match_classify(me, txt, res), DS_OK);
    double c = match_result_confidence(res);
    CHECK_MSG(c >= 0 && c <= 1, "confidence %g", c);
    size_t n = match_result_candidate_count(res);
    CHECK(n <= MATCH_MAX_CANDIDATES);
    for (size_t i = 0; i < n; i++) {
        const match_candidate *mc = match_result_candidate(res, i);
        CHECK(mc->score > 0);
        CHECK(mc->intent < kb_intent_count(kb));
        CHECK_EQ_STR(mc->id, kb_intent_at(kb, mc->intent)->id);
        if (i)
            CHECK(match_result_candidate(res, i - 1)->score >= mc->score);
    }
    CHECK(match_result_candidate(res, n) == NULL);
    for (size_t i = 0; i < match_result_hit_count(res); i++) {
        const match_hit *h = match_result_hit(res, i);
        CHECK(h->intent < kb_intent_count(kb));
        CHECK(h->rule != NULL);
        CHECK(h->how <= MATCH_HOW_MESSAGE);
        if (h->how != MATCH_HOW_PATTERN && h->how != MATCH_HOW_MESSAGE)
            CHECK(h->token < nlp_text_token_count(txt));
    }
    if (match_result_is_fallback(res)) {
        CHECK_EQ_STR(match_result_intent(res), "fallback");
        CHECK_EQ_INT(match_result_intent_index(res), kb_intent_find(kb, "fallback"));
        CHECK(!match_result_clarify(res));
    } else {
        CHECK(n >= 1);
        CHECK(c >= MATCH_FALLBACK_BELOW);
        CHECK_EQ_STR(match_result_intent(res), match_result_candidate(res, 0)->id);
        CHECK_EQ_INT(match_result_intent_index(res), (int)match_result_candidate(res, 0)->intent);
    }
}

static double score_of(const char *id)
{
    for (size_t i = 0; i < match_result_candidate_count(res); i++)
        if (strcmp(match_result_candidate(res, i)->id, id) == 0)
            return match_result_candidate(res, i)->score;
    return 0;
}

static int is_candidate(const char *id)
{
    return score_of(id) != 0;
}

/* The hit of intent id by rule, or NULL. */
static const match_hit *hit_of(const char *id, const char *rule)
{
    int idx = kb_intent_find(kb, id);
    for (size_t i = 0; i < match_result_hit_count(res); i++) {
        const match_hit *h = match_result_hit(res, i);
        if ((int)h->intent == idx && strcmp(h->rule, rule) == 0)
            return h;
    }
    return NULL;
}

/* ---- table: message -> intent, and how its keyword matched ------------------- */

typedef struct match_case {
    const char *msg;
    const char *intent; /* chosen intent id ("fallback" included) */
    const char *rule;   /* a hit that must be present (NULL: none checked) */
    int how;            /* its match_how, -1: not checked */
} match_case;

static const match_case cases[] = {
    /* stems: the word plus a chain of suffixes */
    {"siparis", "siparis_durum", "siparis", MATCH_HOW_EXACT},
    {"siparişim", "siparis_durum", "siparis", MATCH_HOW_STEM},
    {"siparislerim", "siparis_durum", "siparis", MATCH_HOW_STEM},
    {"siparişimin", "siparis_durum", "siparis", MATCH_HOW_STEM},
    {"siparişimi", "siparis_durum", "siparis", MATCH_HOW_STEM},
    {"SİPARİŞLERİM", "siparis_durum", "siparis", MATCH_HOW_STEM},
    {"kargom", "kargo_takip", "kargo", MATCH_HOW_STEM},
    {"kargomu", "kargo_takip", "kargo", MATCH_HOW_STEM},
    {"kargoya", "kargo_takip", "kargo", MATCH_HOW_STEM},
    {"krgm", "kargo_takip", "kargo", -1}, /* shorthand to "kargom" */
    /* softened stems: hesap -> hesab- before a vowel */
    {"hesabım", "hesap", "hesap", MATCH_HOW_STEM},
    {"hesabıma", "hesap", "hesap", MATCH_HOW_STEM},
    {"hesabin", "hesap", "hesap", MATCH_HOW_STEM},
    {"hesaplarım", "hesap", "hesap", MATCH_HOW_STEM},
    /* one typo in a 5+ letter word */
    {"siparşim", "siparis_durum", "siparis", MATCH_HOW_TYPO},  /* letter missing */
    {"sipraişim", "siparis_durum", "siparis", MATCH_HOW_TYPO}, /* swapped */
    {"siparizim", "siparis_durum", "siparis", MATCH_HOW_TYPO}, /* wrong letter */
    {"kargomm", "kargo_takip", "kargo", -1},                   /* kargo+m+m or a doubled letter */
    {"kargoo", "kargo_takip", "kargo", MATCH_HOW_TYPO},        /* doubled */
    {"iadde", "iade", "iade", MATCH_HOW_TYPO},
    {"iaade", "iade", "iade", MATCH_HOW_TYPO},
    /* a word of the dictionary (words.dic) is not a typo of another */
    {"eşarp", "fallback", NULL, -1},                          /* not "hesap" */
    {"eşarplarım", "fallback", NULL, -1},                     /* nor inflected */
    {"siparşim", "siparis_durum", "siparis", MATCH_HOW_TYPO}, /* "sıpa" is too short a stem */
    /* short words do not over-match */
    {"kart", "kart_odeme", "kart", MATCH_HOW_EXACT},
    {"kartım", "kart_odeme", "kart", MATCH_HOW_STEM},
    {"kartal", "fallback", NULL, -1}, /* "al" is not a suffix chain here */
    {"krat", "fallback", NULL, -1},   /* no typos below 5 letters */
    {"ev", "adres", "ev", MATCH_HOW_EXACT},
    {"evim", "fallback", NULL, -1}, /* 1-2 letter keywords: exact only */
    {"eve", "fallback", NULL, -1},
    {"evet", "fallback", NULL, -1},
    /* phrases: consecutive words, each matched with suffixes */
    {"takip numaram", "kargo_takip", "takip numara", MATCH_HOW_EXACT},
    {"takip numarası nedir", "kargo_takip", "takip numara", MATCH_HOW_EXACT},
    {"numara takip", "fallback", NULL, -1},
    {"takip için numara", "fallback", NULL, -1},
    /* concepts */
    {"kargom ne alemde", "kargo_takip", "@nerede", -1},
    {"kargom hani", "kargo_takip", "@nerede", -1},
    {"kargom nrde", "kargo_takip", "@nerede", -1},
    /* patterns: only for intents that already have keyword evidence */
    {"teslimat ne zaman gelir", "teslimat_suresi", "ne zaman gelir", MATCH_HOW_PATTERN},
    {"ne zaman gelir", "fallback", NULL, -1},
    {"siparişim hala gelmedi", "siparis_durum", "\\bsiparis\\w* (hala )?gelmedi",
     MATCH_HOW_PATTERN},
    /* negative weights */
    {"kargomu iade etmek istiyorum", "iade", "iade", MATCH_HOW_EXACT},
    /* low priority yields to a real request */
    {"merhaba", "selamlama", "merhaba", MATCH_HOW_EXACT},
    {"slm", "selamlama", "selam", MATCH_HOW_EXACT},
    {"merhaba kargom nerede", "kargo_takip", "kargo", MATCH_HOW_STEM},
    {"selam iade etmek istiyorum", "iade", "iade", MATCH_HOW_EXACT},
    /* nothing known */
    {"bugün hava çok güzel", "fallback", NULL, -1},
    {"", "fallback", NULL, -1},
    {"😡😡😡", "fallback", NULL, -1},
    {"1048213", "fallback", NULL, -1},
};

static void test_table(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const match_case *c = &cases[i];
        CHECK_CONTEXT(c->msg);
        classify(c->msg);
        CHECK_EQ_STR(match_result_intent(res), c->intent);
        if (c->rule) {
            const match_hit *h = hit_of(c->intent, c->rule);
            CHECK_MSG(h != NULL, "no hit \"%s\"", c->rule);
            if (h && c->how >= 0)
                CHECK_EQ_STR(match_how_str(h->how), match_how_str((match_how)c->how));
        }
    }
    CHECK_CONTEXT("");
}

static void test_scoring(void)
{
    /* a keyword counts once per message (and "KARGO", the same words, not
     * again: kb.c merges them); a concept fires once */
    classify("kargo kargo kargo");
    CHECK_NEAR(score_of("kargo_takip"), 2.0, 1e-9);
    classify("kargo nerede nerede hani");
    CHECK_NEAR(score_of("kargo_takip"), 3.5, 1e-9);
    /* the confidence formula of KB_FORMAT.md, no runner-up */
    CHECK_NEAR(match_result_confidence(res), 1.0 - exp(-3.5 / 3.0), 1e-9);
    CHECK_EQ_INT(match_result_candidate_count(res), 1);

    /* a pattern adds its weight */
    classify("teslimat ne zaman gelir");
    CHECK_NEAR(score_of("teslimat_suresi"), 5.0, 1e-9);
    classify("teslimat");
    CHECK_NEAR(score_of("teslimat_suresi"), 2.0, 1e-9);
    CHECK(hit_of("teslimat_suresi", "ne zaman gelir") == NULL);
    /* the default pattern weight is 2.5 */
    classify("kargo ne zaman");
    CHECK_NEAR(score_of("kargo_takip"), 4.5, 1e-9);

    /* a negative weight removes an intent from the candidates */
    classify("kargomu iade etmek istiyorum");
    CHECK(!is_candidate("kargo_takip"));
    CHECK(hit_of("kargo_takip", "iade") != NULL);
    CHECK_NEAR(score_of("iade"), 3.0, 1e-9);

    /* low priority: silenced by a normal intent at MATCH_LOW_PRIORITY_YIELD */
    classify("merhaba kargom nerede");
    CHECK(!is_candidate("selamlama"));
    CHECK(!match_result_clarify(res));
    classify("merhaba");
    CHECK(is_candidate("selamlama"));

    /* fallback below the threshold even with a candidate */
    classify("durum");
    CHECK(match_result_is_fallback(res));
    CHECK_EQ_INT(match_result_candidate_count(res), 1);
    CHECK_NEAR(score_of("siparis_durum"), 1.5, 1e-9);
    CHECK(match_result_confidence(res) < MATCH_FALLBACK_BELOW);
    CHECK_NEAR(match_result_confidence(res), 1.0 - exp(-0.5), 1e-9);

    /* nothing at all */
    classify("bugün hava çok güzel");
    CHECK_EQ_INT(match_result_candidate_count(res), 0);
    CHECK_NEAR(match_result_confidence(res), 0.0, 1e-12);
    CHECK_EQ_INT(match_result_hit_count(res), 0);

    /* clarify when the runner-up is close */
    classify("indirim");
    CHECK(match_result_clarify(res));
    CHECK(!match_result_is_fallback(res));
    CHECK_EQ_STR(match_result_intent(res), "kampanya");
    CHECK_EQ_INT(match_result_candidate_count(res), 2);
    if (match_result_candidate_count(res) == 2) {
        CHECK_EQ_STR(match_result_candidate(res, 1)->id, "kupon");
        CHECK(match_result_candidate(res, 1)->score >=
              MATCH_CLARIFY_RATIO * match_result_candidate(res, 0)->score);
    }
    CHECK_NEAR(match_result_confidence(res), (1.0 - exp(-4.0 / 3.0)) * 4.0 / (4.0 + 0.5 * 3.6),
               1e-9);
    /* ... and not when it is far */
    classify("indirim kuponu");
    CHECK(!match_result_clarify(res));
    CHECK_EQ_STR(match_result_intent(res), "kupon");
    CHECK_NEAR(score_of("kupon"), 6.6, 1e-9);

    /* many intents: at most MATCH_MAX_CANDIDATES, sorted, best first */
    classify("sipariş kargo iade hesap kart adres teslimat indirim kupon");
    CHECK_EQ_INT(match_result_candidate_count(res), MATCH_MAX_CANDIDATES);
    CHECK_EQ_STR(match_result_candidate(res, 0)->id, "kupon");
    CHECK(!is_candidate("kargo_takip"));
}

/* An intent that answers a question ("asks") keeps MATCH_ASKS_UNASKED of
 * its score in a long message that asks nothing; any sign of a question
 * or a request, or a shorter message, keeps all of it. */
static void test_asks(void)
{
    const char *told = "dün akşam teslimat oldu paket kapıya bırakıldı komşu aldı";
    classify(told);
    CHECK_NEAR(score_of("teslimat_suresi"), 2.0 * MATCH_ASKS_UNASKED, 1e-9);
    int shown = 0;
    for (size_t i = 0; i < match_result_hit_count(res); i++)
        shown |= match_result_hit(res, i)->how == MATCH_HOW_MESSAGE;
    CHECK_MSG(shown, "the cut is explained");
    /* a question mark, an asking word, a question particle; a shorter
     * message; digit groups and what masking left of a number (no words) */
    static const char *const whole[] = {
        "dün akşam teslimat oldu paket kapıya bırakıldı komşu aldı?",
        "dün akşam teslimat oldu paket kapıya bırakıldı komşu aldı acaba",
        "dün akşam teslimat oldu paket kapıya bırakıldı komşu aldı mı",
        "dün akşam teslimat oldu paket kapıya bırakıldı",
        "teslimat TRXX XXXX XXXX XXXX XXXX XXXX 12 3456",
    };
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++) {
        classify(whole[i]);
        CHECK_NEAR(score_of("teslimat_suresi"), 2.0, 1e-9);
    }
    /* an intent that does not ask keeps its score */
    classify("dün akşam kargo geldi paket kapıya bırakıldı komşu aldı");
    CHECK_NEAR(score_of("kargo_takip"), 2.0, 1e-9);
}

static void test_long_and_hostile(void)
{
    /* the hit list and token table are bounded */
    char *big = malloc(NLP_MAX_INPUT_LEN + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    static const char rep[] = "siparişim kargom iade hesabım kartım ev indirim ";
    for (size_t i = 0; i < NLP_MAX_INPUT_LEN; i++)
        big[i] = rep[i % (sizeof rep - 1)];
    big[NLP_MAX_INPUT_LEN] = '\0';
    classify(big);
    CHECK(match_result_hit_count(res) > 0);
    /* regex-hostile text against every pattern */
    memset(big, 'a', NLP_MAX_INPUT_LEN);
    memcpy(big, "teslimat siparis kargo ", 23);
    big[NLP_MAX_INPUT_LEN - 1] = '!';
    classify(big);
    classify("siparis ((((((a*)*)*)*)*");
    CHECK_EQ_STR(match_result_intent(res), "siparis_durum");
    free(big);

    /* a result is reusable and forgets the previous message */
    classify("indirim");
    classify("kargom nerede");
    CHECK(!match_result_clarify(res));
    CHECK(!is_candidate("kampanya"));
    CHECK_EQ_STR(match_result_intent(res), "kargo_takip");

    /* two results on one engine do not share state */
    match_result *r2 = match_result_new(me);
    CHECK(r2 != NULL);
    if (r2) {
        CHECK_STATUS(match_classify(me, txt, r2), DS_OK);
        CHECK_EQ_STR(match_result_intent(r2), "kargo_takip");
        classify("iade");
        CHECK_EQ_STR(match_result_intent(r2), "kargo_takip");
        match_result_free(r2);
    }
    match_result_free(NULL);
    match_engine_free(NULL);
    CHECK(match_engine_kb(me) == kb);
    CHECK(match_engine_feature_count(me) > 0);
    CHECK(match_engine_term_count(me) > 0);
    CHECK_EQ_STR(match_how_str(MATCH_HOW_TYPO), "typo");
}

/* The same message read by a result that keeps its tokens' terms and by one
 * that does not: the same candidates, scores and hits, whether a token is
 * new, kept, evicted by thousands of others, or too long to keep. */
static void same_result(const match_result *a, const match_result *b, const char *msg)
{
    CHECK_CONTEXT(msg);
    CHECK_EQ_STR(match_result_intent(a), match_result_intent(b));
    CHECK(match_result_confidence(a) == match_result_confidence(b));
    CHECK_EQ_INT(match_result_clarify(a), match_result_clarify(b));
    CHECK_EQ_INT(match_result_candidate_count(a), match_result_candidate_count(b));
    for (size_t i = 0; i < match_result_candidate_count(a) && i < match_result_candidate_count(b);
         i++) {
        CHECK_EQ_INT(match_result_candidate(a, i)->intent, match_result_candidate(b, i)->intent);
        CHECK(match_result_candidate(a, i)->score == match_result_candidate(b, i)->score);
    }
    CHECK_EQ_INT(match_result_hit_count(a), match_result_hit_count(b));
    for (size_t i = 0; i < match_result_hit_count(a) && i < match_result_hit_count(b); i++) {
        const match_hit *x = match_result_hit(a, i), *y = match_result_hit(b, i);
        CHECK(x->intent == y->intent && x->rule == y->rule && x->weight == y->weight &&
              x->how == y->how && x->token == y->token);
    }
    CHECK_CONTEXT(NULL);
}

static void test_term_cache(void)
{
    match_result *kept = match_result_new(me), *plain = match_result_new(me);
    CHECK(kept && plain);
    if (!kept || !plain)
        goto done;
    CHECK_STATUS(match_result_cache_terms(kept), DS_OK);
    CHECK_STATUS(match_result_cache_terms(kept), DS_OK); /* twice is once */
    match_result_set_exhaustive(kept, 1);
    match_result_set_exhaustive(plain, 1);
    static const char *const extra[] = {
        "siparisimmm nerdeee",
        "sipraişim",
        "siparis 12345 kargo",
        "kargo siparis kargo siparis",
        "siparislerimizdenmisiniz kargolarimizdakilerdenmisiniz", /* 24 and 25 bytes */
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 31, 32 and 33 bytes */
        "a b c ab abc abcd abcde abcdefg abcdefgh abcdefghi",
        "3d 3 d",
        ""};
    char word[32];
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0] + sizeof extra / sizeof extra[0];
             i++) {
            const char *msg = i < sizeof cases / sizeof cases[0]
                                  ? cases[i].msg
                                  : extra[i - sizeof cases / sizeof cases[0]];
            CHECK_STATUS(nlp_normalise(kb_lexicon(kb), msg, strlen(msg), txt, NULL), DS_OK);
            CHECK_STATUS(match_classify(me, txt, kept), DS_OK);
            CHECK_STATUS(match_classify(me, txt, plain), DS_OK);
            same_result(kept, plain, msg);
        }
        for (int k = 0; round == 1 && k < 6000; k++) { /* more words than slots */
            snprintf(word, sizeof word, "kargo%dsiparis", k);
            CHECK_STATUS(nlp_normalise(kb_lexicon(kb), word, strlen(word), txt, NULL), DS_OK);
            CHECK_STATUS(match_classify(me, txt, kept), DS_OK);
            CHECK_STATUS(match_classify(me, txt, plain), DS_OK);
            same_result(kept, plain, word);
        }
    }
done:
    match_result_free(kept);
    match_result_free(plain);
}

/* ---- dialogue ------------------------------------------------------------ */

static int has_qr(const dlg_reply *r, const char *q)
{
    for (size_t i = 0; i < r->quick_reply_count; i++)
        if (strcmp(r->quick_replies[i], q) == 0)
            return 1;
    return 0;
}

static dlg_env env;

static ds_status say(dlg_session *s, const char *msg, dlg_reply *r)
{
    dlg_reply_cleanup(r);
    return dlg_respond(&env, s, msg, strlen(msg), r, NULL);
}

static void test_dialogue(void)
{
    memset(&env, 0, sizeof env);
    env.me = me;
    env.db = NULL;
    env.scratch = txt;
    env.res = res;
    env.now = time(NULL);
    dlg_session *s = dlg_session_new("test");
    CHECK(s != NULL);
    if (!s)
        return;
    dlg_reply r;
    dlg_reply_init(&r);

    /* the opening is the KB's dialogue.json "welcome" */
    CHECK_STATUS(dlg_greet(&env, s, &r, NULL), DS_OK);
    CHECK_EQ_STR(r.text.data, "Merhaba! Size nasıl yardımcı olabilirim?");

    /* a clarifying question offers both titles, and a human */
    CHECK_STATUS(say(s, "indirim", &r), DS_OK);
    CHECK(r.clarify);
    CHECK(r.text.data && r.text.data[0]);
    CHECK(has_qr(&r, "Kampanyalar"));
    CHECK(has_qr(&r, "Kupon kodu"));
    CHECK(has_qr(&r, "Temsilciye bağlan"));
    CHECK(r.confidence >= 0 && r.confidence <= 1);

    /* invalid UTF-8 changes nothing in the session */
    dlg_reply_cleanup(&r);
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(dlg_respond(&env, s, "\xC0\xAF", 2, &r, &err), DS_EINPUT);
    CHECK_STATUS(err.status, DS_EINPUT);

    /* sending a title picks that intent */
    CHECK_STATUS(say(s, "Kupon kodu", &r), DS_OK);
    CHECK_EQ_STR(r.intent, "kupon");
    CHECK(!r.clarify);
    CHECK_NEAR(r.confidence, 1.0, 1e-12);
    CHECK_EQ_STR(r.text.data, "Kupon kodunu ödeme adımında girin.");
    /* the other title only counts right after the question */
    CHECK_STATUS(say(s, "Kampanyalar", &r), DS_OK);
    CHECK_EQ_STR(r.intent, "fallback");

    /* the first title too */
    CHECK_STATUS(say(s, "indirim", &r), DS_OK);
    CHECK(r.clarify);
    CHECK_STATUS(say(s, "Kampanyalar", &r), DS_OK);
    CHECK_EQ_STR(r.intent, "kampanya");
    CHECK_EQ_STR(r.text.data, "Güncel kampanyalar ana sayfada.");

    /* a fallback offers a human (its quick replies in the KB); in a new
     * conversation, as this one has asked for people already */
    dlg_session_free(s);
    s = dlg_session_new("test2");
    CHECK_STATUS(say(s, "bugün hava çok güzel", &r), DS_OK);
    CHECK_EQ_STR(r.intent, "fallback");
    CHECK(!r.clarify);
    CHECK_EQ_STR(r.text.data, "Bunu anlayamadım.");
    CHECK(has_qr(&r, "Temsilciye bağlan"));

    /* a confident answer carries the intent's quick replies, not the human */
    CHECK_STATUS(say(s, "hesabıma giremiyorum", &r), DS_OK);
    CHECK_EQ_STR(r.intent, "hesap");
    CHECK_EQ_STR(r.text.data, "Hesap ayarlarınız Hesabım sayfasında.");
    CHECK(has_qr(&r, "Şifremi unuttum"));
    CHECK(!has_qr(&r, "Temsilciye bağlan"));
    CHECK(r.confidence >= MATCH_FALLBACK_BELOW);

    /* answers rotate and are rendered from shop.json */
    CHECK_STATUS(say(s, "iade", &r), DS_OK);
    char first[256];
    snprintf(first, sizeof first, "%s", r.text.data ? r.text.data : "");
    /* the same question at once again: not the same block word for word */
    CHECK_STATUS(say(s, "iade", &r), DS_OK);
    CHECK_EQ_STR(r.text.data, "Az önce yazdım; başka bir şey mi sormak istersiniz?");
    CHECK_STATUS(say(s, "hesabıma giremiyorum", &r), DS_OK);
    CHECK_STATUS(say(s, "iade", &r), DS_OK);
    CHECK(strcmp(first, r.text.data ? r.text.data : "") != 0);
    CHECK(strstr(first, "14 gün") != NULL);
    CHECK(r.text.data && strstr(r.text.data, "14 gün") != NULL);

    dlg_reply_cleanup(&r);
    dlg_session_free(s);
    dlg_session_free(NULL);
}

int main(void)
{
    ds_error err;
    memset(&err, 0, sizeof err);
    if (kb_load_dir(DS_TEST_DATA "/kb/valid/match_small", &kb, NULL, NULL, &err) != DS_OK) {
        char buf[1024];
        ds_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "cannot load match_small: %s\n", buf);
        return 1;
    }
    if (match_engine_new(kb, &me, &err) != DS_OK || !(res = match_result_new(me)) ||
        !(txt = nlp_text_new())) {
        fprintf(stderr, "cannot build the matcher: %s\n", err.message);
        return 1;
    }
    /* the table checks which rules fired: record them */
    match_result_set_exhaustive(res, 1);
    test_table();
    test_scoring();
    test_asks();
    test_long_and_hostile();
    test_term_cache();
    test_dialogue();
    nlp_text_free(txt);
    match_result_free(res);
    match_engine_free(me);
    kb_free(kb);
    return CHECK_MAIN_RESULT();
}
