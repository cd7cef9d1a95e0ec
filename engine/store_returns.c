/* SPDX-License-Identifier: MIT */
/* Returns, exchanges and after-sales cases: recording one, listing them,
 * moving one to another state. Whether a return is allowed (window,
 * category, stock) is the dialogue's decision, not this file's; stock is in
 * store_stock.c and the import of returns and stock in store_import.c. Same
 * threading rule as store.h. */
#include <jansson.h>
#include <string.h>

#include "ds_limits.h"
#include "store_int.h"

const char *const store__return_states[] = {"requested", "in_transit", "received",
                                            "inspected", "refunded",   "rejected",
                                            "exchanged", "open",       NULL};

int store__is_return_state(const char *s)
{
    for (size_t i = 0; s && store__return_states[i]; i++)
        if (strcmp(s, store__return_states[i]) == 0)
            return 1;
    return 0;
}

int store__is_return_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 4 && n <= 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

static int is_kind(const char *s)
{
    return s && (strcmp(s, "return") == 0 || strcmp(s, "exchange") == 0 || strcmp(s, "case") == 0);
}

static int is_priority(const char *s)
{
    return s && (strcmp(s, "urgent") == 0 || strcmp(s, "normal") == 0);
}

/* Parses text; *out owned (json_decref). DS_EINPUT with msg when it is not
 * JSON, DS_ENOMEM when memory ran out. */
static ds_status parse_json(const char *text, const char *what, json_t **out, ds_error *err)
{
    json_error_t je;
    store__json_begin();
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        if (store__json_oom(&je))
            return ds_fail(err, DS_ENOMEM, "out of memory checking %s", what);
        return ds_fail(err, DS_EINPUT, "%s is not valid JSON: %s", what, je.text);
    }
    *out = v;
    return DS_OK;
}

static ds_status check_items(const char *items, int need_one, ds_error *err)
{
    json_t *v;
    ds_status s = parse_json(items, "the returned items", &v, err);
    if (s != DS_OK)
        return s;
    if (!json_is_array(v)) {
        s = ds_fail(err, DS_EINPUT, "the returned items must be a JSON array");
    } else if (need_one && json_array_size(v) == 0) {
        s = ds_fail(err, DS_EINPUT, "a return or exchange needs at least one item");
    } else {
        for (size_t i = 0; s == DS_OK && i < json_array_size(v); i++) {
            const json_t *it = json_array_get(v, i);
            const json_t *sku = json_object_get(it, "sku"), *qty = json_object_get(it, "qty");
            const json_t *name = json_object_get(it, "name");
            if (!json_is_object(it) || !json_is_string(sku) || json_string_length(sku) == 0 ||
                !json_is_integer(qty) || json_integer_value(qty) < 1 ||
                (name && !json_is_string(name)))
                s = ds_fail(err, DS_EINPUT,
                            "returned item %zu must be an object with a \"sku\" string and an "
                            "integer \"qty\" of at least 1",
                            i);
        }
    }
    json_decref(v);
    return s;
}

static ds_status check_details(const char *details, ds_error *err)
{
    json_t *v;
    ds_status s = parse_json(details, "the details", &v, err);
    if (s != DS_OK)
        return s;
    int ok = json_is_object(v);
    json_decref(v);
    return ok ? DS_OK : ds_fail(err, DS_EINPUT, "the details must be a JSON object");
}

ds_status store_return_add(store_db *db, const char *kind, const char *order_id, const char *items,
                           const char *reason, const char *state, const char *code,
                           const char *priority, const char *details, const char *now,
                           long long *id_out, ds_error *err)
{
    long long utc = 0;
    if (!db || !reason || !reason[0] || !now)
        return ds_fail(err, DS_EINVAL, "store_return_add: db, reason and now are required");
    if (!is_kind(kind))
        return ds_fail(err, DS_EINVAL,
                       "store_return_add: kind \"%s\" is not return, exchange or case",
                       kind ? kind : "(null)");
    int is_case = strcmp(kind, "case") == 0;
    if (!is_priority(priority))
        return ds_fail(err, DS_EINVAL, "store_return_add: priority \"%s\" is not urgent or normal",
                       priority ? priority : "(null)");
    if (state && !store__is_return_state(state))
        return ds_fail(err, DS_EINVAL, "store_return_add: unknown state \"%s\"", state);
    if (code && !store__is_return_code(code))
        return ds_fail(err, DS_EINVAL,
                       "store_return_add: code \"%s\" is not 4 to 32 of A-Z, 0-9 and -", code);
    if (order_id && (!order_id[0] || strlen(order_id) > STORE_MAX_ORDER_ID_LEN))
        return ds_fail(err, DS_EINVAL, "store_return_add: order_id is empty or too long");
    if (strlen(reason) > STORE_MAX_FIELD_LEN)
        return ds_fail(err, DS_EINVAL, "store_return_add: reason is too long");
    if (!store__parse_time(now, &utc))
        return ds_fail(err, DS_EINVAL, "store_return_add: now \"%s\" is not ISO 8601 with offset",
                       now);
    if (!items && !is_case)
        return ds_fail(err, DS_EINPUT, "a return or exchange needs its items");
    ds_status s;
    if (items && (s = check_items(items, !is_case, err)) != DS_OK)
        return s;
    if (details && (s = check_details(details, err)) != DS_OK)
        return s;

    store_q *st = store__q(db, STMT_RETURN_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, kind);
    store__bind_text(st, 2, order_id);
    store__bind_text(st, 3, items ? items : "[]");
    store__bind_text(st, 4, reason);
    store__bind_text(st, 5, state ? state : is_case ? "open" : "requested");
    store__bind_text(st, 6, code);
    store__bind_text(st, 7, priority);
    store__bind_text(st, 8, details);
    store__bind_text(st, 9, now);
    store__bind_int(st, 10, utc);
    store__bind_text(st, 11, now);
    int rc = store__step(db, st);
    store__done(st);
    if (rc == STORE_FOREIGN_KEY)
        return ds_fail(err, DS_ENOTFOUND, "no order \"%s\"", order_id);
    if (rc == STORE_UNIQUE)
        return ds_fail(err, DS_ECONFLICT, "return code \"%s\" is already used", code);
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "recording a return");
    if (id_out)
        *id_out = store__last_id(db);
    return DS_OK;
}

