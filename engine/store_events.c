/* SPDX-License-Identifier: MIT */
/* The events the nodes of one shared database tell each other, in commit
 * order (store.h): appending with the numbering row lock, reading after a
 * number, trimming; and the deployment's jobs that one node runs. The
 * doorbell's listener is store_pg_listen.c. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

ds_status store_events_append(store_db *db, const char *node, const store_node_event *ev, size_t n,
                              long long now_utc, ds_error *err)
{
    if (n == 0)
        return DS_OK;
    ds_status s = store__begin(db, err);
    if (s != DS_OK)
        return s;
    store_q *q = store__q(db, STMT_EVENTS_NUMBER, err);
    long long last = 0;
    if (!q)
        s = DS_EDB;
    if (s == DS_OK) {
        store__bind_int(q, 1, (long long)n);
        if (store__step(db, q) == STORE_ROW)
            last = store__col_int(q, 0);
        else
            s = store__db_fail(db, err, "numbering events");
        store__done(q);
    }
    for (size_t i = 0; s == DS_OK && i < n; i++) {
        q = store__q(db, STMT_NODE_EVENT_INSERT, err);
        if (!q) {
            s = DS_EDB;
            break;
        }
        store__bind_int(q, 1, last - (long long)n + 1 + (long long)i);
        store__bind_int(q, 2, now_utc);
        store__bind_text(q, 3, node);
        store__bind_text(q, 4, ev[i].kind);
        if (ev[i].conversation)
            store__bind_int(q, 5, ev[i].conversation);
        if (ev[i].target)
            store__bind_int(q, 6, ev[i].target);
        store__bind_text(q, 7, ev[i].body);
        s = store__exec(db, q, err, "appending an event");
    }
    char num[24];
    snprintf(num, sizeof num, "%lld", last);
    q = s == DS_OK ? store__q(db, STMT_EVENTS_NOTIFY, err) : NULL;
    if (s == DS_OK && !q)
        s = DS_EDB;
    if (s == DS_OK) {
        store__bind_text(q, 1, num);
        store_rc rc = store__step(db, q);
        store__done(q);
        if (rc != STORE_ROW && rc != STORE_DONE)
            s = store__db_fail(db, err, "ringing the other nodes");
    }
    if (s == DS_OK)
        return store__commit(db, err);
    store__rollback(db);
    return s;
}

ds_status store_events_after(store_db *db, long long after, size_t max, store_node_event **out,
                             size_t *count, ds_error *err)
{
    *out = NULL;
    *count = 0;
    store_q *q = store__q(db, STMT_EVENTS_AFTER, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, after);
    store__bind_int(q, 2, (long long)max);
    store_node_event *v = max ? ds_calloc(max, sizeof *v) : NULL;
    if (max && !v) {
        store__done(q);
        return ds_fail(err, DS_ENOMEM, "out of memory reading events");
    }
    size_t n = 0;
    int oom = 0;
    store_rc rc;
    while (n < max && (rc = store__step(db, q)) == STORE_ROW) {
        store_node_event *e = &v[n++];
        e->seq = store__col_int(q, 0);
        const char *kind = store__col_text(q, 1), *node = store__col_text(q, 5);
        snprintf(e->kind, sizeof e->kind, "%s", kind ? kind : "");
        e->conversation = store__col_int(q, 2);
        e->target = store__col_int(q, 3);
        e->body = store__col_dup(q, 4, &oom);
        snprintf(e->node, sizeof e->node, "%s", node ? node : "");
    }
    if (n < max && rc != STORE_DONE) {
        store__done(q);
        store_events_free(v, n);
        return store__db_fail(db, err, "reading events");
    }
    store__done(q);
    if (oom) {
        store_events_free(v, n);
        return ds_fail(err, DS_ENOMEM, "out of memory reading events");
    }
    *out = v;
    *count = n;
    return DS_OK;
}

void store_events_free(store_node_event *ev, size_t count)
{
    for (size_t i = 0; ev && i < count; i++)
        ds_free(ev[i].body);
    ds_free(ev);
}

ds_status store_events_head(store_db *db, long long *seq, ds_error *err)
{
    *seq = 0;
    store_q *q = store__q(db, STMT_EVENTS_HEAD, err);
    if (!q)
        return DS_EDB;
    store_rc rc = store__step(db, q);
    if (rc == STORE_ROW)
        *seq = store__col_int(q, 0);
    store__done(q);
    return rc == STORE_ROW ? DS_OK : store__db_fail(db, err, "reading the newest event");
}

ds_status store_events_trim(store_db *db, long long cutoff_utc, ds_error *err)
{
    store_q *q = store__q(db, STMT_EVENTS_TRIM, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, cutoff_utc);
    return store__exec(db, q, err, "trimming events");
}

ds_status store_job_due(store_db *db, const char *name, long long now_utc, long long every_s,
                        int *due, ds_error *err)
{
    *due = 0;
    ds_status s = store__begin(db, err);
    if (s != DS_OK)
        return s;
    store_q *q = store__q(db, STMT_JOB_CLAIM, err);
    if (!q)
        s = DS_EDB;
    if (s == DS_OK) {
        store__bind_text(q, 1, name);
        store__bind_int(q, 2, now_utc);
        store__bind_int(q, 3, every_s);
        s = store__exec(db, q, err, "taking a job");
    }
    if (s == DS_OK) {
        *due = store__changes(db) == 1;
        return store__commit(db, err);
    }
    store__rollback(db);
    return s;
}
