/* SPDX-License-Identifier: MIT */
/* `destek agents add NAME [--db PATH] [--capacity N]`: creates an agent and
 * prints its token once, alone on the last line; only a hash is stored. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ws.h"

int cmd_agents(int argc, char **argv)
{
    int capacity = 3;
    const char *role = "agent";
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return 1;
    for (int i = 0; i < argc; i++) {
        if (i >= 2 && strcmp(argv[i], "--capacity") == 0 && i + 1 < argc)
            capacity = atoi(argv[++i]);
        else if (i >= 2 && strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role = argv[++i];
        else
            rest[nrest++] = argv[i];
    }
    cli_opts o;
    int rc = 2;
    if (cli_parse(nrest, rest, 2, &o) != 0 || o.arg_count != 2 || strcmp(o.args[0], "add") != 0 ||
        capacity < 1 || capacity > 100 ||
        (strcmp(role, "agent") != 0 && strcmp(role, "supervisor") != 0)) {
        fprintf(stderr,
                "usage: destek agents add NAME [--db PATH] [--capacity N (1-100, default 3)]"
                " [--role agent|supervisor]\n");
        goto out;
    }
    const char *name = o.args[1];
    if (!name[0] || strlen(name) > 64) {
        fprintf(stderr, "destek: an agent's name is 1-64 characters\n");
        goto out;
    }
    const char *path = o.db_path ? o.db_path : CLI_DEFAULT_DB;
    store_db *db;
    ds_error err;
    if (store_open(path, &db, &err) != DS_OK) {
        char shown[512];
        fprintf(stderr, "destek: cannot open %s: %s\n", store_shown(path, shown, sizeof shown),
                err.message);
        rc = 1;
        goto out;
    }
    char token[23], hash[65], now[40];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm); /* a record no one reads as shop time */
    if (ws_token_new(token) != 0) {
        fprintf(stderr, "destek: no randomness for a token\n");
        rc = 1;
    } else {
        ws_sha256_hex(token, hash);
        long long id = 0;
        ds_status st = store_agent_add(db, name, hash, capacity, now, &id, &err);
        if (st == DS_OK && strcmp(role, "agent") != 0)
            st = store_agent_set_role(db, id, role, &err);
        if (st == DS_OK) {
            char shown[512];
            printf("%s %s added to %s (capacity %d); the token is shown only now:\n", role, name,
                   store_shown(path, shown, sizeof shown), capacity);
            printf("%s\n", token);
            rc = 0;
        } else {
            fprintf(stderr, "destek: %s\n", err.message);
            rc = 1;
        }
    }
    store_close(db);
out:
    cli_opts_free(&o);
    free(rest);
    return rc;
}
