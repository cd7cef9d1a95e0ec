/* SPDX-License-Identifier: MIT */
/* Reading orders back (with customer, items, shipment and events), counting
 * them, and cancelling one with its audit record. Import lives in
 * store_import.c. Same threading rule as store.h. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

void store_order_free(store_order *o)
{
    if (!o)
        return;
    char **strs[] = {&o->id,
                     &o->created_at,
                     &o->status,
                     &o->customer_name,
                     &o->customer_email,
                     &o->customer_phone,
                     &o->payment_method,
                     &o->total,
                     &o->currency,
                     &o->carrier,
                     &o->tracking_no,
                     &o->shipped_at,
                     &o->delivered_at};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        ds_free(*strs[i]);
    for (size_t i = 0; i < o->item_count; i++) {
        ds_free(o->items[i].sku);
        ds_free(o->items[i].name);
        ds_free(o->items[i].category);
        ds_free(o->items[i].price);
    }
    ds_free(o->items);
    for (size_t i = 0; i < o->event_count; i++) {
        ds_free(o->events[i].at);
        ds_free(o->events[i].location);
        ds_free(o->events[i].status);
        ds_free(o->events[i].description);
    }
    ds_free(o->events);
    ds_free(o);
}

/* Grows *arr (elements of size elem) to hold one more; 0 on out of memory. */
static int grow(void **arr, size_t count, size_t *cap, size_t elem)
{
    if (count < *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *n = ds_realloc(*arr, ncap * elem);
    if (!n)
        return 0;
    memset((char *)n + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = n;
    *cap = ncap;
    return 1;
}

/* Steps st to its end, calling row() for each row; statement reset after. */
static ds_status read_rows(store_db *db, store_q *st, store_order *o,
                           int (*row)(store_q *, store_order *, size_t *cap), ds_error *err)
{
    size_t cap = 0;
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW)
        if (!row(st, o, &cap)) {
            store__done(st);
            return ds_fail(err, DS_ENOMEM, "out of memory reading order %s", o->id);
        }
    ds_status s = rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "reading an order");
    store__done(st);
    return s;
}

static int item_row(store_q *st, store_order *o, size_t *cap)
{
    if (!grow((void **)&o->items, o->item_count, cap, sizeof *o->items))
        return 0;
    store_item *it = &o->items[o->item_count++];
    int oom = 0;
    it->sku = store__col_dup(st, 0, &oom);
    it->name = store__col_dup(st, 1, &oom);
    it->category = store__col_dup(st, 2, &oom);
    it->qty = (int)store__col_int(st, 3);
    it->price = store__col_dup(st, 4, &oom);
    return !oom;
}

static int event_row(store_q *st, store_order *o, size_t *cap)
{
    if (!grow((void **)&o->events, o->event_count, cap, sizeof *o->events))
        return 0;
    store_event *ev = &o->events[o->event_count++];
    int oom = 0;
    ev->at = store__col_dup(st, 0, &oom);
    ev->location = store__col_dup(st, 1, &oom);
    ev->status = store__col_dup(st, 2, &oom);
    ev->description = store__col_dup(st, 3, &oom);
    return !oom;
}

static int shipment_row(store_q *st, store_order *o, size_t *cap)
{
    (void)cap;
    int oom = 0;
    o->has_shipment = 1;
    o->carrier = store__col_dup(st, 0, &oom);
    o->tracking_no = store__col_dup(st, 1, &oom);
    o->shipped_at = store__col_dup(st, 2, &oom);
    o->delivered_at = store__col_dup(st, 3, &oom);
    return !oom;
}

