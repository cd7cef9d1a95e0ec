/* SPDX-License-Identifier: MIT */
/* A spelling dictionary's words (a hunspell .dic, such as Debian's
 * hunspell-tr) as a compact set of skeletons, so that typo correction never
 * turns a real Turkish word into another ("eşarp" is not "hesap"). 370,000
 * words: one blob of length-prefixed strings and an open-addressing table of
 * offsets into it, about 7 MB, built in one pass. */
#include "nlp_int.h"

#include <stdio.h>
#include <string.h>

static uint64_t word_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ULL;
    return h;
}

/* The skeleton of a dictionary word (lower case, Turkish letters folded to
 * ASCII), or 0 when it has anything else (digits, other scripts, spaces). */
static size_t fold_word(const char *w, size_t n, char *out, size_t cap)
{
    static const struct {
        char b0, b1, to;
    } two[] = {
        {'\xc3', '\xa7', 'c'}, {'\xc3', '\x87', 'c'}, {'\xc4', '\x9f', 'g'}, {'\xc4', '\x9e', 'g'},
        {'\xc4', '\xb1', 'i'}, {'\xc4', '\xb0', 'i'}, {'\xc3', '\xb6', 'o'}, {'\xc3', '\x96', 'o'},
        {'\xc5', '\x9f', 's'}, {'\xc5', '\x9e', 's'}, {'\xc3', '\xbc', 'u'}, {'\xc3', '\x9c', 'u'},
        {'\xc3', '\xa2', 'a'}, {'\xc3', '\x82', 'a'}, {'\xc3', '\xae', 'i'}, {'\xc3', '\x8e', 'i'},
        {'\xc3', '\xbb', 'u'}, {'\xc3', '\x9b', 'u'},
    };
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = w[i], f = 0;
        if (c >= 'a' && c <= 'z')
            f = c;
        else if (c >= 'A' && c <= 'Z')
            f = (char)(c + 32);
        else if (i + 1 < n)
            for (size_t k = 0; k < sizeof two / sizeof two[0] && !f; k++)
                if (two[k].b0 == c && two[k].b1 == w[i + 1])
                    f = two[k].to, i++;
        if (!f || o + 1 >= cap)
            return 0;
        out[o++] = f;
    }
    return o;
}

static int table_find(const nlp_lexicon *lx, const char *s, size_t len, uint64_t h)
{
    size_t mask = lx->dict_slots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t off = lx->dict_table[i];
        if (!off)
            return 0;
        const char *e = lx->dict_blob + off;
        if ((unsigned char)e[0] == len && memcmp(e + 1, s, len) == 0)
            return 1;
    }
}

static ds_status grow_table(nlp_lexicon *lx)
{
    size_t slots = lx->dict_slots ? lx->dict_slots * 2 : 1u << 16;
    uint32_t *t = ds_calloc(slots, sizeof *t);
    if (!t)
        return DS_ENOMEM;
    for (size_t i = 0; i < lx->dict_slots; i++) {
        uint32_t off = lx->dict_table[i];
        if (!off)
            continue;
        const char *e = lx->dict_blob + off;
        size_t k = word_hash(e + 1, (unsigned char)e[0]) & (slots - 1);
        while (t[k])
            k = (k + 1) & (slots - 1);
        t[k] = off;
    }
    ds_free(lx->dict_table);
    lx->dict_table = t;
    lx->dict_slots = slots;
    return DS_OK;
}

static ds_status add_folded(nlp_lexicon *lx, const char *s, size_t len)
{
    if (len < 3 || len > 255)
        return DS_OK; /* two letters are anybody's typo */
    uint64_t h = word_hash(s, len);
    if (lx->dict_slots && table_find(lx, s, len, h))
        return DS_OK;
    if ((lx->dict_count + 1) * 2 > lx->dict_slots && grow_table(lx) != DS_OK)
        return DS_ENOMEM;
    if (lx->dict_len + len + 1 > UINT32_MAX)
        return DS_ENOMEM;
    int oom = 0;
    lx->dict_blob = ds_grow(lx->dict_blob, &lx->dict_cap, lx->dict_len + len + 2, 1, &oom);
    if (oom)
        return DS_ENOMEM;
    if (!lx->dict_len)
        lx->dict_len = 1; /* offset 0 marks an empty slot */
    uint32_t off = (uint32_t)lx->dict_len;
    lx->dict_blob[lx->dict_len] = (char)len;
    memcpy(lx->dict_blob + lx->dict_len + 1, s, len);
    lx->dict_len += len + 1;
    size_t k = h & (lx->dict_slots - 1);
    while (lx->dict_table[k])
        k = (k + 1) & (lx->dict_slots - 1);
    lx->dict_table[k] = off;
    lx->dict_count++;
    return DS_OK;
}

ds_status nlp_lexicon_load_dictionary(nlp_lexicon *lx, const char *path, size_t *added,
                                      ds_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ds_fail(err, DS_EIO, "cannot open %s", path);
    size_t before = lx->dict_count;
    char line[512], folded[256];
    ds_status st = DS_OK;
    int first = 1;
    while (st == DS_OK && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "/\t\r\n");
        if (first && n && line[0] >= '0' && line[0] <= '9') { /* the word count */
            first = 0;
            continue;
        }
        first = 0;
        size_t len = fold_word(line, n, folded, sizeof folded);
        if (len && add_folded(lx, folded, len) != DS_OK)
            st = ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
    }
    if (st == DS_OK && ferror(f))
        st = ds_fail(err, DS_EIO, "cannot read %s", path);
    fclose(f);
    if (added)
        *added = lx->dict_count - before;
    return st;
}

int nlp_lexicon_is_dictionary_word(const nlp_lexicon *lx, const char *s, size_t len)
{
    return lx && lx->dict_slots && len <= 255 && table_find(lx, s, len, word_hash(s, len));
}
