/* SPDX-License-Identifier: MIT */
/* The PostgreSQL driver of the store, for several nodes on one database:
 * prepare/bind/step/read over libpq, with the SQL of store_sql.c (its ?N
 * renumbered $N) or PostgreSQL's own (store_pg_sql.c). The only file that
 * speaks libpq. A statement runs whole on its first step and its rows are
 * read from the result (so two statements' rows may be read interleaved,
 * as with SQLite). One connection per thread, as store.h says. libpq is
 * loaded, not linked: each connection holds its own handle (store_pq.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"
#include "store_pq.h"

enum { PG_MAX_PARAMS = 16, PG_TEXT_OID = 25 };
#define PG_CONNECT_TIMEOUT_S 10

/* The driver's own memory (its connection and statements) comes from
 * malloc, as libpq's and SQLite's does: it lives as long as the connection
 * and is not the store's data, so ds_malloc's failure injection in the
 * store's tests is about the store's own allocations, as on SQLite. */

typedef struct pgd_conn {
    store_pq *pq; /* owned: libpq, loaded for this connection */
    PGconn *c;
    long long changes, last_id;
    unsigned generation; /* bumped by each reconnect: statements prepare again */
    int resetting;       /* a reconnect under way (PQresetStart/PQresetPoll) */
    double reset_until, retry_at;
    char err[512];
} pgd_conn;

typedef struct pgd_stmt {
    pgd_conn *pc;
    store_stmt_id id;
    unsigned generation;
    int nparams;
    unsigned used; /* bit i: $i+1 appears in the SQL */
    int returns_id;
    char *sql; /* owned, renumbered */
    const char *params[PG_MAX_PARAMS];
    char ints[PG_MAX_PARAMS][24];
    /* a BLOB parameter goes as binary (its length, format 1), every other
     * one as text (format 0, NUL-terminated: lengths ignored) */
    int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
    int binary_rows; /* rows come back in binary (the bytes of a bytea) */
    PGresult *res;
    int row, rows;
} pgd_stmt;

static pgd_conn *pc_of(store_db *db)
{
    return db->conn;
}

static void remember(pgd_conn *pc, const char *msg)
{
    snprintf(pc->err, sizeof pc->err, "%s", msg && *msg ? msg : "unknown error");
    size_t n = strlen(pc->err);
    while (n && (pc->err[n - 1] == '\n' || pc->err[n - 1] == ' '))
        pc->err[--n] = '\0';
}

static ds_status fail(store_db *db, ds_error *err, const char *what)
{
    return ds_fail(err, DS_EDB, "%s: %s", what, pc_of(db)->err);
}

static void quiet(void *arg, const char *msg)
{
    (void)arg; /* NOTICEs ("relation already exists, skipping") are not errors */
    (void)msg;
}

static ds_status pg_script(store_db *db, const char *sql, ds_error *err, const char *what)
{
    pgd_conn *pc = pc_of(db);
    const store_pq *pq = pc->pq;
    PGresult *r = pq->PQexec(pc->c, sql);
    ExecStatusType st = pq->PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        remember(pc, r ? pq->PQresultErrorMessage(r) : pq->PQerrorMessage(pc->c));
    pq->PQclear(r);
    return ok ? DS_OK : fail(db, err, what);
}

static ds_status pg_open(store_db *db, const char *uri, ds_error *err)
{
    pgd_conn *pc = calloc(1, sizeof *pc);
    if (!pc)
        return ds_fail(err, DS_ENOMEM, "out of memory connecting to PostgreSQL");
    db->conn = pc;
    ds_status st = store__pq_open(&pc->pq, err);
    if (st != DS_OK)
        return st;
    const store_pq *pq = pc->pq;
    pc->c = store__pg_connect(pq, uri, "destek");
    if (!pc->c)
        return ds_fail(err, DS_ENOMEM, "out of memory connecting to PostgreSQL");
    if (pq->PQstatus(pc->c) != CONNECTION_OK) {
        remember(pc, pq->PQerrorMessage(pc->c));
        /* the URI may hold a password: name the database, not the URI */
        return ds_fail(err, DS_EIO, "cannot connect to PostgreSQL database \"%s\": %s",
                       pq->PQdb(pc->c) ? pq->PQdb(pc->c) : "?", pc->err);
    }
    pq->PQsetNoticeProcessor(pc->c, quiet, NULL);
    return pg_script(db, "SET client_min_messages = warning", err, "setting up the connection");
}

