/* SPDX-License-Identifier: MIT */
/* A string-keyed hash map (open addressing, keys copied) from byte strings to
 * size_t values. Read-only use from many threads is safe once built. */
#ifndef DS_MAP_H
#define DS_MAP_H

#include <stdint.h>

#include "ds.h"

typedef struct ds_map ds_map;

/* Returns an owned empty map (free with ds_map_free), NULL on out of memory. */
ds_map *ds_map_new(void);
void ds_map_free(ds_map *m);

/* Inserts or replaces key -> value. The key is copied. */
ds_status ds_map_put(ds_map *m, const char *key, size_t key_len, size_t value);

/* Returns 1 and writes *value (if not NULL) when key is present, else 0. */
int ds_map_get(const ds_map *m, const char *key, size_t key_len, size_t *value);

/* The map's hash of a key, and ds_map_get with it given (h must be
 * ds_map_hash(key, key_len)): for a caller that filters on the hash first. */
uint64_t ds_map_hash(const char *key, size_t key_len);
int ds_map_get_hashed(const ds_map *m, const char *key, size_t key_len, uint64_t h, size_t *value);

size_t ds_map_count(const ds_map *m);

/* Iteration: index from 0 to ds_map_capacity(); returns 0 for empty slots. */
size_t ds_map_capacity(const ds_map *m);
int ds_map_slot(const ds_map *m, size_t i, const char **key, size_t *key_len, size_t *value);

#endif
