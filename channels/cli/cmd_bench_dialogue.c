/* SPDX-License-Identifier: MIT */
/* `destek bench --dialogue --orders FILE.json [--db PATH]`: dialogue turns per
 * second with the order store in the loop. Each conversation asks for its
 * parcel, gives the order number, proves identity (a store read), asks for
 * the status (another read) and says thanks: five turns. The orders come
 * from the import file, which is loaded into --db (a temporary database when
 * absent) first. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dlg.h"

typedef struct sample {
    char id[32];
    char email[128];
} sample;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads the file, imports it, and keeps up to max (id, e-mail) pairs. */
static int prepare(const char *file, store_db *db, sample *out, size_t max, size_t *count,
                   size_t *imported)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        perror(file);
        return -1;
    }
    ds_buf b;
    ds_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ds_buf_append(&b, chunk, n);
    fclose(f);
    ds_error err;
    double t0 = now_s();
    if (b.failed || store_import_orders(db, b.data, b.len, imported, &err) != DS_OK) {
        fprintf(stderr, "destek bench: import failed: %s: %s\n", err.field, err.message);
        ds_buf_cleanup(&b);
        return -1;
    }
    fprintf(stderr, "imported %zu orders in %.2f s\n", *imported, now_s() - t0);
    json_t *root = json_loadb(b.data, b.len, 0, NULL);
    json_t *orders = json_object_get(root, "orders");
    size_t total = json_array_size(orders), step = total / max + 1;
    *count = 0;
    for (size_t i = 0; i < total && *count < max; i += step) {
        json_t *o = json_array_get(orders, i);
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *email =
            json_string_value(json_object_get(json_object_get(o, "customer"), "email"));
        if (id && email && strlen(id) < sizeof out->id && strlen(email) < sizeof out->email) {
            strcpy(out[*count].id, id);
            strcpy(out[*count].email, email);
            (*count)++;
        }
    }
    json_decref(root);
    ds_buf_cleanup(&b);
    return *count ? 0 : -1;
}

/* One five-turn conversation; adds each turn's latency to lat when given. */
static int converse(dlg_env *env, const sample *sm, double *lat, size_t *nlat)
{
    const char *lines[5] = {"kargom nerede", sm->id, sm->email, "peki siparişim ne durumda",
                            "teşekkürler"};
    dlg_session *s = dlg_session_new("bench");
    dlg_reply r;
    int ok = s != NULL;
    for (size_t i = 0; i < 5 && ok; i++) {
        dlg_reply_init(&r);
        double t0 = lat ? now_s() : 0;
        ok = dlg_respond(env, s, lines[i], strlen(lines[i]), &r, NULL) == DS_OK;
        if (lat)
            lat[(*nlat)++] = (now_s() - t0) * 1e6;
        if (i == 2 && !r.verified)
            ok = 0; /* the benchmark must measure the verified path */
        dlg_reply_cleanup(&r);
    }
    dlg_session_free(s);
    return ok;
}

int cmd_bench_dialogue(const cli_opts *o, cli_engine *e)
{
    if (!o->orders) {
        fprintf(stderr, "usage: destek bench --dialogue --orders FILE.json [--db PATH]\n");
        return 2;
    }
    char tmp[] = "/tmp/destek-bench-XXXXXX";
    const char *path = o->db_path;
    if (!path) {
        int fd = mkstemp(tmp);
        if (fd < 0)
            return 1;
        close(fd);
        unlink(tmp);
        path = tmp;
    }
    store_db *db;
    ds_error err;
    if (store_open(path, &db, &err) != DS_OK) {
        char shown[512];
        fprintf(stderr, "destek bench: %s: %s\n", store_shown(path, shown, sizeof shown),
                err.message);
        return 1;
    }
    enum { MAX_SAMPLES = 2000 };
    sample *sm = ds_calloc(MAX_SAMPLES, sizeof *sm);
    size_t count = 0, imported = 0;
    if (!sm || prepare(o->orders, db, sm, MAX_SAMPLES, &count, &imported) != 0) {
        ds_free(sm);
        store_close(db);
        return 1;
    }
    dlg_env env = {.me = e->me, .db = db, .scratch = e->text, .res = e->res, .now = 1795597200};
    for (size_t i = 0; i < count; i++)
        if (!converse(&env, &sm[i], NULL, NULL)) {
            fprintf(stderr, "destek bench: conversation for order %s did not verify\n", sm[i].id);
            ds_free(sm);
            store_close(db);
            return 1;
        }
    double *rates = ds_calloc((size_t)o->runs, sizeof *rates);
    double per_run = o->seconds / o->runs;
    for (int r = 0; r < o->runs && rates; r++) {
        size_t turns = 0, i = 0;
        double t0 = now_s(), t;
        do {
            converse(&env, &sm[i++ % count], NULL, NULL);
            turns += 5;
        } while ((t = now_s()) - t0 < per_run);
        rates[r] = turns / (t - t0);
    }
    size_t nlat = 0, cap = count * 5;
    double *lat = ds_calloc(cap, sizeof *lat);
    for (size_t i = 0; lat && i < count; i++)
        converse(&env, &sm[i], lat, &nlat);
    if (rates && lat && nlat) {
        qsort(rates, (size_t)o->runs, sizeof *rates, cmp_double);
        qsort(lat, nlat, sizeof *lat, cmp_double);
        char shown[512];
        printf("orders in store: %zu (%s)\n", imported, store_shown(path, shown, sizeof shown));
        printf("conversations:   %zu distinct, 5 turns each (3 store reads)\n", count);
        printf("throughput:      %.0f turns/s (median of %d runs; min %.0f, max %.0f)\n",
               rates[o->runs / 2], o->runs, rates[0], rates[o->runs - 1]);
        printf("latency:         p50 %.2f us, p99 %.2f us per turn\n", lat[nlat / 2],
               lat[(size_t)(nlat * 0.99)]);
    }
    ds_free(rates);
    ds_free(lat);
    ds_free(sm);
    store_close(db);
    if (path == tmp) {
        char side[64];
        unlink(tmp);
        snprintf(side, sizeof side, "%s-wal", tmp);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", tmp);
        unlink(side);
    }
    return 0;
}
