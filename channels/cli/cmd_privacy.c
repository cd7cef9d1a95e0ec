/* SPDX-License-Identifier: MIT */
/* `destek privacy export|erase|purge|log|access`: a customer's rights and
 * the shop's duties under KVKK (CONTRACT.md "Personal data", docs/PRIVACY.md).
 * The store does the work; this file picks the subject and prints. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "privacy.h"
#include "store.h"

static const char usage[] =
    "usage: destek privacy export (--email ADDR | --phone NUMBER | --order ID) [--db PATH]\n"
    "       destek privacy erase (--email ADDR | --phone NUMBER | --order ID) [--db PATH]\n"
    "       destek privacy purge [--db PATH] [--kb DIR] [--now ISO8601]\n"
    "       destek privacy log [--db PATH] [--json]\n"
    "       destek privacy access [--conversation ID] [--db PATH] [--json]\n";

/* Exactly one of --email, --phone, --order. */
static int subject_of(const cli_opts *o, store_subject_kind *kind, const char **value)
{
    int n = !!o->email + !!o->phone + !!o->order;
    if (n != 1) {
        fprintf(stderr,
                "destek: name the customer with exactly one of --email, --phone or "
                "--order\n%s",
                usage);
        return -1;
    }
    *kind = o->email ? STORE_SUBJECT_EMAIL : o->phone ? STORE_SUBJECT_PHONE : STORE_SUBJECT_ORDER;
    *value = o->email ? o->email : o->phone ? o->phone : o->order;
    return 0;
}

static int fail(store_db *db, const ds_error *err)
{
    fprintf(stderr, "destek: %s\n", err->message);
    store_close(db);
    return err->status == DS_EINVAL ? 2 : 1;
}

static int do_export(const cli_opts *o)
{
    store_subject_kind kind;
    const char *value;
    if (subject_of(o, &kind, &value) != 0)
        return 2;
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    char *json = NULL;
    if (store_privacy_export(db, kind, value, &json, &err) != DS_OK)
        return fail(db, &err);
    printf("%s\n", json);
    ds_free(json);
    store_close(db);
    return 0;
}

static void print_counts(const store_destruction *d, int json)
{
    if (json) {
        json_t *j =
            json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "at", d->at, "rule", d->rule,
                      "conversations", (json_int_t)d->conversations, "messages",
                      (json_int_t)d->messages, "requests", (json_int_t)d->requests, "handoffs",
                      (json_int_t)d->handoffs, "returns", (json_int_t)d->returns);
        cli_print_json_line(j);
        return;
    }
    printf("%s  %-27s  %lld conversations, %lld messages, %lld requests, %lld hand-offs, "
           "%lld case texts\n",
           d->at, d->rule, d->conversations, d->messages, d->requests, d->handoffs, d->returns);
}

static int do_erase(const cli_opts *o)
{
    store_subject_kind kind;
    const char *value;
    if (subject_of(o, &kind, &value) != 0)
        return 2;
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    char now[40];
    long long t = cli_now(o);
    time_t tt = (time_t)(t < 0 ? 0 : t);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    store_destruction d;
    if (store_privacy_erase(db, kind, value, now, &d, &err) != DS_OK)
        return fail(db, &err);
    store_close(db);
    if (o->json) {
        print_counts(&d, 1);
    } else {
        printf("erased: %lld conversations, %lld messages, %lld requests or offline requests "
               "(their text), %lld hand-offs, %lld case descriptions\n",
               d.conversations, d.messages, d.requests, d.handoffs, d.returns);
        printf("orders, returns and requests stay as the shop's records, without the "
               "customer's own words; a destruction record was written (destek privacy log)\n");
    }
    return 0;
}

static int do_purge(const cli_opts *o)
{
    cli_engine e;
    if (cli_engine_open(&e, cli_kb_dir(o)) != 0)
        return 1;
    store_db *db = cli_store_open(o);
    if (!db) {
        cli_engine_close(&e);
        return 1;
    }
    ds_error err;
    memset(&err, 0, sizeof err);
    store_destruction d[STORE_PURGE_RULES];
    long long now = cli_now(o);
    if (now < 0) {
        fprintf(stderr, "destek: --now wants an ISO 8601 time with an offset, as "
                        "2026-12-02T14:00:00+03:00\n");
        store_close(db);
        cli_engine_close(&e);
        return 2;
    }
    int rc = 0;
    if (privacy_purge(db, e.kb, now, d, &err) != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        rc = 1;
    } else {
        for (size_t i = 0; i < STORE_PURGE_RULES; i++)
            print_counts(&d[i], o->json);
    }
    store_close(db);
    cli_engine_close(&e);
    return rc;
}

static int do_log(const cli_opts *o)
{
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    store_destruction *d = NULL;
    size_t n = 0;
    if (store_destructions_list(db, &d, &n, &err) != DS_OK)
        return fail(db, &err);
    store_close(db);
    for (size_t i = 0; i < n; i++)
        print_counts(&d[i], o->json);
    if (!o->json)
        printf("%zu %s\n", n, n == 1 ? "record" : "records");
    ds_free(d);
    return 0;
}

static int do_access(const cli_opts *o)
{
    long long conv = 0;
    if (o->conversation) {
        char *end = NULL;
        conv = strtoll(o->conversation, &end, 10);
        if (!end || *end || conv <= 0) {
            fprintf(stderr, "destek: --conversation wants a conversation id, a number\n");
            return 2;
        }
    }
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    store_access *a = NULL;
    size_t n = 0;
    if (store_access_list(db, conv, &a, &n, &err) != DS_OK)
        return fail(db, &err);
    store_close(db);
    for (size_t i = 0; i < n; i++) {
        if (o->json) {
            json_t *j =
                json_pack("{s:s, s:s, s:I, s:s}", "at", a[i].at, "agent", a[i].agent,
                          "conversation", (json_int_t)a[i].conversation, "action", a[i].action);
            cli_print_json_line(j);
        } else {
            printf("%s  %-20s  conversation %-8lld  %s\n", a[i].at, a[i].agent, a[i].conversation,
                   a[i].action);
        }
    }
    if (!o->json)
        printf("%zu %s\n", n, n == 1 ? "access" : "accesses");
    ds_free(a);
    return 0;
}

typedef struct subcommand {
    const char *name;
    int (*run)(const cli_opts *o);
} subcommand;

static const subcommand subcommands[] = {
    {"export", do_export}, {"erase", do_erase},   {"purge", do_purge},
    {"log", do_log},       {"access", do_access},
};

int cmd_privacy(int argc, char **argv)
{
    ds_json_use_ds_alloc();
    cli_opts o;
    if (cli_parse(argc, argv, 2, &o) != 0) {
        cli_opts_free(&o);
        return 2;
    }
    int rc = -1;
    for (size_t i = 0; o.arg_count == 1 && i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(o.args[0], subcommands[i].name) == 0)
            rc = subcommands[i].run(&o);
    if (rc == -1) {
        fputs(usage, stderr);
        rc = 2;
    }
    cli_opts_free(&o);
    return rc;
}
