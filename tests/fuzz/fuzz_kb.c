/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as a knowledge-base file. The input goes into
 * a temporary KB directory beside fixed valid files: as lexicon.json when it
 * mentions "suffixes", as shop.json when it mentions neither "suffixes" nor
 * "intents", else as an intents file. The loader must give DS_OK or DS_EKB
 * with sane positions; a KB that loads must build a matcher, classify its
 * examples and render its answers. The JSON-path locator runs on the input
 * when jansson accepts it (its contract: text the loader has parsed). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ds.h"
#include "fuzz_check.h"
#include "kb.h"
#include "kb_locate.h"
#include "match.h"
#include "nlp.h"

static char dir[64];

static const char lexicon[] =
    "{\"shorthand\": {\"slm\": \"selam\"}, \"suffixes\": [\"m\", \"im\", \"e\", \"i\"],\n"
    " \"concepts\": {\"nerede\": [\"nerede\", \"hani\"]}}\n";
static const char shop[] = "{\"name\": \"Dükkan\", \"returns\": {\"window_days\": 14,"
                           " \"list\": [\"a\", \"b\", \"c\"], \"ok\": true}}\n";
static const char intents[] =
    "{\"intents\": [\n"
    " {\"id\": \"kargo\", \"title\": \"Kargo\", \"keywords\": {\"kargo\": 2, \"@nerede\": 1},\n"
    "  \"answers\": [\"{{name}}: {{returns.window_days}} gün, {{returns.list}}\"]},\n"
    " {\"id\": \"fallback\", \"title\": \"?\", \"keywords\": {}, \"answers\": [\"?\"]}]}\n";

static void put_file(const char *name, const void *data, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f);
    FUZZ_ASSERT(fwrite(data, 1, len, f) == len || len == 0);
    FUZZ_ASSERT(fclose(f) == 0);
}

static void remove_dir(void)
{
    static const char *const names[] = {"lexicon.json", "shop.json", "intents.json",
                                        "zz_fuzz.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void setup(void)
{
    if (dir[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%.40s/destek-fuzz-kb-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    FUZZ_ASSERT(mkdtemp(dir));
    atexit(remove_dir);
}

static int errors_seen;

static void diag(void *ctx, int is_error, const ds_error *where)
{
    (void)ctx;
    errors_seen += is_error;
    FUZZ_ASSERT(where->status == DS_EKB);
    FUZZ_ASSERT(where->line >= 0 && where->column >= 0);
    FUZZ_ASSERT(memchr(where->file, '\0', sizeof where->file));
    FUZZ_ASSERT(memchr(where->message, '\0', sizeof where->message));
    char buf[1024];
    ds_error_format(where, buf, sizeof buf);
    FUZZ_ASSERT(strlen(buf) < sizeof buf);
}

static void use_kb(kb_base *kb)
{
    match_engine *me = NULL;
    FUZZ_ASSERT(match_engine_new(kb, &me, NULL) == DS_OK);
    match_result *r = match_result_new(me);
    nlp_text *t = nlp_text_new();
    FUZZ_ASSERT(r && t);
    FUZZ_ASSERT(kb_intent_find(kb, "fallback") >= 0);
    for (size_t i = 0; i < kb_intent_count(kb); i++) {
        const kb_intent *in = kb_intent_at(kb, i);
        FUZZ_ASSERT(in->id && in->title && in->answer_count >= 1);
        for (size_t e = 0; e < in->example_count; e++) {
            const char *x = in->examples[e];
            if (nlp_normalise(kb_lexicon(kb), x, strlen(x), t, NULL) == DS_OK)
                FUZZ_ASSERT(match_classify(me, t, r) == DS_OK);
        }
        for (size_t a = 0; a < in->answer_count; a++) {
            ds_buf out;
            ds_buf_init(&out);
            FUZZ_ASSERT(kb_render_answer(kb, in, a, &out, NULL) == DS_OK);
            ds_buf_cleanup(&out);
        }
    }
    nlp_text_free(t);
    match_result_free(r);
    match_engine_free(me);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    setup();
    const char *text = (const char *)data;

    /* the locator, on JSON the loader would have parsed */
    json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, NULL);
    if (root) {
        static const char *const paths[] = {
            "intents[0].patterns[1].re", "intents", "a.b[2].c", "[0]",
            "intents[99999999999]",      "x[",      ""};
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            int line = -1, col = -1;
            int found = kb__locate(text, size, paths[i], &line, &col);
            FUZZ_ASSERT(found >= 0 && line >= 1 && col >= 1);
            if (i == 1 && json_is_object(root) && json_object_get(root, "intents"))
                FUZZ_ASSERT(found == 1);
        }
        json_decref(root);
    }

    /* the loader */
    int is_lexicon = memmem(data, size, "\"suffixes\"", 10) != NULL;
    int is_intents = !is_lexicon && memmem(data, size, "\"intents\"", 9) != NULL;
    put_file("lexicon.json", is_lexicon ? (const void *)data : lexicon,
             is_lexicon ? size : sizeof lexicon - 1);
    put_file("shop.json", !is_lexicon && !is_intents ? (const void *)data : shop,
             !is_lexicon && !is_intents ? size : sizeof shop - 1);
    put_file("intents.json", intents, sizeof intents - 1);
    put_file("zz_fuzz.json", is_intents ? (const void *)data : "{\"intents\": []}",
             is_intents ? size : 15);
    kb_base *kb = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    errors_seen = 0;
    ds_status st = kb_load_dir(dir, &kb, diag, NULL, &err);
    if (st == DS_OK) {
        FUZZ_ASSERT(kb && errors_seen == 0);
        use_kb(kb);
        kb_free(kb);
    } else {
        FUZZ_ASSERT(st == DS_EKB && err.status == DS_EKB && kb == NULL && errors_seen >= 1);
    }
    return 0;
}
