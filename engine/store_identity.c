/* SPDX-License-Identifier: MIT */
/* Who may see an order and who saw a conversation: failed identity checks
 * counted per order across conversations, connections and addresses (so a
 * new conversation does not buy new guesses), and the team's access to
 * conversations. Same threading rule as store.h. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* The longest lock: past it a real customer must get in again. */
#define IDENTITY_MAX_LOCK_S 86400LL
/* Failures further apart than this start counting again (a customer who
 * mistypes once a month is not a prober); locks do not. */
#define IDENTITY_WINDOW_S 86400LL

typedef struct check_row {
    long long failures, locks, locked_until, last_utc;
} check_row;

static ds_status get(store_db *db, const char *order_id, check_row *r, ds_error *err)
{
    memset(r, 0, sizeof *r);
    store_q *st = store__q(db, STMT_IDENTITY_GET, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, order_id);
    int rc = store__step(db, st);
    if (rc == STORE_ROW) {
        r->failures = store__col_int(st, 0);
        r->locks = store__col_int(st, 1);
        r->locked_until = store__col_int(st, 2);
        r->last_utc = store__col_int(st, 3);
    }
    store__done(st);
    return rc == STORE_ROW || rc == STORE_DONE
               ? DS_OK
               : store__db_fail(db, err, "reading an order's identity checks");
}

ds_status store_identity_status(store_db *db, const char *order_id, long long now_utc,
                                long long *locked_until, ds_error *err)
{
    check_row r;
    ds_status st = get(db, order_id, &r, err);
    *locked_until = st == DS_OK && r.locked_until > now_utc ? r.locked_until : 0;
    return st;
}

/* The lock in the order's audit, when the shop has the order. */
static ds_status audit_lock(store_db *db, const char *order_id, const char *actor, const char *now,
                            long long span, ds_error *err)
{
    store_q *q = store__q(db, STMT_ORDER_STATUS, err);
    if (!q)
        return DS_EDB;
    store__bind_text(q, 1, order_id);
    char status[32] = "";
    int rc = store__step(db, q);
    if (rc == STORE_ROW)
        snprintf(status, sizeof status, "%s", store__col_text(q, 0));
    store__done(q);
    if (rc == STORE_DONE)
        return DS_OK;
    if (rc != STORE_ROW)
        return store__db_fail(db, err, "reading an order's status");
    char reason[96];
    snprintf(reason, sizeof reason, "identity check failed repeatedly: locked for %lld min",
             span / 60);
    if (!(q = store__q(db, STMT_AUDIT_INSERT, err)))
        return DS_EDB;
    store__bind_text(q, 1, order_id);
    store__bind_text(q, 2, "identity_locked");
    store__bind_text(q, 3, status);
    store__bind_text(q, 4, status);
    store__bind_text(q, 5, actor ? actor : "shopper");
    store__bind_text(q, 6, reason);
    store__bind_text(q, 7, now);
    return store__exec(db, q, err, "recording an identity lock");
}

ds_status store_identity_failed(store_db *db, const char *order_id, const char *actor,
                                const char *now, long long now_utc, int limit, long long lock_s,
                                long long *locked_until, ds_error *err)
{
    check_row r;
    *locked_until = 0;
    ds_status st = get(db, order_id, &r, err);
    if (st != DS_OK)
        return st;
    if (r.last_utc < now_utc - IDENTITY_WINDOW_S)
        r.failures = 0;
    if (r.locked_until && r.locked_until < now_utc - IDENTITY_WINDOW_S)
        r.locks = 0; /* a day without a lock: the next one is short again */
    r.failures++;
    if (limit > 0 && r.failures >= limit) {
        long long span = lock_s > 0 ? lock_s : 900;
        for (long long i = 0; i < r.locks && span < IDENTITY_MAX_LOCK_S; i++)
            span *= 2;
        if (span > IDENTITY_MAX_LOCK_S)
            span = IDENTITY_MAX_LOCK_S;
        r.locks++;
        r.failures = 0; /* the next lock comes after as many failures again */
        r.locked_until = now_utc + span;
        *locked_until = r.locked_until;
    }
    store_q *q = store__q(db, STMT_IDENTITY_SET, err);
    if (!q)
        return DS_EDB;
    store__bind_text(q, 1, order_id);
    store__bind_int(q, 2, r.failures);
    store__bind_int(q, 3, r.locks);
    store__bind_int(q, 4, r.locked_until);
    store__bind_int(q, 5, now_utc);
    st = store__exec(db, q, err, "counting a failed identity check");
    if (st == DS_OK && *locked_until)
        st = audit_lock(db, order_id, actor, now, *locked_until - now_utc, err);
    return st;
}

ds_status store_identity_passed(store_db *db, const char *order_id, ds_error *err)
{
    store_q *q = store__q(db, STMT_IDENTITY_CLEAR, err);
    if (!q)
        return DS_EDB;
    store__bind_text(q, 1, order_id);
    return store__exec(db, q, err, "clearing an order's identity checks");
}

ds_status store_access_add(store_db *db, long long agent_id, long long conversation,
                           const char *action, const char *now, ds_error *err)
{
    store_q *q = store__q(db, STMT_ACCESS_ADD, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, agent_id);
    store__bind_int(q, 2, conversation);
    store__bind_text(q, 3, action);
    store__bind_text(q, 4, now);
    return store__exec(db, q, err, "recording an agent's access");
}

ds_status store_access_list(store_db *db, long long conversation, store_access **out, size_t *count,
                            ds_error *err)
{
    store_q *st = store__q(db, STMT_ACCESS_LIST, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    store_access *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            store_access *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                store__done(st);
                ds_free(v);
                return ds_fail(err, DS_ENOMEM, "out of memory");
            }
            v = nv;
            cap = ncap;
        }
        store_access *a = &v[n++];
        snprintf(a->at, sizeof a->at, "%s", store__col_text(st, 0));
        snprintf(a->agent, sizeof a->agent, "%s", store__col_text(st, 1));
        a->conversation = store__col_int(st, 2);
        snprintf(a->action, sizeof a->action, "%s", store__col_text(st, 3));
    }
    store__done(st);
    if (rc != STORE_DONE) {
        ds_free(v);
        return store__db_fail(db, err, "listing agents' access");
    }
    *out = v;
    *count = n;
    return DS_OK;
}
