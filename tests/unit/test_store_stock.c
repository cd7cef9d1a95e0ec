/* SPDX-License-Identifier: MIT */
/* Unit tests of the stock's variants: a product's colours and sizes as set
 * one by one and as imported, the SKU convention (PRODUCT-SIZE) for stock
 * without them, and the migration of a version 6 file, whose stock rows get
 * their product and size from that convention; and of the products' facts
 * (set, read, imported, replaced, a bad file changing none, the migration
 * of a version 15 file). Opens files with SQLite directly only to fake the
 * old schema. Single-threaded. */
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

/* The variants of sku's product as "SKU:colour:size:qty,..." */
static void variants(store_db *db, const char *sku, char *buf, size_t len)
{
    store_variant *v = NULL;
    size_t n = 0;
    buf[0] = '\0';
    CHECK_STATUS(store_variants_of(db, sku, &v, &n, NULL), DS_OK);
    size_t at = 0;
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s:%s:%s:%d", i ? "," : "", v[i].sku,
                               v[i].colour, v[i].size, v[i].qty);
    store_variants_free(v, n);
}

static void test_variants(void)
{
    CHECK_CONTEXT("variants");
    char path[256], buf[512];
    store_db *db = open_fresh("variants.db", path, sizeof path);
    if (!db)
        return;
    CHECK_STATUS(store_variant_set(db, "KZ-520-LAC-M", "KZ-520", "Lacivert", "M", 3, NULL), DS_OK);
    CHECK_STATUS(store_variant_set(db, "KZ-520-LAC-L", "KZ-520", "Lacivert", "L", 0, NULL), DS_OK);
    CHECK_STATUS(store_variant_set(db, "KZ-520-BEJ-M", "KZ-520", "Bej", "M", 5, NULL), DS_OK);
    CHECK_STATUS(store_variant_set(db, "KZ-521-BEJ-M", "KZ-521", "Bej", "M", 9, NULL), DS_OK);
    variants(db, "KZ-520-LAC-M", buf, sizeof buf);
    CHECK_EQ_STR(buf, "KZ-520-BEJ-M:Bej:M:5,KZ-520-LAC-L:Lacivert:L:0,KZ-520-LAC-M:Lacivert:M:3");
    /* the product comes from the SKU's row, not from its spelling */
    variants(db, "KZ-520-BEJ-M", buf, sizeof buf);
    CHECK_EQ_STR(buf, "KZ-520-BEJ-M:Bej:M:5,KZ-520-LAC-L:Lacivert:L:0,KZ-520-LAC-M:Lacivert:M:3");

    /* stock set without a product follows the convention */
    CHECK_STATUS(store_stock_set(db, "TS-102-L", 4, NULL), DS_OK);
    CHECK_STATUS(store_stock_set(db, "TS-102-XL", 0, NULL), DS_OK);
    CHECK_STATUS(store_stock_set(db, "TS-1020-L", 8, NULL), DS_OK); /* another product */
    variants(db, "TS-102-M", buf, sizeof buf);                      /* no row of its own */
    CHECK_EQ_STR(buf, "TS-102-L::L:4,TS-102-XL::XL:0");
    CHECK_STATUS(store_stock_set(db, "EL220", 2, NULL), DS_OK); /* no dash: one variant */
    variants(db, "EL220", buf, sizeof buf);
    CHECK_EQ_STR(buf, "EL220:::2");
    variants(db, "XX-999", buf, sizeof buf); /* the shop keeps no stock for it */
    CHECK_EQ_STR(buf, "");
    /* a named product without a size keeps none */
    CHECK_STATUS(store_variant_set(db, "CN-7", "CANTA-7", "Siyah", NULL, 1, NULL), DS_OK);
    variants(db, "CN-7", buf, sizeof buf);
    CHECK_EQ_STR(buf, "CN-7:Siyah::1");
    /* replaced as a whole */
    CHECK_STATUS(store_variant_set(db, "CN-7", "CANTA-7", "Kahverengi", NULL, 2, NULL), DS_OK);
    variants(db, "CN-7", buf, sizeof buf);
    CHECK_EQ_STR(buf, "CN-7:Kahverengi::2");

    CHECK_STATUS(store_variant_set(db, "", "P", NULL, NULL, 1, NULL), DS_EINVAL);
    CHECK_STATUS(store_variant_set(db, "A-1", "P", NULL, NULL, -1, NULL), DS_EINVAL);
    store_variant *v = NULL;
    size_t n = 0;
    CHECK_STATUS(store_variants_of(db, NULL, &v, &n, NULL), DS_EINVAL);
    store_close(db);
}

