/* SPDX-License-Identifier: MIT */
/* Fault injection: for N = 1, 2, ... make the Nth allocation (and, as
 * ds_alloc_set_fail_after does, every later one) fail while loading a small
 * KB, building a matcher, normalising a message and answering one, until the
 * operation no longer reaches the Nth allocation. Each run happens in a
 * forked child so a crash names its N; under ASan a leak makes the child
 * exit with LeakSanitizer's status. A run that reports success must produce
 * exactly what the fault-free run produced: a swallowed allocation failure
 * is a bug too. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dlg.h"
#include "ds.h"
#include "kb.h"
#include "match.h"
#include "nlp.h"

#ifndef DS_TEST_DATA
#error "DS_TEST_DATA must name tests/data"
#endif

#define KB_DIR DS_TEST_DATA "/kb/valid/match_small"
#define MAX_N 200000

/* Child exit codes. */
enum {
    RUN_FAILED_CLEANLY = 0, /* an error status, consistent err */
    RUN_SUCCEEDED = 10,     /* reached the end with the Nth allocation made */
    RUN_NOT_REACHED = 11,   /* finished before making the Nth allocation */
    RUN_WRONG_RESULT = 12,  /* DS_OK, but not the fault-free result */
    RUN_BAD_STATUS = 13,    /* a status that is not an out-of-memory report */
    RUN_SETUP = 14          /* the fault-free part failed */
};

typedef int (*run_fn)(unsigned long n, char *out, size_t out_len);

/* In the child: says which status came back when it is not the right one. */
static int bad_status(ds_status st, const ds_error *err)
{
    fprintf(stderr, "    returned %s; err: %s \"%s\"\n", ds_status_str(st),
            ds_status_str(err->status), err->message);
    return RUN_BAD_STATUS;
}

/* ---- what each operation produces, as text to compare ---------------------- */

static void kb_fingerprint(const kb_base *kb, char *out, size_t out_len)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_buf_printf(&b, "i%zu c%zu s%zu h%zu;", kb_intent_count(kb), kb_concept_count(kb),
                  nlp_lexicon_suffix_count(kb_lexicon(kb)),
                  nlp_lexicon_shorthand_count(kb_lexicon(kb)));
    for (size_t i = 0; i < kb_intent_count(kb); i++) {
        const kb_intent *in = kb_intent_at(kb, i);
        ds_buf_printf(&b, "%s/%s k%zu p%zu e%zu a%zu q%zu l%d;", in->id ? in->id : "(null)",
                      in->title ? in->title : "(null)", in->keyword_count, in->pattern_count,
                      in->example_count, in->answer_count, in->quick_reply_count, in->low_priority);
        for (size_t k = 0; k < in->keyword_count; k++)
            ds_buf_printf(&b, "%s=%s,", in->keywords[k].source ? in->keywords[k].source : "(null)",
                          in->keywords[k].words ? in->keywords[k].words : "@");
    }
    for (size_t c = 0; c < kb_concept_count(kb); c++) {
        const kb_concept *con = kb_concept_at(kb, c);
        ds_buf_printf(&b, "%s:", con->name ? con->name : "(null)");
        for (size_t p = 0; p < con->phrase_count; p++)
            ds_buf_printf(&b, "%s,", con->phrases[p] ? con->phrases[p] : "(null)");
    }
    /* the fingerprint itself is made with allocation failures off */
    snprintf(out, out_len, "%s", b.failed || !b.data ? "(oom)" : b.data);
    ds_buf_cleanup(&b);
}

static const char *const messages[] = {
    "SİPARİŞİM 1048213 NERDE",
    "merhaba kargom nerede, 0532 123 45 67",
    "indirim",
    "teslimat ne zaman gelir",
    "bugün hava çok güzel 😡",
};

/* ---- the operations ---------------------------------------------------------- */

