/* SPDX-License-Identifier: MIT */
/* Conversations of the chat server and their messages: create, find by a
 * token hash, close, append (a re-sent shopper message is stored once) and
 * list the newest messages. Same threading rule as store.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

static ds_status exec_bound(store_db *db, store_q *st, ds_error *err, const char *what)
{
    int rc = store__step(db, st);
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, what);
}

ds_status store_conversation_create(store_db *db, const char *token_hash, const char *now,
                                    long long *id, ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, token_hash);
    store__bind_text(st, 2, now);
    ds_status s = exec_bound(db, st, err, "starting a conversation");
    if (s == DS_OK && id)
        *id = store__last_id(db);
    return s;
}

ds_status store_conversation_find(store_db *db, const char *token_hash, long long *id,
                                  ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_FIND, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, token_hash);
    int rc = store__step(db, st);
    if (rc == STORE_ROW)
        *id = store__col_int(st, 0);
    store__done(st);
    if (rc == STORE_ROW)
        return DS_OK;
    return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no such conversation")
                            : store__db_fail(db, err, "finding a conversation");
}

ds_status store_conversation_close(store_db *db, long long id, const char *now, ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_CLOSE, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, now);
    return exec_bound(db, st, err, "closing a conversation");
}

ds_status store_message_add(store_db *db, long long conversation, const char *role,
                            const char *client_id, const char *text, const char *details,
                            const char *now, int *duplicate, ds_error *err)
{
    store_q *st = store__q(db, STMT_MSG_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    store__bind_text(st, 2, role);
    store__bind_text(st, 3, client_id);
    store__bind_text(st, 4, text);
    store__bind_text(st, 5, details);
    store__bind_text(st, 6, now);
    ds_status s = exec_bound(db, st, err, "storing a message");
    if (s == DS_OK && duplicate)
        *duplicate = store__changes(db) == 0;
    return s;
}

void store_messages_free(store_message *m, size_t count)
{
    if (!m)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(m[i].role);
        ds_free(m[i].client_id);
        ds_free(m[i].text);
        ds_free(m[i].details);
        ds_free(m[i].created_at);
    }
    ds_free(m);
}

ds_status store_messages_list(store_db *db, long long conversation, size_t limit,
                              store_message **out, size_t *count, ds_error *err)
{
    return store_messages_before(db, conversation, 0, limit, out, count, err);
}

ds_status store_messages_before(store_db *db, long long conversation, long long before,
                                size_t limit, store_message **out, size_t *count, ds_error *err)
{
    store_q *st = store__q(db, STMT_MSG_SELECT, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    store__bind_int(st, 2, limit ? (long long)limit : LLONG_MAX); /* no limit */
    if (before > 0)
        store__bind_int(st, 3, before);
    store_message *v = NULL;
    size_t n = 0, cap = 0;
    int rc, oom = 0;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            store_message *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = ncap;
        }
        store_message *m = &v[n++];
        m->id = store__col_int(st, 0);
        m->role = store__col_dup(st, 1, &oom);
        m->client_id = store__col_dup(st, 2, &oom);
        m->text = store__col_dup(st, 3, &oom);
        m->details = store__col_dup(st, 4, &oom);
        m->created_at = store__col_dup(st, 5, &oom);
        if (oom)
            break;
    }
    store__done(st);
    if (oom || (rc != STORE_DONE && rc != STORE_ROW)) {
        store_messages_free(v, n);
        return oom ? ds_fail(err, DS_ENOMEM, "out of memory")
                   : store__db_fail(db, err, "listing messages");
    }
    *out = v;
    *count = n;
    return DS_OK;
}

ds_status store_conversation_save_state(store_db *db, long long id, const char *state,
                                        ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_STATE_SET, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, state);
    return exec_bound(db, st, err, "saving a dialogue");
}

ds_status store_conversation_state(store_db *db, long long id, char **state, ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_STATE_GET, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    int rc = store__step(db, st), oom = 0;
    char *v = rc == STORE_ROW ? store__col_dup(st, 0, &oom) : NULL;
    store__done(st);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store__db_fail(db, err, "reading a dialogue");
    if (oom)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    *state = v;
    return DS_OK;
}

