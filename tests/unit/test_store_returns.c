/* SPDX-License-Identifier: MIT */
/* Unit tests of the store's returns, exchanges, cases and stock: adding and
 * listing, argument validation, moving a state, the order of a return code,
 * the migration of a version 3 file, the "stock" and "returns" import
 * extensions (valid and every
 * invalid/{returns,stock}_* case, with "nothing changed" checked on all
 * tables), stock lookups, and failed allocations and statement steps. Opens
 * the files with SQLite directly only to fake an old schema and to look at
 * what the store wrote. Single-threaded; a fresh temporary directory. */
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "store_check.h"
#include "ds.h"
#include "store.h"

#ifndef DS_TEST_DATA
#define DS_TEST_DATA "tests/data"
#endif

#define NOW "2026-11-25T12:00:00+03:00"

static char *read_case(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/import/%s", DS_TEST_DATA, rel);
    char *text = read_all(path, len);
    CHECK_MSG(text != NULL, "cannot read %s", path);
    return text;
}

static ds_status import_file(store_db *db, const char *rel, size_t *count, ds_error *err)
{
    size_t len = 0;
    char *text = read_case(rel, &len);
    if (!text)
        return DS_EIO;
    ds_status st = store_import_orders(db, text, len, count, err);
    ds_free(text);
    return st;
}

static ds_status import_text(store_db *db, const char *text, ds_error *err)
{
    return store_import_orders(db, text, strlen(text), NULL, err);
}

/* Everything the store holds that an import touches, as one string. */
static const char fingerprint_sql[] =
    "SELECT (SELECT count(*) FROM orders) || '|' || (SELECT count(*) FROM items) || '|' ||"
    " (SELECT count(*) FROM shipments) || '|' || (SELECT count(*) FROM customers) || '|' ||"
    " (SELECT group_concat(id || status || customer_name || total, ',') FROM"
    "  (SELECT * FROM orders ORDER BY id) AS t) || '|' ||"
    " (SELECT coalesce(group_concat(sku || '=' || qty, ','), '') FROM"
    "  (SELECT * FROM stock ORDER BY sku) AS t) || '|' ||"
    " (SELECT coalesce(group_concat(id || kind || coalesce(order_id, '-') || items || reason"
    "   || state || coalesce(code, '-') || priority || coalesce(details, '-') || created_at"
    "   || updated_at, ','), '') FROM (SELECT * FROM returns ORDER BY id) AS t)";

static const char tshirt[] = "[{\"sku\":\"TS-102-M\",\"name\":\"Pamuklu Tişört\",\"qty\":1}]";

