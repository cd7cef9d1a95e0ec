/* SPDX-License-Identifier: MIT */
/* Agents and the hand-off queue. A claim is one conditional UPDATE, so two
 * agents racing (on one node or several sharing a database) cannot both
 * win. Same threading rule as store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include <string.h>

#include "store_int.h"

static ds_status done(store_db *db, store_q *st, ds_error *err, const char *what)
{
    int rc = store__step(db, st);
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, what);
}

ds_status store_agent_add(store_db *db, const char *name, const char *token_hash, int capacity,
                          const char *now, long long *id, ds_error *err)
{
    store_q *st = store__q(db, STMT_AGENT_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, name);
    store__bind_text(st, 2, token_hash);
    store__bind_int(st, 3, capacity);
    store__bind_text(st, 4, now);
    int rc = store__step(db, st);
    store__done(st);
    if (rc <= STORE_CONSTRAINT)
        return ds_fail(err, DS_ECONFLICT, "an agent named \"%s\" already exists", name);
    if (rc != STORE_DONE)
        return store__db_fail(db, err, "adding an agent");
    if (id)
        *id = store__last_id(db);
    return DS_OK;
}

void store_agent_free(store_agent *a)
{
    if (!a)
        return;
    ds_free(a->name);
    ds_free(a);
}

ds_status store_agent_find(store_db *db, const char *token_hash, store_agent **out, ds_error *err)
{
    store_q *st = store__q(db, STMT_AGENT_FIND, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, token_hash);
    int rc = store__step(db, st), oom = 0;
    if (rc != STORE_ROW) {
        store__done(st);
        return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no such agent")
                                : store__db_fail(db, err, "finding an agent");
    }
    store_agent *a = ds_calloc(1, sizeof *a);
    if (a) {
        a->id = store__col_int(st, 0);
        a->name = store__col_dup(st, 1, &oom);
        a->capacity = (int)store__col_int(st, 2);
        const char *h = store__col_text(st, 3);
        snprintf(a->token_hash, sizeof a->token_hash, "%s", h ? h : "");
        const char *role = store__col_text(st, 4);
        a->supervisor = role && strcmp(role, "supervisor") == 0;
    }
    store__done(st);
    if (!a || oom) {
        store_agent_free(a);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    *out = a;
    return DS_OK;
}

static void handoff_clear(store_handoff *h)
{
    ds_free(h->state);
    ds_free(h->priority);
    ds_free(h->reason);
    ds_free(h->intent);
    ds_free(h->preview);
    ds_free(h->details);
    ds_free(h->created_at);
    ds_free(h->comment);
}

void store_handoff_free(store_handoff *h)
{
    if (!h)
        return;
    handoff_clear(h);
    ds_free(h);
}

void store_handoffs_free(store_handoff *h, size_t count)
{
    for (size_t i = 0; h && i < count; i++)
        handoff_clear(&h[i]);
    ds_free(h);
}

/* Columns in the order of the SELECTs in store.c. */
static int read_row(store_q *st, store_handoff *h)
{
    int oom = 0;
    memset(h, 0, sizeof *h);
    h->id = store__col_int(st, 0);
    h->conversation = store__col_int(st, 1);
    h->state = store__col_dup(st, 2, &oom);
    h->priority = store__col_dup(st, 3, &oom);
    h->reason = store__col_dup(st, 4, &oom);
    h->intent = store__col_dup(st, 5, &oom);
    h->preview = store__col_dup(st, 6, &oom);
    h->details = store__col_dup(st, 7, &oom);
    h->agent_id = store__col_int(st, 8);
    h->created_at = store__col_dup(st, 9, &oom);
    h->created_utc = store__col_int(st, 10);
    h->claimed_utc = store__col_int(st, 11);
    h->rating = (int)store__col_int(st, 12);
    h->comment = store__col_dup(st, 13, &oom);
    return oom ? -1 : 0;
}

