/* SPDX-License-Identifier: MIT */
/* The knowledge base: loads and validates intents/, lexicon.json and
 * shop.json (format in docs/KB_FORMAT.md), and renders answers from shop
 * facts. A loaded kb_base is read-only and may be shared by threads; reload
 * by loading a new one and swapping pointers. */
#ifndef KB_H
#define KB_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "ds.h"
#include "nlp.h"
#include "tpl.h"

typedef struct kb_base kb_base;

typedef struct kb_keyword {
    char *source; /* as written in the file, e.g. "@nerede", "takip numarası" */
    char *words;  /* skeleton words joined by single spaces; NULL for a concept */
    size_t word_count;
    int concept; /* index of the concept, or -1 */
    int exact;   /* "=word": no suffixes, no typos */
    double weight;
} kb_keyword;

typedef struct kb_pattern {
    char *re;
    double weight;
} kb_pattern;

/* A part of an intent's answer for one question within it ("taksit var
 * mı" of the payment methods): said instead of the whole answer when the
 * message has its words. */
typedef struct kb_topic {
    char *list;   /* the name its words go by in kb_words_has */
    char *answer; /* a template, like the intent's answers */
    char *unless; /* the name of its "unless" words (a narrower topic's), NULL none */
    int decides;  /* "decides": a message with its words is this intent's
                   * question, whatever else it says */
} kb_topic;

typedef struct kb_intent {
    char *id;
    char *title;
    char *file; /* file it came from (base name) */
    kb_keyword *keywords;
    size_t keyword_count;
    kb_pattern *patterns;
    size_t pattern_count;
    char **examples;
    size_t example_count;
    /* "taught": messages a supervisor assigned to the intent (destek review
     * assign): matched exactly, after normalisation, and a regression set */
    char **taught;
    size_t taught_count;
    char **answers;
    size_t answer_count;
    char **quick_replies;
    size_t quick_reply_count;
    int low_priority;
    int asks;   /* "asks": the intent answers a question (match.h MATCH_ASKS_*) */
    char *flow; /* the dialogue flow it starts ("tracking"), NULL: an FAQ answer */
    char **param_keys, **param_values; /* "flow_params" */
    size_t param_count;
    int order_context; /* "order_context": with an order verified, the question is about it */
    kb_topic *topics;  /* "topics", in the file's order */
    size_t topic_count;
    /* "related": ids of answers (intents without a flow) whose topics
     * answer a policy question asked while this intent's dialogue waits for
     * the identity check ("iade ücretsiz mi" in a return); dlg_check_kb
     * checks that each exists */
    char **related;
    size_t related_count;
    /* "lookup": the name of a store lookup of the dialogue ("stock") that
     * answers from the shop's data before this intent's own text, when the
     * message names what it needs (a product); dlg_check_kb checks it */
    char *lookup;
} kb_intent;

typedef struct kb_concept {
    char *name;
    char **phrases;       /* skeleton words joined by single spaces */
    unsigned char *exact; /* per phrase: written "=word", no suffixes or typos */
    size_t phrase_count;
} kb_concept;

/* A dialogue message from dialogue.json: one or more templates (one is
 * picked per use) and the quick replies offered with it. */
typedef struct kb_message {
    char *key;
    char **texts;
    size_t text_count;
    char **quick_replies;
    size_t quick_reply_count;
} kb_message;

/* A canned answer (hazır yanıt) agents can send: the same template
 * variables as bot answers. */
typedef struct kb_canned {
    char *id, *title, *text;
} kb_canned;

/* Called for every problem found while loading. is_error 0 = a warning. */
typedef void (*kb_diag_fn)(void *ctx, int is_error, const ds_error *where);

/* Loads the knowledge base in dir. Every problem goes to diag (may be NULL);
 * on any error returns DS_EKB (or DS_EIO/DS_ENOMEM) with the first one in
 * err. *out is owned (kb_free) and written only on success. */
ds_status kb_load_dir(const char *dir, kb_base **out, kb_diag_fn diag, void *diag_ctx,
                      ds_error *err);

/* How kb_load_dir_opts loads; all zero is kb_load_dir. */
typedef struct kb_load_opts {
    /* where the spelling dictionaries' images are kept and made
     * (nlp_lexicon_load_dictionary_cached), or NULL: none, every .dic is
     * read. Borrowed for the call. */
    const char *dict_cache_dir;
    /* told, one line a dictionary, what became of its image (mapped,
     * written, or why neither): a debug line, never a problem of the KB.
     * May be NULL. */
    void (*dict_log)(void *ctx, const char *line);
    void *dict_log_ctx;
} kb_load_opts;

/* kb_load_dir with options (opts may be NULL). */
ds_status kb_load_dir_opts(const char *dir, const kb_load_opts *opts, kb_base **out,
                           kb_diag_fn diag, void *diag_ctx, ds_error *err);
void kb_free(kb_base *kb);

/* The file of dir that holds intent id, with text added to its "taught"
 * list (kb_teach.c): *file its base name and *json its new content, both
 * owned (ds_free); *already when the text was taught before (the content
 * is then unchanged). Writes nothing. DS_ENOTFOUND when no file holds the
 * intent. */
ds_status kb_taught_file(const char *dir, const char *id, const char *text, char **file,
                         char **json, int *already, ds_error *err);

/* Borrowed until kb_free. */
const nlp_lexicon *kb_lexicon(const kb_base *kb);
size_t kb_intent_count(const kb_base *kb);
const kb_intent *kb_intent_at(const kb_base *kb, size_t i);
/* A "flow_params" value of the intent, or NULL. Borrowed until kb_free. */
const char *kb_intent_param(const kb_intent *in, const char *name);
/* Index of the intent with this id, or -1. */
int kb_intent_find(const kb_base *kb, const char *id);
size_t kb_concept_count(const kb_base *kb);
const kb_concept *kb_concept_at(const kb_base *kb, size_t i);
const char *kb_dir(const kb_base *kb);
/* The shop's time zone (shop.json hours.timezone, Europe/Istanbul by
 * default). Borrowed until kb_free. */
