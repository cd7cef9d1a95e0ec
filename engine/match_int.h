/* SPDX-License-Identifier: MIT */
/* Private to match.c and match_index.c: the index layout. */
#ifndef MATCH_INT_H
#define MATCH_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <string.h>

#include "ds_map.h"
#include "match.h"

/* Set in a stems value: the key is a softened stem ("hesab" for
 * "hesap") that only counts when a vowel follows. */
#define MATCH_SOFT_BIT ((uint32_t)1 << 31)

/* ---- word dictionaries (match_dict.c) ----------------------------------
 * Keys are hashed with a polynomial hash, h = sum of c[i] * P^(n-1-i), so a
 * token's prefix hashes come in one pass and the hash of the token with
 * letter j deleted is pre[n] + (pre[j] - pre[j+1]) * P^(n-1-j): the typo
 * search hashes no string twice. match__hash_fin mixes in the length and
 * spreads the bits. A bloom bit pair in front of the slots answers most
 * misses (most prefixes and deletions are no word) from a few kilobytes. */
#define MATCH_POLY 0xA0761D6478BD642FULL
/* The longest key whose prefix and deletion hashes the matcher computes
 * (tokens are at most NLP_MAX_TOKEN_LEN bytes). */
#define MATCH_DICT_KEY_MAX 64
#define MATCH_DICT_BLOOM_BITS_PER_KEY 8

static inline uint64_t match__poly(uint64_t h, unsigned char c)
{
    return h * MATCH_POLY + c;
}

static inline uint64_t match__hash_fin(uint64_t h, size_t len)
{
    uint64_t x = h ^ ((uint64_t)len * 0xE7037ED1A0B428DBULL);
    x ^= x >> 32;
    x *= 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 32;
    return x;
}

static inline uint64_t match__hash(const char *s, size_t len)
{
    uint64_t h = 0;
    for (size_t i = 0; i < len; i++)
        h = match__poly(h, (unsigned char)s[i]);
    return match__hash_fin(h, len);
}

typedef struct m_dict_entry {
    uint64_t hash;
    uint32_t off; /* into keys */
    uint32_t len;
    uint32_t value;
} m_dict_entry;

/* A slot holds what a lookup needs, so that a found key costs the slot and
 * the key's text, not an entry between them. */
typedef struct m_dict_slot {
    uint32_t tag; /* the hash's top half */
    uint32_t value;
    uint32_t off; /* the key at keys + off - 1; 0: an empty slot */
    uint32_t len;
} m_dict_slot;

typedef struct m_dict {
    uint64_t *bloom;
    size_t bloom_mask; /* words - 1 */
    m_dict_slot *slots;
    size_t slot_mask;
    m_dict_entry *entries; /* every key, in the order added (to rebuild slots) */
    size_t count, entry_cap;
    char *keys;
    size_t keys_len, keys_cap;
} m_dict;

void match__dict_init(m_dict *d);
void match__dict_cleanup(m_dict *d);
/* Adds key -> value unless the key is there already (the first keeps it). */
ds_status match__dict_add(m_dict *d, const char *key, size_t len, uint32_t value);

/* The bloom word of hash h and the two bits of it that h sets: both bits in
 * one word, so that a lookup costs one cache line, not two. */
static inline uint64_t match__dict_bloom(const m_dict *d, uint64_t h, size_t *word)
{
    uint64_t x = h * 0xD6E8FEB86659FD93ULL;
    *word = (size_t)(x >> 40) & d->bloom_mask;
    return 1ULL << (x >> 16 & 63) | 1ULL << (x >> 24 & 63);
}

/* 1 when x[0..n) equals y[0..n): keys are short, and a call to memcmp cost
 * more than the comparison. */
