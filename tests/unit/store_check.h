/* SPDX-License-Identifier: MIT */
/* Helpers of the store's unit tests: a scratch directory for databases, file
 * reading, counts read through a second store connection (what is committed
 * to the file, as another process would see it), and raw SQLite access only
 * for what no store call can do: faking old schemas, fingerprinting every
 * table, the journal mode. Header-only, like check.h. */
#ifndef STORE_CHECK_H
#define STORE_CHECK_H

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ds.h"
#include "store.h"

/* Set by each test's main (mkdtemp); databases are created inside. */
static char tmpdir[64];

static inline void db_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ds_buf b;
    ds_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ds_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data ? ds_buf_take(&b) : ds_strdup("");
}

/* Runs one query; the first column of the first row into buf ("" when none). */
static inline void raw_query(const char *path, const char *sql, char *buf, size_t len)
{
    sqlite3 *c = NULL;
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    CHECK(sqlite3_open(path, &c) == SQLITE_OK);
    CHECK_MSG(sqlite3_prepare_v2(c, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
              sqlite3_errmsg(c));
    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(c);
}

static inline void raw_exec(const char *path, const char *sql)
{
    sqlite3 *c = NULL;
    char *msg = NULL;
    CHECK(sqlite3_open(path, &c) == SQLITE_OK);
    CHECK_MSG(sqlite3_exec(c, sql, NULL, NULL, &msg) == SQLITE_OK, "%s", msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(c);
}

/* A new store file `name` in the scratch directory, opened (NULL after a
 * failed check); its path into path. */
static inline store_db *open_fresh(const char *name, char *path, size_t path_len)
{
    db_path(path, path_len, name);
    store_db *db = NULL;
    CHECK_STATUS(store_open(path, &db, NULL), DS_OK);
    return db;
}

/* What a second connection to the file at path sees (what is committed, as
 * another process would): the number of returns, orders or requests, -1
 * when it cannot tell. */
enum { COUNT_RETURNS, COUNT_ORDERS, COUNT_REQUESTS };

static inline long count_of(const char *path, int what)
{
    store_db *other = NULL;
    size_t n = 0;
    ds_status st = store_open(path, &other, NULL);
    if (st == DS_OK && what == COUNT_ORDERS) {
        st = store_order_count(other, &n, NULL);
    } else if (st == DS_OK && what == COUNT_RETURNS) {
        store_return *r = NULL;
        if ((st = store_returns_list(other, NULL, &r, &n, NULL)) == DS_OK)
            store_returns_free(r, n);
    } else if (st == DS_OK) {
        store_request *r = NULL;
        if ((st = store_requests_list(other, NULL, &r, &n, NULL)) == DS_OK)
            store_requests_free(r, n);
    }
    store_close(other);
    return st == DS_OK ? (long)n : -1;
}

#define count_returns(path) count_of(path, COUNT_RETURNS)
#define count_orders(path) count_of(path, COUNT_ORDERS)
#define count_requests(path) count_of(path, COUNT_REQUESTS)

/* Removes the scratch directory and the files in it. */
static inline void cleanup(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
}

#endif
