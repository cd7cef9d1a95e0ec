/* SPDX-License-Identifier: MIT */
/* `destek chat`: the terminal channel. Reads a line, prints the bot's reply
 * and its quick replies; typing a quick reply's number sends its text. Each
 * turn goes through the conversation service, as in the server: the
 * conversation is kept in the store (--db, ./destek.db by default) and the
 * shop's working hours apply (--hours forces them). Without a terminal
 * (tests, pipes) each reply is one "bot: " block. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conv.h"
#include "ws.h"

static void print_reply(const dlg_reply *r, int tty, int show_intent)
{
    if (show_intent)
        printf("[%s %.2f%s]\n", r->intent ? r->intent : "?", r->confidence,
               r->handoff_priority
                   ? r->handoff_priority[0] == 'u' ? " handoff:urgent" : " handoff:normal"
                   : "");
    printf("%s%s\n", tty ? "\nDestek: " : "bot: ", r->text.data ? r->text.data : "");
    for (size_t i = 0; i < r->quick_reply_count; i++)
        printf("%s[%zu] %s", i ? "  " : "        ", i + 1, r->quick_replies[i]);
    if (r->quick_reply_count)
        printf("\n");
    fflush(stdout);
}

static void print_diag(void *ctx, int is_error, const ds_error *e)
{
    (void)ctx;
    char buf[1200];
    ds_error_format(e, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", is_error ? "error" : "warning", buf);
}

/* One turn in its own store batch, as the server's loop turn. */
static ds_status turn(conv_service *svc, conv_chat *c, const char *msg, size_t len,
                      conv_turn_result *res, ds_error *err)
{
    store_db *db = conv_service_store(svc);
    ds_status st = db ? store_batch_begin(db, err) : DS_OK;
    if (st == DS_OK)
        st = conv_turn(svc, c, NULL, msg, len, res, err);
    if (db && st == DS_OK)
        st = store_batch_commit(db, err);
    else if (db)
        store_batch_commit(db, NULL); /* what was stored before the failure stays */
    return st;
}

static conv_chat *start(conv_service *svc, ds_error *err)
{
    char token[23], hash[65];
    conv_chat *c = NULL;
    store_db *db = conv_service_store(svc);
    if (ws_token_new(token) != 0)
        return NULL;
    ws_sha256_hex(token, hash);
    if (db && store_batch_begin(db, err) != DS_OK)
        return NULL;
    ds_status st = conv_start(svc, hash, &c, err);
    if (db && (store_batch_commit(db, st == DS_OK ? err : NULL) != DS_OK || st != DS_OK)) {
        conv_free(c);
        return NULL;
    }
    return c;
}

int cmd_chat(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    long long now = cli_now(&o);
    hours_mode hours = hours_mode_parse(o.hours);
    if (now < 0 || hours == HOURS_INVALID) {
        fprintf(stderr, now < 0 ? "destek: --now wants an ISO 8601 time like "
                                  "2026-11-25T12:00:00+03:00\n"
                                : "destek: --hours is open, closed or auto\n");
        cli_opts_free(&o);
        return 2;
    }
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    if (dlg_check_kb(e.kb, print_diag, NULL) || hours_check(e.kb, print_diag, NULL)) {
        fprintf(stderr, "destek: dialogue.json or shop.json has errors (listed above)\n");
        cli_engine_close(&e);
        cli_opts_free(&o);
        return 1;
    }
    const char *db_path = o.db_path ? o.db_path : CLI_DEFAULT_DB;
    store_db *db = NULL;
    ds_error err;
    char shown[512];
    if (store_open(db_path, &db, &err) != DS_OK)
        fprintf(stderr,
                "destek: store %s unavailable (%s): nothing is kept, and order questions get "
                "an apology\n",
                store_shown(db_path, shown, sizeof shown), err.message);
    conv_service *svc = conv_service_new(e.me, db);
    conv_chat *c = NULL;
    if (svc) {
        conv_service_set_hours(svc, hours);
        if (o.now)
            conv_service_set_now(svc, (time_t)now);
        c = start(svc, &err);
    }
    int rc = 0;
    if (!c) {
        fprintf(stderr, "destek: cannot start a conversation: %s\n", svc ? err.message : "");
        rc = 1;
    }
    int tty = isatty(STDIN_FILENO);
    int show_intent = getenv("DESTEK_CHAT_DEBUG") != NULL;
    /* two results swapped by pointer: a number picks from the last reply's
     * quick replies, which point into it */
    conv_turn_result res[2];
    conv_turn_result *r = &res[0], *last = &res[1];
    conv_turn_result_init(r);
    conv_turn_result_init(last);
    if (c && tty)
        printf("destek sohbet: yazın ve Enter'a basın; çıkmak için Ctrl+D.\n");
    if (c && conv_greet(svc, c, &last->reply, NULL) == DS_OK)
        print_reply(&last->reply, tty, 0);
    char *line = NULL;
    size_t cap = 0;
    long n;
    for (;;) {
        if (tty) {
            printf("\nSiz: ");
            fflush(stdout);
        }
        if (!c || (n = cli_getline(&line, &cap, stdin)) < 0)
            break;
        const char *msg = line;
        size_t len = (size_t)n;
        char *end;
        long pick = strtol(line, &end, 10);
        if (end != line && *end == '\0' && pick >= 1 &&
            (size_t)pick <= last->reply.quick_reply_count) {
            msg = last->reply.quick_replies[pick - 1];
            len = strlen(msg);
            if (tty)
                printf("      (%s)\n", msg);
        }
        if (len == 0)
            continue;
        conv_turn_result_cleanup(r);
        ds_status st = turn(svc, c, msg, len, r, &err);
        if (st == DS_EINPUT) {
            fprintf(stderr, "destek: not UTF-8, not sent: %s\n", err.message);
            continue;
        }
        if (st != DS_OK) {
            fprintf(stderr, "destek: the message could not be stored: %s\n", err.message);
            continue;
        }
        if (r->to_agent) {
            printf("%s(an agent holds this conversation: the message waits for them)\n",
                   tty ? "\n" : "");
            continue;
        }
        print_reply(&r->reply, tty, show_intent);
        conv_turn_result *tmp = last;
        last = r;
        r = tmp;
    }
    if (c && tty)
        printf("\nGörüşmek üzere!\n");
    free(line);
    conv_turn_result_cleanup(r);
    conv_turn_result_cleanup(last);
    conv_free(c);
    conv_service_free(svc);
    store_close(db);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return rc;
}
