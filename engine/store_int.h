/* SPDX-License-Identifier: MIT */
/* Private to the store_ files: the connection layout, the ids of the
 * statements the store runs, and the seam between the files that hold the
 * queries' logic (store_orders.c, store_import.c, ...) and the driver of a
 * backend (store_sqlite.c, store_pg.c): a driver knows its SQL for each statement id,
 * its schema migrations, and how to prepare, bind, step and read. The logic
 * files see only store_q and the store__ calls below, never a backend's
 * types. Nothing outside engine/store*.c includes this header. Same
 * threading rule as store.h. */
#ifndef STORE_INT_H
#define STORE_INT_H

#include "store.h"

/* Every statement the store runs, prepared lazily on first use and then
 * reused for the life of the connection (store__q). Each driver has the SQL
 * text of each, indexed by these values. */
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
    STMT_ORDER_CONTACT,
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
    STMT_RETURN_ORDER_BY_CODE,
    STMT_RETURN_SET_DETAILS,
    STMT_STOCK_GET,
    STMT_STOCK_SET,
    STMT_STOCK_PRODUCT,
    STMT_VARIANTS,
    STMT_PRODUCTS_SOLD,
    STMT_FACTS_DELETE,
    STMT_FACT_SET,
    STMT_FACT_DELETE,
    STMT_FACTS_OF,
    STMT_PRODUCTS_DESCRIBED,
    STMT_AGENT_INSERT,
    STMT_AGENT_FIND,
    STMT_AGENT_SET_ROLE,
    STMT_AGENT_NAME,
    STMT_HANDOFF_INSERT,
    STMT_HANDOFF_ACTIVE,
    STMT_HANDOFF_QUEUE,
    STMT_HANDOFF_OF_AGENT,
    STMT_HANDOFF_CLAIM,
    STMT_HANDOFF_END,
    STMT_HANDOFF_RATE,
    STMT_HANDOFF_LAST_CLOSED,
    STMT_HANDOFF_WAITING,
    STMT_SEARCH_ORDER,
    STMT_SEARCH_CONTACT,
    STMT_SEARCH_TEXT,
    STMT_RELATED,
    STMT_REVIEW_SCAN,
    STMT_REVIEW_UPSERT,
    STMT_REVIEW_SWEEP,
    STMT_REVIEW_LIST,
    STMT_REVIEW_SET,
    STMT_REPORT_CONVS,
    STMT_REPORT_HANDOFFS,
    STMT_REPORT_FIRST_AGENT,
    STMT_REPORT_BOT_TURNS,
    STMT_REPORT_INTENTS,
    STMT_REPORT_HOURS,
    STMT_HANDOFF_WAITS,
    STMT_CONV_STATE_SET,
    STMT_CONV_STATE_GET,
    STMT_CONV_SUBJECT_SET,
    STMT_CONV_LAST_ACTIVE,
    STMT_SUBJECT_BY_EMAIL,
    STMT_SUBJECT_BY_PHONE,
    STMT_SUBJECT_BY_ORDER,
    STMT_SUBJECT_CONVS,
    STMT_CONV_HEAD,
    STMT_CONV_HANDOFFS,
    STMT_ORDER_REQUESTS,
    STMT_ERASE_MESSAGES,
    STMT_ERASE_HANDOFFS,
    STMT_ERASE_CONV,
    STMT_ERASE_REQUESTS,
    STMT_ERASE_CASES,
    STMT_PURGE_MESSAGES,
    STMT_PURGE_DIALOGUES,
    STMT_PURGE_CASES,
    STMT_PURGE_OFFLINE,
    STMT_PURGE_REQUESTS,
    STMT_PURGE_NOTES,
    STMT_PURGE_RECORDS,
    STMT_DESTRUCTION_ADD,
    STMT_DESTRUCTIONS,
    STMT_IDENTITY_GET,
    STMT_IDENTITY_SET,
    STMT_IDENTITY_CLEAR,
    STMT_ACCESS_ADD,
    STMT_ACCESS_LIST,
    STMT_EVENTS_NUMBER,
    STMT_NODE_EVENT_INSERT,
    STMT_EVENTS_NOTIFY,
    STMT_EVENTS_AFTER,
    STMT_EVENTS_HEAD,
    STMT_EVENTS_TRIM,
    STMT_ERASE_EVENTS,
    STMT_JOB_CLAIM,
    STMT_CONV_ORDER,
    STMT_NODE_SEEN,
    STMT_NODES_DEAD,
    STMT_NODE_FORGET,
    STMT_NODE_FORGET_PRESENCE,
    STMT_NODE_FORGET_OFFERS,
    STMT_PRESENCE_SET,
    STMT_PRESENCE_CLEAR,
    STMT_PRESENCE_COUNT,
    STMT_OFFER_TAKE,
    STMT_OFFER_DROP,
    STMT_OFFER_DROP_AGENT,
    STMT_OFFERS_LIST,
    STMT_AGENTS_AT_WORK,
    STMT_HANDOFF_TRANSFER,
    STMT_ATTACH_MSG_INSERT,
    STMT_ATTACH_INSERT,
    STMT_ATTACH_MSG_DETAILS,
    STMT_ATTACH_FIND,
    STMT_ATTACH_GET,
    STMT_ATTACH_DATA,
    STMT_ATTACH_LIST,
    STMT_COUNT_
} store_stmt_id;

