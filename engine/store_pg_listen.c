/* SPDX-License-Identifier: MIT */
/* The doorbell of the events between nodes (store.h's store_listener): a
 * libpq connection of its own that LISTENs, read without waiting, and
 * opened again (an attempt at most once a second, each step of it without
 * waiting, given up after 10 s) when it is lost. A lost doorbell
 * loses nothing: the events are rows, and after each reconnect the caller
 * is told to catch up from the last number it saw. It holds a libpq
 * handle of its own (store_pq.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"
#include "store_pq.h"

struct store_listener {
    store_pq *pq; /* owned: libpq, loaded for this listener */
    char *uri;
    PGconn *c;
    PGconn *pending; /* a reconnect under way, without blocking the caller */
    double pending_until;
    double retry_at;
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* Connects and listens; NULL with the reason in err. */
static PGconn *connect_listening(const store_pq *pq, const char *uri, ds_error *err)
{
    PGconn *c = store__pg_connect(pq, uri, "destek-listen");
    if (!c) {
        ds_fail(err, DS_ENOMEM, "out of memory connecting to PostgreSQL");
        return NULL;
    }
    PGresult *r = pq->PQstatus(c) == CONNECTION_OK ? pq->PQexec(c, "LISTEN destek_events") : NULL;
    if (!r || pq->PQresultStatus(r) != PGRES_COMMAND_OK) {
        ds_fail(err, DS_EIO, "cannot listen for the other nodes: %s",
                r ? pq->PQresultErrorMessage(r) : pq->PQerrorMessage(c));
        pq->PQclear(r);
        pq->PQfinish(c);
        return NULL;
    }
    pq->PQclear(r);
    pq->PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

ds_status store_listener_open(const char *path, store_listener **out, ds_error *err)
{
    *out = NULL;
    if (!store_is_shared(path))
        return ds_fail(err, DS_EINVAL, "only a shared (PostgreSQL) database has other nodes");
    store_listener *l = calloc(1, sizeof *l);
    if (!l || !(l->uri = strdup(path))) {
        free(l);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    ds_status st = store__pq_open(&l->pq, err);
    if (st != DS_OK) {
        store_listener_free(l);
        return st;
    }
    l->c = connect_listening(l->pq, path, err);
    if (!l->c) {
        store_listener_free(l);
        return DS_EIO;
    }
    *out = l;
    return DS_OK;
}

void store_listener_free(store_listener *l)
{
    if (!l)
        return;
    if (l->pq) {
        l->pq->PQfinish(l->c);
        l->pq->PQfinish(l->pending);
    }
    store__pq_close(l->pq);
    free(l->uri);
    free(l);
}

/* Reconnecting, one step per call, never waiting: 1 once it listens. */
static int reconnect_step(store_listener *l)
{
    const store_pq *pq = l->pq;
    double now = mono_now();
    if (!l->pending) {
        if (now < l->retry_at)
            return 0;
        l->retry_at = now + 1.0;
        l->pending = store__pg_connect_start(pq, l->uri, "destek-listen");
        l->pending_until = now + 10.0;
        if (!l->pending)
            return 0;
    }
    PostgresPollingStatusType st = pq->PQconnectPoll(l->pending);
    if (st == PGRES_POLLING_OK) {
        PGresult *r = pq->PQexec(l->pending, "LISTEN destek_events");
        int ok = pq->PQresultStatus(r) == PGRES_COMMAND_OK;
        pq->PQclear(r);
        if (ok) {
            pq->PQsetNoticeProcessor(l->pending, quiet, NULL);
            l->c = l->pending;
            l->pending = NULL;
            return 1;
        }
    } else if (st != PGRES_POLLING_FAILED && now < l->pending_until) {
        return 0; /* still under way */
    }
    pq->PQfinish(l->pending);
    l->pending = NULL;
    return 0;
}

int store_listener_poll(store_listener *l)
{
    const store_pq *pq = l->pq;
    if (!l->c)
        return reconnect_step(l) ? 1 : -1; /* back: whatever rang meanwhile is missed */
    if (!pq->PQconsumeInput(l->c) || pq->PQstatus(l->c) != CONNECTION_OK) {
        pq->PQfinish(l->c);
        l->c = NULL;
        l->retry_at = 0;
        return -1;
    }
    int rang = 0;
    PGnotify *n;
    while ((n = pq->PQnotifies(l->c)) != NULL) {
        rang = 1;
        pq->PQfreemem(n);
    }
    return rang;
}

int store_listener_pid(const store_listener *l)
{
    return l && l->c ? l->pq->PQbackendPID(l->c) : 0;
}
