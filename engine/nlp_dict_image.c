/* SPDX-License-Identifier: MIT */
/* A spelling dictionary's words as an image: the blob, table and bloom set
 * that nlp_dict.c builds from a .dic, written once to a cache file and
 * mapped at start-up instead of reading, folding and inserting 370,000
 * words again (~20 ms of a command's ~34). An image is outside input (any
 * process of the user may write the cache): every field is checked, and a
 * checksum taken, before a word is looked up in it, and one found wanting
 * is ignored and made again. Not for the event loop; the lexicon is
 * read-only afterwards, as with a .dic read. */
#define _DEFAULT_SOURCE /* MAP_POPULATE, realpath, mkstemp, fchmod */
#include "nlp_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define IMAGE_MAGIC "DSTKDIC\n"
/* 0x0102030405060708 as the writer stored it: an image of a machine of the
 * other byte order reads differently */
#define IMAGE_ORDER 0x0102030405060708ULL
/* Bump when the layout below changes (the rules the words are read by
 * have their own fingerprint, nlp__dict_rules). */
#define IMAGE_VERSION 1
/* An image larger than this is none of ours (Debian's Turkish one: 9 MB). */
#define IMAGE_MAX ((uint64_t)1 << 30)

/* At offset 0 of an image, in the writer's byte order, then: the .dic's
 * path (path_len bytes), the blob (blob_len bytes and NLP_DICT_PAD zeros;
 * offset 0 is no word), the table (slots words, at a page boundary), the
 * bloom set (bloom_words words). file_len is a multiple of 8; sum is the
 * checksum of every byte with sum's own read as 0. */
typedef struct image_header {
    char magic[8];
    uint64_t order, version, rules;
    uint64_t src_size, src_ino, src_dev;
    uint64_t src_mtime_s, src_mtime_ns, src_ctime_s, src_ctime_ns;
    uint64_t path_off, path_len;
    uint64_t count;
    uint64_t blob_off, blob_len;
    uint64_t table_off, slots;
    uint64_t bloom_off, bloom_words;
    uint64_t file_len;
    uint64_t spare[2]; /* 0: the header is 192 bytes */
    uint64_t sum;
} image_header;

_Static_assert(sizeof(image_header) % 32 == 0, "the checksum reads the header in 32-byte blocks");

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* The checksum: XXH64's rounds in four lanes (~1 ms for 9 MB), enough to
 * tell a torn or altered image, not a defence against a forger (who could
 * write a valid image of other words; the bounds make any image safe to
 * read, the cache directory's permissions keep others out). */
#define SUM_P1 0x9E3779B185EBCA87ULL
#define SUM_P2 0xC2B2AE3D27D4EB4FULL

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

typedef struct sum_state {
    uint64_t v[4];
    uint64_t len;
} sum_state;

static void sum_init(sum_state *s)
{
    s->v[0] = SUM_P1 + SUM_P2;
    s->v[1] = SUM_P2;
    s->v[2] = 0;
    s->v[3] = 0 - SUM_P1;
    s->len = 0;
}

/* p[0..n), n a multiple of 8, and of 32 but on the last call. */
static void sum_add(sum_state *s, const unsigned char *p, size_t n)
{
    size_t i = 0;
    uint64_t v0 = s->v[0], v1 = s->v[1], v2 = s->v[2], v3 = s->v[3];
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        v0 = rotl(v0 + w[0] * SUM_P2, 31) * SUM_P1;
        v1 = rotl(v1 + w[1] * SUM_P2, 31) * SUM_P1;
        v2 = rotl(v2 + w[2] * SUM_P2, 31) * SUM_P1;
        v3 = rotl(v3 + w[3] * SUM_P2, 31) * SUM_P1;
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        v0 = rotl(v0 + w * SUM_P2, 31) * SUM_P1;
    }
    s->v[0] = v0, s->v[1] = v1, s->v[2] = v2, s->v[3] = v3;
    s->len += n;
}

