/* SPDX-License-Identifier: MIT */
/* What text every match of a pattern must contain, read from the pattern
 * once at load: clauses of literal alternatives, all of which must hold, so
 * the matcher runs PCRE2 only on messages that have them. Conservative: any
 * doubt about a piece of the pattern means it requires nothing. A message
 * is scanned once for all the literals (an index by their first bytes), and
 * each literal found marks its clauses in their patterns' records. */
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

/* The id of literal s[0..n), added once to the engine's table. */
static uint32_t intern(match_engine *me, match__prefilter_builder *pb, const char *s, size_t n)
{
    size_t id;
    if (ds_map_get(pb->ids, s, n, &id))
        return (uint32_t)id;
    me->lit_text = ds_grow(me->lit_text, &pb->text_cap, pb->text_len + n + 1, 1, &pb->oom);
    me->lits = ds_grow(me->lits, &pb->lit_cap, me->lit_count + 1, sizeof *me->lits, &pb->oom);
    if (pb->oom)
        return 0;
    memcpy(me->lit_text + pb->text_len, s, n);
    me->lit_text[pb->text_len + n] = '\0';
    me->lits[me->lit_count] = (m_lit){(uint32_t)pb->text_len, (uint32_t)n};
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
        size_t cap = pb->clause_cap;
        me->clauses =
            ds_grow(me->clauses, &cap, me->clause_count + 1, sizeof *me->clauses, &pb->oom);
        cap = pb->clause_cap;
        me->clause_pattern = ds_grow(me->clause_pattern, &cap, me->clause_count + 1,
                                     sizeof *me->clause_pattern, &pb->oom);
        if (pb->oom)
            return;
        pb->clause_cap = cap;
        me->clause_pattern[me->clause_count] = (uint32_t)(mp - me->patterns);
        m_clause *mc = &me->clauses[me->clause_count];
        mc->lit_first = (uint32_t)me->clause_lit_count;
        mc->lit_count = (uint32_t)cs.c[k].count;
        for (size_t a = 0; a < cs.c[k].count; a++) {
            uint32_t id = intern(me, pb, cs.c[k].alt[a], cs.c[k].len[a]);
            me->clause_lits = ds_grow(me->clause_lits, &pb->clause_lit_cap,
                                      me->clause_lit_count + 1, sizeof *me->clause_lits, &pb->oom);
            if (pb->oom)
                return;
            me->clause_lits[me->clause_lit_count++] = id;
        }
        me->clause_count++;
        mp->clause_count++;
    }
}

/* Counting sort of (key, value) pairs into CSR arrays off[0..nkeys], val. */
static ds_status csr(size_t nkeys, const uint32_t *key, const uint32_t *value, size_t n,
                     uint32_t **off_out, uint32_t **val_out)
{
    uint32_t *off = ds_calloc(nkeys + 1, sizeof *off);
    uint32_t *val = ds_calloc(n + 1, sizeof *val);
    uint32_t *fill = ds_calloc(nkeys + 1, sizeof *fill);
    if (!off || !val || !fill) {
        ds_free(off);
        ds_free(val);
        ds_free(fill);
        return DS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        off[key[i] + 1]++;
    for (size_t k = 0; k < nkeys; k++)
        off[k + 1] += off[k];
    for (size_t i = 0; i < n; i++)
        val[off[key[i]] + fill[key[i]]++] = value[i];
    ds_free(fill);
    *off_out = off;
    *val_out = val;
    return DS_OK;
}

/* The probes of the literals ids[0..n). */
static ds_status probes(const match_engine *me, const uint32_t *ids, size_t n, m_probe **out)
{
    m_probe *p = ds_calloc(n + 1, sizeof *p);
    if (!p)
        return DS_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        const m_lit *lit = &me->lits[ids[k]];
        memcpy(&p[k].head, me->lit_text + lit->off, lit->len < 8 ? lit->len : 8);
        p[k].lit = ids[k];
        p[k].len = lit->len;
    }
    *out = p;
    return DS_OK;
}

