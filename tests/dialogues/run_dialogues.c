/* SPDX-License-Identifier: MIT */
/* Golden dialogue tests: runs every *.dlg script in a directory against the
 * shipped knowledge base and a fresh order store filled from a fixture.
 *
 * Script lines:
 *   # comment              @now ISO-8601         @session (a new conversation)
 *   @hours closed|open     outside or inside working hours (default open)
 *   > shopper message      = expected intent (a|b accepts either)
 *   ~ text the reply must contain     ! text it must not contain
 *   ? a quick reply that must be offered
 *   ^ urgent|normal|none   the hand-off the reply asks for
 *   % text                 the after-hours offline request contains text
 *   $ order ID STATUS      the order's status in the store now
 *   $ requests KIND N      the store holds N requests of KIND
 *   $ returns KIND STATE N the store holds N returns/exchanges/cases of KIND in STATE
 *   $ exchange_to SKU      the newest exchange asks for SKU
 *   $ handoffs N           the script's conversations asked N times for people
 *
 * Besides the written checks, every reply given before the conversation has
 * a verified order is checked for the customer names, e-mails, phones and
 * tracking numbers of every fixture order: none may appear.
 *
 * With --restart, before every message the session is saved, dropped and
 * restored into a fresh one (as a server restart does): every script must
 * still pass, so nothing a dialogue depends on is missing from the saved state.
 *
 * With --dump-states FILE, the saved state before every turn is written to
 * FILE as JSON lines (script, turn, text, state): states_v1.jsonl was made so
 * by the build at 412bd3c, whose states later builds must load.
 *
 * With --states FILE (such a file), the state saved there before each turn
 * must load into exactly the state this build has at that turn: states
 * saved by earlier builds keep their meaning.
 *
 * usage: run_dialogues [--dump-states FILE] [--states FILE] [--restart] KB_DIR ORDERS.json
 *                      SCRIPT_DIR */
#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dlg.h"
#include "tpl.h"

static int failures, checks;

typedef struct secrets {
    char **s;
    size_t n;
} secrets;

