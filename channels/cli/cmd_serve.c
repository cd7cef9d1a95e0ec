/* SPDX-License-Identifier: MIT */
/* `destek serve`: the chat server on the embedded defaults (CONTRACT.md).
 * Its options are one table: each is a flag (--port 8080) and a key of the
 * optional --config FILE (a JSON object, {"port": 8080}); flags override the
 * file, the file overrides the environment, the environment the defaults.
 * docs/OPERATIONS.md lists them. */
#include <jansson.h>
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

/* Sets one option from its text; returns NULL or what is wrong. */
typedef const char *(*option_set)(ws_config *cfg, const char *v);

static const char *set_db(ws_config *c, const char *v)
{
    c->db_path = v;
    return NULL;
}
static const char *set_kb(ws_config *c, const char *v)
{
    c->kb_dir = v;
    return NULL;
}
static const char *set_port(ws_config *c, const char *v)
{
    char *end = NULL;
    long p = strtol(v, &end, 10);
    if (!end || *end || p <= 0 || p > 65535)
        return "is a port number, 1-65535";
    c->port = (int)p;
    return NULL;
}
static const char *set_host(ws_config *c, const char *v)
{
    c->host = v;
    return NULL;
}
static const char *set_limits(ws_config *c, const char *v)
{
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
        return "is on or off";
    c->limits = strcmp(v, "off") != 0;
    return NULL;
}
static const char *set_origins(ws_config *c, const char *v)
{
    c->origins = v;
    return NULL;
}
static const char *set_secret(ws_config *c, const char *v)
{
    c->identity_secret = v;
    return NULL;
}
static const char *set_web(ws_config *c, const char *v)
{
    c->web_dir = v;
    return NULL;
}
static const char *set_hours(ws_config *c, const char *v)
{
    int mode = hours_mode_parse(v);
    if (mode == HOURS_INVALID)
        return "is open, closed or auto";
    c->hours_mode = mode;
    return NULL;
}
static const char *set_durability(ws_config *c, const char *v)
{
    if (strcmp(v, "full") != 0 && strcmp(v, "normal") != 0)
        return "is normal (the default: safe when the process dies) or full (also when the "
               "machine loses power)";
    c->durability_full = strcmp(v, "full") == 0;
    return NULL;
}
static const char *set_metrics_token(ws_config *c, const char *v)
{
    c->metrics_token = v;
    return NULL;
}
static const char *set_log_format(ws_config *c, const char *v)
{
    if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
        return "is text or json";
    c->log_json = strcmp(v, "json") == 0;
    return NULL;
}

typedef struct option {
    const char *key;  /* the config file's key; the flag is "--" + key with '-' for '_' */
    const char *arg;  /* what the value is, for the usage */
    const char *help; /* one line */
    option_set set;
} option;

static const option options[] = {
    {"db", "PATH", "the database (default ./destek.db)", set_db},
    {"kb", "DIR", "the knowledge base (default ./intents)", set_kb},
    {"port", "N", "the port (default 8080)", set_port},
    {"host", "ADDR", "the address to listen on (default 127.0.0.1)", set_host},
    {"web", "DIR", "the widget and console files (default channels/web)", set_web},
    {"limits", "on|off", "off lifts the message rate limits and the connection cap", set_limits},
    {"origins", "URL,URL", "pages allowed to open the chat and its photos (DESTEK_ORIGINS; * any)",
     set_origins},
    {"identity_secret", "SECRET", "signs customers' identity (DESTEK_IDENTITY_SECRET)", set_secret},
    {"hours", "open|closed|auto", "force the working hours (default auto: shop.json)", set_hours},
    {"durability", "normal|full", "full: every commit survives a power loss too", set_durability},
    {"metrics_token", "TOKEN", "/metrics for others than loopback (DESTEK_METRICS_TOKEN)",
     set_metrics_token},
    {"log_format", "text|json", "json: one JSON object a line", set_log_format},
};
#define OPTION_COUNT (sizeof options / sizeof options[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: destek serve [--config FILE] [OPTIONS]\n\noptions (flags; keys of the "
               "--config JSON object, flags winning):\n");
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s %s", options[i].key, options[i].arg);
        for (char *p = flag; *p && *p != ' '; p++)
            if (*p == '_')
                *p = '-';
        fprintf(f, "  %-34s %s\n", flag, options[i].help);
    }
    fprintf(f, "\nSIGHUP reloads the knowledge base (SIGUSR1: even if it drops intents);\n"
               "SIGTERM stops, keeping everything acknowledged. docs/OPERATIONS.md.\n");
}