static inline int match__same(const char *x, const char *y, size_t n)
{
    uint64_t u, v;
    if (n >= 8) { /* eight bytes at a time, the last eight overlapping */
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&u, x + i, 8);
            memcpy(&v, y + i, 8);
            if (u != v)
                return 0;
        }
        memcpy(&u, x + n - 8, 8);
        memcpy(&v, y + n - 8, 8);
        return u == v;
    }
    if (n >= 4) {
        uint32_t a, b, c, d;
        memcpy(&a, x, 4);
        memcpy(&b, y, 4);
        memcpy(&c, x + n - 4, 4);
        memcpy(&d, y + n - 4, 4);
        return a == b && c == d;
    }
    return !n || (x[0] == y[0] && x[n / 2] == y[n / 2] && x[n - 1] == y[n - 1]);
}

/* The value of the key a[0..alen) followed by b[0..blen), whose hash is h
 * (two pieces: a token with one letter left out). Returns 1 and writes
 * *value, or 0. */
static inline int match__dict_get2(const m_dict *d, uint64_t h, const char *a, size_t alen,
                                   const char *b, size_t blen, uint32_t *value)
{
    if (!d->slots)
        return 0;
    size_t word;
    uint64_t bits = match__dict_bloom(d, h, &word);
    if ((d->bloom[word] & bits) != bits)
        return 0;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & d->slot_mask;; i = (i + 1) & d->slot_mask) {
        const m_dict_slot *sl = &d->slots[i];
        if (!sl->off)
            return 0;
        if (sl->tag != tag || sl->len != alen + blen)
            continue;
        const char *k = d->keys + sl->off - 1;
        if (match__same(k, a, alen) && match__same(k + alen, b, blen)) {
            *value = sl->value;
            return 1;
        }
    }
}

static inline int match__dict_get(const m_dict *d, uint64_t h, const char *key, size_t len,
                                  uint32_t *value)
{
    return match__dict_get2(d, h, key, len, key, 0, value);
}

/* ---- a token's terms (match.c), and a cache of them (match_cache.c) ---- */
#define MATCH_MAX_TERMS_PER_TOKEN 4

typedef struct tok_terms {
    uint32_t term[MATCH_MAX_TERMS_PER_TOKEN];
    uint8_t how[MATCH_MAX_TERMS_PER_TOKEN];
    uint8_t count;
} tok_terms;

/* The longest token whose terms are cached (longer ones are rare). */
#define MATCH_CACHE_KEY_MAX 32

typedef struct m_cache_key {
    char text[MATCH_CACHE_KEY_MAX]; /* zero-padded */
    uint8_t len;
    uint8_t word; /* NLP_TOK_WORD: only words get stems and typos */
    uint32_t set;
} m_cache_key;

/* One cache line: a token and its terms; len 0 for an empty slot. */
typedef struct m_term_slot {
    char text[MATCH_CACHE_KEY_MAX];
    tok_terms terms;
    uint8_t len;
    uint8_t word;
    uint8_t pad[4];
} m_term_slot;
_Static_assert(sizeof(m_term_slot) == 64, "a cache slot is one cache line");

typedef struct m_term_cache m_term_cache;

/* Owned (match__cache_free, which accepts NULL); NULL on OOM. */
m_term_cache *match__cache_new(void);
void match__cache_free(m_term_cache *c);
/* Fills *k for tok; 0 when tok is not kept (empty, or longer than
 * MATCH_CACHE_KEY_MAX). */
int match__cache_key(const nlp_token *tok, m_cache_key *k);
/* 1 and *tt when the key's terms are kept. */
int match__cache_get(m_term_cache *c, const m_cache_key *k, tok_terms *tt);
/* Keeps *tt as the key's terms (the key must not be kept already). */
void match__cache_put(m_term_cache *c, const m_cache_key *k, const tok_terms *tt);

typedef struct m_word {
    uint32_t term;
    uint8_t exact;
} m_word;

typedef struct m_phrase {
    uint32_t feature;
    uint32_t first_word; /* index into words */
    uint32_t word_count;
} m_phrase;

/* A phrase as its first word's term triggers it: what the hot loop needs
 * without a look at the phrase and its words (most phrases are one word). */
