/* SPDX-License-Identifier: MIT */
/* Private to engine/dlg: the flow table's entry, the session layout, one
 * turn's context and the toolkit every flow may use. The files form a tree:
 * router.c -> flows.c (the table) -> flow_*.c -> kit.c, identity.c,
 * items.c, vars.c -> kb, tpl, store, clock. A flow never calls another flow
 * or the router: it asks for a transition (dlg__hand_off, dlg__start) and
 * the router carries it out after the handler returns. */
#ifndef DLG_INT_H
#define DLG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dlg.h"

#define DLG_MAX_CHECKED_ORDERS 8
/* Failed identity checks that lock an order for the session. */
#define DLG_MAX_IDENTITY_FAILS 3
/* The first lock of an order after that many failures, in any number of
 * conversations: 15 minutes, doubling with each lock up to a day. */
#define DLG_IDENTITY_LOCK_S 900
/* A feeling acknowledged is not acknowledged again for this many turns:
 * heard, not recited. */
#define DLG_SOOTHE_EVERY 3
#define DLG_UPSET_MAX 100
/* The same question asked this many times more in a row is given up. */
#define DLG_MAX_STALLS 2
/* A message asking about more parts of an answer than this gets it whole. */
#define DLG_MAX_TOPICS 2
/* s->last_topics after a short yes-or-no answer: no topic mask of one or
 * two parts equals it, so the next question is never taken as a repeat. */
#define DLG_TOPICS_SHORT (~0u)
/* Bytes of a flow's own slots in the session. */
#define DLG_SLOTS_MAX 512

/* The steps of the identity check, which any flow that needs a verified
 * order may wait on (identity.c): the order number, then the e-mail or the
 * phone's last four digits. A session's step is always one of these or a
 * string of a flow's steps table, so steps compare as pointers. */
extern const char dlg__step_order[], dlg__step_identity[];
/* Confidence another request needs to take over a conversation whose
 * order number or proof the message gives. */
#define DLG_SWITCH_WITH_SLOT 0.7
/* How many of the last long replies a repeat is looked for in. */
#define DLG_RECENT 4
/* A reply this long said word for word again is shortened. */
#define DLG_RECENT_MIN_LEN 60
/* Confidence at which a message that asks nothing is still read as the
 * request the matcher found, with people already on the shopper's case. */
#define DLG_SURE 0.9
/* The hour (shop time) after which a parcel out for delivery is not
 * promised for today. */
#define DLG_DELIVERY_DAY_ENDS 21
/* Confidence an FAQ answer needs in a message whose card or IBAN number
 * was masked: below it the warning alone answers. */
#define DLG_PII_FAQ_CONFIDENCE 0.8
/* Turns after a masked number in which "silebilir misiniz" is about it. */
#define DLG_PII_FOLLOWUP_TURNS 2
#define DLG_STEP_ORDER dlg__step_order
#define DLG_STEP_IDENTITY dlg__step_identity

/* ---- a flow's own slots, described once: save, load, hash and reset are
 * generic over the description ------------------------------------------- */

typedef enum dlg_slot_type { DLG_SLOT_STR, DLG_SLOT_INT, DLG_SLOT_BOOL } dlg_slot_type;

typedef struct dlg_slot_def {
    const char *name; /* its key in the saved state */
    dlg_slot_type type;
    size_t offset, size;
    int def, lo, hi; /* ints: the value when unset and the range a load accepts */
} dlg_slot_def;

/* A flow's slots must fit in the session's DLG_SLOTS_MAX bytes. */
#define DLG_SLOTS_FIT(T) _Static_assert(sizeof(T) <= DLG_SLOTS_MAX, #T " is over DLG_SLOTS_MAX")

#define DLG_STR_SLOT(T, f)                                             \
    {                                                                  \
#f, DLG_SLOT_STR, offsetof(T, f), sizeof(((T *)0)->f), 0, 0, 0 \
    }
#define DLG_INT_SLOT(T, f, d, lo, hi)                            \
    {                                                            \
#f, DLG_SLOT_INT, offsetof(T, f), sizeof(int), d, lo, hi \
    }
#define DLG_BOOL_SLOT(T, f)                                     \
    {                                                           \
#f, DLG_SLOT_BOOL, offsetof(T, f), sizeof(int), 0, 0, 1 \
    }

typedef struct dlg_turn dlg_turn;

/* What a flow needs before it can act. */
#define DLG_NEEDS_STORE 1u /* the order store (else an apology) */
#define DLG_NEEDS_ORDER 2u /* a verified order, loaded into t->order */
/* Answers aside: started in the middle of another flow, it leaves that flow
 * in progress (asking for a person, "are you a bot"); it may wait on a step
 * only when no other flow is in progress. */
