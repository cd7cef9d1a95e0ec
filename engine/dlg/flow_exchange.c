/* SPDX-License-Identifier: MIT */
/* "exchange": another size or colour of the same product, from the variants
 * the shop's stock lists (store_variants_of). The shopper may name a size
 * ("L", "42", "bir büyük beden"), a colour in any inflection ("lacivert",
 * "beji", "açık maviyle") or both; what they leave out stays as it was. The
 * bot offers only what is in stock, and says so when the choice is not. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ds_json.h"

/* Bytes of a colour's skeleton ("acik mavi"). */
#define COLOUR_SK 96

typedef struct exchange_slots {
    int item;
    char size[16];   /* wanted: a size, "+1"/"-1" before the item is known, "" none */
    char colour[32]; /* wanted, "" none */
    char said[160];  /* the first message: it may name the item */
    int stepped;     /* the size is one up or down from the item's: asked to confirm */
} exchange_slots;
DLG_SLOTS_FIT(exchange_slots);

static const dlg_slot_def slots[] = {
    DLG_INT_SLOT(exchange_slots, item, DLG_ITEM_NONE, DLG_ITEM_ALL, 1000),
    DLG_STR_SLOT(exchange_slots, size),
    DLG_STR_SLOT(exchange_slots, colour),
    DLG_STR_SLOT(exchange_slots, said),
    DLG_INT_SLOT(exchange_slots, stepped, 0, 0, 2),
};

static const char *const steps[] = {"item", "variant", "confirm", NULL};

/* The item's variants and where the item itself stands among them. */
typedef struct variants {
    store_variant *v;
    char (*sk)[COLOUR_SK]; /* each variant's colour as a skeleton, for comparing */
    size_t n;
    const char *sku;    /* the item's own SKU, "" none */
    const char *size;   /* the item's own size, "" unknown */
    const char *colour; /* the item's own colour, "" none */
    char size_buf[24];
    int colours; /* the product comes in more than one colour */
} variants;

/* The skeleton tokens of text joined by spaces ("Açık Mavi" -> "acik mavi"). */
static void skeleton(const dlg_turn *t, nlp_text *nt, const char *text, char *out, size_t cap)
{
    out[0] = '\0';
    if (nlp_normalise(kb_lexicon(t->kb), text, strlen(text), nt, NULL) != DS_OK)
        return;
    size_t at = 0;
    for (size_t i = 0; i < nlp_text_token_count(nt); i++) {
        const nlp_token *tok = nlp_text_token(nt, i);
        int n = snprintf(out + at, cap - at, "%s%s", at ? " " : "", tok->text);
        if (n < 0 || (size_t)n >= cap - at)
            break;
        at += (size_t)n;
    }
}

/* Where size stands in exchange.sizes (sizes it lacks go last). */
static size_t size_rank(const dlg_turn *t, const char *size)
{
    size_t n = kb_shop_list_count(t->kb, "exchange.sizes");
    for (size_t i = 0; i < n; i++) {
        const char *sz = kb_shop_list_string(t->kb, "exchange.sizes", i, NULL);
        if (sz && strcasecmp(sz, size) == 0)
            return i;
    }
    return n;
}

static void variants_free(variants *vs)
{
    store_variants_free(vs->v, vs->n);
    ds_free(vs->sk);
}

/* it NULL: no item chosen yet, no variants. The variants are put in size
 * order (S before L), so the offers read the way a size chart does. */
static void variants_load(dlg_turn *t, const store_item *it, nlp_text *nt, variants *vs)
{
    memset(vs, 0, sizeof *vs);
    vs->sku = vs->size = vs->colour = "";
    if (!it)
        return;
    vs->sku = it->sku;
    if (store_variants_of(t->env->db, it->sku, &vs->v, &vs->n, NULL) != DS_OK)
        vs->v = NULL, vs->n = 0;
    for (size_t i = 1; i < vs->n; i++) { /* a few dozen at most: insertion sort */
        store_variant x = vs->v[i];
        size_t r = size_rank(t, x.size), j = i;
        for (; j > 0 && size_rank(t, vs->v[j - 1].size) > r; j--)
            vs->v[j] = vs->v[j - 1];
        vs->v[j] = x;
    }
    if (vs->n && !(vs->sk = ds_calloc(vs->n, sizeof *vs->sk))) {
        variants_free(vs);
        vs->v = NULL, vs->n = 0;
    }
    for (size_t i = 0; i < vs->n; i++) {
        skeleton(t, nt, vs->v[i].colour, vs->sk[i], sizeof vs->sk[i]);
        if (strcmp(vs->v[i].sku, it->sku) == 0) {
            vs->size = vs->v[i].size;
            vs->colour = vs->v[i].colour;
        }
        if (vs->sk[i][0] && strcmp(vs->sk[i], vs->sk[0]) != 0)
            vs->colours = 1;
    }
    if (!vs->size[0]) { /* not in the stock list: the SKU convention */
        const char *dash = strrchr(it->sku, '-');
        snprintf(vs->size_buf, sizeof vs->size_buf, "%s", dash ? dash + 1 : "");
        vs->size = vs->size_buf;
    }
}

