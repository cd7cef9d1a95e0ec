/* SPDX-License-Identifier: MIT */
/* `destek classify`: stdin lines -> one JSON object per line (CONTRACT.md). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static double round3(double v)
{
    return floor(v * 1000.0 + 0.5) / 1000.0;
}

static json_t *result_json(cli_engine *e, const char *line, size_t len, ds_status st,
                           const ds_error *err)
{
    char *text = cli_utf8_lossy(line, len);
    json_t *o = json_object();
    json_object_set_new(o, "text", json_string(text ? text : ""));
    ds_free(text);
    if (st != DS_OK) {
        json_object_set_new(o, "error", json_string(err->message));
        return o;
    }
    json_object_set_new(o, "intent", json_string(match_result_intent(e->res)));
    json_object_set_new(o, "confidence", json_real(round3(match_result_confidence(e->res))));
    if (match_result_clarify(e->res))
        json_object_set_new(o, "clarify", json_true());
    if (nlp_text_truncated(e->text))
        json_object_set_new(o, "truncated", json_true());
    json_t *cands = json_array();
    for (size_t i = 0; i < match_result_candidate_count(e->res); i++) {
        const match_candidate *c = match_result_candidate(e->res, i);
        json_array_append_new(cands,
                              json_pack("{s:s,s:f}", "intent", c->id, "score", round3(c->score)));
    }
    json_object_set_new(o, "candidates", cands);
    json_t *ents = json_array();
    for (size_t i = 0; i < nlp_text_entity_count(e->text); i++) {
        const nlp_entity *en = nlp_text_entity(e->text, i);
        json_array_append_new(ents, json_pack("{s:s,s:s}", "type", nlp_entity_kind_str(en->kind),
                                              "value", en->value));
    }
    json_object_set_new(o, "entities", ents);
    return o;
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
    while ((n = cli_getline(&line, &cap, stdin)) >= 0) {
        ds_error err;
        ds_status st = cli_engine_classify(&e, line, (size_t)n, &err);
        json_t *o_json = result_json(&e, line, (size_t)n, st, &err);
        char *s = json_dumps(o_json, JSON_COMPACT | JSON_REAL_PRECISION(6));
        if (s)
            puts(s);
        ds_free(s);
        json_decref(o_json);
    }
    fflush(stdout);
    free(line);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return 0;
}
