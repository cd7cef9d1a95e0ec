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

/* v rounded to 3 decimals, as jansson wrote it (JSON_REAL_PRECISION(6)):
 * a score is a few thousandths, written from their count. */
static void put_score(ds_buf *out, double v)
{
    double t = floor(v * 1000.0 + 0.5);
    if (t >= 0 && t < 1e6)
        ds_json_put_milli(out, (long long)t, 6);
    else
        ds_json_put_real(out, t / 1000.0, 6);
}

#define PUT(out, lit) ds_buf_put(out, lit, sizeof lit - 1)

/* Every intent's id quoted and escaped once, inside the two places it goes:
 * segment 2i is `,"intent":"<id i>","confidence":`, segment 2i + 1
 * `,{"intent":"<id i>","score":` (without its comma for the first
 * candidate), segment k at text + off[k], off[k + 1] - off[k] bytes. */
typedef struct quoted_ids {
    ds_buf text;
    size_t *off;
    const char **id; /* borrowed from the kb: which strings are the intents' own */
    size_t count;
} quoted_ids;

static int quote_ids(quoted_ids *q, const kb_base *kb)
{
    q->count = kb_intent_count(kb);
    ds_buf_init(&q->text);
    q->off = ds_calloc(2 * q->count + 1, sizeof *q->off);
    q->id = ds_calloc(q->count + 1, sizeof *q->id);
    for (size_t i = 0; q->off && q->id && i < q->count; i++) {
        const char *id = q->id[i] = kb_intent_at(kb, i)->id;
        PUT(&q->text, ",\"intent\":");
        ds_json_put_string(&q->text, id, strlen(id));
        PUT(&q->text, ",\"confidence\":");
        q->off[2 * i + 1] = q->text.len;
        PUT(&q->text, ",{\"intent\":");
        ds_json_put_string(&q->text, id, strlen(id));
        PUT(&q->text, ",\"score\":");
        q->off[2 * i + 2] = q->text.len;
    }
    return q->off && q->id && !q->text.failed;
}

static void free_ids(quoted_ids *q)
{
    ds_buf_cleanup(&q->text);
    ds_free(q->off);
    ds_free(q->id);
}

/* `,"intent":<id>,"confidence":` for intent `index`, which the engine gave
 * as `id`: made once when it is that intent's own string, else made here. */
static void put_intent(ds_buf *out, const quoted_ids *q, size_t index, const char *id)
{
    if (index < q->count && q->id[index] == id) {
        ds_buf_put(out, q->text.data + q->off[2 * index],
                   q->off[2 * index + 1] - q->off[2 * index]);
        return;
    }
    PUT(out, ",\"intent\":");
    ds_json_put_string(out, id, strlen(id));
    PUT(out, ",\"confidence\":");
}

/* `{"intent":<id>,"score":`, after a comma unless first, likewise. */
static void put_candidate(ds_buf *out, const quoted_ids *q, size_t index, const char *id, int first)
{
    if (index < q->count && q->id[index] == id) {
        size_t at = q->off[2 * index + 1] + (first ? 1 : 0);
        ds_buf_put(out, q->text.data + at, q->off[2 * index + 2] - at);
        return;
    }
    if (first)
        PUT(out, "{\"intent\":");
    else
        PUT(out, ",{\"intent\":");
    ds_json_put_string(out, id, strlen(id));
    PUT(out, ",\"score\":");
}

/* The line's object and its newline, as jansson wrote it before
 * (JSON_REAL_PRECISION(6)): the text (bytes that are not UTF-8 as U+FFFD),
 * then the result or the error. The shape is fixed, so keys, commas and brackets are written as
 * they stand and only the values go through the JSON writer's forms. */
static void write_result(ds_buf *out, const quoted_ids *q, cli_engine *e, const char *line,
                         size_t len, ds_status st, const ds_error *err)
{
    PUT(out, "{\"text\":");
    if (st != DS_OK) {
        ds_json_put_string(out, line, len);
        PUT(out, ",\"error\":");
        ds_json_put_string(out, err->message, strlen(err->message));
        PUT(out, "}\n");
        return;
    }
    ds_json_put_utf8(out, line, len); /* nlp_normalise accepted it */
    put_intent(out, q, (size_t)match_result_intent_index(e->res), match_result_intent(e->res));
    put_score(out, match_result_confidence(e->res));
    if (match_result_clarify(e->res))
        PUT(out, ",\"clarify\":true");
    if (nlp_text_truncated(e->text))
        PUT(out, ",\"truncated\":true");
    PUT(out, ",\"candidates\":[");
    for (size_t i = 0; i < match_result_candidate_count(e->res); i++) {
        const match_candidate *c = match_result_candidate(e->res, i);
        put_candidate(out, q, c->intent, c->id, i == 0);
        put_score(out, c->score);
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
    PUT(out, "]}\n");
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
    quoted_ids ids;
    if (!quote_ids(&ids, e.kb)) {
        out.failed = 1;
        rc = 1;
    }
    while (rc == 0 && (n = cli_getline(&line, &cap, stdin)) >= 0) {
        ds_error err;
        ds_status st = cli_engine_classify(&e, line, (size_t)n, &err);
        write_result(&out, &ids, &e, line, (size_t)n, st, &err);
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
    free_ids(&ids);
    free(line);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return rc;
}
