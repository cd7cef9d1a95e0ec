/* SPDX-License-Identifier: MIT */
/* A dialogue session as JSON, so a conversation resumed after a restart
 * continues where it was: the order number given, the identity check, the
 * flow and its question, a clarifying question's two choices. Intents are
 * saved by id, not index, so a reloaded knowledge base does not confuse them.
 * Left out on purpose: the turn counter (it only rotates alternative answer
 * texts, and saving it would make every turn a write) and the signed-in
 * customer (it comes from each connection's own identity, so a resumed token
 * never carries a login). */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

static void put_str(json_t *o, const char *k, const char *v)
{
    if (v && v[0])
        json_object_set_new(o, k, json_string(v));
}

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
    /* the same fields as dlg_session_save, under the same conditions */
    int flow = s->flow != DLG_FLOW_NONE, clar = s->clarify_a >= 0 && s->clarify_b >= 0;
    int ints[] = {flow ? (int)s->flow : -1,
                  flow ? (int)s->await : -1,
                  flow ? s->flow_intent : -1,
                  clar ? s->clarify_a : -1,
                  clar ? s->clarify_b : -1,
                  s->not_received,
                  s->item,
                  s->opened,
                  s->unsure};
    fnv(&h, ints, sizeof ints);
    const char *strs[] = {s->order_no, s->email,       s->last4,    s->verified,
                          s->reason,   s->size,        s->colour,   s->case_kind,
                          s->off_name, s->off_contact, s->off_order};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        fnv_str(&h, strs[i]);
    for (size_t i = 0; i < s->check_count; i++) {
        fnv_str(&h, s->checks[i].order);
        fnv(&h, &s->checks[i].fails, sizeof s->checks[i].fails);
    }
    fnv(&h, &s->check_count, sizeof s->check_count);
    return h;
}

char *dlg_session_save(const dlg_session *s, const kb_base *kb)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "v", json_integer(1));
    if (s->clarify_a >= 0 && s->clarify_b >= 0) {
        put_str(o, "clarify_a", kb_intent_at(kb, (size_t)s->clarify_a)->id);
        put_str(o, "clarify_b", kb_intent_at(kb, (size_t)s->clarify_b)->id);
    }
    if (s->flow != DLG_FLOW_NONE) {
        json_object_set_new(o, "flow", json_integer(s->flow));
        json_object_set_new(o, "await", json_integer(s->await));
        if (s->flow_intent >= 0)
            put_str(o, "intent", kb_intent_at(kb, (size_t)s->flow_intent)->id);
    }
    put_str(o, "order", s->order_no);
    put_str(o, "email", s->email);
    put_str(o, "last4", s->last4);
    put_str(o, "verified", s->verified);
    put_str(o, "reason", s->reason);
    put_str(o, "size", s->size);
    put_str(o, "colour", s->colour);
    put_str(o, "case", s->case_kind);
    put_str(o, "off_name", s->off_name);
    put_str(o, "off_contact", s->off_contact);
    put_str(o, "off_order", s->off_order);
    if (s->not_received)
        json_object_set_new(o, "not_received", json_true());
    if (s->item != -1)
        json_object_set_new(o, "item", json_integer(s->item));
    if (s->opened != -1)
        json_object_set_new(o, "opened", json_integer(s->opened));
    if (s->unsure)
        json_object_set_new(o, "unsure", json_integer(s->unsure));
    json_t *checks = json_array();
    for (size_t i = 0; i < s->check_count; i++)
        json_array_append_new(checks, json_pack("{s:s,s:i}", "order", s->checks[i].order, "fails",
                                                s->checks[i].fails));
    json_object_set_new(o, "checks", checks);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

void dlg_session_load(dlg_session *s, const kb_base *kb, const char *text)
{
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(o) || get_int(o, "v", 0, 0, 1) != 1) {
        json_decref(o);
        return;
    }
    const char *intent = json_string_value(json_object_get(o, "intent"));
    int idx = intent ? kb_intent_find(kb, intent) : -1;
    const char *ca = json_string_value(json_object_get(o, "clarify_a"));
    const char *cb = json_string_value(json_object_get(o, "clarify_b"));
    s->clarify_a = ca ? kb_intent_find(kb, ca) : -1;
    s->clarify_b = cb ? kb_intent_find(kb, cb) : -1;
    if (s->clarify_a < 0 || s->clarify_b < 0)
        s->clarify_a = s->clarify_b = -1; /* a question about intents gone since */
    int flow = get_int(o, "flow", DLG_FLOW_NONE, DLG_FLOW_NONE, DLG_FLOW_OFFLINE);
    /* a flow needs its intent in the current knowledge base */
    if (flow != DLG_FLOW_NONE && (idx >= 0 || flow == DLG_FLOW_OFFLINE)) {
        s->flow = (dlg_flow)flow;
        s->flow_intent = idx;
        s->await =
            (dlg_await)get_int(o, "await", DLG_AWAIT_NONE, DLG_AWAIT_NONE, DLG_AWAIT_OFFLINE_TEXT);
    }
    get_str(o, "order", s->order_no, sizeof s->order_no);
    get_str(o, "email", s->email, sizeof s->email);
    get_str(o, "last4", s->last4, sizeof s->last4);
    get_str(o, "verified", s->verified, sizeof s->verified);
    get_str(o, "reason", s->reason, sizeof s->reason);
    get_str(o, "size", s->size, sizeof s->size);
    get_str(o, "colour", s->colour, sizeof s->colour);
    get_str(o, "case", s->case_kind, sizeof s->case_kind);
    get_str(o, "off_name", s->off_name, sizeof s->off_name);
    get_str(o, "off_contact", s->off_contact, sizeof s->off_contact);
    get_str(o, "off_order", s->off_order, sizeof s->off_order);
    s->not_received = json_is_true(json_object_get(o, "not_received"));
    s->item = get_int(o, "item", -1, -2, 1000);
    s->opened = get_int(o, "opened", -1, -1, 1);
    s->unsure = get_int(o, "unsure", 0, 0, 100);
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