void store_returns_free(store_return *r, size_t count)
{
    if (!r)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(r[i].kind);
        ds_free(r[i].order_id);
        ds_free(r[i].items);
        ds_free(r[i].reason);
        ds_free(r[i].state);
        ds_free(r[i].code);
        ds_free(r[i].priority);
        ds_free(r[i].details);
        ds_free(r[i].created_at);
        ds_free(r[i].updated_at);
    }
    ds_free(r);
}

ds_status store_returns_list(store_db *db, const char *order_id, store_return **out, size_t *count,
                             ds_error *err)
{
    if (!db || !out || !count)
        return ds_fail(err, DS_EINVAL, "store_returns_list: db, out and count are required");
    store_q *st = store__q(db, STMT_RETURNS_SELECT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, order_id);
    store_return *v = NULL;
    size_t n = 0, cap = 0;
    int rc = STORE_DONE, oom = 0;
    while (!oom && (rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            store_return *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = ncap;
        }
        store_return *r = &v[n++];
        r->id = (long long)store__col_int(st, 0);
        r->kind = store__col_dup(st, 1, &oom);
        r->order_id = store__col_dup(st, 2, &oom);
        r->items = store__col_dup(st, 3, &oom);
        r->reason = store__col_dup(st, 4, &oom);
        r->state = store__col_dup(st, 5, &oom);
        r->code = store__col_dup(st, 6, &oom);
        r->priority = store__col_dup(st, 7, &oom);
        r->details = store__col_dup(st, 8, &oom);
        r->created_at = store__col_dup(st, 9, &oom);
        r->updated_at = store__col_dup(st, 10, &oom);
    }
    ds_status s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory listing returns")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "listing returns");
    store__done(st);
    if (s != DS_OK) {
        store_returns_free(v, n);
        return s;
    }
    *out = v;
    *count = n;
    return DS_OK;
}

ds_status store_return_set_state(store_db *db, long long id, const char *state, const char *now,
                                 ds_error *err)
{
    if (!db || !now || !store__parse_time(now, NULL))
        return ds_fail(err, DS_EINVAL,
                       "store_return_set_state: db and now (ISO 8601 with offset) are required");
    if (!store__is_return_state(state))
        return ds_fail(err, DS_EINVAL, "store_return_set_state: unknown state \"%s\"",
                       state ? state : "(null)");
    store_q *st = store__q(db, STMT_RETURN_SET_STATE, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, state);
    store__bind_text(st, 3, now);
    int rc = store__step(db, st);
    store__done(st);
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "updating a return");
    if (store__changes(db) == 0)
        return ds_fail(err, DS_ENOTFOUND, "no return %lld", id);
    return DS_OK;
}

ds_status store_return_order_by_code(store_db *db, const char *code, char *order_id, size_t size,
                                     ds_error *err)
{
    if (!db || !order_id || size == 0 || !store__is_return_code(code))
        return ds_fail(err, DS_EINVAL,
                       "store_return_order_by_code: db, a return code and room for the order");
    store_q *st = store__q(db, STMT_RETURN_ORDER_BY_CODE, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, code);
    int rc = store__step(db, st), oom = 0;
    ds_status s = DS_OK;
    if (rc == STORE_ROW) {
        char *id = store__col_dup(st, 0, &oom);
        if (oom)
            s = ds_fail(err, DS_ENOMEM, "out of memory reading a return");
        else if (!id)
            s = ds_fail(err, DS_ENOTFOUND, "the return %s has no order", code);
        else if (strlen(id) >= size)
            s = ds_fail(err, DS_EINVAL, "store_return_order_by_code: no room for the order");
        else
            memcpy(order_id, id, strlen(id) + 1);
        ds_free(id);
    } else if (rc == STORE_DONE) {
        s = ds_fail(err, DS_ENOTFOUND, "no return with the code %s", code);
    } else {
        s = store__db_fail(db, err, "finding a return by its code");
    }
    store__done(st);
    return s;
}

ds_status store_return_set_details(store_db *db, long long id, const char *details, const char *now,
                                   ds_error *err)
{
    if (!db || !details || !now || !store__parse_time(now, NULL))
        return ds_fail(err, DS_EINVAL,
                       "store_return_set_details: db, details and now (ISO 8601 "
                       "with offset) are required");
    ds_status s = check_details(details, err);
    if (s != DS_OK)
        return s;
    store_q *st = store__q(db, STMT_RETURN_SET_DETAILS, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, details);
    store__bind_text(st, 3, now);
    int rc = store__step(db, st);
    store__done(st);
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "updating a return's details");
    if (store__changes(db) == 0)
        return ds_fail(err, DS_ENOTFOUND, "no return %lld", id);
    return DS_OK;
}
