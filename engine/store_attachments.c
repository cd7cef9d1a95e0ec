/* SPDX-License-Identifier: MIT */
/* Photos and files in a conversation: an attachment and the conversation
 * entry made for it, written together; reading one back (only within its
 * conversation, unless the caller has checked the reader), and listing a
 * conversation's. The bytes are stored as given: what may be stored is
 * engine/media.c's decision. Same threading rule as store.h. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

static ds_status step_done(store_db *db, store_q *st, ds_error *err, const char *what)
{
    store_rc rc = store__step(db, st);
    store__done(st);
    if (rc == STORE_FOREIGN_KEY)
        return ds_fail(err, DS_ENOTFOUND, "%s: no such conversation", what);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, what);
}

/* The entry's explanation: what the transcript shows for it. Owned. */
static char *entry_details(const store_attachment *a, const char *agent)
{
    store__json_begin();
    json_t *att = json_pack("{s:I,s:s,s:I,s:i,s:i}", "id", (json_int_t)a->id, "type", a->type,
                            "size", (json_int_t)a->size, "width", a->width, "height", a->height);
    json_t *d = att ? json_pack("{s:o}", "attachment", att) : NULL;
    if (d && agent)
        json_object_set_new(d, "agent", json_string(agent));
    char *s = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    return s;
}

/* The row at st (ATTACH_FIND, ATTACH_GET and ATTACH_LIST read the same columns). */
static void read_row(store_q *st, store_attachment *a);

/* The attachment of conv stored by who under client_id, into *out:
 * DS_ENOTFOUND when there is none. */
static ds_status find_keyed(store_db *db, long long conv, const char *who, const char *client_id,
                            store_attachment *out, ds_error *err)
{
    store_q *st = store__q(db, STMT_ATTACH_FIND, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conv);
    store__bind_text(st, 2, who);
    store__bind_text(st, 3, client_id);
    store_rc rc = store__step(db, st);
    if (rc == STORE_ROW)
        read_row(st, out);
    store__done(st);
    if (rc == STORE_ROW)
        return DS_OK;
    return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no attachment under that key")
                            : store__db_fail(db, err, "looking an upload's key up");
}

static ds_status add_rows(store_db *db, store_attachment *a, const char *agent,
                          const char *client_id, const void *data, size_t len, long long now_utc,
                          ds_error *err)
{
    store_q *st = store__q(db, STMT_ATTACH_MSG_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, a->conversation);
    store__bind_text(st, 2, a->who);
    store__bind_text(st, 3, NULL); /* until the attachment has its id */
    store__bind_text(st, 4, a->created_at);
    ds_status s = step_done(db, st, err, "adding an attachment's entry");
    if (s != DS_OK)
        return s;
    a->message = store__last_id(db);
    if (!(st = store__q(db, STMT_ATTACH_INSERT, err)))
        return DS_EDB;
    store__bind_int(st, 1, a->conversation);
    store__bind_int(st, 2, a->message);
    store__bind_text(st, 3, a->who);
    store__bind_text(st, 4, a->type);
    store__bind_int(st, 5, a->size);
    store__bind_int(st, 6, a->width);
    store__bind_int(st, 7, a->height);
    store__bind_blob(st, 8, data, len);
    store__bind_text(st, 9, a->created_at);
    store__bind_int(st, 10, now_utc);
    store__bind_text(st, 11, client_id);
    store_rc rc = store__step(db, st);
    store__done(st);
    if (rc == STORE_UNIQUE) /* the same key stored meanwhile (another node) */
        return ds_fail(err, DS_ECONFLICT, "an attachment under that key exists");
    if (rc == STORE_FOREIGN_KEY)
        return ds_fail(err, DS_ENOTFOUND, "adding an attachment: no such conversation");
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "adding an attachment");
    a->id = store__last_id(db);
    char *details = entry_details(a, agent);
    if (!details)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    if ((st = store__q(db, STMT_ATTACH_MSG_DETAILS, err)) != NULL) {
        store__bind_int(st, 1, a->message);
        store__bind_text(st, 2, details);
        s = step_done(db, st, err, "describing an attachment's entry");
    } else {
        s = DS_EDB;
    }
    ds_free(details);
    return s;
}

ds_status store_attachment_find(store_db *db, long long conv, const char *who,
                                const char *client_id, store_attachment *out, ds_error *err)
{
    if (!who || !client_id || !client_id[0])
        return ds_fail(err, DS_EINVAL, "store_attachment_find: who and a key");
    store_attachment a;
    ds_status s = find_keyed(db, conv, who, client_id, &a, err);
    if (s == DS_OK)
        *out = a;
    return s;
}