static void test_import(void)
{
    CHECK_CONTEXT("import");
    char path[256], buf[512];
    store_db *db = open_fresh("import.db", path, sizeof path);
    if (!db)
        return;
    static const char text[] =
        "{\"orders\": [], \"stock\": ["
        "{\"sku\": \"KZ-520-LAC-M\", \"qty\": 3, \"product\": \"KZ-520\", \"colour\": \"Lacivert\","
        " \"size\": \"M\"},"
        "{\"sku\": \"KZ-520-KRM-M\", \"qty\": 1, \"product\": \"KZ-520\", \"colour\": \"Kırmızı\","
        " \"size\": \"M\"},"
        "{\"sku\": \"TS-102-L\", \"qty\": 4}]}";
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_import_orders(db, text, strlen(text), NULL, &err), DS_OK);
    variants(db, "KZ-520-LAC-M", buf, sizeof buf);
    CHECK_EQ_STR(buf, "KZ-520-KRM-M:Kırmızı:M:1,KZ-520-LAC-M:Lacivert:M:3");
    variants(db, "TS-102-M", buf, sizeof buf);
    CHECK_EQ_STR(buf, "TS-102-L::L:4");
    store_close(db);
}

static void test_migrate_v6(void)
{
    CHECK_CONTEXT("migrate v6");
    char path[256], buf[512];
    store_db *db = open_fresh("v6.db", path, sizeof path);
    if (!db)
        return;
    store_close(db);
    /* back to version 6 as it shipped, with stock in it */
    raw_exec(path,
             "DROP TABLE product_facts; DELETE FROM schema_version WHERE version = 16;"
             "DELETE FROM schema_version WHERE version = 15;"
             "DROP TABLE attachments; DELETE FROM schema_version WHERE version = 14;"
             "DROP TABLE nodes; DROP TABLE presence; DROP TABLE offers;"
             "DELETE FROM schema_version WHERE version = 13;"
             "DROP TABLE events; DROP TABLE event_head; DROP TABLE jobs;"
             "DELETE FROM schema_version WHERE version = 12;"
             "DROP TABLE review_groups; DELETE FROM schema_version WHERE version = 11;"
             "ALTER TABLE agents DROP COLUMN role; DELETE FROM schema_version WHERE version = 10;"
             "DELETE FROM schema_version WHERE version = 9;"
             "DROP TABLE destructions; DROP TABLE identity_checks; DROP TABLE access_log;"
             "DROP INDEX conversations_order; DROP INDEX conversations_contact;"
             "ALTER TABLE conversations DROP COLUMN order_id;"
             "ALTER TABLE conversations DROP COLUMN contact;"
             "DELETE FROM schema_version WHERE version = 8;"
             "DROP INDEX stock_product;"
             "ALTER TABLE stock DROP COLUMN product;"
             "ALTER TABLE stock DROP COLUMN colour;"
             "ALTER TABLE stock DROP COLUMN size;"
             "DELETE FROM schema_version WHERE version = 7;"
             "INSERT INTO stock (sku, qty) VALUES ('TS-102-M', 3), ('TS-102-XL', 0),"
             " ('EL220', 2), ('A-B-C-42', 1), ('A-B-C-43', 0);");
    raw_query(path, "SELECT max(version) FROM schema_version", buf, sizeof buf);
    CHECK_EQ_STR(buf, "6");
    CHECK_STATUS(store_open(path, &db, NULL), DS_OK);
    if (!db)
        return;
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    raw_query(path,
              "SELECT group_concat(sku || '>' || product || '/' || coalesce(size, '-'), ',')"
              " FROM (SELECT * FROM stock ORDER BY sku)",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, "A-B-C-42>A-B-C/42,A-B-C-43>A-B-C/43,EL220>EL220/-,TS-102-M>TS-102/M,"
                      "TS-102-XL>TS-102/XL");
    variants(db, "TS-102-L", buf, sizeof buf);
    CHECK_EQ_STR(buf, "TS-102-M::M:3,TS-102-XL::XL:0");
    variants(db, "A-B-C-42", buf, sizeof buf);
    CHECK_EQ_STR(buf, "A-B-C-42::42:1,A-B-C-43::43:0");
    store_close(db);
}