/* A prepared statement: its driver, and the backend's own handle (NULL until
 * prepared). Kept inside store_db, so preparing allocates nothing of ours. */
typedef struct store_driver store_driver;
typedef struct store_q {
    const store_driver *drv;
    void *impl;
} store_q;

/* What a step gave: a row, the end, or a failure (constraint failures told
 * apart, so callers can say what conflicted). */
typedef enum store_rc {
    STORE_ROW = 1,
    STORE_DONE = 0,
    STORE_FAIL = -1,
    STORE_CONSTRAINT = -2, /* another constraint: NOT NULL, CHECK */
    STORE_UNIQUE = -3,
    STORE_FOREIGN_KEY = -4
} store_rc;

/* A backend. Its functions are called only by store.c's wrappers below. */
struct store_driver {
    const char *name; /* "sqlite" */
    /* Opens path into db->conn, ready for migrations; fills err. */
    ds_status (*open)(store_db *db, const char *path, ds_error *err);
    void (*close)(store_db *db);
    /* The schema: migrations[i] brings a database from version i to i + 1;
     * bootstrap creates the version table if it is not there. */
    const char *const *migrations;
    size_t migration_count;
    const char *bootstrap;
    /* Runs a fixed script of one or more statements (rows are dropped). */
    ds_status (*script)(store_db *db, const char *sql, ds_error *err, const char *what);
    /* Prepares the statement for id into q (once; the store caches it). */
    ds_status (*prepare)(store_db *db, store_stmt_id id, store_q *q, ds_error *err);
    void (*reset)(store_q *q); /* back to the start, bindings cleared */
    void (*bind_text)(store_q *q, int idx, const char *s);
    void (*bind_int)(store_q *q, int idx, long long v);
    /* len bytes as a BLOB (bytea), borrowed until the step */
    void (*bind_blob)(store_q *q, int idx, const void *data, size_t len);
    store_rc (*step)(store_q *q);
    const char *(*col_text)(store_q *q, int col, size_t *len); /* NULL for NULL */
    /* a BLOB column's bytes as stored (NULL for NULL or empty) */
    const void *(*col_blob)(store_q *q, int col, size_t *len);
    long long (*col_int)(store_q *q, int col);
    /* Rows the last statement changed, the id it inserted last. */
    long long (*changes)(store_db *db);
    long long (*last_id)(store_db *db);
    /* 1 while a transaction is open on the connection. */
    int (*in_transaction)(store_db *db);
    /* The backend's message about the last failure. */
    const char *(*errmsg)(store_db *db);
    /* After personal data was deleted: makes sure no copy of it stays in
     * the backend's files (SQLite: the WAL checkpointed and truncated). */
    ds_status (*scrub)(store_db *db, ds_error *err);
    /* 1 when what the store was opened on is no longer there (the file
     * deleted or replaced under a running server). Optional. */
    int (*gone)(store_db *db);
    /* store_set_durability. Optional. */
    ds_status (*durability)(store_db *db, int full, ds_error *err);
    /* store_checkpoint_in_background, store_checkpoint_stats_get. Optional. */
    ds_status (*checkpoint_in_background)(store_db *db, ds_error *err);
    void (*checkpoint_stats)(store_db *db, store_checkpoint_stats *out);
};