#define DLG_FLOW_ASIDE 4u
/* Started by the router, never by an intent (after-hours requests). */
#define DLG_FLOW_INTERNAL 8u
/* A message that is only an order number starts this flow. */
#define DLG_FLOW_BARE_ORDER 16u
/* After-sales flows (return, exchange, case): a message for one of them in
 * the middle of another is read in that other's context. */
#define DLG_FLOW_AFTER_SALES 128u
/* The flow the router starts for a short question about the verified order
 * that has no better home (instead of a fallback). */
#define DLG_FLOW_FOLLOWUP 256u
/* A flow that shows facts of the order (status, tracking): the same
 * question again with a follow-up's words goes to the follow-up flow. */
#define DLG_FLOW_ORDER_FACTS 512u
/* A flow about the shopper's feelings (a complaint): an angry message that
 * also names a problem another intent handles is that problem, with the
 * anger acknowledged (feelings.c). */
#define DLG_FLOW_FEELINGS 1024u
/* Tells facts of the verified order that short questions may follow up
 * ("para nasıl geri yatacak" after a return's state), though it is not one
 * of the ways of showing the order itself (DLG_FLOW_ORDER_FACTS). */
#define DLG_FLOW_FOLLOWED 2048u
/* The flow of the intents that ask for people. */
#define DLG_FLOW_PEOPLE 32u
/* The flow the router starts when people must take over after hours and
 * nothing says who the shopper is. */
#define DLG_FLOW_AFTER_HOURS 64u
/* The flow of the intents that end the talk ("teşekkürler", "tamam, yarın
 * yazarım"): a message the router reads as a closing starts it. */
#define DLG_FLOW_CLOSING 4096u
/* A flow whose intent's answer asks for the order number when the flow
 * does not start (wants): the number given next starts it, not the order's
 * status. */
#define DLG_FLOW_AFTER_FAQ 8192u
/* A flow for what went wrong, as the shopper tells it (a damaged item, a
 * complaint): with people on the verified order's case already, more of
 * it told, asking nothing, is theirs to read, not a second case. */
#define DLG_FLOW_REPORT 16384u

/* One entry of the flow table (flows.c). */
typedef struct dlg_flow {
    const char *name;          /* what intents name in the KB: "flow": "return" */
    unsigned flags;            /* DLG_NEEDS_*, DLG_FLOW_* */
    const char *const *steps;  /* the steps it waits on by name, NULL-terminated */
    const char *const *says;   /* the dialogue.json messages it uses, NULL-terminated */
    const char *const *params; /* the "flow_params" it reads, NULL-terminated (may be NULL) */
    const dlg_slot_def *slots; /* its own slots (may be NULL) */
    size_t slot_count;
    size_t slots_size;
    /* Whether the message that would start the flow is for it: 0 when it
     * only asks about the flow's subject ("hangi verilerimi tutuyorsunuz"
     * is not "verilerimi silin"), which then gets the intent's answer as a
     * question would. Optional (NULL: always). */
    int (*wants)(dlg_turn *t);
    /* Takes what the message that starts the flow already says (a reason,
     * a colour). Optional. */
    void (*start)(dlg_turn *t);
    /* Reads every message of the flow that is not an answer to one of its
     * own steps (the first and those the identity check takes); ending the
     * flow (dlg__end) here skips the rest. Optional. */
    void (*note)(dlg_turn *t);
    /* Does what the flow is for: with DLG_NEEDS_ORDER, t->order is the
     * verified order. Says the reply, and waits (dlg__wait), ends
     * (dlg__end) or asks for a transition. */
    void (*act)(dlg_turn *t);
    /* The shopper answers `step`, one of the flow's own steps: 1 when the
     * message was taken, 0 when it is not an answer (the router then reads
     * it as a new request). Optional. */
    int (*answer)(dlg_turn *t, const char *step);
} dlg_flow;

/* ---- the session ------------------------------------------------------- */

typedef struct dlg_check {
    char order[16];
    int fails;
} dlg_check;

