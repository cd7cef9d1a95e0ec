/* SPDX-License-Identifier: MIT */
/* `destek orders import FILE.json [--db PATH]` (loads a CONTRACT.md order
 * file in one transaction) and `destek orders show ID [--db PATH]` (prints
 * one stored order as JSON in the import format). The store does the work. */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "cli.h"
#include "ds_limits.h"
#include "store.h"

#define DEFAULT_DB "destek.db"

/* Reads a whole file into an owned buffer (ds_free). 0 on success; on
 * failure prints why and returns -1. */
static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    ds_buf b;
    ds_buf_init(&b);
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > STORE_MAX_IMPORT_LEN) {
            fprintf(stderr, "%s: larger than the import limit of %u bytes\n", path,
                    STORE_MAX_IMPORT_LEN);
            ds_buf_cleanup(&b);
            fclose(f);
            return -1;
        }
        ds_buf_append(&b, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: read error\n", path);
        ds_buf_cleanup(&b);
        return -1;
    }
    if (b.failed) {
        fprintf(stderr, "%s: out of memory\n", path);
        ds_buf_cleanup(&b);
        return -1;
    }
    *len = b.len;
    *out = b.data ? b.data : ds_strdup("");
    return *out ? 0 : -1;
}

static store_db *open_db(const char *path)
{
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_open(path, &db, &err) != DS_OK) {
        fprintf(stderr, "destek: cannot open the database: %s\n", err.message);
        return NULL;
    }
    return db;
}

static int orders_import(const cli_opts *o)
{
    if (o->arg_count != 2) {
        fprintf(stderr, "usage: destek orders import FILE.json [--db PATH]\n");
        return 2;
    }
    const char *file = o->args[1];
    const char *db_path = o->db_path ? o->db_path : DEFAULT_DB;
    char *text;
    size_t len;
    if (read_file(file, &text, &len) != 0)
        return 1;
    store_db *db = open_db(db_path);
    if (!db) {
        ds_free(text);
        return 1;
    }
    ds_error err;
    memset(&err, 0, sizeof err);
    size_t count = 0;
    ds_status st = store_import_orders(db, text, len, &count, &err);
    ds_free(text);
    store_close(db);
    if (st != DS_OK) {
        char buf[1200];
        snprintf(err.file, sizeof err.file, "%s", file);
        ds_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
        return 1;
    }
    char shown[512];
    printf("imported %zu orders into %s\n", count, store_shown(db_path, shown, sizeof shown));
    return 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The order in the import format, so `show` output can be imported again. */
static json_t *order_json(const store_order *o)
{
    json_t *items = json_array();
    for (size_t i = 0; i < o->item_count; i++) {
        const store_item *it = &o->items[i];
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:i, s:s}", "sku", it->sku, "name",
                                               it->name, "category", it->category, "qty", it->qty,
                                               "price", it->price));
    }
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:i, s:s, s:s}, s:o}", "id", o->id,
                  "created_at", o->created_at, "status", o->status, "customer", "name",
                  o->customer_name, "email", o->customer_email, "phone", o->customer_phone,
                  "payment", "method", o->payment_method, "installments", o->installments, "total",
                  o->total, "currency", o->currency, "items", items);
    if (j && o->has_shipment) {
        json_t *events = json_array();
        for (size_t i = 0; i < o->event_count; i++) {
            const store_event *ev = &o->events[i];
            json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:s}", "at", ev->at,
                                                    "location", ev->location, "status", ev->status,
                                                    "description", ev->description));
        }
        json_object_set_new(j, "shipment",
                            json_pack("{s:s, s:s, s:s, s:o, s:o}", "carrier", o->carrier,
                                      "tracking_no", o->tracking_no, "shipped_at", o->shipped_at,
                                      "delivered_at", str_or_null(o->delivered_at), "events",
                                      events));
    }
    return j;
}

static int orders_show(const cli_opts *o)
{
    if (o->arg_count != 2) {
        fprintf(stderr, "usage: destek orders show ID [--db PATH]\n");
        return 2;
    }
    store_db *db = open_db(o->db_path ? o->db_path : DEFAULT_DB);
    if (!db)
        return 1;
    store_order *order = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    ds_status st = store_order_get(db, o->args[1], &order, &err);
    store_audit *audit = NULL;
    size_t audit_n = 0;
    if (st == DS_OK)
        st = store_order_audit(db, o->args[1], &audit, &audit_n, &err);
    store_close(db);
    if (st != DS_OK) {
        store_order_free(order);
        fprintf(stderr, "destek: %s\n", err.message);
        return 1;
    }
    json_t *j = order_json(order);
    store_order_free(order);
    /* who cancelled it, an identity lock: not part of the import format
     * (an import ignores the key) */
    if (j && audit_n) {
        json_t *a = json_array();
        for (size_t i = 0; i < audit_n; i++)
            json_array_append_new(a,
                                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", audit[i].at,
                                            "action", audit[i].action, "old_status",
                                            audit[i].old_status, "new_status", audit[i].new_status,
                                            "actor", audit[i].actor, "reason", audit[i].reason));
        json_object_set_new(j, "audit", a);
    }
    store_audit_free(audit, audit_n);
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!text) {
        fprintf(stderr, "destek: out of memory\n");
        return 1;
    }
    printf("%s\n", text);
    ds_free(text);
    return 0;
}

int cmd_orders(int argc, char **argv)
{
    ds_json_use_ds_alloc();
    cli_opts o;
    if (cli_parse(argc, argv, 2, &o) != 0) {
        cli_opts_free(&o);
        return 2;
    }
    int rc;
    const char *sub = o.arg_count > 0 ? o.args[0] : "";
    if (strcmp(sub, "import") == 0) {
        rc = orders_import(&o);
    } else if (strcmp(sub, "show") == 0) {
        rc = orders_show(&o);
    } else {
        fprintf(stderr, "usage: destek orders import FILE.json [--db PATH]\n"
                        "       destek orders show ID [--db PATH]\n");
        rc = 2;
    }
    cli_opts_free(&o);
    return rc;
}
