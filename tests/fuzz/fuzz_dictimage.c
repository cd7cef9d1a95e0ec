/* SPDX-License-Identifier: MIT */
/* Fuzz target: a spelling dictionary's image (engine/nlp_dict_image.c), the
 * cache file mapped at start-up, which is outside input. An image is half
 * a megabyte at the least (its table has 65,536 slots), so an input is an
 * edit of a valid image made here from a small .dic, not the image itself:
 *   byte 0: flags: 1 seal the checksum after the edits (so that the checks
 *           behind it are reached), 2 the rest of the input is the whole
 *           image instead (small garbage), 4 no key (an image of any file);
 *   bytes 1..4 (edit mode): the image's new length, mod its length + 64
 *           (0: unchanged; bytes past the end are zero);
 *   then 12-byte records: a 4-byte offset (mod the length) and 8 bytes
 *           written there (cut at the end).
 * An accepted image must answer lookups without reading outside itself,
 * and take a second dictionary's words after it (its words copied). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ds.h"
#include "fuzz_check.h"
#include "nlp.h"

static void *ref;
static size_t ref_len;
static char second_dic[64];
static const nlp_dict_key ref_key = {.path = "/fuzz/tr.dic", .size = 60, .ino = 12, .dev = 3};

static const char *const probes[] = {"esarp", "istanbul", "cig",   "sik", "kilim",    "yorgan",
                                     "hesap", "esar",     "aaaaa", "abc", "battaniye"};

static void write_dic(char *path, const char *text)
{
    int fd = mkstemp(path);
    FUZZ_ASSERT(fd >= 0);
    size_t n = strlen(text);
    FUZZ_ASSERT(write(fd, text, n) == (ssize_t)n);
    close(fd);
}

static void setup(void)
{
    if (ref)
        return;
    char first[] = "/tmp/destek-fuzz-dic-XXXXXX";
    write_dic(first, "5\neşarp/3,4\nİstanbul\nçığ\r\nsık\nkilim\n");
    strcpy(second_dic, "/tmp/destek-fuzz-dic-XXXXXX");
    write_dic(second_dic, "battaniye\nyorgan\n");
    nlp_lexicon *lx = nlp_lexicon_new();
    FUZZ_ASSERT(lx && nlp_lexicon_load_dictionary(lx, first, NULL, NULL) == DS_OK);
    unlink(first);
    FUZZ_ASSERT(nlp_lexicon_dictionary_image(lx, &ref_key, &ref, &ref_len, NULL) == DS_OK);
    nlp_lexicon_free(lx);
    /* the second .dic stays for the process (the replay's or libFuzzer's) */
}

static unsigned mask_of(const nlp_lexicon *lx, const unsigned char *extra, size_t extra_len)
{
    unsigned m = 0;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
        m |= (unsigned)nlp_lexicon_is_dictionary_word(lx, probes[i], strlen(probes[i])) << i;
    /* and words of the input's own bytes, of every length up to 255 */
    for (size_t i = 0; i + 3 <= extra_len && i < 64; i++)
        (void)nlp_lexicon_is_dictionary_word(lx, (const char *)extra + i,
                                             extra_len - i > 255 ? 255 : extra_len - i);
    return m;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    setup();
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    size_t len;
    uint64_t *img; /* 8-byte aligned, and exactly len bytes for ASan */
    if (flags & 2) {
        len = size - 1;
        img = malloc(len ? len : 1);
        FUZZ_ASSERT(img);
        memcpy(img, data + 1, len);
    } else {
        uint32_t want = 0;
        if (size >= 5)
            memcpy(&want, data + 1, 4);
        len = want ? want % (ref_len + 64) : ref_len;
        img = calloc(1, len ? len : 1);
        FUZZ_ASSERT(img);
        memcpy(img, ref, len < ref_len ? len : ref_len);
        for (size_t i = 5; len && i + 12 <= size; i += 12) {
            uint32_t off;
            memcpy(&off, data + i, 4);
            off %= len;
            size_t n = len - off < 8 ? len - off : 8;
            memcpy((unsigned char *)img + off, data + i + 4, n);
        }
    }
    if (flags & 1)
        nlp_dictionary_image_seal(img, len);
    nlp_lexicon *lx = nlp_lexicon_new();
    FUZZ_ASSERT(lx);
    ds_error e;
    memset(&e, 0, sizeof e);
    ds_status st = nlp_lexicon_use_dictionary_image(lx, img, len, flags & 4 ? NULL : &ref_key, &e);
    FUZZ_ASSERT(st == DS_OK || (st == DS_EINPUT && e.message[0]));
    if (st == DS_OK) {
        (void)mask_of(lx, data, size);
        /* the image's words copied, the second dictionary's added */
        FUZZ_ASSERT(nlp_lexicon_load_dictionary(lx, second_dic, NULL, NULL) == DS_OK);
        unsigned m = mask_of(lx, data, size);
        FUZZ_ASSERT(m & (1u << 5) && m & (1u << 10));
    } else {
        FUZZ_ASSERT(mask_of(lx, data, size) == 0);
    }
    nlp_lexicon_free(lx);
    free(img);
    return 0;
}
