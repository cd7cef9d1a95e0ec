/* SPDX-License-Identifier: MIT */
/* `destek review list|assign|dismiss` (CONTRACT.md "Reports and review"):
 * what the bot did not understand, and teaching it. assign adds the message
 * to the intent's "taught" list in the KB's own files, after checking a
 * copy of the whole knowledge base with the change loads as `kb lint`
 * would and answers the intent; a broken result changes nothing. A running
 * server sees the changed file and reloads by itself. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "teach.h"

static const char usage[] = "usage: destek review list [--db PATH] [--json] [--kb DIR]\n"
                            "       destek review assign ID INTENT [--db PATH] [--kb DIR]\n"
                            "       destek review dismiss ID [--db PATH]\n";

static long long item_id(const char *s)
{
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    return end && !*end && id > 0 ? id : 0;
}

static int do_list(const cli_opts *o)
{
    if (o->arg_count != 1) {
        fputs(usage, stderr);
        return 2;
    }
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    store_review *r = NULL;
    size_t n = 0;
    /* the same message typed differently is one item: grouped by its
     * normalised form, with the knowledge base's lexicon */
    cli_engine e;
    if (cli_engine_open(&e, cli_kb_dir(o)) != 0) {
        store_close(db);
        return 1;
    }
    teach_keyer *k = teach_keyer_new(e.kb);
    ds_status st = k ? store_review_refresh(db, teach_review_key, k, &err) : DS_ENOMEM;
    teach_keyer_free(k);
    cli_engine_close(&e);
    if (st == DS_ENOMEM && !err.message[0])
        snprintf(err.message, sizeof err.message, "out of memory");
    if (st != DS_OK || store_review_list(db, 0, &r, &n, &err) != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        store_close(db);
        return 1;
    }
    store_close(db);
    for (size_t i = 0; i < n; i++) {
        if (o->json) {
            json_t *j =
                json_pack("{s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)r[i].id, "text", r[i].text,
                          "intent", r[i].intent, "count", (json_int_t)r[i].count, "last_seen",
                          r[i].last_seen, "conversation", (json_int_t)r[i].conversation);
            cli_print_json_line(j);
        } else {
            printf("%6lld  %3lldx  %-22s  %.25s  %.70s\n", r[i].id, r[i].count, r[i].intent,
                   r[i].last_seen, r[i].text);
        }
    }
    if (!o->json)
        printf("%zu %s to review\n", n, n == 1 ? "message" : "messages");
    ds_free(r);
    return 0;
}

static int do_assign(const cli_opts *o)
{
    long long id = o->arg_count == 3 ? item_id(o->args[1]) : 0;
    if (!id) {
        fputs(usage, stderr);
        return 2;
    }
    const char *intent = o->args[2], *dir = cli_kb_dir(o);
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    store_review *r = NULL;
    size_t n = 0;
    int rc = 1;
    if (store_review_list(db, id, &r, &n, &err) != DS_OK || n != 1) {
        fprintf(stderr, "destek: there is no review item %lld (destek review list)\n", id);
        goto out;
    }
    char *file = NULL;
    ds_status st = teach_assign(dir, intent, r[0].text, &file, &err);
    if (st != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        if (st == DS_EKB)
            fprintf(stderr, "destek: the change was refused; no file of %s changed\n", dir);
        rc = st == DS_ENOTFOUND ? 2 : 1;
    } else if (store_review_set(db, id, "assigned", intent, &err) != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
    } else {
        printf("taught: \"%s\" is %s now (%s/%s, \"taught\"); a running server reloads it by "
               "itself\n",
               r[0].text, intent, dir, file);
        rc = 0;
    }
    ds_free(file);
out:
    ds_free(r);
    store_close(db);
    return rc;
}

static int do_dismiss(const cli_opts *o)
{
    long long id = o->arg_count == 2 ? item_id(o->args[1]) : 0;
    if (!id) {
        fputs(usage, stderr);
        return 2;
    }
    store_db *db = cli_store_open(o);
    if (!db)
        return 1;
    ds_error err;
    memset(&err, 0, sizeof err);
    int rc = 0;
    if (store_review_set(db, id, "dismissed", NULL, &err) != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        rc = 1;
    } else {
        printf("dismissed: review item %lld is out of scope\n", id);
    }
    store_close(db);
    return rc;
}

int cmd_review(int argc, char **argv)
{
    ds_json_use_ds_alloc();
    cli_opts o;
    if (cli_parse(argc, argv, 2, &o) != 0) {
        cli_opts_free(&o);
        return 2;
    }
    const char *sub = o.arg_count ? o.args[0] : "";
    int rc = strcmp(sub, "list") == 0      ? do_list(&o)
             : strcmp(sub, "assign") == 0  ? do_assign(&o)
             : strcmp(sub, "dismiss") == 0 ? do_dismiss(&o)
                                           : (fputs(usage, stderr), 2);
    cli_opts_free(&o);
    return rc;
}