static int order_row(store_q *st, store_order *o, size_t *cap)
{
    (void)cap;
    int oom = 0;
    o->id = store__col_dup(st, 0, &oom);
    o->created_at = store__col_dup(st, 1, &oom);
    o->status = store__col_dup(st, 2, &oom);
    o->customer_name = store__col_dup(st, 3, &oom);
    o->customer_email = store__col_dup(st, 4, &oom);
    o->customer_phone = store__col_dup(st, 5, &oom);
    o->payment_method = store__col_dup(st, 6, &oom);
    o->installments = (int)store__col_int(st, 7);
    o->total = store__col_dup(st, 8, &oom);
    o->currency = store__col_dup(st, 9, &oom);
    return !oom;
}

/* Reads everything inside a read transaction so the parts agree with each
 * other even while another connection imports. */
ds_status store_order_get(store_db *db, const char *id, store_order **out, ds_error *err)
{
    if (!db || !id || !out)
        return ds_fail(err, DS_EINVAL, "store_order_get: db, id and out are required");
    store_order *o = ds_calloc(1, sizeof *o);
    if (!o)
        return ds_fail(err, DS_ENOMEM, "out of memory reading order %s", id);
    static const struct {
        store_stmt_id stmt;
        int (*row)(store_q *, store_order *, size_t *);
    } parts[] = {
        {STMT_ORDER_SELECT, order_row},
        {STMT_ITEMS_SELECT, item_row},
        {STMT_SHIPMENT_SELECT, shipment_row},
        {STMT_EVENTS_SELECT, event_row},
    };
    int in_txn = store__in_transaction(db);
    ds_status s = DS_OK;
    /* inside a caller's transaction, just read */
    if (!in_txn)
        s = store__begin_read(db, err);
    for (size_t i = 0; s == DS_OK && i < sizeof parts / sizeof parts[0]; i++) {
        store_q *st = store__q(db, parts[i].stmt, err);
        if (!st) {
            s = DS_EDB;
            break;
        }
        store__bind_text(st, 1, id);
        s = read_rows(db, st, o, parts[i].row, err);
        if (s == DS_OK && i == 0 && !o->id)
            s = ds_fail(err, DS_ENOTFOUND, "there is no order %s", id);
    }
    if (!in_txn) {
        if (s == DS_OK)
            s = store__commit(db, err);
        else
            store__rollback(db);
    }
    if (s != DS_OK) {
        store_order_free(o);
        return s;
    }
    *out = o;
    return DS_OK;
}

ds_status store_order_count(store_db *db, size_t *count, ds_error *err)
{
    if (!db || !count)
        return ds_fail(err, DS_EINVAL, "store_order_count: db and count are required");
    store_q *st = store__q(db, STMT_ORDER_COUNT, err);
    if (!st)
        return DS_EDB;
    ds_status s = DS_OK;
    if (store__step(db, st) == STORE_ROW)
        *count = (size_t)store__col_int(st, 0);
    else
        s = store__db_fail(db, err, "counting orders");
    store__done(st);
    return s;
}

/* The order's status into buf; DS_ENOTFOUND when there is no such order. */
static ds_status order_status(store_db *db, const char *id, char *buf, size_t buf_len,
                              ds_error *err)
{
    store_q *st = store__q(db, STMT_ORDER_STATUS, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, id);
    int rc = store__step(db, st);
    ds_status s = DS_OK;
    if (rc == STORE_ROW)
        snprintf(buf, buf_len, "%s", store__col_text(st, 0));
    else if (rc == STORE_DONE)
        s = ds_fail(err, DS_ENOTFOUND, "there is no order %s", id);
    else
        s = store__db_fail(db, err, "reading an order's status");
    store__done(st);
    return s;
}

ds_status store_order_contact(store_db *db, const char *id, char *email, size_t email_len,
                              char *phone, size_t phone_len, ds_error *err)
{
    email[0] = phone[0] = '\0';
    store_q *st = store__q(db, STMT_ORDER_CONTACT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, id);
    int rc = store__step(db, st);
    ds_status s = DS_OK;
    if (rc == STORE_ROW) {
        const char *e = store__col_text(st, 0), *p = store__col_text(st, 1);
        snprintf(email, email_len, "%s", e ? e : "");
        snprintf(phone, phone_len, "%s", p ? p : "");
    } else if (rc == STORE_DONE) {
        s = ds_fail(err, DS_ENOTFOUND, "there is no order %s", id);
    } else {
        s = store__db_fail(db, err, "reading an order's contact");
    }
    store__done(st);
    return s;
}

