/* SPDX-License-Identifier: MIT */
/* A spelling dictionary's words (a hunspell .dic, such as Debian's
 * hunspell-tr) as a set of skeletons, so that typo correction never turns a
 * real Turkish word into another ("eşarp" is not "hesap"). 370,000 words:
 * a blob of length-prefixed strings (4.6 MB), an open-addressing table of
 * offsets into it, each tagged with half the word's hash so that a probe
 * rarely reads a word (4 MB, at most three quarters full), and a bloom set
 * in front that answers the lookups of stems that are no word. Loading reads the file in blocks,
 * folds and hashes each word in one loop and inserts it a few words later, once its slot has been
 * prefetched: ~35 ms instead of ~80. Built by the KB loader; read-only afterwards, so any thread
 * may look words up. nlp_dict_image.c keeps what was built as a file that later starts map
 * instead: what changes the words read or where they land here changes DICT_RULES_VERSION or
 * the fingerprint of nlp__dict_rules. */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE, beside the build's POSIX 2008 */
#include "nlp_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Bits of the bloom set per word: most lookups (the stems of a token that is
 * no word) are misses, answered from ~340 KB instead of the 8 MB table. */
#define DICT_BLOOM_BITS_PER_WORD 8
/* fgets() with a buffer of this size read the file before: a longer line
 * came as several pieces, each taken as a line of its own (the pieces after
 * the first are affix flags, never a word, but the reading is kept exact). */
#define DICT_PIECE_MAX 511
/* The largest dictionary file read (Debian's Turkish one is 5 MB). */
#define DICT_FILE_MAX (64 << 20)
#define DICT_BLOCK (64 * 1024)

/* The bloom word of hash h and the two bits of it that h sets: one cache
 * line a lookup. */
static uint64_t bloom_bits(const nlp_lexicon *lx, uint64_t h, size_t *word)
{
    uint64_t x = h * 0xFF51AFD7ED558CCDULL;
    *word = (size_t)(x >> 40) & lx->dict_bloom_mask;
    return 1ULL << (x >> 16 & 63) | 1ULL << (x >> 24 & 63);
}

static int bloom_may_have(const nlp_lexicon *lx, uint64_t h)
{
    size_t word;
    uint64_t bits = bloom_bits(lx, h, &word);
    return (lx->dict_bloom[word] & bits) == bits;
}

static void bloom_add(nlp_lexicon *lx, uint64_t h)
{
    size_t word;
    uint64_t bits = bloom_bits(lx, h, &word);
    lx->dict_bloom[word] |= bits;
}

/* A slot: the hash's top half, then the word's offset in the blob (0: empty). */
static uint64_t slot_of(uint64_t h, uint32_t off)
{
    return (h & 0xFFFFFFFF00000000ULL) | off;
}

/* The slot holding s[0..len), or the empty one where it would go. */
static size_t table_find(const nlp_lexicon *lx, const char *s, size_t len, uint64_t h)
{
    size_t mask = lx->dict_slots - 1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t v = lx->dict_table[i];
        if (!v)
            return i;
        if ((uint32_t)(v >> 32) != tag)
            continue;
        const char *e = lx->dict_blob + (uint32_t)v;
        if ((unsigned char)e[0] == len && memcmp(e + 1, s, len) == 0)
            return i;
    }
}

/* The table is megabytes written and probed at random: in 2 MB pages, a
 * few page faults fill it instead of one a 4 KB page (2,048 for Debian's
 * dictionary), and its lookups miss the TLB less. A hint: the kernel may
 * give small pages (transparent huge pages off), and then nothing changes. */
#define DICT_HUGE_PAGE ((size_t)2 << 20)

/* Asks for huge pages in the whole 2 MB pages of p[0..len) not yet touched. */
static void advise_huge(void *p, size_t len)
{
    uintptr_t a = ((uintptr_t)p + DICT_HUGE_PAGE - 1) & ~(uintptr_t)(DICT_HUGE_PAGE - 1);
    uintptr_t b = ((uintptr_t)p + len) & ~(uintptr_t)(DICT_HUGE_PAGE - 1);
#ifdef MADV_HUGEPAGE
    if (b > a)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)a;
    (void)b;
#endif
}

void *nlp__dict_alloc_table(size_t len, void **mem)
{
    size_t pad = len >= DICT_HUGE_PAGE ? DICT_HUGE_PAGE : 64;
    char *m = ds_malloc(len + pad);
    if (!m)
        return NULL;
    *mem = m;
    uintptr_t p = ((uintptr_t)m + pad - 1) & ~(uintptr_t)(pad - 1);
    if (pad == DICT_HUGE_PAGE)
        advise_huge((void *)p, len);
    return (void *)p;
}

