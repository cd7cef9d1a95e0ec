/* SPDX-License-Identifier: MIT */
/* The matcher's word dictionaries (terms, stems, one-letter deletions):
 * built once with the engine, then read-only. Lookups take a hash the caller
 * computed (match__hash_fin of a polynomial hash), so every prefix of a token
 * and every deletion of a stem is hashed in O(1) from the token's prefix
 * hashes; the lookup itself is in match_int.h so it inlines. */
#include "match_int.h"

#include <string.h>

void match__dict_init(m_dict *d)
{
    memset(d, 0, sizeof *d);
}

void match__dict_cleanup(m_dict *d)
{
    ds_free(d->bloom);
    ds_free(d->slots);
    ds_free(d->entries);
    ds_free(d->keys);
    memset(d, 0, sizeof *d);
}

static size_t pow2_at_least(size_t n)
{
    size_t p = 64;
    while (p < n)
        p *= 2;
    return p;
}

static void place(m_dict *d, const m_dict_entry *e)
{
    size_t i = e->hash & d->slot_mask;
    while (d->slots[i].off)
        i = (i + 1) & d->slot_mask;
    d->slots[i] = (m_dict_slot){(uint32_t)(e->hash >> 32), e->value, e->off + 1, e->len};
    size_t word;
    uint64_t bits = match__dict_bloom(d, e->hash, &word);
    d->bloom[word] |= bits;
}

/* Rebuilds slots and bloom for `count` entries and as many again: slots a
 * quarter to half full, 8 to 16 bloom bits a key. */
static ds_status rehash(m_dict *d, size_t count)
{
    size_t nslots = pow2_at_least(count * 2);
    size_t nbits = pow2_at_least(count * 2 * MATCH_DICT_BLOOM_BITS_PER_KEY + 64);
    m_dict_slot *slots = ds_calloc(nslots, sizeof *slots);
    uint64_t *bloom = ds_calloc(nbits / 64, sizeof *bloom);
    if (!slots || !bloom) {
        ds_free(slots);
        ds_free(bloom);
        return DS_ENOMEM;
    }
    ds_free(d->slots);
    ds_free(d->bloom);
    d->slots = slots;
    d->slot_mask = nslots - 1;
    d->bloom = bloom;
    d->bloom_mask = nbits / 64 - 1;
    for (size_t e = 0; e < d->count; e++)
        place(d, &d->entries[e]);
    return DS_OK;
}

ds_status match__dict_add(m_dict *d, const char *key, size_t len, uint32_t value)
{
    uint64_t h = match__hash(key, len);
    uint32_t old;
    if (match__dict_get(d, h, key, len, &old))
        return DS_OK; /* the first word to claim a key keeps it */
    if (d->count == d->entry_cap) {
        size_t ncap = d->entry_cap ? d->entry_cap * 2 : 64;
        m_dict_entry *ne = ds_realloc(d->entries, ncap * sizeof *ne);
        if (!ne)
            return DS_ENOMEM;
        d->entries = ne;
        d->entry_cap = ncap;
    }
    if (d->keys_len + len + 1 > d->keys_cap) {
        size_t ncap = d->keys_cap ? d->keys_cap * 2 : 1024;
        while (ncap < d->keys_len + len + 1)
            ncap *= 2;
        char *nk = ds_realloc(d->keys, ncap);
        if (!nk)
            return DS_ENOMEM;
        d->keys = nk;
        d->keys_cap = ncap;
    }
    memcpy(d->keys + d->keys_len, key, len);
    d->keys[d->keys_len + len] = '\0';
    d->entries[d->count] = (m_dict_entry){h, (uint32_t)d->keys_len, (uint32_t)len, value};
    d->keys_len += len + 1;
    d->count++;
    if (!d->slots || d->count * 2 > d->slot_mask + 1)
        return rehash(d, d->count);
    place(d, &d->entries[d->count - 1]);
    return DS_OK;
}