extern const store_driver store__sqlite;
extern const store_driver store__pg;

/* The SQL of each statement in the words both backends accept (store_sql.c);
 * NULL where a driver has its own. */
extern const char *const store__sql[STMT_COUNT_];
/* PostgreSQL's own (store_pg_sql.c): its schema steps, bootstrap and the
 * statements it says differently. */
extern const char *const store__pg_migrations[];
extern const char store__pg_bootstrap[];
extern const char *const store__pg_sql[STMT_COUNT_];

struct store_db {
    const store_driver *drv;
    void *conn; /* the driver's connection */
    store_q stmts[STMT_COUNT_];
    int version;
    char *path;
    unsigned long long file_dev, file_ino; /* the file opened (SQLite) */
    int batch_depth;                       /* store_batch_begin nesting; 0 = no batch */
    int savepoints;                        /* open savepoints inside the batch */
    void *background; /* the driver's own thread and its state (SQLite: checkpoints), or NULL */
    /* fault injection (store_fail_step_after) */
    unsigned long step_count, step_fail_at;
    int step_injected;
};

/* The prepared statement for id, reset and with its bindings cleared, ready
 * to bind. Borrowed: valid until store_close. NULL on failure (err filled
 * with DS_EDB). */
store_q *store__q(store_db *db, store_stmt_id id, ds_error *err);
/* Binds a NUL-terminated string (NULL binds SQL NULL) without copying: the
 * caller keeps it alive until the statement is stepped and reset. */
void store__bind_text(store_q *q, int idx, const char *s);
void store__bind_int(store_q *q, int idx, long long v);
/* Binds len bytes as a BLOB, borrowed the same way (len > 0). */
void store__bind_blob(store_q *q, int idx, const void *data, size_t len);
/* Steps q, or fails as an I/O error would when fault injection says this
 * step fails. Every step goes through here except ROLLBACK's, the recovery
 * path. */
store_rc store__step(store_db *db, store_q *q);
/* Resets q once its rows are read (releasing what the backend holds). */
void store__done(store_q *q);
/* Column col of the current row: borrowed until the next step or reset,
 * NULL for SQL NULL. */
const char *store__col_text(store_q *q, int col);
long long store__col_int(store_q *q, int col);
/* A BLOB column of the current row: borrowed as store__col_text, NULL for
 * SQL NULL; *len its bytes. */
const void *store__col_blob(store_q *q, int col, size_t *len);
/* Copies column col: owned (ds_free), NULL for SQL NULL. Sets *oom when the
 * copy fails for lack of memory. */
char *store__col_dup(store_q *q, int col, int *oom);
/* Steps a statement that returns no rows and resets it. */
ds_status store__exec(store_db *db, store_q *q, ds_error *err, const char *what);
/* Rows the last statement changed, and the id the last insert made. */
long long store__changes(store_db *db);
long long store__last_id(store_db *db);
/* 1 while a transaction (or the group-commit batch) is open. */
int store__in_transaction(store_db *db);

/* The driver's scrub (see store_driver), outside any transaction. */
ds_status store__scrub(store_db *db, ds_error *err);

/* Fills err with DS_EDB, "what: the backend's message" and returns DS_EDB. */
ds_status store__db_fail(store_db *db, ds_error *err, const char *what);

/* Transactions: writers take the lock up front, so busy waits happen at
 * begin rather than mid-way; inside a group-commit batch each is a savepoint
 * of the batch, so its own failure undoes only itself. Rollback ignores
 * errors: it is only called on a path that already failed. */
ds_status store__begin(store_db *db, ds_error *err);
/* A deferred (read) transaction: takes no write lock. */
ds_status store__begin_read(store_db *db, ds_error *err);
ds_status store__commit(store_db *db, ds_error *err);
void store__rollback(store_db *db);

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
