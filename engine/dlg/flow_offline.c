/* SPDX-License-Identifier: MIT */
/* "offline": after hours, when people must take over and no verified order
 * says who the shopper is, the router starts this flow: the bot says when
 * people are back and collects a request for them: a name, a way to reach
 * the shopper, the order number if there is one, and the message. The
 * request never stands in the way of what the bot can answer: a question
 * is answered (by the router) and the pending field asked again briefly; a
 * question about an order leaves the request with what was given and lets
 * the order's own flow answer it; a field is asked at most twice, and a
 * goodbye or a third time leaves the request with what the shopper gave
 * (people answer in this conversation, so nothing more is needed). */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

typedef struct offline_slots {
    char name[64];
    char contact[128];
    char order[16];
    char priority[16]; /* of the hand-off that started it */
    char reason[32];
    char message[200]; /* what the shopper wrote about it before being asked */
    int asks;          /* times the pending field was asked, a reminder included */
    int skipped;       /* fields not to ask again (F_* bits): asked twice already */
} offline_slots;
DLG_SLOTS_FIT(offline_slots);

static const dlg_slot_def slots[] = {
    DLG_STR_SLOT(offline_slots, name),
    DLG_STR_SLOT(offline_slots, contact),
    DLG_STR_SLOT(offline_slots, order),
    DLG_STR_SLOT(offline_slots, priority),
    DLG_STR_SLOT(offline_slots, reason),
    DLG_STR_SLOT(offline_slots, message),
    DLG_INT_SLOT(offline_slots, asks, 0, 0, 100),
    DLG_INT_SLOT(offline_slots, skipped, 0, 0, 15),
};

static const char *const steps[] = {"name", "contact", "order_number", "message", NULL};

static void start(dlg_turn *t)
{
    offline_slots *sl = t->slots;
    snprintf(sl->priority, sizeof sl->priority, "%s", t->people_priority);
    snprintf(sl->reason, sizeof sl->reason, "%s", t->people_reason);
    t->out->offline_started = 1;
}

static void act(dlg_turn *t)
{
    offline_slots *sl = t->slots;
    dlg__say(t, "offline.ask_name");
    dlg__wait(t, "name");
    sl->asks = 1;
}

/* A name: letters and spaces, 2-60 bytes, at most five words, not a
 * question ("sabaha kadar bekleyecek miyim") and none of them a word of a
 * sentence ("şu an kimse yok"). */
static int looks_like_name(const dlg_turn *t, const char *text)
{
    size_t n = strlen(text), words = 1;
    if (n < 2 || n > 60 || dlg__message_asks(t) || dlg__message_has(t, "not_a_name"))
        return 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ')
            words++;
        if ((*p >= '0' && *p <= '9') || *p == '@')
            return 0;
    }
    return words <= 5;
}

static void ask(dlg_turn *t, const char *key, const char *step)
{
    dlg__say(t, key);
    dlg__wait(t, step);
}

/* A contact or an order number is taken whatever was asked: people typing
 * at night answer out of order. */
static void take_entities(dlg_turn *t)
{
    offline_slots *sl = t->slots;
    const nlp_text *nt = t->msg;
    for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
        const nlp_entity *e = nlp_text_entity(nt, i);
        if (e->kind == NLP_ENT_EMAIL || e->kind == NLP_ENT_PHONE)
            snprintf(sl->contact, sizeof sl->contact, "%s%s", e->kind == NLP_ENT_PHONE ? "0" : "",
                     e->value);
        else if (e->kind == NLP_ENT_ORDER_NO && !sl->order[0])
            snprintf(sl->order, sizeof sl->order, "%s", e->value);
    }
}

/* Leaves the request with the whole message, and says so with `key`
 * (NULL: the caller says what fits). */
static void record(dlg_turn *t, const char *message, const char *key)
{
    offline_slots *sl = t->slots;
    dlg__offline_request(t, sl->name, sl->contact, sl->order[0] ? sl->order : t->s->verified,
                         sl->priority[0] ? sl->priority : "normal",
                         sl->reason[0] ? sl->reason : "istek", message);
    if (!t->out->offline_request)
        dlg__say(t, "no_store");
    else if (key)
        dlg__say(t, key);
    dlg__end(t);
}

/* The story so far with this message after it, into m. */
static void story_with_text(const dlg_turn *t, ds_buf *m)
{
    const offline_slots *sl = t->slots;
    if (sl->message[0])
        ds_buf_printf(m, "%s / ", sl->message);
    ds_buf_puts(m, t->text ? t->text : "");
}

/* The fields asked for, in order, as bits of offline_slots.skipped. */
enum { F_NAME = 1, F_CONTACT = 2, F_ORDER = 4, F_MESSAGE = 8 };

/* Asks for what is still missing, or leaves the request when nothing is. A
 * field asked twice is not asked a third time: the next one is, and with
 * none left what the shopper gave is enough (people answer here). */
