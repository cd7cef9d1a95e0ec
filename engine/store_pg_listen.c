/* SPDX-License-Identifier: MIT */
/* The doorbell of the events between nodes (store.h's store_listener): a
 * libpq connection of its own that LISTENs, read without waiting, and
 * opened again (an attempt at most once a second, each step of it without
 * waiting, given up after 10 s) when it is lost. A lost doorbell
 * loses nothing: the events are rows, and after each reconnect the caller
 * is told to catch up from the last number it saw. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

struct store_listener {
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
static PGconn *connect_listening(const char *uri, ds_error *err)
{
    PGconn *c = store__pg_connect(uri, "destek-listen");
    if (!c) {
        ds_fail(err, DS_ENOMEM, "out of memory connecting to PostgreSQL");
        return NULL;
    }
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, "LISTEN destek_events") : NULL;
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        ds_fail(err, DS_EIO, "cannot listen for the other nodes: %s",
                r ? PQresultErrorMessage(r) : PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return NULL;
    }
    PQclear(r);
    PQsetNoticeProcessor(c, quiet, NULL);
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
    l->c = connect_listening(path, err);
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
    PQfinish(l->c);
    PQfinish(l->pending);
    free(l->uri);
    free(l);
}

/* Reconnecting, one step per call, never waiting: 1 once it listens. */
static int reconnect_step(store_listener *l)
{
    double now = mono_now();
    if (!l->pending) {
        if (now < l->retry_at)
            return 0;
        l->retry_at = now + 1.0;
        l->pending = store__pg_connect_start(l->uri, "destek-listen");
        l->pending_until = now + 10.0;
        if (!l->pending)
            return 0;
    }
    PostgresPollingStatusType st = PQconnectPoll(l->pending);
    if (st == PGRES_POLLING_OK) {
        PGresult *r = PQexec(l->pending, "LISTEN destek_events");
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (ok) {
            PQsetNoticeProcessor(l->pending, quiet, NULL);
            l->c = l->pending;
            l->pending = NULL;
            return 1;
        }
    } else if (st != PGRES_POLLING_FAILED && now < l->pending_until) {
        return 0; /* still under way */
    }
    PQfinish(l->pending);
    l->pending = NULL;
    return 0;
}

int store_listener_poll(store_listener *l)
{
    if (!l->c)
        return reconnect_step(l) ? 1 : -1; /* back: whatever rang meanwhile is missed */
    if (!PQconsumeInput(l->c) || PQstatus(l->c) != CONNECTION_OK) {
        PQfinish(l->c);
        l->c = NULL;
        l->retry_at = 0;
        return -1;
    }
    int rang = 0;
    PGnotify *n;
    while ((n = PQnotifies(l->c)) != NULL) {
        rang = 1;
        PQfreemem(n);
    }
    return rang;
}

int store_listener_pid(const store_listener *l)
{
    return l && l->c ? PQbackendPID(l->c) : 0;
}
