/* SPDX-License-Identifier: MIT */
/* Attachments in the store (schema 14, keys 15): an attachment and its conversation
 * entry written together and read back byte for byte (NUL bytes, megabytes),
 * only within its conversation; refused input; an upload's idempotency key
 * storing it once (per conversation and side, in a batch too); a failure at any step
 * leaving nothing; erased with the customer's conversations and purged with
 * the messages' retention (gone from the raw files on SQLite); exported as a
 * description without the bytes. With --pg, the same on PostgreSQL (bytea
 * bound and read in binary). */
#include <jansson.h>
#include <stdlib.h>

#include "store_check.h"

#define NOW "2026-11-20T10:15:00+03:00"
#define NOW_UTC 1795164900LL

static long long new_conversation(store_db *db, const char *token, const char *contact)
{
    long long id = 0;
    CHECK_STATUS(store_conversation_create(db, token, NOW, &id, NULL), DS_OK);
    CHECK_STATUS(
        store_message_add(db, id, "shopper", "c1", "kutu ezik geldi", NULL, NOW, NULL, NULL),
        DS_OK);
    if (contact)
        CHECK_STATUS(store_conversation_set_subject(db, id, NULL, contact, NULL), DS_OK);
    return id;
}

/* Bytes that a text column would cut short: NULs, high bytes, a marker. */
static unsigned char *pattern(size_t len, const char *marker)
{
    unsigned char *b = malloc(len);
    for (size_t i = 0; i < len; i++)
        b[i] = (unsigned char)((i * 7919u) >> 3);
    b[0] = 0;
    if (marker)
        memcpy(b + len / 2, marker, strlen(marker));
    return b;
}

static int raw_has(const char *path, const char *s)
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