static void test_add_list(void)
{
    CHECK_CONTEXT("add/list");
    char path[256];
    store_db *db = open_fresh("add.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    CHECK(STORE_SCHEMA_VERSION >= 4);
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);

    store_return *r = NULL;
    size_t n = 99;
    CHECK_STATUS(store_returns_list(db, NULL, &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    store_returns_free(r, n);

    long long a = 0, b = 0, c = 0;
    CHECK_STATUS(store_return_add(db, "return", "1048213", tshirt, "beden", NULL, "IAD7K3Q9",
                                  "normal", NULL, NOW, &a, &err),
                 DS_OK);
    /* an earlier moment lists first, whatever the order of adding */
    CHECK_STATUS(store_return_add(db, "exchange", "1052790", tshirt, "beden", NULL, NULL, "normal",
                                  "{\"new_size\":\"L\"}", "2026-11-25T08:00:00Z", &b, &err),
                 DS_OK);
    CHECK_STATUS(store_return_add(db, "case", NULL, NULL, "sikayet", NULL, NULL, "urgent",
                                  "{\"description\":\"Kurye kaba davrandı\"}", NOW, &c, &err),
                 DS_OK);
    CHECK(a > 0 && b > a && c > b);

    CHECK_STATUS(store_returns_list(db, NULL, &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        /* 08:00Z is 11:00+03:00, before NOW (12:00+03:00) */
        CHECK_EQ_INT(r[0].id, b);
        CHECK_EQ_STR(r[0].kind, "exchange");
        CHECK_EQ_STR(r[0].state, "requested");
        CHECK_EQ_STR(r[0].details, "{\"new_size\":\"L\"}");
        CHECK_EQ_STR(r[0].code, NULL);
        CHECK_EQ_INT(r[1].id, a);
        CHECK_EQ_STR(r[1].order_id, "1048213");
        CHECK_EQ_STR(r[1].items, tshirt);
        CHECK_EQ_STR(r[1].reason, "beden");
        CHECK_EQ_STR(r[1].state, "requested");
        CHECK_EQ_STR(r[1].code, "IAD7K3Q9");
        CHECK_EQ_STR(r[1].priority, "normal");
        CHECK_EQ_STR(r[1].details, NULL);
        CHECK_EQ_STR(r[1].created_at, NOW);
        CHECK_EQ_STR(r[1].updated_at, NOW);
        CHECK_EQ_INT(r[2].id, c);
        CHECK_EQ_STR(r[2].kind, "case");
        CHECK_EQ_STR(r[2].order_id, NULL);
        CHECK_EQ_STR(r[2].items, "[]");
        CHECK_EQ_STR(r[2].state, "open");
        CHECK_EQ_STR(r[2].priority, "urgent");
    }
    store_returns_free(r, n);

    CHECK_STATUS(store_returns_list(db, "1048213", &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 1);
    if (n == 1)
        CHECK_EQ_INT(r[0].id, a);
    store_returns_free(r, n);
    CHECK_STATUS(store_returns_list(db, "1060334", &r, &n, &err), DS_OK);
    CHECK_EQ_INT(n, 0);
    store_returns_free(r, n);
    store_returns_free(NULL, 0);

    /* an explicit state, then a move */
    long long d = 0;
    CHECK_STATUS(store_return_add(db, "return", "1060334", tshirt, "kusurlu", "rejected", NULL,
                                  "normal", "{\"rejection_reason\":\"Ürün kullanılmış\"}", NOW, &d,
                                  &err),
                 DS_OK);
    CHECK_STATUS(store_return_set_state(db, a, "in_transit", "2026-11-26T09:00:00+03:00", &err),
                 DS_OK);
    CHECK_STATUS(store_returns_list(db, "1048213", &r, &n, &err), DS_OK);
    if (n == 1) {
        CHECK_EQ_STR(r[0].state, "in_transit");
        CHECK_EQ_STR(r[0].updated_at, "2026-11-26T09:00:00+03:00");
        CHECK_EQ_STR(r[0].created_at, NOW);
    }
    store_returns_free(r, n);
    CHECK_STATUS(store_returns_list(db, "1060334", &r, &n, &err), DS_OK);
    if (n == 1)
        CHECK_EQ_STR(r[0].state, "rejected");
    store_returns_free(r, n);
    CHECK_STATUS(store_return_set_state(db, 9999, "received", NOW, &err), DS_ENOTFOUND);
    CHECK_STATUS(store_return_set_state(db, a, "lost", NOW, &err), DS_EINVAL);
    CHECK_STATUS(store_return_set_state(db, a, NULL, NOW, &err), DS_EINVAL);
    CHECK_STATUS(store_return_set_state(db, a, "received", "now", &err), DS_EINVAL);

    /* an exchange's details replaced (its new variant), and only an object */
    CHECK_STATUS(
        store_return_set_details(db, b, "{\"new_size\":\"XL\"}", "2026-11-26T10:00:00+03:00", &err),
        DS_OK);
    CHECK_STATUS(store_returns_list(db, "1052790", &r, &n, &err), DS_OK);
    if (n == 1) {
        CHECK_EQ_STR(r[0].details, "{\"new_size\":\"XL\"}");
        CHECK_EQ_STR(r[0].updated_at, "2026-11-26T10:00:00+03:00");
    }
    store_returns_free(r, n);
    CHECK_STATUS(store_return_set_details(db, b, "[1]", NOW, &err), DS_EINPUT);
    CHECK_STATUS(store_return_set_details(db, b, "{", NOW, &err), DS_EINPUT);
    CHECK_STATUS(store_return_set_details(db, 9999, "{}", NOW, &err), DS_ENOTFOUND);
    CHECK_STATUS(store_return_set_details(db, b, "{}", "dün", &err), DS_EINVAL);

    /* a return code names its order; a case has none, and no code is no order */
    char order[16] = "";
    CHECK_STATUS(store_return_order_by_code(db, "IAD7K3Q9", order, sizeof order, &err), DS_OK);
    CHECK_EQ_STR(order, "1048213");
    CHECK_STATUS(store_return_order_by_code(db, "ZZZZ9999", order, sizeof order, &err),
                 DS_ENOTFOUND);
    CHECK_STATUS(store_return_order_by_code(db, "iad7k3q9", order, sizeof order, &err), DS_EINVAL);
    CHECK_STATUS(store_return_order_by_code(db, NULL, order, sizeof order, &err), DS_EINVAL);
    CHECK_STATUS(store_return_order_by_code(db, "IAD7K3Q9", order, 4, &err), DS_EINVAL);

    /* text that looks like SQL is just text */
    CHECK_STATUS(store_return_add(db, "case", NULL, NULL, "x'); DROP TABLE returns; --", NULL, NULL,
                                  "normal", NULL, NOW, NULL, &err),
                 DS_OK);
    CHECK_EQ_INT(count_returns(path), 5);
    store_close(db);
}

static void test_add_invalid(void)
{
    CHECK_CONTEXT("add validation");
    char path[256], before[8192], after[8192];
    store_db *db = open_fresh("addbad.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    CHECK_STATUS(store_return_add(db, "return", "1048213", tshirt, "beden", NULL, "TAKEN1",
                                  "normal", NULL, NOW, NULL, &err),
                 DS_OK);
    raw_query(path, fingerprint_sql, before, sizeof before);

    static const struct {
        const char *kind, *order, *items, *reason, *state, *code, *priority, *details, *now;
        ds_status want;
    } cases[] = {
        {"refund", "1048213", tshirt, "beden", NULL, NULL, "normal", NULL, NOW, DS_EINVAL},
        {NULL, "1048213", tshirt, "beden", NULL, NULL, "normal", NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, "beden", NULL, NULL, "high", NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, "beden", NULL, NULL, NULL, NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, "beden", "lost", NULL, "normal", NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, "beden", NULL, "abc", "normal", NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, "", NULL, NULL, "normal", NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, NULL, NULL, NULL, "normal", NULL, NOW, DS_EINVAL},
        {"return", "1048213", tshirt, "beden", NULL, NULL, "normal", NULL, "yesterday", DS_EINVAL},
        {"return", "1048213", tshirt, "beden", NULL, NULL, "normal", NULL, NULL, DS_EINVAL},
        {"return", "", tshirt, "beden", NULL, NULL, "normal", NULL, NOW, DS_EINVAL},
        {"return", "1048213", NULL, "beden", NULL, NULL, "normal", NULL, NOW, DS_EINPUT},
        {"return", "1048213", "[]", "beden", NULL, NULL, "normal", NULL, NOW, DS_EINPUT},
        {"exchange", "1048213", "{\"sku\":\"TS-102-M\",\"qty\":1}", "beden", NULL, NULL, "normal",
         NULL, NOW, DS_EINPUT},
        {"return", "1048213", "[{\"sku\":\"TS-102-M\",\"qty\":0}]", "beden", NULL, NULL, "normal",
         NULL, NOW, DS_EINPUT},
        {"return", "1048213", "[{\"sku\":\"\",\"qty\":1}]", "beden", NULL, NULL, "normal", NULL,
         NOW, DS_EINPUT},
        {"return", "1048213", "[{\"qty\":1}]", "beden", NULL, NULL, "normal", NULL, NOW, DS_EINPUT},
        {"return", "1048213", "[\"TS-102-M\"]", "beden", NULL, NULL, "normal", NULL, NOW,
         DS_EINPUT},
        {"return", "1048213", "[{\"sku\":\"TS-102-M\",\"qty\":1,\"name\":5}]", "beden", NULL, NULL,
         "normal", NULL, NOW, DS_EINPUT},
        {"return", "1048213", "[{\"sku\":", "beden", NULL, NULL, "normal", NULL, NOW, DS_EINPUT},
        {"case", NULL, "{}", "sikayet", NULL, NULL, "normal", NULL, NOW, DS_EINPUT},
        {"case", NULL, NULL, "sikayet", NULL, NULL, "normal", "[1]", NOW, DS_EINPUT},
        {"case", NULL, NULL, "sikayet", NULL, NULL, "normal", "\"text\"", NOW, DS_EINPUT},
        {"case", NULL, NULL, "sikayet", NULL, NULL, "normal", "{\"a\":1,\"a\":2}", NOW, DS_EINPUT},
        {"case", NULL, NULL, "sikayet", NULL, NULL, "normal", "{", NOW, DS_EINPUT},
        {"return", "9999999", tshirt, "beden", NULL, NULL, "normal", NULL, NOW, DS_ENOTFOUND},
        {"return", "1048213", tshirt, "beden", NULL, "TAKEN1", "normal", NULL, NOW, DS_ECONFLICT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ctx[32];
        snprintf(ctx, sizeof ctx, "add case %zu", i);
        CHECK_CONTEXT(ctx);
        long long id = -7;
        memset(&err, 0, sizeof err);
        CHECK_STATUS(store_return_add(db, cases[i].kind, cases[i].order, cases[i].items,
                                      cases[i].reason, cases[i].state, cases[i].code,
                                      cases[i].priority, cases[i].details, cases[i].now, &id, &err),
                     cases[i].want);
        CHECK_EQ_INT(id, -7);
        CHECK(err.message[0] != '\0');
        raw_query(path, fingerprint_sql, after, sizeof after);
        CHECK_EQ_STR(after, before);
    }
    CHECK_CONTEXT("add validation");
    CHECK_STATUS(store_return_add(NULL, "case", NULL, NULL, "x", NULL, NULL, "normal", NULL, NOW,
                                  NULL, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_returns_list(db, NULL, NULL, NULL, NULL), DS_EINVAL);
    store_close(db);
}

static void test_stock(void)
{
    CHECK_CONTEXT("stock");
    char path[256];
    store_db *db = open_fresh("stock.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    int qty = -5;
    CHECK_STATUS(store_stock_get(db, "TS-102-L", &qty, &err), DS_ENOTFOUND);
    CHECK_EQ_INT(qty, -5);
    CHECK_STATUS(store_stock_set(db, "TS-102-L", 4, &err), DS_OK);
    CHECK_STATUS(store_stock_set(db, "TS-102-XL", 0, &err), DS_OK);
    CHECK_STATUS(store_stock_get(db, "TS-102-L", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 4);
    CHECK_STATUS(store_stock_get(db, "TS-102-XL", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 0); /* known, out of stock: not the same as unknown */
    CHECK_STATUS(store_stock_set(db, "TS-102-L", 1, &err), DS_OK);
    CHECK_STATUS(store_stock_get(db, "TS-102-L", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 1);
    CHECK_STATUS(store_stock_get(db, "ts-102-l", &qty, &err), DS_ENOTFOUND); /* exact */
    CHECK_STATUS(store_stock_set(db, "TS-102-L", -1, &err), DS_EINVAL);
    CHECK_STATUS(store_stock_set(db, "", 1, &err), DS_EINVAL);
    CHECK_STATUS(store_stock_get(db, NULL, &qty, &err), DS_EINVAL);

    /* the import: full.json has no stock; returns.json sets four SKUs */
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    CHECK_STATUS(store_stock_get(db, "TS-102-L", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 1);
    CHECK_STATUS(import_file(db, "valid/returns.json", NULL, &err), DS_OK);
    static const struct {
        const char *sku;
        int qty;
    } want[] = {
        {"GM-220-S", 7}, {"GM-220-M", 3}, {"GM-220-L", 2}, {"GM-220-XL", 0}, {"TS-102-L", 1}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CHECK_CONTEXT(want[i].sku);
        qty = -1;
        CHECK_STATUS(store_stock_get(db, want[i].sku, &qty, &err), DS_OK);
        CHECK_EQ_INT(qty, want[i].qty);
    }
    CHECK_CONTEXT("stock");
    /* insert or replace */
    CHECK_STATUS(import_text(db,
                             "{\"orders\": [], \"stock\": [{\"sku\": \"GM-220-XL\", \"qty\": 5}]}",
                             &err),
                 DS_OK);
    CHECK_STATUS(store_stock_get(db, "GM-220-XL", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 5);
    CHECK_STATUS(store_stock_get(db, "GM-220-M", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 3);
    store_close(db);
}

static void test_import_valid(void)
{
    CHECK_CONTEXT("import valid");
    char path[256], buf[8192], again[8192];
    store_db *db = open_fresh("import.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    size_t n = 0;
    /* self-contained: the returns come before the orders they name */
    CHECK_STATUS(import_file(db, "valid/returns.json", &n, &err), DS_OK);
    CHECK_EQ_INT(n, 2);
    store_return *r = NULL;
    size_t count = 0;
    CHECK_STATUS(store_returns_list(db, NULL, &r, &count, &err), DS_OK);
    CHECK_EQ_INT(count, 4);
    if (count == 4) {
        /* oldest first: 11-05, 11-19, 11-20, 11-21 */
        CHECK_EQ_STR(r[0].code, "RF3K9Q2M");
        CHECK_EQ_STR(r[0].kind, "return");
        CHECK_EQ_STR(r[0].order_id, "3000002");
        CHECK_EQ_STR(r[0].state, "refunded");
        CHECK_EQ_STR(r[0].reason, "begenmedim");
        CHECK_EQ_STR(r[0].items,
                     "[{\"sku\":\"ELK-410\",\"name\":\"Kablosuz Kulaklık\",\"qty\":1}]");
        CHECK_EQ_STR(r[0].details, "{\"refund\":{\"method\":\"card\",\"amount\":\"1499.90\"}}");
        CHECK_EQ_STR(r[0].created_at, "2026-11-05T09:30:00+03:00");
        CHECK_EQ_STR(r[0].updated_at, "2026-11-12T14:00:00+03:00");
        CHECK_EQ_STR(r[0].priority, "normal");
        CHECK_EQ_STR(r[1].code, "RJ8W5T1C");
        CHECK_EQ_STR(r[1].state, "rejected");
        CHECK_EQ_STR(r[1].details,
                     "{\"rejection_reason\":\"Ürün kullanılmış ve etiketi koparılmış olarak "
                     "geldi.\"}");
        CHECK_EQ_STR(r[1].updated_at, r[1].created_at);
        CHECK_EQ_STR(r[2].code, "EX7P2L4N");
        CHECK_EQ_STR(r[2].kind, "exchange");
        CHECK_EQ_STR(r[2].state, "requested"); /* the default */
        CHECK_EQ_STR(r[3].kind, "case");
        CHECK_EQ_STR(r[3].order_id, NULL);
        CHECK_EQ_STR(r[3].code, NULL);
        CHECK_EQ_STR(r[3].items, "[]");
        CHECK_EQ_STR(r[3].state, "open");
        CHECK_EQ_STR(r[3].priority, "urgent");
        CHECK_EQ_STR(r[3].created_at, "2026-11-21T08:00:00Z");
    }
    store_returns_free(r, count);

    /* importing the same file again changes nothing (returns are replaced by
     * code, a case without one by kind, order and created_at) */
    raw_query(path, fingerprint_sql, buf, sizeof buf);
    CHECK_STATUS(import_file(db, "valid/returns.json", &n, &err), DS_OK);
    raw_query(path, fingerprint_sql, again, sizeof again);
    CHECK_EQ_STR(again, buf);

    /* a return may name an order already in the store; a changed return
     * replaces the one with its code */
    CHECK_STATUS(import_text(db,
                             "{\"orders\": [], \"returns\": [{\"order\": \"3000001\", \"kind\":"
                             " \"exchange\", \"items\": [{\"sku\": \"GM-220-M\", \"name\":"
                             " \"Oversize Gömlek\", \"qty\": 1}], \"reason\": \"beden\","
                             " \"state\": \"exchanged\", \"code\": \"EX7P2L4N\", \"created_at\":"
                             " \"2026-11-20T18:05:00+03:00\", \"updated_at\":"
                             " \"2026-11-24T10:00:00+03:00\"}]}",
                             &err),
                 DS_OK);
    raw_query(path,
              "SELECT (SELECT count(*) FROM returns WHERE code = 'EX7P2L4N') || state ||"
              " updated_at || coalesce(details, 'none') FROM returns WHERE code = 'EX7P2L4N'",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, "1exchanged2026-11-24T10:00:00+03:00none");
    CHECK_EQ_INT(count_returns(path), 4);

    /* the CONTRACT format without the new keys still imports, and an empty
     * "returns" / "stock" is fine */
    CHECK_STATUS(import_file(db, "valid/full.json", &n, &err), DS_OK);
    CHECK_EQ_INT(n, 4);
    CHECK_STATUS(import_text(db, "{\"stock\": [], \"returns\": [], \"orders\": []}", &err), DS_OK);
    CHECK_EQ_INT(count_returns(path), 4);
    store_close(db);
}

static int is_line_col(const char *s)
{
    int l, c;
    char tail;
    return sscanf(s, "%d:%d%c", &l, &c, &tail) == 2;
}

static int is_ours(const char *name)
{
    return strncmp(name, "returns_", 8) == 0 || strncmp(name, "stock_", 6) == 0 ||
           strcmp(name, "syntax_returns_twice.json") == 0;
}

static void test_import_invalid(void)
{
    CHECK_CONTEXT("import invalid");
    char path[256], before[16384], after[16384];
    store_db *db = open_fresh("invalid.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    CHECK_STATUS(import_file(db, "valid/returns.json", NULL, &err), DS_OK);
    raw_query(path, fingerprint_sql, before, sizeof before);
    CHECK(strlen(before) > 200);

    char dir[512];
    snprintf(dir, sizeof dir, "%s/import/invalid", DS_TEST_DATA);
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    int cases = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0 || !is_ours(de->d_name))
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
    CHECK_CONTEXT("import invalid");
    CHECK(cases >= 30);

    /* the invalid files are one field away from a valid document: the
     * template they were made from imports (so the cases test what they say) */
    size_t len = 0;
    char *text = read_case("invalid/returns_order_unknown.json", &len);
    if (text) {
        char *p = strstr(text, "\"9999999\"");
        CHECK(p != NULL);
        if (p)
            memcpy(p, "\"1048213\"", 9);
        CHECK_STATUS(store_import_orders(db, text, len, NULL, &err), DS_OK);
        ds_free(text);
    }
    int qty = -1;
    CHECK_STATUS(store_stock_get(db, "GM-220-M", &qty, &err), DS_OK);
    CHECK_EQ_INT(qty, 9);
    store_close(db);
}

/* Turns a current file into the version 3 file the release before returns
 * left: every table a later step made dropped (with its indexes), the
 * columns later steps added to v3 tables dropped, and
 * schema_version 1..3. Written against the v3 table list rather than the
 * later steps, so it keeps working when more steps are appended. */
static void make_v3(const char *path)
{
    static const char *const v3_tables[] = {
        "schema_version",  "customers",   "orders",   "items",         "shipments",
        "shipment_events", "order_audit", "requests", "conversations", "messages"};
    sqlite3 *c = NULL;
    sqlite3_stmt *st = NULL;
    char drops[4096] = "";
    CHECK(sqlite3_open(path, &c) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(c,
                             "SELECT name FROM sqlite_master WHERE type = 'table'"
                             " AND name NOT LIKE 'sqlite_%'",
                             -1, &st, NULL) == SQLITE_OK);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int keep = 0;
        for (size_t i = 0; i < sizeof v3_tables / sizeof v3_tables[0]; i++)
            keep |= strcmp(name, v3_tables[i]) == 0;
        if (!keep) {
            size_t used = strlen(drops);
            snprintf(drops + used, sizeof drops - used, "DROP TABLE \"%s\";", name);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(c);
    CHECK(strstr(drops, "\"returns\"") && strstr(drops, "\"stock\""));
    /* and the columns later steps added to v3 tables */
    size_t used = strlen(drops);
    snprintf(drops + used, sizeof drops - used,
             "DROP INDEX conversations_order; DROP INDEX conversations_contact;"
             "ALTER TABLE conversations DROP COLUMN dialogue;"
             "ALTER TABLE conversations DROP COLUMN order_id;"
             "ALTER TABLE conversations DROP COLUMN contact;");
    raw_exec(path, drops);
    raw_exec(path, "DELETE FROM schema_version WHERE version > 3;");
}

/* A version 3 file (before returns and stock) with data is upgraded in
 * place: everything kept, the new tables usable. */
static void test_migrate_v3(void)
{
    CHECK_CONTEXT("migrate v3");
    char path[256], before[8192], buf[256];
    store_db *db = open_fresh("v3.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    CHECK_STATUS(store_request_add(db, "handoff", "1048213", "urgent", NULL, NOW, NULL, &err),
                 DS_OK);
    long long conv = 0;
    CHECK_STATUS(store_conversation_create(db, "abc123", NOW, &conv, &err), DS_OK);
    CHECK_STATUS(
        store_message_add(db, conv, "shopper", "c1", "iade etmek istiyorum", NULL, NOW, NULL, &err),
        DS_OK);
    store_close(db);
    make_v3(path);
    raw_query(path, "SELECT max(version) FROM schema_version", buf, sizeof buf);
    CHECK_EQ_STR(buf, "3");
    raw_query(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('returns', 'stock')", buf,
              sizeof buf);
    CHECK_EQ_STR(buf, "0");
    raw_query(path,
              "SELECT (SELECT group_concat(id) FROM orders) || '|' ||"
              " (SELECT count(*) FROM requests) || '|' || (SELECT count(*) FROM messages)",
              before, sizeof before);

    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    if (!db)
        return;
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    raw_query(path,
              "SELECT (SELECT group_concat(id) FROM orders) || '|' ||"
              " (SELECT count(*) FROM requests) || '|' || (SELECT count(*) FROM messages)",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, before);
    char want[64];
    snprintf(want, sizeof want, "%d:1-%d", STORE_SCHEMA_VERSION, STORE_SCHEMA_VERSION);
    raw_query(path,
              "SELECT count(*) || ':' || min(version) || '-' || max(version)"
              " FROM schema_version",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, want);
    store_order *o = NULL;
    CHECK_STATUS(store_order_get(db, "1048213", &o, &err), DS_OK);
    store_order_free(o);
    CHECK_STATUS(store_return_add(db, "return", "1048213", tshirt, "beden", NULL, "MIG4CODE",
                                  "normal", NULL, NOW, NULL, &err),
                 DS_OK);
    CHECK_STATUS(store_stock_set(db, "TS-102-L", 2, &err), DS_OK);
    store_close(db);

    /* reopening runs nothing again */
    CHECK_STATUS(store_open(path, &db, &err), DS_OK);
    store_close(db);
    raw_query(path,
              "SELECT count(*) || ':' || min(version) || '-' || max(version)"
              " FROM schema_version",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, want);
    CHECK_EQ_INT(count_returns(path), 1);
}

/* Failing every allocation and every statement step of an import with
 * stock and returns, and of add and list, in turn: a clean status, the
 * database as before, no leak (the sanitizer build checks that). */
static void test_faults(void)
{
    CHECK_CONTEXT("faults");
    char path[256], before[16384], after[16384];
    store_db *db = open_fresh("faults.db", path, sizeof path);
    if (!db)
        return;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(import_file(db, "valid/full.json", NULL, &err), DS_OK);
    raw_query(path, fingerprint_sql, before, sizeof before);
    size_t len = 0;
    char *text = read_case("valid/returns.json", &len);
    if (!text) {
        store_close(db);
        return;
    }
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
            break;
    }
    CHECK(failed > 10);
    raw_exec(path, "DELETE FROM returns; DELETE FROM stock;");
    raw_query(path, fingerprint_sql, before, sizeof before);

    failed = 0;
    for (unsigned long nth = 1; nth < 1000; nth++) {
        store_fail_step_after(db, nth);
        ds_status st = store_import_orders(db, text, len, NULL, &err);
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
    ds_free(text);

    store_fail_step_after(db, 1);
    CHECK_STATUS(store_return_add(db, "case", NULL, NULL, "sikayet", NULL, NULL, "normal", NULL,
                                  NOW, NULL, &err),
                 DS_EDB);
    store_fail_step_after(db, 1);
    int qty;
    CHECK_STATUS(store_stock_get(db, "GM-220-M", &qty, &err), DS_EDB);
    store_fail_step_after(db, 0);

    for (unsigned long nth = 1; nth < 100000; nth++) {
        ds_alloc_set_fail_after(nth);
        ds_status st = store_return_add(db, "exchange", "1048213", tshirt, "beden", NULL, NULL,
                                        "normal", "{\"new_size\":\"L\"}", NOW, NULL, &err);
        ds_alloc_set_fail_after(0);
        if (st == DS_OK)
            break;
        CHECK_MSG(st == DS_ENOMEM || st == DS_EDB, "allocation %lu: %s: %s", nth, ds_status_str(st),
                  err.message);
        if (check_failures > failures_before)
            break;
    }
    for (unsigned long nth = 1; nth < 100000; nth++) {
        store_return *r = NULL;
        size_t n = 0;
        ds_alloc_set_fail_after(nth);
        ds_status st = store_returns_list(db, NULL, &r, &n, &err);
        ds_alloc_set_fail_after(0);
        if (st == DS_OK) {
            CHECK(n >= 5);
            store_returns_free(r, n);
            break;
        }
        CHECK_MSG(st == DS_ENOMEM || st == DS_EDB, "allocation %lu: %s: %s", nth, ds_status_str(st),
                  err.message);
        if (check_failures > failures_before)
            break;
    }
    store_close(db);
}

int main(int argc, char **argv)
{
    int init = store_test_init(argc, argv, "returns");
    if (init != 0)
        return init;
    test_add_list();
    test_add_invalid();
    test_stock();
    test_import_valid();
    test_import_invalid();
    if (!on_pg) /* SQLite files made by hand */
        test_migrate_v3();
    test_faults();
    cleanup();
    return CHECK_MAIN_RESULT();
}
