/* SPDX-License-Identifier: MIT */
/* `destek report [--db DB] [--from DATE] [--to DATE] [--json]`: the shop's
 * customer-service figures for conversations started in a period (shop-local
 * dates, both inclusive; the last 30 days by default), as CONTRACT.md
 * "Reports" says and docs/OPERATIONS.md defines. The store counts; this
 * file picks the period and prints. */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cli.h"
#include "report.h"
#include "store.h"

static const char usage[] =
    "usage: destek report [--db PATH] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json] [--kb DIR]\n";

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31;
}

/* The shop's date of a moment, as YYYY-MM-DD. */
static void shop_date(const clock_zone *z, long long utc, char out[11])
{
    char iso[CLOCK_ISO_LEN];
    clock_iso(z, utc, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

static void print_json(const store_report *r, const char *from, const char *to)
{
    json_t *j = report_json(r, from, to);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4)) : NULL;
    json_decref(j);
    if (s)
        printf("%s\n", s);
    else
        fprintf(stderr, "destek: out of memory\n");
    ds_free(s);
}

static void print_text(const store_report *r, const char *from, const char *to)
{
    printf("conversations started %s .. %s: %lld\n", from, to, r->conversations);
    printf("  resolved by the bot (no hand-off)   %lld (%.1f %%)\n", r->bot_resolved,
           r->conversations ? 100.0 * (double)r->bot_resolved / (double)r->conversations : 0.0);
    printf("  handed to people                    %lld (%lld offline requests)\n", r->handoffs,
           r->offline_requests);
    for (size_t i = 0; i < r->reasons; i++)
        printf("    %-32s  %lld\n", r->by_reason[i].name, r->by_reason[i].n);
    if (r->first_response_s >= 0)
        printf("  first response (median)             %lld s over %lld answered hand-offs\n",
               r->first_response_s, r->answered);
    if (r->first_response_open_s >= 0)
        printf("    of it in working hours            %lld s\n", r->first_response_open_s);
    if (r->waiting_s >= 0)
        printf("  waiting until claimed (median)      %lld s\n", r->waiting_s);
    if (r->waiting_open_s >= 0)
        printf("    of it in working hours            %lld s\n", r->waiting_open_s);
    if (r->resolution_s >= 0)
        printf("  hand-off to its end (median)        %lld s\n", r->resolution_s);
    if (r->csat >= 0)
        printf("  CSAT (4-5 of 5)                     %.1f %% of %lld scores\n", 100.0 * r->csat,
               r->csat_responses);
    printf("  fallback rate                       %.1f %% of %lld bot replies\n",
           r->bot_turns ? 100.0 * (double)r->fallbacks / (double)r->bot_turns : 0.0, r->bot_turns);
    if (r->intent_count)
        printf("  busiest intents:");
    for (size_t i = 0; i < r->intent_count; i++)
        printf(" %s %lld%s", r->intents[i].name, r->intents[i].n,
               i + 1 < r->intent_count ? "," : "\n");
}

int cmd_report(int argc, char **argv)
{
    ds_json_use_ds_alloc();
    cli_opts o;
    if (cli_parse(argc, argv, 2, &o) != 0 || o.arg_count) {
        fputs(usage, stderr);
        cli_opts_free(&o);
        return 2;
    }
    if ((o.from && !valid_date(o.from)) || (o.to && !valid_date(o.to))) {
        fprintf(stderr, "destek: --from and --to are dates, YYYY-MM-DD\n%s", usage);
        cli_opts_free(&o);
        return 2;
    }
    /* the shop's own calendar: its zone from shop.json */
    cli_engine e;
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    char from[11], to[11];
    long long now = cli_now(&o);
    shop_date(kb_zone(e.kb), now, to);
    shop_date(kb_zone(e.kb), now - 29 * 86400LL, from);
    if (o.to)
        snprintf(to, sizeof to, "%s", o.to);
    if (o.from)
        snprintf(from, sizeof from, "%s", o.from);
    const char *path = o.db_path ? o.db_path : CLI_DEFAULT_DB;
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    int rc = 0;
    store_report r;
    if (store_open(path, &db, &err) != DS_OK) {
        char shown[512];
        fprintf(stderr, "destek: cannot open the database %s: %s\n",
                store_shown(path, shown, sizeof shown), err.message);
        rc = 1;
    } else if (store_report_get(db, from, to, report_open_seconds, e.kb, &r, &err) != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        rc = err.status == DS_EINVAL ? 2 : 1;
    } else if (o.json) {
        print_json(&r, from, to);
    } else {
        print_text(&r, from, to);
    }
    store_close(db);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return rc;
}
