/* SPDX-License-Identifier: MIT */
/* dlg_check_kb: what the dialogue layer needs of a knowledge base, checked
 * at start-up, on reload and by `destek kb lint`: every message a flow, the
 * router or the identity check says, each rendering with known variables;
 * every intent's flow a real one, with params it reads; every flow an
 * intent can reach; every short yes-or-no answer a fact of the shop's with
 * both its answers. */
#include "dlg_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const router_says[] = {
    "welcome",
    "clarify",
    "abandoned",
    "resume_hint",
    "no_store",
    "order_no_help",
    "offline.recorded",
    "ask_order_no",
    "ask_identity",
    "ask_identity.corrected",
    "ask_identity.by_code",
    "identity_failed",
    "identity_guess",
    "identity_locked",
    /* words that vars.c puts inside sentences */
    "order_state.received",
    "order_state.preparing",
    "order_state.shipped",
    "order_state.out_for_delivery",
    "order_state.delivered",
    "order_state.cancelled",
    "order_state.returned",
    "tracking.no_events",
    "refund_to.card",
    "refund_to.other",
    "return_status.rejection_default",
    "offline.back_soon",
    /* the router's own */
    "fallback.in_flow",
    "repeat.faq",
    "repeat.again",
    "button.no_order_number",
    "people.next",
    "people.legal",
    "people.health",
    "declined",
    "condition.noted",
    "condition.told",
    "pii.warning",
    "pii.warning.iban",
    "pii.warning.card",
    "pii.warning.several",
    "pii.followup",
    "pii.cvv",
    "pii.offer",
    "identity_retry",
    "identity_again",
    "identity_name",
    "identity_stuck",
    "identity_stuck.closed",
    "ask_order_no.have_proof",
    "language.english",
    "language.english.handoff",
    "language.english.waiting",
    "ask_order_no.have_proof.earlier",
    "fallback.off_topic",
    "loop.give_up",
    "people.noted",
    "record.number",
    "record.with_people",
    "record.not_yet",
    "people.noted.closed",
    "repeat.order",
    "repeat.part",
    "next.offer",
    "wish.day",
    "wish.evening",
    "wish.night",
    "feeling.upset",
    "feeling.upset_about_waiting",
    "feeling.upset_about_money",
    "feeling.hurry",
    "feeling.offer_person",
    "feeling.offer_person.closed",
    "feeling.handoff",
    /* words the channels show around the dialogue */
    "survey.question",
    "handoff.agent_name",
    "handoff.offline_notice",
    NULL,
};

typedef struct checker {
    const kb_base *kb;
    kb_diag_fn diag;
    void *ctx;
    int errors;
} checker;

