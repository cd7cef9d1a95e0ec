/* SPDX-License-Identifier: MIT */
/* Helpers of the store's unit tests: a scratch directory for databases, file
 * reading, counts read through a second store connection (what is committed
 * to the file, as another process would see it), and raw SQL access only
 * for what no store call can do: faking old schemas, fingerprinting every
 * table, the journal mode. Each test program runs on SQLite files, or with
 * --pg on databases of the test PostgreSQL server (tests/pg/pgtest.h), where
 * the SQLite-only checks are skipped. Header-only, like check.h. */
#ifndef STORE_CHECK_H
#define STORE_CHECK_H

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../pg/pgtest.h"
#include "check.h"
#include "ds.h"
#include "store.h"

/* Set by store_test_init (mkdtemp); databases are created inside. */
static char tmpdir[64];
/* 1 with --pg: every database is a PostgreSQL one. */
static int on_pg;
static const char *test_name = "store";

/* Parses the program's arguments and makes the scratch directory. Returns
 * 0 to run, 77 (meson's "skipped") when --pg is asked for and no server is
 * named, 1 on failure. */
static inline int store_test_init(int argc, char **argv, const char *name)
{
    test_name = name;
    on_pg = argc > 1 && strcmp(argv[1], "--pg") == 0;
    if (on_pg && !pgtest_available()) {
        fprintf(stderr, "%s: no test PostgreSQL server (DESTEK_TEST_PGHOST): skipped\n", name);
        return 77;
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/destek-%s-XXXXXX", name);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    return 0;
}

/* A database called name: a file in the scratch directory, or on
 * PostgreSQL a database of its own, new the first time a run names it. */
static inline void db_path(char *buf, size_t len, const char *name)
{
    if (!on_pg) {
        snprintf(buf, len, "%s/%s", tmpdir, name);
        return;
    }
    static char made[64][96];
    static int nmade;
    char full[96];
    snprintf(full, sizeof full, "t_%s_%s", test_name, name);
    int seen = 0;
    for (int i = 0; i < nmade && !seen; i++)
        seen = strcmp(made[i], full) == 0;
    if (!seen && nmade < 64)
        snprintf(made[nmade++], sizeof made[0], "%s", full);
    CHECK_MSG(pgtest_db(full, !seen, buf, len) == 0, "cannot create the database %s", full);
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

/* SQL for both backends: SQLite's group_concat(x, sep) is string_agg. */
static inline void pg_words(const char *sql, char *out, size_t len)
{
    size_t n = 0;
    while (*sql && n + 16 < len) {
        if (strncmp(sql, "group_concat(", 13) == 0) {
            memcpy(out + n, "string_agg(", 11);
            n += 11;
            sql += 13;
        } else {
            out[n++] = *sql++;
        }
    }
    out[n] = '\0';
}

static inline void pg_raw(const char *path, const char *sql, char *buf, size_t len)
{
    char text[4096];
    pg_words(sql, text, sizeof text);
    PGconn *c = PQconnectdb(path);
    CHECK_MSG(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, text);
    ExecStatusType st = PQresultStatus(r);
    CHECK_MSG(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s: %s", text,
              PQresultErrorMessage(r));
    if (buf && st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
}

/* Runs one query; the first column of the first row into buf ("" when none). */
static inline void raw_query(const char *path, const char *sql, char *buf, size_t len)
{
    buf[0] = '\0';
    if (on_pg) {
        pg_raw(path, sql, buf, len);
        return;
    }
    sqlite3 *c = NULL;
    sqlite3_stmt *st = NULL;
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
    if (on_pg) {
        pg_raw(path, sql, NULL, 0);
        return;
    }
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
