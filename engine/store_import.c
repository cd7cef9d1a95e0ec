/* SPDX-License-Identifier: MIT */
/* Order import: walks a CONTRACT.md order document, parses each order with
 * jansson, validates it completely and writes it with the connection's
 * reused statements, all in one transaction that any problem (bad input or
 * SQL error) rolls back, so a bad file changes nothing. The optional
 * top-level "stock", "returns" and "products" arrays join the same
 * transaction. Decides
 * nothing about orders beyond their shape. Same threading rule as store.h. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ds_map.h"
#include "ds_limits.h"
#include "store_int.h"

static const char *const statuses[] = {"received",  "preparing", "shipped", "out_for_delivery",
                                       "delivered", "cancelled", "returned"};

/* ---- validation ---- */

/* Fills err with DS_EINPUT, the JSON path path[.key] and a message. */
static ds_status bad(ds_error *err, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ds_status bad(ds_error *err, const char *path, const char *key, const char *fmt, ...)
{
    if (err) {
        err->status = DS_EINPUT;
        if (key && path[0])
            snprintf(err->field, sizeof err->field, "%s.%s", path, key);
        else
            snprintf(err->field, sizeof err->field, "%s", key ? key : path);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return DS_EINPUT;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

enum { OPTIONAL = 1, NONEMPTY = 2 };

/* obj[key] as a string. OPTIONAL: absent or null gives *out = NULL. */
static ds_status get_str(const json_t *obj, const char *path, const char *key, int flags,
                         const char **out, ds_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (flags & OPTIONAL)
            return DS_OK;
        return bad(err, path, key, v ? "must be a string, not null" : "is missing");
    }
    if (!json_is_string(v))
        return bad(err, path, key, "must be a string, not %s", type_name(v));
    size_t len = json_string_length(v);
    if ((flags & NONEMPTY) && len == 0)
        return bad(err, path, key, "must not be empty");
    if (len > STORE_MAX_FIELD_LEN)
        return bad(err, path, key, "is %zu bytes long; the limit is %d", len, STORE_MAX_FIELD_LEN);
    *out = json_string_value(v);
    return DS_OK;
}

static ds_status get_time(const json_t *obj, const char *path, const char *key, int flags,
                          const char **out, ds_error *err)
{
    ds_status s = get_str(obj, path, key, flags, out, err);
    if (s != DS_OK || !*out)
        return s;
    if (!store__parse_time(*out, NULL))
        return bad(err, path, key,
                   "\"%s\" is not an ISO 8601 timestamp with an offset, "
                   "like \"2026-11-20T10:15:00+03:00\"",
                   *out);
    return DS_OK;
}

/* A decimal amount: digits, optionally a point and 1 to 4 more digits. */
static int is_decimal(const char *s)
{
    size_t i = 0, n = strlen(s);
    if (n == 0 || n > 20)
        return 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return 0;
    if (s[i] == '.') {
        size_t f = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f || i - f > 4)
            return 0;
    }
    return s[i] == '\0';
}

static ds_status get_money(const json_t *obj, const char *path, const char *key, ds_error *err)
{
    const json_t *v = json_object_get(obj, key);
    if (v && json_is_number(v))
        return bad(err, path, key,
                   "must be a decimal string like \"199.90\", not a number (floating point "
                   "loses kuruş)");
    const char *s;
    ds_status st = get_str(obj, path, key, 0, &s, err);
    if (st != DS_OK)
        return st;
    if (!is_decimal(s))
        return bad(err, path, key, "\"%s\" is not a decimal amount like \"199.90\"", s);
    return DS_OK;
}

/* obj[key] as an integer from 1 to INT_MAX (spelt out: engine/ds_limits.h once
 * shadows <limits.h> on the include path). */
#define INT_MAX_ ((json_int_t)((unsigned)-1 >> 1))

static ds_status get_count(const json_t *obj, const char *path, const char *key, ds_error *err)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return bad(err, path, key, "is missing");
    if (!json_is_integer(v))
        return bad(err, path, key, "must be an integer of at least 1, not %s", type_name(v));
    json_int_t n = json_integer_value(v);
    if (n < 1 || n > INT_MAX_)
        return bad(err, path, key, "must be an integer of at least 1, not %lld", (long long)n);
    return DS_OK;
}

/* obj[key] as an object (OPTIONAL: absent or null gives *out = NULL). */
static ds_status get_obj(const json_t *obj, const char *path, const char *key, int flags,
                         const json_t **out, ds_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || (json_is_null(v) && (flags & OPTIONAL))) {
        if (flags & OPTIONAL)
            return DS_OK;
        return bad(err, path, key, "is missing");
    }
    if (!json_is_object(v))
        return bad(err, path, key, "must be an object, not %s", type_name(v));
    *out = v;
    return DS_OK;
}

