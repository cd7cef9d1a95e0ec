/* SPDX-License-Identifier: MIT */
/* Builds the matcher's index from a loaded knowledge base: terms with their
 * stem and typo keys, phrases, features (one per concept and per distinct
 * literal keyword) with postings to intents, and JIT-compiled patterns. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ds_limits.h"

typedef struct builder {
    match_engine *me;
    ds_map *feature_keys; /* "=words" / "words" -> feature id */
    m_posting *posts;     /* unsorted, with features in post_feature */
    uint32_t *post_feature;
    size_t post_count, post_cap;
    size_t phrase_cap, word_cap;
    int oom;
    int weak; /* terms being added come from example stems */
} builder;

static int soft_ending(char c, char *soft)
{
    switch (c) {
    case 'p': *soft = 'b'; return 1;
    case 't': *soft = 'd'; return 1;
    case 'k': *soft = 'g'; return 1;
    default: return 0;
    }
}

static uint32_t term_id(builder *b, const char *w, size_t len)
{
    match_engine *me = b->me;
    uint32_t id;
    if (match__dict_get(&me->terms, match__hash(w, len), w, len, &id)) {
        if (!b->weak)
            me->term_weak[id] = 0;
        return id;
    }
    me->term_weak = ds_grow(me->term_weak, &me->term_weak_cap, me->term_count + 1, 1, &b->oom);
    if (b->oom)
        return 0;
    id = (uint32_t)me->term_count++;
    me->term_weak[id] = (uint8_t)b->weak;
    if (match__dict_add(&me->terms, w, len, id) != DS_OK)
        b->oom = 1;
    if (len >= 3 && match__dict_add(&me->stems, w, len, id) != DS_OK)
        b->oom = 1;
    char soft;
    if (len >= 3 && len < 64 && soft_ending(w[len - 1], &soft)) {
        char buf[64];
        memcpy(buf, w, len);
        buf[len - 1] = soft;
        if (match__dict_add(&me->stems, buf, len, id | MATCH_SOFT_BIT) != DS_OK)
            b->oom = 1;
    }
    if (len >= 5 && len < 64) {
        char buf[64];
        for (size_t j = 0; j < len; j++) {
            memcpy(buf, w, j);
            memcpy(buf + j, w + j + 1, len - j - 1);
            if (match__dict_add(&me->dels, buf, len - 1, id) != DS_OK)
                b->oom = 1;
        }
    }
    return id;
}

static void add_phrase(builder *b, uint32_t feature, const char *words, int exact)
{
    match_engine *me = b->me;
    me->phrases =
        ds_grow(me->phrases, &b->phrase_cap, me->phrase_count + 1, sizeof *me->phrases, &b->oom);
    if (b->oom)
        return;
    m_phrase *ph = &me->phrases[me->phrase_count++];
    ph->feature = feature;
    ph->first_word = (uint32_t)me->word_count;
    ph->word_count = 0;
    for (const char *p = words; *p;) {
        size_t k = strcspn(p, " ");
        me->words =
            ds_grow(me->words, &b->word_cap, me->word_count + 1, sizeof *me->words, &b->oom);
        if (b->oom)
            return;
        me->words[me->word_count].term = term_id(b, p, k);
        me->words[me->word_count].exact = (uint8_t)exact;
        me->word_count++;
        ph->word_count++;
        p += k;
        while (*p == ' ')
            p++;
    }
}

static void add_posting(builder *b, uint32_t feature, size_t intent, size_t kw, double w)
{
    size_t cap = b->post_cap, fcap = b->post_cap;
    b->posts = ds_grow(b->posts, &cap, b->post_count + 1, sizeof *b->posts, &b->oom);
    b->post_feature =
        ds_grow(b->post_feature, &fcap, b->post_count + 1, sizeof *b->post_feature, &b->oom);
    if (b->oom)
        return;
    b->post_cap = cap;
    b->posts[b->post_count] = (m_posting){(uint32_t)intent, (uint32_t)kw, w};
    b->post_feature[b->post_count] = feature;
    b->post_count++;
}

static uint32_t literal_feature(builder *b, const kb_keyword *k)
{
    ds_buf key;
    ds_buf_init(&key);
    if (k->exact)
        ds_buf_puts(&key, "=");
    ds_buf_puts(&key, k->words);
    size_t id = 0;
    if (key.failed) {
        b->oom = 1;
    } else if (!ds_map_get(b->feature_keys, key.data, key.len, &id)) {
        id = b->me->feature_count++;
        if (ds_map_put(b->feature_keys, key.data, key.len, id) != DS_OK)
            b->oom = 1;
        add_phrase(b, (uint32_t)id, k->words, k->exact);
    }
    ds_buf_cleanup(&key);
    return (uint32_t)id;
}

