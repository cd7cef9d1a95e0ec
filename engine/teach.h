/* SPDX-License-Identifier: MIT */
/* Teaching the bot a message (destek review assign, the console's review
 * page): the message joins the intent's "taught" list in the knowledge
 * base's own file, once a copy of the whole knowledge base with the change
 * loads as `kb lint` wants (dialogue, working hours) and answers the message
 * with the intent. Anything else changes no file. Above kb_, match_, dlg_
 * and hours_; no global state. */
#ifndef TEACH_H
#define TEACH_H

#include "ds.h"

/* Teaches text as intent to the knowledge base in dir. *file (may be NULL)
 * gets the base name of the file changed, owned (ds_free). DS_ENOTFOUND
 * when no intent has that id, DS_EKB when the result would not load or not
 * answer the intent (err says why), DS_EIO when the file cannot be
 * written. */
ds_status teach_assign(const char *dir, const char *intent, const char *text, char **file,
                       ds_error *err);

/* Review items are groups of one message typed differently: their key is
 * the message's normalised skeleton (case, dotted and dotless i, letters
 * typed without Turkish characters, punctuation). A keyer is per thread;
 * owned (teach_keyer_free); NULL on OOM. teach_review_key fits
 * store_review_key_fn with the keyer as its context. */
typedef struct teach_keyer teach_keyer;
struct kb_base;
teach_keyer *teach_keyer_new(const struct kb_base *kb);
void teach_keyer_free(teach_keyer *k);
size_t teach_review_key(void *keyer, const char *text, char *key, size_t cap);

#endif