struct dlg_session {
    char id[64];
    unsigned turn;               /* rotates between alternative texts */
    int clarify_a, clarify_b;    /* kb intents offered by the last clarifying question */
    const dlg_flow *flow;        /* in progress, NULL when none */
    const char *step;            /* the step it waits on (a table's string), NULL none */
    int flow_intent;             /* kb index of the intent that started it, -1 none */
    char order_no[16];           /* slot: the order number given */
    char email[128];             /* slot: identity proof */
    char last4[5];               /* slot: identity proof */
    char product[96];            /* the product talked about last (lookup_stock.c) */
    char reason[16];             /* a return reason the shopper gave (reasons.c), "" none */
    long long last_case;         /* the case or return recorded here last (its id), 0 none */
    char verified[16];           /* order verified in this conversation, "" none */
    char customer[128];          /* signed-in customer's e-mail, "" none */
    int unsure;                  /* fallback or clarifying answers in a row */
    int last_faq;                /* kb index of the intent the last reply answered, -1 none */
    unsigned last_topics;        /* the parts of it said (dlg__topics), 0 the whole answer */
    unsigned long long last_ask; /* a hash of the message it answered (the same words again?) */
    int pii_warned;              /* told not to share card or ID numbers here */
    int upset;                   /* messages so far that showed anger (capped) */
    int soothe_wait;             /* turns before a feeling is acknowledged again */
    unsigned long long last_order_reply; /* hash of the last answer from an order's facts, 0 none */
    unsigned long long recent[DLG_RECENT]; /* hashes of the last long replies, newest first */
    int people_called;                     /* a hand-off or an after-hours request was made */
    int done_item;     /* item of the verified order given a return or exchange code here, -1 */
    int stalls;        /* turns in a row the dialogue asked the same step again */
    int reminded;      /* the number or proof waited for was named after another answer */
    int identity_asks; /* the proof asked for again without one given */
    int pii_turn;      /* the turn a card, ID or IBAN number was masked, 0 none */
    int next_intent;   /* kb index of a second request waiting for the first to end, -1 none */
    int next_offered;  /* kb index of the request just offered with a button, -1 none */
    dlg_check checks[DLG_MAX_CHECKED_ORDERS];
    size_t check_count;
    /* the flow's own slots, laid out as its dlg_flow.slots say */
    _Alignas(16) unsigned char slots[DLG_SLOTS_MAX];
};

/* A list asked of the message this turn (kit.c), by name. */
typedef struct dlg_memo {
    char list[40];
    unsigned hash;         /* of list (kit.c's memo_hash) */
    signed char has, stem; /* -1 not asked yet */
} dlg_memo;
#define DLG_MEMO_MAX 96    /* a turn asks more than 24 lists: past the memo each is asked again */
#define DLG_MEMO_SLOTS 128 /* the memo's hash table: a power of two above DLG_MEMO_MAX */
#define DLG_STEMS_MAX 16
/* The word runs of the message that are some list's phrase, kept with their
 * hash for a turn's asks (kit.c); past these bounds the message is walked. */
#define DLG_RUNS_MAX 48
#define DLG_RUNS_TEXT 2048
typedef struct dlg_run {
    uint64_t hash;    /* kb_words_hash */
    unsigned at, len; /* in run_text */
} dlg_run;

/* One turn's context. */
struct dlg_turn {
    dlg_env *env;
    dlg_session *s;
    dlg_reply *out;
    ds_error *err;
    const kb_base *kb;
    const nlp_text *msg;         /* the message, normalised */
    const char *text;            /* the message as typed; borrowed */
    int intent;                  /* kb index of the intent understood (the best candidate of a
                                    clarifying question), -1 none */
    int clarify;                 /* the matcher could not choose between two intents */
    const dlg_flow *asked;       /* the flow the message asks for, NULL none */
    int got_slot;                /* the message gave an order number, e-mail or phone */
    int order_corrected;         /* ... an order number in place of another one */
    int order_by_code;           /* ... the order of a return code (codes.c) */
    int first;                   /* the flow starts with this message */
    int upset, hurry;            /* the message shows anger, hurry (dlg__feel) */
    int answered_aside;          /* a question in between was answered, the dialogue waits on */
    int decided;                 /* the intent is the one a topic marked "decides" names */
    int in_english;              /* written in English, and read no better than a guess */
    int english;                 /* told in English that the bot reads Turkish */
    const dlg_flow *declined;    /* the change the message says it is not asking for */
    int conditional;             /* asks what a change would do ("iptal edersem"), not for it */
    int told_state;              /* tells the item's state ("kutusunu açtım"), reports no fault */
    dlg_memo memo[DLG_MEMO_MAX]; /* lists asked of t->msg (kit.c) */
    unsigned char memo_at[DLG_MEMO_SLOTS]; /* by memo hash: index in memo + 1, 0 empty */
    unsigned long long starts;             /* tokens of t->msg that start a phrase of some list */
    int starts_known;
    unsigned char grams[64]; /* with starts: runs of t->msg that are some list's phrase (kit.c) */
    char stems[DLG_STEMS_MAX][32];     /* stems of t->msg that start a phrase of some list */
    uint64_t stem_hash[DLG_STEMS_MAX]; /* kb_words_hash of each */
    unsigned char stem_len[DLG_STEMS_MAX];
    size_t stem_count;
    dlg_run runs[DLG_RUNS_MAX]; /* with starts: the runs of grams, tokens under 64 */
    size_t run_count;
    int runs_whole; /* runs holds every one (else text_has_from walks the message) */
    char *run_text; /* DLG_RUNS_TEXT bytes the caller lends (not zeroed with the turn); NULL:
                       no runs kept */
    size_t run_text_len;
    int stems_known;
    size_t memo_count;
    const dlg_flow *flow; /* the flow being run (a DLG_FLOW_ASIDE one may not be s->flow) */
    void *slots;          /* its slots */
    store_order *order;   /* the verified order, loaded this turn (owned) */
    /* what the handler asked the router for */
    const char *wait;         /* a step to wait on */
    int end;                  /* the flow is over */
    const char *handoff;      /* people must take over: "urgent" or "normal" */
    const char *handoff_why;  /* a short reason id: points at handoff_why_buf */
    char handoff_why_buf[32]; /* a copy: a flow's slots holding it are cleared at its end */
    const char *start;        /* start the flow of this name next */
    /* the hand-off the router is carrying out, for the after-hours flow */
    const char *people_priority, *people_reason;
    /* values for templates this turn */
    const char *code;        /* a return/exchange code just issued */
    long long request_id;    /* a case or complaint just recorded */
    const store_return *ret; /* a return being described */
    long long days_since;    /* days since delivery */
    const char *choice;      /* an exchange's variant, as {{yeni_secenek}} names it */
    const char *offer;       /* the title of the request offered next, {{sonraki_konu}} */
    int item;                /* the item {{urun}} names: an index, DLG_ITEM_ALL or _NONE */
    const char *size;        /* the size {{beden}} names */
    const char *product;     /* a product of the stock, as {{urun_adi}} names it */
    const char *in_stock;    /* its variants in stock, as {{stoktakiler}} lists them */
    const char *fact;        /* what the shop says of it, as {{urun_bilgisi}} says it */
    const char *basket;      /* the basket's sum, as {{sepet_tutari}} says it */
    const char *missing;     /* what it lacks for free shipping, as {{eksik_tutar}} */
};

