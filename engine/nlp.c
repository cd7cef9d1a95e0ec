/* SPDX-License-Identifier: MIT */
/* The Turkish normaliser: bytes in, folded text, skeleton tokens and entities
 * out. It allocates only when an nlp_text first grows, so the hot path of a
 * reused nlp_text makes no allocation. Entity typing is in nlp_entities.c. */
#include "nlp_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define CP_DOTLESS_I 0x131
#define CP_DOTTED_CAP_I 0x130
#define CP_COMBINING_DOT 0x307

/* ---- lexicon ---------------------------------------------------------- */

static uint64_t bloom_hash(const char *s, size_t len)
{
    return nlp__hash(s, len) * 0x9E3779B97F4A7C15ULL;
}

static void bloom_add(uint64_t *bloom, const char *s, size_t len)
{
    uint64_t h = bloom_hash(s, len);
    unsigned a = (unsigned)(h >> 51) % NLP_BLOOM_BITS, b = (unsigned)(h >> 38) % NLP_BLOOM_BITS;
    bloom[a / 64] |= 1ULL << (a % 64);
    bloom[b / 64] |= 1ULL << (b % 64);
}

/* 0 when s is certainly not in the set, 1 when it may be. */
static int bloom_may_have(const uint64_t *bloom, const char *s, size_t len)
{
    uint64_t h = bloom_hash(s, len);
    unsigned a = (unsigned)(h >> 51) % NLP_BLOOM_BITS, b = (unsigned)(h >> 38) % NLP_BLOOM_BITS;
    return (bloom[a / 64] >> (a % 64)) & (bloom[b / 64] >> (b % 64)) & 1;
}

nlp_lexicon *nlp_lexicon_new(void)
{
    nlp_lexicon *lx = ds_calloc(1, sizeof *lx);
    if (!lx)
        return NULL;
    lx->shorthand = ds_map_new();
    lx->suffixes = ds_map_new();
    lx->words = ds_map_new();
    if (!lx->shorthand || !lx->suffixes || !lx->words) {
        nlp_lexicon_free(lx);
        return NULL;
    }
    return lx;
}

void nlp_lexicon_free(nlp_lexicon *lx)
{
    if (!lx)
        return;
    ds_map_free(lx->shorthand);
    ds_map_free(lx->suffixes);
    ds_map_free(lx->words);
    nlp__dict_image_release(lx);
    ds_free(lx->dict_blob);
    ds_free(lx->dict_table_mem);
    ds_free(lx->dict_bloom);
    ds_free(lx->trie);
    ds_free(lx->trie_final);
    for (size_t i = 0; i < lx->expansion_count; i++)
        ds_free(lx->expansions[i]);
    ds_free(lx->expansions);
    ds_free(lx);
}

/* Normalises s and joins its word tokens with spaces: owned, or NULL. */
static char *skeleton_words(const char *s, ds_error *err, ds_status *st)
{
    nlp_text *t = nlp_text_new();
    if (!t) {
        *st = ds_fail(err, DS_ENOMEM, "out of memory");
        return NULL;
    }
    *st = nlp_normalise(NULL, s, strlen(s), t, err);
    char *out = NULL;
    if (*st == DS_OK) {
        out = ds_strdup(nlp_text_skeleton(t));
        if (!out)
            *st = ds_fail(err, DS_ENOMEM, "out of memory");
    }
    nlp_text_free(t);
    return out;
}

ds_status nlp_lexicon_add_shorthand(nlp_lexicon *lx, const char *from, const char *to,
                                    ds_error *err)
{
    ds_status st;
    char *key = skeleton_words(from, err, &st);
    if (!key)
        return st;
    char *val = skeleton_words(to, err, &st);
    if (!val) {
        ds_free(key);
        return st;
    }
    if (!key[0] || strchr(key, ' ') || !val[0]) {
        ds_free(key);
        ds_free(val);
        return ds_fail(err, DS_EKB, "shorthand \"%s\" must be one word mapping to some words",
                       from);
    }
    if (lx->expansion_count == lx->expansion_cap) {
        size_t ncap = lx->expansion_cap ? lx->expansion_cap * 2 : 32;
        char **ne = ds_realloc(lx->expansions, ncap * sizeof *ne);
        if (!ne) {
            ds_free(key);
            ds_free(val);
            return ds_fail(err, DS_ENOMEM, "out of memory");
        }
        lx->expansions = ne;
        lx->expansion_cap = ncap;
    }
    lx->expansions[lx->expansion_count] = val;
    st = ds_map_put(lx->shorthand, key, strlen(key), lx->expansion_count);
    bloom_add(lx->shorthand_bloom, key, strlen(key));
    ds_free(key);
    if (st != DS_OK) {
        ds_free(val);
        return ds_fail(err, st, "out of memory");
    }
    lx->expansion_count++;
    return DS_OK;
}

