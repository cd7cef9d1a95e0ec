/* SPDX-License-Identifier: MIT */
/* Handing a conversation to people. In working hours the reply carries the
 * hand-off (the channel queues it); after hours the bot says when people
 * are back and collects an offline request: name, a way to reach the
 * shopper, the order number if there is one, and the message. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

static void offline_request(dlg_turn *t, const char *priority, const char *reason,
                            const char *message)
{
    dlg_session *s = t->s;
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", s->off_name, "contact", s->off_contact,
                  "order", s->off_order[0] ? s->off_order : s->verified, "message",
                  message ? message : "", "priority", priority, "reason", reason);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (text && strlen(text) < sizeof t->out->offline_request)
        strcpy(t->out->offline_request, text);
    ds_free(text);
    t->out->handoff_priority = priority;
    t->out->handoff_reason = reason;
}

void dlg__want_people(dlg_turn *t, const char *priority, const char *reason)
{
    dlg_session *s = t->s;
    if (!t->env->closed) {
        t->out->handoff_priority = priority;
        t->out->handoff_reason = reason;
        return;
    }
    /* after hours: a verified order already tells who and how to reach */
    if (s->verified[0]) {
        snprintf(s->off_order, sizeof s->off_order, "%s", s->verified);
        offline_request(t, priority, reason, t->text);
        dlg__say(t, "offline.recorded");
        return;
    }
    dlg__end_flow(s);
    s->flow = DLG_FLOW_OFFLINE;
    snprintf(s->case_kind, sizeof s->case_kind, "%s", reason);
    snprintf(s->reason, sizeof s->reason, "%s", priority);
    s->off_name[0] = s->off_contact[0] = s->off_order[0] = '\0';
    t->out->offline_started = 1;
    dlg__say(t, "offline.ask_name");
    s->await = DLG_AWAIT_NAME;
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

int dlg__offline_await(dlg_turn *t)
{
    dlg_session *s = t->s;
    const nlp_text *nt = t->env->scratch;
    if (s->flow != DLG_FLOW_OFFLINE)
        return 0;
    t->out->intent = "canli_destek";
    switch (s->await) {
    case DLG_AWAIT_NAME:
        if (!looks_like_name(t->text)) {
            dlg__say(t, "offline.ask_name");
            return 1;
        }
        snprintf(s->off_name, sizeof s->off_name, "%s", t->text);
        dlg__say(t, "offline.ask_contact");
        s->await = DLG_AWAIT_CONTACT;
        return 1;
    case DLG_AWAIT_CONTACT:
        for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
            const nlp_entity *e = nlp_text_entity(nt, i);
            if (e->kind == NLP_ENT_EMAIL || e->kind == NLP_ENT_PHONE)
                snprintf(s->off_contact, sizeof s->off_contact, "%s%s",
                         e->kind == NLP_ENT_PHONE ? "0" : "", e->value);
        }
        if (!s->off_contact[0]) {
            dlg__say(t, "offline.ask_contact");
            return 1;
        }
        dlg__say(t, "offline.ask_order");
        s->await = DLG_AWAIT_OFFLINE_ORDER;
        return 1;
    case DLG_AWAIT_OFFLINE_ORDER:
        for (size_t i = 0; i < nlp_text_entity_count(nt); i++) {
            const nlp_entity *e = nlp_text_entity(nt, i);
            if (e->kind == NLP_ENT_ORDER_NO)
                snprintf(s->off_order, sizeof s->off_order, "%s", e->value);
        }
        /* any answer moves on: "yok", "bilmiyorum" mean no order */
        dlg__say(t, "offline.ask_message");
        s->await = DLG_AWAIT_OFFLINE_TEXT;
        return 1;
    case DLG_AWAIT_OFFLINE_TEXT: {
        char priority[16], reason[16];
        snprintf(priority, sizeof priority, "%s", s->reason[0] ? s->reason : "normal");
        snprintf(reason, sizeof reason, "%s", s->case_kind[0] ? s->case_kind : "istek");
        offline_request(t, strcmp(priority, "urgent") == 0 ? "urgent" : "normal",
                        strcmp(reason, "istek") == 0 ? "istek" : reason, t->text);
        /* the reason string must outlive the session's slots */
        t->out->handoff_reason = strcmp(reason, "istek") == 0 ? "istek" : "offline";
        dlg__say(t, "offline.recorded");
        dlg__end_flow(s);
        return 1;
    }
    default: return 0;
    }
}