static uint64_t sum_end(const sum_state *s)
{
    uint64_t h = rotl(s->v[0], 1) + rotl(s->v[1], 7) + rotl(s->v[2], 12) + rotl(s->v[3], 18);
    h ^= s->len;
    h ^= h >> 33;
    h *= SUM_P2;
    h ^= h >> 29;
    h *= SUM_P1;
    h ^= h >> 32;
    return h;
}

/* The words of a table t[0..n) in use, in *used, and 1 in *bad when one
 * points outside a blob of blob_len bytes (or at its byte 0), taken in
 * the checksum's pass over them: a second pass over 4 MB cost ~8M
 * instructions of a start-up's ~160M. n is a multiple of 4. */
typedef struct table_scan {
    uint64_t blob_len, used, bad;
} table_scan;

static void sum_add_table(sum_state *s, const unsigned char *p, size_t n, table_scan *ts)
{
    uint64_t v0 = s->v[0], v1 = s->v[1], v2 = s->v[2], v3 = s->v[3];
    uint64_t used = 0, bad = 0, lim = ts->blob_len - 1;
    for (size_t i = 0; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        v0 = rotl(v0 + w[0] * SUM_P2, 31) * SUM_P1;
        v1 = rotl(v1 + w[1] * SUM_P2, 31) * SUM_P1;
        v2 = rotl(v2 + w[2] * SUM_P2, 31) * SUM_P1;
        v3 = rotl(v3 + w[3] * SUM_P2, 31) * SUM_P1;
        for (int k = 0; k < 4; k++) {
            /* an offset of 0 wraps to the largest: out of bounds too */
            uint64_t in_use = w[k] != 0, off = (uint32_t)w[k];
            used += in_use;
            bad |= in_use & (off - 1 >= lim);
        }
    }
    s->v[0] = v0, s->v[1] = v1, s->v[2] = v2, s->v[3] = v3;
    s->len += n;
    ts->used = used;
    ts->bad = bad;
}

/* The checksum of an image of len bytes (len >= the header, a multiple
 * of 8); with ts, the table (at table_off, of slots words, both checked
 * against len) scanned on the way. */
static uint64_t image_sum(const unsigned char *p, size_t len, const image_header *ts_h,
                          table_scan *ts)
{
    image_header h;
    memcpy(&h, p, sizeof h);
    h.sum = 0;
    sum_state s;
    sum_init(&s);
    sum_add(&s, (const unsigned char *)&h, sizeof h);
    if (!ts) {
        sum_add(&s, p + sizeof h, len - sizeof h);
        return sum_end(&s);
    }
    size_t t0 = (size_t)ts_h->table_off, tn = (size_t)ts_h->slots * 8;
    sum_add(&s, p + sizeof h, t0 - sizeof h);
    sum_add_table(&s, p + t0, tn, ts);
    sum_add(&s, p + t0 + tn, len - t0 - tn);
    return sum_end(&s);
}

void nlp_dictionary_image_seal(void *p, size_t len)
{
    if (len < sizeof(image_header) || len % 8 || (uintptr_t)p % 8)
        return;
    uint64_t sum = image_sum(p, len, NULL, NULL);
    memcpy((unsigned char *)p + offsetof(image_header, sum), &sum, sizeof sum);
}

/* Why p[0..len) is no valid image (of key's file, when key is not NULL),
 * or NULL with *h its header. Cheap checks first: a stale image (the usual
 * case after an upgrade) costs no checksum. */
