/* SPDX-License-Identifier: MIT */
/* The shop's customer-service figures for a period: conversations,
 * containment, hand-offs by priority and reason, first response, waiting
 * and resolution times, CSAT, fallbacks, the busiest intents, the hours of
 * the day. Counts only: no text is read. Same threading rule as store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n), -1 for none; sorts v. */
static long long median(long long *v, size_t n)
{
    if (!n)
        return -1;
    qsort(v, n, sizeof *v, cmp_ll);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void count_into(store_count *c, size_t cap, size_t *used, const char *name)
{
    for (size_t i = 0; i < *used; i++)
        if (strcmp(c[i].name, name) == 0) {
            c[i].n++;
            return;
        }
    if (*used < cap) {
        snprintf(c[*used].name, sizeof c[*used].name, "%s", name);
        c[(*used)++].n = 1;
    }
}

typedef struct times {
    long long *v;
    size_t n, cap;
} times;

static int push(times *t, long long x)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        long long *v = ds_realloc(t->v, cap * sizeof *v);
        if (!v)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = x;
    return 0;
}

static ds_status first_agent(store_db *db, long long conv, long long since, long long *at,
                             ds_error *err)
{
    store_q *st = store__q(db, STMT_REPORT_FIRST_AGENT, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conv);
    store__bind_int(st, 2, since);
    int rc = store__step(db, st);
    *at = rc == STORE_ROW && store__col_text(st, 0) ? store__col_int(st, 0) : 0;
    store__done(st);
    return rc == STORE_ROW ? DS_OK : store__db_fail(db, err, "reading agent replies");
}

static ds_status handoffs(store_db *db, const char *from, const char *to, store_span_fn open,
                          void *open_ctx, store_report *r, ds_error *err)
{
    times first = {0}, wait = {0}, resolve = {0}, first_open = {0}, wait_open = {0};
    long long scores = 0, good = 0;
    size_t prio = 0;
    store_q *st = store__q(db, STMT_REPORT_HANDOFFS, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, from);
    store__bind_text(st, 2, to);
    /* read all first: the first-reply lookups need the connection */
    typedef struct row {
        long long conv, created, claimed, ended;
        int rating, offline, closed;
    } row;
    row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc, oom = 0;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t c2 = cap ? 2 * cap : 64;
            row *v = ds_realloc(rows, c2 * sizeof *v);
            if (!v) {
                oom = 1;
                break;
            }
            rows = v;
            cap = c2;
        }
        const char *state = store__col_text(st, 3);
        row *x = &rows[n++];
        x->conv = store__col_int(st, 0);
        x->created = store__col_int(st, 4);
        x->claimed = store__col_int(st, 5);
        x->ended = store__col_int(st, 6);
        x->rating = (int)store__col_int(st, 7);
        x->offline = state && strcmp(state, "offline") == 0;
        x->closed = state && strcmp(state, "closed") == 0;
        count_into(r->by_priority, 2, &prio, store__col_text(st, 1));
        count_into(r->by_reason, sizeof r->by_reason / sizeof r->by_reason[0], &r->reasons,
                   store__col_text(st, 2));
    }
    store__done(st);
    ds_status s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "reading hand-offs");
    for (size_t i = 0; s == DS_OK && i < n; i++) {
        row *x = &rows[i];
        r->handoffs++;
        r->offline_requests += x->offline;
        r->closed += x->closed;
        if (x->rating) {
            scores++;
            good += x->rating >= 4;
        }
        if (x->claimed && push(&wait, x->claimed - x->created))
            s = ds_fail(err, DS_ENOMEM, "out of memory");
        if (s == DS_OK && x->claimed && open &&
            push(&wait_open, open(open_ctx, x->created, x->claimed)))
            s = ds_fail(err, DS_ENOMEM, "out of memory");
        if (s == DS_OK && x->ended && push(&resolve, x->ended - x->created))
            s = ds_fail(err, DS_ENOMEM, "out of memory");
        long long at = 0;
        if (s == DS_OK && (s = first_agent(db, x->conv, x->created, &at, err)) == DS_OK && at) {
            r->answered++;
            if (push(&first, at - x->created) ||
                (open && push(&first_open, open(open_ctx, x->created, at))))
                s = ds_fail(err, DS_ENOMEM, "out of memory");
        }
    }
    r->first_response_s = median(first.v, first.n);
    r->waiting_s = median(wait.v, wait.n);
    r->first_response_open_s = open ? median(first_open.v, first_open.n) : -1;
    r->waiting_open_s = open ? median(wait_open.v, wait_open.n) : -1;
    ds_free(first_open.v);
    ds_free(wait_open.v);
    r->resolution_s = median(resolve.v, resolve.n);
    r->csat_responses = scores;
    r->csat = scores ? (double)good / (double)scores : -1;
    ds_free(first.v);
    ds_free(wait.v);
    ds_free(resolve.v);
    ds_free(rows);
    return s;
}

static ds_status two_ints(store_db *db, store_stmt_id id, const char *from, const char *to,
                          long long *a, long long *b, ds_error *err)
{
    store_q *st = store__q(db, id, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, from);
    store__bind_text(st, 2, to);
    int rc = store__step(db, st);
    if (rc == STORE_ROW) {
        *a = store__col_int(st, 0);
        *b = store__col_int(st, 1);
    }
    store__done(st);
    return rc == STORE_ROW ? DS_OK : store__db_fail(db, err, "reading the report");
}

static ds_status rows_of(store_db *db, store_stmt_id id, const char *from, const char *to,
                         store_report *r, ds_error *err)
{
    store_q *st = store__q(db, id, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, from);
    store__bind_text(st, 2, to);
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (id == STMT_REPORT_HOURS) {
            long long h = store__col_int(st, 0);
            if (h >= 0 && h < 24)
                r->hours[h] = store__col_int(st, 1);
        } else if (r->intent_count < sizeof r->intents / sizeof r->intents[0]) {
            store_count *c = &r->intents[r->intent_count++];
            snprintf(c->name, sizeof c->name, "%s", store__col_text(st, 0));
            c->n = store__col_int(st, 1);
        }
    }
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "reading the report");
}

ds_status store_report_get(store_db *db, const char *from, const char *to, store_span_fn open,
                           void *open_ctx, store_report *out, ds_error *err)
{
    memset(out, 0, sizeof *out);
    if (!from || !to || strlen(from) != 10 || strlen(to) != 10 || strcmp(from, to) > 0)
        return ds_fail(err, DS_EINVAL,
                       "a period is two dates, YYYY-MM-DD, the first not after "
                       "the second");
    ds_status st = store__begin_read(db, err);
    if (st != DS_OK)
        return st;
    if ((st = two_ints(db, STMT_REPORT_CONVS, from, to, &out->conversations, &out->bot_resolved,
                       err)) == DS_OK &&
        (st = handoffs(db, from, to, open, open_ctx, out, err)) == DS_OK &&
        (st = two_ints(db, STMT_REPORT_BOT_TURNS, from, to, &out->bot_turns, &out->fallbacks,
                       err)) == DS_OK &&
        (st = rows_of(db, STMT_REPORT_INTENTS, from, to, out, err)) == DS_OK)
        st = rows_of(db, STMT_REPORT_HOURS, from, to, out, err);
    store__rollback(db); /* read only */
    return st;
}
