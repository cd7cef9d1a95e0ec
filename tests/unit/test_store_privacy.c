/* SPDX-License-Identifier: MIT */
/* Unit tests of personal data in the store: contact keys; whose
 * conversations are whose; export; erasure (the customer's text gone from
 * the raw bytes of the database and its WAL, another customer's untouched,
 * the shop's records kept, a destruction record without personal data);
 * retention (old texts go, counts and ratings stay); identity failures
 * counted per order across conversations with growing locks and an audit
 * line; the team's access log. Single-threaded; a fresh temporary
 * directory. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ds.h"
#include "store.h"
#include "store_check.h"

#define NOW "2026-11-25T12:00:00+03:00"
#define NOW_UTC 1795597200LL

static const char orders_json[] =
    "{\"orders\": ["
    "{\"id\": \"1000001\", \"created_at\": \"2026-11-20T10:00:00+03:00\", \"status\": "
    "\"preparing\","
    " \"customer\": {\"name\": \"Ayşe Yılmaz\", \"email\": \"ayse@example.com\","
    " \"phone\": \"+905321234567\"}, \"payment\": {\"method\": \"card\", \"installments\": 1,"
    " \"total\": \"100.00\", \"currency\": \"TRY\"}, \"items\": [{\"sku\": \"A-1\", \"name\":"
    " \"Tişört\", \"category\": \"giyim\", \"qty\": 1, \"price\": \"100.00\"}]},"
    "{\"id\": \"1000002\", \"created_at\": \"2026-11-21T10:00:00+03:00\", \"status\": \"received\","
    " \"customer\": {\"name\": \"Ayşe Yılmaz\", \"email\": \"AYSE@example.com\","
    " \"phone\": \"0532 123 45 67\"}, \"payment\": {\"method\": \"card\", \"installments\": 1,"
    " \"total\": \"50.00\", \"currency\": \"TRY\"}, \"items\": [{\"sku\": \"B-1\", \"name\":"
    " \"Kupa\", \"category\": \"ev\", \"qty\": 1, \"price\": \"50.00\"}]},"
    "{\"id\": \"2000001\", \"created_at\": \"2026-11-22T10:00:00+03:00\", \"status\": "
    "\"preparing\","
    " \"customer\": {\"name\": \"Mehmet Demir\", \"email\": \"mehmet@example.com\","
    " \"phone\": \"+905559876543\"}, \"payment\": {\"method\": \"card\", \"installments\": 1,"
    " \"total\": \"70.00\", \"currency\": \"TRY\"}, \"items\": [{\"sku\": \"C-1\", \"name\":"
    " \"Kalem\", \"category\": \"ofis\", \"qty\": 1, \"price\": \"70.00\"}]}]}";

static void test_contact_key(void)
{
    CHECK_CONTEXT("contact key");
    char k[STORE_CONTACT_KEY_LEN];
    CHECK(store_contact_key(" Ayse@Example.COM ", k));
    CHECK_EQ_STR(k, "e:ayse@example.com");
    CHECK(store_contact_key("+90 532 123 45 67", k));
    CHECK_EQ_STR(k, "p:5321234567");
    CHECK(store_contact_key("0 (532) 123-45-67", k));
    CHECK_EQ_STR(k, "p:5321234567");
    CHECK(store_contact_key("5321234567", k));
    CHECK_EQ_STR(k, "p:5321234567");
    CHECK(!store_contact_key("123 45 67", k)); /* too short for a phone */
    CHECK_EQ_STR(k, "");
    CHECK(!store_contact_key("beni arayın 0532 123 45 67", k)); /* words */
    CHECK(!store_contact_key("a b@c.d", k));
    CHECK(!store_contact_key(NULL, k));
}

/* A conversation with two messages carrying marker, the order verified in
 * it and/or a contact; returns its id. */
