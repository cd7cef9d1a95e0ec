/* SPDX-License-Identifier: MIT */
/* `destek bench`: throughput (median of several runs) and per-message
 * latency of normalise + classify over a labelled or plain message file, on
 * one thread. A benchmark prints figures; it never fails on them. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct corpus {
    char **text;
    size_t *len; /* of each text, so that the timed loops measure only the engine */
    char **label;
    size_t count;
} corpus;

static int load_corpus(const char *file, corpus *c)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    long n;
    while ((n = cli_getline(&line, &cap, f)) >= 0) {
        if (n == 0 || line[0] == '#')
            continue;
        if (c->count == alloc) {
            alloc = alloc ? alloc * 2 : 256;
            char **nt = ds_realloc(c->text, alloc * sizeof *nt);
            if (!nt)
                break;
            c->text = nt;
            char **nl = ds_realloc(c->label, alloc * sizeof *nl);
            if (!nl)
                break;
            c->label = nl;
            size_t *nn = ds_realloc(c->len, alloc * sizeof *nn);
            if (!nn)
                break;
            c->len = nn;
        }
        char *tab = strchr(line, '\t');
        c->label[c->count] = tab ? ds_strdup(tab + 1) : NULL;
        if (tab)
            *tab = '\0';
        c->len[c->count] = strlen(line);
        c->text[c->count++] = ds_strdup(line);
    }
    free(line);
    fclose(f);
    return c->count ? 0 : -1;
}

static void free_corpus(corpus *c)
{
    for (size_t i = 0; i < c->count; i++) {
        ds_free(c->text[i]);
        ds_free(c->label[i]);
    }
    ds_free(c->text);
    ds_free(c->len);
    ds_free(c->label);
}

static const char *default_eval(void)
{
    static const char *const paths[] = {"../shared/eval/dev.tsv",
                                        DESTEK_SOURCE_KB "/../../shared/eval/dev.tsv"};
    struct stat st;
    for (size_t i = 0; i < 2; i++)
        if (stat(paths[i], &st) == 0)
            return paths[i];
    return paths[0];
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

int cmd_bench(int argc, char **argv)
{
    cli_opts o;
    cli_engine e;
    corpus c = {0};
    if (cli_parse(argc, argv, 2, &o) != 0)
        return 2;
    if (o.dialogue) {
        int rc = cli_engine_open(&e, cli_kb_dir(&o)) != 0 ? 1 : cmd_bench_dialogue(&o, &e);
        if (e.kb)
            cli_engine_close(&e);
        cli_opts_free(&o);
        return rc;
    }
    const char *eval = o.eval ? o.eval : default_eval();
    if (load_corpus(eval, &c) != 0 || cli_engine_open(&e, cli_kb_dir(&o)) != 0) {
        fprintf(stderr, "destek bench: cannot load %s or the knowledge base\n", eval);
        free_corpus(&c);
        cli_opts_free(&o);
        return 1;
    }
    size_t labelled = 0, correct = 0;
    for (size_t i = 0; i < c.count; i++) {
        cli_engine_classify(&e, c.text[i], c.len[i], NULL);
        if (c.label[i]) {
            labelled++;
            correct += accepts(c.label[i], match_result_intent(e.res));
        }
    }
    /* throughput: each run repeats the corpus for seconds/runs */
    double *rates = ds_calloc((size_t)o.runs, sizeof *rates);
    double per_run = o.seconds / o.runs;
    for (int r = 0; r < o.runs && rates; r++) {
        size_t done = 0;
        double t0 = now_s(), t;
        do {
            for (size_t i = 0; i < c.count; i++)
                cli_engine_classify(&e, c.text[i], c.len[i], NULL);
            done += c.count;
        } while ((t = now_s()) - t0 < per_run);
        rates[r] = done / (t - t0);
    }
    /* latency: every message timed on its own */
    size_t reps = c.count < 2000 ? 2000 / c.count + 1 : 1;
    size_t samples = reps * c.count;
    double *lat = ds_calloc(samples, sizeof *lat);
    for (size_t k = 0; k < samples && lat; k++) {
        size_t m = k % c.count;
        double t0 = now_s();
        cli_engine_classify(&e, c.text[m], c.len[m], NULL);
        lat[k] = (now_s() - t0) * 1e6;
    }
    if (!rates || !lat) {
        fprintf(stderr, "destek bench: out of memory\n");
        return 1;
    }
    qsort(rates, (size_t)o.runs, sizeof *rates, cmp_double);
    qsort(lat, samples, sizeof *lat, cmp_double);
    double median = rates[o.runs / 2];
    double p50 = lat[samples / 2], p99 = lat[(size_t)(samples * 0.99)];
    size_t intents = kb_intent_count(e.kb), patterns = 0;
    for (size_t i = 0; i < intents; i++)
        patterns += kb_intent_at(e.kb, i)->pattern_count;
    double acc = labelled ? (double)correct / labelled : -1;
    if (o.json) {
        printf("{\"engine\":\"destek\",\"kb\":\"%s\",\"intents\":%zu,\"patterns\":%zu,"
               "\"messages\":%zu,\"accuracy\":%.4f,\"msgs_per_s\":%.0f,\"p50_us\":%.2f,"
               "\"p99_us\":%.2f,\"runs\":%d}\n",
               kb_dir(e.kb), intents, patterns, c.count, acc, median, p50, p99, o.runs);
    } else {
        printf("knowledge base: %s (%zu intents, %zu patterns, %zu terms, %zu features)\n",
               kb_dir(e.kb), intents, patterns, match_engine_term_count(e.me),
               match_engine_feature_count(e.me));
        printf("messages:       %zu from %s\n", c.count, eval);
        if (acc >= 0)
            printf("accuracy:       %.3f\n", acc);
        printf("throughput:     %.0f messages/s (median of %d runs; min %.0f, max %.0f)\n", median,
               o.runs, rates[0], rates[o.runs - 1]);
        printf("latency:        p50 %.2f us, p99 %.2f us (%zu timed messages)\n", p50, p99,
               samples);
    }
    ds_free(rates);
    ds_free(lat);
    free_corpus(&c);
    cli_engine_close(&e);
    cli_opts_free(&o);
    return 0;
}