static void fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(const char *file, int line, const char *fmt, ...)
{
    failures++;
    fprintf(stderr, "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

/* Everything that must stay hidden until verification. */
static void collect_secrets(const char *json, secrets *sec)
{
    json_t *root = json_loads(json, 0, NULL);
    json_t *orders = json_object_get(root, "orders");
    size_t i;
    json_t *o;
    sec->s = calloc(json_array_size(orders) * 5 + 1, sizeof *sec->s);
    json_array_foreach(orders, i, o)
    {
        json_t *c = json_object_get(o, "customer");
        const char *fields[] = {
            json_string_value(json_object_get(c, "name")),
            json_string_value(json_object_get(c, "email")),
            json_string_value(json_object_get(c, "phone")),
            json_string_value(json_object_get(json_object_get(o, "shipment"), "tracking_no"))};
        for (size_t k = 0; k < 4; k++) {
            if (!fields[k])
                continue;
            if (k == 0) { /* the surname alone is enough to leak */
                const char *sp = strrchr(fields[k], ' ');
                sec->s[sec->n++] = strdup(sp ? sp + 1 : fields[k]);
            } else {
                sec->s[sec->n++] = strdup(k == 2 ? fields[k] + strlen(fields[k]) - 7 : fields[k]);
            }
        }
    }
    json_decref(root);
}

static int accepts(const char *labels, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = labels; *p;) {
        size_t k = strcspn(p, "|");
        if (k == n && memcmp(p, id, n) == 0)
            return 1;
        p += k + (p[k] == '|');
    }
    return 0;
}

typedef struct runner {
    dlg_env env;
    dlg_session *s;
    dlg_reply r;
    int have_reply;
    const secrets *sec;
    int sessions;
    int restart;        /* round-trip the session through dlg_session_save/load each turn */
    FILE *dump;         /* --dump-states: the state before every turn */
    json_t *old_states; /* --states: states an earlier build saved, by script and turn */
    const char *script;
    int turn;
    int handoffs; /* replies that asked for people */
} runner;

static void new_session(runner *ru)
{
    char id[32];
    dlg_session_free(ru->s);
    snprintf(id, sizeof id, "test-%d", ++ru->sessions);
    ru->s = dlg_session_new(id);
    dlg_reply_cleanup(&ru->r);
    ru->have_reply = 0;
}

/* What a server restart does to a conversation: only the saved state survives. */
static void restart_session(runner *ru, const char *file, int line)
{
    const kb_base *kb = match_engine_kb(ru->env.me);
    char *state = dlg_session_save(ru->s, kb);
    char id[32];
    snprintf(id, sizeof id, "test-%d", ru->sessions);
    dlg_session *fresh = dlg_session_new(id);
    if (!state || !fresh) {
        fail(file, line, "cannot save the session%s%s", "", "");
        ds_free(state);
        dlg_session_free(fresh);
        return;
    }
    dlg_session_load(fresh, kb, state);
    char *again = dlg_session_save(fresh, kb);
    checks += 2;
    if (dlg_session_state_hash(fresh) != dlg_session_state_hash(ru->s))
        fail(file, line, "the state hash changed through save/load: %s%s", state, "");
    if (!again || strcmp(state, again) != 0)
        fail(file, line, "the state changed through save/load:\n  %s\n  %s", state,
             again ? again : "(null)");
    ds_free(again);
    ds_free(state);
    dlg_session_free(ru->s);
    ru->s = fresh;
}

/* A state an earlier build saved at this point of the script must load into
 * exactly the state this build has here. */
static void check_old_state(runner *ru, const char *file, int line, const char *text)
{
    char key[160];
    snprintf(key, sizeof key, "%s:%d", ru->script, ru->turn);
    json_t *e = json_object_get(ru->old_states, key);
    const char *was = json_string_value(json_object_get(e, "text"));
    if (!e || !was || strcmp(was, text) != 0)
        return; /* a turn the earlier build never saw */
    const kb_base *kb = match_engine_kb(ru->env.me);
    dlg_session *old = dlg_session_new("old");
    if (!old)
        return;
    dlg_session_load(old, kb, json_string_value(json_object_get(e, "state")));
    char *a = dlg_session_save(old, kb), *b = dlg_session_save(ru->s, kb);
    checks++;
    if (!a || !b || strcmp(a, b) != 0)
        fail(file, line, "the state saved by the earlier build loads as\n  %s\nnot as\n  %s",
             a ? a : "(null)", b ? b : "(null)");
    ds_free(a);
    ds_free(b);
    dlg_session_free(old);
}

static void say(runner *ru, const char *file, int line, const char *text)
{
    dlg_reply_cleanup(&ru->r);
    ru->turn++;
    if (ru->old_states)
        check_old_state(ru, file, line, text);
    if (ru->dump) {
        char *st = dlg_session_save(ru->s, match_engine_kb(ru->env.me));
        json_t *o = json_pack("{s:s,s:i,s:s,s:s}", "script", ru->script, "turn", ru->turn, "text",
                              text, "state", st ? st : "");
        char *l = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
        fprintf(ru->dump, "%s\n", l);
        free(l);
        json_decref(o);
        ds_free(st);
    }
    if (ru->restart)
        restart_session(ru, file, line);
    ds_error err;
    if (dlg_respond(&ru->env, ru->s, text, strlen(text), &ru->r, &err) != DS_OK) {
        fail(file, line, "dlg_respond failed: %s%s", err.message, "");
        return;
    }
    ru->have_reply = 1;
    ru->handoffs += ru->r.handoff_priority != NULL;
    if (getenv("DLG_VERBOSE"))
        fprintf(stderr, "> %s\n[%s] %s\n", text, ru->r.intent, ru->r.text.data);
    if (ru->r.verified)
        return;
    for (size_t i = 0; i < ru->sec->n; i++) {
        checks++;
        if (strstr(ru->r.text.data ? ru->r.text.data : "", ru->sec->s[i]))
            fail(file, line, "an order detail (%s) leaked before verification: %s", ru->sec->s[i],
                 ru->r.text.data);
    }
}

static void check_store(runner *ru, const char *file, int line, const char *arg)
{
    char a[64], b[64];
    long n;
    checks++;
    if (sscanf(arg, "order %63s %63s", a, b) == 2) {
        store_order *o;
        if (store_order_get(ru->env.db, a, &o, NULL) != DS_OK) {
            fail(file, line, "order %s not found%s", a, "");
            return;
        }
        if (strcmp(o->status, b) != 0)
            fail(file, line, "order status is %s, want %s", o->status, b);
        store_order_free(o);
    } else if (sscanf(arg, "requests %63s %ld", a, &n) == 2) {
        store_request *r;
        size_t count;
        if (store_requests_list(ru->env.db, a, &r, &count, NULL) != DS_OK) {
            fail(file, line, "cannot list requests%s%s", "", "");
            return;
        }
        if ((long)count != n) {
            char got[32];
            snprintf(got, sizeof got, "%zu", count);
            fail(file, line, "%s requests, want %s", got, arg);
        }
        store_requests_free(r, count);
    } else if (sscanf(arg, "returns %63s %63s %ld", a, b, &n) == 3) {
        store_return *r;
        size_t count, match = 0;
        if (store_returns_list(ru->env.db, NULL, &r, &count, NULL) != DS_OK) {
            fail(file, line, "cannot list returns");
            return;
        }
        for (size_t i = 0; i < count; i++)
            match += strcmp(r[i].kind, a) == 0 && strcmp(r[i].state, b) == 0;
        if ((long)match != n)
            fail(file, line, "%zu %s returns in state %s, want %ld", match, a, b, n);
        store_returns_free(r, count);
    } else if (sscanf(arg, "handoffs %ld", &n) == 1) {
        if (ru->handoffs != n)
            fail(file, line, "%d hand-offs, want %ld", ru->handoffs, n);
    } else if (sscanf(arg, "exchange_to %63s", a) == 1) {
        store_return *r;
        size_t count;
        if (store_returns_list(ru->env.db, NULL, &r, &count, NULL) != DS_OK) {
            fail(file, line, "cannot list returns");
            return;
        }
        const char *details = NULL;
        for (size_t i = 0; i < count; i++)
            if (strcmp(r[i].kind, "exchange") == 0)
                details = r[i].details; /* oldest first: the last one wins */
        json_t *d = details ? json_loads(details, 0, NULL) : NULL;
        const char *sku = json_string_value(json_object_get(d, "new_sku"));
        if (!sku || strcmp(sku, a) != 0)
            fail(file, line, "the newest exchange asks for %s, want %s", sku ? sku : "nothing", a);
        json_decref(d);
        store_returns_free(r, count);
    } else {
        fail(file, line, "bad store check: %s%s", arg, "");
    }
}

static void run_line(runner *ru, const char *file, int line, char *l)
{
    char *arg = l + 2;
    const char *reply = ru->r.text.data ? ru->r.text.data : "";
    switch (l[0]) {
    case '>': say(ru, file, line, arg); return;
    case '$': check_store(ru, file, line, arg); return;
    case '@':
        if (strcmp(l, "@session") == 0) {
            new_session(ru);
        } else if (strcmp(l, "@hours closed") == 0 || strcmp(l, "@hours open") == 0) {
            ru->env.closed = l[7] == 'c';
            ru->env.back_at = ru->env.closed ? "yarın 09:00'da" : NULL;
        } else if (strncmp(l, "@now ", 5) == 0) {
            long days, secs;
            int off;
            if (tpl_parse_iso(l + 5, &days, &secs, &off) == 0)
                ru->env.now = (time_t)((long long)days * 86400 + secs - off * 60LL);
            else
                fail(file, line, "bad @now %s%s", l + 5, "");
        }
        return;
    default: break;
    }
    if (!ru->have_reply) {
        fail(file, line, "a check before any message: %s%s", l, "");
        return;
    }
    checks++;
    switch (l[0]) {
    case '=':
        if (!accepts(arg, ru->r.intent ? ru->r.intent : ""))
            fail(file, line, "intent %s, want %s", ru->r.intent, arg);
        break;
    case '~':
        if (!strstr(reply, arg))
            fail(file, line, "reply lacks \"%s\": %s", arg, reply);
        break;
    case '!':
        if (strstr(reply, arg))
            fail(file, line, "reply must not contain \"%s\": %s", arg, reply);
        break;
    case '?': {
        int found = 0;
        for (size_t i = 0; i < ru->r.quick_reply_count; i++)
            found |= strcmp(ru->r.quick_replies[i], arg) == 0;
        if (!found)
            fail(file, line, "no quick reply \"%s\" in: %s", arg, reply);
        break;
    }
    case '^': {
        const char *got = ru->r.handoff_priority ? ru->r.handoff_priority : "none";
        if (strcmp(got, arg) != 0)
            fail(file, line, "hand-off %s, want %s", got, arg);
        break;
    }
    case '%':
        /* the offline request the reply carries contains this text */
        if (!strstr(ru->r.offline_request, arg))
            fail(file, line, "offline request lacks \"%s\": %s", arg, ru->r.offline_request);
        break;
    default: fail(file, line, "unknown line: %s%s", l, "");
    }
}

static FILE *dump_file;
static json_t *old_states;

/* states_v1.jsonl lines into {"script:turn": {"text", "state"}}. */
static json_t *read_states(const char *path)
{
    FILE *f = fopen(path, "r");
    json_t *all = json_object();
    char line[8192];
    while (f && fgets(line, sizeof line, f)) {
        json_t *e = json_loads(line, 0, NULL);
        char key[160];
        snprintf(key, sizeof key, "%s:%d", json_string_value(json_object_get(e, "script")),
                 (int)json_integer_value(json_object_get(e, "turn")));
        json_object_set_new(all, key, e);
    }
    if (f)
        fclose(f);
    return all;
}

static int run_script(int restart, const char *kb_dir, const match_engine *me, const char *fixture,
                      size_t fixture_len, const secrets *sec, const char *path)
{
    char db_path[] = "/tmp/destek-dlg-XXXXXX";
    int fd = mkstemp(db_path);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(db_path);
    store_db *db;
    ds_error err;
    if (store_open(db_path, &db, &err) != DS_OK ||
        store_import_orders(db, fixture, fixture_len, NULL, &err) != DS_OK) {
        fprintf(stderr, "%s: cannot set up the store: %s\n", path, err.message);
        return -1;
    }
    (void)kb_dir;
    runner ru;
    memset(&ru, 0, sizeof ru);
    ru.env.me = me;
    ru.env.db = db;
    ru.env.scratch = nlp_text_new();
    ru.env.res = match_result_new(me);
    ru.env.now = 1795597200; /* 2026-11-25T12:00:00+03:00 */
    ru.sec = sec;
    ru.restart = restart;
    ru.dump = dump_file;
    ru.old_states = old_states;
    ru.script = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    dlg_reply_init(&ru.r);
    new_session(&ru);
    FILE *f = fopen(path, "r");
    char line[2048];
    int lineno = 0;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    while (f && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        run_line(&ru, name, lineno, line);
    }
    if (f)
        fclose(f);
    dlg_reply_cleanup(&ru.r);
    dlg_session_free(ru.s);
    match_result_free(ru.env.res);
    nlp_text_free(ru.env.scratch);
    store_close(db);
    char wal[64];
    unlink(db_path);
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db_path);
    unlink(wal);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--dump-states") == 0) {
        dump_file = fopen(argv[2], "w");
        argv += 2;
        argc -= 2;
    }
    if (argc > 2 && strcmp(argv[1], "--states") == 0) {
        old_states = read_states(argv[2]);
        argv += 2;
        argc -= 2;
    }
    int restart = argc > 1 && strcmp(argv[1], "--restart") == 0;
    argv += restart;
    argc -= restart;
    if (argc != 4) {
        fprintf(stderr, "usage: run_dialogues [--restart] KB_DIR ORDERS.json SCRIPT_DIR\n");
        return 2;
    }
    kb_base *kb;
    match_engine *me;
    ds_error err;
    if (kb_load_dir(argv[1], &kb, NULL, NULL, &err) != DS_OK ||
        match_engine_new(kb, &me, &err) != DS_OK) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], err.message);
        return 1;
    }
    if (dlg_check_kb(kb, NULL, NULL)) {
        fprintf(stderr, "dialogue.json is incomplete (run destek kb lint)\n");
        return 1;
    }
    size_t fixture_len;
    char *fixture = slurp(argv[2], &fixture_len);
    if (!fixture) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 1;
    }
    secrets sec = {0};
    collect_secrets(fixture, &sec);
    DIR *d = opendir(argv[3]);
    char *names[256];
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) && n < 256) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".dlg") == 0)
            names[n++] = strdup(de->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[3], names[i]);
        int before = failures;
        if (run_script(restart, argv[1], me, fixture, fixture_len, &sec, path) != 0)
            failures++;
        fprintf(stderr, "%-28s %s\n", names[i], failures == before ? "ok" : "FAILED");
        free(names[i]);
    }
    for (size_t i = 0; i < sec.n; i++)
        free(sec.s[i]);
    free(sec.s);
    free(fixture);
    match_engine_free(me);
    kb_free(kb);
    printf("%zu scripts, %d checks, %d failed\n", n, checks, failures);
    return failures || n == 0 ? 1 : 0;
}