static size_t pow2_at_least(size_t n)
{
    size_t p = 64;
    while (p < n)
        p *= 2;
    return p;
}

/* Makes room for `count` words at three quarters load at most (a probe
 * rarely leaves its cache line, and the tags answer without reading the
 * words): a new table and bloom set, every word already there put back
 * (from its stored text). */
static ds_status reserve(nlp_lexicon *lx, size_t count)
{
    if (count * 4 <= lx->dict_slots * 3)
        return DS_OK;
    size_t slots = pow2_at_least(count * 4 / 3 + 1 < (1u << 16) ? 1u << 16 : count * 4 / 3 + 1);
    size_t bits = pow2_at_least(count * DICT_BLOOM_BITS_PER_WORD);
    /* zeroed by writing: calloc's fresh pages are mapped to the zero page on
     * the first probe's read and copied on the insert's write, two faults a
     * page where one does */
    void *mem = NULL;
    uint64_t *t = nlp__dict_alloc_table(slots * sizeof *t, &mem);
    uint64_t *bloom = ds_malloc(bits / 64 * sizeof *bloom);
    if (!t || !bloom) {
        ds_free(mem);
        ds_free(bloom);
        return DS_ENOMEM;
    }
    memset(t, 0, slots * sizeof *t);
    memset(bloom, 0, bits / 64 * sizeof *bloom);
    uint64_t *old = lx->dict_table;
    void *old_mem = lx->dict_table_mem;
    size_t old_slots = lx->dict_slots;
    ds_free(lx->dict_bloom);
    lx->dict_table = t;
    lx->dict_table_mem = mem;
    lx->dict_slots = slots;
    lx->dict_bloom = bloom;
    lx->dict_bloom_mask = bits / 64 - 1;
    for (size_t i = 0; i < old_slots; i++) {
        if (!old[i])
            continue;
        const char *e = lx->dict_blob + (uint32_t)old[i];
        uint64_t h = nlp__hash(e + 1, (unsigned char)e[0]);
        size_t k = h & (slots - 1);
        while (t[k])
            k = (k + 1) & (slots - 1);
        t[k] = slot_of(h, (uint32_t)old[i]);
        bloom_add(lx, h);
    }
    ds_free(old_mem);
    return DS_OK;
}

/* Adds s[0..len) (3..255 bytes), whose hash is h, unless it is there. */
static ds_status add_folded(nlp_lexicon *lx, const char *s, size_t len, uint64_t h)
{
    if (reserve(lx, lx->dict_count + 1) != DS_OK)
        return DS_ENOMEM;
    size_t k = table_find(lx, s, len, h);
    if (lx->dict_table[k])
        return DS_OK;
    if (lx->dict_len + len + 2 > UINT32_MAX)
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
    lx->dict_table[k] = slot_of(h, off);
    bloom_add(lx, h);
    lx->dict_count++;
    return DS_OK;
}

/* Words on their way into the table. The table is megabytes and every word
 * lands in a random slot of it, so each insert used to wait for memory:
 * a word's slot is prefetched when it is read and the word inserted
 * DICT_AHEAD words later, in the file's order. */
#define DICT_AHEAD 16

typedef struct pending {
    uint64_t hash;
    size_t len;
    char text[256];
} pending;

typedef struct dict_queue {
    pending w[DICT_AHEAD];
    size_t head, count;
} dict_queue;

/* Inserts the oldest pending word. */
static ds_status queue_pop(nlp_lexicon *lx, dict_queue *q)
{
    pending *p = &q->w[q->head];
    q->head = (q->head + 1) % DICT_AHEAD;
    q->count--;
    return add_folded(lx, p->text, p->len, p->hash);
}

/* The ASCII letter of a Turkish letter's second UTF-8 byte (0x80..0xBF),
 * after a first byte of 0xC3 (Â Ç Î Ö Û Ü â ç î ö û ü), 0xC4 (Ğ ğ İ ı) or
 * 0xC5 (Ş ş); 0 for anything else. */
static const char fold_c3[64] = {
    [0x02] = 'a', [0x07] = 'c', [0x0E] = 'i', [0x16] = 'o', [0x1B] = 'u', [0x1C] = 'u',
    [0x22] = 'a', [0x27] = 'c', [0x2E] = 'i', [0x36] = 'o', [0x3B] = 'u', [0x3C] = 'u',
};
static const char fold_c4[64] = {[0x1E] = 'g', [0x1F] = 'g', [0x30] = 'i', [0x31] = 'i'};
static const char fold_c5[64] = {[0x1E] = 's', [0x1F] = 's'};

