/* SPDX-License-Identifier: MIT */
/* The store's connection, whatever the backend: choosing the driver,
 * bringing the schema to the current version, the statement cache, steps
 * with fault injection, transactions and the group-commit batch, and small
 * shared helpers (errors, timestamps, jansson). It holds no query logic
 * (store_import.c, store_orders.c, ... do) and no backend's API (the
 * drivers do: store_sqlite.c). One connection per thread, as store.h says. */
#include <assert.h>
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* The backends, by how --db names them: a libpq URI is PostgreSQL's, any
 * other text a file of SQLite's (the embedded default, last). */
static const struct {
    const char *prefix;
    const store_driver *drv;
} drivers[] = {
    {"postgresql://", &store__pg},
    {"postgres://", &store__pg},
    {"", &store__sqlite},
};

static const store_driver *driver_for(const char *path)
{
    for (size_t i = 0;; i++)
        if (strncmp(path, drivers[i].prefix, strlen(drivers[i].prefix)) == 0)
            return drivers[i].drv;
}

/* Copies from path into out, writing "***" for each password. */
static void mask_passwords(const char *path, ds_buf *out)
{
    const char *auth = strstr(path, "://") + 3, *at = strchr(auth, '@');
    const char *colon = strchr(auth, ':'), *slash = strchr(auth, '/');
    const char *p = path;
    if (at && colon && colon < at && (!slash || at < slash)) {
        ds_buf_append(out, p, (size_t)(colon + 1 - p));
        ds_buf_puts(out, "***");
        p = at;
    }
    for (const char *k; (k = strstr(p, "password=")) != NULL;) {
        ds_buf_append(out, p, (size_t)(k + 9 - p));
        ds_buf_puts(out, "***");
        p = k + 9 + strcspn(k + 9, "&");
    }
    ds_buf_puts(out, p);
}

const char *store_shown(const char *path, char *buf, size_t len)
{
    if (!store_is_shared(path)) {
        snprintf(buf, len, "%s", path ? path : "");
        return buf;
    }
    ds_buf b;
    ds_buf_init(&b);
    mask_passwords(path, &b);
    snprintf(buf, len, "%s", b.data ? b.data : "postgresql://");
    ds_buf_cleanup(&b);
    return buf;
}

int store_is_shared(const char *path)
{
    return path && driver_for(path) != &store__sqlite;
}

/* A contact as a lookup key (store.h). Here, below every store_ file that
 * uses it. */
int store_contact_key(const char *text, char out[STORE_CONTACT_KEY_LEN])
{
    out[0] = '\0';
    if (!text)
        return 0;
    while (*text == ' ')
        text++;
    size_t n = strlen(text);
    while (n && text[n - 1] == ' ')
        n--;
    if (memchr(text, '@', n)) {
        if (n == 0 || n + 3 > STORE_CONTACT_KEY_LEN || memchr(text, ' ', n))
            return 0;
        out[0] = 'e';
        out[1] = ':';
        for (size_t i = 0; i < n; i++)
            out[2 + i] = (char)tolower((unsigned char)text[i]);
        out[2 + n] = '\0';
        return 1;
    }
    char digits[32];
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isdigit(c)) {
            if (d == sizeof digits - 1)
                return 0;
            digits[d++] = (char)c;
        } else if (!strchr(" +-().", c)) {
            return 0; /* words: not a phone number */
        }
    }
    if (d < 10)
        return 0;
    snprintf(out, STORE_CONTACT_KEY_LEN, "p:%.10s", digits + d - 10);
    return 1;
}

ds_status store__db_fail(store_db *db, ds_error *err, const char *what)
{
    const char *msg = db && db->drv && db->conn ? db->drv->errmsg(db) : "no connection";
    if (db && db->step_injected) {
        msg = "injected failure (store_fail_step_after)";
        db->step_injected = 0;
    }
    return ds_fail(err, DS_EDB, "%s: %s", what, msg);
}

void store_fail_step_after(store_db *db, unsigned long n)
{
    if (!db)
        return;
    db->step_count = 0;
    db->step_fail_at = n;
    db->step_injected = 0;
}

/* ---- statements ----------------------------------------------------------- */

store_q *store__q(store_db *db, store_stmt_id id, ds_error *err)
{
    assert(id < STMT_COUNT_);
    store_q *q = &db->stmts[id];
    if (!q->impl)
        return db->drv->prepare(db, id, q, err) == DS_OK ? q : NULL;
    db->drv->reset(q);
    return q;
}

void store__bind_text(store_q *q, int idx, const char *s)
{
    q->drv->bind_text(q, idx, s);
}

void store__bind_int(store_q *q, int idx, long long v)
{
    q->drv->bind_int(q, idx, v);
}

void store__bind_blob(store_q *q, int idx, const void *data, size_t len)
{
    q->drv->bind_blob(q, idx, data, len);
}

