/* SPDX-License-Identifier: MIT */
/* The pattern prefilter must be exact: whenever a pattern of the shipped
 * knowledge base matches a message, the message satisfies every clause the
 * prefilter requires (contains one of each clause's texts). Checked over
 * every message of the given files. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "match_int.h"

static int contains(const char *hay, const char *needle, size_t n)
{
    size_t len = strlen(hay);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    kb_base *kb;
    match_engine *me;
    if (argc < 3 || kb_load_dir(argv[1], &kb, NULL, NULL, NULL) != DS_OK ||
        match_engine_new(kb, &me, NULL) != DS_OK) {
        fprintf(stderr, "usage: test_prefilter KB_DIR FILE.tsv...\n");
        return 1;
    }
    nlp_text *t = nlp_text_new();
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t total = me->pat_off[me->intent_count], with_filter = 0, matches = 0;
    for (size_t p = 0; p < total; p++)
        with_filter += me->patterns[p].clause_count > 0;
    for (int f = 2; f < argc; f++) {
        FILE *in = fopen(argv[f], "r");
        char line[4096];
        while (in && fgets(line, sizeof line, in)) {
            line[strcspn(line, "\t\r\n")] = '\0';
            if (nlp_normalise(kb_lexicon(kb), line, strlen(line), t, NULL) != DS_OK)
                continue;
            const char *s = nlp_text_skeleton(t);
            for (size_t p = 0; p < total; p++) {
                const m_pattern *mp = &me->patterns[p];
                if (pcre2_match(mp->code, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) < 0)
                    continue;
                matches++;
                for (uint32_t c = 0; c < mp->clause_count; c++) {
                    const m_clause *cl = &me->clauses[mp->clause_first + c];
                    int ok = 0;
                    for (uint32_t a = 0; a < cl->lit_count && !ok; a++) {
                        const m_lit *lit = &me->lits[me->clause_lits[cl->lit_first + a]];
                        ok = contains(s, me->lit_text + lit->off, lit->len);
                    }
                    CHECK_MSG(ok, "/%s/ matches \"%s\" but its prefilter clause %u rejects it",
                              mp->re, s, c);
                }
            }
        }
        if (in)
            fclose(in);
    }
    fprintf(stderr, "%zu patterns, %zu with a prefilter, %zu matches checked\n", total, with_filter,
            matches);
    CHECK(with_filter * 2 > total); /* the prefilter must cover most patterns to be worth it */
    CHECK(matches > 100);
    pcre2_match_data_free(md);
    nlp_text_free(t);
    match_engine_free(me);
    kb_free(kb);
    return CHECK_MAIN_RESULT();
}
