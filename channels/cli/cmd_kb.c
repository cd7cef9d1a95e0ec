/* SPDX-License-Identifier: MIT */
/* `destek kb test FILE.tsv` (scores the KB on a labelled set) and
 * `destek kb lint` (loads it, then checks that examples classify as their
 * own intent). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dlg.h"
#include "hours.h"

typedef struct counts {
    int tp, fp, fn, support;
} counts;

typedef struct confusion {
    int gold, pred, count;
    char *example;
} confusion;

typedef struct scorer {
    cli_engine *e;
    size_t n_ids; /* kb intents + 1 for a fallback the kb lacks */
    counts *c;
    confusion *conf;
    size_t conf_count, conf_cap;
    int total, correct, clarify;
} scorer;

/* Index of an intent id in the scorer's table; the kb's own, or n_ids - 1. */
static int id_index(const scorer *s, const char *id)
{
    int i = kb_intent_find(s->e->kb, id);
    if (i >= 0)
        return i;
    return strcmp(id, "fallback") == 0 ? (int)s->n_ids - 1 : -1;
}

static const char *id_name(const scorer *s, int i)
{
    return i < (int)kb_intent_count(s->e->kb) ? kb_intent_at(s->e->kb, (size_t)i)->id : "fallback";
}

static void note_confusion(scorer *s, int gold, int pred, const char *text)
{
    for (size_t i = 0; i < s->conf_count; i++)
        if (s->conf[i].gold == gold && s->conf[i].pred == pred) {
            s->conf[i].count++;
            return;
        }
    if (s->conf_count == s->conf_cap) {
        size_t ncap = s->conf_cap ? s->conf_cap * 2 : 32;
        confusion *nc = ds_realloc(s->conf, ncap * sizeof *nc);
        if (!nc)
            return;
        s->conf = nc;
        s->conf_cap = ncap;
    }
    s->conf[s->conf_count++] = (confusion){gold, pred, 1, ds_strdup(text)};
}

/* Scores one labelled line; labels "a|b" accept either. */
static void score_line(scorer *s, const char *text, char *labels, int lineno, const char *file)
{
    ds_error err;
    if (cli_engine_classify(s->e, text, strlen(text), &err) != DS_OK) {
        fprintf(stderr, "%s:%d: %s\n", file, lineno, err.message);
        return;
    }
    const char *pred_id = match_result_intent(s->e->res);
    int pred = id_index(s, pred_id);
    int gold = -1, hit = 0;
    for (char *tok = strtok(labels, "|"); tok; tok = strtok(NULL, "|")) {
        int g = id_index(s, tok);
        if (g < 0) {
            fprintf(stderr, "%s:%d: unknown intent \"%s\" (not in the knowledge base)\n", file,
                    lineno, tok);
            continue;
        }
        if (gold < 0)
            gold = g;
        if (g == pred) {
            gold = g;
            hit = 1;
        }
    }
    if (gold < 0)
        return;
    s->total++;
    s->clarify += match_result_clarify(s->e->res);
    s->c[gold].support++;
    if (hit) {
        s->correct++;
        s->c[gold].tp++;
        return;
    }
    s->c[gold].fn++;
    if (pred >= 0)
        s->c[pred].fp++;
    note_confusion(s, gold, pred, text);
}

static int conf_cmp(const void *a, const void *b)
{
    const confusion *x = a, *y = b;
    return y->count - x->count;
}

static double f1_of(const counts *c, double *p, double *r)
{
    *p = c->tp + c->fp ? (double)c->tp / (c->tp + c->fp) : 0;
    *r = c->tp + c->fn ? (double)c->tp / (c->tp + c->fn) : 0;
    return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

static double report(const scorer *s, const char *file)
{
    printf("evaluated %d labelled messages from %s\n\n", s->total, file);
    printf("%-20s %9s %7s %7s %8s\n", "intent", "precision", "recall", "F1", "support");
    double f1_sum = 0;
    int classes = 0;
    for (size_t i = 0; i < s->n_ids; i++) {
        const counts *c = &s->c[i];
        if (!c->support && !c->fp)
            continue;
        double p, r, f1 = f1_of(c, &p, &r);
        if (c->support) {
            f1_sum += f1;
            classes++;
        }
        printf("%-20s %9.3f %7.3f %7.3f %8d\n", id_name(s, (int)i), p, r, f1, c->support);
    }
    if (s->conf_count)
        qsort(s->conf, s->conf_count, sizeof *s->conf, conf_cmp);
    printf("\nmost frequent confusions (expected -> got):\n");
    if (!s->conf_count)
        printf("  none\n");
    for (size_t i = 0; i < s->conf_count && i < 15; i++)
        printf("  %3d  %s -> %s   e.g. \"%s\"\n", s->conf[i].count, id_name(s, s->conf[i].gold),
               id_name(s, s->conf[i].pred), s->conf[i].example ? s->conf[i].example : "");
    double acc = s->total ? (double)s->correct / s->total : 0;
    printf("\nclarifying questions: %d\n", s->clarify);
    printf("macro-F1: %.3f\n", classes ? f1_sum / classes : 0);
    printf("accuracy: %.3f\n", acc);
    return acc;
}

/* The regression set of what supervisors taught (each intent's "taught"):
 * every message must still be answered as taught. */
static void taught_check(cli_engine *e)
{
    size_t n = 0, ok = 0;
    for (size_t i = 0; i < kb_intent_count(e->kb); i++) {
        const kb_intent *in = kb_intent_at(e->kb, i);
        for (size_t k = 0; k < in->taught_count; k++) {
            n++;
            const char *t = in->taught[k];
            if (cli_engine_classify(e, t, strlen(t), NULL) != DS_OK)
                continue;
            const char *got =
                match_result_is_fallback(e->res) ? "fallback" : match_result_intent(e->res);
            if (strcmp(got, in->id) == 0)
                ok++;
            else
                printf("taught to %s, now %s: \"%s\"\n", in->id, got, t);
        }
    }
    if (n)
        printf("taught by review: %zu of %zu answered as taught\n", ok, n);
}

static int kb_test(cli_engine *e, const cli_opts *o)
{
    if (o->arg_count < 2) {
        fprintf(stderr, "usage: destek kb test FILE.tsv [--kb DIR] [--min ACCURACY]\n");
        return 2;
    }
    const char *file = o->args[1];
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return 1;
    }
    scorer s;
    memset(&s, 0, sizeof s);
    s.e = e;
    s.n_ids = kb_intent_count(e->kb) + 1;
    s.c = ds_calloc(s.n_ids, sizeof *s.c);
    if (!s.c) {
        fclose(f);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    long n;
    int lineno = 0;
    while ((n = cli_getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n == 0 || line[0] == '#')
            continue;
        char *tab = strrchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "%s:%d: expected utterance<TAB>intent\n", file, lineno);
            continue;
        }
        *tab = '\0';
        score_line(&s, line, tab + 1, lineno, file);
    }
    free(line);
    fclose(f);
    taught_check(e);
    double acc = report(&s, file);
    for (size_t i = 0; i < s.conf_count; i++)
        ds_free(s.conf[i].example);
    ds_free(s.conf);
    ds_free(s.c);
    if (o->min > 0 && acc < o->min) {
        fprintf(stderr, "destek: accuracy %.3f is below the floor %.3f\n", acc, o->min);
        return 1;
    }
    return 0;
}

