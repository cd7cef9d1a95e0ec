/* SPDX-License-Identifier: MIT */
/* `destek returns list [--db PATH] [--json]`: the return and exchange
 * requests and after-sales cases of the order store, oldest first, as JSON
 * lines (CONTRACT.md) or as an aligned table for the shop's team. The store
 * does the work; this file only formats. */
#include <jansson.h>
#include <string.h>

#include "cli.h"
#include "store.h"

static const char usage[] = "usage: destek returns list [--db PATH] [--json]\n";

/* Parses a stored JSON text; falls back to the text itself as a string
 * should a stored value ever not parse (it was checked on the way in). */
static json_t *json_field(const char *text, json_t *if_null)
{
    if (!text)
        return if_null;
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    json_decref(if_null);
    return v ? v : json_string(text);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int print_json(const store_return *r, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        json_t *j =
            json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:s, s:s}", "id",
                      (json_int_t)r[i].id, "kind", r[i].kind, "order", str_or_null(r[i].order_id),
                      "items", json_field(r[i].items, json_array()), "reason", r[i].reason, "state",
                      r[i].state, "code", str_or_null(r[i].code), "priority", r[i].priority,
                      "details", json_field(r[i].details, json_null()), "created_at",
                      r[i].created_at, "updated_at", r[i].updated_at);
        char *line = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        if (!line) {
            fprintf(stderr, "destek: out of memory\n");
            return 1;
        }
        printf("%s\n", line);
        ds_free(line);
    }
    return 0;
}

/* "TS-102-M x1, ELK-410 x2": the SKUs and quantities of an items text. */
static void items_summary(const char *text, ds_buf *b)
{
    json_t *items = json_loads(text ? text : "[]", 0, NULL);
    for (size_t i = 0; i < json_array_size(items); i++) {
        const json_t *it = json_array_get(items, i);
        const char *sku = json_string_value(json_object_get(it, "sku"));
        ds_buf_printf(b, "%s%s x%lld", i ? ", " : "", sku ? sku : "?",
                      (long long)json_integer_value(json_object_get(it, "qty")));
    }
    if (!items)
        ds_buf_puts(b, text ? text : "");
    json_decref(items);
}

/* " -> KZ-520-BEJ-M": what an exchange asks for, from its details. */
static void exchange_target(const char *details, ds_buf *b)
{
    json_t *d = details ? json_loads(details, 0, NULL) : NULL;
    const char *sku = json_string_value(json_object_get(d, "new_sku"));
    if (sku)
        ds_buf_printf(b, " -> %s", sku);
    json_decref(d);
}

enum {
    COL_ID,
    COL_KIND,
    COL_ORDER,
    COL_STATE,
    COL_CODE,
    COL_PRIO,
    COL_CREATED,
    COL_REASON,
    COL_ITEMS,
    COL_COUNT_
};

static const char *const headers[COL_COUNT_] = {"ID",       "KIND",    "ORDER",  "STATE", "CODE",
                                                "PRIORITY", "CREATED", "REASON", "ITEMS"};

/* Display width of UTF-8 text: one column per character (Turkish letters are
 * two bytes but one column). */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int print_table(const store_return *r, size_t count)
{
    char ***cells = ds_calloc(count + 1, sizeof *cells);
    size_t w[COL_COUNT_];
    int rc = 0;
    if (!cells) {
        fprintf(stderr, "destek: out of memory\n");
        return 1;
    }
    for (size_t c = 0; c < COL_COUNT_; c++)
        w[c] = width(headers[c]);
    for (size_t i = 0; i < count && rc == 0; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", r[i].id);
        ds_buf items;
        ds_buf_init(&items);
        items_summary(r[i].items, &items);
        if (strcmp(r[i].kind, "exchange") == 0)
            exchange_target(r[i].details, &items);
        cells[i] = ds_calloc(COL_COUNT_, sizeof *cells[i]);
        if (!cells[i]) {
            ds_buf_cleanup(&items);
            rc = 1;
            break;
        }
        const char *v[COL_COUNT_] = {id,
                                     r[i].kind,
                                     r[i].order_id ? r[i].order_id : "-",
                                     r[i].state,
                                     r[i].code ? r[i].code : "-",
                                     r[i].priority,
                                     r[i].created_at,
                                     r[i].reason,
                                     items.data ? items.data : ""};
        for (size_t c = 0; c < COL_COUNT_; c++) {
            cells[i][c] = ds_strdup(v[c]);
            if (!cells[i][c])
                rc = 1;
            else if (width(v[c]) > w[c])
                w[c] = width(v[c]);
        }
        ds_buf_cleanup(&items);
    }
    if (rc == 0) {
        for (size_t c = 0; c < COL_COUNT_; c++)
            printf("%s%-*s", c ? "  " : "", c + 1 < COL_COUNT_ ? (int)w[c] : 0, headers[c]);
        printf("\n");
        for (size_t i = 0; i < count; i++) {
            for (size_t c = 0; c < COL_COUNT_; c++) {
                const char *s = cells[i][c];
                size_t pad = c + 1 < COL_COUNT_ ? w[c] - width(s) : 0;
                printf("%s%s%*s", c ? "  " : "", s, (int)pad, "");
            }
            printf("\n");
        }
        printf("%zu %s\n", count, count == 1 ? "entry" : "entries");
    } else {
        fprintf(stderr, "destek: out of memory\n");
    }
    for (size_t i = 0; i < count && cells[i]; i++) {
        for (size_t c = 0; c < COL_COUNT_; c++)
            ds_free(cells[i][c]);
        ds_free(cells[i]);
    }
    ds_free(cells);
    return rc;
}

static int returns_list(const cli_opts *o)
{
    if (o->arg_count != 1) {
        fputs(usage, stderr);
        return 2;
    }
    const char *path = o->db_path ? o->db_path : CLI_DEFAULT_DB;
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_open(path, &db, &err) != DS_OK) {
        fprintf(stderr, "destek: cannot open the database: %s\n", err.message);
        return 1;
    }
    store_return *r = NULL;
    size_t count = 0;
    ds_status st = store_returns_list(db, NULL, &r, &count, &err);
    store_close(db);
    if (st != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        return 1;
    }
    int rc = o->json ? print_json(r, count) : print_table(r, count);
    store_returns_free(r, count);
    return rc;
}

int cmd_returns(int argc, char **argv)
{
    ds_json_use_ds_alloc();
    cli_opts o;
    if (cli_parse(argc, argv, 2, &o) != 0) {
        cli_opts_free(&o);
        return 2;
    }
    int rc;
    if (o.arg_count > 0 && strcmp(o.args[0], "list") == 0) {
        rc = returns_list(&o);
    } else {
        fputs(usage, stderr);
        rc = 2;
    }
    cli_opts_free(&o);
    return rc;
}