store_rc store__step(store_db *db, store_q *q)
{
    if (db->step_fail_at && ++db->step_count >= db->step_fail_at) {
        db->step_injected = 1;
        return STORE_FAIL;
    }
    return q->drv->step(q);
}

void store__done(store_q *q)
{
    q->drv->reset(q);
}

const char *store__col_text(store_q *q, int col)
{
    size_t len;
    return q->drv->col_text(q, col, &len);
}

long long store__col_int(store_q *q, int col)
{
    return q->drv->col_int(q, col);
}

const void *store__col_blob(store_q *q, int col, size_t *len)
{
    return q->drv->col_blob(q, col, len);
}

char *store__col_dup(store_q *q, int col, int *oom)
{
    size_t len;
    const char *t = q->drv->col_text(q, col, &len);
    if (!t)
        return NULL;
    char *d = ds_strndup(t, len);
    if (!d)
        *oom = 1;
    return d;
}

ds_status store__exec(store_db *db, store_q *q, ds_error *err, const char *what)
{
    store_rc rc = store__step(db, q);
    store__done(q);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, what);
}

long long store__changes(store_db *db)
{
    return db->drv->changes(db);
}

long long store__last_id(store_db *db)
{
    return db->drv->last_id(db);
}

ds_status store_set_durability(store_db *db, int full, ds_error *err)
{
    return db->drv->durability ? db->drv->durability(db, full, err) : DS_OK;
}

int store_gone(store_db *db)
{
    return db && db->drv->gone ? db->drv->gone(db) : 0;
}

ds_status store__scrub(store_db *db, ds_error *err)
{
    return db->drv->scrub ? db->drv->scrub(db, err) : DS_OK;
}

int store__in_transaction(store_db *db)
{
    return db->drv->in_transaction(db);
}

/* ---- transactions and the batch ------------------------------------------ */

static ds_status run_simple(store_db *db, store_stmt_id id, ds_error *err, const char *what)
{
    store_q *q = store__q(db, id, err);
    return q ? store__exec(db, q, err, what) : DS_EDB;
}

/* ROLLBACK is the recovery path: never failed by fault injection. */
static void rollback_now(store_db *db)
{
    store_q *q = store__q(db, STMT_ROLLBACK, NULL);
    if (q) {
        q->drv->step(q);
        store__done(q);
    }
}

ds_status store__begin(store_db *db, ds_error *err)
{
    if (db->batch_depth) {
        ds_status s = run_simple(db, STMT_SAVEPOINT, err, "starting a savepoint");
        db->savepoints += s == DS_OK;
        return s;
    }
    return run_simple(db, STMT_BEGIN, err, "starting a transaction");
}

ds_status store__begin_read(store_db *db, ds_error *err)
{
    if (db->batch_depth)
        return store__begin(db, err);
    return run_simple(db, STMT_BEGIN_READ, err, "starting a transaction");
}

ds_status store__commit(store_db *db, ds_error *err)
{
    if (db->batch_depth && db->savepoints) {
        db->savepoints--;
        return run_simple(db, STMT_RELEASE, err, "releasing a savepoint");
    }
    return run_simple(db, STMT_COMMIT, err, "committing");
}

void store__rollback(store_db *db)
{
    if (!store__in_transaction(db))
        return; /* the backend already rolled back (some errors do) */
    if (db->batch_depth && db->savepoints) {
        db->savepoints--;
        run_simple(db, STMT_ROLLBACK_TO, NULL, "rolling back a savepoint");
        run_simple(db, STMT_RELEASE, NULL, "releasing a savepoint");
        return;
    }
    rollback_now(db);
}

ds_status store_batch_begin(store_db *db, ds_error *err)
{
    if (db->batch_depth == 0) {
        ds_status s = run_simple(db, STMT_BEGIN, err, "starting a batch");
        if (s != DS_OK)
            return s;
        db->savepoints = 0;
    }
    db->batch_depth++;
    return DS_OK;
}

ds_status store_batch_commit(store_db *db, ds_error *err)
{
    if (db->batch_depth == 0)
        return ds_fail(err, DS_EINVAL, "no batch is open");
    if (--db->batch_depth)
        return DS_OK;
    ds_status s = run_simple(db, STMT_COMMIT, err, "committing a batch");
    if (s != DS_OK && store__in_transaction(db))
        rollback_now(db);
    return s;
}

void store_batch_abort(store_db *db)
{
    if (!db || db->batch_depth == 0)
        return;
    db->batch_depth = 0;
    db->savepoints = 0;
    if (store__in_transaction(db))
        rollback_now(db);
}

/* ---- opening and the schema ----------------------------------------------- */

