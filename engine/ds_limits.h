/* SPDX-License-Identifier: MIT */
/* Every size and time limit of the engine, in one place. */
#ifndef DS_LIMITS_H
#define DS_LIMITS_H

/* Bytes of a message the normaliser reads; the rest is ignored (the caller is
 * told it was truncated). No shopper question needs more. */
#define NLP_MAX_INPUT_LEN 4096
/* Tokens kept from one message. */
#define NLP_MAX_TOKENS 512
/* Bytes of one token; longer runs of letters are cut (they are never words). */
#define NLP_MAX_TOKEN_LEN 48
/* Words a shorthand or a keyword phrase may expand to. */
#define NLP_MAX_PHRASE_WORDS 6

/* PCRE2 limits per pattern match, far below the 10M default so a hostile
 * message cannot make one pattern run long. */
#define MATCH_PCRE_MATCH_LIMIT 20000
#define MATCH_PCRE_DEPTH_LIMIT 2000

/* Candidates reported by the matcher. */
#define MATCH_MAX_CANDIDATES 5

/* Size of one knowledge-base file the loader accepts. */
#define KB_MAX_FILE_LEN (8u * 1024u * 1024u)

/* Size of one order import file: 100,000 orders are about 110 MB. */
#define STORE_MAX_IMPORT_LEN (1024u * 1024u * 1024u)
/* Bytes of one text field of an imported order (descriptions are the longest). */
#define STORE_MAX_FIELD_LEN 2048
/* Bytes of an order id. */
#define STORE_MAX_ORDER_ID_LEN 64
/* Bytes of a stock variant's size ("XL", "42", "32/34"). */
#define STORE_MAX_SIZE_LEN 16

#endif