static const char *check(const unsigned char *p, size_t len, const nlp_dict_key *key,
                         image_header *h)
{
    if ((uintptr_t)p % 8)
        return "not 8-byte aligned";
    if (len < sizeof *h)
        return "truncated (shorter than its header)";
    memcpy(h, p, sizeof *h);
    if (memcmp(h->magic, IMAGE_MAGIC, sizeof h->magic) != 0)
        return "not a dictionary image";
    if (h->order != IMAGE_ORDER)
        return "written on a machine of the other byte order";
    if (h->version != IMAGE_VERSION)
        return "of another format version";
    if (h->rules != nlp__dict_rules())
        return "made by other folding rules (another destek)";
    if (h->file_len != len || len % 8)
        return h->file_len > len ? "truncated" : "not of the size its header says";
    if (key &&
        (h->src_size != key->size || h->src_ino != key->ino || h->src_dev != key->dev ||
         h->src_mtime_s != (uint64_t)key->mtime_s || h->src_mtime_ns != (uint64_t)key->mtime_ns ||
         h->src_ctime_s != (uint64_t)key->ctime_s || h->src_ctime_ns != (uint64_t)key->ctime_ns))
        return "stale: the .dic changed (size, inode, device or times) since it was made";
    /* the sections in order, each inside the file: every sum below is of
     * values already known to be at most len */
    if (h->path_off != sizeof *h || h->path_len > len - h->path_off)
        return "corrupt: its path is out of bounds";
    if (key &&
        (h->path_len != strlen(key->path) || memcmp(p + h->path_off, key->path, h->path_len) != 0))
        return "stale: made from another .dic";
    if (h->blob_off % 8 || h->blob_off < h->path_off + h->path_len || h->blob_off > len ||
        h->blob_len < 1 || h->blob_len > UINT32_MAX || h->blob_len > len - h->blob_off ||
        NLP_DICT_PAD > len - h->blob_off - h->blob_len)
        return "corrupt: its words are out of bounds";
    if (h->table_off % 64 || h->table_off < h->blob_off + h->blob_len + NLP_DICT_PAD ||
        h->table_off > len || h->slots < 64 || (h->slots & (h->slots - 1)) ||
        h->slots > (len - h->table_off) / 8)
        return "corrupt: its table is out of bounds";
    if (h->bloom_off % 8 || h->bloom_off < h->table_off + h->slots * 8 || h->bloom_off > len ||
        !h->bloom_words || (h->bloom_words & (h->bloom_words - 1)) ||
        h->bloom_words > (len - h->bloom_off) / 8)
        return "corrupt: its bloom set is out of bounds";
    /* a probe ends at an empty slot: there must be one (and the loader's
     * three-quarter bound holds, should words be added later) */
    if (h->count >= h->slots || h->count > h->slots / 4 * 3)
        return "corrupt: more words than its table holds";
    /* every word a probe can read is inside the blob (with its padding: a
     * length byte reads at most 255 bytes on), and the count is the
     * table's */
    table_scan ts = {.blob_len = h->blob_len};
    if (image_sum(p, len, h, &ts) != h->sum)
        return "corrupt: its checksum does not match";
    if (ts.bad)
        return "corrupt: a word's offset is out of bounds";
    if (ts.used != h->count)
        return "corrupt: its word count is not its table's";
    return NULL;
}

/* 1 when lx has no dictionary words, nor memory for them. */
static int fresh(const nlp_lexicon *lx)
{
    return !lx->dict_image && !lx->dict_blob && !lx->dict_table_mem && !lx->dict_bloom &&
           !lx->dict_count;
}

static void attach(nlp_lexicon *lx, const unsigned char *p, size_t len, const image_header *h,
                   int mapped)
{
    lx->dict_image = p;
    lx->dict_image_len = len;
    lx->dict_image_mapped = mapped;
    /* read-only: nothing writes through these while dict_image is set
     * (own_image copies first) */
    lx->dict_blob = (char *)(uintptr_t)(p + h->blob_off);
    lx->dict_len = (size_t)h->blob_len;
    lx->dict_cap = 0;
    lx->dict_count = (size_t)h->count;
    lx->dict_table = (uint64_t *)(uintptr_t)(p + h->table_off);
    lx->dict_table_mem = NULL;
    lx->dict_slots = (size_t)h->slots;
    lx->dict_bloom = (uint64_t *)(uintptr_t)(p + h->bloom_off);
    lx->dict_bloom_mask = (size_t)h->bloom_words - 1;
}

