/* SPDX-License-Identifier: MIT */
/* The review loop's items: shopper messages the bot did not understand
 * (answered as fallback), was unsure of (a clarifying question), or that
 * were followed at once by a request for a person; found in the stored
 * messages, the same text once. Same threading rule as store.h. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ds_map.h"
#include "store_int.h"

typedef struct item {
    char *text;
    char key[512];
    char intent[48];
    long long count, conversation;
    char last_seen[40];
} item;

typedef struct scan {
    item *v;
    size_t n, cap;
    ds_map *index; /* group key -> position + 1 */
    store_review_key_fn key;
    void *key_ctx;
    int oom;
} scan;

static size_t group_key(const scan *s, const char *text, char *key, size_t cap)
{
    size_t n = s->key ? s->key(s->key_ctx, text, key, cap) : 0;
    if (n)
        return n;
    for (const char *p = text; *p && n + 1 < cap; p++)
        key[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
    return n;
}

static void note(scan *s, const char *text, const char *intent, const char *at, long long conv)
{
    if (!text || !text[0] || s->oom)
        return;
    char key[512];
    size_t n = group_key(s, text, key, sizeof key);
    size_t pos = 0;
    if (ds_map_get(s->index, key, n, &pos)) {
        item *it = &s->v[pos - 1];
        it->count++;
        if (strcmp(at, it->last_seen) >= 0) { /* the group shows its latest wording */
            char *t = ds_strdup(text);
            if (t) {
                ds_free(it->text);
                it->text = t;
            }
            snprintf(it->last_seen, sizeof it->last_seen, "%s", at);
            snprintf(it->intent, sizeof it->intent, "%s", intent);
            it->conversation = conv;
        }
        return;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        item *v = ds_realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->oom = 1;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    item *it = &s->v[s->n];
    if (!(it->text = ds_strdup(text)) || ds_map_put(s->index, key, n, s->n + 1) != DS_OK) {
        ds_free(it->text);
        s->oom = 1;
        return;
    }
    s->n++;
    memcpy(it->key, key, n);
    it->key[n] = '\0';
    snprintf(it->intent, sizeof it->intent, "%s", intent);
    snprintf(it->last_seen, sizeof it->last_seen, "%s", at);
    it->count = 1;
    it->conversation = conv;
}

/* What a stored bot reply says of itself: its intent, whether it asked to
 * clarify (and its best guess then), whether it was a shopper asking for
 * a person. */
typedef struct verdict {
    char intent[48];
    int unsure, person;
} verdict;

static void read_details(const char *details, verdict *v)
{
    memset(v, 0, sizeof *v);
    json_t *d = details ? json_loads(details, 0, NULL) : NULL;
    const char *intent = json_string_value(json_object_get(d, "intent"));
    snprintf(v->intent, sizeof v->intent, "%s", intent ? intent : "fallback");
    v->unsure = json_is_true(json_object_get(d, "clarify")) || strcmp(v->intent, "fallback") == 0;
    const char *why = json_string_value(json_object_get(json_object_get(d, "handoff"), "reason"));
    v->person = why && strcmp(why, "istek") == 0;
    json_decref(d);
}

ds_status store_review_refresh(store_db *db, store_review_key_fn key, void *key_ctx, ds_error *err)
{
    scan s = {0};
    s.key = key;
    s.key_ctx = key_ctx;
    if (!(s.index = ds_map_new()))
        return ds_fail(err, DS_ENOMEM, "out of memory");
    store__json_begin();
    ds_status st = store__begin(db, err);
    store_q *q = st == DS_OK ? store__q(db, STMT_REVIEW_SCAN, err) : NULL;
    if (st == DS_OK && !q)
        st = DS_EDB;
    long long conv = -1;
    char *said = NULL,
         *before = NULL; /* this conversation's last shopper message, the one before */
    char before_at[40] = "", before_intent[48] = "";
    int before_unsure = 1;
    int rc = STORE_DONE;
    while (st == DS_OK && (rc = store__step(db, q)) == STORE_ROW) {
        long long c = store__col_int(q, 0);
        const char *role = store__col_text(q, 1), *text = store__col_text(q, 2);
        const char *at = store__col_text(q, 4);
        if (c != conv) {
            conv = c;
            ds_free(said);
            ds_free(before);
            said = before = NULL;
            before_unsure = 1;
        }
        if (strcmp(role, "shopper") == 0) {
            ds_free(said);
            said = ds_strdup(text ? text : "");
            continue;
        }
        if (!said)
            continue; /* the greeting */
        verdict v;
        read_details(store__col_text(q, 3), &v);
        if (v.unsure)
            note(&s, said, v.intent, at ? at : "", c);
        else if (v.person && before && !before_unsure)
            /* "kimse anlamıyor, temsilci istiyorum" right after an answer:
             * the answer before missed */
            note(&s, before, before_intent, before_at, c);
        ds_free(before);
        before = said;
        said = NULL;
        snprintf(before_at, sizeof before_at, "%s", at ? at : "");
        snprintf(before_intent, sizeof before_intent, "%s", v.intent);
        before_unsure = v.unsure || v.person;
    }
    if (q)
        store__done(q);
    ds_free(said);
    ds_free(before);
    if (st == DS_OK && rc != STORE_DONE)
        st = store__db_fail(db, err, "reading messages for review");
    if (st == DS_OK && s.oom)
        st = ds_fail(err, DS_ENOMEM, "out of memory");
    /* this refresh's mark: one more than any before */
    long long stamp = (long long)time(NULL);
    for (size_t i = 0; st == DS_OK && i < s.n; i++) {
        store_q *u = store__q(db, STMT_REVIEW_UPSERT, err);
        if (!u) {
            st = DS_EDB;
            break;
        }
        store__bind_text(u, 1, s.v[i].text);
        store__bind_text(u, 2, s.v[i].intent);
        store__bind_int(u, 3, s.v[i].count);
        store__bind_text(u, 4, s.v[i].last_seen);
        store__bind_int(u, 5, s.v[i].conversation);
        store__bind_text(u, 6, s.v[i].key);
        store__bind_int(u, 7, stamp);
        st = store__exec(db, u, err, "keeping a review item");
    }
    store_q *sw = st == DS_OK ? store__q(db, STMT_REVIEW_SWEEP, err) : NULL;
    if (st == DS_OK && !sw)
        st = DS_EDB;
    if (sw) {
        store__bind_int(sw, 1, stamp);
        st = store__exec(db, sw, err, "forgetting review items whose messages are gone");
    }
    for (size_t i = 0; i < s.n; i++)
        ds_free(s.v[i].text);
    ds_free(s.v);
    ds_map_free(s.index);
    if (st == DS_OK)
        return store__commit(db, err);
    store__rollback(db);
    return st;
}

ds_status store_review_list(store_db *db, long long id, store_review **out, size_t *count,
                            ds_error *err)
{
    store_q *q = store__q(db, STMT_REVIEW_LIST, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, id);
    store_review *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store__step(db, q)) == STORE_ROW) {
        const char *state = store__col_text(q, 6);
        if (!id && strcmp(state, "open") != 0)
            continue;
        if (n == cap) {
            size_t c2 = cap ? 2 * cap : 16;
            store_review *nv = ds_realloc(v, c2 * sizeof *nv);
            if (!nv) {
                store__done(q);
                ds_free(v);
                return ds_fail(err, DS_ENOMEM, "out of memory");
            }
            v = nv;
            cap = c2;
        }
        store_review *r = &v[n++];
        r->id = store__col_int(q, 0);
        snprintf(r->text, sizeof r->text, "%s", store__col_text(q, 1));
        snprintf(r->intent, sizeof r->intent, "%s", store__col_text(q, 2));
        r->count = store__col_int(q, 3);
        snprintf(r->last_seen, sizeof r->last_seen, "%s", store__col_text(q, 4));
        r->conversation = store__col_int(q, 5);
        snprintf(r->state, sizeof r->state, "%s", state);
    }
    store__done(q);
    if (rc != STORE_DONE) {
        ds_free(v);
        return store__db_fail(db, err, "listing review items");
    }
    *out = v;
    *count = n;
    return DS_OK;
}

ds_status store_review_set(store_db *db, long long id, const char *state, const char *intent,
                           ds_error *err)
{
    store_q *q = store__q(db, STMT_REVIEW_SET, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, id);
    store__bind_text(q, 2, state);
    store__bind_text(q, 3, intent);
    ds_status st = store__exec(db, q, err, "deciding a review item");
    if (st == DS_OK && store__changes(db) == 0)
        return ds_fail(err, DS_ENOTFOUND, "there is no review item %lld", id);
    return st;
}