/* The products the orders name, once each by name, ordered by name. */
static void test_products_sold(void)
{
    CHECK_CONTEXT("products sold");
    char path[256];
    store_db *db = open_fresh("products.db", path, sizeof path);
    if (!db)
        return;
    store_product *p = NULL;
    size_t n = 99;
    CHECK_STATUS(store_products_sold(db, &p, &n, NULL), DS_OK);
    CHECK_EQ_INT(n, 0);
    store_products_free(p, n);
    size_t len = 0;
    char file[512];
    snprintf(file, sizeof file, "%s/import/valid/full.json", DS_TEST_DATA);
    char *text = read_all(file, &len);
    CHECK(text != NULL);
    if (text)
        CHECK_STATUS(store_import_orders(db, text, len, NULL, NULL), DS_OK);
    ds_free(text);
    CHECK_STATUS(store_products_sold(db, &p, &n, NULL), DS_OK);
    CHECK_EQ_INT(n, 6);
    int seen_tshirt = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            CHECK(strcmp(p[i - 1].name, p[i].name) < 0); /* once each, in order */
        if (strcmp(p[i].name, "Pamuklu Tişört") == 0) {
            seen_tshirt = 1;
            CHECK_EQ_STR(p[i].sku, "TS-102-M");
        }
    }
    CHECK(seen_tshirt);
    store_products_free(p, n);
    store_products_free(NULL, 0);
    CHECK_STATUS(store_products_sold(db, NULL, &n, NULL), DS_EINVAL);
    store_close(db);
}

/* The facts of product as "topic=text|...". */
static void facts(store_db *db, const char *product, char *buf, size_t len)
{
    store_fact *f = NULL;
    size_t n = 0, at = 0;
    buf[0] = '\0';
    CHECK_STATUS(store_product_facts(db, product, &f, &n, NULL), DS_OK);
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s=%s", i ? "|" : "", f[i].topic, f[i].text);
    store_facts_free(f, n);
}

