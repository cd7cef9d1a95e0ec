/* SPDX-License-Identifier: MIT */
/* `destek serve`: the chat server on the embedded defaults (CONTRACT.md). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "hours.h"
#include "ws.h"

static const char *default_web_dir(void)
{
    struct stat st;
    if (stat("channels/web", &st) == 0 && S_ISDIR(st.st_mode))
        return "channels/web";
    return DESTEK_SOURCE_WEB;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: destek serve [--db PATH] [--kb DIR] [--port N] [--host ADDR] [--limits off]\n"
            "                    [--origins URL,URL] [--identity-secret SECRET] [--web DIR]\n"
            "                    [--hours open|closed|auto] [--durability normal|full]\n"
            "                    [--metrics-token TOKEN]\n");
}

int cmd_serve(int argc, char **argv)
{
    ws_config cfg = {"127.0.0.1",
                     8080,
                     CLI_DEFAULT_DB,
                     NULL,
                     NULL,
                     1,
                     getenv("DESTEK_ORIGINS"),
                     getenv("DESTEK_IDENTITY_SECRET"),
                     HOURS_AUTO,
                     0,
                     getenv("DESTEK_TEST_FAIL_COMMITS"),
                     getenv("DESTEK_METRICS_TOKEN")};
    cli_opts o;
    /* serve's own options first; the rest are the common ones */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (i >= 2 && has_value && strcmp(a, "--port") == 0) {
            cfg.port = atoi(argv[++i]);
        } else if (i >= 2 && has_value && strcmp(a, "--host") == 0) {
            cfg.host = argv[++i];
        } else if (i >= 2 && has_value && strcmp(a, "--limits") == 0) {
            cfg.limits = strcmp(argv[++i], "off") != 0;
        } else if (i >= 2 && has_value && strcmp(a, "--origins") == 0) {
            cfg.origins = argv[++i];
        } else if (i >= 2 && has_value && strcmp(a, "--identity-secret") == 0) {
            cfg.identity_secret = argv[++i];
        } else if (i >= 2 && has_value && strcmp(a, "--hours") == 0) {
            int mode = hours_mode_parse(argv[++i]);
            if (mode == HOURS_INVALID) {
                fprintf(stderr, "destek: --hours is open, closed or auto\n");
                free(rest);
                return 2;
            }
            cfg.hours_mode = mode;
        } else if (i >= 2 && has_value && strcmp(a, "--durability") == 0) {
            const char *v = argv[++i];
            if (strcmp(v, "full") != 0 && strcmp(v, "normal") != 0) {
                fprintf(stderr, "destek: --durability is normal (the default: safe when the "
                                "process dies) or full (also when the machine loses power)\n");
                free(rest);
                return 2;
            }
            cfg.durability_full = strcmp(v, "full") == 0;
        } else if (i >= 2 && has_value && strcmp(a, "--metrics-token") == 0) {
            cfg.metrics_token = argv[++i];
        } else if (i >= 2 && has_value && strcmp(a, "--web") == 0) {
            cfg.web_dir = argv[++i];
        } else if (i >= 2 && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage();
            free(rest);
            return 0;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    int rc = 2;
    if (cli_parse(nrest, rest, 2, &o) != 0 || o.arg_count || cfg.port <= 0 || cfg.port > 65535) {
        usage();
    } else {
        cfg.kb_dir = cli_kb_dir(&o);
        if (o.db_path)
            cfg.db_path = o.db_path;
        if (!cfg.web_dir)
            cfg.web_dir = default_web_dir();
        rc = ws_server_run(&cfg);
    }
    cli_opts_free(&o);
    free(rest);
    return rc;
}
