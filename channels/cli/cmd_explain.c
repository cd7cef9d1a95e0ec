/* SPDX-License-Identifier: MIT */
/* `destek explain "mesaj"`: every step of reading a message, for KB authors. */
#include <string.h>

#include "cli.h"

static void print_tokens(const nlp_text *t)
{
    static const char *const kinds[] = {"word", "number", "alnum", "email"};
    printf("tokens:     ");
    for (size_t i = 0; i < nlp_text_token_count(t); i++) {
        const nlp_token *tok = nlp_text_token(t, i);
        printf("%s%s", i ? " | " : "", tok->text);
        if (tok->kind != NLP_TOK_WORD || tok->expanded)
            printf(" (%s%s)", kinds[tok->kind], tok->expanded ? ", shorthand" : "");
    }
    printf("\n");
    if (nlp_text_entity_count(t)) {
        printf("entities:   ");
        for (size_t i = 0; i < nlp_text_entity_count(t); i++) {
            const nlp_entity *en = nlp_text_entity(t, i);
            printf("%s%s=%s", i ? ", " : "", nlp_entity_kind_str(en->kind), en->value);
        }
        printf("\n");
    }
}

static void print_candidate(const cli_engine *e, const match_candidate *c)
{
    const kb_intent *in = kb_intent_at(e->kb, c->intent);
    printf("  %-20s score %6.2f   (%s, %s)\n", c->id, c->score, in->title, in->file);
    for (size_t h = 0; h < match_result_hit_count(e->res); h++) {
        const match_hit *hit = match_result_hit(e->res, h);
        if (hit->intent != c->intent)
            continue;
        if (hit->how == MATCH_HOW_PATTERN)
            printf("      %+6.2f  pattern  /%s/\n", hit->weight, hit->rule);
        else if (hit->how == MATCH_HOW_MESSAGE)
            printf("      %+6.2f  message  %s\n", hit->weight, hit->rule);
        else
            printf("      %+6.2f  %-7s  %s  <- \"%s\"\n", hit->weight, match_how_str(hit->how),
                   hit->rule, nlp_text_token(e->text, hit->token)->text);
    }
}

static void print_decision(const cli_engine *e)
{
    const match_result *r = e->res;
    printf("\ndecision:   %s  (confidence %.3f)%s\n", match_result_intent(r),
           match_result_confidence(r),
           match_result_clarify(r) ? "  -> clarify: ask which one is meant" : "");
    if (match_result_is_fallback(r))
        printf("            below %.2f: the bot says it did not understand and offers help\n",
               MATCH_FALLBACK_BELOW);
    int idx = match_result_intent_index(r);
    if (idx < 0)
        return;
    ds_buf out;
    ds_buf_init(&out);
    if (kb_render_answer(e->kb, kb_intent_at(e->kb, (size_t)idx), 0, &out, NULL) == DS_OK)
        printf("answer:     %s\n", out.data);
    ds_buf_cleanup(&out);
}

int cmd_explain(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    if (o.arg_count < 1) {
        fprintf(stderr, "usage: destek explain \"mesaj\" [--kb DIR]\n");
        cli_opts_free(&o);
        return 2;
    }
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    int rc = 0;
    match_result_set_exhaustive(e.res, 1);
    for (int a = 0; a < o.arg_count; a++) {
        const char *msg = o.args[a];
        ds_error err;
        if (a)
            printf("\n");
        printf("message:    %s\n", msg);
        if (cli_engine_classify(&e, msg, strlen(msg), &err) != DS_OK) {
            printf("error:      %s\n", err.message);
            rc = 1;
            continue;
        }
        printf("folded:     %s\n", nlp_text_folded(e.text));
        printf("skeleton:   %s\n", nlp_text_skeleton(e.text));
        print_tokens(e.text);
        printf("candidates:\n");
        if (!match_result_candidate_count(e.res))
            printf("  (none: no keyword of any intent fired)\n");
        for (size_t i = 0; i < match_result_candidate_count(e.res); i++)
            print_candidate(&e, match_result_candidate(e.res, i));
        print_decision(&e);
    }
    cli_engine_close(&e);
    cli_opts_free(&o);
    return rc;
}