/* The stem of an example word: its shortest prefix of 5+ letters that is
 * followed by a suffix chain (the word itself when none is). */
static size_t example_stem(const nlp_lexicon *lx, const char *w, size_t len)
{
    unsigned char ok[65];
    if (len > 64)
        return len;
    nlp_lexicon_suffix_splits(lx, w, len, ok);
    for (size_t i = 5; i < len; i++)
        if (ok[i])
            return i;
    return len;
}

typedef struct ex_word {
    char *stem;
    uint32_t intent;
} ex_word;

static int ex_cmp(const void *a, const void *b)
{
    const ex_word *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c ? c : (x->intent > y->intent) - (x->intent < y->intent);
}

/* Messages a supervisor taught (kb "taught"): the same text, once
 * normalised, is that intent, whatever the scores would say. */
static void add_taught(builder *b)
{
    match_engine *me = b->me;
    const kb_base *kb = me->kb;
    nlp_text *t = nlp_text_new();
    if (!t || !(me->taught = ds_map_new())) {
        nlp_text_free(t);
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < me->intent_count && !b->oom; i++) {
        const kb_intent *in = kb_intent_at(kb, i);
        for (size_t e = 0; e < in->taught_count; e++) {
            const char *x = in->taught[e];
            if (nlp_normalise(kb_lexicon(kb), x, strlen(x), t, NULL) != DS_OK ||
                !nlp_text_skeleton_len(t))
                continue;
            if (ds_map_put(me->taught, nlp_text_skeleton(t), nlp_text_skeleton_len(t), i + 1) !=
                DS_OK)
                b->oom = 1;
        }
    }
    nlp_text_free(t);
}

/* Example utterances as weak evidence: every distinct example stem of an
 * intent posts MATCH_EXAMPLE_WEIGHT scaled by how few intents share it, so
 * wording the author did not think of as a keyword still counts. Stems used
 * by more than a third of the intents carry no information and are dropped. */
static void add_example_evidence(builder *b)
{
    match_engine *me = b->me;
    const kb_base *kb = me->kb;
    const nlp_lexicon *lx = kb_lexicon(kb);
    nlp_text *t = nlp_text_new();
    ex_word *v = NULL;
    size_t n = 0, cap = 0;
    if (!t) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < me->intent_count && !b->oom; i++) {
        const kb_intent *in = kb_intent_at(kb, i);
        for (size_t e = 0; e < in->example_count; e++) {
            const char *x = in->examples[e];
            if (nlp_normalise(lx, x, strlen(x), t, NULL) != DS_OK)
                continue;
            for (size_t k = 0; k < nlp_text_token_count(t); k++) {
                const nlp_token *tok = nlp_text_token(t, k);
                if (tok->kind != NLP_TOK_WORD || tok->len < 3)
                    continue;
                v = ds_grow(v, &cap, n + 1, sizeof *v, &b->oom);
                if (b->oom)
                    break;
                v[n].stem = ds_strndup(tok->text, example_stem(lx, tok->text, tok->len));
                v[n].intent = (uint32_t)i;
                if (!v[n].stem)
                    b->oom = 1;
                else
                    n++;
            }
        }
    }
    nlp_text_free(t);
    if (n)
        qsort(v, n, sizeof *v, ex_cmp);
    double big = log((double)me->intent_count + 1.0);
    for (size_t a = 0; a < n && !b->oom;) {
        size_t z = a, df = 0;
        for (; z < n && strcmp(v[z].stem, v[a].stem) == 0; z++)
            df += z == a || v[z].intent != v[z - 1].intent;
        if (df * 3 <= me->intent_count || me->intent_count < 6) {
            double idf = log((me->intent_count + 1.0) / (df + 0.5)) / big;
            kb_keyword k = {NULL, v[a].stem, 1, -1, 0, 0};
            b->weak = 1;
            uint32_t f = literal_feature(b, &k);
            b->weak = 0;
            for (size_t j = a; j < z; j++)
                if (j == a || v[j].intent != v[j - 1].intent)
                    add_posting(b, f, v[j].intent, MATCH_KEYWORD_EXAMPLE,
                                MATCH_EXAMPLE_WEIGHT * idf);
        }
        a = z;
    }
    for (size_t i = 0; i < n; i++)
        ds_free(v[i].stem);
    ds_free(v);
}