static void next(dlg_turn *t, const char *prefix)
{
    offline_slots *sl = t->slots;
    const char *pending = t->s->step ? t->s->step : "";
    static const struct {
        unsigned bit;
        const char *step;
    } fields[] = {{F_NAME, "name"},
                  {F_CONTACT, "contact"},
                  {F_ORDER, "order_number"},
                  {F_MESSAGE, "message"}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (strcmp(fields[i].step, pending) == 0 && sl->asks >= 2)
            sl->skipped |= fields[i].bit;
    const char *key = NULL, *step = NULL;
    /* with a contact, people can ask the name */
    if (!sl->name[0] && !sl->contact[0] && !(sl->skipped & F_NAME)) {
        key = t->first ? "offline.ask_name" : "offline.ask_name_again";
        step = "name";
    } else if (!sl->contact[0] && !(sl->skipped & F_CONTACT)) {
        key = sl->name[0] ? "offline.ask_contact" : "offline.ask_contact_instead";
        step = "contact";
    } else if (!sl->order[0] && strcmp(pending, "order_number") != 0 && !sl->message[0] &&
               !(sl->skipped & F_ORDER)) {
        key = "offline.ask_order";
        step = "order_number";
    } else if (!sl->message[0] && !(sl->skipped & F_MESSAGE)) {
        key = "offline.ask_message";
        step = "message";
    }
    if (!step) {
        record(t, sl->message, "offline.recorded");
        return;
    }
    sl->asks = strcmp(step, pending) == 0 ? sl->asks + 1 : 1;
    if (prefix)
        dlg__say(t, prefix);
    ask(t, key, step);
}

/* The message is for another of the bot's answers: 1 when the request is
 * left now (the pending field was asked twice already, or the question is
 * about an order, which its own flow answers next), so the flow ends as it
 * hands the message back; 0 when the router answers and asks again. */
static int hand_back(dlg_turn *t, int about_order)
{
    offline_slots *sl = t->slots;
    if (!about_order && sl->asks < 2) {
        sl->asks++; /* the router's reminder after its answer asks again */
        return 0;
    }
    take_entities(t);
    ds_buf m;
    ds_buf_init(&m);
    if (about_order)
        story_with_text(t, &m);
    record(t, about_order && !m.failed ? m.data : sl->message, "offline.left");
    ds_buf_cleanup(&m);
    return 1;
}

/* The message says something about the problem (not only a name or a
 * contact): it is kept as the request's message. */
static void keep_story(dlg_turn *t)
{
    offline_slots *sl = t->slots;
    if (nlp_text_token_count(t->msg) < 5 || t->got_slot || dlg__message_has(t, "not_a_name"))
        return;
    size_t n = strlen(sl->message);
    if (n + 4 < sizeof sl->message) {
        if (n)
            memcpy(sl->message + n, " / ", 4), n += 3;
        dlg__keep_text(t, sl->message + n, sizeof sl->message - n); /* cut between characters */
    }
}

static int answer(dlg_turn *t, const char *step)
{
    offline_slots *sl = t->slots;
    if (dlg__message_is(t, "abandon", 0)) {
        dlg__say(t, "abandoned");
        dlg__end(t);
        return 1;
    }
    const dlg_flow *f = t->asked;
    /* "teşekkürler, iyi geceler": the request is left with what was given,
     * and the goodbye says when people answer it */
    if (f && (f->flags & DLG_FLOW_CLOSING)) {
        take_entities(t);
        record(t, sl->message, NULL);
        dlg__say(t, dlg__closing_key(t));
        return 1;
    }
    /* "siparişim nerede": the bot can see that once the order is checked;
     * the request is left now, and the order's flow answers */
    if (f && (f->flags & DLG_NEEDS_ORDER) && !t->clarify && strcmp(step, "message") != 0) {
        hand_back(t, 1);
        return 0;
    }
    /* a question of the knowledge base is a question, not a name or a
     * contact: the router answers it and asks again (twice at most);
     * another problem of the same night joins this request */
    if (strcmp(step, "message") != 0 && t->intent >= 0 && !t->got_slot &&
        (!f || (f->flags & DLG_FLOW_ASIDE)) &&
        ((!t->clarify && t->out->confidence >= 0.6) || dlg__message_asks(t))) {
        hand_back(t, 0);
        return 0;
    }
    take_entities(t);
    if (strcmp(step, "message") == 0) {
        /* the message in full, after what the shopper told before */
        ds_buf m;
        ds_buf_init(&m);
        story_with_text(t, &m);
        if (sl->name[0] || sl->contact[0]) {
            record(t, m.failed ? sl->message : m.data, "offline.recorded");
        } else {
            keep_story(t);
            next(t, NULL);
        }
        ds_buf_cleanup(&m);
    } else if (strcmp(step, "name") == 0 && looks_like_name(t, t->text)) {
        snprintf(sl->name, sizeof sl->name, "%s", t->text);
        next(t, NULL);
    } else if (strcmp(step, "name") == 0) {
        size_t had = strlen(sl->message);
        keep_story(t);
        /* an e-mail or the story: noted; "şu an kimse yok mu": when people are back */
        const char *heard = t->upset ? "offline.heard" : "offline.noted"; /* no thanks for anger */
        next(t, t->got_slot || strlen(sl->message) > had ? heard : "offline.nobody_now");
    } else if (strcmp(step, "order_number") == 0) {
        /* any answer moves on: "yok", "bilmiyorum" mean no order */
        if (!sl->order[0])
            keep_story(t);
        next(t, NULL);
    } else { /* contact */
        if (!sl->contact[0])
            keep_story(t);
        next(t, NULL);
    }
    return 1;
}

static const char *const says[] = {
    "offline.ask_name",
    "offline.heard",
    "offline.ask_contact",
    "offline.ask_order",
    "offline.ask_message",
    "offline.recorded",
    "offline.back_soon",
    "offline.noted",
    "offline.left",
    "closing.thanks",
    "closing.later",
    "closing.wish",
    "offline.nobody_now",
    "offline.ask_name_again",
    "offline.ask_contact_instead",
    NULL,
};

const dlg_flow dlg_flow_offline = {
    .name = "offline",
    .flags = DLG_FLOW_INTERNAL | DLG_FLOW_AFTER_HOURS,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(offline_slots),
    .start = start,
    .act = act,
    .answer = answer,
};
