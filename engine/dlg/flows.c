/* SPDX-License-Identifier: MIT */
/* The table of dialogue flows. Adding a flow is one file that defines its
 * dlg_flow, one line here and the KB data that binds intents to it
 * ("flow": NAME) and holds its messages. */
#include "dlg_int.h"

#include <string.h>

extern const dlg_flow dlg_flow_status, dlg_flow_tracking, dlg_flow_cancel, dlg_flow_address,
    dlg_flow_return, dlg_flow_return_status, dlg_flow_exchange, dlg_flow_case, dlg_flow_complaint,
    dlg_flow_handoff, dlg_flow_offline, dlg_flow_assistant, dlg_flow_followup, dlg_flow_payment,
    dlg_flow_greeting, dlg_flow_kvkk, dlg_flow_closing, dlg_flow_invoice;

const dlg_flow *const dlg__flows[] = {
    &dlg_flow_status,        /* the state of an order */
    &dlg_flow_tracking,      /* where the parcel is */
    &dlg_flow_cancel,        /* cancel an order not shipped yet */
    &dlg_flow_address,       /* change the delivery address before shipping */
    &dlg_flow_return,        /* start a return by the shop's policy */
    &dlg_flow_return_status, /* where a return or refund stands */
    &dlg_flow_exchange,      /* another size or colour */
    &dlg_flow_case,          /* damaged, missing or wrong items, defects */
    &dlg_flow_complaint,     /* listen, then record the complaint */
    &dlg_flow_handoff,       /* people take over */
    &dlg_flow_offline,       /* after hours: a request for people to answer */
    &dlg_flow_assistant,     /* "are you a bot?": who answers, and a person on offer */
    &dlg_flow_followup,      /* a short question about the verified order, in its context */
    &dlg_flow_payment,       /* a double charge or a lost payment: people, urgently */
    &dlg_flow_invoice,       /* an invoice not received or to be issued again: for the team */
    &dlg_flow_greeting,      /* a greeting answered in kind */
    &dlg_flow_kvkk,          /* erase my data, no more SMS: a KVKK request */
    &dlg_flow_closing,       /* thanks and goodbyes: what happens next, if anything */
    NULL,
};

const dlg_flow *dlg__flow_find(const char *name)
{
    for (const dlg_flow *const *f = dlg__flows; name && *f; f++)
        if (strcmp((*f)->name, name) == 0)
            return *f;
    return NULL;
}

const dlg_flow *dlg__flow_of(const kb_base *kb, int intent)
{
    return intent < 0 ? NULL : dlg__flow_find(kb_intent_at(kb, (size_t)intent)->flow);
}

int dlg__intent_of_flag(const kb_base *kb, unsigned flag)
{
    for (size_t i = 0; i < kb_intent_count(kb); i++) {
        const dlg_flow *f = dlg__flow_find(kb_intent_at(kb, i)->flow);
        if (f && (f->flags & flag))
            return (int)i;
    }
    return -1;
}

size_t dlg_flow_count(void)
{
    size_t n = 0;
    while (dlg__flows[n])
        n++;
    return n;
}

void dlg_flow_at(size_t i, dlg_flow_info *out)
{
    const dlg_flow *f = dlg__flows[i];
    out->name = f->name;
    out->steps = f->steps;
    out->needs_order = (f->flags & DLG_NEEDS_ORDER) != 0;
    out->aside = (f->flags & DLG_FLOW_ASIDE) != 0;
    out->internal = (f->flags & DLG_FLOW_INTERNAL) != 0;
}
