/* SPDX-License-Identifier: MIT */
/* Scoring one message: tokens -> terms (exact, stem + suffix chain, one
 * typo), terms -> phrases -> features, features -> intent scores, then
 * patterns for the intents with evidence, then ranking and confidence.
 * Cost follows the words of the message, not the size of the KB. */
#include "match_int.h"

#include <math.h>
#include <string.h>

#include "ds_limits.h"

/* Longest token given stems and typos (longer runs are no Turkish word). */
#define MATCH_TOKEN_MAX 40
/* Stems (longest first) a token is tried with for one typo. */
#define MATCH_TYPO_SPLITS 4
/* Shortest dictionary stem that keeps an inflected word from being a typo. */
#define MATCH_DICT_STEM_MIN 5
/* Shortest word a typo may be followed by suffixes on. */
#define MATCH_TYPO_SUFFIX_MIN 6
#define MAX_HITS 128

struct match_result {
    const match_engine *me;
    uint32_t gen;
    uint32_t *feature_stamp;
    uint32_t *intent_stamp;
    double *score;
    uint32_t *touched;   /* intents with evidence this time */
    uint32_t *order;     /* scratch: intents in pattern-running order */
    m_scan scan;         /* which patterns the message can match */
    int exhaustive;      /* run every pattern (explanations) */
    m_term_cache *cache; /* the terms of recent tokens, or NULL */
    size_t touched_count;
    tok_terms toks[NLP_MAX_TOKENS];
    match_hit hits[MAX_HITS];
    size_t hit_count;
    match_candidate cands[MATCH_MAX_CANDIDATES];
    size_t cand_count;
    int chosen; /* kb index or -1 */
    double confidence;
    int clarify;
    pcre2_match_data *md;
};

match_result *match_result_new(const match_engine *me)
{
    match_result *r = ds_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->me = me;
    r->feature_stamp = ds_calloc(me->feature_count + 1, sizeof *r->feature_stamp);
    r->intent_stamp = ds_calloc(me->intent_count + 1, sizeof *r->intent_stamp);
    r->score = ds_calloc(me->intent_count + 1, sizeof *r->score);
    r->touched = ds_calloc(me->intent_count + 1, sizeof *r->touched);
    r->order = ds_calloc(2 * (me->intent_count + 1), sizeof *r->order); /* + merge scratch */
    r->md = pcre2_match_data_create(1, NULL);
    r->chosen = -1;
    if (!r->feature_stamp || !r->intent_stamp || !r->score || !r->touched || !r->order || !r->md ||
        match__scan_init(&r->scan, me) != DS_OK) {
        match_result_free(r);
        return NULL;
    }
    return r;
}

void match_result_free(match_result *r)
{
    if (!r)
        return;
    ds_free(r->feature_stamp);
    ds_free(r->intent_stamp);
    ds_free(r->score);
    ds_free(r->touched);
    ds_free(r->order);
    match__scan_cleanup(&r->scan);
    match__cache_free(r->cache);
    pcre2_match_data_free(r->md);
    ds_free(r);
}

