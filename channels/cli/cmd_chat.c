/* SPDX-License-Identifier: MIT */
/* `destek chat`: the terminal channel. Reads a line, prints the bot's reply
 * and its quick replies; typing a quick reply's number sends its text.
 * Without a terminal (tests, pipes) each reply is one "bot: " block. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dlg.h"

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

int cmd_chat(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    long long now = cli_now(&o);
    if (now < 0) {
        fprintf(stderr, "destek: --now wants an ISO 8601 time like 2026-11-25T12:00:00+03:00\n");
        cli_opts_free(&o);
        return 2;
    }
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    if (dlg_check_kb(e.kb, print_diag, NULL)) {
        fprintf(stderr, "destek: dialogue.json has errors (listed above)\n");
        cli_engine_close(&e);
        cli_opts_free(&o);
        return 1;
    }
    const char *db_path = o.db_path ? o.db_path : CLI_DEFAULT_DB;
    store_db *db = NULL;
    ds_error err;
    if (store_open(db_path, &db, &err) != DS_OK)
        fprintf(stderr,
                "destek: order store %s unavailable (%s); order questions get an "
                "apology\n",
                db_path, err.message);
    int tty = isatty(STDIN_FILENO);
    int show_intent = getenv("DESTEK_CHAT_DEBUG") != NULL;
    dlg_env env = {.me = e.me, .db = db, .scratch = e.text, .res = e.res, .now = (time_t)now};
    dlg_session *s = dlg_session_new("terminal");
    /* two replies swapped by pointer: quick replies may point into a reply */
    dlg_reply rep[2];
    dlg_reply *r = &rep[0], *last = &rep[1];
    dlg_reply_init(r);
    dlg_reply_init(last);
    if (tty)
        printf("destek sohbet: yazın ve Enter'a basın; çıkmak için Ctrl+D.\n");
    if (s && dlg_greet(&env, s, last, NULL) == DS_OK)
        print_reply(last, tty, 0);
    char *line = NULL;
    size_t cap = 0;
    long n;
    for (;;) {
        if (tty) {
            printf("\nSiz: ");
            fflush(stdout);
        }
        if (!s || (n = cli_getline(&line, &cap, stdin)) < 0)
            break;
        const char *msg = line;
        size_t len = (size_t)n;
        char *end;
        long pick = strtol(line, &end, 10);
        if (end != line && *end == '\0' && pick >= 1 && (size_t)pick <= last->quick_reply_count) {
            msg = last->quick_replies[pick - 1];
            len = strlen(msg);
            if (tty)
                printf("      (%s)\n", msg);
        }
        if (len == 0)
            continue;
        if (!o.now)
            env.now = time(NULL);
        dlg_reply_cleanup(r);
        if (dlg_respond(&env, s, msg, len, r, &err) != DS_OK) {
            printf("%s%s\n", tty ? "\nDestek: " : "bot: ",
                   "Mesajınızı okuyamadım; lütfen tekrar yazar mısınız?");
            continue;
        }
        print_reply(r, tty, show_intent);
        /* keep the quick replies valid for the next line's number */
        dlg_reply *tmp = last;
        last = r;
        r = tmp;
    }
    if (tty)
        printf("\nGörüşmek üzere!\n");
    free(line);
    dlg_reply_cleanup(r);
    dlg_reply_cleanup(last);
    dlg_session_free(s);
    store_close(db);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return 0;
}