static void problem(checker *c, int is_error, const char *file, const char *field, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

static void problem(checker *c, int is_error, const char *file, const char *field, const char *fmt,
                    ...)
{
    ds_error e;
    memset(&e, 0, sizeof e);
    e.status = DS_EKB;
    snprintf(e.file, sizeof e.file, "%s", file);
    /* a field longer than ds_error keeps is cut: it is only a label */
    snprintf(e.field, sizeof e.field, "%.*s", (int)sizeof e.field - 1, field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    c->errors += is_error;
    if (c->diag)
        c->diag(c->ctx, is_error, &e);
}

static void need(checker *c, const char *const *keys, const char *who)
{
    for (const char *const *k = keys; k && *k; k++) {
        if (kb_message_get(c->kb, *k))
            continue;
        char f[96];
        snprintf(f, sizeof f, "messages.%s", *k);
        problem(c, 1, "dialogue.json", f, "missing: %s says this message", who);
    }
}

static int check_lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    return dlg__is_var(name, len) || kb_shop_lookup(ctx, name, len, out);
}

static void check_templates(checker *c)
{
    for (size_t i = 0; i < kb_message_count(c->kb); i++) {
        const kb_message *m = kb_message_at(c->kb, i);
        for (size_t j = 0; j < m->text_count; j++) {
            ds_buf b;
            ds_error e;
            ds_buf_init(&b);
            if (tpl_render(m->texts[j], check_lookup, (void *)c->kb, &b, &e) != DS_OK) {
                char f[160];
                snprintf(f, sizeof f, "messages.%s", m->key);
                problem(c, 1, "dialogue.json", f, "%s", e.message);
            }
            ds_buf_cleanup(&b);
        }
    }
}

/* The short answers to yes-or-no questions (yesno.c): each "yes_no.PATH.yes"
 * names a fact of shop.json and has its ".no", so the answer follows the
 * fact whichever way the shop sets it. */
static void check_yes_no(checker *c)
{
    static const char prefix[] = "yes_no.", yes[] = ".yes";
    size_t pl = sizeof prefix - 1, yl = sizeof yes - 1;
    for (size_t i = 0; i < kb_message_count(c->kb); i++) {
        const char *key = kb_message_at(c->kb, i)->key;
        size_t n = strlen(key);
        if (n <= pl + yl || strncmp(key, prefix, pl) != 0 || strcmp(key + n - yl, yes) != 0)
            continue;
        char f[160], no[160];
        snprintf(f, sizeof f, "messages.%s", key);
        snprintf(no, sizeof no, "%.*s.no", (int)(n - yl), key);
        ds_buf b;
        ds_buf_init(&b);
        if (!kb_shop_lookup((void *)c->kb, key + pl, n - pl - yl, &b))
            problem(c, 1, "dialogue.json", f, "no fact \"%.*s\" in shop.json", (int)(n - pl - yl),
                    key + pl);
        ds_buf_cleanup(&b);
        if (!kb_message_get(c->kb, no))
            problem(c, 1, "dialogue.json", f, "missing its answer for no: %s", no);
    }
}

static int has_param(const dlg_flow *f, const char *name)
{
    for (const char *const *p = f->params; p && *p; p++)
        if (strcmp(*p, name) == 0)
            return 1;
    return 0;
}

static void check_bindings(checker *c)
{
    char names[512] = "";
    for (const dlg_flow *const *f = dlg__flows; *f; f++)
        if (!((*f)->flags & DLG_FLOW_INTERNAL))
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     names[0] ? ", " : "", (*f)->name);
    for (size_t i = 0; i < kb_intent_count(c->kb); i++) {
        const kb_intent *in = kb_intent_at(c->kb, i);
        if (!in->flow)
            continue;
        const dlg_flow *f = dlg__flow_find(in->flow);
        char field[160];
        snprintf(field, sizeof field, "%s.flow", in->id);
        if (!f || (f->flags & DLG_FLOW_INTERNAL)) {
            problem(c, 1, in->file, field, "no dialogue flow \"%s\" (the flows: %s)", in->flow,
                    names);
            continue;
        }
        for (size_t k = 0; k < in->param_count; k++)
            if (!has_param(f, in->param_keys[k])) {
                snprintf(field, sizeof field, "%s.flow_params.%s", in->id, in->param_keys[k]);
                problem(c, 0, in->file, field, "the %s flow does not read this, ignored", f->name);
            }
    }
    for (const dlg_flow *const *f = dlg__flows; *f; f++) {
        if ((*f)->flags & DLG_FLOW_INTERNAL)
            continue;
        int reached = 0;
        for (size_t i = 0; i < kb_intent_count(c->kb) && !reached; i++)
            reached = dlg__flow_find(kb_intent_at(c->kb, i)->flow) == *f;
        if (!reached)
            problem(c, 0, "", "flow", "no intent starts the %s flow (give one \"flow\": \"%s\")",
                    (*f)->name, (*f)->name);
    }
}

/* Each "lookup" is one of the dialogue's, and the messages each says are
 * in the KB. */
static void check_lookups(checker *c)
{
    char names[256] = "";
    for (const dlg_lookup *l = dlg__lookups; l->name; l++) {
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "",
                 l->name);
        char who[64];
        snprintf(who, sizeof who, "the %s lookup", l->name);
        need(c, l->says, who);
    }
    for (size_t i = 0; i < kb_intent_count(c->kb); i++) {
        const kb_intent *in = kb_intent_at(c->kb, i);
        char field[160];
        snprintf(field, sizeof field, "%s.lookup", in->id);
        if (in->lookup && !dlg__lookup_find(in->lookup))
            problem(c, 1, in->file, field, "no lookup \"%s\" (the lookups: %s)", in->lookup, names);
        else if (in->lookup && in->flow)
            problem(c, 1, in->file, field, "an intent with a flow answers from it, not a lookup");
    }
}

/* Each "related" names an answer: an intent of the KB without a flow (one
 * not in the KB is a warning: a reload may drop intents on purpose). */
static void check_related(checker *c)
{
    for (size_t i = 0; i < kb_intent_count(c->kb); i++) {
        const kb_intent *in = kb_intent_at(c->kb, i);
        for (size_t k = 0; k < in->related_count; k++) {
            int r = kb_intent_find(c->kb, in->related[k]);
            char field[160];
            snprintf(field, sizeof field, "%s.related[%zu]", in->id, k);
            if (r < 0) /* an intent dropped on purpose leaves its answer out */
                problem(c, 0, in->file, field, "no intent \"%s\", ignored", in->related[k]);
            else if (kb_intent_at(c->kb, (size_t)r)->flow)
                problem(c, 1, in->file, field,
                        "\"%s\" starts a dialogue; related names answers (intents without a flow)",
                        in->related[k]);
        }
    }
}

int dlg_check_kb(const kb_base *kb, kb_diag_fn diag, void *ctx)
{
    checker c = {kb, diag, ctx, 0};
    need(&c, router_says, "the dialogue");
    for (const dlg_flow *const *f = dlg__flows; *f; f++) {
        char who[64];
        snprintf(who, sizeof who, "the %s flow", (*f)->name);
        need(&c, (*f)->says, who);
    }
    check_templates(&c);
    check_yes_no(&c);
    check_bindings(&c);
    check_related(&c);
    check_lookups(&c);
    return c.errors;
}