static void add_term(tok_terms *tt, size_t term, match_how how)
{
    for (size_t i = 0; i < tt->count; i++)
        if (tt->term[i] == term)
            return;
    if (tt->count < MATCH_MAX_TERMS_PER_TOKEN) {
        tt->term[tt->count] = (uint32_t)term;
        tt->how[tt->count] = (uint8_t)how;
        tt->count++;
    }
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Polynomial prefix hashes of s[0..len): pre[i] is that of s[0..i). */
static void prefix_hashes(const char *s, size_t len, uint64_t *pre)
{
    pre[0] = 0;
    for (size_t i = 0; i < len; i++)
        pre[i + 1] = match__poly(pre[i], (unsigned char)s[i]);
}

/* One typo: the stem p[0..n) is a term with a letter missing, extra, wrong
 * or two letters swapped. With a suffix after it (rest > 0) only terms of
 * MATCH_TYPO_SUFFIX_MIN+ letters count: a typo plus a suffix on a short word
 * reaches too many unrelated words ("begendim" is not "beden"). pre holds
 * the prefix hashes of p. */
static void typo_terms(const match_engine *me, const char *p, size_t n, size_t rest,
                       const uint64_t *pre, tok_terms *tt)
{
    uint32_t v;
    size_t min = rest ? MATCH_TYPO_SUFFIX_MIN : 5;
    if (n + 1 >= min && match__dict_get(&me->dels, match__hash_fin(pre[n], n), p, n, &v))
        add_term(tt, v, MATCH_HOW_TYPO); /* a letter missing */
    if (n < min)
        return;
    for (size_t j = 0; j < n; j++) {
        if (j > 0 && p[j] == p[j - 1])
            continue; /* same deletion as the previous letter */
        /* the hash of p without p[j], from the prefix hashes */
        uint64_t h =
            match__hash_fin(pre[n] + (pre[j] - pre[j + 1]) * me->poly_pow[n - 1 - j], n - 1);
        if (n - 1 >= min && match__dict_get2(&me->terms, h, p, j, p + j + 1, n - 1 - j, &v))
            add_term(tt, v, MATCH_HOW_TYPO); /* an extra letter */
        if (match__dict_get2(&me->dels, h, p, j, p + j + 1, n - 1 - j, &v))
            add_term(tt, v, MATCH_HOW_TYPO); /* a wrong or swapped letter */
    }
}

/* Stems of tok[0..len) that are terms followed by a suffix chain; pre holds
 * the prefix hashes of tok. */
static void stem_terms(const match_engine *me, const char *tok, size_t len, const unsigned char *ok,
                       const uint64_t *pre, tok_terms *tt)
{
    uint32_t v;
    for (size_t i = len - 1; i >= 3; i--) {
        if (!ok[i] || !match__dict_get(&me->stems, match__hash_fin(pre[i], i), tok, i, &v))
            continue;
        if ((v & MATCH_SOFT_BIT) && !is_vowel(tok[i]))
            continue;
        add_term(tt, v & ~MATCH_SOFT_BIT, MATCH_HOW_STEM);
    }
}

/* tok with doubled letters made single ("sipariisimm" -> "siparisim"):
 * the commonest chat typo. Returns the new length, 0 if nothing changed. */
static size_t undouble(const char *tok, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!n || out[n - 1] != tok[i])
            out[n++] = tok[i];
    out[n] = '\0';
    return n < len ? n : 0;
}

/* A dictionary's word, bare or with suffixes on a stem of MATCH_DICT_STEM_MIN
 * letters or more (one letter less with a suffix of one or two): a short
 * stem and a suffix chain make many strings that are typos rather than
 * words ("sıpa" + "rşimin" is "siparşimin"). */
static int dictionary_word(const nlp_lexicon *lx, const char *s, size_t stem, size_t len)
{
    return (stem == len || stem >= MATCH_DICT_STEM_MIN ||
            (stem == MATCH_DICT_STEM_MIN - 1 && len - stem <= 2)) && /* "kremi", "kremim" */
           nlp_lexicon_is_dictionary_word(lx, s, stem);
}