/* Counting sort of postings by feature into CSR arrays. */
static void build_postings(builder *b)
{
    match_engine *me = b->me;
    me->post_off = ds_calloc(me->feature_count + 2, sizeof *me->post_off);
    me->posts = ds_calloc(b->post_count + 1, sizeof *me->posts);
    if (!me->post_off || !me->posts) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < b->post_count; i++)
        me->post_off[b->post_feature[i] + 1]++;
    for (size_t f = 0; f < me->feature_count; f++)
        me->post_off[f + 1] += me->post_off[f];
    uint32_t *fill = ds_calloc(me->feature_count + 1, sizeof *fill);
    if (!fill) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < b->post_count; i++) {
        uint32_t f = b->post_feature[i];
        me->posts[me->post_off[f] + fill[f]++] = b->posts[i];
    }
    ds_free(fill);
}

static void build_triggers(builder *b)
{
    match_engine *me = b->me;
    me->trig_off = ds_calloc(me->term_count + 2, sizeof *me->trig_off);
    me->trig = ds_calloc(me->phrase_count + 1, sizeof *me->trig);
    uint32_t *fill = ds_calloc(me->term_count + 1, sizeof *fill);
    if (!me->trig_off || !me->trig || !fill) {
        ds_free(fill);
        b->oom = 1;
        return;
    }
    for (size_t p = 0; p < me->phrase_count; p++)
        me->trig_off[me->words[me->phrases[p].first_word].term + 1]++;
    for (size_t t = 0; t < me->term_count; t++)
        me->trig_off[t + 1] += me->trig_off[t];
    for (size_t p = 0; p < me->phrase_count; p++) {
        const m_phrase *ph = &me->phrases[p];
        const m_word *w = &me->words[ph->first_word];
        me->trig[me->trig_off[w->term] + fill[w->term]++] =
            (m_trigger){ph->feature, ph->first_word, ph->word_count, w->exact};
    }
    ds_free(fill);
}

static ds_status build_patterns(match_engine *me, ds_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < me->intent_count; i++)
        total += kb_intent_at(me->kb, i)->pattern_count;
    me->pat_off = ds_calloc(me->intent_count + 1, sizeof *me->pat_off);
    me->patterns = ds_calloc(total + 1, sizeof *me->patterns);
    me->pat_max = ds_calloc(me->intent_count + 1, sizeof *me->pat_max);
    me->mctx = pcre2_match_context_create(NULL);
    if (!me->pat_off || !me->patterns || !me->pat_max || !me->mctx)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    pcre2_set_match_limit(me->mctx, MATCH_PCRE_MATCH_LIMIT);
    pcre2_set_depth_limit(me->mctx, MATCH_PCRE_DEPTH_LIMIT);
    match__prefilter_builder pb;
    memset(&pb, 0, sizeof pb);
    if (!(pb.ids = ds_map_new()))
        return ds_fail(err, DS_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < me->intent_count; i++) {
        const kb_intent *in = kb_intent_at(me->kb, i);
        me->pat_off[i] = (uint32_t)n;
        for (size_t k = 0; k < in->pattern_count; k++) {
            int code;
            PCRE2_SIZE off;
            pcre2_code *c = pcre2_compile((PCRE2_SPTR)in->patterns[k].re, PCRE2_ZERO_TERMINATED,
                                          PCRE2_UTF | PCRE2_NO_UTF_CHECK, &code, &off, NULL);
            if (!c) {
                ds_map_free(pb.ids);
                return ds_fail(err, DS_EKB, "%s: pattern %zu does not compile", in->id, k);
            }
            /* JIT is an optimisation: without it PCRE2 interprets. */
            size_t jit_size = 0;
            if (pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0)
                pcre2_pattern_info(c, PCRE2_INFO_JITSIZE, &jit_size);
            me->patterns[n].jit = jit_size > 0;
            match__prefilter_add(me, &pb, &me->patterns[n], in->patterns[k].re);
            me->patterns[n].code = c;
            me->patterns[n].re = in->patterns[k].re;
            me->patterns[n].weight = in->patterns[k].weight;
            if (in->patterns[k].weight > 0)
                me->pat_max[i] += in->patterns[k].weight;
            n++;
        }
    }
    me->pat_off[me->intent_count] = (uint32_t)n;
    ds_map_free(pb.ids);
    me->pat_intent = ds_calloc(n + 1, sizeof *me->pat_intent);
    me->pat_free = ds_calloc(me->intent_count + 1, 1);
    if (!me->pat_intent || !me->pat_free)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    for (size_t i = 0; i < me->intent_count; i++)
        for (uint32_t k = me->pat_off[i]; k < me->pat_off[i + 1]; k++) {
            me->pat_intent[k] = (uint32_t)i;
            if (!me->patterns[k].clause_count)
                me->pat_free[i] = 1;
        }
    if (pb.oom || match__prefilter_index(me) != DS_OK)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    return DS_OK;
}

