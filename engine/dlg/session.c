/* SPDX-License-Identifier: MIT */
/* A dialogue session and its saved state, so a conversation resumed after a
 * restart continues where it was: the order number given, the identity
 * check, the flow and the step it waits on (by name), the flow's own slots
 * (as its table entry describes them), a clarifying question's two choices.
 * Intents are saved by id, so a reloaded knowledge base does not confuse
 * them; states saved by the first format (numbers for flow and step) are
 * migrated on load. Left out on purpose: the turn counter (it only rotates
 * alternative texts, and saving it would make every turn a write) and the
 * signed-in customer (it comes from each connection's own identity, so a
 * resumed token never carries a login). */
#include "dlg_int.h"
#include "ds_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include <jansson.h>

#define STATE_VERSION 2

dlg_session *dlg_session_new(const char *id)
{
    dlg_session *s = ds_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->clarify_a = s->clarify_b = s->flow_intent = s->last_faq = -1;
    s->next_intent = s->next_offered = s->done_item = -1;
    snprintf(s->id, sizeof s->id, "%s", id ? id : "");
    return s;
}

void dlg_session_free(dlg_session *s)
{
    ds_free(s);
}

void dlg_session_set_customer(dlg_session *s, const char *customer)
{
    snprintf(s->customer, sizeof s->customer, "%s", customer ? customer : "");
}

const char *dlg_session_verified(const dlg_session *s)
{
    return s ? s->verified : "";
}

void dlg_session_forget_kb(dlg_session *s)
{
    s->clarify_a = s->clarify_b = s->last_faq = -1;
    s->next_intent = s->next_offered = -1;
    s->last_topics = 0;
    s->last_ask = 0;
    s->flow = NULL;
    s->step = NULL;
    s->flow_intent = -1;
    dlg__slots_reset(s, NULL);
}

/* ---- slots ------------------------------------------------------------- */

void dlg__slots_reset(dlg_session *s, const dlg_flow *f)
{
    memset(s->slots, 0, sizeof s->slots);
    for (size_t i = 0; f && i < f->slot_count; i++)
        if (f->slots[i].type == DLG_SLOT_INT)
            *(int *)(void *)(s->slots + f->slots[i].offset) = f->slots[i].def;
}

static void *slot_at(const dlg_session *s, const dlg_slot_def *d)
{
    return (void *)(s->slots + d->offset);
}

/* The flow's slots that differ from their defaults, as an object under
 * "slots"; nothing when none does. */
static void slots_save(ds_json *w, const dlg_session *s, const dlg_flow *f)
{
    int open = 0;
    for (size_t i = 0; i < f->slot_count; i++) {
        const dlg_slot_def *d = &f->slots[i];
        const void *v = slot_at(s, d);
        int str = d->type == DLG_SLOT_STR && ((const char *)v)[0];
        int num = d->type == DLG_SLOT_INT && *(const int *)v != d->def;
        int yes = d->type == DLG_SLOT_BOOL && *(const int *)v;
        if (!str && !num && !yes)
            continue;
        if (!open) {
            ds_json_key(w, "slots");
            ds_json_object(w);
            open = 1;
        }
        ds_json_key(w, d->name);
        if (str)
            ds_json_string(w, v);
        else if (num)
            ds_json_int(w, *(const int *)v);
        else
            ds_json_bool(w, 1);
    }
    if (open)
        ds_json_end(w);
}

static void slots_load(dlg_session *s, const dlg_flow *f, json_t *o)
{
    dlg__slots_reset(s, f);
    for (size_t i = 0; f && i < f->slot_count; i++) {
        const dlg_slot_def *d = &f->slots[i];
        json_t *v = json_object_get(o, d->name);
        void *at = slot_at(s, d);
        if (d->type == DLG_SLOT_STR && json_is_string(v) && json_string_length(v) < d->size)
            memcpy(at, json_string_value(v), json_string_length(v) + 1);
        else if (d->type == DLG_SLOT_INT && json_is_integer(v) && json_integer_value(v) >= d->lo &&
                 json_integer_value(v) <= d->hi)
            *(int *)at = (int)json_integer_value(v);
        else if (d->type == DLG_SLOT_BOOL)
            *(int *)at = json_is_true(v);
    }
}

/* ---- hash -------------------------------------------------------------- */

static void fnv(unsigned long long *h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
}

static void fnv_str(unsigned long long *h, const char *s)
{
    fnv(h, s, strlen(s) + 1); /* the NUL keeps "ab"+"c" apart from "a"+"bc" */
}

