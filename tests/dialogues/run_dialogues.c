/* SPDX-License-Identifier: MIT */
/* Golden dialogue tests: runs every *.dlg script in a directory against the
 * shipped knowledge base and a fresh order store filled from a fixture.
 *
 * Script lines:
 *   # comment              @now ISO-8601         @session (a new conversation)
 *   @hours closed|open     outside or inside working hours (default open)
 *   @memory                with --restart, no restart before the next message: it
 *                          needs what is deliberately not saved (a proof not yet checked)
 *   @agent release|close   an agent gives the conversation back to the bot, or
 *                          closes its hand-off: nobody is coming now
 *   > shopper message      = expected intent (a|b accepts either)
 *   ~ text the reply must contain     ! text it must not contain
 *   ? a quick reply that must be offered     - one that must not be
 *   ^ urgent|normal|none [REASON]  the hand-off the reply asks for (and why)
 *   % text                 the after-hours offline request contains text
 *   $ order ID STATUS      the order's status in the store now
 *   $ requests KIND N      the store holds N requests of KIND
 *   $ returns KIND STATE N the store holds N returns/exchanges/cases of KIND in STATE
 *   $ exchange_to SKU      the newest exchange asks for SKU
 *   $ handoffs N           N of the script's conversations wait for people
 *   $ unstored TEXT        no message of this conversation holds TEXT
 *
 * Besides the written checks, every reply must have a text, and every reply given before the
 * conversation has a verified order is checked for the customer names, e-mails, phones and tracking
 * numbers of every fixture order: none may appear.
 *
 * Each turn goes through the conversation service (conv_turn) in a store
 * batch, as in the server: after it, the store must hold the shopper's
 * message and the reply.
 *
 * With --restart, before every message the conversation is dropped and
 * resumed from the store (as after a server restart): every script must
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

#include "../pg/pgtest.h"
#include "conv.h"
#include "pii.h"

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
    conv_service *svc;
    conv_chat *c;
    char token[72]; /* the conversation's token hash */
    conv_turn_result res;
    int have_reply;
    const secrets *sec;
    int sessions;
    int restart;        /* resume the conversation from the store before every turn */
    int in_memory;      /* not before the next message: it needs what is kept in memory only */
    FILE *dump;         /* --dump-states: the state before every turn */
    json_t *old_states; /* --states: states an earlier build saved, by script and turn */
    const char *script;
    int turn;
    size_t stored; /* messages the store should hold for this conversation */
    int diverged;  /* --states: this conversation left what the earlier build saw */
} runner;

#define REPLY(ru) (&(ru)->res.reply)

static const kb_base *kb_of(const runner *ru)
{
    return match_engine_kb(conv_service_engine(ru->svc));
}

static void new_session(runner *ru, const char *file, int line)
{
    conv_free(ru->c);
    ru->c = NULL;
    snprintf(ru->token, sizeof ru->token, "%064d", ++ru->sessions);
    ds_error err;
    store_db *db = conv_service_store(ru->svc);
    if (store_batch_begin(db, &err) != DS_OK ||
        conv_start(ru->svc, ru->token, &ru->c, &err) != DS_OK ||
        store_batch_commit(db, &err) != DS_OK)
        fail(file, line, "cannot start a conversation: %s", err.message);
    conv_turn_result_cleanup(&ru->res);
    ru->have_reply = 0;
    ru->diverged = 0;
    ru->stored = 0;
}

/* What a server restart does to a conversation: only the store survives. */
static void restart_session(runner *ru, const char *file, int line)
{
    const kb_base *kb = kb_of(ru);
    char *state = dlg_session_save(conv_session(ru->c), kb);
    unsigned long long hash = dlg_session_state_hash(conv_session(ru->c));
    conv_chat *fresh = NULL;
    ds_error err;
    conv_free(ru->c);
    ru->c = NULL;
    if (!state || conv_resume(ru->svc, ru->token, &fresh, &err) != DS_OK) {
        fail(file, line, "cannot resume the conversation: %s", state ? err.message : "no state");
        ds_free(state);
        return;
    }
    ru->c = fresh;
    char *again = dlg_session_save(conv_session(fresh), kb);
    checks += 2;
    if (dlg_session_state_hash(conv_session(fresh)) != hash)
        fail(file, line, "the state hash changed through the store: %s", state);
    if (!again || strcmp(state, again) != 0)
        fail(file, line, "the state changed through the store:\n  %s\n  %s", state,
             again ? again : "(null)");
    ds_free(again);
    ds_free(state);
}

/* A state an earlier build saved at this point of the script must load into
 * exactly the state this build has here. */