static void print_diag(void *ctx, int is_error, const ds_error *e)
{
    (void)ctx;
    char buf[1200];
    ds_error_format(e, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", is_error ? "error" : "warning", buf);
}

static int kb_lint(cli_engine *e)
{
    size_t kw = 0, pat = 0, ex = 0, weak = 0;
    int dialogue_problems =
        dlg_check_kb(e->kb, print_diag, NULL) + hours_check(e->kb, print_diag, NULL);
    for (size_t i = 0; i < kb_intent_count(e->kb); i++) {
        const kb_intent *in = kb_intent_at(e->kb, i);
        kw += in->keyword_count;
        pat += in->pattern_count;
        for (size_t k = 0; k < in->example_count; k++) {
            ex++;
            const char *x = in->examples[k];
            if (cli_engine_classify(e, x, strlen(x), NULL) != DS_OK)
                continue;
            const char *got = match_result_intent(e->res);
            if (strcmp(got, in->id) == 0)
                continue;
            weak++;
            printf("warning: %s: %s.examples[%zu] \"%s\" is classified as %s (%.2f)\n", in->file,
                   in->id, k, x, got, match_result_confidence(e->res));
        }
    }
    printf("%zu intents, %zu keywords, %zu patterns, %zu examples (%zu not recognised), "
           "%zu concepts, %zu shorthands, %zu suffixes\n",
           kb_intent_count(e->kb), kw, pat, ex, weak, kb_concept_count(e->kb),
           nlp_lexicon_shorthand_count(kb_lexicon(e->kb)),
           nlp_lexicon_suffix_count(kb_lexicon(e->kb)));
    printf("%zu dialogue messages\n", kb_message_count(e->kb));
    return dialogue_problems ? 1 : 0;
}

/* The flows of the dialogue, the steps each waits on and the intents of
 * this KB that start it. */
static int kb_flows(cli_engine *e)
{
    for (size_t i = 0; i < dlg_flow_count(); i++) {
        dlg_flow_info f;
        dlg_flow_at(i, &f);
        printf("%-14s waits on:", f.name);
        int n = 0;
        if (f.needs_order)
            printf(" order, identity"), n = 2;
        for (const char *const *s = f.steps; s && *s; s++)
            printf("%s %s", n++ ? "," : "", *s);
        printf("%s%s\n", n ? "" : " nothing (answers at once)",
               f.aside ? "; aside: the flow in progress stays" : "");
        printf("%14s started by:", "");
        int any = 0;
        for (size_t k = 0; k < kb_intent_count(e->kb); k++) {
            const kb_intent *in = kb_intent_at(e->kb, k);
            if (in->flow && strcmp(in->flow, f.name) == 0)
                printf(" %s", in->id), any = 1;
        }
        printf("%s\n", any          ? ""
                       : f.internal ? " the dialogue (after hours, when people must take over)"
                                    : " no intent");
    }
    return 0;
}

int cmd_kb(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    const char *sub = o.arg_count ? o.args[0] : "";
    if (strcmp(sub, "test") && strcmp(sub, "lint") && strcmp(sub, "flows")) {
        fprintf(stderr, "usage: destek kb test FILE.tsv [--kb DIR] | destek kb lint [--kb DIR]"
                        " | destek kb flows [--kb DIR]\n");
        cli_opts_free(&o);
        return 2;
    }
    if (cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        cli_opts_free(&o);
        return 1;
    }
    int rc = strcmp(sub, "test") == 0    ? kb_test(&e, &o)
             : strcmp(sub, "flows") == 0 ? kb_flows(&e)
                                         : kb_lint(&e);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return rc;
}