static void test_facts(void)
{
    CHECK_CONTEXT("facts");
    char path[256], buf[1024];
    store_db *db = open_fresh("facts.db", path, sizeof path);
    if (!db)
        return;
    facts(db, "İpek Eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, ""); /* nothing said of it */
    CHECK_STATUS(store_product_fact_set(db, "İpek Eşarp", "material", "%100 ipek.", NULL), DS_OK);
    CHECK_STATUS(store_product_fact_set(db, "İpek Eşarp", "care", "Kuru temizleme.", NULL), DS_OK);
    CHECK_STATUS(store_product_fact_set(db, "Triko Kazak", "care", "30 derece.", NULL), DS_OK);
    facts(db, "İpek Eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, "care=Kuru temizleme.|material=%100 ipek."); /* by topic */
    /* replaced, removed; the name is exact */
    CHECK_STATUS(store_product_fact_set(db, "İpek Eşarp", "care", "Elde, soğuk suda.", NULL),
                 DS_OK);
    CHECK_STATUS(store_product_fact_set(db, "İpek Eşarp", "material", NULL, NULL), DS_OK);
    CHECK_STATUS(store_product_fact_set(db, "İpek Eşarp", "origin", NULL, NULL), DS_OK);
    facts(db, "İpek Eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, "care=Elde, soğuk suda.");
    facts(db, "ipek eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, "");
    /* quotes are data */
    CHECK_STATUS(
        store_product_fact_set(db, "A'; DROP TABLE product_facts; --", "care", "x'y", NULL), DS_OK);
    facts(db, "A'; DROP TABLE product_facts; --", buf, sizeof buf);
    CHECK_EQ_STR(buf, "care=x'y");

    store_product *p = NULL;
    size_t n = 0;
    CHECK_STATUS(store_products_described(db, &p, &n, NULL), DS_OK);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        CHECK_EQ_STR(p[0].name, "A'; DROP TABLE product_facts; --");
        CHECK_EQ_STR(p[1].name, "Triko Kazak");
        CHECK_EQ_STR(p[2].name, "İpek Eşarp");
        CHECK(p[2].sku == NULL);
    }
    store_products_free(p, n);

    static const char *const topics[] = {"",      "Material", "1care",
                                         "ca re", "çeker",    "a234567890123456789012345678901234"};
    for (size_t i = 0; i < sizeof topics / sizeof *topics; i++) {
        CHECK_CONTEXT(topics[i]);
        CHECK(!store_is_fact_topic(topics[i]));
        CHECK_STATUS(store_product_fact_set(db, "P", topics[i], "x", NULL), DS_EINVAL);
    }
    CHECK(store_is_fact_topic("care_label_2"));
    CHECK(!store_is_fact_topic(NULL));
    CHECK_STATUS(store_product_fact_set(db, "", "care", "x", NULL), DS_EINVAL);
    CHECK_STATUS(store_product_fact_set(db, NULL, "care", "x", NULL), DS_EINVAL);
    CHECK_STATUS(store_product_fact_set(db, "P", "care", "", NULL), DS_EINVAL);
    store_fact *f = NULL;
    CHECK_STATUS(store_product_facts(db, NULL, &f, &n, NULL), DS_EINVAL);
    CHECK_STATUS(store_products_described(db, NULL, &n, NULL), DS_EINVAL);
    store_facts_free(NULL, 0);
    store_close(db);
}

/* The facts a file's "products" carries: imported, replaced as a whole per
 * product listed, and a bad file changes none. */
static void test_facts_import(void)
{
    CHECK_CONTEXT("facts import");
    char path[256], buf[1024];
    store_db *db = open_fresh("facts_import.db", path, sizeof path);
    if (!db)
        return;
    static const char text[] =
        "{\"products\": [{\"name\": \"İpek Eşarp\", \"facts\": {\"material\": \"%100 ipek; "
        "saten değil.\", \"care\": \"Yalnızca kuru temizleme.\"}},"
        " {\"name\": \"Kablosuz Kulaklık\", \"facts\": {\"compatibility\": \"iOS ve Android.\"}}],"
        " \"orders\": []}";
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(store_import_orders(db, text, strlen(text), NULL, &err), DS_OK);
    facts(db, "İpek Eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, "care=Yalnızca kuru temizleme.|material=%100 ipek; saten değil.");
    facts(db, "Kablosuz Kulaklık", buf, sizeof buf);
    CHECK_EQ_STR(buf, "compatibility=iOS ve Android.");
    /* again: the same */
    CHECK_STATUS(store_import_orders(db, text, strlen(text), NULL, &err), DS_OK);
    facts(db, "İpek Eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, "care=Yalnızca kuru temizleme.|material=%100 ipek; saten değil.");
    /* a product listed again has only the facts listed now; one not listed
     * keeps its own */
    static const char again[] = "{\"orders\": [], \"products\": [{\"name\": \"İpek Eşarp\","
                                " \"facts\": {\"origin\": \"Bursa.\"}}]}";
    CHECK_STATUS(store_import_orders(db, again, strlen(again), NULL, &err), DS_OK);
    facts(db, "İpek Eşarp", buf, sizeof buf);
    CHECK_EQ_STR(buf, "origin=Bursa.");
    facts(db, "Kablosuz Kulaklık", buf, sizeof buf);
    CHECK_EQ_STR(buf, "compatibility=iOS ve Android.");

    /* a bad entry anywhere: nothing changes, the path says where */
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"{\"orders\": [], \"products\": {}}", "products"},
        {"{\"orders\": [], \"products\": [3]}", "products[0]"},
        {"{\"orders\": [], \"products\": [{\"facts\": {}}]}", "products[0].name"},
        {"{\"orders\": [], \"products\": [{\"name\": \"\", \"facts\": {}}]}", "products[0].name"},
        {"{\"orders\": [], \"products\": [{\"name\": \"X\"}]}", "products[0].facts"},
        {"{\"orders\": [], \"products\": [{\"name\": \"X\", \"facts\": []}]}", "products[0].facts"},
        {"{\"orders\": [], \"products\": [{\"name\": \"İpek Eşarp\", \"facts\": {\"care\":"
         " \"Elde.\"}}, {\"name\": \"X\", \"facts\": {\"Care\": \"y\"}}]}",
         "products[1].facts.Care"},
        {"{\"orders\": [], \"products\": [{\"name\": \"X\", \"facts\": {\"care\": 3}}]}",
         "products[0].facts.care"},
        {"{\"orders\": [], \"products\": [{\"name\": \"X\", \"facts\": {\"care\": \"\"}}]}",
         "products[0].facts.care"},
        {"{\"orders\": [], \"products\": [{\"name\": \"İpek Eşarp\", \"facts\": {}},"
         " {\"name\": \"İpek Eşarp\", \"facts\": {}}]}",
         "products[1].name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_CONTEXT(bad[i].field);
        memset(&err, 0, sizeof err);
        CHECK_STATUS(store_import_orders(db, bad[i].text, strlen(bad[i].text), NULL, &err),
                     DS_EINPUT);
        CHECK_EQ_STR(err.field, bad[i].field);
        facts(db, "İpek Eşarp", buf, sizeof buf);
        CHECK_EQ_STR(buf, "origin=Bursa.");
    }
    store_close(db);
}

/* A version 15 file (before the facts) opens and takes facts. */
static void test_migrate_v15(void)
{
    CHECK_CONTEXT("migrate v15");
    char path[256], buf[256];
    store_db *db = open_fresh("v15.db", path, sizeof path);
    if (!db)
        return;
    store_close(db);
    raw_exec(path, "DROP TABLE product_facts; DELETE FROM schema_version WHERE version = 16;");
    raw_query(path, "SELECT max(version) FROM schema_version", buf, sizeof buf);
    CHECK_EQ_STR(buf, "15");
    CHECK_STATUS(store_open(path, &db, NULL), DS_OK);
    if (!db)
        return;
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    CHECK_STATUS(store_product_fact_set(db, "Yün Bere", "care", "Elde yıkayın.", NULL), DS_OK);
    facts(db, "Yün Bere", buf, sizeof buf);
    CHECK_EQ_STR(buf, "care=Elde yıkayın.");
    store_close(db);
}

int main(int argc, char **argv)
{
    int init = store_test_init(argc, argv, "stock");
    if (init != 0)
        return init;
    test_variants();
    test_import();
    test_products_sold();
    test_facts();
    test_facts_import();
    test_migrate_v15(); /* both backends: a table dropped and a version row */
    if (!on_pg)         /* SQLite files made by hand */
        test_migrate_v6();
    cleanup();
    return CHECK_MAIN_RESULT();
}
