/* SPDX-License-Identifier: MIT */
/* Option parsing and engine set-up shared by the subcommands. */
#include "cli.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utf8proc.h>

#include "store.h"
#include "tpl.h"

int cli_parse(int argc, char **argv, int from, cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seconds = 2.0;
    o->runs = 5;
    o->args = ds_calloc((size_t)argc + 1, sizeof *o->args);
    if (!o->args)
        return -1;
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (strcmp(a, "--kb") == 0)
            target = &o->kb_dir;
        else if (strcmp(a, "--db") == 0)
            target = &o->db_path;
        else if (strcmp(a, "--eval") == 0)
            target = &o->eval;
        else if (strcmp(a, "--now") == 0)
            target = &o->now;
        else if (strcmp(a, "--orders") == 0)
            target = &o->orders;
        else if (strcmp(a, "--hours") == 0)
            target = &o->hours;
        else if (strcmp(a, "--email") == 0)
            target = &o->email;
        else if (strcmp(a, "--phone") == 0)
            target = &o->phone;
        else if (strcmp(a, "--order") == 0)
            target = &o->order;
        else if (strcmp(a, "--conversation") == 0)
            target = &o->conversation;
        else if (strcmp(a, "--from") == 0)
            target = &o->from;
        else if (strcmp(a, "--to") == 0)
            target = &o->to;
        if (target || strcmp(a, "--seconds") == 0 || strcmp(a, "--runs") == 0 ||
            strcmp(a, "--min") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "destek: %s needs a value\n", a);
                return -1;
            }
            const char *v = argv[++i];
            if (target)
                *target = v;
            else if (strcmp(a, "--seconds") == 0)
                o->seconds = atof(v);
            else if (strcmp(a, "--min") == 0)
                o->min = atof(v);
            else
                o->runs = atoi(v);
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--dialogue") == 0) {
            o->dialogue = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "destek: unknown option %s (see destek help)\n", a);
            return -1;
        } else {
            o->args[o->arg_count++] = argv[i];
        }
    }
    if (o->runs < 1)
        o->runs = 1;
    return 0;
}

void cli_opts_free(cli_opts *o)
{
    ds_free(o->args);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_kb_dir(const cli_opts *o)
{
    if (o->kb_dir)
        return o->kb_dir;
    if (is_dir("intents"))
        return "intents";
    return DESTEK_SOURCE_KB;
}

static void print_diag(void *ctx, int is_error, const ds_error *e)
{
    (void)ctx;
    char buf[1200];
    ds_error_format(e, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", is_error ? "error" : "warning", buf);
}

const char *cli_dict_cache_dir(char *buf, size_t cap)
{
    const char *v = getenv("DESTEK_CACHE_DIR");
    if (v)
        return *v && strcmp(v, "off") != 0 ? v : NULL;
    int n = -1;
    /* XDG: a relative XDG_CACHE_HOME is to be ignored */
    if ((v = getenv("XDG_CACHE_HOME")) && v[0] == '/')
        n = snprintf(buf, cap, "%s/destek", v);
    else if ((v = getenv("HOME")) && v[0] == '/')
        n = snprintf(buf, cap, "%s/.cache/destek", v);
    return n > 0 && (size_t)n < cap ? buf : NULL;
}

static void print_dict_log(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "destek: %s\n", line);
}

kb_load_opts cli_kb_load_opts(char *buf, size_t cap)
{
    const char *debug = getenv("DESTEK_CACHE_DEBUG");
    kb_load_opts o = {.dict_cache_dir = cli_dict_cache_dir(buf, cap),
                      .dict_log = debug && *debug ? print_dict_log : NULL};
    return o;
}

int cli_engine_open(cli_engine *e, const char *kb_dir)
{
    memset(e, 0, sizeof *e);
    ds_error err;
    memset(&err, 0, sizeof err);
    char cache[4096];
    kb_load_opts lo = cli_kb_load_opts(cache, sizeof cache);
    ds_status st = kb_load_dir_opts(kb_dir, &lo, &e->kb, print_diag, NULL, &err);
    if (st != DS_OK) {
        if (st != DS_EKB)
            fprintf(stderr, "destek: %s\n", err.message);
        else
            fprintf(stderr, "destek: the knowledge base in %s has errors (listed above)\n", kb_dir);
        return -1;
    }
    st = match_engine_new(e->kb, &e->me, &err);
    if (st != DS_OK) {
        fprintf(stderr, "destek: cannot index the knowledge base: %s\n", err.message);
        cli_engine_close(e);
        return -1;
    }
    e->res = match_result_new(e->me);
    e->text = nlp_text_new();
    if (!e->res || !e->text || match_result_cache_terms(e->res) != DS_OK) {
        fprintf(stderr, "destek: out of memory\n");
        cli_engine_close(e);
        return -1;
    }
    return 0;
}

void cli_engine_close(cli_engine *e)
{
    nlp_text_free(e->text);
    match_result_free(e->res);
    match_engine_free(e->me);
    kb_free(e->kb);
    memset(e, 0, sizeof *e);
}

ds_status cli_engine_classify(cli_engine *e, const char *text, size_t len, ds_error *err)
{
    ds_status st = nlp_normalise(kb_lexicon(e->kb), text, len, e->text, err);
    if (st != DS_OK)
        return st;
    return match_classify(e->me, e->text, e->res);
}

char *cli_utf8_lossy(const char *s, size_t len)
{
    ds_buf b;
    ds_buf_init(&b);
    size_t pos = 0;
    while (pos < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(len - pos), &cp);
        if (k < 0) {
            ds_buf_puts(&b, "\xEF\xBF\xBD");
            pos++;
        } else if (cp == 0) {
            ds_buf_puts(&b, " ");
            pos += (size_t)k;
        } else {
            ds_buf_append(&b, s + pos, (size_t)k);
            pos += (size_t)k;
        }
    }
    return ds_buf_take(&b);
}

long long cli_now(const cli_opts *o)
{
    if (!o->now)
        return (long long)time(NULL);
    long days, secs;
    int off;
    if (tpl_parse_iso(o->now, &days, &secs, &off) != 0)
        return -1;
    return (long long)days * 86400 + secs - off * 60LL;
}

long cli_getline(char **line, size_t *cap, FILE *f)
{
    ssize_t n = getline(line, cap, f);
    if (n < 0)
        return -1;
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = '\0';
    return (long)n;
}

store_db *cli_store_open(const cli_opts *o)
{
    const char *path = o->db_path ? o->db_path : CLI_DEFAULT_DB;
    store_db *db = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_open(path, &db, &err) != DS_OK) {
        char shown[512];
        fprintf(stderr, "destek: cannot open the database %s: %s\n",
                store_shown(path, shown, sizeof shown), err.message);
        return NULL;
    }
    return db;
}

void cli_print_json_line(json_t *j)
{
    char *line = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (line)
        printf("%s\n", line);
    else
        fprintf(stderr, "destek: out of memory\n");
    ds_free(line);
}
