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
} offline_slots;
DLG_SLOTS_FIT(offline_slots);

static const dlg_slot_def slots[] = {
    DLG_STR_SLOT(offline_slots, name),   DLG_STR_SLOT(offline_slots, contact),
    DLG_STR_SLOT(offline_slots, order),  DLG_STR_SLOT(offline_slots, priority),
    DLG_STR_SLOT(offline_slots, reason),
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

/* A name: letters and spaces, 2-60 bytes, at most five words. */
static int looks_like_name(const char *text)
{
    size_t n = strlen(text), words = 1;
    if (n < 2 || n > 60)
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

static int answer(dlg_turn *t, const char *step)
{
    offline_slots *sl = t->slots;
    const nlp_text *nt = t->msg;
    if (dlg__message_is(t, "abandon", 0)) {
        dlg__say(t, "abandoned");
        dlg__end(t);
        return 1;
    }
    /* a question the matcher is sure of is a question, not a name or a
     * contact: the router answers it and asks again */
    if (strcmp(step, "message") != 0 && t->intent >= 0 && !t->clarify &&
        t->out->confidence >= 0.6 && !t->got_slot)
        return 0;
    if (strcmp(step, "name") == 0) {
        if (!looks_like_name(t->text)) {
            ask(t, "offline.ask_name", "name");
            return 1;
        }
        snprintf(sl->name, sizeof sl->name, "%s", t->text);
        ask(t, "offline.ask_contact", "contact");
    } else if (strcmp(step, "contact") == 0) {
        for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
            const nlp_entity *e = nlp_text_entity(nt, i);
            if (e->kind == NLP_ENT_EMAIL || e->kind == NLP_ENT_PHONE)
                snprintf(sl->contact, sizeof sl->contact, "%s%s",
                         e->kind == NLP_ENT_PHONE ? "0" : "", e->value);
        }
        if (sl->contact[0])
            ask(t, "offline.ask_order", "order_number");
        else
            ask(t, "offline.ask_contact", "contact");
    } else if (strcmp(step, "order_number") == 0) {
        for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
            const nlp_entity *e = nlp_text_entity(nt, i);
            if (e->kind == NLP_ENT_ORDER_NO)
                snprintf(sl->order, sizeof sl->order, "%s", e->value);
        }
        /* any answer moves on: "yok", "bilmiyorum" mean no order */
        ask(t, "offline.ask_message", "message");
    } else {
        dlg__offline_request(t, sl->name, sl->contact, sl->order[0] ? sl->order : t->s->verified,
                             sl->priority[0] ? sl->priority : "normal",
                             sl->reason[0] ? sl->reason : "istek", t->text);
        dlg__say(t, "offline.recorded");
        dlg__end(t);
    }
    return 1;
}

static const char *const says[] = {
    "offline.ask_name",
    "offline.ask_contact",
    "offline.ask_order",
    "offline.ask_message",
    "offline.recorded",
    "offline.back_soon",
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
