/* SPDX-License-Identifier: MIT */
/* The conversation service: it owns one turn of a conversation. It checks
 * the shopper's text once, stores the message, runs the dialogue, stores
 * the reply with its explanation, keeps the dialogue state and opens a
 * hand-off (one record, with its reason and priority) in the store's open
 * batch; channels only translate frames and connections. `destek chat` and
 * `destek serve` call the same functions. A conv_service belongs to one
 * thread (it holds that thread's store connection and scratch buffers);
 * the knowledge base and matcher it reads are borrowed and may be swapped
 * on reload. */
#ifndef CONV_H
#define CONV_H

#include <time.h>

#include "clock.h"
#include "dlg.h"
#include "hours.h"
#include "match.h"
#include "store.h"

typedef struct conv_service conv_service;
typedef struct conv_chat conv_chat;

/* Owned (conv_service_free); NULL on OOM. me and db are borrowed (db may be
 * NULL: nothing is stored and order questions get an apology). */
conv_service *conv_service_new(const match_engine *me, store_db *db);
void conv_service_free(conv_service *svc);

/* After a reload: me replaces the matcher (borrowed), and every open
 * conversation must be moved with conv_move_kb before the old one is freed.
 * DS_ENOMEM leaves the old matcher in place. */
ds_status conv_service_set_engine(conv_service *svc, const match_engine *me);
const match_engine *conv_service_engine(const conv_service *svc);
store_db *conv_service_store(const conv_service *svc);

/* Working hours: HOURS_AUTO follows shop.json, HOURS_OPEN/CLOSED force them. */
void conv_service_set_hours(conv_service *svc, hours_mode mode);
/* The clock of turns and timestamps: 0 (the default) is the real time; a
 * fixed time makes dialogues reproducible (tests, `destek chat --now`). */
void conv_service_set_now(conv_service *svc, time_t now);
time_t conv_service_now(const conv_service *svc);
/* The current time as shop-local ISO 8601. */
void conv_service_now_iso(const conv_service *svc, char buf[CLOCK_ISO_LEN]);

/* Whether people are at work now: 1 open, 0 closed. When closed, back (may
 * be NULL) gets when they are back in Turkish ("yarın 09:00'da") and iso
 * (may be NULL) the same as ISO 8601. Computed at most once a second. */
int conv_service_hours(conv_service *svc, char back[96], char iso[CLOCK_ISO_LEN]);

/* A new conversation for a session token, of which only the hash (hex
 * SHA-256) is stored, written in the open batch. *out is owned (conv_free).
 * DS_EDB when the store fails. */
ds_status conv_start(conv_service *svc, const char *token_hash, conv_chat **out, ds_error *err);
/* The open conversation of a token hash with its dialogue state and
 * hand-off, as the store has them. DS_ENOTFOUND when there is none, or
 * when it was idle longer than shop.json's retention.session_idle_hours
 * (it is closed then: the token is spent). */
ds_status conv_resume(conv_service *svc, const char *token_hash, conv_chat **out, ds_error *err);
void conv_free(conv_chat *c);
/* Ends it (log-out): its token no longer resumes it. */
ds_status conv_close(conv_service *svc, conv_chat *c, ds_error *err);

long long conv_id(const conv_chat *c);
/* The shop's page signed in this customer (their e-mail): their own orders
 * need no identity check. Not saved: a login belongs to a connection. */
void conv_set_customer(conv_chat *c, const char *customer);
/* The dialogue session: what the bot knows (the verified order). Borrowed
 * until conv_free. */
dlg_session *conv_session(conv_chat *c);
/* Moves the dialogue to a reloaded knowledge base (dlg_session_move_kb). */
void conv_move_kb(conv_chat *c, const kb_base *from, const kb_base *to);

/* The conversation's hand-off as the store last said: waiting for people
 * (and held by agent claimed_by, 0 none), or not. */
void conv_set_handoff(conv_chat *c, int in_handoff, long long claimed_by);
int conv_in_handoff(const conv_chat *c);
long long conv_claimed_by(const conv_chat *c);

/* What one turn did. */
typedef struct conv_turn_result {
    int duplicate;      /* the client id was stored before: nothing else happened */
    long long to_agent; /* an agent holds the conversation: the message is for them */
    int replied;        /* the bot answered: reply holds it */
    dlg_reply reply;
    int handoff_opened;     /* the turn opened a hand-off (or found one open) */
    int handoff_offline;    /* it is an after-hours request */
    char at[CLOCK_ISO_LEN]; /* when the message was stored, shop-local */
} conv_turn_result;

void conv_turn_result_init(conv_turn_result *r);
void conv_turn_result_cleanup(conv_turn_result *r);

/* One shopper message: text[0..len) with the client's id (NULL: none, as in
 * the terminal; then no de-duplication). Every write joins the store's open
 * batch (the caller begins and commits it: an acknowledgement is sent only
 * after the commit). DS_EINPUT for text that is not UTF-8 (nothing is
 * stored); DS_EDB when the message could not be stored. */
ds_status conv_turn(conv_service *svc, conv_chat *c, const char *client_id, const char *text,
                    size_t len, conv_turn_result *out, ds_error *err);

/* The bot's opening message (not stored). out is initialised by the caller. */
ds_status conv_greet(conv_service *svc, conv_chat *c, dlg_reply *out, ds_error *err);

#endif