static void test_add_get(void)
{
    CHECK_CONTEXT("add and get");
    char path[256];
    store_db *db = open_fresh("add.db", path, sizeof path);
    if (!db)
        return;
    CHECK_EQ_INT(store_schema_version(db), STORE_SCHEMA_VERSION);
    long long c1 = new_conversation(db, "h1", NULL), c2 = new_conversation(db, "h2", NULL);
    size_t big = 3 * 1024 * 1024 + 17;
    unsigned char *bytes = pattern(big, "PHOTO-MARKER");
    store_attachment a;
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, NULL, "image/jpeg", bytes, big, 2048,
                                      1536, NOW, &a, NULL, NULL),
                 DS_OK);
    CHECK(a.id > 0 && a.message > 0);
    CHECK_EQ_INT(a.conversation, c1);
    CHECK_EQ_INT(a.size, (long long)big);
    store_attachment g;
    void *data = NULL;
    size_t len = 0;
    CHECK_STATUS(store_attachment_get(db, a.id, c1, &g, &data, &len, NULL), DS_OK);
    CHECK_EQ_INT((long long)len, (long long)big);
    CHECK(data && memcmp(data, bytes, big) == 0);
    CHECK_EQ_STR(g.who, "shopper");
    CHECK_EQ_STR(g.type, "image/jpeg");
    CHECK_EQ_INT(g.width, 2048);
    CHECK_EQ_INT(g.height, 1536);
    CHECK_EQ_INT(g.message, a.message);
    CHECK_EQ_STR(g.created_at, NOW);
    ds_free(data);
    /* another conversation's, or none: the same answer */
    data = NULL;
    CHECK_STATUS(store_attachment_get(db, a.id, c2, &g, &data, &len, NULL), DS_ENOTFOUND);
    CHECK(data == NULL);
    CHECK_STATUS(store_attachment_get(db, a.id + 100, 0, &g, NULL, NULL, NULL), DS_ENOTFOUND);
    CHECK_STATUS(store_attachment_get(db, a.id, 0, &g, NULL, NULL, NULL), DS_OK);
    /* the conversation entry made for it, as transcripts read it */
    store_message *m = NULL;
    size_t n = 0;
    CHECK_STATUS(store_messages_list(db, c1, 0, &m, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    if (n == 2) {
        CHECK_EQ_INT(m[1].id, a.message);
        CHECK_EQ_STR(m[1].role, "shopper");
        CHECK_EQ_STR(m[1].text, "");
        json_t *d = m[1].details ? json_loads(m[1].details, 0, NULL) : NULL;
        json_t *att = json_object_get(d, "attachment");
        CHECK_EQ_INT(json_integer_value(json_object_get(att, "id")), a.id);
        CHECK_EQ_STR(json_string_value(json_object_get(att, "type")), "image/jpeg");
        CHECK_EQ_INT(json_integer_value(json_object_get(att, "size")), (long long)big);
        CHECK_EQ_INT(json_integer_value(json_object_get(att, "width")), 2048);
        json_decref(d);
    }
    store_messages_free(m, n);
    /* an agent's PDF, named in its entry */
    const char pdf[] = "%PDF-1.4\n%%EOF\n";
    store_attachment p;
    CHECK_STATUS(store_attachment_add(db, c1, "agent", "Zeynep", NULL, "application/pdf", pdf,
                                      sizeof pdf - 1, 0, 0, NOW, &p, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_messages_list(db, c1, 1, &m, &n, NULL), DS_OK);
    CHECK(n == 1 && m[0].details && strstr(m[0].details, "\"agent\":\"Zeynep\""));
    CHECK(n == 1 && strcmp(m[0].role, "agent") == 0);
    store_messages_free(m, n);
    store_attachment *list = NULL;
    CHECK_STATUS(store_attachments_list(db, c1, &list, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    if (n == 2) {
        CHECK_EQ_INT(list[0].id, a.id);
        CHECK_EQ_STR(list[1].who, "agent");
        CHECK_EQ_INT(list[1].size, (long long)(sizeof pdf - 1));
    }
    ds_free(list);
    CHECK_STATUS(store_attachments_list(db, c2, &list, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 0);
    ds_free(list);
    /* refused */
    CHECK_STATUS(store_attachment_add(db, c1, "bot", NULL, NULL, "image/png", bytes, 10, 1, 1, NOW,
                                      NULL, NULL, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, NULL, "image/png", bytes, 0, 1, 1,
                                      NOW, NULL, NULL, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, NULL, "image/png", bytes, 10, 1, 1,
                                      "yesterday", NULL, NULL, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_attachment_add(db, c2 + 1000, "shopper", NULL, NULL, "image/png", bytes, 10,
                                      1, 1, NOW, NULL, NULL, NULL),
                 DS_ENOTFOUND);
    /* inside a batch: a savepoint of it; a failed one leaves the batch usable */
    CHECK_STATUS(store_batch_begin(db, NULL), DS_OK);
    CHECK_STATUS(store_attachment_add(db, c2, "shopper", NULL, NULL, "image/png", bytes, 64, 4, 4,
                                      NOW, &a, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_attachment_add(db, c2 + 1000, "shopper", NULL, NULL, "image/png", bytes, 10,
                                      1, 1, NOW, NULL, NULL, NULL),
                 DS_ENOTFOUND);
    CHECK_STATUS(store_batch_commit(db, NULL), DS_OK);
    CHECK_STATUS(store_attachment_get(db, a.id, c2, &g, &data, &len, NULL), DS_OK);
    CHECK(len == 64 && memcmp(data, bytes, 64) == 0);
    ds_free(data);
    free(bytes);
    store_close(db);
}

/* Every step of an add failing in turn: a clean DS_EDB and nothing left. */
static void test_faults(void)
{
    CHECK_CONTEXT("faults");
    char path[256];
    store_db *db = open_fresh("faults.db", path, sizeof path);
    if (!db)
        return;
    long long c = new_conversation(db, "h1", NULL);
    const char bytes[] = "\xff\xd8\xff\x00 not really a jpeg";
    int stored = 0;
    for (unsigned long n = 1; n < 20 && !stored; n++) {
        store_fail_step_after(db, n);
        ds_status st = store_attachment_add(db, c, "shopper", NULL, NULL, "image/jpeg", bytes,
                                            sizeof bytes, 1, 1, NOW, NULL, NULL, NULL);
        store_fail_step_after(db, 0);
        store_attachment *list = NULL;
        size_t count = 0;
        store_message *m = NULL;
        size_t mc = 0;
        CHECK_STATUS(store_attachments_list(db, c, &list, &count, NULL), DS_OK);
        CHECK_STATUS(store_messages_list(db, c, 0, &m, &mc, NULL), DS_OK);
        ds_free(list);
        store_messages_free(m, mc);
        if (st == DS_OK) {
            stored = 1;
            CHECK_EQ_INT((long long)count, 1);
            CHECK_EQ_INT((long long)mc, 2);
        } else {
            CHECK_STATUS(st, DS_EDB);
            CHECK_EQ_INT((long long)count, 0);
            CHECK_EQ_INT((long long)mc, 1);
        }
    }
    CHECK(stored);
    store_close(db);
}

static void test_privacy(void)
{
    CHECK_CONTEXT("privacy");
    char path[256];
    store_db *db = open_fresh("privacy.db", path, sizeof path);
    if (!db)
        return;
    long long ayse = new_conversation(db, "h1", "e:ayse@example.com");
    long long mehmet = new_conversation(db, "h2", "e:mehmet@example.com");
    unsigned char *a_bytes = pattern(200000, "AYSE-PHOTO-MARKER");
    unsigned char *m_bytes = pattern(200000, "MEHMET-PHOTO-MARKER");
    store_attachment a, m;
    CHECK_STATUS(store_attachment_add(db, ayse, "shopper", NULL, NULL, "image/jpeg", a_bytes,
                                      200000, 640, 480, NOW, &a, NULL, NULL),
                 DS_OK);
    CHECK_STATUS(store_attachment_add(db, mehmet, "shopper", NULL, NULL, "image/jpeg", m_bytes,
                                      200000, 640, 480, NOW, &m, NULL, NULL),
                 DS_OK);
    /* the export describes it, without the bytes */
    char *json = NULL;
    CHECK_STATUS(store_privacy_export(db, STORE_SUBJECT_EMAIL, "ayse@example.com", &json, NULL),
                 DS_OK);
    json_t *root = json ? json_loads(json, 0, NULL) : NULL;
    json_t *atts =
        json_object_get(json_array_get(json_object_get(root, "conversations"), 0), "attachments");
    CHECK_EQ_INT((long long)json_array_size(atts), 1);
    json_t *x = json_array_get(atts, 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(x, "id")), a.id);
    CHECK_EQ_INT(json_integer_value(json_object_get(x, "message")), a.message);
    CHECK_EQ_STR(json_string_value(json_object_get(x, "type")), "image/jpeg");
    CHECK_EQ_INT(json_integer_value(json_object_get(x, "size")), 200000);
    CHECK_EQ_INT(json_integer_value(json_object_get(x, "width")), 640);
    CHECK_EQ_STR(json_string_value(json_object_get(x, "who")), "shopper");
    CHECK(json && !strstr(json, "AYSE-PHOTO-MARKER"));
    json_decref(root);
    ds_free(json);
    /* erased with her conversation, from the files too; his stays */
    if (!on_pg)
        CHECK(raw_has(path, "AYSE-PHOTO-MARKER"));
    store_destruction d;
    CHECK_STATUS(store_privacy_erase(db, STORE_SUBJECT_EMAIL, "ayse@example.com", NOW, &d, NULL),
                 DS_OK);
    CHECK_EQ_INT(d.conversations, 1);
    CHECK_EQ_INT(d.messages, 2); /* the attachment's entry among them */
    store_attachment g;
    CHECK_STATUS(store_attachment_get(db, a.id, 0, &g, NULL, NULL, NULL), DS_ENOTFOUND);
    CHECK_STATUS(store_attachment_get(db, m.id, mehmet, &g, NULL, NULL, NULL), DS_OK);
    if (!on_pg) {
        CHECK_MSG(!raw_has(path, "AYSE-PHOTO-MARKER"), "the erased photo is still in the files");
        CHECK(raw_has(path, "MEHMET-PHOTO-MARKER"));
    } else {
        char buf[64];
        raw_query(path, "SELECT count(*) FROM attachments", buf, sizeof buf);
        CHECK_EQ_STR(buf, "1");
    }
    /* the messages' retention takes attachments with their entries */
    store_retention r = {180, 30, 180, 1095};
    store_destruction out[STORE_PURGE_RULES];
    CHECK_STATUS(store_privacy_purge(db, &r, NOW_UTC + 181LL * 86400, NOW, out, NULL), DS_OK);
    CHECK_EQ_INT(out[0].messages, 2);
    CHECK_STATUS(store_attachment_get(db, m.id, 0, &g, NULL, NULL, NULL), DS_ENOTFOUND);
    if (!on_pg)
        CHECK_MSG(!raw_has(path, "MEHMET-PHOTO-MARKER"), "the purged photo is still in the files");
    free(a_bytes);
    free(m_bytes);
    store_close(db);
}

/* An upload sent again under its key is stored once: the first row back,
 * flagged a duplicate; the key is the conversation's and the side's. */
static void test_keyed(void)
{
    CHECK_CONTEXT("keyed");
    char path[256];
    store_db *db = open_fresh("keyed.db", path, sizeof path);
    if (!db)
        return;
    long long c1 = new_conversation(db, "h1", NULL), c2 = new_conversation(db, "h2", NULL);
    const char bytes[] = "\xff\xd8\xff\x00 a photo";
    store_attachment a, b, f;
    int dup = -1;
    CHECK_STATUS(store_attachment_find(db, c1, "shopper", "u-1", &f, NULL), DS_ENOTFOUND);
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, "u-1", "image/jpeg", bytes,
                                      sizeof bytes, 4, 3, NOW, &a, &dup, NULL),
                 DS_OK);
    CHECK_EQ_INT(dup, 0);
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, "u-1", "image/jpeg", bytes,
                                      sizeof bytes - 1, 8, 6, "2026-11-20T10:16:00+03:00", &b, &dup,
                                      NULL),
                 DS_OK);
    CHECK_EQ_INT(dup, 1);
    CHECK_EQ_INT(b.id, a.id);
    CHECK_EQ_INT(b.message, a.message);
    CHECK_EQ_INT(b.size, a.size);
    CHECK_EQ_INT(b.width, 4);
    CHECK_EQ_STR(b.created_at, NOW);
    CHECK_STATUS(store_attachment_find(db, c1, "shopper", "u-1", &f, NULL), DS_OK);
    CHECK_EQ_INT(f.id, a.id);
    /* the agent's key of the same name, the same key in another conversation,
     * and no key at all are other uploads */
    CHECK_STATUS(store_attachment_add(db, c1, "agent", "Oya", "u-1", "image/jpeg", bytes,
                                      sizeof bytes, 4, 3, NOW, &b, &dup, NULL),
                 DS_OK);
    CHECK(dup == 0 && b.id != a.id);
    CHECK_STATUS(store_attachment_add(db, c2, "shopper", NULL, "u-1", "image/jpeg", bytes,
                                      sizeof bytes, 4, 3, NOW, &b, &dup, NULL),
                 DS_OK);
    CHECK(dup == 0 && b.id != a.id);
    for (int i = 0; i < 2; i++) {
        CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, NULL, "image/jpeg", bytes,
                                          sizeof bytes, 4, 3, NOW, &b, &dup, NULL),
                     DS_OK);
        CHECK_EQ_INT(dup, 0);
    }
    /* in one batch (the server's group commit): the second finds the first */
    CHECK_STATUS(store_batch_begin(db, NULL), DS_OK);
    CHECK_STATUS(store_attachment_add(db, c2, "shopper", NULL, "u-2", "image/png", bytes,
                                      sizeof bytes, 1, 1, NOW, &a, &dup, NULL),
                 DS_OK);
    CHECK_STATUS(store_attachment_add(db, c2, "shopper", NULL, "u-2", "image/png", bytes,
                                      sizeof bytes, 1, 1, NOW, &b, &dup, NULL),
                 DS_OK);
    CHECK(dup == 1 && b.id == a.id);
    CHECK_STATUS(store_batch_commit(db, NULL), DS_OK);
    store_attachment *list = NULL;
    size_t n = 0;
    CHECK_STATUS(store_attachments_list(db, c1, &list, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 4); /* u-1, the agent's u-1, two without a key */
    ds_free(list);
    CHECK_STATUS(store_attachments_list(db, c2, &list, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 2);
    ds_free(list);
    store_message *m = NULL;
    CHECK_STATUS(store_messages_list(db, c1, 0, &m, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 5); /* the shopper's text and one entry each */
    store_messages_free(m, n);
    /* refused keys */
    char big[STORE_CLIENT_ID_MAX_LEN + 2];
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, big, "image/jpeg", bytes,
                                      sizeof bytes, 4, 3, NOW, NULL, NULL, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, "", "image/jpeg", bytes,
                                      sizeof bytes, 4, 3, NOW, NULL, NULL, NULL),
                 DS_EINVAL);
    CHECK_STATUS(store_attachment_find(db, c1, "shopper", "", &f, NULL), DS_EINVAL);
    /* every step failing in turn: a clean status, nothing stored twice */
    for (unsigned long k = 1; k < 20; k++) {
        store_fail_step_after(db, k);
        ds_status st = store_attachment_add(db, c1, "shopper", NULL, "u-3", "image/jpeg", bytes,
                                            sizeof bytes, 4, 3, NOW, &b, &dup, NULL);
        store_fail_step_after(db, 0);
        CHECK(st == DS_OK || st == DS_EDB);
    }
    CHECK_STATUS(store_attachment_add(db, c1, "shopper", NULL, "u-3", "image/jpeg", bytes,
                                      sizeof bytes, 4, 3, NOW, &b, &dup, NULL),
                 DS_OK);
    CHECK_EQ_INT(dup, 1);
    CHECK_STATUS(store_attachments_list(db, c1, &list, &n, NULL), DS_OK);
    CHECK_EQ_INT((long long)n, 5);
    ds_free(list);
    store_close(db);
}

int main(int argc, char **argv)
{
    int init = store_test_init(argc, argv, "attachments");
    if (init != 0)
        return init;
    ds_json_use_ds_alloc();
    test_add_get();
    test_faults();
    test_keyed();
    test_privacy();
    cleanup();
    return CHECK_MAIN_RESULT();
}