/* How many tokens of the message, from token i on, spell the colour whose
 * skeleton is name: its words in order, the last one with any suffix chain
 * ("beje", "laciverti", "maviyle"). 0 when they do not. */
static size_t colour_at(const dlg_turn *t, const nlp_text *m, size_t i, const char *name)
{
    size_t n = nlp_text_token_count(m), k = 0;
    const char *p = name;
    while (*p) {
        size_t wl = strcspn(p, " ");
        if (i + k >= n)
            return 0;
        const nlp_token *tok = nlp_text_token(m, i + k);
        int last = p[wl] == '\0';
        if (tok->len < wl || memcmp(tok->text, p, wl) != 0)
            return 0;
        if (tok->len > wl && (!last || !nlp_lexicon_is_suffix_chain(kb_lexicon(t->kb),
                                                                    tok->text + wl, tok->len - wl)))
            return 0;
        k++;
        p += wl + (last ? 0 : 1);
    }
    return k;
}

/* A colour in the message: the product's own colours first, then the
 * shop's list of colour words (so "mor" is understood even when the product
 * has no purple); the longest match wins. */
static int colour_from_message(dlg_turn *t, const variants *vs, nlp_text *nt)
{
    exchange_slots *sl = t->slots;
    const nlp_text *m = t->msg;
    size_t shop = kb_shop_list_count(t->kb, "exchange.colours"), best = 0;
    for (size_t c = 0; c < vs->n + shop; c++) {
        const char *name = c < vs->n
                               ? vs->v[c].colour
                               : kb_shop_list_string(t->kb, "exchange.colours", c - vs->n, NULL);
        if (!name || !name[0])
            continue;
        char buf[COLOUR_SK];
        const char *sk = buf;
        if (c < vs->n)
            sk = vs->sk[c];
        else
            skeleton(t, nt, name, buf, sizeof buf);
        if (!sk[0])
            continue;
        for (size_t i = 0; i < nlp_text_token_count(m); i++) {
            size_t k = colour_at(t, m, i, sk);
            if (k > best) {
                best = k;
                snprintf(sl->colour, sizeof sl->colour, "%s", name);
            }
        }
    }
    return best > 0;
}

/* The size one step up or down from `from` in exchange.sizes, into the
 * session; 0 when there is none. */
static int size_step(dlg_turn *t, const char *from, int step)
{
    exchange_slots *sl = t->slots;
    size_t n = kb_shop_list_count(t->kb, "exchange.sizes");
    for (size_t i = 0; i < n; i++) {
        const char *sz = kb_shop_list_string(t->kb, "exchange.sizes", i, NULL);
        if (!sz || strcasecmp(sz, from) != 0 || (step < 0 && i == 0) || i + (size_t)(step > 0) >= n)
            continue;
        const char *to =
            kb_shop_list_string(t->kb, "exchange.sizes", step > 0 ? i + 1 : i - 1, NULL);
        /* sizes run XS..XXL then 36..45: never step from one run into the other */
        if (to && (to[0] >= '0' && to[0] <= '9') == (sz[0] >= '0' && sz[0] <= '9')) {
            snprintf(sl->size, sizeof sl->size, "%s", to);
            return 1;
        }
    }
    return 0;
}

/* A size in the message: one of exchange.sizes or of the product's sizes
 * (the last one named: "M yerine L", "M bedeni L ile değiştirin"), or one
 * size up or down from the item's own ("bir büyük beden"). */
static int size_from_message(dlg_turn *t, const variants *vs)
{
    exchange_slots *sl = t->slots;
    const nlp_text *m = t->msg;
    size_t n = kb_shop_list_count(t->kb, "exchange.sizes");
    for (size_t k = nlp_text_token_count(m); k-- > 0;) {
        const char *tok = nlp_text_token(m, k)->text;
        for (size_t i = 0; i < n + vs->n; i++) {
            const char *sz =
                i < n ? kb_shop_list_string(t->kb, "exchange.sizes", i, NULL) : vs->v[i - n].size;
            if (sz && sz[0] && strcasecmp(sz, tok) == 0) {
                snprintf(sl->size, sizeof sl->size, "%s", sz);
                sl->stepped = 0;
                return 1;
            }
        }
    }
    int step = dlg__message_has(t, "size_up") ? 1 : dlg__message_has(t, "size_down") ? -1 : 0;
    if (step && !vs->size[0]) {
        /* no item yet: remember the step, taken once the item is known */
        snprintf(sl->size, sizeof sl->size, "%s", step > 0 ? "+1" : "-1");
        sl->stepped = 1;
        return 1;
    }
    if (step && size_step(t, vs->size, step)) {
        sl->stepped = 1;
        return 1;
    }
    return 0;
}