/* Appends to a plain buffer: recording results must not allocate. */
static void add_text(char *out, size_t out_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_text(char *out, size_t out_len, const char *fmt, ...)
{
    size_t n = strlen(out);
    va_list ap;
    va_start(ap, fmt);
    if (n + 1 < out_len)
        vsnprintf(out + n, out_len - n, fmt, ap);
    va_end(ap);
}

static int run_load(unsigned long n, char *out, size_t out_len)
{
    kb_base *kb = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    ds_alloc_set_fail_after(n);
    ds_status st = kb_load_dir(KB_DIR, &kb, NULL, NULL, &err);
    unsigned long made = ds_alloc_set_fail_after(0);
    if (st != DS_OK) {
        if (kb != NULL || err.status != st)
            return bad_status(st, &err);
        /* the loader reports a failed allocation inside jansson or a
         * helper as a KB problem; both are clean failures */
        return st == DS_ENOMEM || st == DS_EKB ? RUN_FAILED_CLEANLY : bad_status(st, &err);
    }
    kb_fingerprint(kb, out, out_len);
    kb_free(kb);
    return n && made >= n ? RUN_SUCCEEDED : RUN_NOT_REACHED;
}

static kb_base *load_clean(void)
{
    kb_base *kb = NULL;
    return kb_load_dir(KB_DIR, &kb, NULL, NULL, NULL) == DS_OK ? kb : NULL;
}

static int run_match(unsigned long n, char *out, size_t out_len)
{
    kb_base *kb = load_clean();
    nlp_text *t = nlp_text_new();
    if (!kb || !t)
        return RUN_SETUP;
    match_engine *me = NULL;
    match_result *r = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    ds_alloc_set_fail_after(n);
    ds_status st = match_engine_new(kb, &me, &err);
    if (st == DS_OK && !(r = match_result_new(me)))
        st = DS_ENOMEM;
    unsigned long made = ds_alloc_set_fail_after(0);
    int rc;
    if (st != DS_OK) {
        rc = st == DS_ENOMEM && (me != NULL || err.status == DS_ENOMEM) ? RUN_FAILED_CLEANLY
                                                                        : bad_status(st, &err);
    } else {
        rc = n && made >= n ? RUN_SUCCEEDED : RUN_NOT_REACHED;
        for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
            if (nlp_normalise(kb_lexicon(kb), messages[i], strlen(messages[i]), t, NULL) ||
                match_classify(me, t, r)) {
                rc = RUN_SETUP;
                break;
            }
            add_text(out, out_len, "%s %.6f %zu;", match_result_intent(r),
                     match_result_confidence(r), match_result_candidate_count(r));
        }
    }
    match_result_free(r);
    match_engine_free(me);
    nlp_text_free(t);
    kb_free(kb);
    return rc;
}

static int run_nlp(unsigned long n, char *out, size_t out_len)
{
    ds_error err;
    memset(&err, 0, sizeof err);
    ds_alloc_set_fail_after(n);
    ds_status st = DS_OK;
    nlp_lexicon *lx = nlp_lexicon_new();
    nlp_text *t = nlp_text_new();
    if (!lx || !t)
        st = DS_ENOMEM;
    if (st == DS_OK)
        st = nlp_lexicon_add_shorthand(lx, "nerde", "nerede", &err);
    if (st == DS_OK)
        st = nlp_lexicon_add_shorthand(lx, "krgm", "kargo takip", &err);
    if (st == DS_OK)
        st = nlp_lexicon_add_suffix(lx, "im", &err);
    /* a short message first, then longer ones into the same nlp_text, so
     * the buffers grow while allocations fail */
    for (size_t i = 0; st == DS_OK && i < sizeof messages / sizeof messages[0]; i++) {
        st = nlp_normalise(lx, messages[i], strlen(messages[i]), t, &err);
        if (st == DS_OK)
            add_text(out, out_len, "%s|%zu|%zu;", nlp_text_skeleton(t), nlp_text_token_count(t),
                     nlp_text_entity_count(t));
    }
    unsigned long made = ds_alloc_set_fail_after(0);
    int rc;
    if (st != DS_OK) {
        rc = st == DS_ENOMEM && (err.status == DS_ENOMEM || !lx || !t) ? RUN_FAILED_CLEANLY
                                                                       : bad_status(st, &err);
        /* after the failure the same text object must still work */
        if (t && nlp_normalise(lx, messages[1], strlen(messages[1]), t, NULL) == DS_OK &&
            strcmp(nlp_text_skeleton(t), "merhaba kargom nerede 0532 123 45 67") != 0)
            rc = RUN_WRONG_RESULT;
    } else {
        rc = n && made >= n ? RUN_SUCCEEDED : RUN_NOT_REACHED;
    }
    nlp_text_free(t);
    nlp_lexicon_free(lx);
    return rc;
}