void nlp__dict_image_release(nlp_lexicon *lx)
{
    if (!lx->dict_image)
        return;
    if (lx->dict_image_mapped)
        (void)munmap((void *)(uintptr_t)lx->dict_image, lx->dict_image_len);
    lx->dict_image = NULL;
    lx->dict_image_len = 0;
    lx->dict_image_mapped = 0;
    lx->dict_blob = NULL;
    lx->dict_table = NULL;
    lx->dict_bloom = NULL;
}

ds_status nlp_lexicon_use_dictionary_image(nlp_lexicon *lx, const void *p, size_t len,
                                           const nlp_dict_key *key, ds_error *err)
{
    if (!lx || !p || !fresh(lx))
        return ds_fail(err, DS_EINVAL, "an image is for a lexicon without dictionary words");
    image_header h;
    const char *why = check(p, len, key, &h);
    if (why)
        return ds_fail(err, DS_EINPUT, "dictionary image %s", why);
    attach(lx, p, len, &h, 0);
    return DS_OK;
}

ds_status nlp_lexicon_dictionary_image(const nlp_lexicon *lx, const nlp_dict_key *key, void **out,
                                       size_t *len, ds_error *err)
{
    if (!lx || !key || !key->path || !lx->dict_slots || lx->dict_image)
        return ds_fail(err, DS_EINVAL, "no dictionary words of the lexicon's own to write");
    image_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, IMAGE_MAGIC, sizeof h.magic);
    h.order = IMAGE_ORDER;
    h.version = IMAGE_VERSION;
    h.rules = nlp__dict_rules();
    h.src_size = key->size;
    h.src_ino = key->ino;
    h.src_dev = key->dev;
    h.src_mtime_s = (uint64_t)key->mtime_s;
    h.src_mtime_ns = (uint64_t)key->mtime_ns;
    h.src_ctime_s = (uint64_t)key->ctime_s;
    h.src_ctime_ns = (uint64_t)key->ctime_ns;
    h.path_off = sizeof h;
    h.path_len = strlen(key->path);
    h.count = lx->dict_count;
    h.blob_off = align_up(h.path_off + h.path_len, 64);
    h.blob_len = lx->dict_len ? lx->dict_len : 1;
    h.table_off = align_up(h.blob_off + h.blob_len + NLP_DICT_PAD, 4096);
    h.slots = lx->dict_slots;
    h.bloom_off = align_up(h.table_off + h.slots * 8, 64);
    h.bloom_words = lx->dict_bloom_mask + 1;
    h.file_len = align_up(h.bloom_off + h.bloom_words * 8, 8);
    if (h.file_len > IMAGE_MAX)
        return ds_fail(err, DS_ETOOBIG, "a dictionary image would be over %llu MB",
                       (unsigned long long)(IMAGE_MAX >> 20));
    unsigned char *p = ds_calloc(1, (size_t)h.file_len);
    if (!p)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    memcpy(p, &h, sizeof h);
    memcpy(p + h.path_off, key->path, h.path_len);
    if (lx->dict_len > 1) /* byte 0 is no word's: left zero */
        memcpy(p + h.blob_off + 1, lx->dict_blob + 1, lx->dict_len - 1);
    memcpy(p + h.table_off, lx->dict_table, h.slots * 8);
    memcpy(p + h.bloom_off, lx->dict_bloom, h.bloom_words * 8);
    nlp_dictionary_image_seal(p, (size_t)h.file_len);
    *out = p;
    *len = (size_t)h.file_len;
    return DS_OK;
}

/* Copies an image's words into memory of lx's own (so that more words can
 * be added) and lets the image go. */
