/* SPDX-License-Identifier: MIT */
/* Turkish text normalisation: Unicode NFC, Turkish case folding, an ASCII
 * skeleton, squeezing, tokens with chat shorthand expanded, and typed
 * entities (order numbers, phones, e-mails, tracking numbers, money).
 * A lexicon is read-only once built and may be shared by threads; an
 * nlp_text belongs to one thread at a time. */
#ifndef NLP_H
#define NLP_H

#include <stddef.h>

#include "ds.h"

typedef struct nlp_lexicon nlp_lexicon;
typedef struct nlp_text nlp_text;

typedef enum nlp_token_kind {
    NLP_TOK_WORD,
    NLP_TOK_NUMBER, /* digits only (separators removed) */
    NLP_TOK_ALNUM,  /* letters and digits mixed: "3d", "yk123456789tr" */
    NLP_TOK_EMAIL
} nlp_token_kind;

typedef struct nlp_token {
    const char *text; /* skeleton form, NUL-terminated; borrowed from the nlp_text */
    size_t len;
    nlp_token_kind kind;
    int expanded; /* came from a shorthand expansion */
} nlp_token;

typedef enum nlp_entity_kind {
    NLP_ENT_ORDER_NO,
    NLP_ENT_PHONE,
    NLP_ENT_EMAIL,
    NLP_ENT_TRACKING,
    NLP_ENT_MONEY,
    NLP_ENT_NUMBER
} nlp_entity_kind;

typedef struct nlp_entity {
    nlp_entity_kind kind;
    const char *value; /* canonical: digits of a phone without +90/0, e-mail lower-case,
                          money as "1250.90"; borrowed from the nlp_text */
    size_t first_token;
    size_t token_count;
} nlp_entity;

/* Returns an owned empty lexicon (free with nlp_lexicon_free), NULL on OOM. */
nlp_lexicon *nlp_lexicon_new(void);
void nlp_lexicon_free(nlp_lexicon *lx);

/* Adds a shorthand: a token whose skeleton is `from` becomes the words of `to`
 * (both are normalised here, so Turkish letters are fine). */
ds_status nlp_lexicon_add_shorthand(nlp_lexicon *lx, const char *from, const char *to,
                                    ds_error *err);

/* Adds a real word (normalised here) that is never read as a typo of another
 * ("aptal" is not "iptal"). */
ds_status nlp_lexicon_add_word(nlp_lexicon *lx, const char *word, ds_error *err);
/* 1 when the skeleton s[0..len) is such a word. */
int nlp_lexicon_is_word(const nlp_lexicon *lx, const char *s, size_t len);

/* Adds every word of a hunspell dictionary (PATH.dic: a count, then one
 * word per line with its affix flags after '/'), folded to skeletons;
 * *added (may be NULL) counts the new ones. Words of other letters are
 * skipped. An unreadable file is DS_EIO and adds nothing. */
ds_status nlp_lexicon_load_dictionary(nlp_lexicon *lx, const char *path, size_t *added,
                                      ds_error *err);
/* What identifies the .dic an image was made from: an image made from
 * another file, or from this one before it changed, is stale. */
typedef struct nlp_dict_key {
    const char *path; /* borrowed */
    unsigned long long size, ino, dev;
    long long mtime_s, mtime_ns, ctime_s, ctime_ns;
} nlp_dict_key;

/* What nlp_lexicon_load_dictionary_cached did. */
typedef enum nlp_dict_image_use {
    NLP_DICT_IMAGE_NONE,     /* read the .dic; no image looked for (or made) */
    NLP_DICT_IMAGE_MAPPED,   /* mapped a valid image; the .dic was not read */
    NLP_DICT_IMAGE_WRITTEN,  /* read the .dic (no valid image) and wrote one */
    NLP_DICT_IMAGE_UNWRITTEN /* read the .dic (no valid image); could not write one */
} nlp_dict_image_use;

typedef struct nlp_dict_image_info {
    nlp_dict_image_use use;
    char image[4096]; /* the image's path, "" when none */
    char note[512];   /* why no image was mapped (and why none was written), or "" */
} nlp_dict_image_info;

/* nlp_lexicon_load_dictionary with a cache: a dictionary image in
 * cache_dir (a file made by this function, named after the .dic's path) is
 * mapped instead of reading the .dic when it is valid (checked: its
 * format, the folding rules, the .dic's path, size, inode, device and
 * times, every size and offset, a checksum); otherwise the .dic is read
 * and the image written (a temporary file renamed over it; cache_dir is
 * made if need be). The words looked up are the same either way. An image
 * that cannot be mapped or written changes nothing but the time taken:
 * DS_OK all the same, with *info (may be NULL) saying why. cache_dir
 * NULL or "", or a lexicon that has dictionary words already: as
 * nlp_lexicon_load_dictionary. The lexicon keeps the mapping until
 * nlp_lexicon_free. Not for the event loop (files are read and written). */
