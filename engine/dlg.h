/* SPDX-License-Identifier: MIT */
/* The dialogue layer: turns a shopper's message into the bot's reply (answer
 * text, quick replies, clarifying question, fallback) and keeps the per
 * conversation state. Channel-agnostic: the terminal chat and the server
 * call the same function. A dlg_session belongs to one conversation and one
 * thread at a time; the bot (kb + matcher) is shared read-only. */
#ifndef DLG_H
#define DLG_H

#include "ds.h"
#include "kb.h"
#include "match.h"
#include "nlp.h"

#define DLG_MAX_QUICK_REPLIES 8

typedef struct dlg_session dlg_session;

typedef struct dlg_reply {
    ds_buf text;                  /* the answer, rendered */
    const char *intent;           /* id answered ("fallback" included); borrowed from the kb */
    double confidence;
    int clarify;                  /* a question: which of the candidates is meant */
    const char *quick_replies[DLG_MAX_QUICK_REPLIES]; /* borrowed from the kb or static */
    size_t quick_reply_count;
} dlg_reply;

/* Owned (dlg_session_free), NULL on OOM. */
dlg_session *dlg_session_new(void);
void dlg_session_free(dlg_session *s);

void dlg_reply_init(dlg_reply *r);
void dlg_reply_cleanup(dlg_reply *r);

/* Answers one message. scratch and res are the caller's thread-local
 * buffers. DS_EINPUT for invalid UTF-8 (nothing in s changes). */
ds_status dlg_respond(const match_engine *me, dlg_session *s, nlp_text *scratch,
                      match_result *res, const char *text, size_t len, dlg_reply *out,
                      ds_error *err);

/* The opening message of a conversation (the greeting intent's answer). */
ds_status dlg_greet(const match_engine *me, dlg_session *s, dlg_reply *out, ds_error *err);

#endif
