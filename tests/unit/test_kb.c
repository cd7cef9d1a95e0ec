/* SPDX-License-Identifier: MIT */
/* Knowledge-base loader tests, data-driven: every folder of
 * tests/data/kb/valid must load and match the facts in its expect.txt;
 * every folder of tests/data/kb/invalid must fail with DS_EKB and an error
 * whose "file:line:col: field: message" starts with the first line of its
 * expect.txt. Also shop lookups and template rendering. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ds.h"
#include "kb.h"
#include "match.h"
#include "tpl.h"

#ifndef DS_TEST_DATA
#error "DS_TEST_DATA must name tests/data"
#endif

#define KB_DATA DS_TEST_DATA "/kb"

typedef struct diag_count {
    int errors, warnings;
    ds_error first;
} diag_count;

static void count_diag(void *ctx, int is_error, const ds_error *where)
{
    diag_count *d = ctx;
    if (is_error && d->errors++ == 0)
        d->first = *where;
    if (!is_error)
        d->warnings++;
    /* every report is a KB problem with a sane position */
    CHECK_STATUS(where->status, DS_EKB);
    CHECK(where->line >= 0 && where->column >= 0);
    CHECK(where->line == 0 || where->column >= 1);
    CHECK(where->message[0] != '\0');
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sub-directories of dir, sorted; owned array of owned names. */
static char **list_dirs(const char *dir, size_t *count)
{
    *count = 0;
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    if (!d)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            v = realloc(v, cap * sizeof *v);
            if (!v)
                abort();
        }
        v[(*count)++] = strdup(de->d_name);
    }
    closedir(d);
    if (*count)
        qsort(v, *count, sizeof *v, name_cmp);
    return v;
}

/* Lines of a small file, newline removed; NULL when absent. */
static char **read_lines(const char *path, size_t *count)
{
    *count = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **v = calloc(64, sizeof *v);
    char line[1024];
    while (v && *count < 64 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            v[(*count)++] = strdup(line);
    }
    fclose(f);
    return v;
}

