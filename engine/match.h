/* SPDX-License-Identifier: MIT */
/* Intent matching: an inverted index from Turkish word stems to weighted
 * features (keywords, phrases, concepts), PCRE2-JIT patterns run only for
 * intents that already have evidence, and a confidence with a clarify
 * decision. A match_engine is read-only after match_engine_new and may be
 * shared by threads; each thread uses its own match_result. */
#ifndef MATCH_H
#define MATCH_H

#include "ds.h"
#include "kb.h"
#include "nlp.h"

typedef struct match_engine match_engine;
typedef struct match_result match_result;

/* Below this confidence the result is "fallback". */
#define MATCH_FALLBACK_BELOW 0.40
/* The runner-up is "close" (ask, don't guess) at this share of the best. */
#define MATCH_CLARIFY_RATIO 0.80
/* A normal intent scoring this much silences low-priority (social) intents. */
#define MATCH_LOW_PRIORITY_YIELD 1.5

/* A message of this many words or more that asks nothing (no "?", no
 * question particle or word, no request word: dialogue.json's
 * "question_particles", "question_words", "asking_words" ("acaba",
 * "umarım"), "request_words") is an account,
 * not a question: an intent that answers a question ("asks") keeps this
 * share of its score. "M beden aldım, kolları dar geldi ama kalitesi iyi"
 * is no question about sizes. */
#define MATCH_ASKS_MIN_WORDS 8
#define MATCH_ASKS_UNASKED 0.5

/* Weight of one example word unique to an intent (shared words get less). */
#define MATCH_EXAMPLE_WEIGHT 0.8

typedef enum match_how {
    MATCH_HOW_EXACT,   /* the token is the word */
    MATCH_HOW_STEM,    /* the word plus Turkish suffixes */
    MATCH_HOW_TYPO,    /* one letter off, plus suffixes */
    MATCH_HOW_PATTERN, /* a regular expression */
    MATCH_HOW_MESSAGE  /* the message as a whole (MATCH_ASKS_*): no token */
} match_how;

typedef struct match_hit {
    size_t intent;    /* index in the kb */
    const char *rule; /* keyword as written or the pattern; borrowed from the kb */
    double weight;
    match_how how; /* for a phrase or concept: how its first word matched */
    size_t token;  /* first token matched (keywords only) */
} match_hit;

typedef struct match_candidate {
    size_t intent;
    const char *id; /* borrowed from the kb */
    double score;
} match_candidate;

/* Builds the index over kb (borrowed: kb must outlive the engine). *out is
 * owned (match_engine_free), written only on success. */
ds_status match_engine_new(const kb_base *kb, match_engine **out, ds_error *err);
void match_engine_free(match_engine *me);
const kb_base *match_engine_kb(const match_engine *me);
size_t match_engine_feature_count(const match_engine *me);
size_t match_engine_term_count(const match_engine *me);

/* Whether a message token (skeleton form, as nlp_normalise makes it) would
 * match the knowledge-base word `word` (skeleton; it must be a keyword or
 * concept word of the kb). Returns 1 and writes *how, or 0. For tools that
 * show or measure the matcher's inflection and typo handling. */
int match_engine_word_matches(const match_engine *me, const char *token, const char *word,
                              match_how *how);

/* 1 when t asks or requests something: a "?", or a word of the KB's
 * "question_particles", "question_words", "asking_words" or
 * "request_words" (MATCH_ASKS_MIN_WORDS). */
int match_text_asks(const match_engine *me, const nlp_text *t);

/* A reusable result for one thread. Owned (match_result_free); NULL on OOM. */
match_result *match_result_new(const match_engine *me);
void match_result_free(match_result *r);

/* Makes r keep the terms of the tokens it has seen (a few thousand, 256 KB),
 * so that a word seen before is not looked up again: for a result that
 * classifies many messages (the server, destek classify and bench), not for
 * one made for a message or two. The results are the same either way.
 * Returns DS_ENOMEM (and r works as before) when the memory is not there. */
ds_status match_result_cache_terms(match_result *r);

/* With on = 1 the result records which rules fired (match_result_hit) and
 * every pattern of every intent with evidence runs, so the hits explain even
 * candidates outside the top list (destek explain). Off by default, for
 * speed: the top candidates and their scores are the same either way. */
void match_result_set_exhaustive(match_result *r, int on);

/* Scores a normalised message. Never fails on any text; DS_ENOMEM only if
 * PCRE2 cannot get memory. */
ds_status match_classify(const match_engine *me, const nlp_text *t, match_result *r);

/* The chosen intent id: the best candidate, or "fallback". Borrowed until the
 * next match_classify on r. Same for the accessors below. */
const char *match_result_intent(const match_result *r);
/* The chosen intent's kb index, or -1 for a fallback with no kb intent. */
int match_result_intent_index(const match_result *r);
double match_result_confidence(const match_result *r);
int match_result_is_fallback(const match_result *r);
/* 1 when the bot should ask which of the top candidates is meant. */
int match_result_clarify(const match_result *r);
size_t match_result_candidate_count(const match_result *r);
const match_candidate *match_result_candidate(const match_result *r, size_t i);
size_t match_result_hit_count(const match_result *r);
const match_hit *match_result_hit(const match_result *r, size_t i);

const char *match_how_str(match_how how);

#endif
