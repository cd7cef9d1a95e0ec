/* SPDX-License-Identifier: MIT */
/* `destek classify`: stdin lines -> one JSON object per line (CONTRACT.md).
 * Written with the server's JSON writer into one buffer that goes out in
 * large writes: building a jansson tree per line cost more than the
 * classification itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ds_json.h"

#define CLASSIFY_FLUSH_AT (64 * 1024)

static double round3(double v)
{
    return floor(v * 1000.0 + 0.5) / 1000.0;
}

/* The line's object, as jansson wrote it before (JSON_REAL_PRECISION(6)):
 * the text (bytes that are not UTF-8 as U+FFFD), then the result or the
 * error. */
static void write_result(ds_buf *out, cli_engine *e, const char *line, size_t len, ds_status st,
                         const ds_error *err)
{
    ds_json w;
    ds_json_init(&w, out);
    ds_json_object(&w);
    ds_json_key(&w, "text");
    ds_json_stringn(&w, line, len);
    if (st != DS_OK) {
        ds_json_pair(&w, "error", err->message);
        ds_json_end(&w);
        return;
    }
    ds_json_pair(&w, "intent", match_result_intent(e->res));
    ds_json_key(&w, "confidence");
    ds_json_real_digits(&w, round3(match_result_confidence(e->res)), 6);
    if (match_result_clarify(e->res)) {
        ds_json_key(&w, "clarify");
        ds_json_bool(&w, 1);
    }
    if (nlp_text_truncated(e->text)) {
        ds_json_key(&w, "truncated");
        ds_json_bool(&w, 1);
    }
    ds_json_key(&w, "candidates");
    ds_json_array(&w);
    for (size_t i = 0; i < match_result_candidate_count(e->res); i++) {
        const match_candidate *c = match_result_candidate(e->res, i);
        ds_json_object(&w);
        ds_json_pair(&w, "intent", c->id);
        ds_json_key(&w, "score");
        ds_json_real_digits(&w, round3(c->score), 6);
        ds_json_end(&w);
    }
    ds_json_end(&w);
    ds_json_key(&w, "entities");
    ds_json_array(&w);
    for (size_t i = 0; i < nlp_text_entity_count(e->text); i++) {
        const nlp_entity *en = nlp_text_entity(e->text, i);
        ds_json_object(&w);
        ds_json_pair(&w, "type", nlp_entity_kind_str(en->kind));
        ds_json_pair(&w, "value", en->value);
        ds_json_end(&w);
    }
    ds_json_end(&w);
    ds_json_end(&w);
}

static int flush(ds_buf *out)
{
    int ok = !out->failed && fwrite(out->data, 1, out->len, stdout) == out->len;
    out->len = 0;
    return ok;
}

int cmd_classify(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    long n;
    int rc = 0;
    ds_buf out;
    ds_buf_init(&out);
    while (rc == 0 && (n = cli_getline(&line, &cap, stdin)) >= 0) {
        ds_error err;
        ds_status st = cli_engine_classify(&e, line, (size_t)n, &err);
        write_result(&out, &e, line, (size_t)n, st, &err);
        ds_buf_append(&out, "\n", 1);
        if (out.len >= CLASSIFY_FLUSH_AT && !flush(&out))
            rc = 1;
    }
    if (rc == 0 && out.len && !flush(&out))
        rc = 1;
    if (fflush(stdout) != 0)
        rc = 1;
    if (rc)
        fprintf(stderr, "destek classify: %s\n",
                out.failed ? "out of memory" : "cannot write the results");
    ds_buf_cleanup(&out);
    free(line);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return rc;
}
