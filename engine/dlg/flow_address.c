/* SPDX-License-Identifier: MIT */
/* "address": a new delivery address for an order not shipped yet, passed to
 * the shop's team as a request (the shop's system changes it). */
#include "dlg_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ds_json.h"

static const char *const steps[] = {"address", NULL};

typedef struct address_slots {
    char said[240]; /* the first message, when it already gives the new address */
} address_slots;
DLG_SLOTS_FIT(address_slots);

static const dlg_slot_def slots[] = {
    DLG_STR_SLOT(address_slots, said),
};

/* "yeni adres: Caferağa Mah. …" is the address after its label; shown
 * with the label the reply read "yeni adres: yeni adres: …". */
static const char *without_label(const char *text)
{
    const char *colon = strchr(text, ':');
    if (!colon || colon - text > 24)
        return text;
    char head[32];
    size_t n = (size_t)(colon - text);
    for (size_t i = 0; i < n; i++)
        head[i] = (char)tolower((unsigned char)text[i]);
    head[n] = '\0';
    if (!strstr(head, "adres"))
        return text;
    const char *rest = colon + 1;
    while (*rest == ' ')
        rest++;
    return *rest ? rest : text;
}

/* "... Kadıköy İstanbul. iş yerime gelsin evde olmuyorum": the address is
 * the sentences up to the last one with a part of an address in it; what
 * the shopper says after it is a note, not the address. Cut in place. */
static void without_chatter(const dlg_turn *t, char *text)
{
    size_t keep = 0, from = 0, n = strlen(text);
    for (size_t i = 0; i <= n; i++) {
        int end = i == n || ((text[i] == '.' || text[i] == '!' || text[i] == '?') &&
                             (i + 1 == n || text[i + 1] == ' '));
        if (!end)
            continue;
        nlp_text *m = nlp_text_new();
        int address = m &&
                      nlp_normalise(kb_lexicon(t->kb), text + from, i - from, m, NULL) == DS_OK &&
                      dlg__text_has(t->kb, m, "address_parts");
        nlp_text_free(m);
        if (!address && keep)
            break;
        keep = i < n ? i + 1 : n; /* this sentence and its stop */
        from = i + 1;
    }
    if (keep && keep < n)
        text[keep] = '\0';
}

static void record(dlg_turn *t, const char *text)
{
    text = without_label(text);
    char clean[480];
    snprintf(clean, sizeof clean, "%s", text);
    without_chatter(t, clean);
    /* what followed the address is kept for the team as a note */
    const char *note = text + strlen(clean);
    while (*note == ' ')
        note++;
    text = clean;
    char now[CLOCK_ISO_LEN];
    dlg__now_iso(t, now);
    ds_buf details;
    ds_buf_init(&details);
    ds_json w;
    ds_json_init(&w, &details);
    ds_json_object(&w);
    ds_json_pair(&w, "text", text);
    if (*note)
        ds_json_pair(&w, "note", note);
    ds_json_end(&w);
    ds_status st = details.data ? store_request_add(t->env->db, "address_change", t->s->verified,
                                                    "normal", details.data, now, NULL, NULL)
                                : DS_ENOMEM;
    ds_buf_cleanup(&details);
    /* {{yeni_adres}} is the message; an address kept from an earlier one
     * is what the shopper is shown as sent */
    const char *typed = t->text;
    t->text = text;
    dlg__say(t, st == DS_OK ? "address.done" : "no_store");
    t->text = typed;
    dlg__end(t);
}

/* A number in the message: a door, a block. */
static int has_number(const dlg_turn *t)
{
    for (size_t i = 0; i < nlp_text_token_count(t->msg); i++)
        if (nlp_text_token(t->msg, i)->kind == NLP_TOK_NUMBER)
            return 1;
    return 0;
}

/* The message reads as an address: a few words, a part of one ("mah",
 * "sokak", "no") or, as the answer to the question, a door number, and not
 * a question ("yarın söylesem olur mu"). */
static int looks_like_address(const dlg_turn *t, size_t min_words, int asked)
{
    return nlp_text_token_count(t->msg) >= min_words && !dlg__message_yes_no(t) &&
           (dlg__message_has(t, "address_parts") || (asked && has_number(t)));
}

/* "yeni adres Caferağa Mah. Moda Cad. No 12", in the first message or with
 * the order number or the e-mail before it was asked for: not asked for
 * again. */
static void note(dlg_turn *t)
{
    address_slots *sl = t->slots;
    if (!sl->said[0] && looks_like_address(t, 5, 0))
        dlg__keep_text(t, sl->said, sizeof sl->said);
}

static void act(dlg_turn *t)
{
    const store_order *o = t->order;
    address_slots *sl = t->slots;
    /* "yarın sabah kargoya verilirse eski adrese gider" after the address
     * was passed on: where that request stands, not the address again */
    if (dlg__is_unshipped(o) && !sl->said[0] && dlg__request_made(t, "address_change")) {
        dlg__say(t, "followup.changed.address");
        dlg__end(t);
        return;
    }
    if (dlg__is_unshipped(o) && sl->said[0]) {
        record(t, sl->said);
    } else if (dlg__is_unshipped(o)) {
        dlg__say(t, "address.ask");
        dlg__wait(t, "address");
    } else if (strcmp(o->status, "cancelled") == 0 || strcmp(o->status, "returned") == 0) {
        dlg__say_status(t, o);
    } else {
        dlg__say(t, "address.too_late");
    }
}

/* The answer is the address unless it asks for another order dialogue; one
 * that does not read as an address ("yarın söylesem olur mu", "bilmem") is
 * asked again with what an address needs, never passed on as one. */
static int answer(dlg_turn *t, const char *step)
{
    (void)step;
    size_t words = nlp_text_token_count(t->msg);
    if (dlg__message_is(t, "abandon", 0) || (t->asked && t->asked != t->flow) ||
        !(t->intent < 0 || t->asked == t->flow || words >= 4))
        return 0;
    /* a question of the knowledge base in between is the router's */
    if (t->intent >= 0 && t->asked != t->flow && !looks_like_address(t, 3, 1))
        return 0;
    if (!looks_like_address(t, 3, 1)) {
        dlg__say(t, "address.unusable");
        dlg__wait(t, "address");
        return 1;
    }
    record(t, t->text);
    return 1;
}

static const char *const says[] = {
    "address.ask",
    "address.done",
    "address.too_late",
    "address.unusable",
    "followup.changed.address",
    NULL,
};

const dlg_flow dlg_flow_address = {
    .name = "address",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(address_slots),
    .note = note,
    .act = act,
    .answer = answer,
};