static ds_status trie_add(nlp_lexicon *lx, const char *s, size_t len)
{
    if (!lx->trie_count) {
        lx->trie_cap = 64;
        lx->trie = ds_calloc(lx->trie_cap, sizeof *lx->trie);
        lx->trie_final = ds_calloc(lx->trie_cap, 1);
        if (!lx->trie || !lx->trie_final) {
            ds_free(lx->trie);
            ds_free(lx->trie_final);
            lx->trie = NULL;
            lx->trie_final = NULL;
            return DS_ENOMEM;
        }
        lx->trie_count = 1;
    }
    int32_t node = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)s[i] - 'a';
        if (!lx->trie[node][c]) {
            if (lx->trie_count == lx->trie_cap) {
                size_t ncap = lx->trie_cap * 2;
                int32_t(*nt)[26] = ds_realloc(lx->trie, ncap * sizeof *nt);
                if (!nt)
                    return DS_ENOMEM;
                lx->trie = nt;
                uint8_t *nf = ds_realloc(lx->trie_final, ncap);
                if (!nf)
                    return DS_ENOMEM;
                lx->trie_final = nf;
                memset(lx->trie + lx->trie_cap, 0, (ncap - lx->trie_cap) * sizeof *nt);
                memset(lx->trie_final + lx->trie_cap, 0, ncap - lx->trie_cap);
                lx->trie_cap = ncap;
            }
            lx->trie[node][c] = (int32_t)lx->trie_count++;
        }
        node = lx->trie[node][c];
    }
    lx->trie_final[node] = 1;
    return DS_OK;
}

ds_status nlp_lexicon_add_word(nlp_lexicon *lx, const char *word, ds_error *err)
{
    ds_status st;
    char *w = skeleton_words(word, err, &st);
    if (!w)
        return st;
    if (!w[0] || strchr(w, ' ')) {
        ds_free(w);
        return ds_fail(err, DS_EKB, "\"%s\" must be one word", word);
    }
    st = ds_map_put(lx->words, w, strlen(w), 1) == DS_OK ? DS_OK
                                                         : ds_fail(err, DS_ENOMEM, "out of memory");
    bloom_add(lx->words_bloom, w, strlen(w));
    ds_free(w);
    return st;
}

int nlp_lexicon_is_word(const nlp_lexicon *lx, const char *s, size_t len)
{
    size_t v;
    return lx && bloom_may_have(lx->words_bloom, s, len) && ds_map_get(lx->words, s, len, &v);
}

ds_status nlp_lexicon_add_suffix(nlp_lexicon *lx, const char *suffix, ds_error *err)
{
    size_t len = strlen(suffix);
    if (len == 0 || len > 12)
        return ds_fail(err, DS_EKB, "suffix \"%s\" must be 1-12 letters", suffix);
    for (size_t i = 0; i < len; i++)
        if (suffix[i] < 'a' || suffix[i] > 'z')
            return ds_fail(err, DS_EKB,
                           "suffix \"%s\" must be lower-case ASCII (skeleton spelling)", suffix);
    if (ds_map_put(lx->suffixes, suffix, len, 1) != DS_OK || trie_add(lx, suffix, len) != DS_OK)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    if (len > lx->max_suffix_len)
        lx->max_suffix_len = len;
    return DS_OK;
}

void nlp_lexicon_suffix_splits(const nlp_lexicon *lx, const char *s, size_t len, unsigned char *ok)
{
    nlp_lexicon_suffix_splits_from(lx, s, len, 0, ok);
}

void nlp_lexicon_suffix_splits_from(const nlp_lexicon *lx, const char *s, size_t len, size_t from,
                                    unsigned char *ok)
{
    memset(ok, 0, len + 1);
    ok[len] = 1;
    if (!lx || !lx->trie_count)
        return;
    for (size_t i = len; i-- > from;) {
        int32_t node = 0;
        for (size_t j = i; j < len; j++) {
            unsigned c = (unsigned char)s[j] - 'a';
            if (c >= 26 || !(node = lx->trie[node][c]))
                break;
            if (lx->trie_final[node] && ok[j + 1]) {
                ok[i] = 1;
                break;
            }
        }
    }
}

int nlp_lexicon_is_suffix_chain(const nlp_lexicon *lx, const char *s, size_t len)
{
    unsigned char ok[65];
    if (len == 0)
        return 1;
    if (len > 64)
        return 0;
    nlp_lexicon_suffix_splits(lx, s, len, ok);
    return ok[0];
}

size_t nlp_lexicon_shorthand_count(const nlp_lexicon *lx)
{
    return ds_map_count(lx->shorthand);
}

size_t nlp_lexicon_suffix_count(const nlp_lexicon *lx)
{
    return ds_map_count(lx->suffixes);
}

/* ---- text ------------------------------------------------------------- */