static void token_terms(const match_engine *me, const nlp_token *tok, tok_terms *tt)
{
    const nlp_lexicon *lx = kb_lexicon(me->kb);
    size_t len = tok->len;
    uint32_t v;
    uint64_t pre[MATCH_TOKEN_MAX + 1];
    tt->count = 0;
    if (len > MATCH_TOKEN_MAX) { /* never a stem, a typo or (practically) a term */
        if (match__dict_get(&me->terms, match__hash(tok->text, len), tok->text, len, &v))
            add_term(tt, v, MATCH_HOW_EXACT);
        return;
    }
    prefix_hashes(tok->text, len, pre);
    if (match__dict_get(&me->terms, match__hash_fin(pre[len], len), tok->text, len, &v))
        add_term(tt, v, MATCH_HOW_EXACT);
    if (tok->kind != NLP_TOK_WORD || len < 4)
        return;
    unsigned char ok[MATCH_TOKEN_MAX + 1];
    nlp_lexicon_suffix_splits_from(lx, tok->text, len, 3, ok); /* stems are 3+ letters */
    stem_terms(me, tok->text, len, ok, pre, tt);
    for (size_t i = 0; i < tt->count; i++)
        if (!me->term_weak[tt->term[i]])
            return; /* an author's word matched: no need to guess a typo */
    /* a real word, bare or inflected, is not a typo of another ("aptal",
     * "aptalsın" are not "iptal") */
    for (size_t i = len; i >= 3; i--)
        if (ok[i] &&
            (nlp_lexicon_is_word(lx, tok->text, i) || dictionary_word(lx, tok->text, i, len)))
            return;
    if (len == 4) { /* only a letter missing from a 5-letter word: "iptl" */
        if (match__dict_get(&me->dels, match__hash_fin(pre[len], len), tok->text, len, &v))
            add_term(tt, v, MATCH_HOW_TYPO);
        return;
    }
    char single[MATCH_TOKEN_MAX + 1];
    size_t slen = undouble(tok->text, len, single);
    if (slen >= 4) {
        unsigned char sok[MATCH_TOKEN_MAX + 1];
        uint64_t spre[MATCH_TOKEN_MAX + 1];
        nlp_lexicon_suffix_splits_from(lx, single, slen, 3, sok);
        prefix_hashes(single, slen, spre);
        if (match__dict_get(&me->terms, match__hash_fin(spre[slen], slen), single, slen, &v))
            add_term(tt, v, MATCH_HOW_TYPO);
        size_t before = tt->count;
        stem_terms(me, single, slen, sok, spre, tt);
        for (size_t i = before; i < tt->count; i++)
            tt->how[i] = MATCH_HOW_TYPO;
        for (size_t i = 0; i < tt->count; i++)
            if (!me->term_weak[tt->term[i]])
                return;
    }
    /* the longest few stems only: a typo plus a long suffix chain is rare,
     * and every split costs a dozen lookups on the hot path */
    int tries = 0;
    for (size_t i = len; i >= 4 && tries < MATCH_TYPO_SPLITS; i--)
        if (ok[i]) {
            typo_terms(me, tok->text, i, len - i, pre, tt);
            tries++;
        }
}

/* token_terms through r's cache, when it has one. */
static void cached_token_terms(const match_engine *me, match_result *r, const nlp_token *tok,
                               tok_terms *tt)
{
    m_cache_key k;
    if (!r->cache || !match__cache_key(tok, &k)) {
        token_terms(me, tok, tt);
        return;
    }
    if (match__cache_get(r->cache, &k, tt))
        return;
    token_terms(me, tok, tt);
    match__cache_put(r->cache, &k, tt);
}

int match_engine_word_matches(const match_engine *me, const char *token, const char *word,
                              match_how *how)
{
    uint32_t term;
    size_t wlen = strlen(word);
    if (!match__dict_get(&me->terms, match__hash(word, wlen), word, wlen, &term))
        return 0;
    nlp_token tok = {token, strlen(token), NLP_TOK_WORD, 0};
    tok_terms tt;
    token_terms(me, &tok, &tt);
    for (size_t i = 0; i < tt.count; i++) {
        if (tt.term[i] == term) {
            if (how)
                *how = (match_how)tt.how[i];
            return 1;
        }
    }
    return 0;
}

static void add_hit(match_result *r, size_t intent, const char *rule, double w, match_how how,
                    size_t token)
{
    if (r->exhaustive && r->hit_count < MAX_HITS)
        r->hits[r->hit_count++] = (match_hit){intent, rule, w, how, token};
}

static void add_score(match_result *r, size_t intent, double w)
{
    if (r->intent_stamp[intent] != r->gen) {
        r->intent_stamp[intent] = r->gen;
        r->score[intent] = 0;
        r->touched[r->touched_count++] = (uint32_t)intent;
    }
    r->score[intent] += w;
}

/* 1 when the words of phrase tg after its first (which triggered it at
 * token p) follow p. */
static int phrase_rest(const match_engine *me, const match_result *r, const m_trigger *tg, size_t p,
                       size_t ntok)
{
    if (p + tg->word_count > ntok)
        return 0;
    for (size_t k = 1; k < tg->word_count; k++) {
        const m_word *w = &me->words[tg->first_word + k];
        const tok_terms *tt = &r->toks[p + k];
        int found = 0;
        for (size_t j = 0; j < tt->count && !found; j++)
            found = tt->term[j] == w->term && (!w->exact || tt->how[j] == MATCH_HOW_EXACT);
        if (!found)
            return 0;
    }
    return 1;
}