/* ---- the flow table (flows.c) ------------------------------------------ */

/* Every flow, NULL-terminated. */
extern const dlg_flow *const dlg__flows[];
/* The flow of that name, or NULL. */
const dlg_flow *dlg__flow_find(const char *name);
/* The flow the KB binds an intent to, or NULL (an FAQ answer). */
const dlg_flow *dlg__flow_of(const kb_base *kb, int intent);
/* The first intent the KB binds to a flow with one of these flags, or -1. */
int dlg__intent_of_flag(const kb_base *kb, unsigned flag);
/* (kit.c) step as the flow's own table spells it (or a DLG_STEP_* of the identity
 * check for a flow that needs an order); NULL when the flow has no such step. */
const char *dlg__flow_step(const dlg_flow *f, const char *step);

/* ---- toolkit (kit.c) ---------------------------------------------------- */

/* Appends message `key` of dialogue.json, rendered, and its quick replies. */
void dlg__say(dlg_turn *t, const char *key);
/* Appends an intent's own answer and quick replies, and makes it the reply's
 * intent: the parts ("topics") the message asks about, when it asks about
 * one or two, else the whole answer. */
ds_status dlg__say_intent(dlg_turn *t, size_t idx);

/* While the identity check waits and the message gives none of it: the
 * flow-less intent (a policy question) whose topic the message names, among
 * the matcher's first candidates or (unless candidates_only) among the
 * answers the KB relates to the dialogue waiting, or -1 (waiting.c). */
int dlg__general_while_waiting(const dlg_turn *t, int candidates_only);
/* The answer the KB relates to the dialogue in progress whose topic the
 * message names ("kargo ücreti bana mı ait" in a return: the return's
 * shipping, not the shop's shipping fee), or -1. waiting.c */
int dlg__waiting_topic(const dlg_turn *t);

/* The order of a return whose code the message gives, into order (size
 * bytes): 1 when found in the store (codes.c). */
int dlg__order_of_code(const dlg_turn *t, char *order, size_t size);
/* A word of the message is shaped as a coupon code (codes.c). */
int dlg__coupon_shaped(const dlg_turn *t);

/* A store lookup an intent names ("lookup"): answers the message from the
 * shop's data (1), or leaves it to the intent's text (0). */
typedef struct dlg_lookup {
    const char *name;
    int (*answer)(dlg_turn *t);
    const char *const *says; /* the dialogue.json messages it says, NULL-ended */
} dlg_lookup;

/* Every lookup, ended by one with a NULL name (lookups.c); by name, or NULL. */
extern const dlg_lookup dlg__lookups[];
const dlg_lookup *dlg__lookup_find(const char *name);
/* The intent's lookup answers the message: 1 when it said something. */
int dlg__lookup_answer(dlg_turn *t, size_t intent);
int dlg__lookup_stock(dlg_turn *t); /* lookup_stock.c */
/* A word of the product's name that is a product noun ("elbise") is in
 * the message: the shopper named that kind of product, not only a
 * material or a colour ("deri"). lookup_stock.c */
int dlg__shares_noun(const dlg_turn *t, const char *name);
/* The shop's facts of the product named or talked about, on the topics
 * the message asks ("ipek mi", "makinede yıkanır mı"): 1 when said.
 * lookup_facts.c */
