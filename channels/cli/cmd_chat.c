/* SPDX-License-Identifier: MIT */
/* `destek chat`: the terminal channel. Reads a line, prints the bot's reply
 * and its quick replies; typing a quick reply's number sends its text. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dlg.h"

static void print_reply(const dlg_reply *r, int tty)
{
    printf("%s%s\n", tty ? "\nDestek: " : "bot: ", r->text.data ? r->text.data : "");
    for (size_t i = 0; i < r->quick_reply_count; i++)
        printf("%s[%zu] %s", i ? "  " : "        ", i + 1, r->quick_replies[i]);
    if (r->quick_reply_count)
        printf("\n");
    fflush(stdout);
}

int cmd_chat(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    int tty = isatty(STDIN_FILENO);
    dlg_session *s = dlg_session_new();
    dlg_reply r, last;
    dlg_reply_init(&r);
    dlg_reply_init(&last);
    if (tty)
        printf("destek sohbet: yazın ve Enter'a basın; çıkmak için Ctrl+D.\n");
    if (s && dlg_greet(e.me, s, &last, NULL) == DS_OK)
        print_reply(&last, tty);
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
        if (end != line && *end == '\0' && pick >= 1 && (size_t)pick <= last.quick_reply_count) {
            msg = last.quick_replies[pick - 1];
            len = strlen(msg);
            if (tty)
                printf("      (%s)\n", msg);
        }
        if (len == 0)
            continue;
        ds_error err;
        dlg_reply_cleanup(&r);
        if (dlg_respond(e.me, s, e.text, e.res, msg, len, &r, &err) != DS_OK) {
            printf("%s%s\n", tty ? "\nDestek: " : "bot: ",
                   "Mesajınızı okuyamadım; lütfen tekrar yazar mısınız?");
            continue;
        }
        print_reply(&r, tty);
        /* keep the quick replies valid for the next line's number */
        dlg_reply tmp = last;
        last = r;
        r = tmp;
    }
    if (tty)
        printf("\nGörüşmek üzere!\n");
    free(line);
    dlg_reply_cleanup(&r);
    dlg_reply_cleanup(&last);
    dlg_session_free(s);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return 0;
}