nlp_text *nlp_text_new(void)
{
    /* not zeroed: the token and entity arrays (45 KB) are read only below
     * their counts, and the KB loader makes hundreds of these */
    nlp_text *t = ds_malloc(sizeof *t);
    if (!t)
        return NULL;
    t->token_count = t->entity_count = 0;
    t->cps = NULL;
    t->cps_cap = 0;
    t->truncated = 0;
    ds_buf_init(&t->folded);
    ds_buf_init(&t->skeleton);
    ds_buf_init(&t->tokbuf);
    ds_buf_init(&t->entbuf);
    return t;
}

void nlp_text_free(nlp_text *t)
{
    if (!t)
        return;
    ds_buf_cleanup(&t->folded);
    ds_buf_cleanup(&t->skeleton);
    ds_buf_cleanup(&t->tokbuf);
    ds_buf_cleanup(&t->entbuf);
    ds_free(t->cps);
    ds_free(t);
}

static void reset(nlp_text *t)
{
    t->folded.len = t->skeleton.len = t->tokbuf.len = t->entbuf.len = 0;
    t->folded.failed = t->skeleton.failed = t->tokbuf.failed = t->entbuf.failed = 0;
    t->token_count = t->entity_count = 0;
    t->truncated = t->question_mark = 0;
}

static int is_letter_cat(utf8proc_category_t c)
{
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
           c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO;
}

static int is_mark_cat(utf8proc_category_t c)
{
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* The letters of Turkish beyond ASCII, both cases (ç ğ ı ö ş ü â î û,
 * Ç Ğ İ Ö Ş Ü Â Î Û): by far the commonest non-ASCII code points, answered
 * without a look at utf8proc's tables. */
static int turkish_letter(int32_t cp)
{
    switch (cp) {
    case 0xE7:
    case 0x11F:
    case 0x131:
    case 0xF6:
    case 0x15F:
    case 0xFC:
    case 0xE2:
    case 0xEE:
    case 0xFB:
    case 0xC7:
    case 0x11E:
    case 0x130:
    case 0xD6:
    case 0x15E:
    case 0xDC:
    case 0xC2:
    case 0xCE:
    case 0xDB: return 1;
    default: return 0;
    }
}

static int is_letter_wide(int32_t cp)
{
    return turkish_letter(cp) || is_letter_cat(utf8proc_category(cp));
}

/* Every loop of the normaliser asks this of each code point: ASCII in two
 * instructions, the rest through the tables. */
static inline int is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (uint32_t)((cp | 0x20) - 'a') < 26;
    return is_letter_wide(cp);
}

static inline int is_digit(int32_t cp)
{
    return (uint32_t)(cp - '0') < 10;
}

/* Punctuation kept inside a chunk for e-mails, numbers and apostrophes. */
static int is_kept_punct(int32_t cp)
{
    return cp == '@' || cp == '.' || cp == ',' || cp == '-' || cp == '+' || cp == '_' ||
           cp == '\'' || cp == '%';
}

static int ensure_cps(nlp_text *t, size_t n)
{
    if (n <= t->cps_cap)
        return 1;
    int32_t *p = ds_realloc(t->cps, n * sizeof *p);
    if (!p)
        return 0;
    t->cps = p;
    t->cps_cap = n;
    return 1;
}

/* Validates all of in, and decodes up to NLP_MAX_INPUT_LEN bytes of it. */
static ds_status decode(nlp_text *t, const uint8_t *in, size_t len, size_t *count, int *needs_nfc,
                        ds_error *err)
{
    size_t n = 0, pos = 0, limit = len;
    if (limit > NLP_MAX_INPUT_LEN)
        limit = NLP_MAX_INPUT_LEN;
    if (!ensure_cps(t, limit + 1))
        return ds_fail(err, DS_ENOMEM, "out of memory");
    *needs_nfc = 0;
    while (pos < len) {
        int32_t cp;
        utf8proc_ssize_t k;
        uint64_t eight;
        if (pos + 8 <= limit && (memcpy(&eight, in + pos, 8), !(eight & 0x8080808080808080ULL))) {
            for (size_t j = 0; j < 8; j++) /* eight ASCII bytes, all kept */
                t->cps[n + j] = in[pos + j];
            n += 8;
            pos += 8;
            continue;
        }
        if (in[pos] < 0x80) {
            cp = in[pos];
            k = 1;
        } else if (in[pos] >= 0xC2 && in[pos] <= 0xDF && pos + 1 < len &&
                   (in[pos + 1] & 0xC0) == 0x80) { /* two bytes: all of Turkish */
            cp = (in[pos] & 0x1F) << 6 | (in[pos + 1] & 0x3F);
            k = 2;
            if (!turkish_letter(cp) && is_mark_cat(utf8proc_category(cp)))
                *needs_nfc = 1;
        } else {
            k = utf8proc_iterate(in + pos, (utf8proc_ssize_t)(len - pos), &cp);
            if (k < 0)
                return ds_fail(err, DS_EINPUT, "invalid UTF-8 at byte %zu", pos);
            if (cp == CP_COMBINING_DOT || is_mark_cat(utf8proc_category(cp)))
                *needs_nfc = 1;
        }
        if (pos + (size_t)k <= limit)
            t->cps[n++] = cp;
        else
            t->truncated = 1;
        pos += (size_t)k;
    }
    *count = n;
    return DS_OK;
}

