/* SPDX-License-Identifier: MIT */
/* Private to match.c and match_index.c: the index layout. */
#ifndef MATCH_INT_H
#define MATCH_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "ds_map.h"
#include "match.h"

/* Set in a stems-map value: the key is a softened stem ("hesab" for
 * "hesap") that only counts when a vowel follows. */
#define MATCH_SOFT_BIT ((size_t)1 << 31)

/* A bit set over rolling prefix hashes: most prefixes of a token are no
 * stem, and one bit test is far cheaper than a map lookup. */
#define MATCH_BLOOM_WORDS 1024
#define MATCH_BLOOM_BITS (MATCH_BLOOM_WORDS * 64)

static inline uint64_t match__roll(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001B3ULL;
}

static inline unsigned match__bloom_bit(uint64_t h)
{
    return (unsigned)((h * 0x9E3779B97F4A7C15ULL) >> 48) & (MATCH_BLOOM_BITS - 1);
}

#define MATCH_ROLL_SEED 0xCBF29CE484222325ULL

typedef struct m_word {
    uint32_t term;
    uint8_t exact;
} m_word;

typedef struct m_phrase {
    uint32_t feature;
    uint32_t first_word; /* index into words */
    uint32_t word_count;
} m_phrase;

/* m_posting.keyword for evidence learned from example utterances */
#define MATCH_KEYWORD_EXAMPLE UINT32_MAX

typedef struct m_posting {
    uint32_t intent;
    uint32_t keyword; /* index in the intent's keywords, for explanations */
    double weight;
} m_posting;

#define MATCH_LITERAL_MAX 32
#define MATCH_ALT_MAX 12

typedef struct m_pattern {
    pcre2_code *code;
    const char *re; /* borrowed from the kb */
    double weight;
    int jit; /* JIT-compiled: call pcre2_jit_match directly */
    /* every match contains one of these substrings; none known when 0 */
    size_t alt_count;
    uint8_t alt_len[MATCH_ALT_MAX];
    char alt[MATCH_ALT_MAX][MATCH_LITERAL_MAX];
} m_pattern;

struct match_engine {
    const kb_base *kb;
    size_t intent_count;
    int fallback_index;
    uint8_t *low_priority;                  /* per intent, copied from the kb for the hot path */
    ds_map *terms;                          /* word -> term id */
    ds_map *stems;                          /* word of 3+ letters (and softened form) -> term id */
    uint64_t stem_bloom[MATCH_BLOOM_WORDS]; /* prefix hashes of the stems' keys */
    ds_map *dels; /* each one-letter deletion of a 5+ letter word -> term id */
    size_t term_count;
    uint8_t *term_weak; /* 1: the term only comes from example stems */
    size_t term_weak_cap;
    uint32_t *trig_off; /* term -> phrases starting with it: trig[trig_off[t]..trig_off[t+1]) */
    uint32_t *trig;
    m_phrase *phrases;
    size_t phrase_count;
    m_word *words;
    size_t word_count;
    size_t feature_count;
    uint32_t *post_off; /* feature -> posts[post_off[f]..post_off[f+1]) */
    m_posting *posts;
    uint32_t *pat_off; /* intent -> patterns[pat_off[i]..pat_off[i+1]) */
    double *pat_max;   /* intent -> the most its patterns can add */
    m_pattern *patterns;
    pcre2_match_context *mctx;
    ds_map *taught; /* skeleton of a taught message -> intent + 1 (kb "taught") */
};

#endif