static void free_lines(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- invalid ---------------------------------------------------------------- */

static void run_invalid(const char *name)
{
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/invalid/%s", KB_DATA, name);
    snprintf(path, sizeof path, "%s/expect.txt", dir);
    size_t n;
    char **lines = read_lines(path, &n);
    CHECK_MSG(lines && n >= 1, "%s needs an expect.txt", dir);
    if (!lines || n < 1) {
        free_lines(lines, n);
        return;
    }
    diag_count dc;
    memset(&dc, 0, sizeof dc);
    ds_error err;
    memset(&err, 0, sizeof err);
    kb_base *sentinel = (kb_base *)&dc, *kb = sentinel;
    ds_status st = kb_load_dir(dir, &kb, count_diag, &dc, &err);
    CHECK_STATUS(st, DS_EKB);
    CHECK_STATUS(err.status, DS_EKB);
    CHECK(kb == sentinel); /* written only on success */
    if (st == DS_OK && kb != sentinel)
        kb_free(kb);
    char got[2048];
    ds_error_format(&err, got, sizeof got);
    CHECK_PREFIX_STR(got, lines[0]);
    /* the error returned is the first one the diagnostics saw */
    char first[2048];
    ds_error_format(&dc.first, first, sizeof first);
    CHECK_EQ_STR(first, got);
    CHECK(dc.errors >= 1);
    for (size_t i = 1; i < n; i++) {
        int want;
        if (sscanf(lines[i], "errors %d", &want) == 1)
            CHECK_EQ_INT(dc.errors, want);
        else
            CHECK_MSG(0, "unknown expect line \"%s\"", lines[i]);
    }
    /* NULL diag and NULL err are allowed and give the same status */
    kb = sentinel;
    CHECK_STATUS(kb_load_dir(dir, &kb, NULL, NULL, NULL), DS_EKB);
    CHECK(kb == sentinel);
    free_lines(lines, n);
}

/* ---- valid ------------------------------------------------------------------ */

static int skeleton_words_ok(const char *s)
{
    if (!*s || *s == ' ')
        return 0;
    for (const char *p = s; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 (*p == ' ' && p[1] && p[1] != ' ');
        if (!ok)
            return 0;
    }
    return 1;
}

static const kb_keyword *find_keyword(const kb_intent *in, const char *source)
{
    for (size_t i = 0; i < in->keyword_count; i++)
        if (strcmp(in->keywords[i].source, source) == 0)
            return &in->keywords[i];
    return NULL;
}

static void check_expect_line(const kb_base *kb, const diag_count *dc, const char *line)
{
    char word[32];
    int num, off = 0;
    if (sscanf(line, "%31s %d", word, &num) == 2 && strcmp(word, "keyword") &&
        strcmp(word, "concept") && strcmp(word, "answer")) {
        if (strcmp(word, "intents") == 0)
            CHECK_EQ_INT(kb_intent_count(kb), num);
        else if (strcmp(word, "concepts") == 0)
            CHECK_EQ_INT(kb_concept_count(kb), num);
        else if (strcmp(word, "suffixes") == 0)
            CHECK_EQ_INT(nlp_lexicon_suffix_count(kb_lexicon(kb)), num);
        else if (strcmp(word, "shorthand") == 0)
            CHECK_EQ_INT(nlp_lexicon_shorthand_count(kb_lexicon(kb)), num);
        else if (strcmp(word, "warnings") == 0)
            CHECK_EQ_INT(dc->warnings, num);
        else
            CHECK_MSG(0, "unknown expect line \"%s\"", line);
        return;
    }
    char id[128];
    if (sscanf(line, "%31s %127s %n", word, id, &off) < 2 || !off) {
        CHECK_MSG(0, "bad expect line \"%s\"", line);
        return;
    }
    const char *rest = line + off;
    if (strcmp(word, "keyword") == 0) {
        /* keyword ID SOURCE|WORDS */
        int idx = kb_intent_find(kb, id);
        CHECK_MSG(idx >= 0, "no intent %s", id);
        const char *bar = strchr(rest, '|');
        if (idx < 0 || !bar)
            return;
        char source[256];
        snprintf(source, sizeof source, "%.*s", (int)(bar - rest), rest);
        const kb_keyword *k = find_keyword(kb_intent_at(kb, (size_t)idx), source);
        CHECK_MSG(k != NULL, "no keyword \"%s\" in %s", source, id);
        if (k)
            CHECK_EQ_STR(k->words, bar + 1);
    } else if (strcmp(word, "concept") == 0) {
        /* concept NAME WORDS: one of its phrases */
        int found = 0;
        for (size_t i = 0; i < kb_concept_count(kb); i++) {
            const kb_concept *c = kb_concept_at(kb, i);
            if (strcmp(c->name, id) != 0)
                continue;
            for (size_t p = 0; p < c->phrase_count; p++)
                found |= strcmp(c->phrases[p], rest) == 0;
        }
        CHECK_MSG(found, "concept %s has no phrase \"%s\"", id, rest);
    } else if (strcmp(word, "answer") == 0) {
        /* answer ID TEXT: the first answer rendered */
        int idx = kb_intent_find(kb, id);
        CHECK_MSG(idx >= 0, "no intent %s", id);
        if (idx < 0)
            return;
        ds_buf out;
        ds_buf_init(&out);
        CHECK_STATUS(kb_render_answer(kb, kb_intent_at(kb, (size_t)idx), 0, &out, NULL), DS_OK);
        CHECK_EQ_STR(out.data, rest);
        ds_buf_cleanup(&out);
    } else {
        CHECK_MSG(0, "unknown expect line \"%s\"", line);
    }
}

static void run_valid(const char *name)
{
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/valid/%s", KB_DATA, name);
    diag_count dc;
    memset(&dc, 0, sizeof dc);
    ds_error err;
    memset(&err, 0, sizeof err);
    kb_base *kb = NULL;
    ds_status st = kb_load_dir(dir, &kb, count_diag, &dc, &err);
    char msg[2048];
    ds_error_format(&err, msg, sizeof msg);
    CHECK_MSG(st == DS_OK, "%s: %s", dir, msg);
    CHECK_EQ_INT(dc.errors, 0);
    if (st != DS_OK)
        return;
    CHECK(kb != NULL);
    CHECK_EQ_STR(kb_dir(kb), dir);
    CHECK(kb_intent_find(kb, "fallback") >= 0);
    CHECK_EQ_INT(kb_intent_find(kb, "no_such_intent"), -1);
    CHECK(kb_intent_at(kb, kb_intent_count(kb)) == NULL);
    CHECK(kb_concept_at(kb, kb_concept_count(kb)) == NULL);
    /* what every loaded KB guarantees */
    for (size_t i = 0; i < kb_intent_count(kb); i++) {
        const kb_intent *in = kb_intent_at(kb, i);
        CHECK_EQ_INT(kb_intent_find(kb, in->id), (int)i);
        CHECK(in->title && in->title[0]);
        CHECK(in->file && strchr(in->file, '/') == NULL);
        CHECK(in->answer_count >= 1);
        for (size_t k = 0; k < in->keyword_count; k++) {
            const kb_keyword *kw = &in->keywords[k];
            CHECK(kw->source != NULL);
            CHECK(kw->weight != 0);
            if (kw->concept >= 0) {
                CHECK(kw->words == NULL);
                CHECK((size_t)kw->concept < kb_concept_count(kb));
            } else {
                CHECK_MSG(kw->words && skeleton_words_ok(kw->words), "keyword \"%s\" -> \"%s\"",
                          kw->source, kw->words ? kw->words : "(null)");
                CHECK(kw->word_count >= 1);
            }
        }
        for (size_t a = 0; a < in->answer_count; a++) {
            ds_buf out;
            ds_buf_init(&out);
            CHECK_STATUS(kb_render_answer(kb, in, a, &out, NULL), DS_OK);
            CHECK(out.data && strstr(out.data, "{{") == NULL);
            ds_buf_cleanup(&out);
        }
    }
    for (size_t c = 0; c < kb_concept_count(kb); c++)
        for (size_t p = 0; p < kb_concept_at(kb, c)->phrase_count; p++)
            CHECK(skeleton_words_ok(kb_concept_at(kb, c)->phrases[p]));
    /* and a matcher builds over it */
    match_engine *me = NULL;
    CHECK_STATUS(match_engine_new(kb, &me, NULL), DS_OK);
    match_engine_free(me);

    snprintf(path, sizeof path, "%s/expect.txt", dir);
    size_t n;
    char **lines = read_lines(path, &n);
    CHECK_MSG(lines && n >= 1, "%s needs an expect.txt", dir);
    for (size_t i = 0; lines && i < n; i++) {
        CHECK_CONTEXT(lines[i]);
        check_expect_line(kb, &dc, lines[i]);
    }
    CHECK_CONTEXT(name);
    free_lines(lines, n);
    kb_free(kb);
}

static void test_data_dirs(void)
{
    static const char *const kinds[] = {"valid", "invalid"};
    for (size_t k = 0; k < 2; k++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", KB_DATA, kinds[k]);
        size_t n;
        char **names = list_dirs(dir, &n);
        CHECK_MSG(n >= (k ? 20u : 3u), "only %zu cases in %s", n, dir);
        for (size_t i = 0; i < n; i++) {
            CHECK_CONTEXT(names[i]);
            if (k)
                run_invalid(names[i]);
            else
                run_valid(names[i]);
        }
        CHECK_CONTEXT("");
        free_lines(names, n);
    }
}

static void test_missing_dir(void)
{
    ds_error err;
    memset(&err, 0, sizeof err);
    kb_base *kb = NULL;
    CHECK_STATUS(kb_load_dir(KB_DATA "/no/such/dir", &kb, NULL, NULL, &err), DS_EIO);
    CHECK_STATUS(err.status, DS_EIO);
    CHECK(strstr(err.message, "no/such/dir") != NULL);
    CHECK(kb == NULL);
    kb_free(NULL);
}

/* ---- shop lookups and templates ---------------------------------------------- */

static kb_base *load_small(void)
{
    kb_base *kb = NULL;
    ds_error err;
    ds_status st = kb_load_dir(KB_DATA "/valid/match_small", &kb, NULL, NULL, &err);
    CHECK_MSG(st == DS_OK, "match_small: %s", err.message);
    return st == DS_OK ? kb : NULL;
}

static void test_shop_lookup(void)
{
    kb_base *kb = load_small();
    if (!kb)
        return;
    static const struct {
        const char *path;
        const char *want; /* NULL: not found */
    } cases[] = {
        {"name", "Test Dükkanı"},
        {"returns.window_days", "14"},
        {"returns.free", "evet"},
        {"returns.paid", "hayır"},
        {"returns.ratio", "2,5"},
        {"returns.carriers", "Aras, MNG ve PTT"},
        {"returns.pair", "kart ve havale"},
        {"returns.one", "tek"},
        {"returns.none", ""},
        {"returns.refund.card", "2-10 iş günü"},
        {"returns.nested", NULL}, /* arrays of arrays are not text */
        {"returns.objects", NULL},
        {"returns.refund", NULL}, /* an object is not text */
        {"returns.null_value", NULL},
        {"returns.nope", NULL},
        {"returns.window_days.x", NULL},
        {"nope.window_days", NULL},
        {"returns.", NULL},
        {".returns", NULL},
        {"returns..window_days", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_CONTEXT(cases[i].path);
        ds_buf out;
        ds_buf_init(&out);
        ds_buf_puts(&out, ">");
        int found = kb_shop_lookup(kb, cases[i].path, strlen(cases[i].path), &out);
        CHECK_EQ_INT(found, cases[i].want != NULL);
        if (found && cases[i].want) {
            CHECK_PREFIX_STR(out.data, ">"); /* appends */
            CHECK_EQ_STR(out.data + 1, cases[i].want);
        }
        ds_buf_cleanup(&out);
    }
    CHECK_CONTEXT("");
    /* the length bounds the path: "returns.window_days" read as "returns.free" is not */
    ds_buf out;
    ds_buf_init(&out);
    const char *p = "returns.window_days_extra";
    CHECK_EQ_INT(kb_shop_lookup(kb, p, strlen("returns.window_days"), &out), 1);
    CHECK_EQ_STR(out.data, "14");
    ds_buf_cleanup(&out);

    /* kb_render_answer rotates through the answers */
    int idx = kb_intent_find(kb, "iade");
    CHECK(idx >= 0);
    if (idx >= 0) {
        const kb_intent *in = kb_intent_at(kb, (size_t)idx);
        CHECK_EQ_INT(in->answer_count, 2);
        static const char *const want[] = {"İade süremiz 14 gün.",
                                           "14 gün içinde iade edebilirsiniz."};
        for (size_t which = 0; which < 5; which++) {
            ds_buf_init(&out);
            CHECK_STATUS(kb_render_answer(kb, in, which, &out, NULL), DS_OK);
            CHECK_EQ_STR(out.data, want[which % 2]);
            ds_buf_cleanup(&out);
        }
    }
    kb_free(kb);
}

static int test_lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    (*(int *)ctx)++;
    if (len == 3 && memcmp(name, "ad", 2) == 0 && name[2] == 'i') {
        ds_buf_puts(out, "Ayşe");
        return 1;
    }
    if (len == 0) {
        ds_buf_puts(out, "<empty>");
        return 1;
    }
    return 0;
}

static void test_tpl(void)
{
    static const struct {
        const char *tpl;
        ds_status st;
        const char *out;     /* what out holds afterwards */
        const char *message; /* part of err.message, or NULL */
    } cases[] = {
        {"Merhaba {{adi}}!", DS_OK, "Merhaba Ayşe!", NULL},
        {"Merhaba {{ adi }}!", DS_OK, "Merhaba Ayşe!", NULL},
        {"{{adi}}{{adi}}", DS_OK, "AyşeAyşe", NULL},
        {"düz metin", DS_OK, "düz metin", NULL},
        {"", DS_OK, "", NULL},
        {"tek { ve }} kapanış", DS_OK, "tek { ve }} kapanış", NULL},
        {"{{}}", DS_OK, "<empty>", NULL},
        {"a {{soyadi}} b", DS_ENOTFOUND, "a ", "{{soyadi}}"},
        {"a {{ yok.bu }} b", DS_ENOTFOUND, "a ", "{{yok.bu}}"},
        {"Merhaba {{adi", DS_EINPUT, "Merhaba ", "\"{{\""},
        {"{{adi}} ve {{", DS_EINPUT, "Ayşe ve ", "\"{{\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_CONTEXT(cases[i].tpl);
        ds_buf out;
        ds_buf_init(&out);
        ds_error err;
        memset(&err, 0, sizeof err);
        int calls = 0;
        CHECK_STATUS(tpl_render(cases[i].tpl, test_lookup, &calls, &out, &err), cases[i].st);
        CHECK_EQ_STR(out.data ? out.data : "", cases[i].out);
        if (cases[i].st != DS_OK)
            CHECK_STATUS(err.status, cases[i].st);
        if (cases[i].message)
            CHECK_MSG(strstr(err.message, cases[i].message) != NULL, "message \"%s\"", err.message);
        /* NULL err is allowed */
        ds_buf_cleanup(&out);
        CHECK_STATUS(tpl_render(cases[i].tpl, test_lookup, &calls, &out, NULL), cases[i].st);
        ds_buf_cleanup(&out);
    }
    CHECK_CONTEXT("");
}

/* "topics": each topic's words are a list of the words map, folded like
 * keywords; its answer renders with shop facts; {{iyi_dilek}} renders in
 * answers without a dialogue (as in the daytime: here no message, so empty). */
static void test_topics(void)
{
    kb_base *kb = NULL;
    ds_error err;
    CHECK_STATUS(kb_load_dir(KB_DATA "/valid/topics", &kb, NULL, NULL, &err), DS_OK);
    if (!kb)
        return;
    const kb_intent *in = kb_intent_at(kb, (size_t)kb_intent_find(kb, "iade"));
    CHECK_EQ_INT(in->topic_count, 2);
    CHECK(kb_words_has(kb, in->topics[0].list, "sure"));
    CHECK(kb_words_has(kb, in->topics[0].list, "kac gun"));
    CHECK(kb_words_has(kb, in->topics[1].list, "kargo ucreti"));
    CHECK(!kb_words_has(kb, in->topics[1].list, "sure"));
    CHECK(!kb_words_has(kb, "yes", "sure")); /* a topic is no dialogue list */
    ds_buf out;
    ds_buf_init(&out);
    CHECK_STATUS(kb_render_text_with(kb, in->topics[0].answer, NULL, NULL, &out, NULL), DS_OK);
    CHECK_EQ_STR(out.data, "İade süresi 14 gün.");
    ds_buf_cleanup(&out);
    ds_buf_init(&out);
    CHECK_STATUS(kb_render_answer(kb, in, 0, &out, NULL), DS_OK);
    CHECK_EQ_STR(out.data, "İade 14 gün içinde; kargo ücretsiz. !");
    ds_buf_cleanup(&out);
    kb_free(kb);
}

int main(void)
{
    test_data_dirs();
    test_missing_dir();
    test_shop_lookup();
    test_topics();
    test_tpl();
    return CHECK_MAIN_RESULT();
}