/* NFC of the decoded code points, in place (composition never lengthens). */
static ds_status compose(nlp_text *t, size_t *count, ds_error *err)
{
    utf8proc_ssize_t n = utf8proc_normalize_utf32(t->cps, (utf8proc_ssize_t)*count,
                                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return ds_fail(err, DS_EINPUT, "cannot normalise: %s", utf8proc_errmsg(n));
    *count = (size_t)n;
    return DS_OK;
}

/* Turkish lower case of one code point. */
static int32_t turkish_lower(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? (cp == 'I' ? CP_DOTLESS_I : cp + 32) : cp;
    switch (cp) {
    case CP_DOTTED_CAP_I: return 'i';
    case 0xC7: return 0xE7;   /* Ç */
    case 0x11E: return 0x11F; /* Ğ */
    case 0xD6: return 0xF6;   /* Ö */
    case 0x15E: return 0x15F; /* Ş */
    case 0xDC: return 0xFC;   /* Ü */
    case 0xC2: return 0xE2;   /* Â */
    case 0xCE: return 0xEE;   /* Î */
    case 0xDB: return 0xFB;   /* Û */
    default: break;
    }
    if (turkish_letter(cp))
        return cp; /* already lower case */
    return utf8proc_tolower(cp);
}

/* Folds one code point onto dst[0..*w): lower case, separators as ' ',
 * kept punctuation as itself, letters repeated 3+ times squeezed to one.
 * Currency symbols become words so "500₺" reads as "500 tl" (at most 7
 * code points for one). Bit 0 of *has_at says whether an '@' was kept
 * (else no chunk can be an e-mail address), bit 1 whether a '?' was seen. */
static inline void fold_cp(int32_t cp, int32_t *dst, size_t *wp, int32_t *squeezing, int *has_at)
{
    size_t w = *wp;
    int32_t out;
    int letter;
    if (cp < 0x80 && cp != '$') { /* most of what shoppers type */
        letter = (uint32_t)((cp | 0x20) - 'a') < 26;
        if (letter) {
            out = cp >= 'a' ? cp : cp == 'I' ? CP_DOTLESS_I : cp + 32;
        } else {
            out = is_digit(cp) || is_kept_punct(cp) ? cp : ' ';
            *has_at |= (cp == '@') | (cp == '?') << 1;
        }
    } else {
        const char *word = NULL;
        if (cp == CP_COMBINING_DOT)
            return; /* "i̇" from a foreign lower-casing: the dot is already there */
        if (cp == 0x20BA)
            word = "tl";
        else if (cp == '$')
            word = "dolar";
        else if (cp == 0x20AC)
            word = "euro";
        if (word) {
            dst[w++] = ' ';
            for (const char *p = word; *p; p++)
                dst[w++] = *p;
            dst[w++] = ' ';
            *squeezing = -1;
            *wp = w;
            return;
        }
        int32_t lc = turkish_lower(cp);
        if (is_digit(lc))
            out = lc;
        else if (lc < 0x80)
            out = (is_letter(lc) || is_kept_punct(lc)) ? lc : ' ';
        else if (lc == 0x2019 || lc == 0x2018 || lc == 0x00B4 || lc == 0x02BC)
            out = '\'';
        else if (is_letter(lc))
            out = lc;
        else if (is_mark_cat(utf8proc_category(lc)))
            return; /* a mark NFC could not compose: drop it */
        else
            out = ' ';
        letter = is_letter(out);
        *has_at |= out == '@';
    }
    if (out == ' ' && w > 0 && dst[w - 1] == ' ')
        return;
    if (out == *squeezing)
        return;
    *squeezing = -1;
    if (letter && w >= 2 && dst[w - 1] == out && dst[w - 2] == out) {
        *wp = w - 1; /* third in a row: keep one */
        *squeezing = out;
        return;
    }
    dst[w++] = out;
    *wp = w;
}

/* Writes the folded code points of src to dst (room for 8 per code point). */
static size_t fold(const int32_t *src, size_t n, int32_t *dst, int *has_at)
{
    size_t w = 0;
    int32_t squeezing = -1;
    *has_at = 0;
    for (size_t i = 0; i < n; i++)
        fold_cp(src[i], dst, &w, &squeezing, has_at);
    return w;
}

/* decode and fold in one pass, for what needs no NFC (almost everything):
 * the folded code points at t->cps[0..*count). *compose_first is set, and
 * nothing kept, when a mark asks for NFC first (the caller then decodes,
 * composes and folds apart). Returns the decoding error, if any. */
static ds_status decode_fold(nlp_text *t, const uint8_t *in, size_t len, size_t *count, int *has_at,
                             int *compose_first, ds_error *err)
{
    *compose_first = 0;
    size_t pos = 0, limit = len, w = 0;
    int32_t squeezing = -1;
    if (limit > NLP_MAX_INPUT_LEN)
        limit = NLP_MAX_INPUT_LEN;
    if (!ensure_cps(t, limit * 8 + 8))
        return ds_fail(err, DS_ENOMEM, "out of memory");
    int32_t *f = t->cps;
    *has_at = 0;
    while (pos < len) {
        int32_t cp;
        utf8proc_ssize_t k;
        if (in[pos] < 0x80) {
            cp = in[pos];
            k = 1;
        } else if (in[pos] >= 0xC2 && in[pos] <= 0xDF && pos + 1 < len &&
                   (in[pos + 1] & 0xC0) == 0x80) { /* two bytes: all of Turkish */
            cp = (in[pos] & 0x1F) << 6 | (in[pos + 1] & 0x3F);
            k = 2;
            if (!turkish_letter(cp) && is_mark_cat(utf8proc_category(cp))) {
                *compose_first = 1;
                return DS_OK;
            }
        } else {
            k = utf8proc_iterate(in + pos, (utf8proc_ssize_t)(len - pos), &cp);
            if (k < 0)
                return ds_fail(err, DS_EINPUT, "invalid UTF-8 at byte %zu", pos);
            if (cp == CP_COMBINING_DOT || is_mark_cat(utf8proc_category(cp))) {
                *compose_first = 1;
                return DS_OK;
            }
        }
        if (pos + (size_t)k <= limit)
            fold_cp(cp, f, &w, &squeezing, has_at);
        else
            t->truncated = 1;
        pos += (size_t)k;
    }
    *count = w;
    return DS_OK;
}

/* ASCII skeleton letter of a folded letter, or 0 when it has none. */
static char skeleton_char(int32_t cp)
{
    if (cp < 0x80)
        return (char)cp;
    switch (cp) {
    case 0xE7: return 'c';  /* ç */
    case 0x11F: return 'g'; /* ğ */
    case 0x131: return 'i'; /* ı */
    case 0xF6: return 'o';  /* ö */
    case 0x15F: return 's'; /* ş */
    case 0xFC: return 'u';  /* ü */
    case 0xE2: return 'a';  /* â */
    case 0xEE: return 'i';  /* î */
    case 0xFB: return 'u';  /* û */
    default: break;
    }
    utf8proc_int32_t d[8];
    int last = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, &last);
    if (k >= 1 && d[0] < 0x80 && is_letter(d[0]))
        return (char)d[0];
    return 0;
}

