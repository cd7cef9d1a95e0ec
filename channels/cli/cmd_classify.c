/* SPDX-License-Identifier: MIT */
/* `destek classify`: stdin lines -> one JSON object per line (CONTRACT.md).
 * Written with the server's JSON writer's forms into one buffer that goes
 * out in large writes: building a jansson tree per line cost more than the
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

/* ds_buf_append of a string literal. */
#define PUT(out, lit) ds_buf_append(out, lit, sizeof lit - 1)

/* The line's object, as jansson wrote it before (JSON_REAL_PRECISION(6)):
 * the text (bytes that are not UTF-8 as U+FFFD), then the result or the
 * error. The shape is fixed, so keys, commas and brackets are written as
 * they stand and only the values go through the JSON writer's forms. */
static void write_result(ds_buf *out, cli_engine *e, const char *line, size_t len, ds_status st,
                         const ds_error *err)
{
    PUT(out, "{\"text\":");
    ds_json_put_string(out, line, len);
    if (st != DS_OK) {
        PUT(out, ",\"error\":");
        ds_json_put_string(out, err->message, strlen(err->message));
        PUT(out, "}");
        return;
    }
    const char *intent = match_result_intent(e->res);
    PUT(out, ",\"intent\":");
    ds_json_put_string(out, intent, strlen(intent));
    PUT(out, ",\"confidence\":");
    ds_json_put_real(out, round3(match_result_confidence(e->res)), 6);
    if (match_result_clarify(e->res))
        PUT(out, ",\"clarify\":true");
    if (nlp_text_truncated(e->text))
        PUT(out, ",\"truncated\":true");
    PUT(out, ",\"candidates\":[");
    for (size_t i = 0; i < match_result_candidate_count(e->res); i++) {
        const match_candidate *c = match_result_candidate(e->res, i);
        if (i)
            PUT(out, ",");
        PUT(out, "{\"intent\":");
        ds_json_put_string(out, c->id, strlen(c->id));
        PUT(out, ",\"score\":");
        ds_json_put_real(out, round3(c->score), 6);
        PUT(out, "}");
    }
    PUT(out, "],\"entities\":[");
    for (size_t i = 0; i < nlp_text_entity_count(e->text); i++) {
        const nlp_entity *en = nlp_text_entity(e->text, i);
        const char *type = nlp_entity_kind_str(en->kind);
        if (i)
            PUT(out, ",");
        PUT(out, "{\"type\":");
        ds_json_put_string(out, type, strlen(type));
        PUT(out, ",\"value\":");
        ds_json_put_string(out, en->value, strlen(en->value));
        PUT(out, "}");
    }
    PUT(out, "]}");
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
        PUT(&out, "\n");
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