ds_status store_handoff_active(store_db *db, long long conversation, store_handoff **out,
                               ds_error *err)
{
    store_q *st = store__q(db, STMT_HANDOFF_ACTIVE, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    int rc = store__step(db, st);
    if (rc != STORE_ROW) {
        store__done(st);
        return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no active hand-off")
                                : store__db_fail(db, err, "reading a hand-off");
    }
    store_handoff *h = ds_calloc(1, sizeof *h);
    int bad = !h || read_row(st, h) != 0;
    store__done(st);
    if (bad) {
        store_handoff_free(h);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    *out = h;
    return DS_OK;
}

/* The contact an offline request left makes the conversation the
 * customer's for a KVKK request (store_privacy_export). */
static ds_status note_contact(store_db *db, long long conversation, const char *details,
                              ds_error *err)
{
    store__json_begin();
    json_t *d = json_loads(details, 0, NULL);
    char key[STORE_CONTACT_KEY_LEN];
    int have = store_contact_key(json_string_value(json_object_get(d, "contact")), key);
    json_decref(d);
    return have ? store_conversation_set_subject(db, conversation, NULL, key, err) : DS_OK;
}

ds_status store_handoff_open(store_db *db, long long conversation, const char *state,
                             const char *priority, const char *reason, const char *intent,
                             const char *preview, const char *details, const char *now,
                             long long now_utc, long long *id, int *existing, ds_error *err)
{
    store_handoff *h;
    ds_status s = store_handoff_active(db, conversation, &h, err);
    if (s == DS_OK) {
        *id = h->id;
        if (existing)
            *existing = 1;
        store_handoff_free(h);
        return DS_OK;
    }
    if (s != DS_ENOTFOUND)
        return s;
    if (existing)
        *existing = 0;
    store_q *st = store__q(db, STMT_HANDOFF_INSERT, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    store__bind_text(st, 2, state);
    store__bind_text(st, 3, priority);
    store__bind_text(st, 4, reason);
    store__bind_text(st, 5, intent);
    store__bind_text(st, 6, preview);
    store__bind_text(st, 7, details);
    store__bind_text(st, 8, now);
    store__bind_int(st, 9, now_utc);
    s = done(db, st, err, "opening a hand-off");
    if (s == DS_OK)
        *id = store__last_id(db);
    return s == DS_OK && details ? note_contact(db, conversation, details, err) : s;
}

ds_status store_handoffs_list(store_db *db, long long agent_id, store_handoff **out, size_t *count,
                              ds_error *err)
{
    store_q *st = store__q(db, agent_id > 0 ? STMT_HANDOFF_OF_AGENT : STMT_HANDOFF_QUEUE, err);
    if (!st)
        return DS_EDB;
    if (agent_id > 0)
        store__bind_int(st, 1, agent_id);
    store_handoff *v = NULL;
    size_t n = 0, cap = 0;
    int rc, oom = 0;
    while ((rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            store_handoff *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = ncap;
        }
        if (read_row(st, &v[n++]) != 0) {
            oom = 1;
            break;
        }
    }
    store__done(st);
    if (oom || (rc != STORE_DONE && rc != STORE_ROW)) {
        store_handoffs_free(v, n);
        return oom ? ds_fail(err, DS_ENOMEM, "out of memory")
                   : store__db_fail(db, err, "listing hand-offs");
    }
    *out = v;
    *count = n;
    return DS_OK;
}

ds_status store_handoff_claim(store_db *db, long long id, long long agent_id, long long now_utc,
                              ds_error *err)
{
    store_q *st = store__q(db, STMT_HANDOFF_CLAIM, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_int(st, 2, agent_id);
    store__bind_int(st, 3, now_utc);
    ds_status s = done(db, st, err, "claiming a hand-off");
    if (s == DS_OK && store__changes(db) == 0)
        return ds_fail(err, DS_ECONFLICT, "already claimed or ended");
    return s;
}

ds_status store_handoff_transfer(store_db *db, long long id, long long from, long long to,
                                 ds_error *err)
{
    store_q *st = store__q(db, STMT_HANDOFF_TRANSFER, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_int(st, 2, from);
    store__bind_int(st, 3, to);
    ds_status s = done(db, st, err, "handing a conversation over");
    if (s == DS_OK && store__changes(db) == 0)
        return ds_fail(err, DS_ECONFLICT, "the conversation is no longer this agent's");
    return s;
}

ds_status store_handoff_end(store_db *db, long long id, const char *state, const char *now,
                            ds_error *err)
{
    store_q *st = store__q(db, STMT_HANDOFF_END, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, state);
    store__bind_text(st, 3, now);
    ds_status s = done(db, st, err, "ending a hand-off");
    if (s == DS_OK && store__changes(db) == 0)
        return ds_fail(err, DS_ECONFLICT, "the hand-off has already ended");
    return s;
}

ds_status store_handoff_rate(store_db *db, long long conversation, int score, const char *comment,
                             long long *agent_id, ds_error *err)
{
    if (score < 1 || score > 5)
        return ds_fail(err, DS_EINPUT, "a score is 1 to 5");
    store_q *st = store__q(db, STMT_HANDOFF_LAST_CLOSED, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, conversation);
    int rc = store__step(db, st);
    long long id = rc == STORE_ROW ? store__col_int(st, 0) : 0;
    int rated = rc == STORE_ROW && store__col_int(st, 1);
    long long agent = rc == STORE_ROW ? store__col_int(st, 2) : 0;
    store__done(st);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store__db_fail(db, err, "finding the hand-off to rate");
    if (!id)
        return ds_fail(err, DS_ENOTFOUND, "no closed hand-off to rate");
    if (rated)
        return ds_fail(err, DS_ECONFLICT, "this conversation was rated already");
    if (!(st = store__q(db, STMT_HANDOFF_RATE, err)))
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_int(st, 2, score);
    store__bind_text(st, 3, comment);
    ds_status s = done(db, st, err, "storing a rating");
    if (s == DS_OK && agent_id)
        *agent_id = agent;
    return s;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

long long store_handoff_median_wait(store_db *db, long long def)
{
    store_q *st = store__q(db, STMT_HANDOFF_WAITS, NULL);
    if (!st)
        return def;
    long long w[50];
    size_t n = 0;
    while (n < 50 && store__step(db, st) == STORE_ROW)
        w[n++] = store__col_int(st, 0);
    store__done(st);
    if (!n)
        return def;
    qsort(w, n, sizeof *w, cmp_ll);
    return w[n / 2] > 0 ? w[n / 2] : 1;
}

ds_status store_handoff_waiting(store_db *db, size_t *count, ds_error *err)
{
    store_q *st = store__q(db, STMT_HANDOFF_WAITING, err);
    if (!st)
        return DS_EDB;
    int rc = store__step(db, st);
    *count = rc == STORE_ROW ? (size_t)store__col_int(st, 0) : 0;
    store__done(st);
    return rc == STORE_ROW ? DS_OK : store__db_fail(db, err, "counting the queue");
}

ds_status store_agent_name(store_db *db, long long id, char **name, ds_error *err)
{
    store_q *st = store__q(db, STMT_AGENT_NAME, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    int rc = store__step(db, st), oom = 0;
    if (rc != STORE_ROW) {
        store__done(st);
        return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no such agent")
                                : store__db_fail(db, err, "reading an agent's name");
    }
    char *n = store__col_dup(st, 0, &oom);
    store__done(st);
    if (!n || oom) {
        ds_free(n);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    *name = n;
    return DS_OK;
}

ds_status store_agent_set_role(store_db *db, long long id, const char *role, ds_error *err)
{
    if (!role || (strcmp(role, "agent") != 0 && strcmp(role, "supervisor") != 0))
        return ds_fail(err, DS_EINVAL, "a role is agent or supervisor");
    store_q *st = store__q(db, STMT_AGENT_SET_ROLE, err);
    if (!st)
        return DS_EDB;
    store__bind_int(st, 1, id);
    store__bind_text(st, 2, role);
    return done(db, st, err, "setting an agent's role");
}