ds_status store_conversation_set_subject(store_db *db, long long id, const char *order_id,
                                         const char *contact_key, ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_SUBJECT_SET, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, order_id);
    store__bind_text(st, 3, contact_key);
    return exec_bound(db, st, err, "noting whose a conversation is");
}

ds_status store_conversation_order(store_db *db, long long id, char **order, ds_error *err)
{
    *order = NULL;
    store_q *st = store__q(db, STMT_CONV_ORDER, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    int rc = store__step(db, st), oom = 0;
    if (rc == STORE_ROW)
        *order = store__col_dup(st, 0, &oom);
    store__done(st);
    if (oom)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    return rc == STORE_ROW || rc == STORE_DONE ? DS_OK
                                               : store__db_fail(db, err, "reading a conversation");
}

ds_status store_conversation_last_active(store_db *db, long long id, long long *utc, ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_LAST_ACTIVE, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    int rc = store__step(db, st);
    *utc = rc == STORE_ROW ? store__col_int(st, 0) : 0;
    store__done(st);
    return rc == STORE_ROW ? DS_OK : store__db_fail(db, err, "reading a conversation's activity");
}

static ds_status conv_rows(store_db *db, store_q *st, store_conv_row *out, size_t cap,
                           size_t *count, ds_error *err)
{
    int rc;
    *count = 0;
    while ((rc = store__step(db, st)) == STORE_ROW && *count < cap) {
        store_conv_row *r = &out[(*count)++];
        const char *t;
        r->id = store__col_int(st, 0);
        snprintf(r->created_at, sizeof r->created_at, "%s", (t = store__col_text(st, 1)) ? t : "");
        snprintf(r->state, sizeof r->state, "%s", (t = store__col_text(st, 2)) ? t : "");
        snprintf(r->order, sizeof r->order, "%s", (t = store__col_text(st, 3)) ? t : "");
    }
    store__done(st);
    return rc == STORE_ROW || rc == STORE_DONE ? DS_OK
                                               : store__db_fail(db, err, "searching conversations");
}

ds_status store_conversations_search(store_db *db, const char *q, store_conv_row *out, size_t cap,
                                     size_t *count, ds_error *err)
{
    *count = 0;
    size_t n = q ? strlen(q) : 0;
    if (n < 2 || n > 200)
        return ds_fail(err, DS_EINVAL, "a search is 2 to 200 characters");
    char key[STORE_CONTACT_KEY_LEN];
    store_q *st;
    if (strspn(q, "0123456789") == n && n <= 16) {
        if (!(st = store__q(db, STMT_SEARCH_ORDER, err)))
            return DS_EDB;
        store__bind_text(st, 1, q);
        store__bind_int(st, 2, (long long)cap);
        ds_status s = conv_rows(db, st, out, cap, count, err);
        if (s != DS_OK || *count || !store_contact_key(q, key))
            return s;
        /* ten or more digits and no order: a phone */
    }
    if (store_contact_key(q, key)) {
        if (!(st = store__q(db, STMT_SEARCH_CONTACT, err)))
            return DS_EDB;
        store__bind_text(st, 1, key);
        store__bind_int(st, 2, (long long)cap);
        /* and the conversations that verified one of the customer's orders */
        store__bind_text(st, 3, key[0] == 'e' ? key + 2 : NULL);
        store__bind_text(st, 4, key[0] == 'p' ? key + 2 : NULL);
        return conv_rows(db, st, out, cap, count, err);
    }
    char like[420];
    size_t o = 0;
    like[o++] = '%';
    for (size_t i = 0; i < n && o + 3 < sizeof like; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
            like[o++] = '\\';
        like[o++] = q[i];
    }
    like[o++] = '%';
    like[o] = '\0';
    if (!(st = store__q(db, STMT_SEARCH_TEXT, err)))
        return DS_EDB;
    store__bind_text(st, 1, like);
    store__bind_int(st, 2, (long long)cap);
    return conv_rows(db, st, out, cap, count, err);
}

ds_status store_conversations_related(store_db *db, long long conversation, store_conv_row *out,
                                      size_t cap, size_t *count, ds_error *err)
{
    store_q *st = store__q(db, STMT_RELATED, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    store__bind_int(st, 2, (long long)cap);
    return conv_rows(db, st, out, cap, count, err);
}
