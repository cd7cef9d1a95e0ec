/* SPDX-License-Identifier: MIT */
/* libpq as the PostgreSQL driver calls it (store_pg.c, store_pg_listen.c,
 * the only files that include this and libpq-fe.h): not linked, but loaded
 * with dlopen when a postgres:// store or listener opens, so that a process
 * on SQLite never maps libpq and the ~20 libraries it brings (Kerberos,
 * LDAP, GnuTLS...). Each connection's owner (the driver's connection, a
 * listener) holds a store_pq of its own; libpq stays mapped once loaded
 * (RTLD_NODELETE: it and OpenSSL, Kerberos leave handlers behind them), so
 * later ones only count a reference. Any thread may use its own. */
#ifndef STORE_PQ_H
#define STORE_PQ_H

#include <libpq-fe.h>

#include "ds.h"

/* Every libpq function the driver calls, looked up by name and called
 * through a pointer of its declared type. */
#define STORE_PQ_FUNCTIONS(X) \
    X(PQbackendPID)           \
    X(PQclear)                \
    X(PQcmdTuples)            \
    X(PQconnectPoll)          \
    X(PQconnectStartParams)   \
    X(PQconnectdbParams)      \
    X(PQconsumeInput)         \
    X(PQdb)                   \
    X(PQerrorMessage)         \
    X(PQexec)                 \
    X(PQexecPrepared)         \
    X(PQfinish)               \
    X(PQfreemem)              \
    X(PQgetisnull)            \
    X(PQgetlength)            \
    X(PQgetvalue)             \
    X(PQnfields)              \
    X(PQnotifies)             \
    X(PQntuples)              \
    X(PQprepare)              \
    X(PQresetPoll)            \
    X(PQresetStart)           \
    X(PQresultErrorField)     \
    X(PQresultErrorMessage)   \
    X(PQresultStatus)         \
    X(PQsetNoticeProcessor)   \
    X(PQstatus)               \
    X(PQtransactionStatus)

typedef struct store_pq {
    void *dl; /* dlopen's handle */
#define STORE_PQ_FIELD(name) __typeof__(name) *name;
    STORE_PQ_FUNCTIONS(STORE_PQ_FIELD)
#undef STORE_PQ_FIELD
} store_pq;

/* Loads libpq: DESTEK_PQ_LIBRARY when set (a path or a soname; tests point
 * it at a missing file), else this build's soname (libpq.so.5). *out:
 * owned (store__pq_close), written only on success. DS_EIO when it cannot
 * be loaded or lacks a function ("cannot load libpq, needed for a
 * PostgreSQL database: ..."), DS_ENOMEM. */
ds_status store__pq_open(store_pq **out, ds_error *err);
/* NULL allowed. */
void store__pq_close(store_pq *pq);

/* A libpq connection to uri named application (store_pg.c; the caller
 * checks PQstatus; NULL out of memory). */
PGconn *store__pg_connect(const store_pq *pq, const char *uri, const char *application);
/* The same without waiting: PQconnectPoll finishes it (NULL out of memory). */
PGconn *store__pg_connect_start(const store_pq *pq, const char *uri, const char *application);

#endif