typedef struct m_trigger {
    uint32_t feature;
    uint32_t first_word; /* the phrase's words[first_word .. first_word + word_count) */
    uint32_t word_count;
    uint32_t exact; /* the first word only matches exactly */
} m_trigger;

/* m_posting.keyword for evidence learned from example utterances */
#define MATCH_KEYWORD_EXAMPLE UINT32_MAX

typedef struct m_posting {
    uint32_t intent;
    uint32_t keyword; /* index in the intent's keywords, for explanations */
    double weight;
} m_posting;

#define MATCH_LITERAL_MAX 32
#define MATCH_ALT_MAX 12

/* Clauses kept per pattern (match_prefilter.c). */
#define MATCH_CLAUSE_MAX 4

typedef struct m_pattern {
    pcre2_code *code;
    const char *re; /* borrowed from the kb */
    double weight;
    int jit; /* JIT-compiled: call pcre2_jit_match directly */
    /* every match satisfies each of these clauses (none known when 0):
     * clauses[clause_first .. clause_first + clause_count) */
    uint32_t clause_first;
    uint32_t clause_count;
} m_pattern;

/* One of the literals lits[clause_lits[lit_first .. lit_first + lit_count)]
 * is in every match. */
typedef struct m_clause {
    uint32_t lit_first;
    uint32_t lit_count;
} m_clause;

typedef struct m_lit {
    uint32_t off; /* text at lit_text + off, NUL-terminated; 2+ bytes */
    uint32_t len;
} m_lit;

/* A literal in the index: its first eight bytes (fewer, zero-padded, if
 * shorter), compared with eight bytes of the message at once under
 * head_mask[min(len, 8)]; 16 bytes, four to a cache line. */
typedef struct m_probe {
    uint64_t head;
    uint32_t lit;
    uint32_t len;
} m_probe;

/* Buckets of the literal index: literals by their first three bytes (and,
 * in a table of their own, two-byte literals by both). */
#define MATCH_LIT_BUCKETS 4096

static inline unsigned match__lit_bucket(unsigned a, unsigned b, unsigned c)
{
    return ((a << 16 | b << 8 | c) * 2654435761u) >> 20 & (MATCH_LIT_BUCKETS - 1);
}

typedef struct match__prefilter_builder {
    ds_map *ids; /* literal -> id */
    size_t text_len, text_cap, lit_cap, clause_cap, clause_lit_cap;
    int oom;
} match__prefilter_builder;

/* Reads what every match of re needs into mp's clauses (match_prefilter.c). */
void match__prefilter_add(match_engine *me, match__prefilter_builder *pb, m_pattern *mp,
                          const char *re);
/* Once every pattern is added: the literal index the scan uses. */
ds_status match__prefilter_index(match_engine *me);

/* Which patterns a message can match, found by one scan of its skeleton for
 * every literal at once: a pattern can match when each of its clauses has
 * a literal in the message. Per match_result; stamps say "this message". */
/* A pattern in one scan: which of its clauses hold, when stamp is the
 * message's, and (copied from the engine, so that a found literal reads one
 * place per pattern it serves) its intent and the mask of all its clauses. */
typedef struct m_pat_state {
    uint32_t stamp;
    uint32_t intent;
    uint8_t held; /* bit k: clause k of the pattern holds */
    uint8_t full; /* every clause's bit; 0 for a pattern without clauses */
} m_pat_state;

typedef struct m_scan {
    uint32_t gen;     /* the message scanned, 0 for none */
    m_pat_state *pat; /* per pattern */
    /* intent -> gen when all the clauses of one of its patterns hold: an
     * intent with neither such a pattern nor one without clauses (pat_free)
     * has none to try, and its patterns are not looked at one by one */
    uint32_t *intent_ready;
} m_scan;

