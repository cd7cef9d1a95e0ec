/* SPDX-License-Identifier: MIT */
/* What text every match of a pattern must contain, read from the pattern
 * once at load: clauses of literal alternatives, all of which must hold, so
 * the matcher runs PCRE2 only on messages that have them. Conservative: any
 * doubt about a piece of the pattern means it requires nothing. */
#include "match_int.h"

#include <string.h>

/* One clause while reading a pattern: one of alt[0..count) is in every match. */
typedef struct clause {
    size_t count;
    size_t min_len;
    uint8_t len[MATCH_ALT_MAX];
    char alt[MATCH_ALT_MAX][MATCH_LITERAL_MAX];
} clause;

typedef struct clauses {
    size_t count;
    clause c[MATCH_CLAUSE_MAX];
} clauses;

/* A top-level group "(a|b|c)" of plain literals at re[i] == '(': fills g and
 * returns the index of its ')' when every match must contain one of them (no
 * nesting, classes, quantifiers inside, and no quantifier after it but '+');
 * returns 0 otherwise. */
static size_t plain_group(const char *re, size_t i, clause *g)
{
    size_t n = 0;
    char cur[MATCH_LITERAL_MAX];
    memset(g, 0, sizeof *g);
    g->min_len = MATCH_LITERAL_MAX;
    if (re[i + 1] == '?')
        return 0; /* (?: (?! (?= ... */
    for (size_t k = i + 1;; k++) {
        char c = re[k];
        if (c == '|' || c == ')') {
            if (n == 0 || g->count == MATCH_ALT_MAX)
                return 0; /* an empty alternative matches anywhere */
            memcpy(g->alt[g->count], cur, n);
            g->len[g->count++] = (uint8_t)n;
            if (n < g->min_len)
                g->min_len = n;
            n = 0;
            if (c == ')') {
                char q = re[k + 1];
                if (q == '?' || q == '*' || q == '{')
                    return 0;
                return k;
            }
            continue;
        }
        if (!c || strchr("([]?*+{}.^$\\", c) || n + 1 >= MATCH_LITERAL_MAX)
            return 0;
        cur[n++] = c;
    }
}

/* Keeps the most selective clauses: longest shortest alternative first, so
 * the first test is the one most likely to fail. */
static void keep(clauses *out, const clause *c)
{
    size_t pos = out->count;
    while (pos > 0 && out->c[pos - 1].min_len < c->min_len)
        pos--;
    if (pos >= MATCH_CLAUSE_MAX)
        return;
    size_t last = out->count < MATCH_CLAUSE_MAX ? out->count : MATCH_CLAUSE_MAX - 1;
    memmove(&out->c[pos + 1], &out->c[pos], (last - pos) * sizeof out->c[0]);
    out->c[pos] = *c;
    if (out->count < MATCH_CLAUSE_MAX)
        out->count++;
}

static void keep_run(clauses *out, const char *run, size_t n)
{
    if (n < 3)
        return; /* two letters are in most messages */
    clause c;
    memset(&c, 0, sizeof c);
    memcpy(c.alt[0], run, n);
    c.len[0] = (uint8_t)n;
    c.count = 1;
    c.min_len = n;
    keep(out, &c);
}

/* 1 when the pattern has what this reader does not follow: inline options
 * ("(?i)", "(?x)" change what letters mean) and escapes that take
 * arguments ("\x41", "\012", "\p{L}", "\Q...\E"). */
static int beyond_reader(const char *re)
{
    for (size_t i = 0; re[i]; i++) {
        if (re[i] == '\\' && re[i + 1]) {
            char e = re[++i];
            if (strchr("xocpPNgkQEu", e) || (e >= '0' && e <= '9'))
                return 1;
            continue;
        }
        if (re[i] == '(' && re[i + 1] == '?' && !strchr(":=!<>|", re[i + 2]))
            return 1;
    }
    return 0;
}

/* The index of the ']' closing the class that opens at re[i], or 0. A ']'
 * right after "[" or "[^" is a member, not the end. */
static size_t class_end(const char *re, size_t i)
{
    size_t k = i + 1;
    if (re[k] == '^')
        k++;
    if (re[k] == ']')
        k++;
    for (; re[k] && re[k] != ']'; k++)
        if (re[k] == '\\' && re[k + 1])
            k++;
    return re[k] ? k : 0;
}

/* The clauses every match of re must satisfy, from a scan of the pattern's
 * top level: each literal run and each group of plain alternatives not made
 * optional. None when the top level has an alternation. */