static int run_dlg(unsigned long n, char *out, size_t out_len)
{
    kb_base *kb = load_clean();
    match_engine *me = NULL;
    if (!kb || match_engine_new(kb, &me, NULL) != DS_OK)
        return RUN_SETUP;
    nlp_text *t = nlp_text_new();
    match_result *r = match_result_new(me);
    dlg_session *s = dlg_session_new("alloc");
    if (!t || !r || !s)
        return RUN_SETUP;
    dlg_env env;
    memset(&env, 0, sizeof env);
    env.me = me;
    env.scratch = t;
    env.res = r;
    env.now = 1700000000;
    dlg_reply reply;
    dlg_reply_init(&reply);
    ds_status st = DS_OK;
    ds_error err;
    memset(&err, 0, sizeof err);
    static const char *const turns[] = {"iade etmek istiyorum", "indirim", "Kupon kodu"};
    ds_alloc_set_fail_after(n);
    for (size_t i = 0; st == DS_OK && i < sizeof turns / sizeof turns[0]; i++) {
        dlg_reply_cleanup(&reply);
        st = dlg_respond(&env, s, turns[i], strlen(turns[i]), &reply, &err);
        if (st == DS_OK)
            add_text(out, out_len, "%s:%s;", reply.intent, reply.text.data ? reply.text.data : "");
    }
    unsigned long made = ds_alloc_set_fail_after(0);
    int rc;
    if (st != DS_OK)
        rc = st == DS_ENOMEM && err.status == DS_ENOMEM ? RUN_FAILED_CLEANLY : bad_status(st, &err);
    else
        rc = n && made >= n ? RUN_SUCCEEDED : RUN_NOT_REACHED;
    dlg_reply_cleanup(&reply);
    dlg_session_free(s);
    match_result_free(r);
    nlp_text_free(t);
    match_engine_free(me);
    kb_free(kb);
    return rc;
}

/* ---- the driver ----------------------------------------------------------------- */

/* Runs fn(n) in a child; returns its exit code, or -signal. The child
 * writes what it produced to a pipe. */