/* What fold_word does with a byte, by one load: an ASCII letter is its
 * lower case ('a'..'z'), then DICT_END (the word ends: '/', a newline, a
 * tab, a carriage return, NUL), DICT_LEAD (0xC3..0xC5: maybe a Turkish
 * letter), DICT_BAD (anything else). */
enum { DICT_BAD = 0, DICT_END = 1, DICT_LEAD = 2 };
#define L(c) [c] = (c) | 0x20, [(c) | 0x20] = (c) | 0x20
/* clang-format off */
static const unsigned char byte_class[256] = {
    L('A'), L('B'), L('C'), L('D'), L('E'), L('F'), L('G'), L('H'), L('I'),
    L('J'), L('K'), L('L'), L('M'), L('N'), L('O'), L('P'), L('Q'), L('R'),
    L('S'), L('T'), L('U'), L('V'), L('W'), L('X'), L('Y'), L('Z'),
    ['/'] = DICT_END, ['\n'] = DICT_END, ['\t'] = DICT_END, ['\r'] = DICT_END, ['\0'] = DICT_END,
    [0xC3] = DICT_LEAD, [0xC4] = DICT_LEAD, [0xC5] = DICT_LEAD,
};
/* clang-format on */
#undef L

/* The skeleton of the word at the start of a line p[0..n) (up to '/', a tab
 * or the line's end) into out[0..256): lower case, Turkish letters folded to
 * ASCII. Returns its length, or 0 when it has anything else (digits, other
 * scripts, spaces) or is longer than 255. *word_len gets the word's length
 * in bytes. */
static size_t fold_word(const unsigned char *p, size_t n, char *out, size_t *word_len)
{
    size_t o = 0, i = 0; /* o counts every letter; past 255 the word is refused */
    int bad = 0;
    for (; i < n; i++) {
        unsigned char c = p[i], k = byte_class[c];
        if (k >= 'a') { /* most bytes */
            out[o++ & 255] = (char)k;
            continue;
        }
        if (k == DICT_END)
            break;
        unsigned char f = 0;
        if (k == DICT_LEAD && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0xBF) {
            const char *tab = c == 0xC3 ? fold_c3 : c == 0xC4 ? fold_c4 : fold_c5;
            f = (unsigned char)tab[p[i + 1] - 0x80];
            i += f != 0;
        }
        if (f)
            out[o++ & 255] = (char)f;
        else
            bad = 1;
    }
    *word_len = i;
    return bad || o > 255 ? 0 : o;
}

/* The word count on a .dic's first line, if it has one, believed up to
 * what a file of `size` bytes can hold (a word of 3+ letters and its
 * newline): sizes the table. */
static size_t count_hint(const unsigned char *p, size_t n, size_t size)
{
    size_t v = 0;
    for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9' && v <= size / 4; i++)
        v = v * 10 + (p[i] - '0');
    return v < size / 4 ? v : size / 4;
}