int dlg__lookup_facts(dlg_turn *t);
/* The "stock" lookup's answer: the product's facts asked, else its stock. */
int dlg__lookup_product(dlg_turn *t);
/* Keeps, as the product talked about (s->product), the stock product the
 * message names by its noun ("çiçekli midi elbiseyi M verdim"), for a later
 * "S beden var mı" that names none. lookup_stock.c */
void dlg__remember_product(dlg_turn *t);
/* The id of the return reason the message gives (shop.json
 * returns.reasons: its label, or words "reason_<id>") into id[cap]; 1 when
 * found. reasons.c */
int dlg__reason_of_message(const dlg_turn *t, char *id, size_t cap);
/* Keeps the reason the message gives, if any, as s->reason, for a return
 * asked for later (not while a return or exchange runs: it takes its own).
 * reasons.c */
void dlg__remember_reason(dlg_turn *t);
int dlg__lookup_basket(dlg_turn *t); /* lookup_basket.c */

/* How many words of name (3+ letters) the message has, inflected or not
 * ("sneakerın" is "Sneaker"), each counted once (items.c). */
int dlg__name_words(const dlg_turn *t, const char *name);
/* text (the first message, say) names item of the verified order among
 * others ("kemer yok, sadece gömlek çıktı" names both) (items.c). */
int dlg__text_names_item(const dlg_turn *t, const char *text, int item);
/* The topics of intent idx the message asks about, as a bit mask (0: the
 * whole answer). */
unsigned dlg__topics(const dlg_turn *t, size_t idx);
/* The same intent asked again in other words: says the one sentence of its
 * answer (as dlg__say_intent would give it) that shares the most words with
 * the message, and returns 1; 0, saying nothing, when no sentence shares a
 * word (part.c). */
int dlg__answer_part(dlg_turn *t, size_t idx);
/* The sentence of text (a reply) that shares the most words with the
 * message, said; 0, saying nothing, when none shares a word. */
int dlg__say_part_of(dlg_turn *t, const char *text, size_t len);
void dlg__add_quick_reply(dlg_reply *r, const char *q);
/* Puts text before the reply's text, joined by sep. */
void dlg__put_first(dlg_turn *t, const char *text, const char *sep);
/* 1 when s[i] ends a sentence of s[0..len): a ".", "?" or "!" before a
 * space, a line break or the end, and not the dot of an abbreviation
 * ("T.C.", "A.Ş.", "Mah.", "No.", "vb."). */
int dlg__sentence_end(const char *s, size_t len, size_t i);
/* The same for text that does not outlive the turn (an item's name). */
void dlg__add_quick_reply_copy(dlg_reply *r, const char *q);
/* The whole message is one of the words of list ("vazgeçtim"); with
 * leading, also a short answer that starts with one ("evet lütfen"). */
int dlg__message_is(const dlg_turn *t, const char *list, int leading);
/* Some word of the message, with its suffixes taken off ("gözlüğü",
 * "kemeri"), is in list. */
int dlg__message_has_stem(const dlg_turn *t, const char *list);
/* Appends token k of nt to the run of tokens from i in buf[0..*len), a
 * space between two: the phrase tried against the KB's word lists. 0,
 * buf unchanged, when it would not fit in cap bytes. kit.c */
int dlg__run_extend(const nlp_text *nt, size_t i, size_t k, char *buf, size_t cap, size_t *len);
/* A word list's name put together from parts, as snprintf(buf, cap,
 * "%s%s%.*s", a, sep, (int)blen, b) would (cut to cap - 1 bytes), without
 * printf: names are built for several lists on every turn. cap > 0. kit.c */
void dlg__list_name(char *buf, size_t cap, const char *a, const char *sep, const char *b,
                    size_t blen);
/* Some run of 1-3 tokens of the message is in list. */
int dlg__message_has(const dlg_turn *t, const char *list);
/* The message says yes to the question asked: a "yes" word, alone or
 * leading a short answer without "not now" or thanks words. */
int dlg__message_agrees(const dlg_turn *t);
/* The same two tests on any normalised text. */
int dlg__text_has(const kb_base *kb, const nlp_text *nt, const char *list);
int dlg__text_has_stem(const kb_base *kb, const nlp_text *nt, const char *list);
/* One token has a stem of the words of list. */
int dlg__token_has_stem(const kb_base *kb, const nlp_token *tok, const char *list);
/* Keeps the message as typed in dst[cap], cut between two characters. */
void dlg__keep_text(const dlg_turn *t, char *dst, size_t cap);
/* The number of words (tokens) of text once normalised. */
size_t dlg__text_words(const dlg_turn *t, const char *text);
/* The turn's time as shop-local ISO 8601. */
void dlg__now_iso(const dlg_turn *t, char buf[CLOCK_ISO_LEN]);
/* A flow param of the intent that started the flow ("kind"), or NULL. */
const char *dlg__param(const dlg_turn *t, const char *name);
/* Requests to the router, carried out when the handler returns. */
void dlg__wait(dlg_turn *t, const char *step);
void dlg__end(dlg_turn *t);
/* People must take over (a hand-off in working hours, an offline request
 * after them); priority "urgent"/"normal", reason a short id. */
