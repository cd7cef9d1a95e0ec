/* SPDX-License-Identifier: MIT */
/* Rate limits keyed by conversation and by address. Two fixed windows
 * weighted into a sliding estimate: constant memory per key, no timers. */
#include <stdlib.h>
#include <string.h>

#include "ds_map.h"
#include "ws.h"

#define WS_LIMIT_KEY_MAX 72

typedef struct bucket {
    char key[WS_LIMIT_KEY_MAX];
    double window_start;
    int current, previous;
    double last_seen;
    int live;
} bucket;

struct ws_limiter {
    ds_map *index; /* key -> slot */
    bucket *slots;
    size_t count, cap;
    size_t *free_list;
    size_t free_count;
};

ws_limiter *ws_limiter_new(void)
{
    ws_limiter *l = ds_calloc(1, sizeof *l);
    if (l && !(l->index = ds_map_new())) {
        ds_free(l);
        return NULL;
    }
    return l;
}

void ws_limiter_free(ws_limiter *l)
{
    if (!l)
        return;
    ds_map_free(l->index);
    ds_free(l->slots);
    ds_free(l->free_list);
    ds_free(l);
}

static bucket *lookup(ws_limiter *l, const char *key)
{
    size_t len = strlen(key), slot;
    if (len >= WS_LIMIT_KEY_MAX)
        len = WS_LIMIT_KEY_MAX - 1;
    if (ds_map_get(l->index, key, len, &slot) && l->slots[slot].live &&
        strncmp(l->slots[slot].key, key, len) == 0 && l->slots[slot].key[len] == '\0')
        return &l->slots[slot];
    if (l->free_count) {
        slot = l->free_list[--l->free_count];
    } else {
        if (l->count == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : 256;
            bucket *nb = ds_realloc(l->slots, ncap * sizeof *nb);
            if (!nb)
                return NULL;
            l->slots = nb;
            l->cap = ncap;
        }
        slot = l->count++;
    }
    if (ds_map_put(l->index, key, len, slot) != DS_OK)
        return NULL;
    memset(&l->slots[slot], 0, sizeof l->slots[slot]);
    memcpy(l->slots[slot].key, key, len);
    l->slots[slot].live = 1;
    return &l->slots[slot];
}

int ws_limiter_hit(ws_limiter *l, const char *key, double now, int burst, int window_s)
{
    bucket *b = lookup(l, key);
    if (!b)
        return 1; /* out of memory: never lock out a shopper for our failure */
    double w = window_s;
    if (now - b->window_start >= 2 * w) {
        b->previous = 0;
        b->current = 0;
        b->window_start = now;
    } else if (now - b->window_start >= w) {
        b->previous = b->current;
        b->current = 0;
        b->window_start += w;
    }
    b->last_seen = now;
    double weight = 1.0 - (now - b->window_start) / w;
    double estimate = b->previous * weight + b->current;
    if (estimate + 1 > burst)
        return 0;
    b->current++;
    return 1;
}

void ws_limiter_sweep(ws_limiter *l, double now, double max_idle_s)
{
    /* rebuild the index from the live keys, so memory follows the keys in
     * use, not every key ever seen */
    ds_map *index = ds_map_new();
    if (!index)
        return;
    l->free_count = 0;
    for (size_t slot = 0; slot < l->count; slot++) {
        bucket *b = &l->slots[slot];
        if (b->live && now - b->last_seen > max_idle_s)
            b->live = 0;
        if (b->live && ds_map_put(index, b->key, strlen(b->key), slot) == DS_OK)
            continue;
        b->live = 0;
        size_t *nf = ds_realloc(l->free_list, (l->free_count + 1) * sizeof *nf);
        if (nf) {
            l->free_list = nf;
            l->free_list[l->free_count++] = slot;
        }
    }
    ds_map_free(l->index);
    l->index = index;
}
