/* SPDX-License-Identifier: MIT */
/* Who is connected to the nodes of one shared database (store.h): each
 * node's sign of life, its shoppers' conversations and its agents, and the
 * queue's offers. Each write is one statement, so it joins the caller's
 * batch without a savepoint of its own. */
#include <stdio.h>

#include "store_int.h"

ds_status store_node_seen(store_db *db, const char *node, long long now_utc, ds_error *err)
{
    store_q *q = store__q(db, STMT_NODE_SEEN, err);
    if (!q)
        return DS_EDB;
    store__bind_text(q, 1, node);
    store__bind_int(q, 2, now_utc);
    return store__exec(db, q, err, "noting the node alive");
}

ds_status store_node_forget(store_db *db, const char *node, ds_error *err)
{
    static const store_stmt_id steps[] = {STMT_NODE_FORGET_OFFERS, STMT_NODE_FORGET_PRESENCE,
                                          STMT_NODE_FORGET};
    ds_status s = DS_OK;
    for (size_t i = 0; s == DS_OK && i < sizeof steps / sizeof steps[0]; i++) {
        store_q *q = store__q(db, steps[i], err);
        if (!q)
            return DS_EDB;
        store__bind_text(q, 1, node);
        s = store__exec(db, q, err, "forgetting a node");
    }
    return s;
}

ds_status store_nodes_reap(store_db *db, long long before_utc, size_t *gone, ds_error *err)
{
    *gone = 0;
    store_q *q = store__q(db, STMT_NODES_DEAD, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, before_utc);
    char dead[64][64];
    size_t n = 0;
    store_rc rc = STORE_DONE;
    while (n < 64 && (rc = store__step(db, q)) == STORE_ROW) {
        const char *name = store__col_text(q, 0);
        snprintf(dead[n++], sizeof dead[0], "%s", name ? name : "");
    }
    store__done(q);
    if (n < 64 && rc != STORE_DONE)
        return store__db_fail(db, err, "reading the nodes");
    ds_status s = DS_OK;
    for (size_t i = 0; s == DS_OK && i < n; i++)
        s = store_node_forget(db, dead[i], err);
    if (s == DS_OK)
        *gone = n;
    return s;
}

ds_status store_presence_set(store_db *db, const char *node, const char *kind, long long key,
                             int present, int room, ds_error *err)
{
    store_q *q = store__q(db, present ? STMT_PRESENCE_SET : STMT_PRESENCE_CLEAR, err);
    if (!q)
        return DS_EDB;
    store__bind_text(q, 1, node);
    store__bind_text(q, 2, kind);
    store__bind_int(q, 3, key);
    if (present)
        store__bind_int(q, 4, room != 0);
    return store__exec(db, q, err, "noting a connection");
}

ds_status store_presence_count(store_db *db, const char *kind, long long key, long long alive_utc,
                               size_t *count, size_t *room, ds_error *err)
{
    *count = *room = 0;
    store_q *q = store__q(db, STMT_PRESENCE_COUNT, err);
    if (!q)
        return DS_EDB;
    store__bind_text(q, 1, kind);
    store__bind_int(q, 2, key);
    store__bind_int(q, 3, alive_utc);
    store_rc rc = store__step(db, q);
    if (rc == STORE_ROW) {
        *count = (size_t)store__col_int(q, 0);
        *room = (size_t)store__col_int(q, 1);
    }
    store__done(q);
    return rc == STORE_ROW ? DS_OK : store__db_fail(db, err, "counting connections");
}

ds_status store_offer_take(store_db *db, long long conv, long long agent, const char *node,
                           int *taken, ds_error *err)
{
    *taken = 0;
    store_q *q = store__q(db, STMT_OFFER_TAKE, err);
    if (!q)
        return DS_EDB;
    store__bind_int(q, 1, conv);
    store__bind_int(q, 2, agent);
    store__bind_text(q, 3, node);
    ds_status s = store__exec(db, q, err, "offering a conversation");
    if (s == DS_OK)
        *taken = store__changes(db) == 1;
    return s;
}

ds_status store_offer_drop(store_db *db, long long conv, long long agent, const char *node,
                           ds_error *err)
{
    store_q *q = store__q(db, conv ? STMT_OFFER_DROP : STMT_OFFER_DROP_AGENT, err);
    if (!q)
        return DS_EDB;
    if (conv) {
        store__bind_int(q, 1, conv);
        store__bind_int(q, 2, agent);
    } else {
        store__bind_int(q, 1, agent);
        store__bind_text(q, 2, node);
    }
    return store__exec(db, q, err, "withdrawing an offer");
}

ds_status store_offers_list(store_db *db, size_t max, store_offer **out, size_t *count,
                            ds_error *err)
{
    *out = NULL;
    *count = 0;
    if (max == 0)
        return DS_OK;
    store_offer *v = ds_calloc(max, sizeof *v);
    if (!v)
        return ds_fail(err, DS_ENOMEM, "out of memory reading offers");
    store_q *q = store__q(db, STMT_OFFERS_LIST, err);
    if (!q) {
        ds_free(v);
        return DS_EDB;
    }
    store__bind_int(q, 1, (long long)max);
    size_t n = 0;
    store_rc rc = STORE_DONE;
    while ((rc = store__step(db, q)) == STORE_ROW && n < max) {
        v[n].conversation = store__col_int(q, 0);
        v[n].agent = store__col_int(q, 1);
        n++;
    }
    store__done(q);
    if (rc != STORE_DONE && rc != STORE_ROW) {
        ds_free(v);
        return store__db_fail(db, err, "reading offers");
    }
    *out = v;
    *count = n;
    return DS_OK;
}

ds_status store_agents_at_work(store_db *db, long long alive_utc, size_t max, store_at_work **out,
                               size_t *count, ds_error *err)
{
    *out = NULL;
    *count = 0;
    if (max == 0)
        return DS_OK;
    store_at_work *v = ds_calloc(max, sizeof *v);
    if (!v)
        return ds_fail(err, DS_ENOMEM, "out of memory reading the agents at work");
    store_q *q = store__q(db, STMT_AGENTS_AT_WORK, err);
    if (!q) {
        ds_free(v);
        return DS_EDB;
    }
    store__bind_int(q, 1, alive_utc);
    store__bind_int(q, 2, (long long)max);
    size_t n = 0;
    store_rc rc = STORE_DONE;
    while (n < max && (rc = store__step(db, q)) == STORE_ROW) {
        const char *name = store__col_text(q, 1);
        v[n].id = store__col_int(q, 0);
        snprintf(v[n].name, sizeof v[n].name, "%s", name ? name : "");
        v[n].capacity = (int)store__col_int(q, 2);
        v[n].room = store__col_int(q, 3) != 0;
        n++;
    }
    store__done(q);
    if (rc != STORE_DONE && rc != STORE_ROW) {
        ds_free(v);
        return store__db_fail(db, err, "reading the agents at work");
    }
    *out = v;
    *count = n;
    return DS_OK;
}