ds_status match__prefilter_index(match_engine *me)
{
    for (size_t k = 0; k <= 8; k++) { /* bytes, whatever the machine's order */
        unsigned char ones[8] = {0};
        memset(ones, 0xFF, k);
        memcpy(&me->head_mask[k], ones, 8);
    }
    size_t n = me->clause_lit_count, nl = me->lit_count;
    uint32_t *key = ds_calloc(n + nl + 1, sizeof *key);
    uint32_t *value = ds_calloc(n + nl + 1, sizeof *value);
    ds_status st = key && value ? DS_OK : DS_ENOMEM;
    /* literal -> the clauses that name it, as pattern << 2 | clause */
    for (size_t c = 0, k = 0; st == DS_OK && c < me->clause_count; c++) {
        uint32_t p = me->clause_pattern[c];
        uint32_t ref = p << 2 | (uint32_t)(c - me->patterns[p].clause_first);
        for (uint32_t a = 0; a < me->clauses[c].lit_count; a++, k++) {
            key[k] = me->clause_lits[me->clauses[c].lit_first + a];
            value[k] = ref;
        }
    }
    if (st == DS_OK)
        st = csr(nl, key, value, n, &me->lit_ref_off, &me->lit_refs);
    /* bucket -> literals, by the first three bytes or the only two */
    size_t ntri = 0, nduo = 0;
    for (size_t l = 0; st == DS_OK && l < nl; l++) {
        const unsigned char *u = (const unsigned char *)me->lit_text + me->lits[l].off;
        if (me->lits[l].len >= 3) {
            key[ntri] = match__lit_bucket(u[0], u[1], u[2]);
            value[ntri++] = (uint32_t)l;
        } else {
            key[n + nduo] = match__lit_bucket(u[0], u[1], 0);
            value[n + nduo++] = (uint32_t)l;
        }
    }
    uint32_t *tri = NULL, *duo = NULL;
    if (st == DS_OK)
        st = csr(MATCH_LIT_BUCKETS, key, value, ntri, &me->tri_off, &tri);
    if (st == DS_OK)
        st = csr(MATCH_LIT_BUCKETS, key + n, value + n, nduo, &me->duo_off, &duo);
    if (st == DS_OK)
        st = probes(me, tri, ntri, &me->tri);
    if (st == DS_OK)
        st = probes(me, duo, nduo, &me->duo);
    ds_free(tri);
    ds_free(duo);
    for (size_t b = 0; st == DS_OK && b < MATCH_LIT_BUCKETS; b++) {
        if (me->tri_off[b] < me->tri_off[b + 1])
            me->tri_used[b / 64] |= 1ULL << (b % 64);
        if (me->duo_off[b] < me->duo_off[b + 1])
            me->duo_used[b / 64] |= 1ULL << (b % 64);
    }
    ds_free(key);
    ds_free(value);
    return st;
}

ds_status match__scan_init(m_scan *sc, const match_engine *me)
{
    size_t npat = me->pat_off[me->intent_count];
    memset(sc, 0, sizeof *sc);
    sc->pat = ds_calloc(npat + 1, sizeof *sc->pat);
    sc->intent_ready = ds_calloc(me->intent_count + 1, sizeof *sc->intent_ready);
    if (!sc->pat || !sc->intent_ready) {
        match__scan_cleanup(sc);
        return DS_ENOMEM;
    }
    for (size_t p = 0; p < npat; p++) {
        sc->pat[p].intent = me->pat_intent[p];
        sc->pat[p].full = (uint8_t)((1u << me->patterns[p].clause_count) - 1);
    }
    return DS_OK;
}

void match__scan_cleanup(m_scan *sc)
{
    ds_free(sc->pat);
    ds_free(sc->intent_ready);
    memset(sc, 0, sizeof *sc);
}

void match__scan_reset(m_scan *sc, const match_engine *me)
{
    for (size_t p = 0; p < me->pat_off[me->intent_count]; p++)
        sc->pat[p].stamp = 0;
    memset(sc->intent_ready, 0, (me->intent_count + 1) * sizeof *sc->intent_ready);
    sc->gen = 0;
}

/* A clause's index in its pattern takes two bits of a reference. */
_Static_assert(MATCH_CLAUSE_MAX <= 4, "lit_refs keep a clause's index in two bits");

/* Literal l is in the message: its clauses hold, their patterns come closer,
 * an intent whose pattern has all its clauses becomes ready. Found twice,
 * nothing changes. */
static void found(const match_engine *me, m_scan *sc, uint32_t l)
{
    for (uint32_t i = me->lit_ref_off[l]; i < me->lit_ref_off[l + 1]; i++) {
        uint32_t ref = me->lit_refs[i];
        m_pat_state *ps = &sc->pat[ref >> 2];
        if (ps->stamp != sc->gen) {
            ps->stamp = sc->gen;
            ps->held = 0;
        }
        ps->held |= (uint8_t)(1u << (ref & 3));
        if (ps->held == ps->full)
            sc->intent_ready[ps->intent] = sc->gen;
    }
}

static uint64_t load8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

void match__scan(const match_engine *me, m_scan *sc, uint32_t gen, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    /* the last bytes again with zeros after them, so that eight bytes can
     * be read at every position (no literal has a zero byte) */
    unsigned char tail[16];
    size_t tail_at = len > 8 ? len - 8 : 0;
    memset(tail, 0, sizeof tail);
    memcpy(tail, u + tail_at, len - tail_at);
    sc->gen = gen;
    for (size_t i = 0; i + 1 < len; i++) {
        uint64_t w = i + 8 <= len ? load8(u + i) : load8(tail + (i - tail_at));
        unsigned b = match__lit_bucket(u[i], u[i + 1], 0);
        if (me->duo_used[b / 64] >> (b % 64) & 1)
            for (uint32_t k = me->duo_off[b]; k < me->duo_off[b + 1]; k++)
                if ((w & me->head_mask[2]) == me->duo[k].head)
                    found(me, sc, me->duo[k].lit);
        if (i + 2 >= len)
            continue;
        b = match__lit_bucket(u[i], u[i + 1], u[i + 2]);
        if (!(me->tri_used[b / 64] >> (b % 64) & 1))
            continue;
        for (uint32_t k = me->tri_off[b]; k < me->tri_off[b + 1]; k++) {
            const m_probe *pr = &me->tri[k];
            if ((w & me->head_mask[pr->len < 8 ? pr->len : 8]) != pr->head)
                continue;
            if (pr->len <= 8 ||
                (pr->len <= len - i &&
                 memcmp(u + i + 8, me->lit_text + me->lits[pr->lit].off + 8, pr->len - 8) == 0))
                found(me, sc, pr->lit);
        }
    }
}
