/* SPDX-License-Identifier: MIT */
/* A customer's personal data on request and by retention (KVKK): whose
 * conversations are whose, exporting them, erasing them so nothing can be
 * read back from the files, applying the shop's retention periods, and the
 * destruction records that prove it was done. Same threading rule as
 * store.h. */
#include <limits.h>
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* ---- whose ---------------------------------------------------------------- */

/* The customer's orders and contact keys. */
typedef struct subject {
    json_t *orders; /* array of order ids */
    json_t *keys;   /* array of contact keys */
    long long *convs;
    size_t nconv, capconv;
} subject;

static void subject_free(subject *s)
{
    json_decref(s->orders);
    json_decref(s->keys);
    ds_free(s->convs);
}

static int has_string(json_t *arr, const char *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (strcmp(json_string_value(x), v) == 0) return 1;
    return 0;
}

static int add_unique(json_t *arr, const char *v)
{
    if (!v || !v[0] || has_string(arr, v))
        return 0;
    return json_array_append_new(arr, json_string(v));
}

static int add_key(json_t *keys, const char *contact)
{
    char k[STORE_CONTACT_KEY_LEN];
    return store_contact_key(contact, k) ? add_unique(keys, k) : 0;
}

/* The orders a statement finds, with their e-mails and phones as keys. */
static ds_status orders_of(store_db *db, store_stmt_id id, const char *bind, subject *s,
                           ds_error *err)
{
    store_q *st = store__q(db, id, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, bind);
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        add_unique(s->orders, store__col_text(st, 0));
        add_key(s->keys, store__col_text(st, 1));
        add_key(s->keys, store__col_text(st, 2));
    }
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "finding the customer's orders");
}

static ds_status convs_of(store_db *db, const char *order, const char *key, subject *s,
                          ds_error *err)
{
    store_q *st = store__q(db, STMT_SUBJECT_CONVS, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, order);
    store__bind_text(st, 2, key);
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        long long id = store__col_int(st, 0);
        size_t i = 0;
        while (i < s->nconv && s->convs[i] != id)
            i++;
        if (i < s->nconv)
            continue;
        if (s->nconv == s->capconv) {
            size_t cap = s->capconv ? s->capconv * 2 : 16;
            long long *v = ds_realloc(s->convs, cap * sizeof *v);
            if (!v) {
                store__done(st);
                return ds_fail(err, DS_ENOMEM, "out of memory");
            }
            s->convs = v;
            s->capconv = cap;
        }
        s->convs[s->nconv++] = id;
    }
    store__done(st);
    return rc == STORE_DONE ? DS_OK
                            : store__db_fail(db, err, "finding the customer's conversations");
}

static ds_status subject_find(store_db *db, store_subject_kind kind, const char *value, subject *s,
                              ds_error *err)
{
    memset(s, 0, sizeof *s);
    s->orders = json_array();
    s->keys = json_array();
    if (!s->orders || !s->keys)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    if (!value || !value[0])
        return ds_fail(err, DS_EINVAL, "no e-mail, phone or order given");
    char key[STORE_CONTACT_KEY_LEN];
    ds_status st;
    switch (kind) {
    case STORE_SUBJECT_EMAIL:
        if (!strchr(value, '@') || !store_contact_key(value, key))
            return ds_fail(err, DS_EINVAL, "\"%s\" is not an e-mail address", value);
        add_unique(s->keys, key);
        st = orders_of(db, STMT_SUBJECT_BY_EMAIL, value, s, err);
        break;
    case STORE_SUBJECT_PHONE:
        if (strchr(value, '@') || !store_contact_key(value, key))
            return ds_fail(err, DS_EINVAL, "\"%s\" is not a phone number (at least 10 digits)",
                           value);
        add_unique(s->keys, key);
        st = orders_of(db, STMT_SUBJECT_BY_PHONE, key + 2, s, err);
        break;
    default:
        add_unique(s->orders, value);
        st = orders_of(db, STMT_SUBJECT_BY_ORDER, value, s, err);
        /* the customer, not only the order: their other orders too */
        for (size_t i = 0; st == DS_OK && i < json_array_size(s->keys); i++) {
            const char *k = json_string_value(json_array_get(s->keys, i));
            st = orders_of(db, k[0] == 'e' ? STMT_SUBJECT_BY_EMAIL : STMT_SUBJECT_BY_PHONE, k + 2,
                           s, err);
        }
        break;
    }
    size_t i;
    json_t *x;
    json_array_foreach(s->orders, i, x) if (st == DS_OK) st =
        convs_of(db, json_string_value(x), NULL, s, err);
    json_array_foreach(s->keys, i, x) if (st == DS_OK) st =
        convs_of(db, NULL, json_string_value(x), s, err);
    return st;
}

