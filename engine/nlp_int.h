/* SPDX-License-Identifier: MIT */
/* Private to nlp.c and nlp_entities.c. */
#ifndef NLP_INT_H
#define NLP_INT_H

#include <stdint.h>

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
    uint64_t *dict_table;
    size_t dict_slots;
    uint64_t *dict_bloom;
    size_t dict_bloom_mask; /* words - 1 */
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
};

/* Finds entities in t's tokens (token texts must be final). */
void nlp__find_entities(nlp_text *t);

#endif