ds_status match__scan_init(m_scan *sc, const match_engine *me);
void match__scan_cleanup(m_scan *sc);
/* Forgets every stamp (the message counter wrapped). */
void match__scan_reset(m_scan *sc, const match_engine *me);
/* Scans s[0..len) as message gen (nonzero). */
void match__scan(const match_engine *me, m_scan *sc, uint32_t gen, const char *s, size_t len);

/* 1 when pattern p can match the message last scanned. */
static inline int match__scan_may_match(const match_engine *me, const m_scan *sc, uint32_t p);

struct match_engine {
    const kb_base *kb;
    size_t intent_count;
    int fallback_index;
    uint8_t *low_priority;  /* per intent, copied from the kb for the hot path */
    uint8_t *asks;          /* per intent, likewise ("asks") */
    int any_asks;           /* some intent asks: long messages are read for a question */
    const char **intent_id; /* per intent, borrowed from the kb, likewise */
    m_dict terms;           /* word -> term id */
    m_dict stems;           /* word of 3+ letters (and softened form) -> term id */
    m_dict dels;            /* each one-letter deletion of a 5+ letter word -> term id */
    uint64_t poly_pow[MATCH_DICT_KEY_MAX + 1]; /* MATCH_POLY^k */
    size_t term_count;
    uint8_t *term_weak; /* 1: the term only comes from example stems */
    size_t term_weak_cap;
    uint32_t *trig_off; /* term -> phrases starting with it: trig[trig_off[t]..trig_off[t+1]) */
    m_trigger *trig;
    m_phrase *phrases;
    size_t phrase_count;
    m_word *words;
    size_t word_count;
    size_t feature_count;
    uint32_t *post_off; /* feature -> posts[post_off[f]..post_off[f+1]) */
    m_posting *posts;
    uint32_t *pat_off;    /* intent -> patterns[pat_off[i]..pat_off[i+1]) */
    double *pat_max;      /* intent -> the most its patterns can add */
    uint32_t *pat_intent; /* pattern -> its intent */
    uint8_t *pat_free;    /* intent -> 1 when one of its patterns has no clause */
    m_pattern *patterns;
    m_clause *clauses; /* the patterns' prefilter: see m_pattern */
    size_t clause_count;
    uint32_t *clause_lits;
    size_t clause_lit_count;
    uint32_t *clause_pattern; /* clause -> its pattern */
    m_lit *lits;              /* distinct literals of all clauses */
    size_t lit_count;
    char *lit_text;
    /* literal -> lit_refs[lit_ref_off[l]..lit_ref_off[l+1]): the clauses
     * naming it, each as its pattern << 2 | its index in the pattern */
    uint32_t *lit_ref_off;
    uint32_t *lit_refs;
    uint32_t *tri_off; /* bucket -> tri[tri_off[b]..tri_off[b+1]): literals of 3+ bytes */
    m_probe *tri;
    uint32_t *duo_off; /* bucket -> duo[...]: two-byte literals */
    m_probe *duo;
    uint64_t head_mask[9]; /* the first k bytes of eight, as a mask */
    /* the buckets with literals, as bits: most positions of a message start
     * no literal, and a bit test in 512 bytes beats a look at the offsets */
    uint64_t tri_used[MATCH_LIT_BUCKETS / 64];
    uint64_t duo_used[MATCH_LIT_BUCKETS / 64];
    pcre2_match_context *mctx;
    ds_map *taught; /* skeleton of a taught message -> intent + 1 (kb "taught") */
};

/* 0 when no pattern of intent `in` can match the message last scanned. */
static inline int match__scan_intent_may_match(const match_engine *me, const m_scan *sc,
                                               uint32_t in)
{
    return me->pat_free[in] || sc->intent_ready[in] == sc->gen;
}

static inline int match__scan_may_match(const match_engine *me, const m_scan *sc, uint32_t p)
{
    const m_pat_state *ps = &sc->pat[p];
    (void)me;
    return ps->full == 0 || (ps->stamp == sc->gen && ps->held == ps->full);
}

#endif