const clock_zone *kb_zone(const kb_base *kb);

/* The dialogue message with this key, or NULL. Borrowed until kb_free. */
const kb_message *kb_message_get(const kb_base *kb, const char *key);
size_t kb_message_count(const kb_base *kb);
size_t kb_canned_count(const kb_base *kb);
const kb_canned *kb_canned_at(const kb_base *kb, size_t i);
const kb_canned *kb_canned_find(const kb_base *kb, const char *id);
const kb_message *kb_message_at(const kb_base *kb, size_t i);

/* A phrase of a word list is looked for in a message as a run of at most
 * this many words; the loader refuses a longer one (it could never be
 * found). */
#define KB_PHRASE_MAX_WORDS 4

/* 1 when the skeleton word or phrase (words joined by single spaces) is in
 * the dialogue word list `list` ("yes", "no", "abandon", ...). */
int kb_words_has(const kb_base *kb, const char *list, const char *skeleton);
/* kb_words_has for a caller that asks many pairs: a list's name or a
 * skeleton phrase hashed once with kb_words_hash, the lengths in bytes. */
uint64_t kb_words_hash(const char *s, size_t len);
int kb_words_has_hashed(const kb_base *kb, const char *list, size_t list_len, uint64_t list_hash,
                        const char *skeleton, size_t len, uint64_t hash);
/* 1 when some phrase of some list starts with this skeleton word. */
int kb_words_first(const kb_base *kb, const char *word, size_t len);
/* 1 when the skeleton word (len bytes) is a word of one of the lists that
 * make a message ask something: dialogue.json's "question_particles",
 * "question_words", "asking_words" or "request_words". */
int kb_words_asks(const kb_base *kb, const char *word, size_t len);
/* 1 when some list has this skeleton phrase (len bytes, words joined by
 * single spaces) whole, or when it is too long to be indexed: 0 means no
 * kb_words_has can be 1 for it. */
int kb_words_phrase(const kb_base *kb, const char *words, size_t len);
/* 1 when the word list `list` has some phrase, or when its name is too
 * long to be indexed: 0 means kb_words_has(kb, list, ...) is 0 for any
 * phrase (most flows have no "declined_" list, and a turn asks each). */
int kb_words_list(const kb_base *kb, const char *list);

/* Appends the value at a dotted shop.json path ("returns.window_days") to
 * out; 1 if found. Usable as a tpl_lookup_fn with the kb as ctx. */
int kb_shop_lookup(void *kb, const char *path, size_t len, ds_buf *out);

/* Typed reads of shop.json policy values by dotted path. */
/* A string value, or NULL. Borrowed until kb_free. */
const char *kb_shop_string(const kb_base *kb, const char *path);
/* An integer value, or def when absent or not an integer. */
long long kb_shop_int(const kb_base *kb, const char *path, long long def);
/* 1 when path holds a fact that is so: present and not false, zero, an
 * empty string or an empty list. */
int kb_shop_true(const kb_base *kb, const char *path);
/* 1 when the array at path holds the string value. */
int kb_shop_list_has(const kb_base *kb, const char *path, const char *value);
/* Number of elements of the array at path (0 when none), and the string
 * field `field` of element i (or the element itself when field is NULL). */
size_t kb_shop_list_count(const kb_base *kb, const char *path);
const char *kb_shop_list_string(const kb_base *kb, const char *path, size_t i, const char *field);
/* The skeleton (nlp_text_skeleton) of returns.reasons[i].label, normalised
 * once when the knowledge base loaded; NULL when reason i has no label,
 * its label does not normalise, or i is past the list. Borrowed until
 * kb_free. */
const char *kb_reason_label_skeleton(const kb_base *kb, size_t i);
/* kb_shop_list_count and kb_shop_list_string(..., "id") of
 * returns.reasons, read once at load. Borrowed until kb_free. */
size_t kb_reason_count(const kb_base *kb);
const char *kb_reason_id(const kb_base *kb, size_t i);

/* The yes-no facts of dialogue.json: for each message "yes_no.PATH.yes",
 * in the messages' order, its list "yes_no.PATH" (i < kb_yes_no_count;
 * NULL past it). Borrowed until kb_free. */
size_t kb_yes_no_count(const kb_base *kb);
const char *kb_yes_no_list(const kb_base *kb, size_t i);

/* Renders answer `which` (taken modulo the answer count) of an intent with
 * shop facts into out. The turn's variables (kb_is_turn_var) are asked of
 * turn_vars first; without it (NULL) they read as in the daytime. */
ds_status kb_render_answer(const kb_base *kb, const kb_intent *in, size_t which, ds_buf *out,
                           ds_error *err);
ds_status kb_render_answer_with(const kb_base *kb, const kb_intent *in, size_t which,
                                tpl_lookup_fn turn_vars, void *ctx, ds_buf *out, ds_error *err);
/* The same for one template of the KB (a topic's answer). */
ds_status kb_render_text_with(const kb_base *kb, const char *tpl, tpl_lookup_fn turn_vars,
                              void *ctx, ds_buf *out, ds_error *err);
/* The variables an answer may use besides shop.json's, which depend on
 * the moment of the turn, not on any order: "iyi_dilek" ("İyi günler",
 * "İyi akşamlar", "İyi geceler": dialogue.json's "wish.day", "wish.evening",
 * "wish.night"). */
int kb_is_turn_var(const char *name, size_t len);

#endif
