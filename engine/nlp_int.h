/* SPDX-License-Identifier: MIT */
/* Private to nlp.c and nlp_entities.c. */
#ifndef NLP_INT_H
#define NLP_INT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ds_map.h"
#include "ds_limits.h"
#include "nlp.h"

/* Bits of the bloom sets in front of the shorthand and word maps: every
 * word token is looked up in both, and almost none is there. */
#define NLP_BLOOM_BITS 8192

struct nlp_lexicon {
    ds_map *shorthand; /* skeleton token -> index into expansions */
    char **expansions; /* skeleton words joined by single spaces */
    size_t expansion_count;
    size_t expansion_cap;
    ds_map *suffixes;
    size_t max_suffix_len;
    ds_map *words; /* real words the matcher never reads as a typo of another */
    /* a spelling dictionary's words (nlp_dict.c): length-prefixed
     * skeletons in dict_blob; dict_table their offsets (0: empty), each
     * with the top half of the word's hash above it; a bloom set in front */
    char *dict_blob;
    size_t dict_len, dict_cap, dict_count;
    uint64_t *dict_table; /* inside dict_table_mem, on a huge-page boundary */
    void *dict_table_mem;
    size_t dict_slots;
    uint64_t *dict_bloom;
    size_t dict_bloom_mask; /* words - 1 */
    /* when the three above point into an image (nlp_dict_image.c) instead
     * of memory of their own: the image, mapped (munmap) or borrowed */
    const unsigned char *dict_image;
    size_t dict_image_len;
    int dict_image_mapped;
    uint64_t shorthand_bloom[NLP_BLOOM_BITS / 64];
    uint64_t words_bloom[NLP_BLOOM_BITS / 64];
    /* the suffixes again as a trie over 'a'..'z', for the per-token split
     * check on the hot path; node 0 is the root */
    int32_t (*trie)[26];
    uint8_t *trie_final;
    size_t trie_count;
    size_t trie_cap;
};

struct nlp_text {
    ds_buf folded;
    ds_buf skeleton;
    ds_buf tokbuf; /* token texts, each NUL-terminated */
    ds_buf entbuf; /* entity values, each NUL-terminated */
    nlp_token toks[NLP_MAX_TOKENS];
    size_t tok_off[NLP_MAX_TOKENS];
    size_t token_count;
    nlp_entity ents[NLP_MAX_TOKENS];
    size_t ent_off[NLP_MAX_TOKENS];
    size_t entity_count;
    int32_t *cps; /* scratch: code points */
    size_t cps_cap;
    int truncated;
    int question_mark; /* the input had a '?' (which folding drops) */
};

/* A hash of s[0..len) for the lexicon's sets: eight bytes at a time, then
 * a final mix (a byte at a time cost a multiplication a letter). */
static inline uint64_t nlp__hash(const char *s, size_t len)
{
    uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    /* the last 0..7 bytes in two overlapping loads, or three bytes of 1..3
     * (with the length in h, each tail gives its own w) */
    size_t r = len - i;
    uint64_t w = 0;
    if (r >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s + i, 4);
        memcpy(&hi, s + i + r - 4, 4);
        w = lo | (uint64_t)hi << 32;
    } else if (r) {
        const unsigned char *u = (const unsigned char *)s + i;
        w = u[0] | (uint64_t)u[r / 2] << 8 | (uint64_t)u[r - 1] << 16;
    }
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 29;
    return h;
}

/* Bytes a dictionary's blob has after its last word, zero: a word's length
 * byte read anywhere in it (an image's, which is outside input) points at
 * most 255 bytes further, still inside. */
#define NLP_DICT_PAD 256

/* nlp_dict.c: reads the .dic open as f (sb its fstat) into lx, which
 * borrows no image (nlp_dict_image.c, where nlp_lexicon_load_dictionary
 * is, copies one first). */
ds_status nlp__dict_read(nlp_lexicon *lx, FILE *f, const struct stat *sb, const char *path,
                         size_t *added, ds_error *err);
/* A fingerprint of the rules a .dic is read by (the folding tables, the
 * limits, the hash): part of an image's key. */
uint64_t nlp__dict_rules(void);
/* len bytes at a 2 MB boundary inside *mem (owned: ds_free), huge pages
 * asked for, or NULL: a dictionary's table. */
void *nlp__dict_alloc_table(size_t len, void **mem);
/* nlp_dict_image.c: unmaps (or forgets) lx's image and the pointers into
 * it; the counts stay. */
void nlp__dict_image_release(nlp_lexicon *lx);

/* Finds entities in t's tokens (token texts must be final). */
void nlp__find_entities(nlp_text *t);

#endif