unsigned long long dlg_session_state_hash(const dlg_session *s)
{
    unsigned long long h = 1469598103934665603ULL;
    /* what dlg_session_save writes, under the same conditions */
    int clar = s->clarify_a >= 0 && s->clarify_b >= 0;
    int internal = s->flow && (s->flow->flags & DLG_FLOW_INTERNAL);
    int ints[] = {s->flow && !internal ? s->flow_intent : -1,
                  clar ? s->clarify_a : -1,
                  clar ? s->clarify_b : -1,
                  s->unsure,
                  s->last_faq,
                  s->pii_warned,
                  s->upset,
                  s->soothe_wait,
                  s->next_intent,
                  s->next_offered,
                  s->people_called,
                  s->done_item,
                  s->stalls,
                  s->identity_asks,
                  s->pii_turn,
                  s->reminded};
    fnv(&h, ints, sizeof ints);
    fnv(&h, &s->last_order_reply, sizeof s->last_order_reply);
    fnv(&h, s->recent, sizeof s->recent);
    fnv(&h, &s->last_topics, sizeof s->last_topics);
    unsigned long long ask = s->last_faq >= 0 ? s->last_ask : 0; /* saved with last_faq only */
    fnv(&h, &ask, sizeof ask);
    fnv_str(&h, s->flow ? s->flow->name : "");
    fnv_str(&h, s->flow && s->step ? s->step : "");
    for (size_t i = 0; s->flow && i < s->flow->slot_count; i++) {
        const dlg_slot_def *d = &s->flow->slots[i];
        if (d->type == DLG_SLOT_STR)
            fnv_str(&h, slot_at(s, d));
        else
            fnv(&h, slot_at(s, d), sizeof(int));
    }
    /* the proof (e-mail, phone digits) is not saved, so it is not hashed */
    const char *strs[] = {s->order_no, s->verified, s->product, s->reason};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        fnv_str(&h, strs[i]);
    for (size_t i = 0; i < s->check_count; i++) {
        fnv_str(&h, s->checks[i].order);
        fnv(&h, &s->checks[i].fails, sizeof s->checks[i].fails);
    }
    fnv(&h, &s->check_count, sizeof s->check_count);
    return h;
}

/* ---- save -------------------------------------------------------------- */

static void put_str(ds_json *w, const char *k, const char *v)
{
    if (v && v[0])
        ds_json_pair(w, k, v);
}

static void put_int(ds_json *w, const char *k, long long v)
{
    ds_json_key(w, k);
    ds_json_int(w, v);
}

static void put_true(ds_json *w, const char *k)
{
    ds_json_key(w, k);
    ds_json_bool(w, 1);
}

/* "%016llx" of v, by hand: several on every save. */
static void hex16(char hex[17], unsigned long long v)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, v >>= 4)
        hex[i] = digits[v & 15];
    hex[16] = '\0';
}

static void put_hex(ds_json *w, const char *k, unsigned long long v)
{
    char hex[17];
    hex16(hex, v);
    put_str(w, k, hex);
}

/* Written on every turn that changes the state: straight into a buffer
 * with ds_json (the same text, in the same order, that jansson's tree and
 * json_dumps gave: a fifth of this cost, docs/PERFORMANCE.md). */
char *dlg_session_save(const dlg_session *s, const kb_base *kb)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    put_int(&w, "v", STATE_VERSION);
    if (s->clarify_a >= 0 && s->clarify_b >= 0) {
        put_str(&w, "clarify_a", kb_intent_at(kb, (size_t)s->clarify_a)->id);
        put_str(&w, "clarify_b", kb_intent_at(kb, (size_t)s->clarify_b)->id);
    }
    if (s->flow) {
        put_str(&w, "flow", s->flow->name);
        put_str(&w, "step", s->step);
        if (s->flow_intent >= 0 && !(s->flow->flags & DLG_FLOW_INTERNAL))
            put_str(&w, "intent", kb_intent_at(kb, (size_t)s->flow_intent)->id);
        slots_save(&w, s, s->flow);
    }
    put_str(&w, "order", s->order_no);
    /* never the proof: an e-mail or phone digits given and not yet checked
     * stay in memory only (a restart asks for them again) */
    put_str(&w, "verified", s->verified);
    put_str(&w, "product", s->product);
    put_str(&w, "reason", s->reason);
    if (s->last_case > 0)
        put_int(&w, "last_case", s->last_case);
    if (s->unsure)
        put_int(&w, "unsure", s->unsure);
    if (s->pii_warned)
        put_true(&w, "pii_warned");
    if (s->upset)
        put_int(&w, "upset", s->upset);
    if (s->soothe_wait)
        put_int(&w, "soothe_wait", s->soothe_wait);
    if (s->people_called)
        put_true(&w, "people_called");
    if (s->done_item >= 0)
        put_int(&w, "done_item", s->done_item);
    if (s->stalls)
        put_int(&w, "stalls", s->stalls);
    if (s->identity_asks)
        put_int(&w, "identity_asks", s->identity_asks);
    if (s->pii_turn)
        put_int(&w, "pii_turn", s->pii_turn);
    if (s->reminded)
        put_true(&w, "reminded");
    if (s->next_intent >= 0)
        put_str(&w, "next", kb_intent_at(kb, (size_t)s->next_intent)->id);
    if (s->next_offered >= 0)
        put_str(&w, "next_offered", kb_intent_at(kb, (size_t)s->next_offered)->id);
    if (s->last_order_reply)
        put_hex(&w, "last_order_reply", s->last_order_reply);
    if (s->recent[0]) {
        ds_json_key(&w, "recent");
        ds_json_array(&w);
        for (size_t i = 0; i < DLG_RECENT && s->recent[i]; i++) {
            char hex[17];
            hex16(hex, s->recent[i]);
            ds_json_string(&w, hex);
        }
        ds_json_end(&w);
    }
    if (s->last_faq >= 0) {
        put_str(&w, "last_faq", kb_intent_at(kb, (size_t)s->last_faq)->id);
        if (s->last_topics)
            put_int(&w, "last_topics", s->last_topics);
        if (s->last_ask)
            put_hex(&w, "last_ask", s->last_ask);
    }
    ds_json_key(&w, "checks");
    ds_json_array(&w);
    for (size_t i = 0; i < s->check_count; i++) {
        ds_json_object(&w);
        ds_json_pair(&w, "order", s->checks[i].order);
        put_int(&w, "fails", s->checks[i].fails);
        ds_json_end(&w);
    }
    ds_json_end(&w);
    ds_json_end(&w);
    if (b.failed) {
        ds_buf_cleanup(&b);
        return NULL;
    }
    return ds_buf_take(&b);
}