static void fire_feature(const match_engine *me, match_result *r, uint32_t f, match_how how,
                         size_t token)
{
    const kb_base *kb = me->kb;
    r->feature_stamp[f] = r->gen;
    for (uint32_t i = me->post_off[f]; i < me->post_off[f + 1]; i++) {
        const m_posting *po = &me->posts[i];
        add_score(r, po->intent, po->weight);
        if (r->exhaustive) /* the rule's name is looked up only to explain */
            add_hit(r, po->intent,
                    po->keyword == MATCH_KEYWORD_EXAMPLE
                        ? "(example word)"
                        : kb_intent_at(kb, po->intent)->keywords[po->keyword].source,
                    po->weight, how, token);
    }
}

static double bound(const match_engine *me, const match_result *r, uint32_t in)
{
    return r->score[in] + me->pat_max[in];
}

/* Orders r->order[0..n) by upper bound, best first: insertion sort for the
 * usual handful, a merge sort when common words touch hundreds of intents. */
static void sort_by_bound(const match_engine *me, match_result *r, size_t n)
{
    if (n <= 16) {
        for (size_t k = 1; k < n; k++) {
            uint32_t x = r->order[k];
            double bx = bound(me, r, x);
            size_t j = k;
            while (j > 0 && bound(me, r, r->order[j - 1]) < bx) {
                r->order[j] = r->order[j - 1];
                j--;
            }
            r->order[j] = x;
        }
        return;
    }
    /* bottom-up merge sort through the scratch half of r->order */
    uint32_t *a = r->order, *b = r->order + me->intent_count + 1;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = bound(me, r, a[i]) >= bound(me, r, a[j]) ? a[i++] : a[j++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        uint32_t *tmp = a;
        a = b;
        b = tmp;
    }
    if (a != r->order)
        memcpy(r->order, a, n * sizeof *a);
}

/* Keeps best[] as the largest MATCH_MAX_CANDIDATES values, descending. */
static void top_insert(double *best, size_t *n, double v)
{
    size_t pos = *n;
    while (pos > 0 && best[pos - 1] < v)
        pos--;
    if (pos >= MATCH_MAX_CANDIDATES)
        return;
    size_t last = *n < MATCH_MAX_CANDIDATES ? *n : MATCH_MAX_CANDIDATES - 1;
    for (size_t k = last; k > pos; k--) /* a few at most: no call */
        best[k] = best[k - 1];
    best[pos] = v;
    if (*n < MATCH_MAX_CANDIDATES)
        (*n)++;
}

/* Runs the patterns of intents with evidence, best upper bound (keyword
 * score + all its patterns) first, and stops once no remaining intent can
 * reach the top MATCH_MAX_CANDIDATES: the reported candidates and scores are
 * exactly those of running every pattern, at a fraction of the cost when
 * common words touch hundreds of intents. */
static void run_patterns(const match_engine *me, match_result *r, const nlp_text *t)
{
    const char *s = nlp_text_skeleton(t);
    size_t len = nlp_text_skeleton_len(t);
    size_t n = 0;
    /* best: the MATCH_MAX_CANDIDATES best final scores known so far, over
     * every touched intent; intents without patterns already have theirs */
    double best[MATCH_MAX_CANDIDATES];
    size_t nbest = 0;
    for (size_t k = 0; k < r->touched_count; k++) {
        uint32_t in = r->touched[k];
        if (!(r->score[in] > 0))
            continue;
        if (me->pat_off[in] < me->pat_off[in + 1])
            r->order[n++] = in;
        else
            top_insert(best, &nbest, r->score[in]);
    }
    sort_by_bound(me, r, n);
    for (size_t k = 0; k < n; k++) {
        uint32_t in = r->order[k];
        if (!r->exhaustive && nbest == MATCH_MAX_CANDIDATES &&
            r->score[in] + me->pat_max[in] < best[MATCH_MAX_CANDIDATES - 1])
            break;
        if (r->scan.gen != r->gen) /* the first intent whose patterns run */
            match__scan(me, &r->scan, r->gen, s, len);
        uint32_t end = match__scan_intent_may_match(me, &r->scan, in) ? me->pat_off[in + 1] : 0;
        for (uint32_t i = me->pat_off[in]; i < end; i++) {
            const m_pattern *mp = &me->patterns[i];
            if (!match__scan_may_match(me, &r->scan, i))
                continue; /* some text it needs is not there */
            int rc = mp->jit ? pcre2_jit_match(mp->code, (PCRE2_SPTR)s, len, 0, 0, r->md, me->mctx)
                             : pcre2_match(mp->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK,
                                           r->md, me->mctx);
            if (rc >= 0) {
                r->score[in] += mp->weight;
                add_hit(r, in, mp->re, mp->weight, MATCH_HOW_PATTERN, 0);
            }
        }
        top_insert(best, &nbest, r->score[in]);
    }
}