void dlg__hand_off(dlg_turn *t, const char *priority, const char *reason);
/* The answer to "shall I connect you to a person?": yes hands off (reason),
 * no declines, both end the flow; 0 when the message is neither. */
int dlg__answer_offer(dlg_turn *t, const char *reason);
/* Ends this flow and starts the flow named `flow` with the same message. */
void dlg__start(dlg_turn *t, const char *flow);

/* ---- people (people.c) -------------------------------------------------- */

/* Where people stand for the conversation this turn, this reply's own
 * hand-off or request included. */
typedef enum dlg_people {
    DLG_PEOPLE_FREE,    /* in working hours, nobody called: a person may be offered */
    DLG_PEOPLE_WAITING, /* in working hours, a person is called: they will read this */
    DLG_PEOPLE_AWAY,    /* after hours, nothing left: the offline request may be offered */
    DLG_PEOPLE_TAKING,  /* after hours, the offline request is being taken */
    DLG_PEOPLE_NOTED,   /* after hours, a request is left: people read it when back */
} dlg_people;
dlg_people dlg__people(const dlg_turn *t);
/* Message key of dialogue.json as people stand: its variant KEY.waiting,
 * KEY.closed (after hours), KEY.taking (then .closed) or KEY.noted (then
 * .closed) when the KB has it, else KEY itself; NULL when neither is there.
 * Borrowed from the KB. dlg__say says what this gives. */
const kb_message *dlg__people_message(const dlg_turn *t, const char *key);
/* The variant of an intent's answer as people stand (message
 * "intent.ID.waiting", ... as above), or NULL: the intent's own answer. */
const kb_message *dlg__people_answer(const dlg_turn *t, const char *intent_id);
/* At the end of the turn: the button that asks for a person (message
 * "people.button") stays while one can be called, becomes
 * "people.button.closed" after hours while nothing is left, and goes when
 * people are called already or the request is being taken. */
void dlg__people_buttons(dlg_turn *t);

/* ---- questions (ask.c) ------------------------------------------------- */

/* The message asks something: a "?", a question particle or word. */
int dlg__message_asks(const dlg_turn *t);
/* The message asks yes or no ("kapıda ödeme var mı"): a question particle
 * and no question word. */
int dlg__message_yes_no(const dlg_turn *t);
/* The message ends the talk for now without asking anything: "tamam, yarın
 * yazarım", "bankama soracağım" (words "closing"), no question, no order
 * number or contact. */
int dlg__message_closes(const dlg_turn *t);
/* The dialogue.json message that answers a closing in kind: thanks
 * ("closing.thanks"), a wish ("iyi çalışmalar": "closing.wish", words
 * "goodbye_wishes"), else "tamam, yarın yazarım" ("closing.later"). */
const char *dlg__closing_key(const dlg_turn *t);
/* (yesno.c) A yes-or-no question about a fact of the shop: says the
 * dialogue.json answer ("yes_no.PATH.yes" or ".no", by the value of PATH in
 * shop.json) of the fact whose words the message names most specifically,
 * in a phrase of at least min_words words, and returns 1; 0, saying
 * nothing, when it asks about none. */
int dlg__say_yes_no(dlg_turn *t, size_t min_words);
/* The same question found, nothing said: 1 when dlg__say_yes_no would answer. */
int dlg__asks_yes_no(const dlg_turn *t, size_t min_words);
/* Says the shop's fact at path (shop.json, "contact.callback") when the
 * message has its words (words "yes_no.PATH"), asked or not ("beni
 * arasınlar" as well as "arar mısınız"); 1 when said. yesno.c */
int dlg__say_fact(dlg_turn *t, const char *path);

/* ---- what the message asks for (asks.c) ---------------------------------- */

/* Settles t->asked (the flow t->intent starts, as the router set it): NULL
 * when the message asks about the flow's subject, a fact of the shop, the
 * case people have, a change already asked for or made, what a change
 * would do (t->conditional), declines it (t->declined) or tells the item's
 * state (t->told_state); t->intent follows where the message is read as
 * another request. order_no: the message gives an order number;
 * after_faq: the number an answer asked for. */
void dlg__settle_asked(dlg_turn *t, int order_no, int after_faq);
/* "hesabımda göremiyorum", "taksitler mi geri yatar": the order's money. */
int dlg__money_words(const dlg_turn *t);
/* The message has the words "HOW_FLOW" of flow f ("asks_return",
 * "declined_return", "done_return"; "return_status" reads "return"). */