static ds_status own_image(nlp_lexicon *lx)
{
    size_t slots = lx->dict_slots, bloom_words = lx->dict_bloom_mask + 1;
    size_t len = lx->dict_len, cap = len + NLP_DICT_PAD;
    char *blob = ds_malloc(cap);
    void *mem = NULL;
    uint64_t *t = nlp__dict_alloc_table(slots * sizeof *t, &mem);
    uint64_t *bloom = ds_malloc(bloom_words * sizeof *bloom);
    if (!blob || !t || !bloom) {
        ds_free(blob);
        ds_free(mem);
        ds_free(bloom);
        return DS_ENOMEM;
    }
    memcpy(blob, lx->dict_blob, len);
    memset(blob + len, 0, NLP_DICT_PAD);
    memcpy(t, lx->dict_table, slots * sizeof *t);
    memcpy(bloom, lx->dict_bloom, bloom_words * sizeof *bloom);
    nlp__dict_image_release(lx);
    lx->dict_blob = blob;
    lx->dict_cap = cap;
    lx->dict_table = t;
    lx->dict_table_mem = mem;
    lx->dict_bloom = bloom;
    return DS_OK;
}

ds_status nlp_lexicon_load_dictionary(nlp_lexicon *lx, const char *path, size_t *added,
                                      ds_error *err)
{
    if (lx->dict_image && own_image(lx) != DS_OK)
        return ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
    FILE *f = fopen(path, "r");
    if (!f)
        return ds_fail(err, DS_EIO, "cannot open %s", path);
    struct stat sb;
    ds_status st = DS_EIO;
    if (fstat(fileno(f), &sb) == 0)
        st = nlp__dict_read(lx, f, &sb, path, added, err);
    else
        ds_fail(err, DS_EIO, "cannot read %s", path);
    fclose(f);
    return st;
}

/* Maps the image file `image` into lx when it is valid for key's file;
 * else -1 with why in note. */
static int map_image(nlp_lexicon *lx, const char *image, const nlp_dict_key *key, char *note,
                     size_t cap)
{
    int fd = open(image, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(note, cap, "no image yet");
        else
            snprintf(note, cap, "cannot open the image: %s", strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)sizeof(image_header) ||
        (uint64_t)sb.st_size > IMAGE_MAX) {
        close(fd);
        snprintf(note, cap, "the image is no file of an image's size");
        return -1;
    }
    size_t len = (size_t)sb.st_size;
    /* populated: the check below reads every page anyway, and one call
     * maps them for less than a fault each */
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        snprintf(note, cap, "cannot map the image: %s", strerror(errno));
        return -1;
    }
    image_header h;
    const char *why = check(p, len, key, &h);
    if (why) {
        (void)munmap(p, len);
        snprintf(note, cap, "the image is %s", why);
        return -1;
    }
    attach(lx, p, len, &h, 1);
    return 0;
}

/* mkdir -p dir, the directories made 0700 (a cache is the user's). */
static int make_dirs(const char *dir)
{
    char buf[PATH_MAX];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    struct stat sb;
    return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

/* Writes lx's words as the image file `image` in dir: a temporary file in
 * dir, renamed over the image once whole, so a reader sees the old image
 * or the new one, never a part (not synced: a crash may leave a torn
 * file, which the checksum tells, and the next start makes again). */
static int write_image(const nlp_lexicon *lx, const nlp_dict_key *key, const char *dir,
                       const char *image, char *note, size_t cap)
{
    void *buf = NULL;
    size_t len = 0;
    ds_error e;
    memset(&e, 0, sizeof e);
    if (nlp_lexicon_dictionary_image(lx, key, &buf, &len, &e) != DS_OK) {
        snprintf(note, cap, "%s", e.message);
        return -1;
    }
    if (make_dirs(dir) != 0) {
        snprintf(note, cap, "cannot make the cache directory %s: %s", dir, strerror(errno));
        ds_free(buf);
        return -1;
    }
    char tmp[PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", image);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(note, cap, "cannot write in %s: %s", dir, strerror(errno));
        ds_free(buf);
        return -1;
    }
    const unsigned char *p = buf;
    size_t done = 0;
    int ok = 1;
    while (ok && done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno == EINTR)
            continue;
        else
            ok = 0;
    }
    int saved = errno;
    ds_free(buf);
    /* the words of a public dictionary: readable by all, as the .dic is
     * (mkstemp makes 0600) */
    if (ok && fchmod(fd, 0644) != 0)
        ok = 0, saved = errno;
    if (close(fd) != 0 && ok)
        ok = 0, saved = errno;
    if (ok && rename(tmp, image) != 0)
        ok = 0, saved = errno;
    if (!ok) {
        unlink(tmp);
        snprintf(note, cap, "cannot write %s: %s", image, strerror(saved ? saved : EIO));
        return -1;
    }
    return 0;
}