/* Takes a size or colour from the message (it may be NULL before an item is
 * chosen); 1 when it found one. */
static int wanted(dlg_turn *t, const store_item *it)
{
    nlp_text *nt = nlp_text_new();
    if (!nt)
        return 0;
    variants vs;
    variants_load(t, it, nt, &vs);
    int got = colour_from_message(t, &vs, nt);
    got = size_from_message(t, &vs) || got;
    variants_free(&vs);
    nlp_text_free(nt);
    return got;
}

/* "lacivert, L beden", "L beden", "bej": the choice as the texts name it,
 * colours in lower case as they read in a sentence. */
static void describe(dlg_turn *t, nlp_text *nt, const char *colour, const char *size, char *out,
                     size_t cap)
{
    out[0] = '\0';
    if (colour[0] && nlp_normalise(kb_lexicon(t->kb), colour, strlen(colour), nt, NULL) == DS_OK)
        snprintf(out, cap, "%s", nlp_text_folded(nt));
    if (size[0]) {
        /* "L beden": dialogue.json exchange.size_name */
        const kb_message *m = kb_message_get(t->kb, "exchange.size_name");
        ds_buf b;
        ds_buf_init(&b);
        t->size = size;
        if (m)
            tpl_render(m->texts[0], dlg__lookup, t, &b, NULL);
        size_t at = strlen(out);
        snprintf(out + at, cap - at, "%s%s", at ? ", " : "", b.data ? b.data : size);
        ds_buf_cleanup(&b);
    }
}

/* Offers (add) or counts what is in stock besides the given colour and
 * size: other sizes in that colour, then other colours in that size. */
static size_t offer(dlg_turn *t, const variants *vs, const char *cur_colour, const char *cur_size,
                    nlp_text *nt, int add)
{
    size_t offered = 0;
    char want[COLOUR_SK];
    skeleton(t, nt, cur_colour, want, sizeof want);
    for (size_t i = 0; i < vs->n; i++) {
        const store_variant *v = &vs->v[i];
        if (v->qty > 0 && v->size[0] && strcasecmp(v->size, cur_size) != 0 &&
            strcmp(v->sku, vs->sku) != 0 && (!want[0] || strcmp(vs->sk[i], want) == 0)) {
            if (add)
                dlg__add_quick_reply_copy(t->out, v->size);
            offered++;
        }
    }
    for (size_t i = 0; vs->colours && i < vs->n; i++) {
        const store_variant *v = &vs->v[i];
        if (v->qty > 0 && vs->sk[i][0] && strcmp(vs->sk[i], want) != 0 &&
            strcmp(v->sku, vs->sku) != 0 && (!cur_size[0] || strcasecmp(v->size, cur_size) == 0)) {
            if (add)
                dlg__add_quick_reply_copy(t->out, v->colour);
            offered++;
        }
    }
    return offered;
}

static const store_variant *find(const dlg_turn *t, const variants *vs, nlp_text *nt,
                                 const char *colour, const char *size)
{
    char want[COLOUR_SK];
    skeleton(t, nt, colour, want, sizeof want);
    for (size_t i = 0; i < vs->n; i++)
        if (strcasecmp(vs->v[i].size, size) == 0 && strcmp(vs->sk[i], want) == 0 &&
            (want[0] || !vs->v[i].colour[0]))
            return &vs->v[i];
    return NULL;
}

static void record_exchange(dlg_turn *t, const store_variant *to, const char *choice)
{
    exchange_slots *sl = t->slots;
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "new_sku", to->sku);
    if (to->size[0])
        ds_json_pair(&w, "size", to->size);
    if (to->colour[0])
        ds_json_pair(&w, "colour", to->colour);
    ds_json_end(&w);
    char code[16];
    if (!b.data || dlg__record(t, "exchange", "requested", 1, sl->colour[0] ? "renk" : "beden",
                               "normal", b.data, code) != DS_OK) {
        dlg__say(t, "no_store");
    } else {
        t->code = code;
        t->choice = choice;
        dlg__say(t, "exchange.done");
        t->choice = NULL;
    }
    ds_buf_cleanup(&b);
    dlg__end(t);
}

