/* SPDX-License-Identifier: MIT */
/* Private to the dlg_ files: session layout and the per-turn context. */
#ifndef DLG_INT_H
#define DLG_INT_H

#include "dlg.h"

#define DLG_MAX_CHECKED_ORDERS 8
/* Failed identity checks that lock an order for the session. */
#define DLG_MAX_IDENTITY_FAILS 3

typedef enum dlg_flow {
    DLG_FLOW_NONE,
    DLG_FLOW_STATUS,
    DLG_FLOW_TRACKING,
    DLG_FLOW_CANCEL,
    DLG_FLOW_ADDRESS,
    DLG_FLOW_RETURN,        /* iade_talebi */
    DLG_FLOW_RETURN_STATUS, /* iade_durumu */
    DLG_FLOW_EXCHANGE,      /* degisim_talebi */
    DLG_FLOW_CASE,          /* hasarli_urun, eksik_yanlis_urun, arizali_urun */
    DLG_FLOW_COMPLAINT,     /* sikayet */
    DLG_FLOW_OFFLINE        /* after hours: collecting an offline request */
} dlg_flow;

typedef enum dlg_await {
    DLG_AWAIT_NONE,
    DLG_AWAIT_ORDER,
    DLG_AWAIT_IDENTITY,
    DLG_AWAIT_CANCEL_CONFIRM,
    DLG_AWAIT_ADDRESS,
    DLG_AWAIT_ITEM,          /* which item of the order */
    DLG_AWAIT_REASON,        /* why it goes back */
    DLG_AWAIT_OPENED,        /* was the cosmetic opened */
    DLG_AWAIT_SIZE,          /* the size wanted in an exchange */
    DLG_AWAIT_DESCRIPTION,   /* what happened, for a case */
    DLG_AWAIT_COMPLAINT,     /* the complaint itself */
    DLG_AWAIT_NAME,          /* offline request: name */
    DLG_AWAIT_CONTACT,       /* offline request: phone or e-mail */
    DLG_AWAIT_OFFLINE_ORDER, /* offline request: order number, if any */
    DLG_AWAIT_OFFLINE_TEXT   /* offline request: the message */
} dlg_await;

typedef struct dlg_check {
    char order[16];
    int fails;
} dlg_check;

struct dlg_session {
    char id[64];
    unsigned turn;            /* rotates between alternative texts */
    int clarify_a, clarify_b; /* kb intents offered by the last clarifying question */
    dlg_flow flow;
    dlg_await await;
    int flow_intent;    /* kb index of the intent that started the flow */
    char order_no[16];  /* slot */
    char email[128];    /* slot: identity proof */
    char last4[5];      /* slot: identity proof */
    char verified[16];  /* order verified in this conversation, "" none */
    char customer[128]; /* signed-in customer's e-mail, "" none */
    int not_received;   /* the shopper said the parcel did not arrive */
    int item;           /* chosen item index, -1 none, -2 all */
    char reason[16];    /* return reason id from shop.json, "" none */
    int opened;         /* cosmetics: -1 unknown, 0 sealed, 1 opened */
    char size[16];      /* size wanted in an exchange, "" none */
    char colour[32];    /* colour wanted in an exchange, "" none */
    char case_kind[16]; /* hasarli, eksik_yanlis, ariza */
    int unsure;         /* fallback or clarifying answers in a row */
    char off_name[64];  /* offline request being collected */
    char off_contact[128];
    char off_order[16];
    dlg_check checks[DLG_MAX_CHECKED_ORDERS];
    size_t check_count;
};

/* One turn's context. */
typedef struct dlg_turn {
    dlg_env *env;
    dlg_session *s;
    dlg_reply *out;
    ds_error *err;
    const kb_base *kb;
    store_order *order;      /* the verified order, loaded this turn (owned) */
    const char *text;        /* the message as typed; borrowed */
    const char *code;        /* a return/exchange code just issued */
    long long request_id;    /* a case or complaint just recorded */
    const store_return *ret; /* a return being described */
    long long days_since;    /* days since delivery */
    const char *choice;      /* an exchange's variant, as {{yeni_secenek}} names it */
} dlg_turn;

/* Appends message `key` of dialogue.json, rendered, and its quick replies. */
void dlg__say(dlg_turn *t, const char *key);
void dlg__add_quick_reply(dlg_reply *r, const char *q);
/* The same for text that does not outlive the turn (an item's name). */
void dlg__add_quick_reply_copy(dlg_reply *r, const char *q);

/* Template variables of an order turn (musteri_adi, takip_linki, ...), then
 * shop.json paths. A tpl_lookup_fn with the dlg_turn as ctx. */
int dlg__lookup(void *ctx, const char *name, size_t len, ds_buf *out);
/* 1 when name is a variable dlg__lookup knows besides shop paths. */
int dlg__is_var(const char *name, size_t len);

/* Seconds since the epoch of an ISO 8601 time (without an offset: shop
 * time), or -1. */
long long dlg__epoch(const kb_base *kb, const char *iso);
/* The promised dispatch day (created_at + dispatch business days) as an
 * ISO date "YYYY-MM-DD" into buf[11]; 0 on success. */
int dlg__dispatch_by(const kb_base *kb, const char *created_at, char buf[11]);

/* Shared by the flows (dlg_orders.c). */
int dlg__message_is(const dlg_turn *t, const char *list, int leading);
int dlg__message_has(const dlg_turn *t, const char *list);
void dlg__now_iso(const dlg_env *env, char buf[48]);
void dlg__hand_off(dlg_turn *t, const char *priority, const char *reason);
void dlg__end_flow(dlg_session *s);

/* Returns, exchanges, cases (dlg_returns.c): act on the verified order in
 * t->order for the session's flow, and answer the flow's pending question.
 * dlg__returns_await returns 1 when it consumed the message. */
void dlg__returns_act(dlg_turn *t);
/* Takes what the message that starts a flow already says (a reason). */
void dlg__returns_start(dlg_turn *t);
int dlg__returns_await(dlg_turn *t, int intent);
/* Records a return, exchange or case of t->order (or none) with the
 * session's reason; with_code draws a fresh code into code. */
ds_status dlg__record(dlg_turn *t, const char *kind, const char *state, int with_code,
                      const char *priority, const char *details, char code[16]);

/* Exchanges (dlg_exchange.c): dlg__exchange_choose picks the variant of the
 * chosen item the session asks for (or asks, offering what is in stock)
 * and records the exchange; dlg__exchange_wanted takes a size or colour
 * from the message into the session (it may be NULL before an item is
 * chosen) and returns 1 when it found one. */
void dlg__exchange_choose(dlg_turn *t, const store_item *it);
int dlg__exchange_wanted(dlg_turn *t, const store_item *it);

/* A complaint needs no order: listen, then record it. */
void dlg__complaint_step(dlg_turn *t, int first);
/* Loads the verified order into t->order (asking for what is missing);
 * 1 when it is there. */
int dlg__verified_order(dlg_turn *t, int first);

/* Hand-offs (dlg_handoff.c): asks for people, or after hours starts the
 * offline request. priority "urgent"/"normal", reason a short id. */
void dlg__want_people(dlg_turn *t, const char *priority, const char *reason);
/* The offline request's questions; 1 when the message was consumed. */
int dlg__offline_await(dlg_turn *t);

/* The order dialogues. 1 when the turn was handled. */
int dlg__order_turn(dlg_turn *t, int intent, int clarify, int got_slot);

#endif