int dlg__flow_words(const dlg_turn *t, const dlg_flow *f, const char *how);
/* The message says the shopper is not asking for the change f makes. */
int dlg__declines(const dlg_turn *t, const dlg_flow *f);
/* The message's intent starts a change to the order, not a look at it. */
int dlg__asks_a_change(const dlg_turn *t);
/* The message asks how the case people have goes on. */
int dlg__asks_about_the_case(const dlg_turn *t);
/* The message tells whether the item was opened, used or tried on. */
int dlg__tells_condition(const dlg_turn *t);

/* ---- feelings (feelings.c) ---------------------------------------------- */

/* Before the turn: reads the message's feelings into t->upset, t->hurry. */
void dlg__feel(dlg_turn *t);
/* After the reply is composed: an angry or hurried message gets a line
 * that acknowledges it before the answer, unless the answer already does;
 * a shopper angry twice is offered a person. */
void dlg__acknowledge(dlg_turn *t);

/* ---- what the message asks for, read (reading.c) ----------------------- */

/* The intent the message asks for, from the matcher's intent (or -1) as
 * the rules of reading.c weigh it; sets t->clarify, t->upset-driven
 * choices, t->in_english and t->decided, and *second to a second request
 * of the message or -1. Only for a typed message (not a quick reply). */
int dlg__read_request(dlg_turn *t, int intent, int *second);
/* One of the two intents the matcher could not tell apart starts flow f. */
int dlg__in_doubt_with(const dlg_turn *t, const dlg_flow *f);
/* The first intent the KB binds to flow f, or -1. */
int dlg__intent_of_flow(const kb_base *kb, const dlg_flow *f);

/* ---- the message's language (language.c) ------------------------------- */

/* 1 when the message is written in English (dialogue.json words "english"). */
int dlg__message_english(const dlg_turn *t);

/* ---- a second request in the message (second.c) ------------------------ */

/* The intent of a second request the message makes besides its best one
 * ("kargom nerede bir de iade nasıl yapılıyor"), or -1. *first is the
 * first request's intent when there are two, and the question's when the
 * message is a question and a detail after it ("indirimli ürünlerde de
 * iade var mı? black friday'de almıştım": the question read on its own,
 * -1 returned); else left as it was. */
int dlg__second_request(const dlg_turn *t, int *first);
/* After the first request's reply: a KB answer is added to it; a dialogue
 * is kept (s->next_intent) for dlg__offer_next. */
void dlg__serve_second(dlg_turn *t, int second);
/* At the end of a turn with no dialogue in progress: offers the request
 * kept, with its title as a button. */
void dlg__offer_next(dlg_turn *t);

/* ---- records (record.c) ------------------------------------------------- */

/* Records a return, exchange or case of t->order (or of none) with reason;
 * with_code draws a fresh code into code. */
ds_status dlg__record(dlg_turn *t, const char *kind, const char *state, int with_code,
                      const char *reason, const char *priority, const char *details, char code[16]);

/* Records a case (kind: hasarli, eksik_yanlis, ariza, sikayet) of t->order
 * with the message as its description, hands the conversation to people
 * with priority, says so and ends the flow. */
void dlg__record_case(dlg_turn *t, const char *kind, const char *priority);
/* Records an open case (reason) of t->order with the message as its
 * description; code gets its number. Says nothing. */
ds_status dlg__record_described(dlg_turn *t, const char *reason, const char *priority,
                                char code[16]);
/* The after-hours request for people, as the reply carries it. */
void dlg__offline_request(dlg_turn *t, const char *name, const char *contact, const char *order,
                          const char *priority, const char *reason, const char *message);

/* ---- the identity check (identity.c) ------------------------------------ */

/* Loads the verified order of the slots into t->order, asking for what is
 * missing (waiting on DLG_STEP_ORDER or DLG_STEP_IDENTITY); 1 when it is
 * there, 0 when the turn's reply has been said instead. */
int dlg__verified_order(dlg_turn *t);
/* ---- replies not sent again (repeats.c) ------------------------------- */

/* The reply made is not the facts told just before, nor a long reply of a
 * few turns back, word for word: said so instead (and remembered). */
void dlg__not_again(dlg_turn *t);
/* No "Sipariş numaramı bilmiyorum" button once an order is verified. */
void dlg__drop_spent_buttons(dlg_turn *t);

/* A request of kind ("address_change") was made for t->order. */
int dlg__request_made(dlg_turn *t, const char *kind);

/* ---- order facts shared by the order flows (orders.c) ------------------- */

int dlg__is_unshipped(const store_order *o);
/* Not shipped, and the promised dispatch day is over in the shop's time. */
int dlg__dispatch_late(const dlg_turn *t, const store_order *o);
/* Shipped, with no cargo movement for DLG_STUCK_AFTER_S. */
int dlg__stuck(const dlg_turn *t, const store_order *o);
/* Says the order's status, or that it is late and people take over. */
void dlg__say_status(dlg_turn *t, const store_order *o);
/* The exchange of item of the verified order that still waits for its
 * parcel (state "requested"): its id, and its code into code (cap bytes).
 * 1 when there is one (orders.c). */
