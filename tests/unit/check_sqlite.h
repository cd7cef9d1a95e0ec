/* SPDX-License-Identifier: MIT */
/* Raw SQLite access for the store's unit tests: they look at and damage the
 * file behind the store's back (old schemas, corrupt rows), through a
 * connection of their own. Header-only, like check.h. */
#ifndef CHECK_SQLITE_H
#define CHECK_SQLITE_H

#include <sqlite3.h>
#include <stdio.h>

#include "check.h"

/* Runs one query; the first column of the first row into buf ("" when none). */
static void raw_query(const char *path, const char *sql, char *buf, size_t len)
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

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *c = NULL;
    char *msg = NULL;
    CHECK(sqlite3_open(path, &c) == SQLITE_OK);
    CHECK_MSG(sqlite3_exec(c, sql, NULL, NULL, &msg) == SQLITE_OK, "%s", msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(c);
}

#endif