ds_status nlp_lexicon_load_dictionary_cached(nlp_lexicon *lx, const char *path,
                                             const char *cache_dir, size_t *added,
                                             nlp_dict_image_info *info, ds_error *err)
{
    nlp_dict_image_info scratch;
    if (!info)
        info = &scratch;
    info->use = NLP_DICT_IMAGE_NONE;
    info->image[0] = info->note[0] = '\0';
    if (!cache_dir || !cache_dir[0])
        return nlp_lexicon_load_dictionary(lx, path, added, err);
    if (!fresh(lx)) {
        snprintf(info->note, sizeof info->note,
                 "an image is for a lexicon's first dictionary: %s read", path);
        return nlp_lexicon_load_dictionary(lx, path, added, err);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ds_fail(err, DS_EIO, "cannot open %s", path);
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return ds_fail(err, DS_EIO, "cannot read %s", path);
    }
    char real[PATH_MAX];
    nlp_dict_key key = {.path = realpath(path, real) ? real : path,
                        .size = (unsigned long long)sb.st_size,
                        .ino = (unsigned long long)sb.st_ino,
                        .dev = (unsigned long long)sb.st_dev,
                        .mtime_s = (long long)sb.st_mtim.tv_sec,
                        .mtime_ns = (long long)sb.st_mtim.tv_nsec,
                        .ctime_s = (long long)sb.st_ctim.tv_sec,
                        .ctime_ns = (long long)sb.st_ctim.tv_nsec};
    int named = snprintf(info->image, sizeof info->image, "%s/dict-%016llx.img", cache_dir,
                         (unsigned long long)nlp__hash(key.path, strlen(key.path)));
    int usable = named > 0 && (size_t)named < sizeof info->image && strlen(key.path) < PATH_MAX;
    if (!usable) {
        info->image[0] = '\0';
        snprintf(info->note, sizeof info->note, "the cache directory's path is too long");
    }
    if (usable && S_ISREG(sb.st_mode) &&
        map_image(lx, info->image, &key, info->note, sizeof info->note) == 0) {
        close(fd);
        info->use = NLP_DICT_IMAGE_MAPPED;
        if (added)
            *added = lx->dict_count;
        return DS_OK;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return ds_fail(err, DS_ENOMEM, "out of memory reading %s", path);
    }
    ds_status st = nlp__dict_read(lx, f, &sb, path, added, err);
    fclose(f);
    if (st != DS_OK || !usable)
        return st;
    size_t had = strlen(info->note);
    char *rest = info->note + had;
    size_t room = sizeof info->note - had;
    if (had && room > 2) {
        memcpy(rest, "; ", 3);
        rest += 2, room -= 2;
    }
    if (write_image(lx, &key, cache_dir, info->image, rest, room) == 0) {
        *rest = '\0';
        if (had)
            rest[-2] = '\0';
        info->use = NLP_DICT_IMAGE_WRITTEN;
    } else {
        info->use = NLP_DICT_IMAGE_UNWRITTEN;
    }
    return DS_OK;
}