int match_text_asks(const match_engine *me, const nlp_text *t)
{
    if (nlp_text_question_mark(t))
        return 1;
    size_t n = nlp_text_token_count(t);
    for (size_t i = 0; i < n; i++) {
        const nlp_token *tok = nlp_text_token(t, i);
        if (kb_words_asks(me->kb, tok->text, tok->len))
            return 1;
    }
    return 0;
}

static void weigh_unasked(const match_engine *me, match_result *r, const nlp_text *t)
{
    /* the cheap tests first: most messages are short or ask */
    if (!me->any_asks || nlp_text_token_count(t) < MATCH_ASKS_MIN_WORDS ||
        nlp_text_question_mark(t))
        return;
    int touched = 0;
    for (size_t k = 0; k < r->touched_count && !touched; k++)
        touched = me->asks[r->touched[k]] && r->score[r->touched[k]] > 0;
    if (!touched)
        return;
    /* digit groups are no words, nor what masking left of a number
     * ("TRXX XXXX"): a Turkish word has a vowel */
    size_t words = 0, n = nlp_text_token_count(t);
    for (size_t i = 0; i < n; i++) {
        const nlp_token *tok = nlp_text_token(t, i);
        words += tok->kind == NLP_TOK_WORD && strpbrk(tok->text, "aeiou") != NULL;
    }
    if (words < MATCH_ASKS_MIN_WORDS || match_text_asks(me, t))
        return;
    for (size_t k = 0; k < r->touched_count; k++) {
        uint32_t in = r->touched[k];
        if (me->asks[in] && r->score[in] > 0) {
            double cut = r->score[in] * (1.0 - MATCH_ASKS_UNASKED);
            r->score[in] -= cut;
            add_hit(r, in, "(the message asks nothing)", -cut, MATCH_HOW_MESSAGE, 0);
        }
    }
}

static void rank(const match_engine *me, match_result *r)
{
    double best_normal = 0;
    for (size_t k = 0; k < r->touched_count; k++) {
        uint32_t in = r->touched[k];
        if (!me->low_priority[in] && r->score[in] > best_normal)
            best_normal = r->score[in];
    }
    r->cand_count = 0;
    for (size_t k = 0; k < r->touched_count; k++) {
        uint32_t in = r->touched[k];
        double s = r->score[in];
        /* a greeting or thanks steps aside for a real request that is at
         * least comparable, not for a stray weak hit */
        if (s <= 0 || (me->low_priority[in] && best_normal >= MATCH_LOW_PRIORITY_YIELD &&
                       best_normal >= 0.6 * s))
            continue;
        /* insertion into the short sorted list; ties keep KB order */
        size_t pos = r->cand_count;
        while (pos > 0 && (r->cands[pos - 1].score < s ||
                           (r->cands[pos - 1].score == s && r->cands[pos - 1].intent > in)))
            pos--;
        if (pos >= MATCH_MAX_CANDIDATES)
            continue;
        size_t last =
            r->cand_count < MATCH_MAX_CANDIDATES ? r->cand_count : MATCH_MAX_CANDIDATES - 1;
        for (size_t m = last; m > pos; m--)
            r->cands[m] = r->cands[m - 1];
        r->cands[pos] = (match_candidate){in, me->intent_id[in], s};
        if (r->cand_count < MATCH_MAX_CANDIDATES)
            r->cand_count++;
    }
    r->chosen = -1;
    r->confidence = 0;
    r->clarify = 0;
    if (!r->cand_count)
        return;
    double s1 = r->cands[0].score;
    double s2 = r->cand_count > 1 ? r->cands[1].score : 0;
    double c = (1.0 - exp(-s1 / 3.0)) * s1 / (s1 + 0.5 * s2);
    r->confidence = c < 0 ? 0 : c > 1 ? 1 : c;
    if (r->confidence < MATCH_FALLBACK_BELOW || (int)r->cands[0].intent == me->fallback_index)
        return;
    r->chosen = (int)r->cands[0].intent;
    r->clarify = r->cand_count > 1 && s2 >= MATCH_CLARIFY_RATIO * s1 &&
                 (int)r->cands[1].intent != me->fallback_index;
}

