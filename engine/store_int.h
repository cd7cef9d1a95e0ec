/* SPDX-License-Identifier: MIT */
/* Private to the store_ files: the connection layout, the table of prepared
 * statements and the helpers that turn SQLite results into ds_status. Nothing
 * outside engine/store*.c includes this header; it is the only place besides
 * those files where sqlite3 types appear. Same threading rule as store.h. */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* Every statement the store runs, prepared lazily on first use and then
 * reused for the life of the connection (store__stmt). The SQL text of each
 * is in store.c, indexed by these values. */
typedef enum store_stmt_id {
    STMT_BEGIN,
    STMT_BEGIN_READ,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_VERSION_GET,
    STMT_VERSION_SET,
    STMT_CUSTOMER_UPSERT,
    STMT_ORDER_UPSERT,
    STMT_ITEMS_DELETE,
    STMT_SHIPMENT_DELETE,
    STMT_ITEM_INSERT,
    STMT_SHIPMENT_INSERT,
    STMT_EVENT_INSERT,
    STMT_ORDER_SELECT,
    STMT_ITEMS_SELECT,
    STMT_SHIPMENT_SELECT,
    STMT_EVENTS_SELECT,
    STMT_ORDER_COUNT,
    STMT_ORDER_STATUS,
    STMT_ORDER_CANCEL,
    STMT_AUDIT_INSERT,
    STMT_AUDIT_SELECT,
    STMT_REQUEST_INSERT,
    STMT_REQUESTS_SELECT,
    STMT_SAVEPOINT,
    STMT_RELEASE,
    STMT_ROLLBACK_TO,
    STMT_CONV_INSERT,
    STMT_CONV_FIND,
    STMT_CONV_CLOSE,
    STMT_MSG_INSERT,
    STMT_MSG_SELECT,
    STMT_RETURN_INSERT,
    STMT_RETURN_UPSERT,
    STMT_RETURN_UPDATE_UNCODED,
    STMT_RETURNS_SELECT,
    STMT_RETURN_SET_STATE,
    STMT_STOCK_GET,
    STMT_STOCK_SET,
    STMT_STOCK_PRODUCT,
    STMT_VARIANTS,
    STMT_AGENT_INSERT,
    STMT_AGENT_FIND,
    STMT_HANDOFF_INSERT,
    STMT_HANDOFF_ACTIVE,
    STMT_HANDOFF_QUEUE,
    STMT_HANDOFF_OF_AGENT,
    STMT_HANDOFF_CLAIM,
    STMT_HANDOFF_END,
    STMT_HANDOFF_RATE,
    STMT_HANDOFF_WAITS,
    STMT_CONV_STATE_SET,
    STMT_CONV_STATE_GET,
    STMT_COUNT_
} store_stmt_id;

struct store_db {
    sqlite3 *conn;
    sqlite3_stmt *stmts[STMT_COUNT_];
    int version;
    char *path;
    int batch_depth; /* store_batch_begin nesting; 0 = no batch */
    int savepoints;  /* open savepoints inside the batch */
    /* fault injection (store_fail_step_after) */
    unsigned long step_count, step_fail_at;
    int step_injected;
};

/* The prepared statement for id, reset and with its bindings cleared, ready
 * to bind. Borrowed: valid until store_close. NULL on failure (err filled
 * with DS_EDB). */
sqlite3_stmt *store__stmt(store_db *db, store_stmt_id id, ds_error *err);

/* sqlite3_step, or SQLITE_IOERR when fault injection says this one fails.
 * Every step goes through here except ROLLBACK's, the recovery path. */
int store__step(store_db *db, sqlite3_stmt *st);

/* Fills err with DS_EDB, "what: sqlite3_errmsg" and returns DS_EDB. */
ds_status store__db_fail(store_db *db, ds_error *err, const char *what);

/* Transactions: BEGIN IMMEDIATE (writers take the lock up front, so busy
 * waits happen at BEGIN rather than mid-way), COMMIT, ROLLBACK. Rollback
 * ignores errors: it is only called on a path that already failed. */
ds_status store__begin(store_db *db, ds_error *err);
/* A deferred (read) transaction: takes no write lock. */
ds_status store__begin_read(store_db *db, ds_error *err);
ds_status store__commit(store_db *db, ds_error *err);
void store__rollback(store_db *db);

/* Binds a NUL-terminated string (NULL binds SQL NULL) as static text: the
 * caller keeps it alive until the statement is stepped and reset. */
int store__bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Copies column col of the current row: owned (ds_free), NULL for SQL NULL.
 * Sets *oom when the copy fails for lack of memory. */
char *store__column_dup(sqlite3_stmt *st, int col, int *oom);

/* Validates an ISO 8601 timestamp with an offset ("2026-11-20T10:15:00+03:00",
 * "...Z", optional fraction of a second) and, if utc is not NULL, writes the
 * instant as seconds since the epoch. Returns 1 when valid. */
int store__parse_time(const char *s, long long *utc);

/* The states of a return, exchange or case (store.h), NULL-terminated, and
 * whether s is one of them. */
extern const char *const store__return_states[];
int store__is_return_state(const char *s);

/* A return code: 4 to 32 of A-Z, 0-9 and '-'. */
int store__is_return_code(const char *s);

/* jansson through ds_malloc. Call store__json_begin() before each jansson
 * parse; when it fails, store__json_oom() says whether memory ran out: under
 * memory pressure jansson sometimes reports a made-up syntax error ("invalid
 * token") instead, so a parse error is only believed when no allocation
 * failed. The flag is per thread. */
void store__json_begin(void);
int store__json_oom(const void *json_error);

#endif