/* ---- export --------------------------------------------------------------- */

/* A column as JSON: parsed when it holds a JSON document ('{'), a number
 * ('#'), else a string. */
static json_t *col_json(store_q *q, int col, char how)
{
    const char *t = store__col_text(q, col);
    if (!t)
        return json_null();
    if (how == '#')
        return json_integer(store__col_int(q, col));
    if (how == '{') {
        json_t *v = json_loads(t, 0, NULL);
        if (v)
            return v;
    }
    return json_string(t);
}

static int set(json_t *o, const char *k, json_t *v)
{
    return json_object_set_new(o, k, v ? v : json_null());
}

/* Runs a statement bound to one id (or text) and turns each row into an
 * object with the given keys; keys starting with '{' are parsed JSON. */
static ds_status rows(store_db *db, store_stmt_id id, long long bind_int, const char *bind_text,
                      const char *const *keys, json_t *into, ds_error *err)
{
    store_q *st = store__q(db, id, err);
    if (!st)
        return DS_EDB;
    if (bind_text)
        store__bind_text(st, 1, bind_text);
    else
        store__bind_int(st, 1, bind_int);
    if (id == STMT_MSG_SELECT)
        store__bind_int(st, 2, LLONG_MAX); /* all the messages */
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        json_t *o = json_object();
        for (int c = 0; keys[c]; c++) {
            const char *k = keys[c];
            if (!k[0])
                continue; /* a column not exported */
            char how = k[0] == '{' || k[0] == '#' ? k[0] : 0;
            set(o, how ? k + 1 : k, col_json(st, c, how));
        }
        json_array_append_new(into, o);
    }
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "reading the customer's data");
}

static const char *const msg_keys[] = {"", "role", "", "text", "{details", "created_at", NULL};
static const char *const handoff_keys[] = {"#id",      "state",   "priority", "reason",
                                           "intent",   "preview", "{details", "created_at",
                                           "ended_at", "#rating", "comment",  NULL};
static const char *const request_keys[] = {"#id",      "kind",       "order", "priority",
                                           "{details", "created_at", "state", NULL};
/* an attachment's description, not its bytes (docs/PRIVACY.md) */
static const char *const attachment_keys[] = {"#id",   "",       "#message", "who",        "type",
                                              "#size", "#width", "#height",  "created_at", NULL};
static const char *const return_keys[] = {"#id",      "kind",       "order",      "{items",
                                          "reason",   "state",      "code",       "priority",
                                          "{details", "created_at", "updated_at", NULL};

static ds_status export_conv(store_db *db, long long id, json_t *convs, json_t *requests,
                             ds_error *err)
{
    json_t *head = json_array(), *msgs = json_array(), *hs = json_array(), *atts = json_array();
    static const char *const head_keys[] = {"#id", "created_at", "state", "closed_at", NULL};
    ds_status s = rows(db, STMT_CONV_HEAD, id, NULL, head_keys, head, err);
    json_t *c = json_array_get(head, 0);
    if (s == DS_OK && !c)
        s = ds_fail(err, DS_EDB, "conversation %lld vanished while it was read", id);
    if (s != DS_OK) {
        json_decref(head);
        json_decref(msgs);
        json_decref(hs);
        json_decref(atts);
        return s;
    }
    json_array_append(convs, c);
    json_decref(head);
    set(c, "messages", msgs);
    set(c, "handoffs", hs);
    set(c, "attachments", atts);
    s = rows(db, STMT_MSG_SELECT, id, NULL, msg_keys, msgs, err);
    if (s == DS_OK)
        s = rows(db, STMT_ATTACH_LIST, id, NULL, attachment_keys, atts, err);
    if (s == DS_OK)
        s = rows(db, STMT_CONV_HANDOFFS, id, NULL, handoff_keys, hs, err);
    char *state = NULL;
    if (s == DS_OK && (s = store_conversation_state(db, id, &state, err)) == DS_OK) {
        set(c, "dialogue", state ? json_loads(state, 0, NULL) : json_null());
        ds_free(state);
    }
    /* an offline request is the shopper's own: listed with the requests */
    size_t i;
    json_t *h;
    json_array_foreach(hs, i, h)
    {
        json_t *d = json_object_get(h, "details");
        if (!json_is_object(d))
            continue;
        json_t *r = json_object();
        set(r, "kind", json_string("offline"));
        set(r, "conversation", json_integer(id));
        set(r, "details", json_incref(d));
        set(r, "created_at", json_incref(json_object_get(h, "created_at")));
        set(r, "state", json_incref(json_object_get(h, "state")));
        json_array_append_new(requests, r);
    }
    return s;
}