ds_status match_classify(const match_engine *me, const nlp_text *t, match_result *r)
{
    if (++r->gen == 0) { /* wrapped: forget every stamp */
        memset(r->feature_stamp, 0, (me->feature_count + 1) * sizeof *r->feature_stamp);
        memset(r->intent_stamp, 0, (me->intent_count + 1) * sizeof *r->intent_stamp);
        match__scan_reset(&r->scan, me);
        r->gen = 1;
    }
    r->touched_count = r->hit_count = 0;
    size_t taught = 0;
    if (me->taught && ds_map_count(me->taught) &&
        ds_map_get(me->taught, nlp_text_skeleton(t), nlp_text_skeleton_len(t), &taught)) {
        /* a supervisor said what this message is (destek review assign) */
        uint32_t in = (uint32_t)(taught - 1);
        r->cands[0] = (match_candidate){in, kb_intent_at(me->kb, in)->id, 10.0};
        r->cand_count = 1;
        r->confidence = 1.0;
        r->clarify = 0;
        r->chosen = (int)in == me->fallback_index ? -1 : (int)in;
        add_hit(r, in, "(taught)", 10.0, MATCH_HOW_EXACT, 0);
        return DS_OK;
    }
    size_t ntok = nlp_text_token_count(t);
    for (size_t p = 0; p < ntok; p++)
        cached_token_terms(me, r, nlp_text_token(t, p), &r->toks[p]);
    for (size_t p = 0; p < ntok; p++) {
        const tok_terms *tt = &r->toks[p];
        for (size_t j = 0; j < tt->count; j++) {
            uint32_t term = tt->term[j];
            int exact = tt->how[j] == MATCH_HOW_EXACT;
            for (uint32_t i = me->trig_off[term]; i < me->trig_off[term + 1]; i++) {
                const m_trigger *tg = &me->trig[i];
                /* the first word is this term (a token's terms are distinct) */
                if ((tg->exact && !exact) || r->feature_stamp[tg->feature] == r->gen ||
                    (tg->word_count > 1 && !phrase_rest(me, r, tg, p, ntok)))
                    continue;
                fire_feature(me, r, tg->feature, (match_how)tt->how[j], p);
            }
        }
    }
    run_patterns(me, r, t);
    weigh_unasked(me, r, t);
    rank(me, r);
    return DS_OK;
}

ds_status match_result_cache_terms(match_result *r)
{
    if (!r->cache && !(r->cache = match__cache_new()))
        return DS_ENOMEM;
    return DS_OK;
}

void match_result_set_exhaustive(match_result *r, int on)
{
    r->exhaustive = on;
}

const char *match_result_intent(const match_result *r)
{
    return r->chosen >= 0 ? kb_intent_at(r->me->kb, (size_t)r->chosen)->id : "fallback";
}

int match_result_intent_index(const match_result *r)
{
    return r->chosen >= 0 ? r->chosen : r->me->fallback_index;
}

double match_result_confidence(const match_result *r)
{
    return r->confidence;
}

int match_result_is_fallback(const match_result *r)
{
    return r->chosen < 0;
}

int match_result_clarify(const match_result *r)
{
    return r->clarify;
}

size_t match_result_candidate_count(const match_result *r)
{
    return r->cand_count;
}

const match_candidate *match_result_candidate(const match_result *r, size_t i)
{
    return i < r->cand_count ? &r->cands[i] : NULL;
}

size_t match_result_hit_count(const match_result *r)
{
    return r->hit_count;
}

const match_hit *match_result_hit(const match_result *r, size_t i)
{
    return i < r->hit_count ? &r->hits[i] : NULL;
}

const char *match_how_str(match_how how)
{
    static const char *const names[] = {"exact", "stem", "typo", "pattern", "message"};
    return (size_t)how < sizeof names / sizeof *names ? names[how] : "?";
}