/* ---- load -------------------------------------------------------------- */

static void get_str(json_t *o, const char *k, char *dst, size_t cap)
{
    const char *v = json_string_value(json_object_get(o, k));
    if (v && strlen(v) < cap)
        memcpy(dst, v, strlen(v) + 1);
}

static int get_int(json_t *o, const char *k, int def, int lo, int hi)
{
    json_t *v = json_object_get(o, k);
    long long n = json_is_integer(v) ? json_integer_value(v) : def;
    return n < lo || n > hi ? def : (int)n;
}

/* The first format (412bd3c and before) named flows and the steps they
 * waited on by enum numbers, and kept every flow's slots at the top level
 * (the offline request's priority in "reason", its reason in "case"). */
static const char *const v1_flows[] = {NULL,      "status",    "tracking",      "cancel",
                                       "address", "return",    "return_status", "exchange",
                                       "case",    "complaint", "offline"};
static const char *const v1_steps[] = {
    NULL,      "order",       "identity",  "confirm", "address", "item",         "reason", "opened",
    "variant", "description", "complaint", "name",    "contact", "order_number", "message"};
static const struct {
    const char *flow, *from, *to;
} v1_slots[] = {
    {"tracking", "not_received", "not_received"},
    {"return", "item", "item"},
    {"return", "reason", "reason"},
    {"return", "opened", "opened"},
    {"exchange", "item", "item"},
    {"exchange", "size", "size"},
    {"exchange", "colour", "colour"},
    {"case", "item", "item"},
    {"case", "case", "kind"},
    {"offline", "off_name", "name"},
    {"offline", "off_contact", "contact"},
    {"offline", "off_order", "order"},
    {"offline", "reason", "priority"},
    {"offline", "case", "reason"},
};

static void migrate_v1(json_t *o)
{
    int flow = get_int(o, "flow", 0, 0, (int)(sizeof v1_flows / sizeof *v1_flows) - 1);
    int step = get_int(o, "await", 0, 0, (int)(sizeof v1_steps / sizeof *v1_steps) - 1);
    json_t *slots = json_object();
    for (size_t i = 0; flow && i < sizeof v1_slots / sizeof *v1_slots; i++) {
        json_t *v = json_object_get(o, v1_slots[i].from);
        if (v && strcmp(v1_slots[i].flow, v1_flows[flow]) == 0)
            json_object_set(slots, v1_slots[i].to, v);
    }
    const char *drop[] = {"flow",     "await",       "item",      "reason",
                          "opened",   "size",        "colour",    "case",
                          "off_name", "off_contact", "off_order", "not_received"};
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        json_object_del(o, drop[i]);
    if (flow) {
        json_object_set_new(o, "flow", json_string(v1_flows[flow]));
        if (step)
            json_object_set_new(o, "step", json_string(v1_steps[step]));
    }
    json_object_set_new(o, "slots", slots);
}