ds_status store_privacy_export(store_db *db, store_subject_kind kind, const char *value,
                               char **json, ds_error *err)
{
    subject s;
    ds_status st = store__begin_read(db, err);
    if (st != DS_OK)
        return st;
    st = subject_find(db, kind, value, &s, err);
    json_t *root = json_object(), *convs = json_array(), *requests = json_array(),
           *returns = json_array(), *subj = json_object();
    static const char *const kinds[] = {"email", "phone", "order"};
    set(subj, "kind", json_string(kinds[kind]));
    set(subj, "orders", json_incref(s.orders));
    set(root, "subject", subj);
    set(root, "conversations", convs);
    set(root, "requests", requests);
    set(root, "returns", returns);
    for (size_t i = 0; st == DS_OK && i < s.nconv; i++)
        st = export_conv(db, s.convs[i], convs, requests, err);
    size_t i;
    json_t *o;
    json_array_foreach(s.orders, i, o)
    {
        if (st != DS_OK)
            break;
        const char *id = json_string_value(o);
        st = rows(db, STMT_ORDER_REQUESTS, 0, id, request_keys, requests, err);
        if (st == DS_OK)
            st = rows(db, STMT_RETURNS_SELECT, 0, id, return_keys, returns, err);
    }
    store__rollback(db); /* read only */
    subject_free(&s);
    if (st == DS_OK) {
        *json = json_dumps(root, JSON_INDENT(2));
        if (!*json)
            st = ds_fail(err, DS_ENOMEM, "out of memory");
    }
    json_decref(root);
    return st;
}

/* ---- erasure and retention ------------------------------------------------ */

/* Runs a statement bound to one integer or text and adds the rows it
 * changed to *n. */
static ds_status change(store_db *db, store_stmt_id id, long long bind_int, const char *bind_text,
                        long long *n, ds_error *err, const char *what)
{
    store_q *st = store__q(db, id, err);
    if (!st)
        return DS_EDB;
    if (bind_text)
        store__bind_text(st, 1, bind_text);
    else
        store__bind_int(st, 1, bind_int);
    ds_status s = store__exec(db, st, err, what);
    if (s == DS_OK && n)
        *n += store__changes(db);
    return s;
}

static ds_status record(store_db *db, const store_destruction *d, long long now_utc, ds_error *err)
{
    store_q *st = store__q(db, STMT_DESTRUCTION_ADD, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, d->at);
    store__bind_int(st, 2, now_utc);
    store__bind_text(st, 3, d->rule);
    store__bind_int(st, 4, d->conversations);
    store__bind_int(st, 5, d->messages);
    store__bind_int(st, 6, d->requests);
    store__bind_int(st, 7, d->handoffs);
    store__bind_int(st, 8, d->returns);
    return store__exec(db, st, err, "writing the destruction record");
}

/* Offline requests among a conversation's hand-offs (their details). */
static ds_status count_offline(store_db *db, long long conv, long long *n, ds_error *err)
{
    store_q *st = store__q(db, STMT_CONV_HANDOFFS, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conv);
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW)
        *n += store__col_text(st, 6) != NULL;
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "reading hand-offs");
}

/* Finishes a destruction: the record, the commit, the scrub. */
static ds_status finish(store_db *db, ds_status st, const store_destruction *d, size_t nd,
                        long long now_utc, ds_error *err)
{
    for (size_t i = 0; st == DS_OK && i < nd; i++)
        st = record(db, &d[i], now_utc, err);
    if (st == DS_OK)
        st = store__commit(db, err);
    if (st != DS_OK) {
        store__rollback(db);
        return st;
    }
    return store__scrub(db, err);
}