#ifndef STORE_PQ_SONAME
#error "STORE_PQ_SONAME: the build names the libpq it loads (meson.build)"
#endif

ds_status store__pq_open(store_pq **out, ds_error *err)
{
    const char *path = getenv("DESTEK_PQ_LIBRARY");
    const char *name = path && *path ? path : STORE_PQ_SONAME;
    store_pq *pq = calloc(1, sizeof *pq);
    if (!pq)
        return ds_fail(err, DS_ENOMEM, "out of memory loading libpq");
    /* RTLD_NODELETE: once loaded, libpq and what it brings stay (store_pq.h) */
    pq->dl = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!pq->dl) {
        const char *why = dlerror();
        free(pq);
        return ds_fail(err, DS_EIO, "cannot load libpq, needed for a PostgreSQL database: %s",
                       why ? why : name);
    }
    /* dlsym's result is an object pointer; POSIX makes it a function's */
    void *sym;
#define STORE_PQ_LOOKUP(fn)                                                               \
    if ((sym = dlsym(pq->dl, #fn)) != NULL)                                               \
        memcpy(&pq->fn, &sym, sizeof sym);                                                \
    else {                                                                                \
        ds_fail(err, DS_EIO, "%s lacks %s, needed for a PostgreSQL database", name, #fn); \
        store__pq_close(pq);                                                              \
        return DS_EIO;                                                                    \
    }
    STORE_PQ_FUNCTIONS(STORE_PQ_LOOKUP)
#undef STORE_PQ_LOOKUP
    *out = pq;
    return DS_OK;
}

void store__pq_close(store_pq *pq)
{
    if (!pq)
        return;
    if (pq->dl)
        dlclose(pq->dl);
    free(pq);
}

/* The URI's own settings first, then what destek adds: a name the operator
 * sees in pg_stat_activity, and no endless wait for a server that does not
 * answer. */
static const char *const connect_keys[] = {"dbname", "application_name", "connect_timeout",
                                           "tcp_user_timeout", NULL};
/* tcp_user_timeout: a host that stops acknowledging what is sent to it
 * (gone from the network) ends the connection in 10 s, not in the
 * kernel's quarter of an hour. */
#define PG_CONNECT_VALUES(uri, app)                           \
    {                                                         \
        uri, app, PG_STR(PG_CONNECT_TIMEOUT_S), "10000", NULL \
    }
#define PG_STR_(x) #x
#define PG_STR(x) PG_STR_(x)

PGconn *store__pg_connect(const store_pq *pq, const char *uri, const char *application)
{
    const char *const values[] = PG_CONNECT_VALUES(uri, application);
    return pq->PQconnectdbParams(connect_keys, values, 1);
}

PGconn *store__pg_connect_start(const store_pq *pq, const char *uri, const char *application)
{
    const char *const values[] = PG_CONNECT_VALUES(uri, application);
    return pq->PQconnectStartParams(connect_keys, values, 1);
}

static void stmt_free(pgd_stmt *s)
{
    if (!s)
        return;
    const store_pq *pq = s->pc->pq;
    pq->PQclear(s->res);
    free(s->sql);
    free(s);
}

static void pg_close(store_db *db)
{
    for (size_t i = 0; i < STMT_COUNT_; i++) {
        stmt_free(db->stmts[i].impl);
        db->stmts[i].impl = NULL;
    }
    pgd_conn *pc = pc_of(db);
    if (pc) {
        if (pc->pq)
            pc->pq->PQfinish(pc->c);
        store__pq_close(pc->pq);
    }
    free(pc);
    db->conn = NULL;
}

/* store_sql.c's ?N as $N (no ? appears in a literal of ours); notes which
 * parameters appear. Returns the highest, or -1 when one is out of range. */
static int renumber(const char *in, char *out, unsigned *used)
{
    int max = 0;
    *used = 0;
    for (; *in; in++) {
        if (*in == '?' && in[1] >= '0' && in[1] <= '9') {
            int n = atoi(in + 1);
            if (n < 1 || n > PG_MAX_PARAMS)
                return -1;
            *used |= 1u << (n - 1);
            max = n > max ? n : max;
            *out++ = '$';
            continue;
        }
        *out++ = *in;
    }
    *out = '\0';
    return max;
}

/* Prepares s on the connection, again after a reconnect. Parameters the SQL
 * leaves out are declared text, as PostgreSQL wants a type for each. */
static int send_prepare(pgd_stmt *s)
{
    const store_pq *pq = s->pc->pq;
    Oid types[PG_MAX_PARAMS] = {0};
    for (int i = 0; i < s->nparams; i++)
        types[i] = (s->used >> i) & 1u ? 0 : PG_TEXT_OID;
    char name[16];
    snprintf(name, sizeof name, "d%d", (int)s->id);
    PGresult *r = pq->PQprepare(s->pc->c, name, s->sql, s->nparams, types);
    int ok = pq->PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        remember(s->pc, r ? pq->PQresultErrorMessage(r) : pq->PQerrorMessage(s->pc->c));
    pq->PQclear(r);
    if (ok)
        s->generation = s->pc->generation;
    return ok;
}

/* The inserts whose id the store reads back with store__last_id: their
 * PostgreSQL SQL ends in RETURNING id, and the row is taken as that id. */
static int returns_id(store_stmt_id id)
{
    static const store_stmt_id ids[] = {
        STMT_CONV_INSERT,    STMT_REQUEST_INSERT,    STMT_RETURN_INSERT, STMT_AGENT_INSERT,
        STMT_HANDOFF_INSERT, STMT_ATTACH_MSG_INSERT, STMT_ATTACH_INSERT};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static ds_status pg_prepare(store_db *db, store_stmt_id id, store_q *q, ds_error *err)
{
    const char *sql = store__pg_sql[id] ? store__pg_sql[id] : store__sql[id];
    pgd_stmt *s = calloc(1, sizeof *s);
    char *text = s ? malloc(strlen(sql) + 1) : NULL;
    if (!text) {
        free(s);
        return ds_fail(err, DS_ENOMEM, "out of memory preparing a statement");
    }
    s->pc = pc_of(db);
    s->id = id;
    s->sql = text;
    s->nparams = renumber(sql, text, &s->used);
    s->returns_id = returns_id(id);
    /* a bytea in text is hex, twice its size and decoded again: the one
     * statement that reads bytes gets its row in binary (it has no other
     * column whose binary form would need decoding) */
    s->binary_rows = id == STMT_ATTACH_DATA;
    if (s->nparams < 0) {
        stmt_free(s);
        return ds_fail(err, DS_EDB, "preparing a statement: too many parameters");
    }
    if (!send_prepare(s)) {
        stmt_free(s);
        return fail(db, err, "preparing a statement");
    }
    q->drv = &store__pg;
    q->impl = s;
    return DS_OK;
}

static void pg_reset(store_q *q)
{
    pgd_stmt *s = q->impl;
    const store_pq *pq = s->pc->pq;
    pq->PQclear(s->res);
    s->res = NULL;
    s->row = s->rows = 0;
    memset(s->params, 0, sizeof s->params);
    memset(s->lengths, 0, sizeof s->lengths);
    memset(s->formats, 0, sizeof s->formats);
}

static void pg_bind_text(store_q *q, int idx, const char *v)
{
    pgd_stmt *s = q->impl;
    if (idx >= 1 && idx <= PG_MAX_PARAMS) {
        s->params[idx - 1] = v;
        s->formats[idx - 1] = 0;
    }
}

static void pg_bind_blob(store_q *q, int idx, const void *data, size_t len)
{
    pgd_stmt *s = q->impl;
    if (idx < 1 || idx > PG_MAX_PARAMS || len > (size_t)0x7fffffff)
        return; /* left NULL: the NOT NULL column refuses it */
    s->params[idx - 1] = data;
    s->lengths[idx - 1] = (int)len;
    s->formats[idx - 1] = 1;
}

static void pg_bind_int(store_q *q, int idx, long long v)
{
    pgd_stmt *s = q->impl;
    if (idx < 1 || idx > PG_MAX_PARAMS)
        return;
    snprintf(s->ints[idx - 1], sizeof s->ints[0], "%lld", v);
    s->params[idx - 1] = s->ints[idx - 1];
    s->formats[idx - 1] = 0;
}

static store_rc failure(pgd_stmt *s, PGresult *r)
{
    const store_pq *pq = s->pc->pq;
    remember(s->pc, r ? pq->PQresultErrorMessage(r) : pq->PQerrorMessage(s->pc->c));
    const char *state = r ? pq->PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (!state || strncmp(state, "23", 2) != 0)
        return STORE_FAIL;
    if (strcmp(state, "23505") == 0)
        return STORE_UNIQUE;
    if (strcmp(state, "23503") == 0)
        return STORE_FOREIGN_KEY;
    return STORE_CONSTRAINT;
}

/* A constraint failure inside a transaction aborts the whole transaction in
 * PostgreSQL, not just the statement as in SQLite: the inserts whose
 * conflicts the store reports and carries on after run in a savepoint of
 * their own. */
static int guarded(const pgd_stmt *s)
{
    return s->returns_id || s->id == STMT_RETURN_UPSERT;
}

static PGresult *run(pgd_stmt *s, int guard)
{
    const store_pq *pq = s->pc->pq;
    PGconn *c = s->pc->c;
    if (guard)
        pq->PQclear(pq->PQexec(c, "SAVEPOINT destek_guard"));
    char name[16];
    snprintf(name, sizeof name, "d%d", (int)s->id);
    PGresult *r =
        pq->PQexecPrepared(c, name, s->nparams, s->params, s->lengths, s->formats, s->binary_rows);
    if (guard) {
        ExecStatusType st = pq->PQresultStatus(r);
        int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        pq->PQclear(pq->PQexec(c, ok ? "RELEASE destek_guard" : "ROLLBACK TO destek_guard"));
    }
    return r;
}

static double mono_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A lost connection (the server restarted, a failover, the backend ended)
 * is opened again between transactions, one step per call and never
 * waiting, so a database host that does not answer never holds up the
 * caller's loop: calls fail until the connection is back (given up after
 * PG_CONNECT_TIMEOUT_S and started again a second later). Prepared
 * statements follow on their next step. 0 when the connection is usable. */
static int reconnect(pgd_conn *pc)
{
    const store_pq *pq = pc->pq;
    if (!pc->resetting && pq->PQstatus(pc->c) == CONNECTION_OK)
        return 0;
    PGTransactionStatusType t = pq->PQtransactionStatus(pc->c);
    if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE)
        return -1; /* what the transaction did is lost: it must fail first */
    double now = mono_now();
    if (!pc->resetting) {
        if (now < pc->retry_at)
            return -1;
        pc->retry_at = now + 1.0;
        if (!pq->PQresetStart(pc->c)) {
            remember(pc, pq->PQerrorMessage(pc->c));
            return -1;
        }
        pc->resetting = 1;
        pc->reset_until = now + PG_CONNECT_TIMEOUT_S;
    }
    PostgresPollingStatusType st = pq->PQresetPoll(pc->c);
    if (st == PGRES_POLLING_OK) {
        pc->resetting = 0;
        pq->PQsetNoticeProcessor(pc->c, quiet, NULL);
        pc->generation++;
        return 0;
    }
    if (st == PGRES_POLLING_FAILED || now >= pc->reset_until) {
        pc->resetting = 0;
        remember(pc, st == PGRES_POLLING_FAILED ? pq->PQerrorMessage(pc->c)
                                                : "the database server does not answer");
    } else {
        remember(pc, "reconnecting to the database server");
    }
    return -1;
}

static store_rc pg_step(store_q *q)
{
    pgd_stmt *s = q->impl;
    pgd_conn *pc = s->pc;
    const store_pq *pq = pc->pq;
    if (s->res) {
        if (++s->row < s->rows)
            return STORE_ROW;
        return STORE_DONE;
    }
    if (reconnect(pc) != 0 || (s->generation != pc->generation && !send_prepare(s)))
        return STORE_FAIL;
    int guard = guarded(s) && pq->PQtransactionStatus(pc->c) == PQTRANS_INTRANS;
    PGresult *r = run(s, guard);
    ExecStatusType st = pq->PQresultStatus(r);
    if (st == PGRES_COMMAND_OK) {
        pc->changes = atoll(pq->PQcmdTuples(r));
        pq->PQclear(r);
        return STORE_DONE;
    }
    if (st != PGRES_TUPLES_OK) {
        store_rc rc = failure(s, r);
        pq->PQclear(r);
        return rc;
    }
    if (s->returns_id) {
        pc->changes = pq->PQntuples(r);
        if (pq->PQntuples(r) > 0)
            pc->last_id = atoll(pq->PQgetvalue(r, 0, 0));
        pq->PQclear(r);
        return STORE_DONE;
    }
    s->res = r;
    s->rows = pq->PQntuples(r);
    s->row = 0;
    pc->changes = atoll(pq->PQcmdTuples(r));
    return s->rows > 0 ? STORE_ROW : STORE_DONE;
}

static const char *pg_col_text(store_q *q, int col, size_t *len)
{
    pgd_stmt *s = q->impl;
    const store_pq *pq = s->pc->pq;
    *len = 0;
    if (!s->res || s->row >= s->rows || col >= pq->PQnfields(s->res) ||
        pq->PQgetisnull(s->res, s->row, col))
        return NULL;
    *len = (size_t)pq->PQgetlength(s->res, s->row, col);
    return pq->PQgetvalue(s->res, s->row, col);
}

static const void *pg_col_blob(store_q *q, int col, size_t *len)
{
    pgd_stmt *s = q->impl;
    if (!s->binary_rows) { /* only STMT_ATTACH_DATA reads bytes (pg_prepare) */
        *len = 0;
        return NULL;
    }
    const char *v = pg_col_text(q, col, len);
    return *len ? v : NULL;
}

static long long pg_col_int(store_q *q, int col)
{
    size_t len;
    const char *t = pg_col_text(q, col, &len);
    if (!t)
        return 0;
    if (len == 1 && (t[0] == 't' || t[0] == 'f')) /* a boolean */
        return t[0] == 't';
    return strtoll(t, NULL, 10);
}

static long long pg_changes(store_db *db)
{
    return pc_of(db)->changes;
}

static long long pg_last_id(store_db *db)
{
    return pc_of(db)->last_id;
}

static int pg_in_transaction(store_db *db)
{
    const store_pq *pq = pc_of(db)->pq;
    PGTransactionStatusType t = pq->PQtransactionStatus(pc_of(db)->c);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static const char *pg_errmsg(store_db *db)
{
    return pc_of(db) ? pc_of(db)->err : "no connection";
}

static int pg_gone(store_db *db)
{
    return reconnect(pc_of(db)) != 0;
}

/* Deleted rows stay in PostgreSQL's pages until VACUUM removes them, and
 * in its write-ahead log until it is recycled (docs/PRIVACY.md). */
static ds_status pg_scrub(store_db *db, ds_error *err)
{
    return pg_script(
        db, "VACUUM messages, attachments, conversations, handoffs, requests, returns, events", err,
        "vacuuming the erased rows");
}

const store_driver store__pg = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .migrations = store__pg_migrations,
    .migration_count = STORE_SCHEMA_VERSION,
    .bootstrap = store__pg_bootstrap,
    .script = pg_script,
    .prepare = pg_prepare,
    .reset = pg_reset,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_int = pg_col_int,
    .changes = pg_changes,
    .last_id = pg_last_id,
    .in_transaction = pg_in_transaction,
    .errmsg = pg_errmsg,
    .scrub = pg_scrub,
    .gone = pg_gone,
};