void dlg_session_load(dlg_session *s, const kb_base *kb, const char *text)
{
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    int v = json_is_object(o) ? get_int(o, "v", 0, 0, STATE_VERSION) : 0;
    if (v == 0) {
        json_decref(o);
        return;
    }
    if (v == 1)
        migrate_v1(o);
    const char *intent = json_string_value(json_object_get(o, "intent"));
    int idx = intent ? kb_intent_find(kb, intent) : -1;
    const char *ca = json_string_value(json_object_get(o, "clarify_a"));
    const char *cb = json_string_value(json_object_get(o, "clarify_b"));
    s->clarify_a = ca ? kb_intent_find(kb, ca) : -1;
    s->clarify_b = cb ? kb_intent_find(kb, cb) : -1;
    if (s->clarify_a < 0 || s->clarify_b < 0)
        s->clarify_a = s->clarify_b = -1; /* a question about intents gone since */
    const dlg_flow *f = dlg__flow_find(json_string_value(json_object_get(o, "flow")));
    /* a flow needs its intent in the current knowledge base */
    if (f && (idx >= 0 || (f->flags & DLG_FLOW_INTERNAL))) {
        s->flow = f;
        s->flow_intent = f->flags & DLG_FLOW_INTERNAL ? -1 : idx;
        s->step = dlg__flow_step(f, json_string_value(json_object_get(o, "step")));
        slots_load(s, f, json_object_get(o, "slots"));
    } else {
        s->flow = NULL;
        s->step = NULL;
        s->flow_intent = -1;
        dlg__slots_reset(s, NULL);
    }
    get_str(o, "order", s->order_no, sizeof s->order_no);
    get_str(o, "verified", s->verified, sizeof s->verified);
    get_str(o, "product", s->product, sizeof s->product);
    get_str(o, "reason", s->reason, sizeof s->reason);
    json_t *lc = json_object_get(o, "last_case");
    s->last_case = json_is_integer(lc) && json_integer_value(lc) > 0 ? json_integer_value(lc) : 0;
    s->unsure = get_int(o, "unsure", 0, 0, 100);
    s->pii_warned = json_is_true(json_object_get(o, "pii_warned"));
    s->upset = get_int(o, "upset", 0, 0, DLG_UPSET_MAX);
    s->soothe_wait = get_int(o, "soothe_wait", 0, 0, DLG_SOOTHE_EVERY);
    s->people_called = json_is_true(json_object_get(o, "people_called"));
    s->done_item = get_int(o, "done_item", -1, -1, 1000);
    s->stalls = get_int(o, "stalls", 0, 0, DLG_MAX_STALLS);
    s->identity_asks = get_int(o, "identity_asks", 0, 0, 100);
    s->pii_turn = get_int(o, "pii_turn", 0, 0, INT_MAX);
    s->reminded = json_is_true(json_object_get(o, "reminded"));
    const char *nx = json_string_value(json_object_get(o, "next"));
    s->next_intent = nx ? kb_intent_find(kb, nx) : -1;
    const char *no = json_string_value(json_object_get(o, "next_offered"));
    s->next_offered = no ? kb_intent_find(kb, no) : -1;
    const char *lr = json_string_value(json_object_get(o, "last_order_reply"));
    s->last_order_reply = lr ? strtoull(lr, NULL, 16) : 0;
    json_t *rc = json_object_get(o, "recent");
    memset(s->recent, 0, sizeof s->recent);
    for (size_t i = 0; i < DLG_RECENT && i < json_array_size(rc); i++) {
        const char *hx = json_string_value(json_array_get(rc, i));
        s->recent[i] = hx ? strtoull(hx, NULL, 16) : 0;
    }
    const char *lf = json_string_value(json_object_get(o, "last_faq"));
    s->last_faq = lf ? kb_intent_find(kb, lf) : -1;
    json_t *lt = json_object_get(o, "last_topics");
    s->last_topics = s->last_faq >= 0 && json_is_integer(lt) ? (unsigned)json_integer_value(lt) : 0;
    const char *la = json_string_value(json_object_get(o, "last_ask"));
    s->last_ask = s->last_faq >= 0 && la ? strtoull(la, NULL, 16) : 0;
    json_t *checks = json_object_get(o, "checks"), *c;
    size_t i;
    s->check_count = 0;
    json_array_foreach(checks, i, c)
    {
        if (s->check_count == DLG_MAX_CHECKED_ORDERS)
            break;
        dlg_check *k = &s->checks[s->check_count];
        const char *order = json_string_value(json_object_get(c, "order"));
        if (!order || strlen(order) >= sizeof k->order)
            continue;
        snprintf(k->order, sizeof k->order, "%s", order);
        k->fails = get_int(c, "fails", 0, 0, 100);
        s->check_count++;
    }
    json_decref(o);
}

void dlg_session_move_kb(dlg_session *s, const kb_base *from, const kb_base *to)
{
    char *state = dlg_session_save(s, from);
    dlg_session_forget_kb(s);
    if (state)
        dlg_session_load(s, to, state); /* fills the same fields, indexes into `to` */
    ds_free(state);
}
