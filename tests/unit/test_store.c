/* SPDX-License-Identifier: MIT */
/* Unit tests of the order store: creating and migrating files, importing the
 * data-driven cases of tests/data/import, reading orders back, replacing,
 * cancelling with audit, requests, SQL-looking text, and failing allocations.
 * It opens the files with SQLite directly only to build old schemas by hand
 * and to look at what the store wrote. Single-threaded; a fresh temporary
 * directory per run. */
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "store_check.h"
#include "ds.h"
#include "store.h"

#ifndef DS_TEST_DATA
#define DS_TEST_DATA "tests/data"
#endif

static ds_status import_file(store_db *db, const char *rel, size_t *count, ds_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/import/%s", DS_TEST_DATA, rel);
    size_t len = 0;
    char *text = read_all(path, &len);
    CHECK_MSG(text != NULL, "cannot read %s", path);
    if (!text)
        return DS_EIO;
    ds_status st = store_import_orders(db, text, len, count, err);
    ds_free(text);
    return st;
}

/* Everything the store holds, as one string, to prove "unchanged". */
static const char fingerprint_sql[] =
    "SELECT (SELECT count(*) FROM orders) || '|' || (SELECT count(*) FROM items) || '|' ||"
    " (SELECT count(*) FROM shipments) || '|' || (SELECT count(*) FROM shipment_events) || '|'"
    " || (SELECT count(*) FROM customers) || '|' ||"
    " (SELECT group_concat(id || status || customer_name || total, ',') FROM"
    "  (SELECT * FROM orders ORDER BY id) AS t) || '|' ||"
    " (SELECT group_concat(order_id || sku || qty || price, ',') FROM"
    "  (SELECT * FROM items ORDER BY order_id, position) AS t) || '|' ||"
    " (SELECT group_concat(name || email || phone, ',') FROM"
    "  (SELECT * FROM customers ORDER BY id) AS t)";

/* What schema_version holds once every step ran: "N:1-N". */
static const char *all_versions(void)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "%d:1-%d", STORE_SCHEMA_VERSION, STORE_SCHEMA_VERSION);
    return buf;
}