ds_status match_engine_new(const kb_base *kb, match_engine **out, ds_error *err)
{
    match_engine *me = ds_calloc(1, sizeof *me);
    builder b;
    memset(&b, 0, sizeof b);
    b.me = me;
    if (!me)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    me->kb = kb;
    me->intent_count = kb_intent_count(kb);
    me->fallback_index = kb_intent_find(kb, "fallback");
    me->low_priority = ds_calloc(me->intent_count + 1, 1);
    me->asks = ds_calloc(me->intent_count + 1, 1);
    me->intent_id = ds_calloc(me->intent_count + 1, sizeof *me->intent_id);
    if (!me->low_priority || !me->asks || !me->intent_id)
        b.oom = 1;
    for (size_t i = 0; i < me->intent_count && !b.oom; i++) {
        me->low_priority[i] = (uint8_t)kb_intent_at(kb, i)->low_priority;
        me->asks[i] = (uint8_t)kb_intent_at(kb, i)->asks;
        me->any_asks |= me->asks[i];
        me->intent_id[i] = kb_intent_at(kb, i)->id;
    }
    match__dict_init(&me->terms);
    match__dict_init(&me->stems);
    match__dict_init(&me->dels);
    me->poly_pow[0] = 1;
    for (size_t k = 1; k <= MATCH_DICT_KEY_MAX; k++)
        me->poly_pow[k] = me->poly_pow[k - 1] * MATCH_POLY;
    b.feature_keys = ds_map_new();
    if (!b.feature_keys)
        b.oom = 1;
    size_t nconcepts = kb_concept_count(kb);
    me->feature_count = nconcepts;
    for (size_t c = 0; c < nconcepts && !b.oom; c++) {
        const kb_concept *con = kb_concept_at(kb, c);
        for (size_t p = 0; p < con->phrase_count; p++)
            if (con->phrases[p][0])
                add_phrase(&b, (uint32_t)c, con->phrases[p], con->exact[p]);
    }
    for (size_t i = 0; i < me->intent_count && !b.oom; i++) {
        const kb_intent *in = kb_intent_at(kb, i);
        for (size_t k = 0; k < in->keyword_count; k++) {
            const kb_keyword *kw = &in->keywords[k];
            uint32_t f = kw->concept >= 0 ? (uint32_t)kw->concept : literal_feature(&b, kw);
            add_posting(&b, f, i, k, kw->weight);
        }
    }
    if (!b.oom)
        add_example_evidence(&b);
    if (!b.oom)
        add_taught(&b);
    if (!b.oom)
        build_postings(&b);
    if (!b.oom)
        build_triggers(&b);
    ds_free(b.posts);
    ds_free(b.post_feature);
    ds_map_free(b.feature_keys);
    ds_status st = b.oom ? ds_fail(err, DS_ENOMEM, "out of memory") : build_patterns(me, err);
    if (st != DS_OK) {
        match_engine_free(me);
        return st;
    }
    *out = me;
    return DS_OK;
}

void match_engine_free(match_engine *me)
{
    if (!me)
        return;
    ds_free(me->low_priority);
    ds_free(me->asks);
    ds_free(me->intent_id);
    match__dict_cleanup(&me->terms);
    match__dict_cleanup(&me->stems);
    match__dict_cleanup(&me->dels);
    ds_map_free(me->taught);
    ds_free(me->term_weak);
    ds_free(me->trig_off);
    ds_free(me->trig);
    ds_free(me->phrases);
    ds_free(me->words);
    ds_free(me->post_off);
    ds_free(me->posts);
    /* the array is one longer than needed, so a NULL code ends it */
    for (size_t i = 0; me->patterns && me->patterns[i].code; i++)
        pcre2_code_free(me->patterns[i].code);
    ds_free(me->patterns);
    ds_free(me->clauses);
    ds_free(me->clause_lits);
    ds_free(me->clause_pattern);
    ds_free(me->lits);
    ds_free(me->lit_text);
    ds_free(me->lit_ref_off);
    ds_free(me->lit_refs);
    ds_free(me->tri_off);
    ds_free(me->tri);
    ds_free(me->duo_off);
    ds_free(me->duo);
    ds_free(me->pat_off);
    ds_free(me->pat_max);
    ds_free(me->pat_intent);
    ds_free(me->pat_free);
    pcre2_match_context_free(me->mctx);
    ds_free(me);
}

const kb_base *match_engine_kb(const match_engine *me)
{
    return me->kb;
}

size_t match_engine_feature_count(const match_engine *me)
{
    return me->feature_count;
}

size_t match_engine_term_count(const match_engine *me)
{
    return me->term_count;
}