/* Waits for a size or colour (the offer is in the quick replies). */
static void ask_again(dlg_turn *t)
{
    exchange_slots *sl = t->slots;
    sl->size[0] = sl->colour[0] = '\0';
    dlg__wait(t, "variant");
}

/* Picks the variant of the chosen item the shopper asks for (or asks,
 * offering what is in stock) and records the exchange. */
static void choose(dlg_turn *t, const store_item *it)
{
    exchange_slots *sl = t->slots;
    nlp_text *nt = nlp_text_new();
    if (!nt) {
        dlg__say(t, "no_store");
        dlg__end(t);
        return;
    }
    variants vs;
    variants_load(t, it, nt, &vs);
    if (!sl->size[0] && !sl->colour[0]) {
        colour_from_message(t, &vs, nt);
        size_from_message(t, &vs);
    }
    if ((sl->size[0] == '+' || sl->size[0] == '-') &&
        !size_step(t, vs.size, sl->size[0] == '+' ? 1 : -1))
        sl->size[0] = '\0'; /* "bir büyük" from before the item was known */
    const char *size = sl->size[0] ? sl->size : vs.size;
    const char *colour = sl->colour[0] ? sl->colour : vs.colour;
    char choice[128];
    describe(t, nt, colour, size, choice, sizeof choice);
    const store_variant *to = find(t, &vs, nt, colour, size);
    if (!sl->size[0] && !sl->colour[0]) {
        size_t offered = offer(t, &vs, vs.colour, vs.size, nt, 0);
        dlg__say(t, !offered     ? "exchange.ask_variant_none"
                    : vs.colours ? "exchange.ask_variant"
                                 : "exchange.ask_size");
        offer(t, &vs, vs.colour, vs.size, nt, 1);
        ask_again(t);
    } else if (to && strcmp(to->sku, it->sku) == 0) {
        describe(t, nt, vs.colour, vs.size, choice, sizeof choice);
        t->choice = choice;
        dlg__say(t, "exchange.same");
        t->choice = NULL;
        offer(t, &vs, vs.colour, vs.size, nt, 1);
        ask_again(t);
    } else if (!to || to->qty <= 0) {
        /* what else there is: other sizes in the colour asked for, other
         * colours in the size asked for, offered before the text's own */
        size_t others = offer(t, &vs, colour, size, nt, 1);
        sl->stepped = 0; /* the size worked out is said here, in words */
        t->choice = choice;
        dlg__say(t, others ? "exchange.no_stock_other" : "exchange.no_stock");
        t->choice = NULL;
        if (others)
            dlg__wait(t, "variant"); /* what was asked stays: a tap changes one part */
        else
            dlg__end(t);
    } else if (sl->stepped == 1) {
        /* "bir küçüğü": the size worked out from the order's, which the
         * shopper may remember otherwise; said before anything is made */
        t->size = vs.size;
        t->choice = choice;
        dlg__say(t, "exchange.confirm_step");
        t->choice = NULL;
        t->size = NULL;
        dlg__wait(t, "confirm");
    } else {
        record_exchange(t, to, choice);
    }
    variants_free(&vs);
    nlp_text_free(nt);
}

/* "pardon 43 değil, 44 istiyorum" while the exchange made still waits
 * for the parcel: that request takes the new size or colour (stock
 * permitting), rather than "you have one already". 1 when it answered. */
static int change_waiting(dlg_turn *t, const store_item *it)
{
    long long id = 0;
    char code[32];
    if (!dlg__waiting_exchange(t, t->item, &id, code, sizeof code))
        return 0;
    exchange_slots *sl = t->slots;
    nlp_text *nt = nlp_text_new();
    if (!nt)
        return 0;
    variants vs;
    variants_load(t, it, nt, &vs);
    sl->size[0] = sl->colour[0] = '\0';
    colour_from_message(t, &vs, nt);
    size_from_message(t, &vs);
    int said = (sl->size[0] && sl->size[0] != '+' && sl->size[0] != '-') || sl->colour[0];
    if (said) {
        const char *size = sl->size[0] ? sl->size : vs.size;
        const char *colour = sl->colour[0] ? sl->colour : vs.colour;
        char choice[128];
        describe(t, nt, colour, size, choice, sizeof choice);
        const store_variant *to = find(t, &vs, nt, colour, size);
        t->choice = choice;
        t->code = code[0] ? code : NULL;
        if (to && strcmp(to->sku, it->sku) == 0) {
            dlg__say(t, "exchange.same");
        } else if (!to || to->qty <= 0) {
            dlg__say(t, "exchange.change_no_stock");
        } else {
            ds_buf b;
            ds_buf_init(&b);
            ds_json w;
            ds_json_init(&w, &b);
            ds_json_object(&w);
            ds_json_pair(&w, "new_sku", to->sku);
            if (to->size[0])
                ds_json_pair(&w, "size", to->size);
            if (to->colour[0])
                ds_json_pair(&w, "colour", to->colour);
            ds_json_end(&w);
            char now[CLOCK_ISO_LEN];
            dlg__now_iso(t, now);
            dlg__say(t,
                     b.data && store_return_set_details(t->env->db, id, b.data, now, NULL) == DS_OK
                         ? "exchange.changed"
                         : "no_store");
            ds_buf_cleanup(&b);
        }
        t->choice = NULL;
        t->code = NULL;
        dlg__end(t);
    }
    variants_free(&vs);
    nlp_text_free(nt);
    return said;
}