static void test_open_create(void)
{
    CHECK_CONTEXT("open/create");
    char path[256];
    db_path(path, sizeof path, "new.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    CHECK(db != NULL);
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    size_t n = 99;
    CHECK_STATUS(store_order_count(db, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    char buf[256];
    if (!on_pg) {
        raw_query(path, "PRAGMA journal_mode", buf, sizeof buf);
        CHECK_EQ_STR(buf, "wal");
    }
    /* one row per migration step, 1 .. STORE_SCHEMA_VERSION */
    raw_query(path,
              "SELECT count(*) || ':' || min(version) || '-' || max(version)"
              " FROM schema_version",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, all_versions());
    store_close(db);

    /* reopening changes nothing */
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    store_close(db);
    raw_query(path,
              "SELECT count(*) || ':' || min(version) || '-' || max(version)"
              " FROM schema_version",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, all_versions());

    store_close(NULL);
    if (on_pg) {
        /* a database that does not exist: named (the URI may hold a password) */
        char *q = strstr(path, "t_store_new_db");
        CHECK(q != NULL);
        if (q)
            memcpy(q, "t_store_no_db_", 14);
        db = NULL;
        CHECK_STATUS(store_open(path, &db, &err), DS_EIO);
        CHECK(db == NULL);
        CHECK(strstr(err.message, "\"t_store_no_db_\"") != NULL);
        return;
    }
    /* a directory that does not exist */
    db = NULL;
    CHECK_STATUS(store_open("/nonexistent-dir/x/y.db", &db, &err), DS_EIO);
    CHECK(db == NULL);
    CHECK(strstr(err.message, "/nonexistent-dir/x/y.db") != NULL);
    /* a file that is not a database */
    db_path(path, sizeof path, "junk.db");
    FILE *f = fopen(path, "wb");
    fputs("this is not an SQLite database, just some text that is long enough....."
          "..............................................................",
          f);
    fclose(f);
    CHECK_STATUS(store_open(path, &db, &err), DS_EDB);
    CHECK(db == NULL);
    CHECK(strstr(err.message, "junk.db") != NULL);
}

/* The version 1 schema exactly as release 1 created it. */
static const char schema_v1[] =
    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
    "INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00Z');"
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL COLLATE NOCASE UNIQUE,"
    "  name TEXT NOT NULL, phone TEXT NOT NULL);"
    "CREATE TABLE orders (id TEXT PRIMARY KEY, created_at TEXT NOT NULL,"
    "  created_utc INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('received',"
    "  'preparing','shipped','out_for_delivery','delivered','cancelled','returned')),"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id), customer_name TEXT NOT NULL,"
    "  customer_email TEXT NOT NULL, customer_phone TEXT NOT NULL, payment_method TEXT NOT NULL,"
    "  installments INTEGER NOT NULL CHECK (installments >= 1), total TEXT NOT NULL,"
    "  currency TEXT NOT NULL);"
    "CREATE INDEX orders_customer ON orders(customer_id);"
    "CREATE TABLE items (order_id TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL,"
    "  category TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty >= 1), price TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, position)) WITHOUT ROWID;"
    "CREATE TABLE shipments (order_id TEXT PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,"
    "  carrier TEXT NOT NULL, tracking_no TEXT NOT NULL, shipped_at TEXT NOT NULL,"
    "  shipped_utc INTEGER NOT NULL, delivered_at TEXT, delivered_utc INTEGER);"
    "CREATE INDEX shipments_tracking ON shipments(tracking_no);"
    "CREATE TABLE shipment_events (order_id TEXT NOT NULL REFERENCES shipments(order_id)"
    "  ON DELETE CASCADE, seq INTEGER NOT NULL, at TEXT NOT NULL, at_utc INTEGER NOT NULL,"
    "  location TEXT NOT NULL, status TEXT NOT NULL, description TEXT NOT NULL,"
    "  PRIMARY KEY (order_id, seq)) WITHOUT ROWID;"
    "INSERT INTO customers VALUES (1, 'eski@example.com', 'Eski Müşteri', '+905551112233');"
    "INSERT INTO orders VALUES ('0999001', '2025-12-01T10:00:00+03:00', 1764572400,"
    "  'preparing', 1, 'Eski Müşteri', 'eski@example.com', '+905551112233', 'card', 1, '99.90',"
    "  'TRY');"
    "INSERT INTO items VALUES ('0999001', 0, 'HJY-005', 'Diş Fırçası', 'hijyen', 1, '99.90');";

static void test_migrate(void)
{
    CHECK_CONTEXT("migrate");
    char path[256], buf[256];
    ds_error err;
    memset(&err, 0, sizeof err);
    store_db *db = NULL;

    /* version 0: a database someone else made, without schema_version */
    db_path(path, sizeof path, "v0.db");
    raw_exec(path, "CREATE TABLE unrelated (x INTEGER); INSERT INTO unrelated VALUES (42);");
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    store_close(db);
    raw_query(path, "SELECT x FROM unrelated", buf, sizeof buf);
    CHECK_EQ_STR(buf, "42");
    raw_query(path,
              "SELECT count(*) || ':' || min(version) || '-' || max(version)"
              " FROM schema_version",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, all_versions());

    /* version 1, with data: upgraded in place, data kept, new tables usable */
    db_path(path, sizeof path, "v1.db");
    raw_exec(path, schema_v1);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    store_order *o = NULL;
    CHECK_STATUS(store_order_get(db, "0999001", &o, &err), DS_OK);
    if (o) {
        CHECK_EQ_STR(o->customer_name, "Eski Müşteri");
        CHECK_EQ_STR(o->customer_email, "eski@example.com");
        CHECK_EQ_INT(o->item_count, 1);
        CHECK_EQ_STR(o->items[0].category, "hijyen");
    }
    store_order_free(o);
    CHECK_STATUS(
        store_order_cancel(db, "0999001", "test", "migrated", "2026-11-25T12:00:00+03:00", &err),
        DS_OK);
    long long rid = 0;
    CHECK_STATUS(store_request_add(db, "handoff", "0999001", "normal", NULL,
                                   "2026-11-25T12:00:00+03:00", &rid, &err),
                 DS_OK);
    CHECK(rid > 0);
    store_close(db);
    raw_query(path,
              "SELECT count(*) || ':' || min(version) || '-' || max(version)"
              " FROM schema_version",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, all_versions());

    /* a newer file than this program knows is refused, untouched */
    db_path(path, sizeof path, "v99.db");
    raw_exec(path, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT);"
                   "INSERT INTO schema_version VALUES (99, 'future');");
    db = NULL;
    CHECK_STATUS(store_open(path, &db, &err), DS_EDB);
    CHECK(db == NULL);
    CHECK(strstr(err.message, "99") != NULL);
    raw_query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'orders'", buf, sizeof buf);
    CHECK_EQ_STR(buf, "0");
}

static void test_import_valid(void)
{
    CHECK_CONTEXT("import valid");
    char path[256];
    db_path(path, sizeof path, "valid.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    size_t n = 0;
    CHECK_STATUS(import_file(db, "valid/empty.json", &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    CHECK_STATUS(import_file(db, "valid/extra_keys.json", &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    CHECK_STATUS(import_file(db, "valid/full.json", &n, &err), DS_OK);
    CHECK_MSG(n == 4, "%s %s", err.field, err.message);
    CHECK_STATUS(store_order_count(db, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 4);

    store_order *o = NULL;
    CHECK_STATUS(store_order_get(db, "1048213", &o, &err), DS_OK);
    if (o) {
        CHECK_EQ_STR(o->id, "1048213");
        CHECK_EQ_STR(o->created_at, "2026-11-20T10:15:00+03:00");
        CHECK_EQ_STR(o->status, "shipped");
        CHECK_EQ_STR(o->customer_name, "Ayşe Yılmaz");
        CHECK_EQ_STR(o->customer_email, "ayse@example.com");
        CHECK_EQ_STR(o->customer_phone, "+905321234567");
        CHECK_EQ_STR(o->payment_method, "card");
        CHECK_EQ_INT(o->installments, 3);
        CHECK_EQ_STR(o->total, "749.90");
        CHECK_EQ_STR(o->currency, "TRY");
        CHECK_EQ_INT(o->item_count, 2);
        if (o->item_count == 2) {
            CHECK_EQ_STR(o->items[0].sku, "TS-102-M");
            CHECK_EQ_STR(o->items[0].name, "Pamuklu Tişört");
            CHECK_EQ_STR(o->items[0].category, "giyim");
            CHECK_EQ_INT(o->items[0].qty, 2);
            CHECK_EQ_STR(o->items[0].price, "199.90");
            CHECK_EQ_STR(o->items[1].sku, "KP-310-38");
            CHECK_EQ_STR(o->items[1].name, "Yüksek Bel Kot Pantolon");
            CHECK_EQ_INT(o->items[1].qty, 1);
            CHECK_EQ_STR(o->items[1].price, "350.10");
        }
        CHECK_EQ_INT(o->has_shipment, 1);
        CHECK_EQ_STR(o->carrier, "yurtici");
        CHECK_EQ_STR(o->tracking_no, "YK123456789TR");
        CHECK_EQ_STR(o->shipped_at, "2026-11-21T16:40:00+03:00");
        CHECK_EQ_STR(o->delivered_at, NULL);
        CHECK_EQ_INT(o->event_count, 3);
        if (o->event_count == 3) {
            /* oldest first by instant, whatever the order and offsets in the file */
            CHECK_EQ_STR(o->events[0].at, "2026-11-21T16:40:00+03:00");
            CHECK_EQ_STR(o->events[0].location, "İstanbul Tuzla Şube");
            CHECK_EQ_STR(o->events[0].status, "accepted");
            CHECK_EQ_STR(o->events[0].description, "Gönderi kabul edildi");
            CHECK_EQ_STR(o->events[1].at, "2026-11-22T05:30:00Z");
            CHECK_EQ_STR(o->events[1].description, "Transfer merkezine ulaştı");
            CHECK_EQ_STR(o->events[2].at, "2026-11-22T09:12:00+03:00");
            CHECK_EQ_STR(o->events[2].location, "İstanbul Anadolu Transfer Merkezi");
            CHECK_EQ_STR(o->events[2].status, "in_transit");
            CHECK_EQ_STR(o->events[2].description, "Transfer merkezinden çıkış");
        }
    }
    store_order_free(o);

    o = NULL;
    CHECK_STATUS(store_order_get(db, "1060334", &o, &err), DS_OK);
    if (o) {
        CHECK_EQ_STR(o->created_at, "2026-11-25T07:00:00.250+03:00");
        CHECK_EQ_STR(o->status, "preparing");
        CHECK_EQ_STR(o->customer_phone, "");
        CHECK_EQ_STR(o->payment_method, "cash_on_delivery");
        CHECK_EQ_STR(o->total, "1349.8");
        CHECK_EQ_INT(o->item_count, 2);
        if (o->item_count == 2) {
            CHECK_EQ_STR(o->items[0].name, "Çiçekli Midi Elbise");
            CHECK_EQ_STR(o->items[1].category, "kozmetik");
            CHECK_EQ_INT(o->items[1].qty, 3);
            CHECK_EQ_STR(o->items[1].price, "199.9667");
        }
        CHECK_EQ_INT(o->has_shipment, 0);
        CHECK_EQ_STR(o->carrier, NULL);
        CHECK_EQ_STR(o->tracking_no, NULL);
        CHECK_EQ_STR(o->shipped_at, NULL);
        CHECK_EQ_INT(o->event_count, 0);
    }
    store_order_free(o);

    /* SQL-looking text is data, stored verbatim */
    o = NULL;
    CHECK_STATUS(store_order_get(db, "1052790", &o, &err), DS_OK);
    if (o) {
        CHECK_EQ_STR(o->customer_name, "'; DROP TABLE orders; --");
        CHECK_EQ_STR(o->customer_email, "robert'); DELETE FROM customers; --@example.com");
        CHECK_EQ_STR(o->customer_phone, "+90 542 765 43 21");
        CHECK_EQ_INT(o->installments, 12);
        CHECK_EQ_STR(o->total, "0");
        CHECK_EQ_STR(o->currency, "EUR");
        if (o->item_count == 1) {
            CHECK_EQ_STR(o->items[0].sku, "X\"'; --");
            CHECK_EQ_STR(o->items[0].name, "Robert'); DROP TABLE items;--");
            CHECK_EQ_STR(o->items[0].category, "iç giyim");
            CHECK_EQ_INT(o->items[0].qty, 100);
            CHECK_EQ_STR(o->items[0].price, "0.01");
        }
        CHECK_EQ_STR(o->carrier, "trendyol_express");
        CHECK_EQ_STR(o->shipped_at, "2026-11-20T08:00:00-05:00");
        CHECK_EQ_STR(o->delivered_at, "2026-11-22T14:05:00+03:00");
        CHECK_EQ_INT(o->event_count, 0);
    }
    store_order_free(o);

    o = NULL;
    CHECK_STATUS(store_order_get(db, "A-77", &o, &err), DS_OK);
    if (o) {
        CHECK_EQ_STR(o->status, "returned");
        CHECK_EQ_STR(o->customer_email, "CAGRI@EXAMPLE.COM");
        CHECK_EQ_STR(o->carrier, "ptt");
        CHECK_EQ_STR(o->delivered_at, NULL);
        CHECK_EQ_INT(o->event_count, 1);
        if (o->event_count == 1) {
            CHECK_EQ_STR(o->events[0].location, "");
            CHECK_EQ_STR(o->events[0].description, "");
        }
    }
    store_order_free(o);

    o = (store_order *)1;
    CHECK_STATUS(store_order_get(db, "no-such-order", &o, &err), DS_ENOTFOUND);
    CHECK(o == (store_order *)1); /* out untouched on failure */
    CHECK_STATUS(store_order_get(db, "'; DROP TABLE orders; --", &o, &err), DS_ENOTFOUND);
    store_order_free(NULL);
    store_close(db);

    CHECK_EQ_INT(count_orders(path), 4);
}

/* An order's status, and its audit records, through a second connection. */
static const char *order_status_of(const char *path, const char *id)
{
    static char status[32];
    store_db *other = NULL;
    store_order *o = NULL;
    snprintf(status, sizeof status, "(none)");
    if (store_open(path, &other, NULL) == DS_OK && store_order_get(other, id, &o, NULL) == DS_OK)
        snprintf(status, sizeof status, "%s", o->status);
    store_order_free(o);
    store_close(other);
    return status;
}

static long audit_count_of(const char *path, const char *id)
{
    store_db *other = NULL;
    store_audit *a = NULL;
    size_t n = 0;
    long got = -1;
    if (store_open(path, &other, NULL) == DS_OK &&
        store_order_audit(other, id, &a, &n, NULL) == DS_OK) {
        got = (long)n;
        store_audit_free(a, n);
    }
    store_close(other);
    return got;
}

static int is_line_col(const char *s)
{
    int l, c;
    char tail;
    return sscanf(s, "%d:%d%c", &l, &c, &tail) == 2;
}

static void test_import_invalid(void)
{
    char path[256], before[8192], after[8192];
    db_path(path, sizeof path, "invalid.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    raw_query(path, fingerprint_sql, before, sizeof before);
    CHECK(strlen(before) > 100);

    char dir[512];
    snprintf(dir, sizeof dir, "%s/import/invalid", DS_TEST_DATA);
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    int cases = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0)
            continue;
        char rel[300], expect_path[800], expect[256] = "";
        snprintf(rel, sizeof rel, "invalid/%s", de->d_name);
        snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", dir, (int)(nl - 5), de->d_name);
        CHECK_CONTEXT(de->d_name);
        FILE *f = fopen(expect_path, "r");
        CHECK_MSG(f != NULL, "missing %s", expect_path);
        if (f) {
            if (fgets(expect, sizeof expect, f))
                expect[strcspn(expect, "\r\n")] = '\0';
            fclose(f);
        }
        memset(&err, 0, sizeof err);
        size_t n = 12345;
        CHECK_STATUS(import_file(db, rel, &n, &err), DS_EINPUT);
        CHECK_EQ_INT(n, 12345);
        CHECK_EQ_INT(err.status, DS_EINPUT);
        CHECK(err.message[0] != '\0');
        if (is_line_col(expect)) {
            char got[32];
            snprintf(got, sizeof got, "%d:%d", err.line, err.column);
            CHECK_EQ_STR(got, expect);
            CHECK_EQ_STR(err.field, "");
        } else {
            CHECK_EQ_STR(err.field, expect);
            CHECK_EQ_INT(err.line, 0);
        }
        raw_query(path, fingerprint_sql, after, sizeof after);
        CHECK_EQ_STR(after, before);
        cases++;
    }
    if (d)
        closedir(d);
    CHECK_CONTEXT("invalid cases");
    CHECK(cases >= 60);

    /* a bad import leaves the connection usable */
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    raw_query(path, fingerprint_sql, after, sizeof after);
    CHECK_EQ_STR(after, before);
    store_close(db);
}

static ds_status import_text(store_db *db, const char *text, ds_error *err)
{
    return store_import_orders(db, text, strlen(text), NULL, err);
}

static void test_replace(void)
{
    CHECK_CONTEXT("replace");
    char path[256], buf[256];
    db_path(path, sizeof path, "replace.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    /* the same order again: fewer items, no shipment, a new customer */
    CHECK_STATUS(
        import_text(db,
                    "{\"orders\":[{\"id\":\"1048213\",\"created_at\":\"2026-11-26T10:00:00+03:00\","
                    "\"status\":\"preparing\",\"customer\":{\"name\":\"Ayşe Demir\","
                    "\"email\":\"ayse.demir@example.com\",\"phone\":\"+905329999999\"},"
                    "\"payment\":{\"method\":\"card\",\"installments\":1,\"total\":\"10.00\","
                    "\"currency\":\"TRY\"},\"items\":[{\"sku\":\"N-1\",\"name\":\"Yeni\","
                    "\"category\":\"ev\",\"qty\":1,\"price\":\"10.00\"}]}]}",
                    &err),
        DS_OK);
    store_order *o = NULL;
    CHECK_STATUS(store_order_get(db, "1048213", &o, &err), DS_OK);
    if (o) {
        CHECK_EQ_STR(o->status, "preparing");
        CHECK_EQ_STR(o->created_at, "2026-11-26T10:00:00+03:00");
        CHECK_EQ_STR(o->customer_name, "Ayşe Demir");
        CHECK_EQ_STR(o->customer_email, "ayse.demir@example.com");
        CHECK_EQ_INT(o->item_count, 1);
        if (o->item_count == 1)
            CHECK_EQ_STR(o->items[0].sku, "N-1");
        CHECK_EQ_INT(o->has_shipment, 0);
        CHECK_EQ_INT(o->event_count, 0);
    }
    store_order_free(o);
    size_t n = 0;
    CHECK_STATUS(store_order_count(db, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 4);

    /* the same e-mail in another case is the same customer */
    raw_query(path, "SELECT count(*) FROM customers", buf, sizeof buf);
    char customers_before[256];
    snprintf(customers_before, sizeof customers_before, "%s", buf);
    CHECK_STATUS(
        import_text(db,
                    "{\"orders\":[{\"id\":\"3000001\",\"created_at\":\"2026-11-26T10:00:00Z\","
                    "\"status\":\"received\",\"customer\":{\"name\":\"Ayşe Demir\","
                    "\"email\":\"AYSE.DEMIR@example.com\",\"phone\":\"+905329999999\"},"
                    "\"payment\":{\"method\":\"card\",\"installments\":1,\"total\":\"10.00\","
                    "\"currency\":\"TRY\"},\"items\":[{\"sku\":\"N-1\",\"name\":\"Yeni\","
                    "\"category\":\"ev\",\"qty\":1,\"price\":\"10.00\"}]}]}",
                    &err),
        DS_OK);
    raw_query(path, "SELECT count(*) FROM customers", buf, sizeof buf);
    CHECK_EQ_STR(buf, customers_before);
    o = NULL;
    CHECK_STATUS(store_order_get(db, "3000001", &o, &err), DS_OK);
    if (o) /* the order keeps the address as written */
        CHECK_EQ_STR(o->customer_email, "AYSE.DEMIR@example.com");
    store_order_free(o);
    store_close(db);
}

static void test_cancel(void)
{
    CHECK_CONTEXT("cancel");
    char path[256];
    db_path(path, sizeof path, "cancel.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    const char *now = "2026-11-25T12:00:00+03:00";

    CHECK_STATUS(store_order_cancel(db, "1060334", "bot", "Müşteri vazgeçti", now, &err), DS_OK);
    store_order *o = NULL;
    CHECK_STATUS(store_order_get(db, "1060334", &o, &err), DS_OK);
    if (o)
        CHECK_EQ_STR(o->status, "cancelled");
    store_order_free(o);
    store_audit *a = NULL;
    size_t n = 0;
    CHECK_STATUS(store_order_audit(db, "1060334", &a, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 1);
    if (n == 1) {
        CHECK_EQ_STR(a[0].action, "cancel");
        CHECK_EQ_STR(a[0].old_status, "preparing");
        CHECK_EQ_STR(a[0].new_status, "cancelled");
        CHECK_EQ_STR(a[0].actor, "bot");
        CHECK_EQ_STR(a[0].reason, "Müşteri vazgeçti");
        CHECK_EQ_STR(a[0].at, now);
    }
    store_audit_free(a, n);

    /* already cancelled, shipped, delivered: refused, nothing written */
    const char *refused[] = {"1060334", "1048213", "1052790", "A-77"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memset(&err, 0, sizeof err);
        CHECK_STATUS(store_order_cancel(db, refused[i], "bot", "x", now, &err), DS_ECONFLICT);
        CHECK(strstr(err.message, refused[i]) != NULL);
    }
    o = NULL;
    CHECK_STATUS(store_order_get(db, "1048213", &o, &err), DS_OK);
    if (o)
        CHECK_EQ_STR(o->status, "shipped");
    store_order_free(o);
    a = NULL;
    CHECK_STATUS(store_order_audit(db, "1048213", &a, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    store_audit_free(a, n);
    CHECK_STATUS(store_order_audit(db, "1060334", &a, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 1);
    store_audit_free(a, n);
    CHECK_STATUS(store_order_cancel(db, "nope", "bot", "x", now, &err), DS_ENOTFOUND);
    CHECK_STATUS(store_order_cancel(db, "1060334", NULL, "x", now, &err), DS_EINVAL);

    /* a received order, and SQL-looking reasons */
    CHECK_STATUS(import_text(db,
                             "{\"orders\":[{\"id\":\"4000001\",\"created_at\":"
                             "\"2026-11-25T10:00:00+03:00\",\"status\":\"received\","
                             "\"customer\":{\"name\":\"A\",\"email\":\"a@example.com\","
                             "\"phone\":\"\"},\"payment\":{\"method\":\"card\","
                             "\"installments\":1,\"total\":\"1\",\"currency\":\"TRY\"},"
                             "\"items\":[{\"sku\":\"S\",\"name\":\"N\",\"category\":\"ev\","
                             "\"qty\":1,\"price\":\"1\"}]}]}",
                             &err),
                 DS_OK);
    CHECK_STATUS(store_order_cancel(db, "4000001", "agent:'; --", "'); DROP TABLE order_audit;--",
                                    now, &err),
                 DS_OK);
    CHECK_STATUS(store_order_audit(db, "4000001", &a, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 1);
    if (n == 1) {
        CHECK_EQ_STR(a[0].old_status, "received");
        CHECK_EQ_STR(a[0].actor, "agent:'; --");
        CHECK_EQ_STR(a[0].reason, "'); DROP TABLE order_audit;--");
    }
    store_audit_free(a, n);
    /* re-importing a cancelled order keeps its audit trail */
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    CHECK_STATUS(store_order_audit(db, "1060334", &a, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 1);
    store_audit_free(a, n);
    store_close(db);
}

/* What may be shown of a database's name: never a password. */
static void test_shown(void)
{
    CHECK_CONTEXT("shown");
    char buf[256];
    CHECK_EQ_STR(store_shown("/var/lib/destek/destek.db", buf, sizeof buf),
                 "/var/lib/destek/destek.db");
    CHECK_EQ_STR(store_shown("postgresql://shop:hunter2@db.local:5432/destek", buf, sizeof buf),
                 "postgresql://shop:***@db.local:5432/destek");
    CHECK_EQ_STR(store_shown("postgres://db.local/destek?user=shop&password=x&sslmode=require", buf,
                             sizeof buf),
                 "postgres://db.local/destek?user=shop&password=***&sslmode=require");
    CHECK_EQ_STR(store_shown("postgresql://shop@/destek?host=/run/postgresql", buf, sizeof buf),
                 "postgresql://shop@/destek?host=/run/postgresql");
    CHECK(store_is_shared("postgres://x/y") && store_is_shared("postgresql:///y") &&
          !store_is_shared("postgresql.db") && !store_is_shared(":memory:"));
}

/* Events between nodes: numbered in commit order, seen by another
 * connection only once committed, trimmed by age; the doorbell on
 * PostgreSQL rings for a commit, and only shared databases have one. */
static void test_presence(void)
{
    CHECK_CONTEXT("presence");
    char path[256];
    store_db *a = open_fresh("presence.db", path, sizeof path), *b = NULL;
    if (!a)
        return;
    CHECK_STATUS(store_open(path, &b, NULL), DS_OK);
    size_t count = 9, room = 9, gone = 9;
    CHECK_STATUS(store_node_seen(a, "node-a", 1000, NULL), DS_OK);
    CHECK_STATUS(store_node_seen(b, "node-b", 1000, NULL), DS_OK);
    /* agents 5 and 6 on A (6 full), 5 again on B (two tabs), a shopper on B */
    CHECK_STATUS(store_presence_set(a, "node-a", "agent", 5, 1, 1, NULL), DS_OK);
    CHECK_STATUS(store_presence_set(a, "node-a", "agent", 6, 1, 0, NULL), DS_OK);
    CHECK_STATUS(store_presence_set(b, "node-b", "agent", 5, 1, 1, NULL), DS_OK);
    CHECK_STATUS(store_presence_set(b, "node-b", "shopper", 42, 1, 0, NULL), DS_OK);
    CHECK_STATUS(store_presence_count(a, "agent", 0, 990, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 2);
    CHECK_EQ_INT((long long)room, 1);
    CHECK_STATUS(store_presence_count(a, "shopper", 42, 990, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 1);
    CHECK_STATUS(store_presence_count(a, "shopper", 43, 990, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 0);
    /* a room that changes is written over, a connection that leaves is gone */
    CHECK_STATUS(store_presence_set(a, "node-a", "agent", 6, 1, 1, NULL), DS_OK);
    CHECK_STATUS(store_presence_count(b, "agent", 0, 990, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)room, 2);
    CHECK_STATUS(store_presence_set(a, "node-a", "agent", 6, 0, 0, NULL), DS_OK);
    CHECK_STATUS(store_presence_count(b, "agent", 0, 990, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 1);
    /* one offer per conversation, whichever node asks first */
    int taken = 9;
    CHECK_STATUS(store_offer_take(a, 100, 5, "node-a", &taken, NULL), DS_OK);
    CHECK_EQ_INT(taken, 1);
    CHECK_STATUS(store_offer_take(b, 100, 7, "node-b", &taken, NULL), DS_OK);
    CHECK_EQ_INT(taken, 0);
    CHECK_STATUS(store_offer_take(b, 101, 7, "node-b", &taken, NULL), DS_OK);
    CHECK_EQ_INT(taken, 1);
    store_offer *o = NULL;
    size_t n = 0;
    CHECK_STATUS(store_offers_list(a, 10, &o, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    if (n == 2)
        CHECK(o[0].conversation == 100 && o[0].agent == 5 && o[1].agent == 7);
    ds_free(o);
    /* another agent cannot withdraw an offer that is not theirs */
    CHECK_STATUS(store_offer_drop(a, 100, 7, "node-a", NULL), DS_OK);
    CHECK_STATUS(store_offers_list(a, 10, &o, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    ds_free(o);
    CHECK_STATUS(store_offer_drop(a, 0, 5, "node-a", NULL), DS_OK);
    CHECK_STATUS(store_offers_list(a, 10, &o, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 1);
    ds_free(o);
    /* B stops being seen: at 1020 it is gone with its agents, shopper and
     * offer; A, seen again, stays */
    CHECK_STATUS(store_node_seen(a, "node-a", 1015, NULL), DS_OK);
    CHECK_STATUS(store_presence_count(a, "shopper", 42, 1005, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 0); /* not counted once B is not seen... */
    CHECK_STATUS(store_nodes_reap(a, 1005, &gone, NULL), DS_OK);
    CHECK_EQ_INT((long long)gone, 1); /* ...and forgotten */
    CHECK_STATUS(store_presence_count(a, "agent", 0, 0, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 1);
    CHECK_STATUS(store_offers_list(a, 10, &o, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 0);
    ds_free(o);
    CHECK_STATUS(store_node_forget(a, "node-a", NULL), DS_OK);
    CHECK_STATUS(store_presence_count(a, "agent", 0, 0, &count, &room, NULL), DS_OK);
    CHECK_EQ_INT((long long)count, 0);
    /* the agents at work by name, each once however many nodes have it */
    long long ada = 0, bora = 0, conv = 0, ho = 0;
    CHECK_STATUS(store_agent_add(a, "Bora", "h1", 2, "2026-12-02T10:00:00Z", &bora, NULL), DS_OK);
    CHECK_STATUS(store_agent_add(a, "Ada", "h2", 3, "2026-12-02T10:00:00Z", &ada, NULL), DS_OK);
    /* an agent's name by id, from either node (the shopper is told who joined) */
    char *who = NULL;
    CHECK_STATUS(store_agent_name(b, ada, &who, NULL), DS_OK);
    CHECK_EQ_STR(who, "Ada");
    ds_free(who);
    CHECK_STATUS(store_agent_name(a, ada + bora + 100, &who, NULL), DS_ENOTFOUND);
    CHECK_STATUS(store_node_seen(a, "node-a", 2000, NULL), DS_OK);
    CHECK_STATUS(store_node_seen(b, "node-b", 2000, NULL), DS_OK);
    CHECK_STATUS(store_presence_set(a, "node-a", "agent", bora, 1, 0, NULL), DS_OK);
    CHECK_STATUS(store_presence_set(b, "node-b", "agent", bora, 1, 1, NULL), DS_OK);
    CHECK_STATUS(store_presence_set(b, "node-b", "agent", ada, 1, 0, NULL), DS_OK);
    store_at_work *w = NULL;
    CHECK_STATUS(store_agents_at_work(a, 1990, 10, &w, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    if (n == 2) {
        CHECK_EQ_STR(w[0].name, "Ada");
        CHECK(w[0].id == ada && w[0].capacity == 3 && !w[0].room);
        CHECK_EQ_STR(w[1].name, "Bora");
        CHECK(w[1].room); /* B has room for Bora */
    }
    ds_free(w);
    CHECK_STATUS(store_agents_at_work(a, 2001, 10, &w, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 0); /* nobody seen since */
    ds_free(w);
    /* a claimed conversation handed from Ada to Bora, once */
    CHECK_STATUS(store_conversation_create(a, "tok", "2026-12-02T10:00:00Z", &conv, NULL), DS_OK);
    CHECK_STATUS(store_handoff_open(a, conv, "waiting", "normal", "istek", NULL, NULL, NULL,
                                    "2026-12-02T10:00:00Z", 2000, &ho, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_handoff_claim(a, ho, ada, 2001, NULL), DS_OK);
    CHECK_STATUS(store_handoff_transfer(a, ho, ada, bora, NULL), DS_OK);
    CHECK_STATUS(store_handoff_transfer(b, ho, ada, bora, NULL), DS_ECONFLICT);
    store_handoff *h = NULL;
    CHECK_STATUS(store_handoff_active(b, conv, &h, NULL), DS_OK);
    if (h)
        CHECK(h->agent_id == bora && strcmp(h->state, "claimed") == 0);
    store_handoff_free(h);
    store_close(b);
    store_close(a);
}

static void test_events(void)
{
    CHECK_CONTEXT("events");
    char path[256];
    store_db *a = open_fresh("events.db", path, sizeof path), *b = NULL;
    if (!a)
        return;
    CHECK_STATUS(store_open(path, &b, NULL), DS_OK);
    store_listener *l = NULL;
    ds_error err;
    ds_status ls = store_listener_open(path, &l, &err);
    CHECK_STATUS(ls, on_pg ? DS_OK : DS_EINVAL);
    if (l)
        CHECK(store_listener_pid(l) > 0);
    long long head = -1;
    CHECK_STATUS(store_events_head(b, &head, NULL), DS_OK);
    CHECK_EQ_INT(head, 0);
    store_node_event ev[2] = {{.kind = "shopper", .conversation = 7, .body = "{\"x\":1}"},
                              {.kind = "queue"}};
    CHECK_STATUS(store_batch_begin(a, NULL), DS_OK);
    CHECK_STATUS(store_events_append(a, "node-a", ev, 2, 1000, NULL), DS_OK);
    store_node_event *got = NULL;
    size_t n = 9;
    CHECK_STATUS(store_events_after(b, 0, 10, &got, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 0); /* not committed yet */
    store_events_free(got, n);
    CHECK_STATUS(store_batch_commit(a, NULL), DS_OK);
    CHECK_STATUS(store_events_after(b, 0, 10, &got, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    if (n == 2) {
        CHECK_EQ_INT(got[0].seq, 1);
        CHECK_EQ_INT(got[1].seq, 2);
        CHECK_EQ_STR(got[0].kind, "shopper");
        CHECK_EQ_INT(got[0].conversation, 7);
        CHECK_EQ_STR(got[0].body, "{\"x\":1}");
        CHECK_EQ_STR(got[0].node, "node-a");
        CHECK(got[1].body == NULL && got[1].conversation == 0);
    }
    store_events_free(got, n);
    /* a batch that is rolled back leaves no number behind */
    CHECK_STATUS(store_batch_begin(a, NULL), DS_OK);
    CHECK_STATUS(store_events_append(a, "node-a", ev, 1, 1000, NULL), DS_OK);
    store_batch_abort(a);
    CHECK_STATUS(store_events_append(b, "node-b", ev + 1, 1, 2000, NULL), DS_OK);
    CHECK_STATUS(store_events_head(a, &head, NULL), DS_OK);
    CHECK_EQ_INT(head, 3);
    CHECK_STATUS(store_events_after(a, 2, 10, &got, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 1);
    if (n == 1)
        CHECK_EQ_STR(got[0].node, "node-b");
    store_events_free(got, n);
    if (l) {
        int rang = 0;
        for (int i = 0; i < 200 && rang != 1; i++) {
            rang = store_listener_poll(l);
            if (rang != 1)
                nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
        }
        CHECK_EQ_INT(rang, 1);
        CHECK_EQ_INT(store_listener_poll(l), 0); /* once per commit */
    }
    CHECK_STATUS(store_events_trim(a, 1500, NULL), DS_OK);
    CHECK_STATUS(store_events_after(a, 0, 10, &got, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 1);
    store_events_free(got, n);
    store_listener_free(l);
    /* a deployment's job: one node runs it, the others skip it for a day */
    int due = -1;
    CHECK_STATUS(store_job_due(a, "purge", 100000, 86340, &due, NULL), DS_OK);
    CHECK_EQ_INT(due, 1);
    CHECK_STATUS(store_job_due(b, "purge", 100100, 86340, &due, NULL), DS_OK);
    CHECK_EQ_INT(due, 0);
    CHECK_STATUS(store_job_due(b, "purge", 100000 + 86340, 86340, &due, NULL), DS_OK);
    CHECK_EQ_INT(due, 1);
    CHECK_STATUS(store_job_due(a, "no-such-job", 100000, 60, &due, NULL), DS_OK);
    CHECK_EQ_INT(due, 0);
    store_close(a);
    store_close(b);
}

static void test_requests(void)
{
    CHECK_CONTEXT("requests");
    char path[256];
    db_path(path, sizeof path, "requests.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    store_request *r = (store_request *)1;
    size_t n = 99;
    CHECK_STATUS(store_requests_list(db, NULL, &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    store_requests_free(r, n);

    long long id1 = 0, id2 = 0, id3 = 0;
    CHECK_STATUS(store_request_add(db, "address_change", "1048213", "normal",
                                   "{\"address\":\"Moda Cd. No: 5, Kadıköy / İstanbul\"}",
                                   "2026-11-25T12:00:00+03:00", &id1, &err),
                 DS_OK);
    CHECK_STATUS(store_request_add(db, "handoff", NULL, "urgent", NULL, "2026-11-25T12:01:00+03:00",
                                   &id2, &err),
                 DS_OK);
    CHECK_STATUS(store_request_add(db, "address_change", "'; DROP TABLE requests; --", "urgent",
                                   "{\"note\":\"'; DELETE FROM requests; --\"}",
                                   "2026-11-25T12:02:00+03:00", &id3, &err),
                 DS_OK);
    CHECK(id1 > 0 && id2 > id1 && id3 > id2);

    CHECK_STATUS(store_requests_list(db, NULL, &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        CHECK_EQ_INT(r[0].id, id1);
        CHECK_EQ_STR(r[0].kind, "address_change");
        CHECK_EQ_STR(r[0].order_id, "1048213");
        CHECK_EQ_STR(r[0].priority, "normal");
        CHECK_EQ_STR(r[0].details, "{\"address\":\"Moda Cd. No: 5, Kadıköy / İstanbul\"}");
        CHECK_EQ_STR(r[0].created_at, "2026-11-25T12:00:00+03:00");
        CHECK_EQ_STR(r[0].state, "open");
        CHECK_EQ_STR(r[1].kind, "handoff");
        CHECK_EQ_STR(r[1].order_id, NULL);
        CHECK_EQ_STR(r[1].details, NULL);
        CHECK_EQ_STR(r[1].priority, "urgent");
        CHECK_EQ_STR(r[2].order_id, "'; DROP TABLE requests; --");
        CHECK_EQ_STR(r[2].details, "{\"note\":\"'; DELETE FROM requests; --\"}");
    }
    store_requests_free(r, n);

    CHECK_STATUS(store_requests_list(db, "address_change", &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 2);
    if (n == 2) {
        CHECK_EQ_INT(r[0].id, id1);
        CHECK_EQ_INT(r[1].id, id3);
    }
    store_requests_free(r, n);
    CHECK_STATUS(store_requests_list(db, "nothing", &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    store_requests_free(r, n);

    CHECK_STATUS(store_request_add(db, "handoff", NULL, "high", NULL, "now", NULL, &err),
                 DS_EINVAL);
    CHECK_STATUS(store_request_add(db, "handoff", NULL, "normal", "[1,2]", "now", NULL, &err),
                 DS_EINPUT);
    CHECK_STATUS(store_request_add(db, "handoff", NULL, "normal", "{not json", "now", NULL, &err),
                 DS_EINPUT);
    CHECK_STATUS(store_request_add(db, NULL, NULL, "normal", NULL, "now", NULL, &err), DS_EINVAL);
    CHECK_STATUS(store_requests_list(db, NULL, &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 3);
    store_requests_free(r, n);
    store_close(db);
}

/* Every allocation of an import and a read, failed in turn: a clean status,
 * nothing half-written, no leak (the sanitizer build checks that). */
static void test_alloc_failures(void)
{
    CHECK_CONTEXT("alloc failures");
    char path[256], before[8192], after[8192];
    db_path(path, sizeof path, "alloc.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    char file[512];
    snprintf(file, sizeof file, "%s/import/valid/full.json", DS_TEST_DATA);
    size_t len = 0;
    char *text = read_all(file, &len);
    if (!text) {
        store_close(db);
        return;
    }
    raw_query(path, fingerprint_sql, before, sizeof before);
    int failed = 0, failures_before = check_failures;
    for (unsigned long nth = 1; nth < 100000; nth++) {
        ds_alloc_set_fail_after(nth);
        ds_status st = store_import_orders(db, text, len, NULL, &err);
        ds_alloc_set_fail_after(0);
        if (st == DS_OK)
            break;
        failed++;
        CHECK_MSG(st == DS_ENOMEM, "allocation %lu: %s: %s", nth, ds_status_str(st), err.message);
        raw_query(path, fingerprint_sql, after, sizeof after);
        CHECK_EQ_STR(after, before);
        if (check_failures > failures_before)
            break; /* one report is enough */
    }
    CHECK(failed > 10);
    for (unsigned long nth = 1; nth < 100000; nth++) {
        store_order *o = NULL;
        ds_alloc_set_fail_after(nth);
        ds_status st = store_order_get(db, "1048213", &o, &err);
        ds_alloc_set_fail_after(0);
        if (st == DS_OK) {
            CHECK_EQ_INT(o->event_count, 3);
            store_order_free(o);
            break;
        }
        CHECK_MSG(st == DS_ENOMEM, "allocation %lu: %s: %s", nth, ds_status_str(st), err.message);
        if (check_failures > failures_before)
            break;
    }
    ds_free(text);
    store_close(db);
}

/* Every statement step of an import, a cancellation, a request and a read,
 * failed in turn: DS_EDB, the database exactly as before, no leak. */
static void test_step_failures(void)
{
    CHECK_CONTEXT("step failures");
    char path[256], before[8192], after[8192];
    db_path(path, sizeof path, "steps.db");
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    raw_query(path, fingerprint_sql, before, sizeof before);
    const char *doc =
        "{\"orders\":[{\"id\":\"1048213\",\"created_at\":\"2026-11-26T10:00:00+03:00\","
        "\"status\":\"preparing\",\"customer\":{\"name\":\"Yeni Ad\","
        "\"email\":\"yeni@example.com\",\"phone\":\"+905329999999\"},"
        "\"payment\":{\"method\":\"card\",\"installments\":1,\"total\":\"10.00\","
        "\"currency\":\"TRY\"},\"items\":[{\"sku\":\"N-1\",\"name\":\"Yeni\","
        "\"category\":\"ev\",\"qty\":1,\"price\":\"10.00\"}],\"shipment\":{"
        "\"carrier\":\"aras\",\"tracking_no\":\"1\",\"shipped_at\":"
        "\"2026-11-26T12:00:00+03:00\",\"events\":[{\"at\":\"2026-11-26T12:00:00+03:00\","
        "\"location\":\"X\",\"status\":\"accepted\",\"description\":\"\"}]}},"
        "{\"id\":\"5000001\",\"created_at\":\"2026-11-26T10:00:00+03:00\","
        "\"status\":\"received\",\"customer\":{\"name\":\"B\",\"email\":\"b@example.com\","
        "\"phone\":\"\"},\"payment\":{\"method\":\"card\",\"installments\":1,"
        "\"total\":\"1\",\"currency\":\"TRY\"},\"items\":[{\"sku\":\"S\",\"name\":\"N\","
        "\"category\":\"ev\",\"qty\":1,\"price\":\"1\"}]}]}";
    int failed = 0, failures_before = check_failures;
    for (unsigned long nth = 1; nth < 1000; nth++) {
        store_fail_step_after(db, nth);
        ds_status st = import_text(db, doc, &err);
        store_fail_step_after(db, 0);
        if (st == DS_OK)
            break;
        failed++;
        CHECK_MSG(st == DS_EDB, "step %lu: %s: %s", nth, ds_status_str(st), err.message);
        raw_query(path, fingerprint_sql, after, sizeof after);
        CHECK_EQ_STR(after, before);
        if (check_failures > failures_before)
            break;
    }
    CHECK(failed >= 10);
    raw_query(path, fingerprint_sql, after, sizeof after);
    CHECK(strcmp(after, before) != 0); /* the last round went through */

    failed = 0;
    for (unsigned long nth = 1; nth < 100; nth++) {
        store_fail_step_after(db, nth);
        ds_status st =
            store_order_cancel(db, "1060334", "bot", "x", "2026-11-25T12:00:00+03:00", &err);
        store_fail_step_after(db, 0);
        if (st == DS_OK)
            break;
        failed++;
        CHECK_STATUS(st, DS_EDB);
        /* nothing of it reached the file: a second connection sees */
        CHECK_EQ_STR(order_status_of(path, "1060334"), "preparing");
        CHECK_EQ_INT(audit_count_of(path, "1060334"), 0);
    }
    CHECK(failed >= 4);
    CHECK_EQ_INT(audit_count_of(path, "1060334"), 1);

    store_fail_step_after(db, 1);
    CHECK_STATUS(store_request_add(db, "handoff", NULL, "normal", NULL, "now", NULL, &err), DS_EDB);
    CHECK(strstr(err.message, "injected") != NULL);
    store_fail_step_after(db, 0);
    CHECK_EQ_INT(count_requests(path), 0);

    for (unsigned long nth = 1; nth < 100; nth++) {
        store_order *o = NULL;
        store_fail_step_after(db, nth);
        ds_status st = store_order_get(db, "1048213", &o, &err);
        store_fail_step_after(db, 0);
        if (st == DS_OK) {
            CHECK_EQ_INT(o->event_count, 1);
            store_order_free(o);
            break;
        }
        CHECK_STATUS(st, DS_EDB);
        CHECK(o == NULL);
    }
    store_request *r = NULL;
    size_t n = 0;
    store_fail_step_after(db, 1);
    CHECK_STATUS(store_requests_list(db, NULL, &r, &n, &err), DS_EDB);
    store_fail_step_after(db, 0);
    /* the connection is still usable afterwards */
    CHECK_STATUS(store_request_add(db, "handoff", NULL, "normal", NULL, "now", NULL, &err), DS_OK);
    store_close(db);
}

/* Checkpoints in the store's thread: the WAL is copied into the file by it,
 * not by the commits, and nothing committed is missed by a second
 * connection or after closing. */
static void test_checkpoints(void)
{
    CHECK_CONTEXT("checkpoints in the store's thread");
    char path[256];
    store_db *db = open_fresh("checkpoints.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_checkpoint_in_background(db, &err), DS_OK);
    CHECK_STATUS(store_checkpoint_in_background(db, &err), DS_OK); /* a second call: nothing */
    char details[3100];
    memcpy(details, "{\"t\":\"", 6);
    memset(details + 6, 'x', 3000);
    memcpy(details + 3006, "\"}", 3);
    enum { BATCHES = 250, PER_BATCH = 10 };
    for (int b = 0; b < BATCHES; b++) {
        CHECK_STATUS(store_batch_begin(db, &err), DS_OK);
        for (int i = 0; i < PER_BATCH; i++)
            CHECK_STATUS(
                store_request_add(db, "handoff", NULL, "normal", details, "now", NULL, &err),
                DS_OK);
        CHECK_STATUS(store_batch_commit(db, &err), DS_OK);
    }
    store_checkpoint_stats st;
    for (int i = 0; i < 500; i++) { /* up to 5 s for the thread to be done */
        store_checkpoint_stats_get(db, &st);
        if (on_pg || st.count >= 1)
            break;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    if (on_pg) {
        CHECK_EQ_INT(st.count, 0);
    } else {
        CHECK(st.count >= 1);
        CHECK(st.wal_max >= STORE_CHECKPOINT_PAGES);
        CHECK(st.wal_max < STORE_CHECKPOINT_HARD_PAGES);
        CHECK_EQ_INT(st.by_commit, 0);
    }
    CHECK_EQ_INT(count_requests(path), BATCHES * PER_BATCH);
    store_close(db);
    CHECK_EQ_INT(count_requests(path), BATCHES * PER_BATCH);
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    int init = store_test_init(argc, argv, "store");
    if (init != 0)
        return init;
    test_open_create();
    if (!on_pg) /* SQLite files made by hand */
        test_migrate();
    test_import_valid();
    test_import_invalid();
    test_replace();
    test_cancel();
    test_requests();
    test_events();
    test_presence();
    test_shown();
    test_alloc_failures();
    test_step_failures();
    test_checkpoints();
    remove_tmpdir();
    return CHECK_MAIN_RESULT();
}
