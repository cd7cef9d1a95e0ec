/* SPDX-License-Identifier: MIT */
/* Requests for the shop's team (address changes, hand-offs, ...): adding one
 * and listing them. Deciding when to create one is the dialogue's business,
 * not this file's. Same threading rule as store.h. */
#include <jansson.h>
#include <string.h>

#include "store_int.h"

ds_status store_request_add(store_db *db, const char *kind, const char *order_id,
                            const char *priority, const char *details, const char *now,
                            long long *id_out, ds_error *err)
{
    if (!db || !kind || !kind[0] || !priority || !now)
        return ds_fail(err, DS_EINVAL,
                       "store_request_add: db, kind, priority and now are required");
    if (strcmp(priority, "urgent") != 0 && strcmp(priority, "normal") != 0)
        return ds_fail(err, DS_EINVAL, "store_request_add: priority \"%s\" is not urgent or normal",
                       priority);
    if (details) {
        store__json_begin();
        json_error_t je;
        json_t *v = json_loads(details, JSON_REJECT_DUPLICATES, &je);
        int is_obj = json_is_object(v);
        json_decref(v);
        if (!v && store__json_oom(&je))
            return ds_fail(err, DS_ENOMEM, "out of memory checking request details");
        if (!is_obj)
            return ds_fail(err, DS_EINPUT, "request details must be a JSON object");
    }
    store_q *st = store__q(db, STMT_REQUEST_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, kind);
    store__bind_text(st, 2, order_id);
    store__bind_text(st, 3, priority);
    store__bind_text(st, 4, details);
    store__bind_text(st, 5, now);
    int rc = store__step(db, st);
    store__done(st);
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "recording a request");
    if (id_out)
        *id_out = store__last_id(db);
    return DS_OK;
}

void store_requests_free(store_request *r, size_t count)
{
    if (!r)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(r[i].kind);
        ds_free(r[i].order_id);
        ds_free(r[i].priority);
        ds_free(r[i].details);
        ds_free(r[i].created_at);
        ds_free(r[i].state);
    }
    ds_free(r);
}

ds_status store_requests_list(store_db *db, const char *kind, store_request **out, size_t *count,
                              ds_error *err)
{
    if (!db || !out || !count)
        return ds_fail(err, DS_EINVAL, "store_requests_list: db, out and count are required");
    store_q *st = store__q(db, STMT_REQUESTS_SELECT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, kind);
    store_request *r = NULL;
    size_t n = 0, cap = 0;
    int rc = STORE_DONE, oom = 0;
    while (!oom && (rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            store_request *nr = ds_realloc(r, ncap * sizeof *nr);
            if (!nr) {
                oom = 1;
                break;
            }
            r = nr;
            cap = ncap;
        }
        store_request *q = &r[n++];
        q->id = (long long)store__col_int(st, 0);
        q->kind = store__col_dup(st, 1, &oom);
        q->order_id = store__col_dup(st, 2, &oom);
        q->priority = store__col_dup(st, 3, &oom);
        q->details = store__col_dup(st, 4, &oom);
        q->created_at = store__col_dup(st, 5, &oom);
        q->state = store__col_dup(st, 6, &oom);
    }
    ds_status s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory listing requests")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "listing requests");
    store__done(st);
    if (s != DS_OK) {
        store_requests_free(r, n);
        return s;
    }
    *out = r;
    *count = n;
    return DS_OK;
}