static long long conversation(store_db *db, const char *token, const char *order,
                              const char *contact, const char *marker, const char *at)
{
    long long id = 0;
    char text[160], key[STORE_CONTACT_KEY_LEN];
    CHECK_STATUS(store_conversation_create(db, token, at, &id, NULL), DS_OK);
    snprintf(text, sizeof text, "siparişim nerede %s", marker);
    CHECK_STATUS(store_message_add(db, id, "shopper", "c1", text, NULL, at, NULL, NULL), DS_OK);
    snprintf(text, sizeof text, "yanıt %s", marker);
    CHECK_STATUS(store_message_add(db, id, "bot", NULL, text, "{\"intent\":\"x\"}", at, NULL, NULL),
                 DS_OK);
    snprintf(text, sizeof text, "{\"order\":\"%s\",\"note\":\"%s\"}", order ? order : "", marker);
    CHECK_STATUS(store_conversation_save_state(db, id, text, NULL), DS_OK);
    if (contact)
        store_contact_key(contact, key);
    CHECK_STATUS(store_conversation_set_subject(db, id, order, contact ? key : NULL, NULL), DS_OK);
    return id;
}

/* What is in the files: SQLite's file and WAL are the store's to scrub;
 * PostgreSQL's files are the server's (VACUUM, docs/PRIVACY.md). */
#define FILE_CHECK(x) \
    do {              \
        if (!on_pg)   \
            CHECK(x); \
    } while (0)
#define FILE_CHECK_MSG(x, ...)         \
    do {                               \
        if (!on_pg)                    \
            CHECK_MSG(x, __VA_ARGS__); \
    } while (0)

/* 1 when the raw bytes of path (and its -wal) contain s. */
static int file_has(const char *path, const char *s)
{
    int found = 0;
    for (int w = 0; w < 2; w++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", path, w ? "-wal" : "");
        size_t len = 0;
        char *b = read_all(p, &len);
        for (size_t i = 0; b && !found && i + strlen(s) <= len; i++)
            found = memcmp(b + i, s, strlen(s)) == 0;
        ds_free(b);
    }
    return found;
}