ds_status store_privacy_erase(store_db *db, store_subject_kind kind, const char *value,
                              const char *now, store_destruction *out, ds_error *err)
{
    long long now_utc = 0;
    if (!now || !store__parse_time(now, &now_utc))
        return ds_fail(err, DS_EINVAL, "store_privacy_erase: now must be an ISO 8601 time");
    store_destruction d;
    memset(&d, 0, sizeof d);
    static const char *const rules[] = {"erase:email", "erase:phone", "erase:order"};
    snprintf(d.at, sizeof d.at, "%s", now);
    snprintf(d.rule, sizeof d.rule, "%s", rules[kind]);
    ds_status st = store__begin(db, err);
    if (st != DS_OK)
        return st;
    subject s;
    st = subject_find(db, kind, value, &s, err);
    for (size_t i = 0; st == DS_OK && i < s.nconv; i++) {
        long long id = s.convs[i];
        if ((st = count_offline(db, id, &d.requests, err)) == DS_OK &&
            (st = change(db, STMT_ERASE_MESSAGES, id, NULL, &d.messages, err,
                         "erasing messages")) == DS_OK &&
            (st = change(db, STMT_ERASE_HANDOFFS, id, NULL, &d.handoffs, err,
                         "erasing hand-offs")) == DS_OK &&
            /* what nodes told each other of it: counted with its messages */
            (st = change(db, STMT_ERASE_EVENTS, id, NULL, NULL, err, "erasing events")) == DS_OK)
            st = change(db, STMT_ERASE_CONV, id, NULL, &d.conversations, err,
                        "erasing a conversation");
    }
    for (size_t i = 0; st == DS_OK && i < json_array_size(s.orders); i++) {
        const char *o = json_string_value(json_array_get(s.orders, i));
        if ((st = change(db, STMT_ERASE_REQUESTS, 0, o, &d.requests, err,
                         "erasing request details")) == DS_OK)
            st = change(db, STMT_ERASE_CASES, 0, o, &d.returns, err, "erasing case descriptions");
    }
    subject_free(&s);
    st = finish(db, st, &d, 1, now_utc, err);
    if (st == DS_OK && out)
        *out = d;
    return st;
}

ds_status store_privacy_purge(store_db *db, const store_retention *r, long long now_utc,
                              const char *now, store_destruction out[STORE_PURGE_RULES],
                              ds_error *err)
{
    store_destruction d[STORE_PURGE_RULES];
    memset(d, 0, sizeof d);
    static const char *const rules[] = {"retention:messages", "retention:offline_requests",
                                        "retention:handoff_notes"};
    int days[] = {r->messages_days, r->offline_requests_days, r->handoff_notes_days};
    for (size_t i = 0; i < STORE_PURGE_RULES; i++) {
        snprintf(d[i].at, sizeof d[i].at, "%s", now);
        snprintf(d[i].rule, sizeof d[i].rule, "%s", rules[i]);
    }
    ds_status st = store__begin(db, err);
    if (st != DS_OK)
        return st;
    long long cut[STORE_PURGE_RULES];
    for (size_t i = 0; i < STORE_PURGE_RULES; i++)
        cut[i] = days[i] > 0 ? now_utc - (long long)days[i] * 86400 : 0;
    if (cut[0]) {
        if ((st = change(db, STMT_PURGE_MESSAGES, cut[0], NULL, &d[0].messages, err,
                         "deleting old messages")) == DS_OK &&
            (st = change(db, STMT_PURGE_DIALOGUES, cut[0], NULL, &d[0].conversations, err,
                         "clearing old dialogues")) == DS_OK)
            st = change(db, STMT_PURGE_CASES, cut[0], NULL, &d[0].returns, err,
                        "clearing old case descriptions");
    }
    if (st == DS_OK && cut[1] &&
        (st = change(db, STMT_PURGE_OFFLINE, cut[1], NULL, &d[1].handoffs, err,
                     "clearing old offline requests")) == DS_OK)
        st = change(db, STMT_PURGE_REQUESTS, cut[1], NULL, &d[1].requests, err,
                    "clearing old request details");
    if (st == DS_OK && cut[2])
        st = change(db, STMT_PURGE_NOTES, cut[2], NULL, &d[2].handoffs, err,
                    "clearing old hand-off notes");
    if (st == DS_OK && r->records_days > 0)
        st = change(db, STMT_PURGE_RECORDS, now_utc - (long long)r->records_days * 86400, NULL,
                    NULL, err, "deleting expired destruction records");
    st = finish(db, st, d, STORE_PURGE_RULES, now_utc, err);
    if (st == DS_OK && out)
        memcpy(out, d, sizeof d);
    return st;
}

ds_status store_destructions_list(store_db *db, store_destruction **out, size_t *count,
                                  ds_error *err)
{
    store_q *st = store__q(db, STMT_DESTRUCTIONS, err);
    if (!st)
        return DS_EDB;
    store_destruction *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            store_destruction *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                store__done(st);
                ds_free(v);
                return ds_fail(err, DS_ENOMEM, "out of memory");
            }
            v = nv;
            cap = ncap;
        }
        store_destruction *d = &v[n++];
        snprintf(d->at, sizeof d->at, "%s", store__col_text(st, 0));
        snprintf(d->rule, sizeof d->rule, "%s", store__col_text(st, 1));
        d->conversations = store__col_int(st, 2);
        d->messages = store__col_int(st, 3);
        d->requests = store__col_int(st, 4);
        d->handoffs = store__col_int(st, 5);
        d->returns = store__col_int(st, 6);
    }
    store__done(st);
    if (rc != STORE_DONE) {
        ds_free(v);
        return store__db_fail(db, err, "listing destruction records");
    }
    *out = v;
    *count = n;
    return DS_OK;
}
