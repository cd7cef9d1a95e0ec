/* SPDX-License-Identifier: MIT */
/* Measures destek's suffix-chain matching against Debian's Snowball Turkish
 * stemmer on labelled (token, keyword) pairs: does the token count as the
 * keyword? Prints agreement for each method. A measurement tool, not a test.
 * usage: stemcompare PAIRS.tsv KB_DIR */
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "match.h"
#include "nlp.h"

static char *skeleton(const nlp_lexicon *lx, nlp_text *t, const char *s)
{
    if (nlp_normalise(lx, s, strlen(s), t, NULL) != DS_OK)
        return strdup("");
    return strdup(nlp_text_skeleton(t));
}

static char *folded_stem(struct sb_stemmer *st, nlp_text *t, const char *s)
{
    if (nlp_normalise(NULL, s, strlen(s), t, NULL) != DS_OK)
        return strdup("");
    const char *f = nlp_text_folded(t);
    const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)f, (int)strlen(f));
    return strdup(r ? (const char *)r : "");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: stemcompare PAIRS.tsv KB_DIR\n");
        return 2;
    }
    kb_base *kb;
    match_engine *me;
    if (kb_load_dir(argv[2], &kb, NULL, NULL, NULL) || match_engine_new(kb, &me, NULL)) {
        fprintf(stderr, "stemcompare: cannot load %s\n", argv[2]);
        return 1;
    }
    struct sb_stemmer *st = sb_stemmer_new("turkish", "UTF_8");
    nlp_text *t = nlp_text_new();
    FILE *f = fopen(argv[1], "r");
    if (!st || !t || !f) {
        fprintf(stderr, "stemcompare: set-up failed\n");
        return 1;
    }
    char line[512];
    int n = 0, ours_ok = 0, snow_ok = 0, skipped = 0;
    printf("%-16s %-10s %6s %6s %8s\n", "token", "keyword", "want", "destek", "snowball");
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *tok = strtok(line, "\t"), *kw = strtok(NULL, "\t"), *want_s = strtok(NULL, "\t");
        if (!tok || !kw || !want_s)
            continue;
        int want = atoi(want_s);
        char *ts = skeleton(kb_lexicon(kb), t, tok), *ks = skeleton(NULL, t, kw);
        match_how how;
        int ours = match_engine_word_matches(me, ts, ks, &how);
        if (!ours && !match_engine_word_matches(me, ks, ks, &how)) {
            skipped++; /* the keyword is not a word of this kb */
            free(ts);
            free(ks);
            continue;
        }
        char *a = folded_stem(st, t, tok), *b = folded_stem(st, t, kw);
        int snow = strcmp(a, b) == 0;
        n++;
        ours_ok += ours == want;
        snow_ok += snow == want;
        printf("%-16s %-10s %6d %6d%s %8d%s\n", tok, kw, want, ours, ours == want ? " " : "!", snow,
               snow == want ? " " : "!");
        free(a);
        free(b);
        free(ts);
        free(ks);
    }
    printf("\n%d pairs (%d skipped: keyword not in the kb)\n", n, skipped);
    printf("destek suffix chains: %d/%d right (%.1f%%)\n", ours_ok, n, 100.0 * ours_ok / n);
    printf("snowball turkish:     %d/%d right (%.1f%%)\n", snow_ok, n, 100.0 * snow_ok / n);
    fclose(f);
    nlp_text_free(t);
    sb_stemmer_delete(st);
    match_engine_free(me);
    kb_free(kb);
    return 0;
}