ds_status store_attachment_add(store_db *db, long long conv, const char *who, const char *agent,
                               const char *client_id, const char *type, const void *data,
                               size_t len, int width, int height, const char *now,
                               store_attachment *out, int *duplicate, ds_error *err)
{
    long long now_utc = 0;
    if (client_id && (!client_id[0] || strlen(client_id) > STORE_CLIENT_ID_MAX_LEN))
        return ds_fail(err, DS_EINVAL, "store_attachment_add: a key of 1 to %d bytes",
                       STORE_CLIENT_ID_MAX_LEN);
    if (!who || (strcmp(who, "shopper") != 0 && strcmp(who, "agent") != 0))
        return ds_fail(err, DS_EINVAL, "store_attachment_add: who is shopper or agent");
    if (!data || len == 0 || len > STORE_ATTACHMENT_MAX_LEN)
        return ds_fail(err, DS_EINVAL, "store_attachment_add: 1 to %d bytes",
                       STORE_ATTACHMENT_MAX_LEN);
    if (!type || !type[0] || strlen(type) >= sizeof out->type || width < 0 || height < 0)
        return ds_fail(err, DS_EINVAL, "store_attachment_add: a media type and sizes");
    if (!now || strlen(now) >= sizeof out->created_at || !store__parse_time(now, &now_utc))
        return ds_fail(err, DS_EINVAL, "store_attachment_add: now must be an ISO 8601 time");
    store_attachment a;
    memset(&a, 0, sizeof a);
    a.conversation = conv;
    snprintf(a.who, sizeof a.who, "%s", who);
    snprintf(a.type, sizeof a.type, "%s", type);
    snprintf(a.created_at, sizeof a.created_at, "%s", now);
    a.size = (long long)len;
    a.width = width;
    a.height = height;
    ds_status s = store__begin(db, err);
    if (s != DS_OK)
        return s;
    /* sent again under its key: what was stored the first time, nothing more */
    store_attachment had;
    int dup = 0;
    if (client_id) {
        s = find_keyed(db, conv, who, client_id, &had, err);
        dup = s == DS_OK;
        if (s == DS_ENOTFOUND)
            s = DS_OK;
    }
    if (s == DS_OK && !dup)
        s = add_rows(db, &a, agent, client_id, data, len, now_utc, err);
    if (s == DS_OK)
        s = store__commit(db, err);
    if (s != DS_OK) {
        store__rollback(db);
        /* the key won by a concurrent upload (another node, which has
         * committed it): that one is the answer */
        if (s != DS_ECONFLICT || find_keyed(db, conv, who, client_id, &had, err) != DS_OK)
            return s == DS_ECONFLICT ? DS_EDB : s;
        dup = 1;
    }
    if (out)
        *out = dup ? had : a;
    if (duplicate)
        *duplicate = dup;
    return DS_OK;
}

static void read_row(store_q *st, store_attachment *a)
{
    memset(a, 0, sizeof *a);
    a->id = store__col_int(st, 0);
    a->conversation = store__col_int(st, 1);
    a->message = store__col_int(st, 2);
    const char *t;
    snprintf(a->who, sizeof a->who, "%s", (t = store__col_text(st, 3)) ? t : "");
    snprintf(a->type, sizeof a->type, "%s", (t = store__col_text(st, 4)) ? t : "");
    a->size = store__col_int(st, 5);
    a->width = (int)store__col_int(st, 6);
    a->height = (int)store__col_int(st, 7);
    snprintf(a->created_at, sizeof a->created_at, "%s", (t = store__col_text(st, 8)) ? t : "");
}

static ds_status read_bytes(store_db *db, long long id, void **data, size_t *len, ds_error *err)
{
    store_q *st = store__q(db, STMT_ATTACH_DATA, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store_rc rc = store__step(db, st);
    ds_status s = DS_OK;
    if (rc == STORE_ROW) {
        size_t n = 0;
        const void *b = store__col_blob(st, 0, &n);
        void *copy = b && n ? ds_malloc(n) : NULL;
        if (!b || !n)
            s = ds_fail(err, DS_EDB, "an attachment without its bytes");
        else if (!copy)
            s = ds_fail(err, DS_ENOMEM, "out of memory");
        else {
            memcpy(copy, b, n);
            *data = copy;
            *len = n;
        }
    } else {
        s = rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no such attachment")
                             : store__db_fail(db, err, "reading an attachment");
    }
    store__done(st);
    return s;
}

ds_status store_attachment_get(store_db *db, long long id, long long conv, store_attachment *out,
                               void **data, size_t *len, ds_error *err)
{
    store_q *st = store__q(db, STMT_ATTACH_GET, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store_rc rc = store__step(db, st);
    store_attachment a;
    if (rc == STORE_ROW)
        read_row(st, &a);
    store__done(st);
    if (rc != STORE_ROW)
        return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no such attachment")
                                : store__db_fail(db, err, "reading an attachment");
    if (conv && a.conversation != conv) /* told apart from absent by no one */
        return ds_fail(err, DS_ENOTFOUND, "no such attachment");
    if (data) {
        /* erased between the two reads: not found, as if it had been first */
        ds_status s = read_bytes(db, id, data, len, err);
        if (s != DS_OK)
            return s;
    }
    *out = a;
    return DS_OK;
}

ds_status store_attachments_list(store_db *db, long long conv, store_attachment **out,
                                 size_t *count, ds_error *err)
{
    store_q *st = store__q(db, STMT_ATTACH_LIST, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conv);
    store_attachment *v = NULL;
    size_t n = 0, cap = 0;
    store_rc rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            store_attachment *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                store__done(st);
                ds_free(v);
                return ds_fail(err, DS_ENOMEM, "out of memory");
            }
            v = nv;
            cap = ncap;
        }
        read_row(st, &v[n++]);
    }
    store__done(st);
    if (rc != STORE_DONE) {
        ds_free(v);
        return store__db_fail(db, err, "listing attachments");
    }
    *out = v;
    *count = n;
    return DS_OK;
}