static void check_old_state(runner *ru, const char *file, int line, const char *text)
{
    char key[160];
    snprintf(key, sizeof key, "%s:%d", ru->script, ru->turn);
    json_t *e = json_object_get(ru->old_states, key);
    const char *was = json_string_value(json_object_get(e, "text"));
    /* a turn the earlier build never saw, or one after a message the script
     * has changed since: the conversations differ from there on */
    if (e && was && strcmp(was, text) != 0)
        ru->diverged = 1;
    if (!e || !was || ru->diverged)
        return;
    const kb_base *kb = kb_of(ru);
    dlg_session *old = dlg_session_new("old");
    if (!old)
        return;
    dlg_session_load(old, kb, json_string_value(json_object_get(e, "state")));
    char *a = dlg_session_save(old, kb), *b = dlg_session_save(conv_session(ru->c), kb);
    json_t *ja = a ? json_loads(a, 0, NULL) : NULL, *jb = b ? json_loads(b, 0, NULL) : NULL;
    /* slots later builds added (the flow's first words) are not in the old
     * state; every slot the old format knew must be the same */
    static const char *const v1_slots = " item reason opened size colour kind not_received name "
                                        "contact order priority ";
    json_t *sb = json_object_get(jb, "slots");
    /* kept since for "said that already" (a few turns back too) and for
     * feelings */
    static const char *const later[] = {
        "last_faq", "last_topics", "last_order_reply", "upset", "soothe_wait", "next",
        "next_offered", "people_called", "done_item", "last_ask", "reminded", "recent",
        /* kept since the product talked about is remembered, not only a stock answer's */
        "product", "reason", "last_case"};
    for (size_t i = 0; i < sizeof later / sizeof *later; i++)
        json_object_del(jb, later[i]);
    if (sb) {
        const char *k;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(sb, tmp, k, v)
        {
            char word[64];
            snprintf(word, sizeof word, " %s ", k);
            if (!strstr(v1_slots, word))
                json_object_del(sb, k);
        }
        if (!json_object_size(sb))
            json_object_del(jb, "slots");
    }
    checks++;
    if (!ja || !jb || !json_equal(ja, jb))
        fail(file, line, "the state saved by the earlier build loads as\n  %s\nnot as\n  %s",
             a ? a : "(null)", b ? b : "(null)");
    json_decref(ja);
    json_decref(jb);
    ds_free(a);
    ds_free(b);
    dlg_session_free(old);
}

/* A letter of a word: ASCII letters and digits, and every byte of a
 * multi-byte UTF-8 character (Turkish letters). */
static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* w appears in text as a whole word ("Aydın", not the start of "Aydınlatma"). */
static int word_in(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(text, w); p; p = strstr(p + 1, w)) {
        int before = p > text && word_byte((unsigned char)p[-1]);
        int after = word_byte((unsigned char)p[n]);
        if (!before && !after)
            return 1;
    }
    return 0;
}

static void say(runner *ru, const char *file, int line, const char *text)
{
    conv_turn_result_cleanup(&ru->res);
    ru->turn++;
    if (!ru->c)
        return;
    if (ru->old_states)
        check_old_state(ru, file, line, text);
    if (ru->dump) {
        char *st = dlg_session_save(conv_session(ru->c), kb_of(ru));
        json_t *o = json_pack("{s:s,s:i,s:s,s:s}", "script", ru->script, "turn", ru->turn, "text",
                              text, "state", st ? st : "");
        char *l = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
        fprintf(ru->dump, "%s\n", l);
        free(l);
        json_decref(o);
        ds_free(st);
    }
    if (ru->restart && !ru->in_memory)
        restart_session(ru, file, line);
    ru->in_memory = 0;
    if (!ru->c)
        return;
    ds_error err;
    store_db *db = conv_service_store(ru->svc);
    char id[32];
    snprintf(id, sizeof id, "m%d", ru->turn);
    if (store_batch_begin(db, &err) != DS_OK ||
        conv_turn(ru->svc, ru->c, id, text, strlen(text), &ru->res, &err) != DS_OK ||
        store_batch_commit(db, &err) != DS_OK) {
        fail(file, line, "the turn failed: %s", err.message);
        return;
    }
    ru->have_reply = 1;
    const dlg_reply *r = REPLY(ru);
    if (getenv("DLG_VERBOSE"))
        fprintf(stderr, "> %s\n[%s] %s\n", text, r->intent, r->text.data);
    /* whatever the script checks, the shopper never gets silence */
    if (!r->text.len)
        fail(file, line, "the reply to \"%s\" is empty", text);
    /* the turn is in the store: the shopper's message (card and ID numbers
     * masked) and the reply */
    ru->stored += 2;
    store_message *m;
    size_t n;
    ds_buf kept;
    ds_buf_init(&kept);
    pii_mask(text, strlen(text), 4, &kept);
    checks++;
    if (store_messages_list(db, conv_id(ru->c), 0, &m, &n, NULL) != DS_OK || n != ru->stored ||
        strcmp(m[n - 2].text, kept.data ? kept.data : "") != 0 ||
        strcmp(m[n - 1].text, r->text.data ? r->text.data : "") != 0)
        fail(file, line, "the store does not hold this turn (%zu messages, want %zu)", n,
             ru->stored);
    else
        store_messages_free(m, n);
    ds_buf_cleanup(&kept);
    if (r->verified)
        return;
    for (size_t i = 0; i < ru->sec->n; i++) {
        checks++;
        if (word_in(r->text.data ? r->text.data : "", ru->sec->s[i]))
            fail(file, line, "an order detail (%s) leaked before verification: %s", ru->sec->s[i],
                 r->text.data);
    }
}

