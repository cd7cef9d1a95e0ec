/* SPDX-License-Identifier: MIT */
/* The terms of recently seen tokens, per match_result: a token's terms (its
 * exact word, stems under a suffix chain, typos) depend only on its text,
 * its kind and the read-only engine, and chat repeats its words ("siparis",
 * "kargo", "ne zaman"), so a token seen before costs one cache line instead
 * of a trie walk and a dozen dictionary probes. Not a cache of results: the
 * scoring, patterns and ranking run for every message. Used by the thread
 * that owns the match_result. */
#include "match_int.h"

#include <string.h>

/* Two slots a set, the one used last first: 64 bytes a slot, 256 KB in all,
 * allocated only by match_result_cache_terms. */
#define CACHE_SETS 2048

struct m_term_cache {
    m_term_slot *slots; /* CACHE_SETS * 2, cache-line aligned */
    void *mem;
};

m_term_cache *match__cache_new(void)
{
    m_term_cache *c = ds_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mem = ds_calloc(CACHE_SETS * 2 + 1, sizeof(m_term_slot));
    if (!c->mem) {
        ds_free(c);
        return NULL;
    }
    uintptr_t p = ((uintptr_t)c->mem + 63) & ~(uintptr_t)63;
    c->slots = (m_term_slot *)p;
    return c;
}

void match__cache_free(m_term_cache *c)
{
    if (!c)
        return;
    ds_free(c->mem);
    ds_free(c);
}

/* Bytes s[0..n) (1 <= n <= 8) as a little-endian word, zero above them,
 * from loads inside s[0..n) only (a token's text ends where it ends). */
static uint64_t load_tail(const char *s, size_t n)
{
    if (n == 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        return v;
    }
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4)); /* the overlap agrees */
    }
    return (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << (8 * (n / 2)) |
           (uint64_t)(unsigned char)s[n - 1] << (8 * (n - 1));
}

/* The key of a token: its text zero-padded to 32 bytes; 0 for a token too
 * long to keep (they are rare, and take the slow way). */
int match__cache_key(const nlp_token *tok, m_cache_key *k)
{
    size_t len = tok->len;
    if (len == 0 || len > MATCH_CACHE_KEY_MAX)
        return 0;
    uint64_t w[4] = {0, 0, 0, 0};
    size_t full = (len - 1) / 8; /* whole words before the last, partial or not */
    for (size_t i = 0; i < full; i++)
        memcpy(&w[i], tok->text + 8 * i, 8);
    w[full] = load_tail(tok->text + 8 * full, len - 8 * full);
    memcpy(k->text, w, sizeof w);
    k->len = (uint8_t)len;
    k->word = tok->kind == NLP_TOK_WORD;
    uint64_t h = (w[0] * 0x9E3779B97F4A7C15ULL) ^ (w[1] * 0xC2B2AE3D27D4EB4FULL) ^
                 (w[2] * 0x165667B19E3779F9ULL) ^ (w[3] * 0xD6E8FEB86659FD93ULL) ^
                 ((uint64_t)len << 1 | k->word);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    k->set = (uint32_t)(h & (CACHE_SETS - 1));
    return 1;
}

static int same_key(const m_term_slot *s, const m_cache_key *k)
{
    uint64_t a[4], b[4];
    memcpy(a, s->text, sizeof a);
    memcpy(b, k->text, sizeof b);
    return s->len == k->len && s->word == k->word &&
           ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

int match__cache_get(m_term_cache *c, const m_cache_key *k, tok_terms *tt)
{
    m_term_slot *set = &c->slots[2 * (size_t)k->set];
    if (same_key(&set[0], k)) {
        *tt = set[0].terms;
        return 1;
    }
    if (same_key(&set[1], k)) { /* used last now */
        m_term_slot s = set[1];
        set[1] = set[0];
        set[0] = s;
        *tt = s.terms;
        return 1;
    }
    return 0;
}

void match__cache_put(m_term_cache *c, const m_cache_key *k, const tok_terms *tt)
{
    m_term_slot *set = &c->slots[2 * (size_t)k->set];
    set[1] = set[0]; /* the older of the two goes */
    memcpy(set[0].text, k->text, sizeof set[0].text);
    set[0].len = k->len;
    set[0].word = k->word;
    set[0].terms = *tt;
}