/* memcpy of the few bytes of a word without the call (its dispatch on the
 * length cost more than the copy); d and s do not overlap. */
static inline void copy_short(char *d, const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t x;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, s + i, 8);
            memcpy(d + i, &x, 8);
        }
        memcpy(&x, s + n - 8, 8);
        memcpy(d + n - 8, &x, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* ds_buf_append without the call, for the few bytes at a time the hot path
 * adds; the buffer grows (rarely) through ds_buf_append. */
static void buf_add(ds_buf *b, const char *s, size_t n)
{
    if (!b->failed && b->len + n + 1 <= b->cap) {
        copy_short(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else {
        ds_buf_append(b, s, n);
    }
}

static void add_token(nlp_text *t, const char *s, size_t len, nlp_token_kind kind, int expanded)
{
    if (t->token_count >= NLP_MAX_TOKENS || len == 0)
        return;
    size_t i = t->token_count++;
    t->tok_off[i] = t->tokbuf.len;
    t->toks[i].len = len;
    t->toks[i].kind = kind;
    t->toks[i].expanded = expanded;
    ds_buf *tb = &t->tokbuf, *sk = &t->skeleton;
    if (!tb->failed && tb->len + len + 2 <= tb->cap) { /* the text and its NUL, counted */
        copy_short(tb->data + tb->len, s, len);
        tb->data[tb->len + len] = '\0';
        tb->len += len + 1;
        tb->data[tb->len] = '\0';
    } else {
        buf_add(tb, s, len);
        buf_add(tb, "", 1);
    }
    size_t sp = sk->len > 0;
    if (!sk->failed && sk->len + sp + len + 1 <= sk->cap) { /* a space before all but the first */
        sk->data[sk->len] = ' ';
        copy_short(sk->data + sk->len + sp, s, len);
        sk->len += sp + len;
        sk->data[sk->len] = '\0';
    } else {
        if (sp)
            buf_add(sk, " ", 1);
        buf_add(sk, s, len);
    }
}

/* Length of the word before a question particle typed onto it ("varmı",
 * "olurmu", "geliyomu", "mümkünmü"), or 0. Only after the endings a verb
 * or a predicate has before "mı": "durumu", "kargomu" and "resmi" end in
 * the same letters and are one word. */
static size_t glued_particle(const char *s, size_t len)
{
    if (len < 5 || s[len - 2] != 'm' || (s[len - 1] != 'i' && s[len - 1] != 'u'))
        return 0;
    static const char *const ends[] = {"yor",   "yo",     "ir",    "ur",    "ar",     "er",
                                       "az",    "ez",     "var",   "yok",   "mumkun", "lazim",
                                       "gerek", "normal", "tamam", "dogru", "ayni"};
    size_t n = len - 2;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        size_t k = strlen(ends[i]);
        if (n >= k && n >= 3 && memcmp(s + n - k, ends[i], k) == 0)
            return n;
    }
    return 0;
}

/* A word token, with its shorthand expanded. */
static void add_word(nlp_text *t, const nlp_lexicon *lx, const char *s, size_t len,
                     nlp_token_kind kind)
{
    size_t idx, stem = kind == NLP_TOK_WORD ? glued_particle(s, len) : 0;
    if (stem && !(lx && bloom_may_have(lx->shorthand_bloom, s, len) &&
                  ds_map_get(lx->shorthand, s, len, &idx))) {
        add_word(t, lx, s, stem, kind);
        add_token(t, s + stem, len - stem, NLP_TOK_WORD, 1);
        return;
    }
    if (lx && kind == NLP_TOK_WORD && bloom_may_have(lx->shorthand_bloom, s, len) &&
        ds_map_get(lx->shorthand, s, len, &idx)) {
        const char *e = lx->expansions[idx];
        while (*e) {
            size_t k = strcspn(e, " ");
            add_token(t, e, k, NLP_TOK_WORD, 1);
            e += k;
            while (*e == ' ')
                e++;
        }
        return;
    }
    add_token(t, s, len, kind, 0);
}

/* Skeleton of cps[a..b) (letters and digits only) into buf[0..cap). */
static size_t piece_skeleton(const int32_t *cps, size_t a, size_t b, char *buf, size_t cap,
                             int *letters, int *digits)
{
    size_t n = 0;
    *letters = *digits = 0;
    for (size_t i = a; i < b; i++) {
        int32_t cp = cps[i];
        if (is_digit(cp)) {
            (*digits)++;
            if (n + 1 < cap)
                buf[n++] = (char)cp;
            continue;
        }
        if (cp == '.' || cp == ',') {
            if (n + 1 < cap)
                buf[n++] = (char)cp;
            continue;
        }
        (*letters)++;
        char c = skeleton_char(cp);
        if (c) {
            if (n + 1 < cap)
                buf[n++] = c;
        } else {
            uint8_t u[4];
            utf8proc_ssize_t k = utf8proc_encode_char(cp, u);
            if (n + (size_t)k < cap) {
                memcpy(buf + n, u, (size_t)k);
                n += (size_t)k;
            }
        }
    }
    buf[n] = '\0';
    return n;
}

/* ı counts as i: "ALI@GMAIL.COM" folds to "alı@gmaıl.com" under Turkish rules,
 * but an address is ASCII. */
static int email_char(int32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || cp == CP_DOTLESS_I || is_digit(cp) || cp == '.' ||
           cp == '_' || cp == '-' || cp == '+' || cp == '%';
}

/* 1 when cps[a..b) is an e-mail address (ASCII, one @, a dotted domain). */
static int is_email(const int32_t *cps, size_t a, size_t b)
{
    size_t at = b;
    for (size_t i = a; i < b; i++) {
        if (cps[i] == '@') {
            if (at != b)
                return 0;
            at = i;
        } else if (!email_char(cps[i])) {
            return 0;
        }
    }
    if (at == b || at == a || b - at < 4)
        return 0;
    size_t last_dot = b;
    for (size_t i = at + 1; i < b; i++)
        if (cps[i] == '.')
            last_dot = i;
    if (last_dot == b || last_dot == at + 1 || b - last_dot < 3)
        return 0;
    for (size_t i = last_dot + 1; i < b; i++)
        if (!((cps[i] >= 'a' && cps[i] <= 'z') || cps[i] == CP_DOTLESS_I))
            return 0;
    return 1;
}

static int is_currency_suffix(const int32_t *cps, size_t a, size_t b)
{
    static const char *const words[] = {"tl", "lira", "try", "dolar", "euro"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t n = strlen(words[w]);
        if (b - a != n)
            continue;
        size_t k = 0;
        while (k < n && cps[a + k] == words[w][k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static void add_piece(nlp_text *t, const nlp_lexicon *lx, const int32_t *cps, size_t a, size_t b);

/* "1.250,90tl" and "500tl" are an amount and a currency, not a code. Returns
 * 1 when the piece was split and added. */
static int split_amount(nlp_text *t, const nlp_lexicon *lx, const int32_t *cps, size_t a, size_t b)
{
    size_t i = a;
    int seps = 0;
    while (i < b && (is_digit(cps[i]) || cps[i] == '.' || cps[i] == ','))
        seps += !is_digit(cps[i++]);
    if (i == a || i == b || !is_digit(cps[i - 1]))
        return 0;
    for (size_t k = i; k < b; k++)
        if (!is_letter(cps[k]))
            return 0;
    if (!seps && !is_currency_suffix(cps, i, b))
        return 0;
    add_piece(t, lx, cps, a, i);
    add_piece(t, lx, cps, i, b);
    return 1;
}

static void add_piece(nlp_text *t, const nlp_lexicon *lx, const int32_t *cps, size_t a, size_t b)
{
    char buf[NLP_MAX_TOKEN_LEN + 8];
    int letters, digits;
    /* numeric separators only matter between digits */
    while (a < b && (cps[a] == '.' || cps[a] == ','))
        a++;
    while (b > a && (cps[b - 1] == '.' || cps[b - 1] == ','))
        b--;
    if (a >= b)
        return;
    if (split_amount(t, lx, cps, a, b))
        return;
    size_t n = piece_skeleton(cps, a, b, buf, sizeof buf - 4, &letters, &digits);
    if (letters && digits)
        add_word(t, lx, buf, n, NLP_TOK_ALNUM);
    else if (digits)
        add_token(t, buf, n, NLP_TOK_NUMBER, 0);
    else if (n)
        add_word(t, lx, buf, n, NLP_TOK_WORD);
}

/* Splits one space-free chunk into tokens. */
static void tokenise_chunk(nlp_text *t, const nlp_lexicon *lx, const int32_t *cps, size_t a,
                           size_t b, int has_at)
{
    while (a < b && !is_letter(cps[a]) && !is_digit(cps[a]) && cps[a] != '+')
        a++;
    while (b > a && !is_letter(cps[b - 1]) && !is_digit(cps[b - 1]))
        b--;
    if (a >= b)
        return;
    if (has_at && is_email(cps, a, b)) {
        char buf[NLP_MAX_TOKEN_LEN * 2 + 8];
        size_t n = 0;
        for (size_t i = a; i < b && n + 1 < sizeof buf; i++)
            buf[n++] = cps[i] == CP_DOTLESS_I ? 'i' : (char)cps[i];
        add_token(t, buf, n, NLP_TOK_EMAIL, 0);
        return;
    }
    size_t start = a;
    int skipping = 0; /* after an apostrophe: a suffix on a proper noun */
    for (size_t i = a; i <= b; i++) {
        int32_t cp = i < b ? cps[i] : ' ';
        int numeric_sep = (cp == '.' || cp == ',') && i > a && i + 1 < b && is_digit(cps[i - 1]) &&
                          is_digit(cps[i + 1]);
        int part = is_letter(cp) || is_digit(cp) || numeric_sep;
        if (skipping) {
            if (!is_letter(cp)) {
                skipping = 0;
                start = i + 1;
            }
            continue;
        }
        if (part && i - start < NLP_MAX_TOKEN_LEN)
            continue;
        if (part) { /* an absurdly long run: cut it */
            add_piece(t, lx, cps, start, i);
            start = i;
            continue;
        }
        add_piece(t, lx, cps, start, i);
        if (cp == '\'' && i > start) {
            skipping = 1;
            continue;
        }
        start = i + 1;
    }
}

/* Appends the display form of one chunk to t->folded: letters, digits, and
 * whole e-mail addresses; other punctuation separates words. */
static void append_folded(nlp_text *t, const int32_t *cps, size_t a, size_t b, int has_at)
{
    int email = has_at && is_email(cps, a, b);
    /* gathered here and added in one go: a call per code point was most of it */
    char out[256];
    size_t n = 0;
    int any = t->folded.len > 0; /* t->folded has something, with out[0..n) */
    int need_space = any;
    for (size_t k = a; k < b; k++) {
        int32_t cp = cps[k];
        int keep = email || is_letter(cp) || is_digit(cp) ||
                   ((cp == '.' || cp == ',') && k > a && k + 1 < b && is_digit(cps[k - 1]) &&
                    is_digit(cps[k + 1]));
        if (!keep) {
            need_space = any;
            continue;
        }
        if (n + 5 > sizeof out) {
            buf_add(&t->folded, out, n);
            n = 0;
        }
        if (need_space)
            out[n++] = ' ';
        need_space = 0;
        any = 1;
        if (cp < 0x80) {
            out[n++] = (char)cp;
        } else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | cp >> 6);
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            n += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + n);
        }
    }
    if (n)
        buf_add(&t->folded, out, n);
}

/* A chunk of letters only, as append_folded, tokenise_chunk and add_piece
 * take it: all of it shown (after a space), and one word whose skeleton is
 * made in the same loop (piece_skeleton's, which cuts at the same place). */
static void add_letters(nlp_text *t, const nlp_lexicon *lx, const int32_t *cps, size_t a, size_t b)
{
    char out[NLP_MAX_TOKEN_LEN * 4 + 2];
    char skel[NLP_MAX_TOKEN_LEN + 8];
    const size_t cap = sizeof skel - 4; /* add_piece's */
    size_t n = 0, k = 0;
    if (t->folded.len > 0)
        out[n++] = ' ';
    for (size_t i = a; i < b; i++) {
        int32_t cp = cps[i];
        if (cp < 0x80) {
            out[n++] = (char)cp;
            if (k + 1 < cap)
                skel[k++] = (char)cp;
            continue;
        }
        size_t first = n;
        if (cp < 0x800) {
            out[n++] = (char)(0xC0 | cp >> 6);
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            n += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + n);
        }
        char c = skeleton_char(cp);
        if (c) {
            if (k + 1 < cap)
                skel[k++] = c;
        } else if (k + (n - first) < cap) {
            copy_short(skel + k, out + first, n - first);
            k += n - first;
        }
    }
    buf_add(&t->folded, out, n);
    skel[k] = '\0';
    if (k)
        add_word(t, lx, skel, k, NLP_TOK_WORD);
}

ds_status nlp_normalise(const nlp_lexicon *lx, const char *in, size_t len, nlp_text *t,
                        ds_error *err)
{
    size_t n = 0;
    int needs_nfc = 0;
    reset(t);
    int has_at = 0, compose_first;
    size_t w = 0;
    ds_status st = decode_fold(t, (const uint8_t *)in, len, &w, &has_at, &compose_first, err);
    if (st != DS_OK)
        return st;
    int32_t *f = t->cps; /* after decode_fold, which may have moved it */
    if (compose_first) {
        /* raw code points at cps[0..n), composed, folded ones after them */
        t->truncated = 0;
        if ((st = decode(t, (const uint8_t *)in, len, &n, &needs_nfc, err)) != DS_OK)
            return st;
        if (needs_nfc && (st = compose(t, &n, err)) != DS_OK)
            return st;
        if (!ensure_cps(t, n * 8 + 8))
            return ds_fail(err, DS_ENOMEM, "out of memory");
        f = t->cps + n;
        w = fold(t->cps, n, f, &has_at);
    }
    size_t a = 0;
    int letters = 1; /* f[a..i) is letters only */
    for (size_t i = 0; i <= w; i++) {
        if (i < w && f[i] != ' ') {
            letters &= is_letter(f[i]);
            continue;
        }
        if (i > a && letters && i - a <= NLP_MAX_TOKEN_LEN) {
            /* a plain word, most chunks: nothing to trim, cut or keep out,
             * one piece (what append_folded and tokenise_chunk make of it) */
            add_letters(t, lx, f, a, i);
        } else if (i > a) {
            /* an address needs its '@': most chunks of most messages have none */
            int at = 0;
            for (size_t k = a; k < i && (has_at & 1) && !at; k++)
                at = f[k] == '@';
            append_folded(t, f, a, i, at);
            tokenise_chunk(t, lx, f, a, i, at);
        }
        a = i + 1;
        letters = 1;
    }
    t->question_mark = (has_at >> 1) & 1;
    buf_add(&t->folded, "", 0); /* each NUL-terminated, even when empty */
    buf_add(&t->skeleton, "", 0);
    buf_add(&t->tokbuf, "", 0);
    if (t->folded.failed || t->skeleton.failed || t->tokbuf.failed)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->token_count; i++)
        t->toks[i].text = t->tokbuf.data + t->tok_off[i];
    nlp__find_entities(t);
    if (t->entbuf.failed) {
        t->entity_count = 0;
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    return DS_OK;
}

const char *nlp_text_folded(const nlp_text *t)
{
    return t->folded.data ? t->folded.data : "";
}

const char *nlp_text_skeleton(const nlp_text *t)
{
    return t->skeleton.data ? t->skeleton.data : "";
}

size_t nlp_text_skeleton_len(const nlp_text *t)
{
    return t->skeleton.len;
}

size_t nlp_text_token_count(const nlp_text *t)
{
    return t->token_count;
}

const nlp_token *nlp_text_token(const nlp_text *t, size_t i)
{
    return i < t->token_count ? &t->toks[i] : NULL;
}

size_t nlp_text_entity_count(const nlp_text *t)
{
    return t->entity_count;
}

const nlp_entity *nlp_text_entity(const nlp_text *t, size_t i)
{
    return i < t->entity_count ? &t->ents[i] : NULL;
}

int nlp_text_truncated(const nlp_text *t)
{
    return t->truncated;
}

int nlp_text_question_mark(const nlp_text *t)
{
    return t->question_mark;
}