ds_status nlp_lexicon_load_dictionary_cached(nlp_lexicon *lx, const char *path,
                                             const char *cache_dir, size_t *added,
                                             nlp_dict_image_info *info, ds_error *err);

/* The image of lx's dictionary words (owned, ds_free; *len its bytes),
 * keyed by *key: what nlp_lexicon_load_dictionary_cached writes. DS_EINVAL
 * when lx has no dictionary words or borrows its words from an image. */
ds_status nlp_lexicon_dictionary_image(const nlp_lexicon *lx, const nlp_dict_key *key, void **out,
                                       size_t *len, ds_error *err);

/* Checks the image p[0..len) (8-byte aligned) and, when it is valid and
 * made from key's file (key NULL: from any file), makes lx, which must
 * have no dictionary words yet, look its words up there: p is borrowed
 * until nlp_lexicon_free. DS_EINPUT (nothing changed) when invalid, with
 * why in err. For tests and the fuzz target; the cache maps files. */
ds_status nlp_lexicon_use_dictionary_image(nlp_lexicon *lx, const void *p, size_t len,
                                           const nlp_dict_key *key, ds_error *err);

/* Recomputes the checksum of an image p[0..len) (8-byte aligned), if it
 * has room for one: lets tests and the fuzz target make images whose other
 * fields are wrong. */
void nlp_dictionary_image_seal(void *p, size_t len);

/* 1 when the skeleton s[0..len) is a word of a loaded dictionary. */
int nlp_lexicon_is_dictionary_word(const nlp_lexicon *lx, const char *s, size_t len);

/* Adds a suffix morpheme in skeleton spelling (lower-case ASCII letters). */
ds_status nlp_lexicon_add_suffix(nlp_lexicon *lx, const char *suffix, ds_error *err);

/* 1 when s[0..len) is empty or a chain of the lexicon's suffixes, else 0. */
int nlp_lexicon_is_suffix_chain(const nlp_lexicon *lx, const char *s, size_t len);

/* For a token s[0..len), sets ok[i] (0 <= i <= len, so ok has len + 1
 * bytes) to 1 when s[i..len) is empty or a chain of suffixes. len <= 64. */
void nlp_lexicon_suffix_splits(const nlp_lexicon *lx, const char *s, size_t len, unsigned char *ok);
/* The same for from <= i <= len only (ok[i] is 0 below from; each ok[i]
 * depends only on those after it, so they are the same): the matcher has no
 * use for stems shorter than three letters. */
void nlp_lexicon_suffix_splits_from(const nlp_lexicon *lx, const char *s, size_t len, size_t from,
                                    unsigned char *ok);

size_t nlp_lexicon_shorthand_count(const nlp_lexicon *lx);
size_t nlp_lexicon_suffix_count(const nlp_lexicon *lx);

/* Returns an owned, reusable result (free with nlp_text_free), NULL on OOM. */
nlp_text *nlp_text_new(void);
void nlp_text_free(nlp_text *t);

/* Normalises in[0..len) into out, replacing what out held. lx may be NULL (no
 * shorthand). Input over NLP_MAX_INPUT_LEN is cut at a character boundary
 * and nlp_text_truncated() says so. Returns DS_EINPUT for invalid UTF-8 (err
 * says at which byte); NUL bytes and control characters count as spaces. */
ds_status nlp_normalise(const nlp_lexicon *lx, const char *in, size_t len, nlp_text *out,
                        ds_error *err);

/* Turkish lower case with punctuation and emoji removed, Turkish letters kept.
 * Borrowed until the next nlp_normalise on t or nlp_text_free. Same for all
 * accessors below. */
const char *nlp_text_folded(const nlp_text *t);
/* The tokens' skeletons joined by single spaces: what patterns run on. */
const char *nlp_text_skeleton(const nlp_text *t);
size_t nlp_text_skeleton_len(const nlp_text *t);
size_t nlp_text_token_count(const nlp_text *t);
const nlp_token *nlp_text_token(const nlp_text *t, size_t i);
size_t nlp_text_entity_count(const nlp_text *t);
const nlp_entity *nlp_text_entity(const nlp_text *t, size_t i);
int nlp_text_truncated(const nlp_text *t);
/* 1 when the input had a question mark (the folded text has none). */
int nlp_text_question_mark(const nlp_text *t);

/* Name of an entity kind ("order_no", "phone", ...). Borrowed, static. */
const char *nlp_entity_kind_str(nlp_entity_kind k);

#endif