static void fill(store_db *db, long long ids[4])
{
    CHECK_STATUS(store_import_orders(db, orders_json, strlen(orders_json), NULL, NULL), DS_OK);
    ids[0] = conversation(db, "t1", "1000001", NULL, "AYSE-MARKER-ONE", NOW);
    /* an offline request that left Ayşe's phone, spelt another way */
    ids[1] = conversation(db, "t2", NULL, NULL, "AYSE-MARKER-TWO", NOW);
    long long h = 0;
    CHECK_STATUS(store_handoff_open(db, ids[1], "offline", "normal", "offline", NULL,
                                    "AYSE-MARKER-TWO preview",
                                    "{\"name\":\"Ayşe\",\"contact\":\"0532 123 4567\","
                                    "\"message\":\"AYSE-MARKER-OFFLINE\"}",
                                    NOW, NOW_UTC, &h, NULL, NULL),
                 DS_OK);
    ids[2] = conversation(db, "t3", "2000001", NULL, "MEHMET-MARKER", NOW);
    ids[3] = conversation(db, "t4", NULL, "ayse@example.com", "AYSE-MARKER-SIGNED", NOW);
    CHECK_STATUS(store_request_add(db, "address_change", "1000002", "normal",
                                   "{\"address\":\"AYSE-MARKER-ADDRESS\"}", NOW, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_return_add(db, "case", "1000001", "[]", "hasarli", "open", NULL, "normal",
                                  "{\"description\":\"AYSE-MARKER-CASE\"}", NOW, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_return_add(db, "case", "2000001", "[]", "hasarli", "open", NULL, "normal",
                                  "{\"description\":\"MEHMET-MARKER-CASE\"}", NOW, NULL, NULL),
                 DS_OK);
}

static void test_export(void)
{
    CHECK_CONTEXT("export");
    char path[256];
    store_db *db = open_fresh("export.db", path, sizeof path);
    if (!db)
        return;
    long long ids[4];
    fill(db, ids);
    static const store_subject_kind kinds[] = {STORE_SUBJECT_EMAIL, STORE_SUBJECT_PHONE,
                                               STORE_SUBJECT_ORDER};
    static const char *const values[] = {"Ayse@Example.com", "+90 (532) 123 45 67", "1000002"};
    for (size_t k = 0; k < 3; k++) {
        char *json = NULL;
        CHECK_STATUS(store_privacy_export(db, kinds[k], values[k], &json, NULL), DS_OK);
        json_t *root = json ? json_loads(json, 0, NULL) : NULL;
        CHECK(root != NULL);
        json_t *convs = json_object_get(root, "conversations");
        CHECK_EQ_INT((long long)json_array_size(convs), 3);
        CHECK(json && strstr(json, "AYSE-MARKER-ONE") && strstr(json, "AYSE-MARKER-TWO") &&
              strstr(json, "AYSE-MARKER-SIGNED") && strstr(json, "AYSE-MARKER-OFFLINE") &&
              strstr(json, "AYSE-MARKER-ADDRESS") && strstr(json, "AYSE-MARKER-CASE"));
        CHECK(json && !strstr(json, "MEHMET"));
        json_t *c0 = json_array_get(convs, 0);
        CHECK_EQ_INT((long long)json_array_size(json_object_get(c0, "messages")), 2);
        CHECK_EQ_STR(json_string_value(json_object_get(
                         json_array_get(json_object_get(c0, "messages"), 0), "role")),
                     "shopper");
        CHECK_EQ_INT((long long)json_array_size(json_object_get(root, "requests")), 2);
        CHECK_EQ_INT((long long)json_array_size(json_object_get(root, "returns")), 1);
        CHECK_EQ_INT(
            (long long)json_array_size(json_object_get(json_object_get(root, "subject"), "orders")),
            2);
        json_decref(root);
        ds_free(json);
    }
    char *json = NULL;
    CHECK_STATUS(store_privacy_export(db, STORE_SUBJECT_EMAIL, "nobody@example.com", &json, NULL),
                 DS_OK);
    CHECK(json && strstr(json, "\"conversations\": []"));
    ds_free(json);
    CHECK_STATUS(store_privacy_export(db, STORE_SUBJECT_EMAIL, "not an email", &json, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_privacy_export(db, STORE_SUBJECT_PHONE, "12345", &json, NULL), DS_EINVAL);
    store_close(db);
}

static void test_erase(void)
{
    CHECK_CONTEXT("erase");
    char path[256], buf[256];
    store_db *db = open_fresh("erase.db", path, sizeof path);
    if (!db)
        return;
    long long ids[4];
    fill(db, ids);
    FILE_CHECK(file_has(path, "AYSE-MARKER-ONE"));
    store_destruction d;
    CHECK_STATUS(store_privacy_erase(db, STORE_SUBJECT_PHONE, "05321234567", NOW, &d, NULL), DS_OK);
    CHECK_EQ_INT(d.conversations, 3);
    CHECK_EQ_INT(d.messages, 6);
    CHECK_EQ_INT(d.handoffs, 1);
    CHECK_EQ_INT(d.requests, 2); /* the offline request and the address change */
    CHECK_EQ_INT(d.returns, 1);
    CHECK_EQ_STR(d.rule, "erase:phone");
    /* nothing of Ayşe's words anywhere in the files, Mehmet's all there */
    static const char *const gone[] = {"AYSE-MARKER-ONE",     "AYSE-MARKER-TWO",
                                       "AYSE-MARKER-SIGNED",  "AYSE-MARKER-OFFLINE",
                                       "AYSE-MARKER-ADDRESS", "AYSE-MARKER-CASE"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        FILE_CHECK_MSG(!file_has(path, gone[i]), "%s is still in the files", gone[i]);
    FILE_CHECK(file_has(path, "MEHMET-MARKER"));
    store_message *m = NULL;
    size_t n = 0;
    CHECK_STATUS(store_messages_list(db, ids[2], 0, &m, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    store_messages_free(m, n);
    /* the shop's records stay */
    CHECK_EQ_INT(count_orders(path), 3);
    CHECK_EQ_INT(count_returns(path), 2);
    CHECK_EQ_INT(count_requests(path), 1);
    raw_query(path, "SELECT count(*) FROM conversations", buf, sizeof buf);
    CHECK_EQ_STR(buf, "1");
    /* the record says what and how much, never whose */
    store_destruction *log = NULL;
    CHECK_STATUS(store_destructions_list(db, &log, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 1);
    if (n == 1)
        CHECK_EQ_INT(log[0].messages, 6);
    ds_free(log);
    raw_query(path, "SELECT group_concat(rule || at, ',') FROM destructions", buf, sizeof buf);
    CHECK(!strstr(buf, "532") && !strstr(buf, "ayse"));
    /* erasing again finds nothing and still records the request */
    CHECK_STATUS(store_privacy_erase(db, STORE_SUBJECT_EMAIL, "ayse@example.com", NOW, &d, NULL),
                 DS_OK);
    CHECK_EQ_INT(d.conversations + d.messages + d.requests + d.handoffs + d.returns, 0);
    CHECK_STATUS(store_privacy_erase(db, STORE_SUBJECT_ORDER, "1000001", "yesterday", &d, NULL),
                 DS_EINVAL);
    store_close(db);
}

static void test_purge(void)
{
    CHECK_CONTEXT("purge");
    char path[256], buf[256];
    store_db *db = open_fresh("purge.db", path, sizeof path);
    if (!db)
        return;
    CHECK_STATUS(store_import_orders(db, orders_json, strlen(orders_json), NULL, NULL), DS_OK);
    long long old =
        conversation(db, "o1", "1000001", NULL, "OLD-MARKER", "2026-01-10T12:00:00+03:00");
    long long h = 0;
    CHECK_STATUS(store_handoff_open(db, old, "waiting", "normal", "x", NULL, "OLD-PREVIEW", NULL,
                                    "2026-01-10T12:00:00+03:00", 1768035600LL, &h, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_handoff_end(db, h, "closed", "2026-01-10T12:30:00+03:00", NULL), DS_OK);
    CHECK_STATUS(store_handoff_rate(db, old, 5, "OLD-COMMENT", NULL, NULL), DS_OK);
    CHECK_STATUS(store_handoff_rate(db, old, 1, "again", NULL, NULL), DS_ECONFLICT); /* once */
    long long fresh = conversation(db, "n1", "2000001", NULL, "NEW-MARKER", NOW);
    store_retention r = {.messages_days = 180,
                         .offline_requests_days = 30,
                         .handoff_notes_days = 180,
                         .records_days = 1095};
    store_destruction d[STORE_PURGE_RULES];
    CHECK_STATUS(store_privacy_purge(db, &r, NOW_UTC, NOW, d, NULL), DS_OK);
    CHECK_EQ_STR(d[0].rule, "retention:messages");
    CHECK_EQ_INT(d[0].messages, 2);
    CHECK_EQ_INT(d[0].conversations, 1); /* its saved dialogue */
    CHECK_EQ_INT(d[2].handoffs, 1);
    FILE_CHECK(!file_has(path, "OLD-MARKER") && !file_has(path, "OLD-PREVIEW") &&
               !file_has(path, "OLD-COMMENT"));
    FILE_CHECK(file_has(path, "NEW-MARKER"));
    /* the counts a report needs stay: the conversation, the hand-off, its score */
    raw_query(path, "SELECT count(*) || '/' || (SELECT rating FROM handoffs) FROM conversations",
              buf, sizeof buf);
    CHECK_EQ_STR(buf, "2/5");
    store_message *m = NULL;
    size_t n = 0;
    CHECK_STATUS(store_messages_list(db, fresh, 0, &m, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    store_messages_free(m, n);
    /* 0 keeps; records older than their own retention go */
    store_retention keep = {0};
    keep.records_days = 1;
    CHECK_STATUS(store_privacy_purge(db, &keep, NOW_UTC + 3 * 86400LL, NOW, d, NULL), DS_OK);
    FILE_CHECK(file_has(path, "NEW-MARKER"));
    store_destruction *log = NULL;
    CHECK_STATUS(store_destructions_list(db, &log, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 3); /* the first run's three went, this run's three stay */
    ds_free(log);
    store_close(db);
}

static void test_identity(void)
{
    CHECK_CONTEXT("identity");
    char path[256];
    store_db *db = open_fresh("identity.db", path, sizeof path);
    if (!db)
        return;
    CHECK_STATUS(store_import_orders(db, orders_json, strlen(orders_json), NULL, NULL), DS_OK);
    long long until = 1, t = NOW_UTC;
    CHECK_STATUS(store_identity_status(db, "1000001", t, &until, NULL), DS_OK);
    CHECK_EQ_INT(until, 0);
    for (int i = 0; i < 2; i++) {
        CHECK_STATUS(store_identity_failed(db, "1000001", "shopper:conv-1", NOW, t + i, 3, 900,
                                           &until, NULL),
                     DS_OK);
        CHECK_EQ_INT(until, 0);
    }
    CHECK_STATUS(
        store_identity_failed(db, "1000001", "shopper:conv-2", NOW, t + 2, 3, 900, &until, NULL),
        DS_OK);
    CHECK_EQ_INT(until, t + 2 + 900);
    CHECK_STATUS(store_identity_status(db, "1000001", t + 100, &until, NULL), DS_OK);
    CHECK_EQ_INT(until, t + 2 + 900);
    CHECK_STATUS(store_identity_status(db, "1000001", t + 1000, &until, NULL), DS_OK);
    CHECK_EQ_INT(until, 0);
    /* the lock is in the order's audit; the next one lasts twice as long */
    store_audit *a = NULL;
    size_t n = 0;
    CHECK_STATUS(store_order_audit(db, "1000001", &a, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 1);
    if (n == 1) {
        CHECK_EQ_STR(a[0].action, "identity_locked");
        CHECK_EQ_STR(a[0].actor, "shopper:conv-2");
        CHECK_EQ_STR(a[0].old_status, "preparing");
    }
    store_audit_free(a, n);
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(
            store_identity_failed(db, "1000001", "x", NOW, t + 1000 + i, 3, 900, &until, NULL),
            DS_OK);
    CHECK_EQ_INT(until, t + 1002 + 1800);
    /* a success forgets the failures: two more do not lock */
    CHECK_STATUS(store_identity_passed(db, "1000001", NULL), DS_OK);
    CHECK_STATUS(store_identity_failed(db, "1000001", "x", NOW, t + 5000, 3, 900, &until, NULL),
                 DS_OK);
    CHECK_STATUS(store_identity_failed(db, "1000001", "x", NOW, t + 5001, 3, 900, &until, NULL),
                 DS_OK);
    CHECK_EQ_INT(until, 0);
    /* failures a day apart do not add up */
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(
            store_identity_failed(db, "2000001", "x", NOW, t + i * 90000LL, 3, 900, &until, NULL),
            DS_OK);
    CHECK_EQ_INT(until, 0);
    /* an order the shop does not have locks too, without an audit line */
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(store_identity_failed(db, "7777777", "x", NOW, t + i, 3, 900, &until, NULL),
                     DS_OK);
    CHECK_EQ_INT(until, t + 2 + 900);
    store_close(db);
}

static void test_access(void)
{
    CHECK_CONTEXT("access");
    char path[256];
    store_db *db = open_fresh("access.db", path, sizeof path);
    if (!db)
        return;
    long long agent = 0, c = 0;
    CHECK_STATUS(store_agent_add(db, "Elif", "hash1", 3, NOW, &agent, NULL), DS_OK);
    CHECK_STATUS(store_conversation_create(db, "tok", NOW, &c, NULL), DS_OK);
    CHECK_STATUS(store_access_add(db, agent, c, "claim", NOW, NULL), DS_OK);
    CHECK_STATUS(store_access_add(db, agent, c + 1, "claim", NOW, NULL), DS_OK);
    store_access *a = NULL;
    size_t n = 0;
    CHECK_STATUS(store_access_list(db, c, &a, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 1);
    if (n == 1) {
        CHECK_EQ_STR(a[0].agent, "Elif");
        CHECK_EQ_STR(a[0].action, "claim");
        CHECK_EQ_INT(a[0].conversation, c);
    }
    ds_free(a);
    CHECK_STATUS(store_access_list(db, 0, &a, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    ds_free(a);
    store_close(db);
}

int main(int argc, char **argv)
{
    int init = store_test_init(argc, argv, "privacy");
    if (init != 0)
        return init;
    ds_json_use_ds_alloc();
    test_contact_key();
    test_export();
    test_erase();
    test_purge();
    test_identity();
    test_access();
    cleanup();
    return CHECK_MAIN_RESULT();
}
