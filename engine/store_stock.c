/* SPDX-License-Identifier: MIT */
/* Stock of each SKU and the variants of a product (colour, size) that an
 * exchange can choose from. A SKU imported without its product follows the
 * convention PRODUCT-SIZE (TS-102-M). Same threading rule as store.h. */
#include <stdio.h>
#include <string.h>

#include "ds_limits.h"
#include "store_int.h"

/* Product and size of a SKU by the convention: product[0..*plen) and the
 * size after the last dash (NULL when there is no dash). */
static const char *convention(const char *sku, size_t *plen)
{
    const char *dash = strrchr(sku, '-');
    *plen = dash ? (size_t)(dash - sku) : strlen(sku);
    return dash ? dash + 1 : NULL;
}

ds_status store_stock_get(store_db *db, const char *sku, int *qty, ds_error *err)
{
    if (!db || !sku || !qty)
        return ds_fail(err, DS_EINVAL, "store_stock_get: db, sku and qty are required");
    store_q *st = store__q(db, STMT_STOCK_GET, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, sku);
    int rc = store__step(db, st);
    int n = rc == STORE_ROW ? (int)store__col_int(st, 0) : 0;
    store__done(st);
    if (rc == STORE_ROW) {
        *qty = n;
        return DS_OK;
    }
    return rc == STORE_DONE ? ds_fail(err, DS_ENOTFOUND, "no SKU \"%s\" in stock", sku)
                            : store__db_fail(db, err, "reading stock");
}

ds_status store_variant_set(store_db *db, const char *sku, const char *product, const char *colour,
                            const char *size, int qty, ds_error *err)
{
    if (!db || !sku || !sku[0] || qty < 0)
        return ds_fail(err, DS_EINVAL,
                       "store_variant_set: db, a non-empty sku and qty >= 0 are required");
    store_q *st = store__q(db, STMT_STOCK_SET, err);
    if (!st)
        return DS_EDB;
    size_t plen;
    const char *csize = convention(sku, &plen);
    char conv_product[STORE_MAX_FIELD_LEN + 1];
    snprintf(conv_product, sizeof conv_product, "%.*s", (int)plen, sku);
    store__bind_text(st, 1, sku);
    store__bind_int(st, 2, qty);
    store__bind_text(st, 3, product && product[0] ? product : conv_product);
    store__bind_text(st, 4, colour && colour[0] ? colour : NULL);
    store__bind_text(st, 5, size && size[0] ? size : product && product[0] ? NULL : csize);
    int rc = store__step(db, st);
    store__done(st);
    return rc == STORE_DONE ? DS_OK : store__db_fail(db, err, "setting stock");
}

ds_status store_stock_set(store_db *db, const char *sku, int qty, ds_error *err)
{
    return store_variant_set(db, sku, NULL, NULL, NULL, qty, err);
}

void store_variants_free(store_variant *v, size_t count)
{
    if (!v)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(v[i].sku);
        ds_free(v[i].colour);
        ds_free(v[i].size);
    }
    ds_free(v);
}

/* The product sku belongs to (owned), by its stock row or the convention. */
static ds_status product_of(store_db *db, const char *sku, char **product, ds_error *err)
{
    store_q *st = store__q(db, STMT_STOCK_PRODUCT, err);
    if (!st)
        return DS_EDB;
    store__bind_text(st, 1, sku);
    int rc = store__step(db, st), oom = 0;
    char *p = rc == STORE_ROW ? store__col_dup(st, 0, &oom) : NULL;
    store__done(st);
    if (rc != STORE_ROW && rc != STORE_DONE)
        return store__db_fail(db, err, "reading stock");
    if (!p && !oom) {
        size_t plen;
        convention(sku, &plen);
        if ((p = ds_malloc(plen + 1))) {
            memcpy(p, sku, plen);
            p[plen] = '\0';
        }
    }
    if (!p)
        return ds_fail(err, DS_ENOMEM, "out of memory reading stock");
    *product = p;
    return DS_OK;
}

ds_status store_variants_of(store_db *db, const char *sku, store_variant **out, size_t *count,
                            ds_error *err)
{
    if (!db || !sku || !out || !count)
        return ds_fail(err, DS_EINVAL, "store_variants_of: db, sku, out and count are required");
    char *product = NULL;
    ds_status s = product_of(db, sku, &product, err);
    if (s != DS_OK)
        return s;
    store_q *st = store__q(db, STMT_VARIANTS, err);
    if (!st) {
        ds_free(product);
        return DS_EDB;
    }
    store__bind_text(st, 1, product);
    store_variant *v = NULL;
    size_t n = 0, cap = 0;
    int rc = STORE_DONE, oom = 0;
    while (!oom && (rc = store__step(db, st)) == STORE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            store_variant *nv = ds_realloc(v, ncap * sizeof *nv);
            if (!nv) {
                oom = 1;
                break;
            }
            v = nv;
            cap = ncap;
        }
        store_variant *r = &v[n++];
        r->sku = store__col_dup(st, 0, &oom);
        r->colour = store__col_dup(st, 1, &oom);
        r->size = store__col_dup(st, 2, &oom);
        r->qty = (int)store__col_int(st, 3);
    }
    s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory listing variants")
        : rc == STORE_DONE ? DS_OK
                           : store__db_fail(db, err, "listing variants");
    store__done(st);
    ds_free(product);
    if (s != DS_OK) {
        store_variants_free(v, n);
        return s;
    }
    *out = v;
    *count = n;
    return DS_OK;
}

void store_products_free(store_product *p, size_t count)
{
    if (!p)
        return;
    for (size_t i = 0; i < count; i++) {
        ds_free(p[i].name);
        ds_free(p[i].sku);
    }
    ds_free(p);
}

ds_status store_products_sold(store_db *db, store_product **out, size_t *count, ds_error *err)
{
    if (!db || !out || !count)
        return ds_fail(err, DS_EINVAL, "store_products_sold: db, out and count are required");
    store_q *st = store__q(db, STMT_PRODUCTS_SOLD, err);
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
        r->sku = store__col_dup(st, 1, &oom);
    }
    ds_status s = oom                ? ds_fail(err, DS_ENOMEM, "out of memory listing products")
                  : rc == STORE_DONE ? DS_OK
                                     : store__db_fail(db, err, "listing products");
    store__done(st);
    if (s != DS_OK) {
        store_products_free(v, n);
        return s;
    }
    *out = v;
    *count = n;
    return DS_OK;
}