static ds_status read_version(store_db *db, int *version, ds_error *err)
{
    store_q *q = store__q(db, STMT_VERSION_GET, err);
    if (!q)
        return DS_EDB;
    if (store__step(db, q) != STORE_ROW) {
        ds_status s = store__db_fail(db, err, "reading the schema version");
        store__done(q);
        return s;
    }
    *version = (int)store__col_int(q, 0);
    store__done(q);
    return DS_OK;
}

/* Brings the database to STORE_SCHEMA_VERSION in one transaction: an
 * upgrade that fails half-way leaves it at its old version. */
static ds_status migrate(store_db *db, ds_error *err)
{
    const store_driver *d = db->drv;
    ds_status s = store__begin(db, err);
    if (s != DS_OK)
        return s;
    int version = 0;
    s = d->script(db, d->bootstrap, err, "creating the schema_version table");
    if (s == DS_OK)
        s = read_version(db, &version, err);
    if (s == DS_OK && version > STORE_SCHEMA_VERSION)
        s = ds_fail(err, DS_EDB,
                    "the database has schema version %d, newer than this program's %d; "
                    "use a newer destek",
                    version, STORE_SCHEMA_VERSION);
    for (int v = version; s == DS_OK && v < STORE_SCHEMA_VERSION; v++) {
        char what[64];
        snprintf(what, sizeof what, "upgrading the schema to version %d", v + 1);
        s = d->script(db, d->migrations[v], err, what);
        store_q *q = s == DS_OK ? store__q(db, STMT_VERSION_SET, err) : NULL;
        if (s == DS_OK && !q)
            s = DS_EDB;
        if (s == DS_OK) {
            store__bind_int(q, 1, v + 1);
            s = store__exec(db, q, err, what);
        }
    }
    if (s == DS_OK)
        s = store__commit(db, err);
    if (s != DS_OK) {
        store__rollback(db);
        return s;
    }
    db->version = STORE_SCHEMA_VERSION;
    return DS_OK;
}

ds_status store_open(const char *path, store_db **out, ds_error *err)
{
    if (!path || !out)
        return ds_fail(err, DS_EINVAL, "store_open: path and out are required");
    store_db *db = ds_calloc(1, sizeof *db);
    if (!db)
        return ds_fail(err, DS_ENOMEM, "out of memory opening %s", path);
    db->drv = driver_for(path);
    assert(db->drv->migration_count == STORE_SCHEMA_VERSION);
    db->path = ds_strdup(path);
    if (!db->path) {
        ds_free(db);
        return ds_fail(err, DS_ENOMEM, "out of memory opening %s", path);
    }
    ds_status s = db->drv->open(db, path, err);
    if (s == DS_OK)
        s = migrate(db, err);
    char shown[512];
    store_shown(path, shown, sizeof shown);
    if (s != DS_OK && err && db->conn && !store_is_shared(path) && !strstr(err->message, shown)) {
        /* name the file: "file is not a database" alone is no help */
        char msg[sizeof err->message];
        if (snprintf(msg, sizeof msg, "%s: %s", shown, err->message) > 0)
            memcpy(err->message, msg, sizeof msg); /* truncation is fine */
    }
    if (s != DS_OK) {
        store_close(db);
        return s;
    }
    *out = db;
    return DS_OK;
}

ds_status store_checkpoint_in_background(store_db *db, ds_error *err)
{
    if (!db->drv->checkpoint_in_background || db->background)
        return DS_OK;
    return db->drv->checkpoint_in_background(db, err);
}

void store_checkpoint_stats_get(store_db *db, store_checkpoint_stats *out)
{
    memset(out, 0, sizeof *out);
    if (db && db->background && db->drv->checkpoint_stats)
        db->drv->checkpoint_stats(db, out);
}

void store_close(store_db *db)
{
    if (!db)
        return;
    if (db->conn)
        db->drv->close(db);
    ds_free(db->path);
    ds_free(db);
}

int store_schema_version(store_db *db)
{
    return db ? db->version : 0;
}

/* ---- jansson ---- */

static _Thread_local int json_alloc_failed;

static void *json_alloc(size_t n)
{
    void *p = ds_malloc(n);
    if (!p)
        json_alloc_failed = 1;
    return p;
}

void store__json_begin(void)
{
    json_set_alloc_funcs(json_alloc, ds_free);
    json_alloc_failed = 0;
}

int store__json_oom(const void *json_error)
{
    const json_error_t *je = json_error;
    return json_alloc_failed || json_error_code(je) == json_error_out_of_memory;
}

/* ---- timestamps ---- */

static int digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int store__parse_time(const char *s, long long *utc)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20)
        return 0;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)) ||
        h > 23 || mi > 59 || se > 60)
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f || p - f > 9)
            return 0;
    }
    int off = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return 0;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return 0;
    }
    if (*p)
        return 0;
    if (utc)
        *utc = days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60 + se - off;
    return 1;
}