static const option *option_of_flag(const char *a)
{
    if (strncmp(a, "--", 2) != 0)
        return NULL;
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const char *k = options[i].key, *f = a + 2;
        while (*k && (*k == *f || (*k == '_' && *f == '-')))
            k++, f++;
        if (!*k && !*f)
            return &options[i];
    }
    return NULL;
}

/* The --config file: every key an option, every value a string, number or
 * boolean. *root keeps the strings alive. Prints what is wrong. */
static int read_config(const char *path, ws_config *cfg, json_t **root)
{
    json_error_t je;
    *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(*root)) {
        fprintf(stderr, "destek: %s:%d:%d: %s\n", path, je.line, je.column,
                *root ? "the configuration is one JSON object" : je.text);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(*root, key, v)
    {
        const option *o = NULL;
        for (size_t i = 0; i < OPTION_COUNT && !o; i++)
            if (strcmp(options[i].key, key) == 0)
                o = &options[i];
        if (!o) {
            fprintf(stderr, "destek: %s: unknown key \"%s\" (destek serve --help lists them)\n",
                    path, key);
            return -1;
        }
        const char *text = json_string_value(v);
        if (json_is_integer(v)) { /* its text, kept in the object as long as cfg needs it */
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            json_object_set_new(*root, key, json_string(num));
            text = json_string_value(json_object_get(*root, key));
        } else if (json_is_boolean(v)) {
            text = json_is_true(v) ? "on" : "off";
        }
        const char *bad = text ? o->set(cfg, text) : "must be a string, a number or a boolean";
        if (bad) {
            fprintf(stderr, "destek: %s: \"%s\" %s\n", path, key, bad);
            return -1;
        }
    }
    return 0;
}

/* libvips (engine/media.c, uploads) is loaded here, once, before the
 * server's threads and before it listens: a machine without it stops the
 * start with the reason, as a missing library linked in would, and no other
 * command loads it. DESTEK_VIPS_LIBRARY names another file to load (tests:
 * a missing one). libvips stays for the process (media.h). */
static media_lib *load_vips(void)
{
    const char *path = getenv("DESTEK_VIPS_LIBRARY");
    media_lib *lib = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (media_lib_open(path && *path ? path : NULL, &lib, &err) != DS_OK) {
        fprintf(stderr, "destek: %s\n", err.message);
        return NULL;
    }
    return lib;
}

int cmd_serve(int argc, char **argv)
{
    ws_config cfg = {.host = "127.0.0.1",
                     .port = 8080,
                     .db_path = CLI_DEFAULT_DB,
                     .limits = 1,
                     .origins = getenv("DESTEK_ORIGINS"),
                     .identity_secret = getenv("DESTEK_IDENTITY_SECRET"),
                     .hours_mode = HOURS_AUTO,
                     .fail_commits_file = getenv("DESTEK_TEST_FAIL_COMMITS"),
                     .metrics_token = getenv("DESTEK_METRICS_TOKEN")};
    json_t *config = NULL;
    int rc = 2;
    /* the file first, so that flags win */
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && read_config(argv[i + 1], &cfg, &config) != 0)
            goto out;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            rc = 0;
            goto out;
        }
        if (strcmp(a, "--config") == 0 && i + 1 < argc) {
            i++;
            continue;
        }
        const option *o = option_of_flag(a);
        if (!o || i + 1 >= argc) {
            fprintf(stderr, "destek: %s %s\n", a,
                    o ? "needs a value" : "is not an option of serve (destek serve --help)");
            usage(stderr);
            goto out;
        }
        const char *bad = o->set(&cfg, argv[++i]);
        if (bad) {
            fprintf(stderr, "destek: %s %s\n", a, bad);
            goto out;
        }
    }
    if (!cfg.kb_dir) {
        cli_opts o;
        memset(&o, 0, sizeof o);
        cfg.kb_dir = cli_kb_dir(&o);
    }
    if (!cfg.web_dir)
        cfg.web_dir = default_web_dir();
    media_lib *media = load_vips();
    if (!media) {
        rc = 1;
        goto out;
    }
    cfg.media = media;
    char cache[4096]; /* the dictionaries' image cache, for start and reloads */
    cfg.kb_load = cli_kb_load_opts(cache, sizeof cache);
    rc = ws_server_run(&cfg);
    media_lib_close(media);
out:
    json_decref(config);
    return rc;
}
