/* SPDX-License-Identifier: MIT */
/* Fresh PostgreSQL databases for tests that run the store on PostgreSQL as
 * well as on SQLite. The server is the throwaway cluster tests/pg/cluster.sh
 * starts (scripts/test.sh does); DESTEK_TEST_PGHOST names its socket
 * directory, DESTEK_TEST_PGPORT and DESTEK_TEST_PGUSER the rest. Header-only,
 * like tests/unit/check.h. */
#ifndef PGTEST_H
#define PGTEST_H

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when a test server is named in the environment. */
static inline int pgtest_available(void)
{
    const char *h = getenv("DESTEK_TEST_PGHOST");
    return h && *h;
}

static inline const char *pgtest_env(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static inline void pgtest_quiet(void *arg, const char *msg)
{
    (void)arg; /* "database ... does not exist, skipping" */
    (void)msg;
}

/* Runs sql on the server's maintenance database; 0 on success, else prints
 * the server's message. */
static inline int pgtest_admin(const char *sql)
{
    char conninfo[512];
    snprintf(conninfo, sizeof conninfo, "host=%s port=%s user=%s dbname=postgres",
             pgtest_env("DESTEK_TEST_PGHOST", "/tmp"), pgtest_env("DESTEK_TEST_PGPORT", "5432"),
             pgtest_env("DESTEK_TEST_PGUSER", "postgres"));
    PGconn *c = PQconnectdb(conninfo);
    int rc = 0;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pgtest: cannot connect: %s", PQerrorMessage(c));
        rc = -1;
    } else {
        PQsetNoticeProcessor(c, pgtest_quiet, NULL);
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            fprintf(stderr, "pgtest: %s: %s", sql, PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
    }
    PQfinish(c);
    return rc;
}

/* The URI of database name (letters, digits and '_' kept, the rest '_'),
 * dropped and created empty when fresh is 1. 0 on success. */
static inline int pgtest_db(const char *name, int fresh, char *uri, size_t len)
{
    char db[64];
    size_t n = 0;
    for (const char *p = name; *p && n < sizeof db - 1; p++)
        db[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    db[n] = '\0';
    snprintf(uri, len, "postgresql://%s@/%s?host=%s&port=%s",
             pgtest_env("DESTEK_TEST_PGUSER", "postgres"), db,
             pgtest_env("DESTEK_TEST_PGHOST", "/tmp"), pgtest_env("DESTEK_TEST_PGPORT", "5432"));
    if (!fresh)
        return 0;
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    if (pgtest_admin(sql) != 0)
        return -1;
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    return pgtest_admin(sql);
}

#endif