static ds_status get_array(const json_t *obj, const char *path, const char *key, int flags,
                           const json_t **out, ds_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        if (flags & OPTIONAL)
            return DS_OK;
        return bad(err, path, key, "is missing");
    }
    if (!json_is_array(v))
        return bad(err, path, key, "must be an array, not %s", type_name(v));
    if ((flags & NONEMPTY) && json_array_size(v) == 0)
        return bad(err, path, key, "must not be empty");
    *out = v;
    return DS_OK;
}

static ds_status check_id(const json_t *order, const char *path, const char **id, ds_error *err)
{
    ds_status s = get_str(order, path, "id", NONEMPTY, id, err);
    if (s != DS_OK)
        return s;
    size_t len = strlen(*id);
    if (len > STORE_MAX_ORDER_ID_LEN)
        return bad(err, path, "id", "is %zu bytes long; the limit is %d", len,
                   STORE_MAX_ORDER_ID_LEN);
    for (const unsigned char *p = (const unsigned char *)*id; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return bad(err, path, "id", "must not contain spaces or control characters");
    return DS_OK;
}

static ds_status check_customer(const json_t *order, const char *path, ds_error *err)
{
    const json_t *c;
    const char *s;
    char p[64];
    ds_status st = get_obj(order, path, "customer", 0, &c, err);
    if (st != DS_OK)
        return st;
    snprintf(p, sizeof p, "%s.customer", path);
    if ((st = get_str(c, p, "name", NONEMPTY, &s, err)) != DS_OK)
        return st;
    if ((st = get_str(c, p, "email", NONEMPTY, &s, err)) != DS_OK)
        return st;
    if (!strchr(s, '@'))
        return bad(err, p, "email", "\"%s\" is not an e-mail address", s);
    return get_str(c, p, "phone", 0, &s, err);
}

static ds_status check_payment(const json_t *order, const char *path, ds_error *err)
{
    const json_t *pay;
    const char *s;
    char p[64];
    ds_status st = get_obj(order, path, "payment", 0, &pay, err);
    if (st != DS_OK)
        return st;
    snprintf(p, sizeof p, "%s.payment", path);
    if ((st = get_str(pay, p, "method", NONEMPTY, &s, err)) != DS_OK ||
        (st = get_count(pay, p, "installments", err)) != DS_OK ||
        (st = get_money(pay, p, "total", err)) != DS_OK ||
        (st = get_str(pay, p, "currency", 0, &s, err)) != DS_OK)
        return st;
    if (strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return bad(err, p, "currency", "\"%s\" is not a three-letter currency code like \"TRY\"",
                   s);
    return DS_OK;
}

static ds_status check_items(const json_t *order, const char *path, ds_error *err)
{
    const json_t *items;
    ds_status st = get_array(order, path, "items", NONEMPTY, &items, err);
    if (st != DS_OK)
        return st;
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        char p[80];
        const char *s;
        snprintf(p, sizeof p, "%s.items[%zu]", path, i);
        if (!json_is_object(it))
            return bad(err, p, NULL, "must be an object, not %s", type_name(it));
        if ((st = get_str(it, p, "sku", NONEMPTY, &s, err)) != DS_OK ||
            (st = get_str(it, p, "name", NONEMPTY, &s, err)) != DS_OK ||
            (st = get_str(it, p, "category", NONEMPTY, &s, err)) != DS_OK ||
            (st = get_count(it, p, "qty", err)) != DS_OK ||
            (st = get_money(it, p, "price", err)) != DS_OK)
            return st;
    }
    return DS_OK;
}

/* A carrier is a short lower-case id: yurtici, trendyol_express, ... */
static int is_carrier_id(const char *s)
{
    size_t n = strlen(s);
    return n >= 2 && n <= 32 && s[0] >= 'a' && s[0] <= 'z' &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static ds_status check_shipment(const json_t *order, const char *path, ds_error *err)
{
    const json_t *sh, *events;
    const char *s;
    char p[64];
    ds_status st = get_obj(order, path, "shipment", OPTIONAL, &sh, err);
    if (st != DS_OK || !sh)
        return st;
    snprintf(p, sizeof p, "%s.shipment", path);
    if ((st = get_str(sh, p, "carrier", NONEMPTY, &s, err)) != DS_OK)
        return st;
    if (!is_carrier_id(s))
        return bad(err, p, "carrier",
                   "\"%s\" is not a carrier id (lower-case letters, digits and _, like "
                   "\"yurtici\" or \"trendyol_express\")",
                   s);
    if ((st = get_str(sh, p, "tracking_no", NONEMPTY, &s, err)) != DS_OK ||
        (st = get_time(sh, p, "shipped_at", 0, &s, err)) != DS_OK ||
        (st = get_time(sh, p, "delivered_at", OPTIONAL, &s, err)) != DS_OK ||
        (st = get_array(sh, p, "events", OPTIONAL, &events, err)) != DS_OK)
        return st;
    for (size_t i = 0; events && i < json_array_size(events); i++) {
        const json_t *ev = json_array_get(events, i);
        char ep[96];
        snprintf(ep, sizeof ep, "%s.events[%zu]", p, i);
        if (!json_is_object(ev))
            return bad(err, ep, NULL, "must be an object, not %s", type_name(ev));
        if ((st = get_time(ev, ep, "at", 0, &s, err)) != DS_OK ||
            (st = get_str(ev, ep, "location", 0, &s, err)) != DS_OK ||
            (st = get_str(ev, ep, "status", NONEMPTY, &s, err)) != DS_OK ||
            (st = get_str(ev, ep, "description", 0, &s, err)) != DS_OK)
            return st;
    }
    return DS_OK;
}

static ds_status check_order(const json_t *order, size_t index, ds_map *seen, ds_error *err)
{
    char path[40];
    const char *id, *s;
    snprintf(path, sizeof path, "orders[%zu]", index);
    if (!json_is_object(order))
        return bad(err, path, NULL, "must be an object, not %s", type_name(order));
    ds_status st = check_id(order, path, &id, err);
    if (st != DS_OK)
        return st;
    size_t first;
    if (ds_map_get(seen, id, strlen(id), &first))
        return bad(err, path, "id", "order \"%s\" appears twice (also orders[%zu])", id, first);
    if (ds_map_put(seen, id, strlen(id), index) != DS_OK)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    if ((st = get_time(order, path, "created_at", 0, &s, err)) != DS_OK ||
        (st = get_str(order, path, "status", 0, &s, err)) != DS_OK)
        return st;
    size_t k = 0;
    while (k < sizeof statuses / sizeof statuses[0] && strcmp(statuses[k], s) != 0)
        k++;
    if (k == sizeof statuses / sizeof statuses[0])
        return bad(err, path, "status",
                   "unknown status \"%s\" (expected received, preparing, shipped, "
                   "out_for_delivery, delivered, cancelled or returned)",
                   s);
    if ((st = check_customer(order, path, err)) != DS_OK ||
        (st = check_payment(order, path, err)) != DS_OK ||
        (st = check_items(order, path, err)) != DS_OK)
        return st;
    return check_shipment(order, path, err);
}

/* ---- stock and returns (optional top-level arrays) ---- */

/* A SKU or order reference: non-empty, at most max bytes, no spaces or
 * control characters. */
static ds_status get_ref(const json_t *obj, const char *path, const char *key, int flags,
                         size_t max, const char **out, ds_error *err)
{
    ds_status s = get_str(obj, path, key, flags | NONEMPTY, out, err);
    if (s != DS_OK || !*out)
        return s;
    size_t len = strlen(*out);
    if (len > max)
        return bad(err, path, key, "is %zu bytes long; the limit is %zu", len, max);
    for (const unsigned char *p = (const unsigned char *)*out; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return bad(err, path, key, "must not contain spaces or control characters");
    return DS_OK;
}

static ds_status check_stock(const json_t *stock, ds_error *err)
{
    if (!json_is_array(stock))
        return bad(err, "", "stock", "must be an array, not %s", type_name(stock));
    ds_map *seen = ds_map_new();
    if (!seen)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    ds_status st = DS_OK;
    for (size_t i = 0; st == DS_OK && i < json_array_size(stock); i++) {
        const json_t *e = json_array_get(stock, i), *qty;
        const char *sku, *opt; /* opt: the optional variant fields, checked only */
        char p[40];
        size_t first;
        snprintf(p, sizeof p, "stock[%zu]", i);
        if (!json_is_object(e)) {
            st = bad(err, p, NULL, "must be an object, not %s", type_name(e));
        } else if ((st = get_ref(e, p, "sku", 0, STORE_MAX_FIELD_LEN, &sku, err)) != DS_OK) {
        } else if (ds_map_get(seen, sku, strlen(sku), &first)) {
            st = bad(err, p, "sku", "SKU \"%s\" appears twice (also stock[%zu])", sku, first);
        } else if (ds_map_put(seen, sku, strlen(sku), i) != DS_OK) {
            st = ds_fail(err, DS_ENOMEM, "out of memory");
        } else if (!(qty = json_object_get(e, "qty"))) {
            st = bad(err, p, "qty", "is missing");
        } else if (!json_is_integer(qty) || json_integer_value(qty) < 0 ||
                   json_integer_value(qty) > INT_MAX_) {
            st = json_is_integer(qty)
                     ? bad(err, p, "qty", "must be an integer of at least 0, not %lld",
                           (long long)json_integer_value(qty))
                     : bad(err, p, "qty", "must be an integer of at least 0, not %s",
                           type_name(qty));
        } else if ((st = get_ref(e, p, "product", OPTIONAL, STORE_MAX_FIELD_LEN, &opt, err)) !=
                       DS_OK ||
                   (st = get_str(e, p, "colour", OPTIONAL | NONEMPTY, &opt, err)) != DS_OK) {
        } else {
            st = get_ref(e, p, "size", OPTIONAL, STORE_MAX_SIZE_LEN, &opt, err);
        }
    }
    ds_map_free(seen);
    return st;
}

/* "products": [{"name": "İpek Eşarp", "facts": {"material": "...", ...}}],
 * each name once, each topic a short id, each fact the text to say. */
static ds_status check_product(const json_t *e, const char *p, ds_map *seen, size_t i,
                               ds_error *err)
{
    const char *name, *text, *topic;
    const json_t *facts, *v;
    size_t first;
    if (!json_is_object(e))
        return bad(err, p, NULL, "must be an object, not %s", type_name(e));
    ds_status st = get_str(e, p, "name", NONEMPTY, &name, err);
    if (st != DS_OK)
        return st;
    if (ds_map_get(seen, name, strlen(name), &first))
        return bad(err, p, "name", "product \"%s\" appears twice (also products[%zu])", name,
                   first);
    if (ds_map_put(seen, name, strlen(name), i) != DS_OK)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    if ((st = get_obj(e, p, "facts", 0, &facts, err)) != DS_OK)
        return st;
    char fp[64];
    snprintf(fp, sizeof fp, "%s.facts", p);
    json_object_foreach((json_t *)facts, topic, v)
    {
        if (!store_is_fact_topic(topic))
            return bad(err, fp, topic,
                       "is not a topic (1 to %d of a-z, 0-9 and _, starting with a letter, "
                       "like \"material\" or \"care\")",
                       STORE_MAX_TOPIC_LEN);
        if ((st = get_str(facts, fp, topic, NONEMPTY, &text, err)) != DS_OK)
            return st;
    }
    return DS_OK;
}

static ds_status check_products(const json_t *products, ds_error *err)
{
    if (!json_is_array(products))
        return bad(err, "", "products", "must be an array, not %s", type_name(products));
    ds_map *seen = ds_map_new();
    if (!seen)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    ds_status st = DS_OK;
    for (size_t i = 0; st == DS_OK && i < json_array_size(products); i++) {
        char p[40];
        snprintf(p, sizeof p, "products[%zu]", i);
        st = check_product(json_array_get(products, i), p, seen, i, err);
    }
    ds_map_free(seen);
    return st;
}

static const char *const return_kinds[] = {"return", "exchange", "case", NULL};

static ds_status check_return_items(const json_t *ret, const char *path, int is_case, ds_error *err)
{
    const json_t *items;
    ds_status st = get_array(ret, path, "items", is_case ? OPTIONAL : NONEMPTY, &items, err);
    for (size_t i = 0; st == DS_OK && items && i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        char p[80];
        const char *s;
        snprintf(p, sizeof p, "%s.items[%zu]", path, i);
        if (!json_is_object(it))
            return bad(err, p, NULL, "must be an object, not %s", type_name(it));
        if ((st = get_ref(it, p, "sku", 0, STORE_MAX_FIELD_LEN, &s, err)) != DS_OK ||
            (st = get_str(it, p, "name", NONEMPTY, &s, err)) != DS_OK)
            return st;
        st = get_count(it, p, "qty", err);
    }
    return st;
}

static ds_status check_return(const json_t *ret, size_t index, ds_map *codes, ds_error *err)
{
    char path[40];
    const char *kind, *s, *state, *code;
    const json_t *details;
    snprintf(path, sizeof path, "returns[%zu]", index);
    if (!json_is_object(ret))
        return bad(err, path, NULL, "must be an object, not %s", type_name(ret));
    ds_status st = get_str(ret, path, "kind", 0, &kind, err);
    if (st != DS_OK)
        return st;
    size_t k = 0;
    while (return_kinds[k] && strcmp(return_kinds[k], kind) != 0)
        k++;
    if (!return_kinds[k])
        return bad(err, path, "kind", "unknown kind \"%s\" (expected return, exchange or case)",
                   kind);
    int is_case = strcmp(kind, "case") == 0;
    if ((st = get_ref(ret, path, "order", is_case ? OPTIONAL : 0, STORE_MAX_ORDER_ID_LEN, &s,
                      err)) != DS_OK ||
        (st = check_return_items(ret, path, is_case, err)) != DS_OK ||
        (st = get_str(ret, path, "reason", NONEMPTY, &s, err)) != DS_OK ||
        (st = get_str(ret, path, "state", OPTIONAL, &state, err)) != DS_OK)
        return st;
    if (state && !store__is_return_state(state))
        return bad(err, path, "state",
                   "unknown state \"%s\" (expected requested, in_transit, received, inspected, "
                   "refunded, rejected, exchanged or open)",
                   state);
    if ((st = get_str(ret, path, "code", OPTIONAL, &code, err)) != DS_OK)
        return st;
    if (code) {
        size_t first;
        if (!store__is_return_code(code))
            return bad(err, path, "code", "\"%s\" is not a return code (4 to 32 of A-Z, 0-9 and -)",
                       code);
        if (ds_map_get(codes, code, strlen(code), &first))
            return bad(err, path, "code", "code \"%s\" appears twice (also returns[%zu])", code,
                       first);
        if (ds_map_put(codes, code, strlen(code), index) != DS_OK)
            return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    if ((st = get_str(ret, path, "priority", OPTIONAL, &s, err)) != DS_OK)
        return st;
    if (s && strcmp(s, "urgent") != 0 && strcmp(s, "normal") != 0)
        return bad(err, path, "priority", "unknown priority \"%s\" (expected urgent or normal)", s);
    if ((st = get_time(ret, path, "created_at", 0, &s, err)) != DS_OK ||
        (st = get_time(ret, path, "updated_at", OPTIONAL, &s, err)) != DS_OK)
        return st;
    return get_obj(ret, path, "details", OPTIONAL, &details, err);
}

static ds_status check_returns(const json_t *returns, ds_error *err)
{
    if (!json_is_array(returns))
        return bad(err, "", "returns", "must be an array, not %s", type_name(returns));
    ds_map *codes = ds_map_new();
    if (!codes)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    ds_status st = DS_OK;
    for (size_t i = 0; st == DS_OK && i < json_array_size(returns); i++)
        st = check_return(json_array_get(returns, i), i, codes, err);
    ds_map_free(codes);
    return st;
}

/* ---- writing (input already validated: lookups cannot fail) ---- */

static const char *str_at(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key)); /* NULL for absent / null */
}

static ds_status step_reset(store_db *db, store_q *st, ds_error *err)
{
    int rc = store__step(db, st);
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "importing orders");
}

static ds_status write_order(store_db *db, const json_t *o, ds_error *err)
{
    const char *id = str_at(o, "id");
    const json_t *c = json_object_get(o, "customer"), *pay = json_object_get(o, "payment");
    long long t = 0;
    ds_status s;

    store_q *st = store__q(db, STMT_CUSTOMER_UPSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, str_at(c, "email"));
    store__bind_text(st, 2, str_at(c, "name"));
    store__bind_text(st, 3, str_at(c, "phone"));
    if (store__step(db, st) != STORE_ROW) {
        s = store__db_fail(db, err, "importing orders");
        store__done(st);
        return s;
    }
    long long customer = store__col_int(st, 0);
    if ((s = step_reset(db, st, err)) != DS_OK)
        return s;

    if (!(st = store__q(db, STMT_ORDER_UPSERT, err)))
        return DS_EDB;
    store__parse_time(str_at(o, "created_at"), &t);
    store__bind_text(st, 1, id);
    store__bind_text(st, 2, str_at(o, "created_at"));
    store__bind_int(st, 3, t);
    store__bind_text(st, 4, str_at(o, "status"));
    store__bind_int(st, 5, customer);
    store__bind_text(st, 6, str_at(c, "name"));
    store__bind_text(st, 7, str_at(c, "phone"));
    store__bind_text(st, 8, str_at(pay, "method"));
    store__bind_int(st, 9, json_integer_value(json_object_get(pay, "installments")));
    store__bind_text(st, 10, str_at(pay, "total"));
    store__bind_text(st, 11, str_at(pay, "currency"));
    store__bind_text(st, 12, str_at(c, "email"));
    if ((s = step_reset(db, st, err)) != DS_OK)
        return s;

    /* replacing an order replaces its lines and shipping (events cascade) */
    static const store_stmt_id deletes[] = {STMT_ITEMS_DELETE, STMT_SHIPMENT_DELETE};
    for (size_t i = 0; i < 2; i++) {
        if (!(st = store__q(db, deletes[i], err)))
            return DS_EDB;
        store__bind_text(st, 1, id);
        if ((s = step_reset(db, st, err)) != DS_OK)
            return s;
    }

    const json_t *items = json_object_get(o, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        if (!(st = store__q(db, STMT_ITEM_INSERT, err)))
            return DS_EDB;
        store__bind_text(st, 1, id);
        store__bind_int(st, 2, (long long)i);
        store__bind_text(st, 3, str_at(it, "sku"));
        store__bind_text(st, 4, str_at(it, "name"));
        store__bind_text(st, 5, str_at(it, "category"));
        store__bind_int(st, 6, json_integer_value(json_object_get(it, "qty")));
        store__bind_text(st, 7, str_at(it, "price"));
        if ((s = step_reset(db, st, err)) != DS_OK)
            return s;
    }

    const json_t *sh = json_object_get(o, "shipment");
    if (!json_is_object(sh))
        return DS_OK;
    if (!(st = store__q(db, STMT_SHIPMENT_INSERT, err)))
        return DS_EDB;
    store__bind_text(st, 1, id);
    store__bind_text(st, 2, str_at(sh, "carrier"));
    store__bind_text(st, 3, str_at(sh, "tracking_no"));
    store__bind_text(st, 4, str_at(sh, "shipped_at"));
    store__parse_time(str_at(sh, "shipped_at"), &t);
    store__bind_int(st, 5, t);
    const char *delivered = str_at(sh, "delivered_at");
    store__bind_text(st, 6, delivered);
    if (delivered && store__parse_time(delivered, &t))
        store__bind_int(st, 7, t);
    if ((s = step_reset(db, st, err)) != DS_OK)
        return s;

    const json_t *events = json_object_get(sh, "events");
    for (size_t i = 0; i < json_array_size(events); i++) {
        const json_t *ev = json_array_get(events, i);
        if (!(st = store__q(db, STMT_EVENT_INSERT, err)))
            return DS_EDB;
        store__parse_time(str_at(ev, "at"), &t);
        store__bind_text(st, 1, id);
        store__bind_int(st, 2, (long long)i);
        store__bind_text(st, 3, str_at(ev, "at"));
        store__bind_int(st, 4, t);
        store__bind_text(st, 5, str_at(ev, "location"));
        store__bind_text(st, 6, str_at(ev, "status"));
        store__bind_text(st, 7, str_at(ev, "description"));
        if ((s = step_reset(db, st, err)) != DS_OK)
            return s;
    }
    return DS_OK;
}

static ds_status write_stock(store_db *db, const json_t *stock, ds_error *err)
{
    for (size_t i = 0; i < json_array_size(stock); i++) {
        const json_t *e = json_array_get(stock, i);
        ds_status s = store_variant_set(db, str_at(e, "sku"), str_at(e, "product"),
                                        str_at(e, "colour"), str_at(e, "size"),
                                        (int)json_integer_value(json_object_get(e, "qty")), err);
        if (s != DS_OK)
            return s;
    }
    return DS_OK;
}

/* A product listed replaces all its facts: a topic the shop dropped from
 * its file is no longer said. */
static ds_status write_products(store_db *db, const json_t *products, ds_error *err)
{
    for (size_t i = 0; i < json_array_size(products); i++) {
        const json_t *e = json_array_get(products, i), *v;
        const char *name = str_at(e, "name"), *topic;
        store_q *st = store__q(db, STMT_FACTS_DELETE, err);
        if (!st)
            return DS_EDB;
        store__bind_text(st, 1, name);
        ds_status s = step_reset(db, st, err);
        json_object_foreach(json_object_get(e, "facts"), topic, v)
        {
            if (s == DS_OK)
                s = store_product_fact_set(db, name, topic, json_string_value(v), err);
        }
        if (s != DS_OK)
            return s;
    }
    return DS_OK;
}

/* Compact JSON text of v: owned (ds_free), NULL when memory ran out. */
static char *dump(const json_t *v)
{
    store__json_begin();
    return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* Binds the columns of STMT_RETURN_UPSERT / STMT_RETURN_UPDATE_UNCODED
 * (same numbering). items and details are the texts to bind. */
static void bind_return(store_q *st, const json_t *r, const char *items, const char *details)
{
    const char *kind = str_at(r, "kind"), *state = str_at(r, "state");
    const char *priority = str_at(r, "priority"), *created = str_at(r, "created_at");
    const char *updated = str_at(r, "updated_at");
    long long t = 0;
    store__parse_time(created, &t);
    if (!state)
        state = strcmp(kind, "case") == 0 ? "open" : "requested";
    store__bind_text(st, 1, kind);
    store__bind_text(st, 2, str_at(r, "order"));
    store__bind_text(st, 3, items);
    store__bind_text(st, 4, str_at(r, "reason"));
    store__bind_text(st, 5, state);
    store__bind_text(st, 6, str_at(r, "code"));
    store__bind_text(st, 7, priority ? priority : "normal");
    store__bind_text(st, 8, details);
    store__bind_text(st, 9, created);
    store__bind_int(st, 10, t);
    store__bind_text(st, 11, updated ? updated : created);
}

/* The order of a return exists: written earlier in this transaction or
 * already in the store. */
static ds_status check_return_order(store_db *db, const json_t *r, size_t index, ds_error *err)
{
    const char *order = str_at(r, "order");
    if (!order)
        return DS_OK;
    store_q *st = store__q(db, STMT_ORDER_STATUS, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, order);
    int rc = store__step(db, st);
    store__done(st);
    if (rc == STORE_ROW)
        return DS_OK;
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "importing returns");
    char path[40];
    snprintf(path, sizeof path, "returns[%zu]", index);
    return bad(err, path, "order", "order \"%s\" is neither in this file nor in the store", order);
}

static ds_status write_return(store_db *db, const json_t *r, size_t index, ds_error *err)
{
    ds_status s = check_return_order(db, r, index, err);
    if (s != DS_OK)
        return s;
    const json_t *items = json_object_get(r, "items"), *det = json_object_get(r, "details");
    char *items_text = json_is_array(items) ? dump(items) : ds_strdup("[]");
    char *details_text = json_is_object(det) ? dump(det) : NULL;
    if (!items_text || (json_is_object(det) && !details_text)) {
        s = ds_fail(err, DS_ENOMEM, "out of memory importing returns");
    } else if (str_at(r, "code")) {
        store_q *st = store__q(db, STMT_RETURN_UPSERT, err);
        if (!st) {
            s = DS_EDB;
        } else {
            bind_return(st, r, items_text, details_text);
            s = step_reset(db, st, err);
        }
    } else {
        store_q *st = store__q(db, STMT_RETURN_UPDATE_UNCODED, err);
        if (!st) {
            s = DS_EDB;
        } else {
            bind_return(st, r, items_text, details_text);
            s = step_reset(db, st, err);
        }
        if (s == DS_OK && store__changes(db) == 0) {
            if (!(st = store__q(db, STMT_RETURN_INSERT, err))) {
                s = DS_EDB;
            } else {
                bind_return(st, r, items_text, details_text);
                s = step_reset(db, st, err);
            }
        }
    }
    ds_free(items_text);
    ds_free(details_text);
    return s;
}

/* ---- the document envelope ----
 * {"orders": [...]} is walked by hand and each order parsed on its own with
 * jansson (JSON_DISABLE_EOF_CHECK reports how many bytes a value used), so
 * memory stays at one order instead of a tree of the whole file (a 100,000
 * order file would need over 1 GB, and building it is slower than the
 * database work). Each order is validated completely before any of its rows
 * is written; everything happens in one transaction that is rolled back at
 * the first problem anywhere in the file, so a bad file changes nothing.
 * (Validating the whole file first and writing in a second pass means
 * parsing twice: 8 s instead of 5 s for 100,000 orders.) */

enum { LOAD_FLAGS = JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES };

typedef struct walker {
    const char *buf;
    size_t len, pos;
    ds_error *err;
    store_db *db;
    size_t count;
    ds_map *seen;
    json_t *stock, *returns, *products; /* validated, written after the orders */
} walker;

/* A syntax error once the bytes before offset end were read: line, and the
 * column (in characters) of the last one, as jansson counts them. */
static ds_status syntax(walker *w, size_t end, const char *msg)
{
    if (!w->err)
        return DS_EINPUT;
    int line = 1, col = 0;
    for (size_t i = 0; i < end && i < w->len; i++) {
        unsigned char c = (unsigned char)w->buf[i];
        if (c == '\n') {
            line++;
            col = 0;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    w->err->line = line;
    w->err->column = col > 0 ? col : 1;
    w->err->field[0] = '\0';
    return ds_fail(w->err, DS_EINPUT, "invalid JSON: %s", msg);
}

static void skip_ws(walker *w)
{
    while (w->pos < w->len && (w->buf[w->pos] == ' ' || w->buf[w->pos] == '\n' ||
                               w->buf[w->pos] == '\r' || w->buf[w->pos] == '\t'))
        w->pos++;
}

/* Parses the JSON value at w->pos and moves past it. *out is owned. */
static ds_status load_value(walker *w, json_t **out)
{
    json_error_t je;
    store__json_begin();
    json_t *v = json_loadb(w->buf + w->pos, w->len - w->pos, LOAD_FLAGS, &je);
    if (!v) {
        if (store__json_oom(&je))
            return ds_fail(w->err, DS_ENOMEM, "out of memory reading the orders");
        return syntax(w, w->pos + (size_t)(je.position > 0 ? je.position : 0), je.text);
    }
    w->pos += (size_t)je.position;
    *out = v;
    return DS_OK;
}

static int at_char(walker *w, char c)
{
    skip_ws(w);
    return w->pos < w->len && w->buf[w->pos] == c;
}

static ds_status expect_msg(walker *w, const char *what)
{
    char msg[96];
    if (w->pos >= w->len)
        snprintf(msg, sizeof msg, "%s expected near end of file", what);
    else
        snprintf(msg, sizeof msg, "%s expected near '%c'", what, w->buf[w->pos]);
    return syntax(w, w->pos + 1, msg);
}

/* One element of "orders": parse, validate, write. */
static ds_status take_order(walker *w, size_t index)
{
    json_t *v;
    ds_status s = load_value(w, &v);
    if (s != DS_OK)
        return s;
    s = check_order(v, index, w->seen, w->err);
    if (s == DS_OK)
        s = write_order(w->db, v, w->err);
    json_decref(v);
    if (s == DS_OK)
        w->count++;
    return s;
}

static ds_status walk_orders(walker *w)
{
    w->pos++; /* '[' */
    if (at_char(w, ']')) {
        w->pos++;
        return DS_OK;
    }
    for (size_t i = 0;; i++) {
        skip_ws(w);
        ds_status s = take_order(w, i);
        if (s != DS_OK)
            return s;
        if (at_char(w, ',')) {
            w->pos++;
        } else if (at_char(w, ']')) {
            w->pos++;
            return DS_OK;
        } else {
            return expect_msg(w, "',' or ']'");
        }
    }
}

/* The document's value is not an object: a syntax error or a wrong type. */
static ds_status not_an_object(walker *w)
{
    json_t *v;
    ds_status s = load_value(w, &v);
    if (s != DS_OK)
        return s;
    s = bad(w->err, "$", NULL, "the document must be an object {\"orders\": [...]}, not %s",
            type_name(v));
    json_decref(v);
    return s;
}

/* The whole document. */
static ds_status validate(walker *w)
{
    int have_orders = 0;
    skip_ws(w);
    if (w->pos >= w->len)
        return expect_msg(w, "'{'");
    if (w->buf[w->pos] != '{')
        return not_an_object(w);
    w->pos++;
    if (at_char(w, '}')) {
        w->pos++;
    } else {
        for (;;) {
            if (!at_char(w, '"'))
                return expect_msg(w, "string or '}'");
            size_t key_at = w->pos;
            json_t *key;
            ds_status s = load_value(w, &key);
            if (s != DS_OK)
                return s;
            const char *name = json_string_value(key);
            int is_orders = strcmp(name, "orders") == 0;
            json_t **extra = strcmp(name, "stock") == 0      ? &w->stock
                             : strcmp(name, "returns") == 0  ? &w->returns
                             : strcmp(name, "products") == 0 ? &w->products
                                                             : NULL;
            char dup[64];
            snprintf(dup, sizeof dup, "duplicate object key near '\"%s\"'", name);
            json_decref(key);
            if (!at_char(w, ':'))
                return expect_msg(w, "':'");
            w->pos++;
            if ((is_orders && have_orders) || (extra && *extra))
                return syntax(w, key_at + 1, dup);
            if (is_orders && at_char(w, '[')) {
                have_orders = 1;
                s = walk_orders(w);
            } else if (extra) {
                /* kept whole (a shop's returns and SKUs are few next to its
                 * orders), checked now, written once every order is in */
                skip_ws(w);
                s = load_value(w, extra);
                if (s == DS_OK)
                    s = extra == &w->stock      ? check_stock(*extra, w->err)
                        : extra == &w->products ? check_products(*extra, w->err)
                                                : check_returns(*extra, w->err);
            } else {
                skip_ws(w);
                json_t *v = NULL;
                s = load_value(w, &v);
                if (s == DS_OK && is_orders)
                    s = bad(w->err, "", "orders", "must be an array, not %s", type_name(v));
                json_decref(v);
            }
            if (s != DS_OK)
                return s;
            if (at_char(w, ',')) {
                w->pos++;
            } else if (at_char(w, '}')) {
                w->pos++;
                break;
            } else {
                return expect_msg(w, "',' or '}'");
            }
        }
    }
    skip_ws(w);
    if (w->pos != w->len)
        return syntax(w, w->pos + 1, "end of file expected");
    if (!have_orders)
        return bad(w->err, "", "orders", "is missing (the file must be {\"orders\": [...]})");
    ds_status s = write_stock(w->db, w->stock, w->err);
    if (s == DS_OK)
        s = write_products(w->db, w->products, w->err);
    for (size_t i = 0; s == DS_OK && i < json_array_size(w->returns); i++)
        s = write_return(w->db, json_array_get(w->returns, i), i, w->err);
    return s;
}

ds_status store_import_orders(store_db *db, const char *json, size_t len, size_t *count,
                              ds_error *err)
{
    if (!db || (!json && len))
        return ds_fail(err, DS_EINVAL, "store_import_orders: db and json are required");
    if (len > STORE_MAX_IMPORT_LEN)
        return ds_fail(err, DS_ETOOBIG, "the file is %zu bytes; the import limit is %u", len,
                       STORE_MAX_IMPORT_LEN);
    walker w = {.buf = json ? json : "", .len = len, .err = err, .db = db};
    w.seen = ds_map_new();
    if (!w.seen)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    ds_status s = store__begin(db, err);
    if (s == DS_OK)
        s = validate(&w);
    if (s == DS_OK)
        s = store__commit(db, err);
    if (s != DS_OK)
        store__rollback(db);
    ds_map_free(w.seen);
    json_decref(w.stock);
    json_decref(w.returns);
    json_decref(w.products);
    if (s == DS_OK && count)
        *count = w.count;
    return s;
}
