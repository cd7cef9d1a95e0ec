/* SPDX-License-Identifier: MIT */
/* The dialogue layer: turns a shopper's message into the bot's reply and
 * keeps the conversation's state: FAQ answers, clarifying questions, and the
 * order dialogues (status, cargo tracking, cancellation, address change) with
 * slots filled from any message and an identity check before any order
 * detail is shown. Channel-agnostic: the terminal chat and the server call
 * the same function. A dlg_session belongs to one conversation and one
 * thread at a time; the environment's kb, matcher and store are shared. */
#ifndef DLG_H
#define DLG_H

#include <time.h>

#include "ds.h"
#include "kb.h"
#include "match.h"
#include "nlp.h"
#include "store.h"

#define DLG_MAX_QUICK_REPLIES 8

typedef struct dlg_session dlg_session;

/* What a turn needs besides the session. me is required; db may be NULL
 * (no order store: order questions are answered with an apology and a human
 * offer). scratch and res are the calling thread's buffers. now is the
 * wall-clock time, passed in so dialogues are testable; dates are shown in
 * the knowledge base's time zone (kb_zone). */
/* Whether the conversation waits for people, as the conversation service
 * knows from the store (dlg_env.handoff). */
typedef enum dlg_handoff {
    DLG_HANDOFF_UNKNOWN, /* not said: the session's own memory stands */
    DLG_HANDOFF_NONE,    /* none open (never, or an agent closed or gave it back) */
    DLG_HANDOFF_OPEN,    /* waiting for people, or an after-hours request */
} dlg_handoff;

typedef struct dlg_env {
    const match_engine *me;
    store_db *db;
    nlp_text *scratch;
    match_result *res;
    time_t now;
    int closed;          /* outside working hours: hand-offs become offline requests */
    const char *back_at; /* when people are back, in Turkish ("yarın 09:00'da"); NULL if open */
    unsigned pii;        /* the message held card, ID or IBAN numbers (PII_* of pii.h), masked */
    dlg_handoff handoff; /* the conversation's hand-off now */
} dlg_env;

typedef struct dlg_reply {
    ds_buf text;        /* the answer, rendered */
    const char *intent; /* id answered ("fallback" included); static or from the kb */
    double confidence;
    int clarify; /* a question: which of the candidates is meant */
    const char *quick_replies[DLG_MAX_QUICK_REPLIES]; /* from the kb, static, or qr_text */
    size_t quick_reply_count;
    char qr_text[DLG_MAX_QUICK_REPLIES][96]; /* copies of quick replies made from data */
    /* set when the bot asked for people: "urgent" or "normal", and why */
    const char *handoff_priority;
    const char *handoff_reason; /* points at reason */
    char reason[32];
    /* after hours, once the shopper left name, contact and message: the
     * offline request as a JSON object text (owned: dlg_reply_cleanup),
     * NULL when none; the message is whole, however long */
    char *offline_request;
    int offline_started; /* after hours: the bot began collecting an offline request */
    int verified;        /* the conversation has a verified order */
    /* the message answered a step of the dialogue in progress (an order
     * number, an e-mail, a choice it asked for) rather than being classified:
     * confidence then says nothing about this reply */
    int step;
} dlg_reply;

/* Owned (dlg_session_free), NULL on OOM. id names the conversation in audit
 * records ("shopper:<id>"); it is copied. */
dlg_session *dlg_session_new(const char *id);
void dlg_session_free(dlg_session *s);

/* The shop's page signed in this customer (their e-mail; copied): their own
 * orders need no further identity check. "" or NULL forgets it. */
void dlg_session_set_customer(dlg_session *s, const char *customer);

/* Drops what refers to the old knowledge base (intent indexes of a pending
 * clarifying question or flow) after a reload; slots and verification stay. */
void dlg_session_forget_kb(dlg_session *s);
/* After a reload from `from` to `to`: a flow or clarifying question whose
 * intents are still in `to` carries on (found by id); the rest is forgotten
 * as by dlg_session_forget_kb. Slots, verification and the customer stay. */
void dlg_session_move_kb(dlg_session *s, const kb_base *from, const kb_base *to);

/* The order verified in this conversation, "" when none. Borrowed until the
 * session changes. */
const char *dlg_session_verified(const dlg_session *s);

/* Renders a template (an agent's canned answer) with the conversation's
 * variables: its verified order (if any) and the shop's facts. s may be
 * NULL (no order variables). Unknown variables are DS_ENOTFOUND. */
ds_status dlg_render(dlg_env *env, dlg_session *s, const char *tpl, ds_buf *out, ds_error *err);
/* The same rendering for an agent to read before sending: a variable
 * without a value (no verified order yet) stays as "{{name}}" (without its
 * case suffix) instead of failing. Appends to out; s may be NULL. */
ds_status dlg_render_preview(dlg_env *env, dlg_session *s, const char *tpl, ds_buf *out,
                             ds_error *err);

/* The session's state as a JSON object text, to keep with the conversation
 * across restarts (slots, the verified order, the flow in progress, failed
 * identity checks; not the signed-in customer). Owned (ds_free); NULL on OOM. */
char *dlg_session_save(const dlg_session *s, const kb_base *kb);
/* A hash of what dlg_session_save would write (with intents by index, so
 * only comparable within one loaded KB): cheap enough for every turn, to
 * tell whether the state changed without building its JSON. */
unsigned long long dlg_session_state_hash(const dlg_session *s);
/* Restores what dlg_session_save wrote; unknown or malformed parts are
 * ignored (a fresh session is never wrong, only forgetful). */
void dlg_session_load(dlg_session *s, const kb_base *kb, const char *json);

/* The dialogue's flows, as `destek kb flows` and docs/ARCHITECTURE.md show
 * them. */
typedef struct dlg_flow_info {
    const char *name;
    const char *const *steps; /* the steps it waits on, NULL-terminated (may be NULL) */
    int needs_order;          /* first the identity check: steps "order", "identity" */
    int aside;                /* answers without ending the flow in progress */
    int internal;             /* started by the dialogue itself, not by an intent */
} dlg_flow_info;

size_t dlg_flow_count(void);
/* Borrowed, static. i < dlg_flow_count(). */
void dlg_flow_at(size_t i, dlg_flow_info *out);

void dlg_reply_init(dlg_reply *r);
void dlg_reply_cleanup(dlg_reply *r);

/* Answers one message. DS_EINPUT for invalid UTF-8 (the session does not
 * change); DS_EDB only when the store fails (the reply then says so). */
ds_status dlg_respond(dlg_env *env, dlg_session *s, const char *text, size_t len, dlg_reply *out,
                      ds_error *err);
/* The same for a message already normalised into env->scratch (by the
 * caller that validated it). */
ds_status dlg_respond_normalised(dlg_env *env, dlg_session *s, const char *text, size_t len,
                                 dlg_reply *out, ds_error *err);

/* The opening message of a conversation (dialogue.json "welcome"). */
ds_status dlg_greet(dlg_env *env, dlg_session *s, dlg_reply *out, ds_error *err);

/* Checks what the dialogue needs of the kb: every message the flows use,
 * rendering with known variables; each intent's "flow" a real flow, with
 * params it reads; every flow reached by an intent. Each problem goes to
 * diag (those that cannot work as errors, the rest as warnings). Returns the
 * number of errors. */
int dlg_check_kb(const kb_base *kb, kb_diag_fn diag, void *ctx);

#endif