static void required_clauses(const char *re, clauses *out)
{
    char run[MATCH_LITERAL_MAX];
    size_t rn = 0;
    int depth = 0;
    clause group;
    out->count = 0;
    if (beyond_reader(re))
        return;
    for (size_t i = 0; re[i]; i++) {
        char c = re[i];
        if (depth > 0) {
            if (c == '\\' && re[i + 1]) {
                i++;
            } else if (c == '[') {
                if (!(i = class_end(re, i))) {
                    out->count = 0; /* unclosed: PCRE2 would not compile it */
                    return;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            continue;
        }
        if (c == '|') {
            out->count = 0;
            return;
        }
        if (c == '(') {
            keep_run(out, run, rn);
            rn = 0;
            size_t close = plain_group(re, i, &group);
            if (close) {
                if (group.min_len >= 2)
                    keep(out, &group);
                i = close;
            } else {
                depth++;
            }
        } else if (c == '[') {
            keep_run(out, run, rn);
            rn = 0;
            if (!(i = class_end(re, i)))
                break;
        } else if (c == '?' || c == '*' || c == '{') {
            if (rn)
                rn--; /* the quantified letter is optional */
            keep_run(out, run, rn);
            rn = 0;
            if (c == '{')
                while (re[i] && re[i] != '}')
                    i++;
            if (!re[i])
                break;
        } else if (c == '+' || c == '.' || c == '^' || c == '$' || c == ')') {
            keep_run(out, run, rn);
            rn = 0;
        } else if (c == '\\') {
            char n = re[i + 1];
            if (!n)
                break;
            i++;
            if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9')) {
                keep_run(out, run, rn); /* \b, \w, \d, \1 ...: not a literal */
                rn = 0;
            } else if (rn < sizeof run) {
                run[rn++] = n;
            }
        } else if (rn < sizeof run) {
            run[rn++] = c;
        } else {
            keep_run(out, run, rn);
            rn = 0;
        }
    }
    if (depth == 0)
        keep_run(out, run, rn);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem, int *oom)
{
    if (need <= *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    void *np = ds_realloc(p, ncap * elem);
    if (!np) {
        *oom = 1;
        return p;
    }
    *cap = ncap;
    return np;
}

/* The id of literal s[0..n), added once to the engine's table. */
static uint32_t intern(match_engine *me, match__prefilter_builder *pb, const char *s, size_t n)
{
    size_t id;
    if (ds_map_get(pb->ids, s, n, &id))
        return (uint32_t)id;
    me->lit_text = grow(me->lit_text, &pb->text_cap, pb->text_len + n + 1, 1, &pb->oom);
    me->lits = grow(me->lits, &pb->lit_cap, me->lit_count + 1, sizeof *me->lits, &pb->oom);
    if (pb->oom)
        return 0;
    memcpy(me->lit_text + pb->text_len, s, n);
    me->lit_text[pb->text_len + n] = '\0';
    const unsigned char *u = (const unsigned char *)s;
    unsigned first = MATCH_BIGRAM_ANY, last = MATCH_BIGRAM_ANY;
    if (n >= 2) {
        first = match__bigram_bit(u[0], u[1]);
        last = match__bigram_bit(u[n - 2], u[n - 1]);
    }
    me->lits[me->lit_count] =
        (m_lit){first | (uint32_t)last << 16, (uint32_t)pb->text_len, (uint32_t)n};
    pb->text_len += n + 1;
    id = me->lit_count++;
    if (ds_map_put(pb->ids, s, n, id) != DS_OK)
        pb->oom = 1;
    return (uint32_t)id;
}

void match__prefilter_add(match_engine *me, match__prefilter_builder *pb, m_pattern *mp,
                          const char *re)
{
    clauses cs;
    required_clauses(re, &cs);
    mp->clause_first = (uint32_t)me->clause_count;
    mp->clause_count = 0;
    for (size_t k = 0; k < cs.count && !pb->oom; k++) {
        me->clauses =
            grow(me->clauses, &pb->clause_cap, me->clause_count + 1, sizeof *me->clauses, &pb->oom);
        if (pb->oom)
            return;
        m_clause *mc = &me->clauses[me->clause_count];
        mc->lit_first = (uint32_t)me->clause_lit_count;
        mc->lit_count = (uint32_t)cs.c[k].count;
        for (size_t a = 0; a < cs.c[k].count; a++) {
            uint32_t id = intern(me, pb, cs.c[k].alt[a], cs.c[k].len[a]);
            me->clause_lits = grow(me->clause_lits, &pb->clause_lit_cap, me->clause_lit_count + 1,
                                   sizeof *me->clause_lits, &pb->oom);
            if (pb->oom)
                return;
            me->clause_lits[me->clause_lit_count++] = id;
        }
        me->clause_count++;
        mp->clause_count++;
    }
}
