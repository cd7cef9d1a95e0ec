/* SPDX-License-Identifier: MIT */
/* "invoice": an invoice of a verified order that did not come or cannot be
 * found, or that must be issued again (to a company, corrected). The bot
 * can neither send nor issue invoices, so it records the request for the
 * shop's team (a case, reason "fatura") with what the shopper wrote, says
 * what happens now, by the order's state (an invoice is issued when the
 * parcel leaves; shop.json invoice.change_before), and takes the company's
 * details for the team. A question about invoices in general stays the
 * intent's answer; the order number the answer asked for starts this. */
#include "dlg_int.h"

#include <string.h>

/* What is asked of the invoice. */
enum { KIND_UNKNOWN, KIND_RESEND, KIND_CHANGE };

/* The digits of the shortest tax number counted as company details. */
#define TAX_NUMBER_DIGITS 10

typedef struct invoice_slots {
    int kind;
} invoice_slots;
DLG_SLOTS_FIT(invoice_slots);

static const dlg_slot_def slots[] = {
    DLG_INT_SLOT(invoice_slots, kind, KIND_UNKNOWN, KIND_UNKNOWN, KIND_CHANGE),
};

static const char *const steps[] = {"what", "details", NULL};

/* "unvan: Demo Ltd. Şti., VKN 1234567890": a company's details. */
static int has_details(const dlg_turn *t)
{
    if (dlg__message_has_stem(t, "invoice_details"))
        return 1;
    for (size_t i = 0; i < nlp_text_token_count(t->msg); i++) {
        const nlp_token *tok = nlp_text_token(t->msg, i);
        if (tok->kind == NLP_TOK_NUMBER && tok->len >= TAX_NUMBER_DIGITS)
            return 1;
    }
    return 0;
}

static int kind_of(const dlg_turn *t)
{
    if (dlg__message_has(t, "invoice_change") || dlg__message_has_stem(t, "invoice_change_stems") ||
        has_details(t))
        return KIND_CHANGE;
    if (dlg__message_has(t, "invoice_missing"))
        return KIND_RESEND;
    return KIND_UNKNOWN;
}

/* "faturam gelmedi", "şirket adına yeniden kesin": a request about an
 * order's invoice, not a question about invoices. */
static int wants(dlg_turn *t)
{
    return kind_of(t) != KIND_UNKNOWN;
}

static void start(dlg_turn *t)
{
    invoice_slots *sl = t->slots;
    sl->kind = kind_of(t);
}

/* Records the request with the message, hands it to people, says key. */
static int record(dlg_turn *t, const char *key)
{
    char code[16];
    t->item = DLG_ITEM_NONE;
    int ok = dlg__record_described(t, "fatura", "normal", code) == DS_OK;
    if (!ok) {
        dlg__say(t, "no_store");
        dlg__end(t);
        return 0;
    }
    dlg__hand_off(t, "normal", "fatura");
    dlg__say(t, key);
    return 1;
}

/* The id of an open invoice request of the order, 0 none. */
static long long open_request(dlg_turn *t)
{
    store_return *r;
    size_t n;
    if (store_returns_list(t->env->db, t->order->id, &r, &n, NULL) != DS_OK)
        return 0;
    long long id = 0;
    for (size_t i = n; i-- > 0 && !id;) /* the newest first */
        if (strcmp(r[i].kind, "case") == 0 && strcmp(r[i].state, "open") == 0 && r[i].reason &&
            strcmp(r[i].reason, "fatura") == 0)
            id = r[i].id;
    store_returns_free(r, n);
    return id;
}

static void act(dlg_turn *t)
{
    invoice_slots *sl = t->slots;
    /* asked again ("hesabımda da göremiyorum"): the request made is said,
     * not a second one */
    long long open = open_request(t);
    if (open) {
        t->request_id = open;
        dlg__say(t, "invoice.under_way");
        t->request_id = 0;
        if (has_details(t))
            dlg__say(t, "invoice.details_noted");
        dlg__end(t);
        return;
    }
    if (sl->kind == KIND_UNKNOWN)
        sl->kind = kind_of(t);
    if (sl->kind == KIND_UNKNOWN) {
        dlg__say(t, "invoice.ask_what");
        dlg__wait(t, "what");
        return;
    }
    int unshipped = dlg__is_unshipped(t->order);
    if (sl->kind == KIND_RESEND) {
        if (unshipped)
            dlg__say(t, "invoice.not_yet");
        else
            record(t, "invoice.resend");
        dlg__end(t);
        return;
    }
    int given = has_details(t);
    const char *key = unshipped ? (given ? "invoice.change.noted" : "invoice.change")
                                : (given ? "invoice.change_late.noted" : "invoice.change_late");
    if (!record(t, key))
        return;
    if (given) {
        dlg__say(t, "invoice.details_noted");
        dlg__end(t);
    } else {
        dlg__wait(t, "details");
    }
}

static int answer(dlg_turn *t, const char *step)
{
    invoice_slots *sl = t->slots;
    if (!dlg__verified_order(t))
        return 1;
    if (strcmp(step, "what") == 0) {
        sl->kind = kind_of(t);
        if (sl->kind == KIND_UNKNOWN)
            return 0;
        act(t);
        return 1;
    }
    if (!has_details(t))
        return 0;
    dlg__say(t, "invoice.details_noted");
    dlg__end(t);
    return 1;
}

static const char *const says[] = {
    "invoice.ask_order",
    "invoice.ask_what",
    "invoice.not_yet",
    "invoice.resend",
    "invoice.change",
    "invoice.change.noted",
    "invoice.change_late",
    "invoice.change_late.noted",
    "invoice.details_noted",
    "no_store",
    NULL,
};

const dlg_flow dlg_flow_invoice = {
    .name = "invoice",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_AFTER_FAQ,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof *slots,
    .slots_size = sizeof(invoice_slots),
    .wants = wants,
    .start = start,
    .act = act,
    .answer = answer,
};