int dlg__waiting_exchange(dlg_turn *t, int item, long long *id, char *code, size_t cap);
/* A return or exchange of the item (an index or DLG_ITEM_ALL) under way or
 * done: says where it stands instead of a second code, ends the flow, 1. */
int dlg__under_way(dlg_turn *t, int item);
/* The message that tells where a return or exchange stands
 * (return_status.<state>, exchange_status.requested for a new exchange). */
const char *dlg__return_state_key(const dlg_turn *t, const store_return *r);
/* Delivered: sets t->days_since and returns 1. Else says why nothing can go
 * back yet (not delivered, already returned), ends the flow, returns 0. */
int dlg__delivered(dlg_turn *t, const char *flow);
/* "parayı nasıl geri vereceksiniz": where the verified order's money goes
 * back, by how it was paid (followup.refund_how.<payment method>: the
 * card, or a bank account for cash on delivery and transfers). */
void dlg__say_refund_how(dlg_turn *t);
/* How a refund of the verified order comes back when it was paid in
 * instalments (followup.installments.<method>, .single for one payment).
 * orders.c */
void dlg__say_refund_instalments(dlg_turn *t);
/* An order out for delivery: "" when it went out today and the day is not
 * over, ".evening" when it went out today and it is late
 * (DLG_DELIVERY_DAY_ENDS), ".stale" when it went out on another day: the
 * suffix of the message keys that say so. */
const char *dlg__out_for_delivery_when(const dlg_turn *t, const store_order *o);
/* (flow_followup.c) The dialogue.json word lists of the questions the
 * followup flow answers from a verified order, NULL-terminated: the router
 * starts that flow for a message with any of them. */
extern const char *const dlg__followup_words[];

/* ---- choosing an item (items.c) ------------------------------------------ */

/* DLG_ITEM_NONE: not chosen; DLG_ITEM_ALL: every item of the order. */
#define DLG_ITEM_NONE (-1)
#define DLG_ITEM_ALL (-2)

/* The item the message names: its full name (a quick reply), its number in
 * the list, or "hepsi" (DLG_ITEM_ALL). DLG_ITEM_NONE when none. */
int dlg__item_from_message(const dlg_turn *t);
/* The shopper answers "which item" (waited on as step): 2 with *item set; 1
 * when the message names no item of the order and the flow keeps it (it
 * says so, says which items there are, and waits again); 0 when it is
 * another request for the router (a question in between, "vazgeçtim",
 * another topic). */
int dlg__answer_item(dlg_turn *t, int *item, const char *step);
/* The item the words of text (the flow's first message) name, or
 * DLG_ITEM_NONE. */
int dlg__item_in_text(const dlg_turn *t, const char *text);
/* How many of the verified order's items text names (0 none). */
int dlg__items_named(const dlg_turn *t, const char *text);
/* Asks which item (message key), offering the names, and waits on step;
 * when said (the flow's first message, may be NULL) names a product the
 * order does not hold ("kulaklığım bozuk" of a sweatshirt and a speaker),
 * says so and lists the order's items instead. */
void dlg__ask_item(dlg_turn *t, const char *key, const char *step, const char *said);
/* The chosen item (item is an index or DLG_ITEM_ALL: the first), or NULL. */
const store_item *dlg__item(const dlg_turn *t, int item);
/* The chosen items as a JSON array text [{"sku","name","qty"}]; owned. */
char *dlg__items_json(const dlg_turn *t, int item);
/* 1 when the item's category is in shop.json returns.<list>. */
int dlg__category_in(const dlg_turn *t, const char *list, const store_item *it);
/* 1 when the skeleton of text is the message's. */
int dlg__same_words(const dlg_turn *t, const char *text);

/* ---- template variables (vars.c) ---------------------------------------- */

/* Template variables of an order turn (musteri_adi, takip_linki, ...), then
 * shop.json paths. A tpl_lookup_fn with the dlg_turn as ctx. */
int dlg__lookup(void *ctx, const char *name, size_t len, ds_buf *out);
/* Only the turn's variables that intent answers may use (kb_is_turn_var). */
int dlg__turn_lookup(void *ctx, const char *name, size_t len, ds_buf *out);
/* 1 when name is a variable dlg__lookup knows besides shop paths. */
int dlg__is_var(const char *name, size_t len);
/* Seconds since the epoch of an ISO 8601 time (without an offset: shop
 * time), or -1. */
long long dlg__epoch(const kb_base *kb, const char *iso);
/* The promised dispatch day (created_at + dispatch business days, in the
 * shop's calendar) as an ISO date "YYYY-MM-DD" into buf[11]; 0 on success. */
int dlg__dispatch_by(const kb_base *kb, const char *created_at, char buf[11]);

/* ---- slots (session.c) --------------------------------------------------- */

/* Gives the session's slots their defaults for flow f (NULL: none). */
void dlg__slots_reset(dlg_session *s, const dlg_flow *f);

#endif