ds_status store_order_cancel(store_db *db, const char *id, const char *actor, const char *reason,
                             const char *now, ds_error *err)
{
    if (!db || !id || !actor || !reason || !now)
        return ds_fail(err, DS_EINVAL,
                       "store_order_cancel: db, id, actor, reason and now are required");
    ds_status s = store__begin(db, err);
    if (s != DS_OK)
        return s;
    char old[32];
    s = order_status(db, id, old, sizeof old, err);
    if (s == DS_OK && strcmp(old, "received") != 0 && strcmp(old, "preparing") != 0)
        s = ds_fail(err, DS_ECONFLICT,
                    "order %s is %s; only received or preparing orders can be cancelled", id, old);
    store_q *st = NULL;
    if (s == DS_OK && !(st = store__q(db, STMT_ORDER_CANCEL, err)))
        s = DS_EDB;
    if (s == DS_OK) {
        store__bind_text(st, 1, id);
        int rc = store__step(db, st);
        store__done(st);
        if (rc != STORE_DONE)
            s = store__db_fail(db, err, "cancelling an order");
    }
    if (s == DS_OK && !(st = store__q(db, STMT_AUDIT_INSERT, err)))
        s = DS_EDB;
    if (s == DS_OK) {
        store__bind_text(st, 1, id);
        store__bind_text(st, 2, "cancel");
        store__bind_text(st, 3, old);
        store__bind_text(st, 4, "cancelled");
        store__bind_text(st, 5, actor);
        store__bind_text(st, 6, reason);
        store__bind_text(st, 7, now);
        int rc = store__step(db, st);
        store__done(st);
        if (rc != STORE_DONE)
            s = store__db_fail(db, err, "recording a cancellation");
    }
    if (s == DS_OK)
        s = store__commit(db, err);
    if (s != DS_OK)
        store__rollback(db);
    return s;
}

void store_audit_free(store_audit *a, size_t count)
{
    if (!a)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(a[i].action);
        ds_free(a[i].old_status);
        ds_free(a[i].new_status);
        ds_free(a[i].actor);
        ds_free(a[i].reason);
        ds_free(a[i].at);
    }
    ds_free(a);
}

ds_status store_order_audit(store_db *db, const char *order_id, store_audit **out, size_t *count,
                            ds_error *err)
{
    if (!db || !order_id || !out || !count)
        return ds_fail(err, DS_EINVAL, "store_order_audit: arguments are required");
    store_q *st = store__q(db, STMT_AUDIT_SELECT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, order_id);
    store_audit *a = NULL;
    size_t n = 0, cap = 0;
    int rc = STORE_DONE, oom = 0;
    while (!oom && (rc = store__step(db, st)) == STORE_ROW) {
        if (!grow((void **)&a, n, &cap, sizeof *a)) {
            oom = 1;
            break;
        }
        store_audit *r = &a[n++];
        r->action = store__col_dup(st, 0, &oom);
        r->old_status = store__col_dup(st, 1, &oom);
        r->new_status = store__col_dup(st, 2, &oom);
        r->actor = store__col_dup(st, 3, &oom);
        r->reason = store__col_dup(st, 4, &oom);
        r->at = store__col_dup(st, 5, &oom);
    }
    ds_status s = oom ? ds_fail(err, DS_ENOMEM, "out of memory reading the audit trail")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "reading the audit trail");
    store__done(st);
    if (s != DS_OK) {
        store_audit_free(a, n);
        return s;
    }
    *out = a;
    *count = n;
    return DS_OK;
}