static void act(dlg_turn *t)
{
    exchange_slots *sl = t->slots;
    if (!dlg__delivered(t, "exchange"))
        return;
    if (sl->item == DLG_ITEM_NONE || sl->item == DLG_ITEM_ALL)
        sl->item = dlg__item_from_message(t);
    if (sl->item < 0)
        sl->item = dlg__item_in_text(t, sl->said);
    if (sl->item < 0 && t->first && t->s->done_item >= 0)
        sl->item = t->s->done_item; /* just given a code here: that one */
    if (sl->item < 0) {
        dlg__ask_item(t, "exchange.ask_item", "item", sl->said);
        return;
    }
    t->item = sl->item;
    const store_item *it = dlg__item(t, sl->item);
    if (change_waiting(t, it) || dlg__under_way(t, sl->item))
        return;
    if (t->days_since > kb_shop_int(t->kb, "returns.window_days", 14)) {
        dlg__say(t, "exchange.rejected_window");
        dlg__end(t);
        return;
    }
    if (dlg__category_in(t, "non_returnable_categories", it)) {
        dlg__say(t, "exchange.rejected_category");
        dlg__end(t);
        return;
    }
    choose(t, it);
}

/* "kazağın rengini beje değiştirmek istiyorum": the colour is already there. */
static void start(dlg_turn *t)
{
    exchange_slots *sl = t->slots;
    wanted(t, NULL);
    dlg__keep_text(t, sl->said, sizeof sl->said);
}

static int answer(dlg_turn *t, const char *step)
{
    exchange_slots *sl = t->slots;
    if (!dlg__verified_order(t))
        return 1;
    if (strcmp(step, "confirm") == 0) {
        if (wanted(t, dlg__item(t, sl->item))) {
            /* another size or colour named: that one */
        } else if (dlg__message_agrees(t)) {
            sl->stepped = 2;
        } else if (dlg__message_is(t, "no", 1)) {
            sl->size[0] = sl->colour[0] = '\0'; /* asked afresh, with what is in stock */
            sl->stepped = 0;
        } else {
            return 0;
        }
        act(t);
        return 1;
    }
    if (strcmp(step, "item") == 0) {
        int r = dlg__answer_item(t, &sl->item, "item");
        if (r < 2) {
            if (r == 1) /* "L olsun" before the item: the size is taken */
                wanted(t, NULL);
            return r;
        }
    } else if (!wanted(t, dlg__item(t, sl->item))) {
        return 0;
    }
    act(t);
    return 1;
}

static const char *const says[] = {
    "return.under_way",
    "exchange.changed",
    "exchange.change_no_stock",
    "case.under_way",
    "exchange.ask_item",
    "exchange.ask_size",
    "exchange.ask_variant",
    "exchange.ask_variant_none",
    "exchange.same",
    "exchange.confirm_step",
    "exchange.done",
    "exchange.no_stock",
    "exchange.no_stock_other",
    "exchange.rejected_window",
    "exchange.size_name",
    "exchange.rejected_category",
    "return.not_yet",
    "exchange.not_yet.shipped",
    "exchange.not_yet.out_for_delivery",
    "return.already_returned",
    "items.ask_again",
    "items.not_in_order",
    NULL,
};

const dlg_flow dlg_flow_exchange = {
    .name = "exchange",
    .flags = DLG_NEEDS_STORE | DLG_NEEDS_ORDER | DLG_FLOW_AFTER_SALES,
    .steps = steps,
    .says = says,
    .slots = slots,
    .slot_count = sizeof slots / sizeof slots[0],
    .slots_size = sizeof(exchange_slots),
    .start = start,
    .act = act,
    .answer = answer,
};