ds_status nlp__dict_read(nlp_lexicon *lx, FILE *f, const struct stat *sb, const char *path,
                         size_t *added, ds_error *err)
{
    /* a file, and of a dictionary's size: a device or a pipe would read
     * forever */
    if (!S_ISREG(sb->st_mode) || sb->st_size > (off_t)DICT_FILE_MAX)
        return ds_fail(err, DS_EIO, "%s is not a dictionary file of at most %d MB", path,
                       DICT_FILE_MAX >> 20);
    size_t before = lx->dict_count;
    ds_status st = DS_OK;
    unsigned char *buf = ds_malloc(DICT_BLOCK + DICT_PIECE_MAX);
    if (!buf)
        return ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
    size_t size = sb->st_size > 0 ? (size_t)sb->st_size : 0;
    size_t start = 0, end = 0;
    int eof = 0, first = 1;
    dict_queue q;
    q.head = q.count = 0;
    while (st == DS_OK) {
        /* the next piece, as fgets(line, DICT_PIECE_MAX + 1, f) gave it: up
         * to and with a newline, at most DICT_PIECE_MAX bytes */
        size_t avail = end - start;
        const unsigned char *p = buf + start;
        const unsigned char *nl = memchr(p, '\n', avail < DICT_PIECE_MAX ? avail : DICT_PIECE_MAX);
        size_t n;
        if (nl) {
            n = (size_t)(nl - p) + 1;
        } else if (avail >= DICT_PIECE_MAX) {
            n = DICT_PIECE_MAX;
        } else if (!eof) {
            memmove(buf, p, avail);
            start = 0;
            end = avail;
            size_t got = fread(buf + end, 1, DICT_BLOCK, f);
            end += got;
            if (got < DICT_BLOCK)
                eof = 1;
            continue;
        } else if (avail) {
            n = avail;
        } else {
            break;
        }
        start += n;
        size_t word_len;
        pending *w = &q.w[(q.head + q.count) % DICT_AHEAD];
        size_t len = fold_word(p, n, w->text, &word_len);
        if (first) {
            first = 0;
            if (word_len && p[0] >= '0' && p[0] <= '9') { /* the word count */
                /* and the blob: a word's skeleton is no longer than its line */
                int oom = 0;
                size_t hint = count_hint(p, word_len, size);
                if (hint) {
                    size_t had = lx->dict_cap;
                    lx->dict_blob = ds_grow(lx->dict_blob, &lx->dict_cap,
                                            lx->dict_len + (size < UINT32_MAX ? size : 0), 1, &oom);
                    if (!oom && lx->dict_cap > had) /* the new part, written word by word */
                        advise_huge(lx->dict_blob + had, lx->dict_cap - had);
                }
                if (oom || reserve(lx, lx->dict_count + hint) != DS_OK)
                    st = ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
                continue;
            }
        }
        if (len < 3 || len > 255)
            continue; /* two letters are anybody's typo */
        w->len = len;
        w->hash = nlp__hash(w->text, len);
        if (lx->dict_slots) { /* written out here: GCC drops a call that only prefetches */
            size_t word;
            bloom_bits(lx, w->hash, &word);
            __builtin_prefetch(&lx->dict_table[w->hash & (lx->dict_slots - 1)]);
            __builtin_prefetch(&lx->dict_bloom[word]);
        }
        if (++q.count == DICT_AHEAD && queue_pop(lx, &q) != DS_OK)
            st = ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
    }
    while (st == DS_OK && q.count)
        if (queue_pop(lx, &q) != DS_OK)
            st = ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
    if (st == DS_OK && ferror(f))
        st = ds_fail(err, DS_EIO, "cannot read %s", path);
    ds_free(buf);
    if (added)
        *added = lx->dict_count - before;
    return st;
}

/* Bump when the reading of a .dic changes in a way the fingerprint below
 * cannot see (fold_word's or the loop's logic, the table's or bloom set's
 * layout, reserve's sizes): images made before are then stale. */
#define DICT_RULES_VERSION 1

uint64_t nlp__dict_rules(void)
{
    /* the tables and limits the words are read and placed with, and the
     * hash (by what it makes of a few words): a change to any of them
     * makes every image stale without a bump by hand */
    unsigned char buf[256 + 3 * 64 + 16 * 8];
    size_t n = 0;
    memcpy(buf + n, byte_class, 256);
    n += 256;
    memcpy(buf + n, fold_c3, 64);
    memcpy(buf + n + 64, fold_c4, 64);
    memcpy(buf + n + 128, fold_c5, 64);
    n += 3 * 64;
    static const char *const probes[] = {"abc", "esarp", "istanbul", "kargomnerede",
                                         "siparisimiptaletmekistiyorum"};
    nlp_lexicon probe;
    memset(&probe, 0, sizeof probe);
    probe.dict_bloom_mask = 0xFFFF;
    uint64_t v[16] = {DICT_RULES_VERSION, DICT_BLOOM_BITS_PER_WORD,
                      DICT_PIECE_MAX,     DICT_FILE_MAX,
                      DICT_AHEAD,         sizeof(size_t)};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        size_t word;
        uint64_t h = nlp__hash(probes[i], strlen(probes[i]));
        v[6 + 2 * i] = h;
        v[7 + 2 * i] = bloom_bits(&probe, h, &word) ^ (uint64_t)word << 1;
    }
    memcpy(buf + n, v, sizeof v);
    n += sizeof v;
    return nlp__hash((const char *)buf, n);
}

int nlp_lexicon_is_dictionary_word(const nlp_lexicon *lx, const char *s, size_t len)
{
    if (!lx || !lx->dict_slots || len > 255)
        return 0;
    uint64_t h = nlp__hash(s, len);
    return bloom_may_have(lx, h) && lx->dict_table[table_find(lx, s, len, h)] != 0;
}
