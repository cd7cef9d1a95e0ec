/* SPDX-License-Identifier: MIT */
/* The terminal channel: the `destek` subcommands. Each cmd_* turns command
 * line and stdin into engine calls and prints; no engine logic lives here. */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "kb.h"
#include "match.h"
#include "nlp.h"

/* Options common to subcommands, parsed by cli_parse. */
typedef struct cli_opts {
    const char *kb_dir;  /* --kb, or NULL for the default */
    const char *db_path; /* --db */
    int json;            /* --json */
    double seconds;      /* --seconds */
    int runs;            /* --runs */
    const char *eval;    /* --eval */
    double min;          /* --min: kb test fails below this accuracy */
    const char *now;     /* --now ISO-8601: the clock of dialogues (tests) */
    const char *orders;  /* --orders FILE.json (bench --dialogue) */
    int dialogue;        /* --dialogue (bench) */
    const char *hours;   /* --hours open|closed|auto (chat) */
    const char *email;   /* --email, --phone, --order: whom (privacy) */
    const char *phone;
    const char *order;
    const char *conversation; /* --conversation ID (privacy access) */
    const char *from;         /* --from, --to YYYY-MM-DD (report) */
    const char *to;
    char **args; /* positional arguments */
    int arg_count;
} cli_opts;

/* A loaded knowledge base with its matcher and one thread's scratch. */
typedef struct cli_engine {
    kb_base *kb;
    match_engine *me;
    match_result *res;
    nlp_text *text;
} cli_engine;

/* The default database path (CONTRACT.md). */
#define CLI_DEFAULT_DB "destek.db"

/* Parses argv[from..]; prints a message and returns -1 on a bad option. */
int cli_parse(int argc, char **argv, int from, cli_opts *o);
void cli_opts_free(cli_opts *o);

/* The knowledge-base directory to use: --kb, else ./intents, else the one in
 * the source tree the binary was built from. Borrowed, static or from o. */
const char *cli_kb_dir(const cli_opts *o);

/* Loads kb and matcher; prints every KB problem to stderr. 0 on success. */
int cli_engine_open(cli_engine *e, const char *kb_dir);

/* Where the spelling dictionaries' images are kept (docs/OPERATIONS.md,
 * "The dictionary cache"): $DESTEK_CACHE_DIR ("off": nowhere), else
 * $XDG_CACHE_HOME/destek, else $HOME/.cache/destek; NULL for none. The
 * path is in buf (cap bytes) or the environment's. */
const char *cli_dict_cache_dir(char *buf, size_t cap);
/* The options every command loads a knowledge base with: the cache above
 * (its path in buf), and with DESTEK_CACHE_DEBUG set a line on stderr
 * saying what became of each dictionary's image. */
kb_load_opts cli_kb_load_opts(char *buf, size_t cap);
void cli_engine_close(cli_engine *e);

/* Normalises and classifies one message. Returns the normaliser's status
 * (DS_EINPUT for invalid UTF-8, with err filled). */
ds_status cli_engine_classify(cli_engine *e, const char *text, size_t len, ds_error *err);

/* The dialogue clock: --now when given (tests), else the real time. -1 when
 * --now is not an ISO 8601 time. */
long long cli_now(const cli_opts *o);

/* Copies s[0..len) to f as valid UTF-8, invalid bytes shown as U+FFFD.
 * Returns an owned string (ds_free). */
char *cli_utf8_lossy(const char *s, size_t len);

/* Reads one line (without the newline) into *line (owned, reused). -1 at EOF. */
long cli_getline(char **line, size_t *cap, FILE *f);

/* The store of --db (default ./destek.db), opened; NULL after printing why. */
/* Prints j as one compact JSON line (keys in order) and frees it. */
typedef struct json_t json_t;
void cli_print_json_line(json_t *j);

struct store_db;
struct store_db *cli_store_open(const cli_opts *o);

int cmd_classify(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_kb(int argc, char **argv);
int cmd_chat(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_bench_dialogue(const cli_opts *o, cli_engine *e);
int cmd_orders(int argc, char **argv);
int cmd_returns(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_agents(int argc, char **argv);
int cmd_privacy(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_review(int argc, char **argv);

#endif
