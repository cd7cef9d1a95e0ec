/* SPDX-License-Identifier: MIT */
/* What the shop says of its products, by topic ("material", "care",
 * "compatibility", ...): the texts are the shop's own, kept and given back
 * as they are, so the dialogue can say them. The store decides nothing
 * about which topics exist or what they mean. Same threading rule as
 * store.h. */
#include <string.h>

#include "ds_limits.h"
#include "store_int.h"

int store_is_fact_topic(const char *topic)
{
    size_t n = topic ? strlen(topic) : 0;
    return n >= 1 && n <= STORE_MAX_TOPIC_LEN && topic[0] >= 'a' && topic[0] <= 'z' &&
           strspn(topic, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

ds_status store_product_fact_set(store_db *db, const char *product, const char *topic,
                                 const char *text, ds_error *err)
{
    if (!db || !product || !product[0] || strlen(product) > STORE_MAX_FIELD_LEN)
        return ds_fail(err, DS_EINVAL, "store_product_fact_set: db and a product are required");
    if (!store_is_fact_topic(topic))
        return ds_fail(err, DS_EINVAL,
                       "store_product_fact_set: a topic is 1 to %d of a-z, 0-9 and _, "
                       "starting with a letter",
                       STORE_MAX_TOPIC_LEN);
    if (text && (!text[0] || strlen(text) > STORE_MAX_FIELD_LEN))
        return ds_fail(err, DS_EINVAL,
                       "store_product_fact_set: a fact is 1 to %d bytes of text (NULL removes it)",
                       STORE_MAX_FIELD_LEN);
    store_q *st = store__q(db, text ? STMT_FACT_SET : STMT_FACT_DELETE, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, product);
    store__bind_text(st, 2, topic);
    if (text)
        store__bind_text(st, 3, text);
    return store__exec(db, st, err, "setting a product's fact");
}

void store_facts_free(store_fact *f, size_t count)
{
    if (!f)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(f[i].topic);
        ds_free(f[i].text);
    }
    ds_free(f);
}

ds_status store_product_facts(store_db *db, const char *product, store_fact **out, size_t *count,
                              ds_error *err)
{
    if (!db || !product || !out || !count)
        return ds_fail(err, DS_EINVAL,
                       "store_product_facts: db, product, out and count are required");
    store_q *st = store__q(db, STMT_FACTS_OF, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, product);
    store_fact *v = NULL;
    size_t n = 0, cap = 0;
    int rc = STORE_DONE, oom = 0;
    while (!oom && (rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            store_fact *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = ncap;
        }
        store_fact *r = &v[n++];
        r->topic = store__col_dup(st, 0, &oom);
        r->text = store__col_dup(st, 1, &oom);
    }
    ds_status s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory reading facts")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "reading a product's facts");
    store__done(st);
    if (s != DS_OK) {
        store_facts_free(v, n);
        return s;
    }
    *out = v;
    *count = n;
    return DS_OK;
}

ds_status store_products_described(store_db *db, store_product **out, size_t *count, ds_error *err)
{
    if (!db || !out || !count)
        return ds_fail(err, DS_EINVAL, "store_products_described: db, out and count are required");
    store_q *st = store__q(db, STMT_PRODUCTS_DESCRIBED, err);
    if (!st)
        return DS_EDB;
    store_product *v = NULL;
    size_t n = 0, cap = 0;
    int rc = STORE_DONE, oom = 0;
    while (!oom && (rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            store_product *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = ncap;
        }
        store_product *r = &v[n++];
        r->name = store__col_dup(st, 0, &oom);
        r->sku = NULL;
    }
    ds_status s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory listing products")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "listing described products");
    store__done(st);
    if (s != DS_OK) {
        store_products_free(v, n);
        return s;
    }
    *out = v;
    *count = n;
    return DS_OK;
}