static int run_child(run_fn fn, unsigned long n, char *out, size_t out_len)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1000;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1000;
    if (pid == 0) {
        close(fd[0]);
        static char buf[16384];
        buf[0] = '\0';
        int rc = fn(n, buf, sizeof buf);
        size_t len = strlen(buf), off = 0;
        while (off < len) {
            ssize_t k = write(fd[1], buf + off, len - off);
            if (k <= 0)
                break;
            off += (size_t)k;
        }
        close(fd[1]);
        exit(rc);
    }
    close(fd[1]);
    size_t got = 0;
    for (;;) {
        ssize_t k = read(fd[0], out + got, out_len - 1 - got);
        if (k <= 0)
            break;
        got += (size_t)k;
        if (got + 1 >= out_len)
            break;
    }
    out[got] = '\0';
    close(fd[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1000;
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void inject(const char *name, run_fn fn)
{
    static char want[16384], got[16384];
    /* DS_ALLOC_ONLY=name:N runs that one case in this process, for a
     * debugger or a full sanitizer report */
    const char *only = getenv("DS_ALLOC_ONLY");
    if (only) {
        size_t k = strlen(name);
        if (strncmp(only, name, k) == 0 && only[k] == ':') {
            int rc = fn(strtoul(only + k + 1, NULL, 10), got, sizeof got);
            fprintf(stderr, "%s: run returned %d\n", name, rc);
        }
        return;
    }
    int rc = run_child(fn, 0, want, sizeof want);
    CHECK_MSG(rc == RUN_NOT_REACHED, "%s: the fault-free run returned %d", name, rc);
    if (rc != RUN_NOT_REACHED)
        return;
    unsigned long n;
    int failed_runs = 0, problems = 0;
    /* up to 8 problems per operation, then the next operation */
#define PROBLEM(...)               \
    do {                           \
        problems++;                \
        CHECK_MSG(0, __VA_ARGS__); \
    } while (0)
    for (n = 1; n < MAX_N && problems < 8; n++) {
        rc = run_child(fn, n, got, sizeof got);
        if (rc == RUN_NOT_REACHED) {
            CHECK_EQ_STR(got, want);
            break;
        }
        switch (rc) {
        case RUN_FAILED_CLEANLY: failed_runs++; break;
        case RUN_SUCCEEDED:
            /* survived the failure: fine if it truly recovered */
            if (strcmp(got, want) != 0) {
                PROBLEM("%s: allocation %lu failed, yet DS_OK with a different result:\n"
                        "    want %s\n    got  %s",
                        name, n, want, got);
            }
            break;
        case RUN_WRONG_RESULT:
            PROBLEM("%s: allocation %lu: wrong result after the failure", name, n);
            break;
        case RUN_BAD_STATUS:
            PROBLEM("%s: allocation %lu: not an out-of-memory status", name, n);
            break;
        default:
            if (rc < 0)
                PROBLEM("%s: allocation %lu failing: crash (signal %d)", name, n, -rc);
            else
                PROBLEM("%s: allocation %lu failing: child exit %d (%s)", name, n, rc,
                        rc == RUN_SETUP ? "setup failed"
                                        : "a sanitizer report above: leak, crash or UB");
            break;
        }
    }
    if (problems >= 8)
        fprintf(stderr, "%s: stopped after %d problems\n", name, problems);
    else
        CHECK_MSG(n < MAX_N, "%s never finished", name);
    CHECK_MSG(failed_runs > 0, "%s: no allocation was ever failed", name);
#undef PROBLEM
    fprintf(stderr, "%s: %lu allocations, %d clean failures, %d problems\n", name, n - 1,
            failed_runs, problems);
}

static void test_fail_after_counts(void)
{
    /* the hook itself: counts, fails the Nth and later, 0 turns it off */
    ds_alloc_set_fail_after(0);
    void *a = ds_malloc(8), *b = ds_calloc(2, 8);
    CHECK_EQ_INT(ds_alloc_set_fail_after(3), 2);
    void *c = ds_malloc(1), *d = ds_strdup("x"), *e = ds_malloc(1);
    CHECK(c != NULL);
    CHECK(d != NULL);
    CHECK(e == NULL);
    CHECK_EQ_INT(ds_alloc_set_fail_after(0), 3);
    void *f = ds_realloc(NULL, 4);
    CHECK(f != NULL);
    ds_free(a);
    ds_free(b);
    ds_free(c);
    ds_free(d);
    ds_free(f);
    /* a failed buffer append is sticky and take() gives NULL */
    ds_buf buf;
    ds_buf_init(&buf);
    ds_alloc_set_fail_after(1);
    ds_buf_puts(&buf, "abc");
    ds_alloc_set_fail_after(0);
    ds_buf_puts(&buf, "def");
    CHECK(buf.failed);
    CHECK(ds_buf_take(&buf) == NULL);
    CHECK(buf.data == NULL && buf.len == 0 && !buf.failed);
}

int main(void)
{
    test_fail_after_counts();
    inject("nlp", run_nlp);
    inject("kb_load_dir", run_load);
    inject("match_engine_new", run_match);
    inject("dlg_respond", run_dlg);
    return CHECK_MAIN_RESULT();
}