static void check_store(runner *ru, const char *file, int line, const char *arg)
{
    char a[64], b[64];
    long n;
    checks++;
    if (sscanf(arg, "order %63s %63s", a, b) == 2) {
        store_order *o;
        if (store_order_get(conv_service_store(ru->svc), a, &o, NULL) != DS_OK) {
            fail(file, line, "order %s not found%s", a, "");
            return;
        }
        if (strcmp(o->status, b) != 0)
            fail(file, line, "order status is %s, want %s", o->status, b);
        store_order_free(o);
    } else if (sscanf(arg, "requests %63s %ld", a, &n) == 2) {
        store_request *r;
        size_t count;
        if (store_requests_list(conv_service_store(ru->svc), a, &r, &count, NULL) != DS_OK) {
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
        if (store_returns_list(conv_service_store(ru->svc), NULL, &r, &count, NULL) != DS_OK) {
            fail(file, line, "cannot list returns");
            return;
        }
        for (size_t i = 0; i < count; i++)
            match += strcmp(r[i].kind, a) == 0 && strcmp(r[i].state, b) == 0;
        if ((long)match != n)
            fail(file, line, "%zu %s returns in state %s, want %ld", match, a, b, n);
        store_returns_free(r, count);
    } else if (strncmp(arg, "unstored ", 9) == 0) {
        store_message *m;
        size_t count;
        if (store_messages_list(conv_service_store(ru->svc), conv_id(ru->c), 0, &m, &count, NULL) !=
            DS_OK) {
            fail(file, line, "cannot list the messages");
            return;
        }
        for (size_t i = 0; i < count; i++)
            if (strstr(m[i].text, arg + 9))
                fail(file, line, "the store holds \"%s\": %s", arg + 9, m[i].text);
        store_messages_free(m, count);
    } else if (sscanf(arg, "handoffs %ld", &n) == 1) {
        store_handoff *q;
        size_t count;
        if (store_handoffs_list(conv_service_store(ru->svc), 0, &q, &count, NULL) != DS_OK) {
            fail(file, line, "cannot list the hand-offs");
            return;
        }
        if ((long)count != n)
            fail(file, line, "%zu hand-offs waiting for people, want %ld", count, n);
        store_handoffs_free(q, count);
    } else if (sscanf(arg, "exchange_to %63s", a) == 1) {
        store_return *r;
        size_t count;
        if (store_returns_list(conv_service_store(ru->svc), NULL, &r, &count, NULL) != DS_OK) {
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

/* What the server does when an agent lets the conversation go: the store's
 * hand-off ends, and the conversation is the bot's again. */
static void end_handoff(runner *ru, const char *file, int line, const char *state)
{
    store_db *db = conv_service_store(ru->svc);
    store_handoff *h;
    ds_error err;
    char now[CLOCK_ISO_LEN];
    conv_service_now_iso(ru->svc, now);
    if (!ru->c || store_handoff_active(db, conv_id(ru->c), &h, &err) != DS_OK) {
        fail(file, line, "no hand-off to end%s", "");
        return;
    }
    ds_status st = DS_OK;
    if (store_batch_begin(db, &err) != DS_OK ||
        (st = store_handoff_end(db, h->id, state, now, &err)) != DS_OK ||
        store_batch_commit(db, &err) != DS_OK)
        fail(file, line, "cannot end the hand-off: %s", err.message);
    store_handoff_free(h);
    conv_set_handoff(ru->c, 0, 0);
}

static void run_line(runner *ru, const char *file, int line, char *l)
{
    char *arg = l + 2;
    const dlg_reply *r = REPLY(ru);
    const char *reply = r->text.data ? r->text.data : "";
    switch (l[0]) {
    case '>': say(ru, file, line, arg); return;
    case '$': check_store(ru, file, line, arg); return;
    case '@':
        if (strcmp(l, "@session") == 0) {
            new_session(ru, file, line);
        } else if (strcmp(l, "@memory") == 0) {
            ru->in_memory = 1;
        } else if (strcmp(l, "@agent release") == 0 || strcmp(l, "@agent close") == 0) {
            end_handoff(ru, file, line, l[7] == 'r' ? "released" : "closed");
        } else if (strcmp(l, "@hours closed") == 0 || strcmp(l, "@hours open") == 0) {
            conv_service_set_hours(ru->svc, l[7] == 'c' ? HOURS_CLOSED : HOURS_OPEN);
        } else if (strncmp(l, "@now ", 5) == 0) {
            long long t;
            if (clock_parse(kb_zone(kb_of(ru)), l + 5, &t) == 0)
                conv_service_set_now(ru->svc, (time_t)t);
            else
                fail(file, line, "bad @now %s", l + 5);
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
        if (!accepts(arg, r->intent ? r->intent : ""))
            fail(file, line, "intent %s, want %s", r->intent, arg);
        break;
    case '~':
        if (!strstr(reply, arg))
            fail(file, line, "reply lacks \"%s\": %s", arg, reply);
        break;
    case '!':
        if (strstr(reply, arg))
            fail(file, line, "reply must not contain \"%s\": %s", arg, reply);
        break;
    case '?':
    case '-': {
        int found = 0;
        for (size_t i = 0; i < r->quick_reply_count; i++)
            found |= strcmp(r->quick_replies[i], arg) == 0;
        if (!found && l[0] == '?')
            fail(file, line, "no quick reply \"%s\" in: %s", arg, reply);
        if (found && l[0] == '-')
            fail(file, line, "quick reply \"%s\" offered with: %s", arg, reply);
        break;
    }
    case '^': {
        /* "^ urgent" or "^ urgent hasarli": the priority, and the reason */
        const char *got = r->handoff_priority ? r->handoff_priority : "none";
        char want[64];
        snprintf(want, sizeof want, "%s", arg);
        char *why = strchr(want, ' ');
        if (why)
            *why++ = '\0';
        if (strcmp(got, want) != 0)
            fail(file, line, "hand-off %s, want %s", got, want);
        else if (why && strcmp(r->handoff_reason ? r->handoff_reason : "", why) != 0)
            fail(file, line, "hand-off reason \"%s\", want %s",
                 r->handoff_reason ? r->handoff_reason : "", why);
        break;
    }
    case '%':
        /* the offline request the reply carries contains this text */
        if (!r->offline_request || !strstr(r->offline_request, arg))
            fail(file, line, "offline request lacks \"%s\": %s", arg,
                 r->offline_request ? r->offline_request : "(none)");
        break;
    default: fail(file, line, "unknown line: %s%s", l, "");
    }
}

static FILE *dump_file;
static json_t *old_states;
static int on_pg; /* --pg: each script's store is a database on the test server */

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
    char db_path[512] = "/tmp/destek-dlg-XXXXXX";
    if (on_pg) {
        char name[64];
        snprintf(name, sizeof name, "t_dlg%s_%.40s", restart ? "r" : "",
                 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
        if (pgtest_db(name, 1, db_path, sizeof db_path) != 0)
            return -1;
    } else {
        int fd = mkstemp(db_path);
        if (fd < 0)
            return -1;
        close(fd);
        unlink(db_path);
    }
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
    ru.svc = conv_service_new(me, db);
    if (!ru.svc)
        return -1;
    conv_service_set_now(ru.svc, 1795597200); /* 2026-11-25T12:00:00+03:00 */
    conv_service_set_hours(ru.svc, HOURS_OPEN);
    ru.sec = sec;
    ru.restart = restart;
    ru.dump = dump_file;
    ru.old_states = old_states;
    ru.script = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    conv_turn_result_init(&ru.res);
    FILE *f = fopen(path, "r");
    char line[2048];
    int lineno = 0;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    new_session(&ru, name, 0);
    while (f && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        run_line(&ru, name, lineno, line);
    }
    if (f)
        fclose(f);
    conv_turn_result_cleanup(&ru.res);
    conv_free(ru.c);
    conv_service_free(ru.svc);
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
    if (argc > 1 && strcmp(argv[1], "--pg") == 0) {
        if (!pgtest_available()) {
            fprintf(stderr, "run_dialogues: no test PostgreSQL server (DESTEK_TEST_PGHOST): "
                            "skipped\n");
            return 77;
        }
        on_pg = 1;
        argv++;
        argc--;
    }
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
        fprintf(stderr, "usage: run_dialogues [--pg] [--restart] KB_DIR ORDERS.json SCRIPT_DIR\n");
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
