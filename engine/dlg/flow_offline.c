/* SPDX-License-Identifier: MIT */
/* "offline": after hours, when people must take over and no verified order
 * says who the shopper is, the router starts this flow: the bot says when
 * people are back and collects a request for them: a name, a way to reach
 * the shopper, the order number if there is one, and the message. */
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
} offline_slots;
DLG_SLOTS_FIT(offline_slots);

static const dlg_slot_def slots[] = {
    DLG_STR_SLOT(offline_slots, name),   DLG_STR_SLOT(offline_slots, contact),
    DLG_STR_SLOT(offline_slots, order),  DLG_STR_SLOT(offline_slots, priority),
    DLG_STR_SLOT(offline_slots, reason), DLG_STR_SLOT(offline_slots, message),
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
    dlg__say(t, "offline.ask_name");
    dlg__wait(t, "name");
}

/* A name: letters and spaces, 2-60 bytes, at most five words, none of
 * them a word of a question or a sentence ("şu an kimse yok mu"). */
static int looks_like_name(const dlg_turn *t, const char *text)
{
    size_t n = strlen(text), words = 1;
    if (n < 2 || n > 60 || strchr(text, '?') || dlg__message_has(t, "not_a_name"))
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

/* Leaves the request with the whole message. */
static void record(dlg_turn *t, const char *message)
{
    offline_slots *sl = t->slots;
    dlg__offline_request(t, sl->name, sl->contact, sl->order[0] ? sl->order : t->s->verified,
                         sl->priority[0] ? sl->priority : "normal",
                         sl->reason[0] ? sl->reason : "istek", message);
    dlg__say(t, t->out->offline_request ? "offline.recorded" : "no_store");
    dlg__end(t);
}

/* Asks for what is still missing, or leaves the request when nothing is. */
static void next(dlg_turn *t, const char *prefix)
{
    offline_slots *sl = t->slots;
    if (prefix)
        dlg__say(t, prefix);
    if (!sl->name[0] && !sl->contact[0]) { /* with a contact, people can ask the name */
        ask(t, t->first ? "offline.ask_name" : "offline.ask_name_again", "name");
    } else if (!sl->contact[0]) {
        ask(t, "offline.ask_contact", "contact");
    } else if (!sl->order[0] && strcmp(t->s->step ? t->s->step : "", "order_number") != 0 &&
               !sl->message[0]) {
        ask(t, "offline.ask_order", "order_number");
    } else if (!sl->message[0]) {
        ask(t, "offline.ask_message", "message");
    } else {
        record(t, sl->message);
    }
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
    /* a question of the knowledge base is a question, not a name or a
     * contact: the router answers it and asks again; another problem of
     * the same night joins this request */
    const dlg_flow *f = t->asked;
    if (strcmp(step, "message") != 0 && t->intent >= 0 && !t->clarify &&
        t->out->confidence >= 0.6 && !t->got_slot && (!f || (f->flags & DLG_FLOW_ASIDE)))
        return 0;
    take_entities(t);
    if (strcmp(step, "message") == 0) {
        /* the message in full, after what the shopper told before */
        ds_buf m;
        ds_buf_init(&m);
        if (sl->message[0])
            ds_buf_printf(&m, "%s / ", sl->message);
        ds_buf_puts(&m, t->text ? t->text : "");
        if (sl->name[0] || sl->contact[0]) {
            record(t, m.failed ? sl->message : m.data);
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
        next(t, t->got_slot || strlen(sl->message) > had ? "offline.noted" : "offline.nobody_now");
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
    "offline.ask_name", "offline.ask_contact", "offline.ask_order", "offline.ask_message",
    "offline.recorded", "offline.back_soon",   "offline.noted",     NULL,
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
