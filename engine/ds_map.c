/* SPDX-License-Identifier: MIT */
/* Open-addressing hash map with linear probing; keys live in one growing
 * arena so a lookup touches at most two cache lines in the common case. */
#include "ds_map.h"

#include <stdint.h>
#include <string.h>

typedef struct slot {
    uint64_t hash; /* 0 = empty */
    size_t key_off;
    size_t key_len;
    size_t value;
} slot;

struct ds_map {
    slot *slots;
    size_t cap; /* power of two */
    size_t count;
    char *keys;
    size_t keys_len;
    size_t keys_cap;
};

/* Eight bytes at a time with a multiply-xorshift mix: keys are short words
 * and the hash runs on every token lookup. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * 0xFF51AFD7ED558CCDULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xC2B2AE3D27D4EB4FULL;
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * 0x165667B19E3779F9ULL;
    h ^= h >> 29;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 32;
    return h ? h : 1;
}

ds_map *ds_map_new(void)
{
    ds_map *m = ds_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 16;
    m->slots = ds_calloc(m->cap, sizeof *m->slots);
    if (!m->slots) {
        ds_free(m);
        return NULL;
    }
    return m;
}

void ds_map_free(ds_map *m)
{
    if (!m)
        return;
    ds_free(m->slots);
    ds_free(m->keys);
    ds_free(m);
}

static slot *find(const ds_map *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *s = &m->slots[i];
        if (!s->hash)
            return s;
        if (s->hash == h && s->key_len == len && memcmp(m->keys + s->key_off, key, len) == 0)
            return s;
    }
}

static ds_status grow(ds_map *m)
{
    size_t ncap = m->cap * 2;
    slot *ns = ds_calloc(ncap, sizeof *ns);
    if (!ns)
        return DS_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        slot *s = &m->slots[i];
        if (!s->hash)
            continue;
        size_t j = s->hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    ds_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return DS_OK;
}

ds_status ds_map_put(ds_map *m, const char *key, size_t len, size_t value)
{
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m) != DS_OK)
        return DS_ENOMEM;
    uint64_t h = hash_bytes(key, len);
    slot *s = find(m, key, len, h);
    if (s->hash) {
        s->value = value;
        return DS_OK;
    }
    if (m->keys_len + len + 1 > m->keys_cap) {
        size_t ncap = m->keys_cap ? m->keys_cap * 2 : 256;
        while (ncap < m->keys_len + len + 1)
            ncap *= 2;
        char *nk = ds_realloc(m->keys, ncap);
        if (!nk)
            return DS_ENOMEM;
        m->keys = nk;
        m->keys_cap = ncap;
    }
    memcpy(m->keys + m->keys_len, key, len);
    m->keys[m->keys_len + len] = '\0';
    s->hash = h;
    s->key_off = m->keys_len;
    s->key_len = len;
    s->value = value;
    m->keys_len += len + 1;
    m->count++;
    return DS_OK;
}

uint64_t ds_map_hash(const char *key, size_t len)
{
    return hash_bytes(key, len);
}

int ds_map_get_hashed(const ds_map *m, const char *key, size_t len, uint64_t h, size_t *value)
{
    const slot *s = find(m, key, len, h);
    if (!s->hash)
        return 0;
    if (value)
        *value = s->value;
    return 1;
}

int ds_map_get(const ds_map *m, const char *key, size_t len, size_t *value)
{
    const slot *s = find(m, key, len, hash_bytes(key, len));
    if (!s->hash)
        return 0;
    if (value)
        *value = s->value;
    return 1;
}

size_t ds_map_count(const ds_map *m)
{
    return m->count;
}

size_t ds_map_capacity(const ds_map *m)
{
    return m->cap;
}

int ds_map_slot(const ds_map *m, size_t i, const char **key, size_t *key_len, size_t *value)
{
    const slot *s = &m->slots[i];
    if (!s->hash)
        return 0;
    *key = m->keys + s->key_off;
    *key_len = s->key_len;
    *value = s->value;
    return 1;
}
