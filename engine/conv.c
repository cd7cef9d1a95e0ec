/* SPDX-License-Identifier: MIT */
/* One conversation turn from text to stored reply, in the caller's store
 * batch; working hours for the dialogue; the bot's explanation of each
 * reply (intent, confidence, the candidates weighed, what the turn did) as
 * agents see it. No sockets, no frames. */
#include "conv.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ds_json.h"
#include "pii.h"
#include "privacy.h"

/* Bytes of a hand-off's preview of the shopper's words. */
#define CONV_PREVIEW_LEN 160
/* Messages read back for the preview: the turns since the last hand-off. */
#define CONV_PREVIEW_SCAN 40
/* Words that make the message asking for people its own preview. */
#define CONV_PREVIEW_WORDS 3

struct conv_service {
    const match_engine *me;
    store_db *db;
    nlp_text *scratch;
    match_result *res;
    hours_mode hours;
    time_t fixed_now;
    /* working hours, computed at most once a second */
    time_t hours_at;
    int hours_open;
    char hours_back[96];
    char hours_iso[CLOCK_ISO_LEN];
};

struct conv_chat {
    long long id;
    dlg_session *dlg;
    unsigned long long saved_state; /* hash of the dialogue state last saved */
    int in_handoff;
    long long claimed_by;
    char subject[40];                     /* the verified order last noted as the conversation's */
    char customer[STORE_CONTACT_KEY_LEN]; /* signed-in contact key, not yet noted */
};

conv_service *conv_service_new(const match_engine *me, store_db *db)
{
    conv_service *svc = ds_calloc(1, sizeof *svc);
    if (!svc)
        return NULL;
    svc->me = me;
    svc->db = db;
    if (!(svc->scratch = nlp_text_new()) || !(svc->res = match_result_new(me)) ||
        match_result_cache_terms(svc->res) != DS_OK) {
        conv_service_free(svc);
        return NULL;
    }
    return svc;
}

void conv_service_free(conv_service *svc)
{
    if (!svc)
        return;
    nlp_text_free(svc->scratch);
    match_result_free(svc->res);
    ds_free(svc);
}

ds_status conv_service_set_engine(conv_service *svc, const match_engine *me)
{
    match_result *res = match_result_new(me);
    if (!res || match_result_cache_terms(res) != DS_OK) {
        match_result_free(res);
        return DS_ENOMEM;
    }
    match_result_free(svc->res);
    svc->res = res;
    svc->me = me;
    svc->hours_at = 0; /* the new shop.json may have other hours */
    return DS_OK;
}

const match_engine *conv_service_engine(const conv_service *svc)
{
    return svc->me;
}

store_db *conv_service_store(const conv_service *svc)
{
    return svc->db;
}

void conv_service_set_hours(conv_service *svc, hours_mode mode)
{
    svc->hours = mode;
    svc->hours_at = 0;
}

void conv_service_set_now(conv_service *svc, time_t now)
{
    svc->fixed_now = now;
    svc->hours_at = 0;
}

time_t conv_service_now(const conv_service *svc)
{
    return svc->fixed_now ? svc->fixed_now : time(NULL);
}

void conv_service_now_iso(const conv_service *svc, char buf[CLOCK_ISO_LEN])
{
    clock_iso(kb_zone(match_engine_kb(svc->me)), (long long)conv_service_now(svc), buf);
}

int conv_service_hours(conv_service *svc, char back[96], char iso[CLOCK_ISO_LEN])
{
    time_t now = conv_service_now(svc);
    const kb_base *kb = match_engine_kb(svc->me);
    if (now != svc->hours_at) {
        svc->hours_at = now;
        svc->hours_open = hours_open_now(kb, svc->hours, now);
        svc->hours_back[0] = svc->hours_iso[0] = '\0';
        if (!svc->hours_open) {
            time_t when;
            if (hours_next_open(kb, now, &when) != DS_OK)
                when = now + 12 * 3600; /* forced closed with no schedule: a plausible half day */
            ds_buf b;
            ds_buf_init(&b);
            hours_describe_next(kb, now, when, &b);
            snprintf(svc->hours_back, sizeof svc->hours_back, "%s", b.data ? b.data : "");
            ds_buf_cleanup(&b);
            clock_iso(kb_zone(kb), (long long)when, svc->hours_iso);
        }
    }
    if (back)
        snprintf(back, 96, "%s", svc->hours_back);
    if (iso)
        snprintf(iso, CLOCK_ISO_LEN, "%s", svc->hours_iso);
    return svc->hours_open;
}

/* ---- conversations --------------------------------------------------------- */

static conv_chat *conv_new(long long id)
{
    conv_chat *c = ds_calloc(1, sizeof *c);
    char name[40];
    snprintf(name, sizeof name, "conv-%lld", id);
    if (!c || !(c->dlg = dlg_session_new(name))) {
        ds_free(c);
        return NULL;
    }
    c->id = id;
    return c;
}

ds_status conv_start(conv_service *svc, const char *token_hash, conv_chat **out, ds_error *err)
{
    char now[CLOCK_ISO_LEN];
    long long id = 0; /* without a store: a conversation kept nowhere */
    conv_service_now_iso(svc, now);
    ds_status st = svc->db ? store_conversation_create(svc->db, token_hash, now, &id, err) : DS_OK;
    if (st != DS_OK)
        return st;
    conv_chat *c = conv_new(id);
    if (!c)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    c->saved_state = dlg_session_state_hash(c->dlg); /* the store has nothing yet */
    *out = c;
    return DS_OK;
}

ds_status conv_resume(conv_service *svc, const char *token_hash, conv_chat **out, ds_error *err)
{
    long long id;
    if (!svc->db)
        return ds_fail(err, DS_ENOTFOUND, "no store: nothing to resume");
    ds_status st = store_conversation_find(svc->db, token_hash, &id, err);
    if (st != DS_OK)
        return st;
    /* a token left unused too long is spent: on a shared or lost phone the
     * next person must not walk into the conversation */
    long long last = 0;
    if ((st = store_conversation_last_active(svc->db, id, &last, err)) != DS_OK)
        return st;
    if (last <
        (long long)conv_service_now(svc) - privacy_session_idle_s(match_engine_kb(svc->me))) {
        char now[CLOCK_ISO_LEN];
        conv_service_now_iso(svc, now);
        store_conversation_close(svc->db, id, now, NULL);
        return ds_fail(err, DS_ENOTFOUND, "the session expired");
    }
    conv_chat *c = conv_new(id);
    if (!c)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    /* where the dialogue was: an order number given, a check pending */
    char *state = NULL;
    if (store_conversation_state(svc->db, id, &state, NULL) == DS_OK && state)
        dlg_session_load(c->dlg, match_engine_kb(svc->me), state);
    ds_free(state);
    c->saved_state = dlg_session_state_hash(c->dlg);
    store_handoff *h;
    if (store_handoff_active(svc->db, id, &h, NULL) == DS_OK) {
        c->in_handoff = 1;
        c->claimed_by = strcmp(h->state, "claimed") == 0 ? h->agent_id : 0;
        store_handoff_free(h);
    }
    *out = c;
    return DS_OK;
}

void conv_free(conv_chat *c)
{
    if (!c)
        return;
    dlg_session_free(c->dlg);
    ds_free(c);
}

ds_status conv_close(conv_service *svc, conv_chat *c, ds_error *err)
{
    char now[CLOCK_ISO_LEN];
    conv_service_now_iso(svc, now);
    return svc->db ? store_conversation_close(svc->db, c->id, now, err) : DS_OK;
}

long long conv_id(const conv_chat *c)
{
    return c->id;
}

void conv_set_customer(conv_chat *c, const char *customer)
{
    dlg_session_set_customer(c->dlg, customer);
    store_contact_key(customer, c->customer); /* noted with the next turn */
}

dlg_session *conv_session(conv_chat *c)
{
    return c->dlg;
}

void conv_move_kb(conv_chat *c, const kb_base *from, const kb_base *to)
{
    dlg_session_move_kb(c->dlg, from, to);
}

void conv_set_handoff(conv_chat *c, int in_handoff, long long claimed_by)
{
    c->in_handoff = in_handoff;
    c->claimed_by = claimed_by;
}

int conv_in_handoff(const conv_chat *c)
{
    return c->in_handoff;
}

long long conv_claimed_by(const conv_chat *c)
{
    return c->claimed_by;
}

/* ---- a turn -------------------------------------------------------------- */

void conv_turn_result_init(conv_turn_result *r)
{
    memset(r, 0, sizeof *r);
    dlg_reply_init(&r->reply);
}

void conv_turn_result_cleanup(conv_turn_result *r)
{
    dlg_reply_cleanup(&r->reply);
    conv_turn_result_init(r);
}

static void write_quick_replies(ds_json *w, const dlg_reply *r)
{
    ds_json_array(w);
    for (size_t i = 0; i < r->quick_reply_count; i++)
        ds_json_string(w, r->quick_replies[i]);
    ds_json_end(w);
}

/* What is stored with the bot's reply so an agent can see why it said it. */
static char *explanation(const conv_service *svc, const dlg_reply *r)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "intent", r->intent ? r->intent : "fallback");
    ds_json_key(&w, "confidence");
    ds_json_real(&w, r->confidence);
    ds_json_key(&w, "clarify");
    ds_json_bool(&w, r->clarify);
    ds_json_key(&w, "quick_replies");
    write_quick_replies(&w, r);
    ds_json_key(&w, "candidates");
    ds_json_array(&w);
    for (size_t i = 0; i < match_result_candidate_count(svc->res); i++) {
        const match_candidate *mc = match_result_candidate(svc->res, i);
        ds_json_object(&w);
        ds_json_pair(&w, "intent", mc->id);
        ds_json_key(&w, "score");
        ds_json_real(&w, mc->score);
        ds_json_end(&w);
    }
    ds_json_end(&w);
    if (r->handoff_priority) {
        ds_json_key(&w, "handoff");
        ds_json_object(&w);
        ds_json_pair(&w, "priority", r->handoff_priority);
        ds_json_pair(&w, "reason", r->handoff_reason);
        ds_json_end(&w);
    }
    if (r->verified) {
        ds_json_key(&w, "verified");
        ds_json_bool(&w, 1);
    }
    if (r->step) {
        ds_json_key(&w, "step");
        ds_json_bool(&w, 1);
    }
    ds_json_end(&w);
    return ds_buf_take(&b);
}

/* Keeps the dialogue state with the conversation when it changed (most
 * turns answer a question and change nothing). */
static ds_status save_state(conv_service *svc, conv_chat *c, ds_error *err)
{
    unsigned long long h = dlg_session_state_hash(c->dlg);
    if (h == c->saved_state)
        return DS_OK;
    char *state = dlg_session_save(c->dlg, match_engine_kb(svc->me));
    if (!state)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    ds_status st = store_conversation_save_state(svc->db, c->id, state, err);
    if (st == DS_OK)
        c->saved_state = h;
    ds_free(state);
    return st;
}

/* Whose the conversation is, for a KVKK request (store_privacy_export):
 * the order verified in it, the customer signed in. Noted once each. */
static ds_status note_subject(conv_service *svc, conv_chat *c, ds_error *err)
{
    const char *v = dlg_session_verified(c->dlg);
    int order = v[0] && strcmp(v, c->subject) != 0;
    if (!order && !c->customer[0])
        return DS_OK;
    ds_status st = store_conversation_set_subject(svc->db, c->id, order ? v : NULL,
                                                  c->customer[0] ? c->customer : NULL, err);
    if (st == DS_OK) {
        if (order)
            snprintf(c->subject, sizeof c->subject, "%s", v);
        c->customer[0] = '\0';
    }
    return st;
}

/* The first CONV_PREVIEW_LEN bytes of text, cut between two characters. */
static void preview(const char *text, char out[CONV_PREVIEW_LEN + 1])
{
    size_t n = strlen(text);
    if (n > CONV_PREVIEW_LEN) {
        n = CONV_PREVIEW_LEN;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--; /* text[n] continues a character: cut before it starts */
    }
    memcpy(out, text, n);
    out[n] = '\0';
}

/* How much a shopper's message says: its words with a letter in them that
 * are not an e-mail address (an order number or an e-mail answers a
 * question; it does not tell what the problem is). */
static size_t informative_words(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (!*p)
            break;
        int letter = 0, at = 0;
        for (; *p && *p != ' ' && *p != '\n' && *p != '\t'; p++) {
            unsigned char ch = (unsigned char)*p;
            /* a lead byte from U+00C0 on: a letter; U+0080-U+00BF are signs ("·") */
            letter |= ch >= 0xC3 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
            at |= ch == '@';
        }
        n += letter && !at;
    }
    return n;
}

/* Whether text is one of the quick replies of a bot message's stored
 * explanation: a tapped button, not the shopper's own words. */
static int tapped(const char *details, const char *text)
{
    json_t *d = details ? json_loads(details, 0, NULL) : NULL;
    json_t *qr = json_object_get(d, "quick_replies");
    int hit = 0;
    for (size_t i = 0; i < json_array_size(qr) && !hit; i++) {
        const char *q = json_string_value(json_array_get(qr, i));
        hit = q && strcmp(q, text) == 0;
    }
    json_decref(d);
    return hit;
}

/* What agents read in the queue: the shopper's own words. The message that
 * asked for people when it says something (typed, CONV_PREVIEW_WORDS words
 * or more); else, for a tapped quick reply ("Ödeme sorunu"), a bare order
 * number or a word or two, the most informative typed message since the
 * conversation's last hand-off (the most words, the latest of equals). */
static void best_preview(conv_service *svc, const conv_chat *c, const char *text,
                         char out[CONV_PREVIEW_LEN + 1])
{
    store_message *m;
    size_t n, best_words = 0;
    const char *best = text;
    if (store_messages_before(svc->db, c->id, 0, CONV_PREVIEW_SCAN, &m, &n, NULL) != DS_OK) {
        preview(text, out);
        return;
    }
    /* m is oldest first and ends with this turn's reply: from the newest
     * back to the previous hand-off */
    size_t from = 0;
    for (size_t i = n >= 1 ? n - 1 : 0; i-- > 0;)
        if (strcmp(m[i].role, "bot") == 0 && m[i].details &&
            strstr(m[i].details, "\"handoff\":{")) {
            from = i + 1;
            break;
        }
    const char *before = NULL; /* the bot message before each shopper message */
    int last_typed = 0;        /* the last shopper message (the one asking) was typed */
    for (size_t i = from; i < n; i++) {
        if (strcmp(m[i].role, "bot") == 0) {
            before = m[i].details;
            continue;
        }
        if (strcmp(m[i].role, "shopper") != 0 || !m[i].text)
            continue;
        last_typed = !tapped(before, m[i].text);
        if (!last_typed)
            continue;
        size_t w = informative_words(m[i].text);
        if (w && w >= best_words) {
            best_words = w;
            best = m[i].text;
        }
    }
    preview(last_typed && informative_words(text) >= CONV_PREVIEW_WORDS ? text : best, out);
    store_messages_free(m, n);
}

static ds_status open_handoff(conv_service *svc, conv_chat *c, const char *text,
                              conv_turn_result *out, ds_error *err)
{
    const dlg_reply *r = &out->reply;
    int offline = r->offline_request != NULL;
    char pv[CONV_PREVIEW_LEN + 1];
    long long id;
    int existing = 0;
    best_preview(svc, c, text, pv);
    ds_status st =
        store_handoff_open(svc->db, c->id, offline ? "offline" : "waiting", r->handoff_priority,
                           r->handoff_reason, r->intent, pv, offline ? r->offline_request : NULL,
                           out->at, (long long)conv_service_now(svc), &id, &existing, err);
    if (st != DS_OK)
        return st;
    c->in_handoff = 1;
    out->handoff_opened = 1;
    out->handoff_offline = offline;
    return DS_OK;
}

/* The turn once the text is read: stored, answered, kept. */
static ds_status turn(conv_service *svc, conv_chat *c, const char *client_id, const char *text,
                      const char *seen, size_t seen_len, unsigned pii, conv_turn_result *out,
                      ds_error *err);

ds_status conv_turn(conv_service *svc, conv_chat *c, const char *client_id, const char *text,
                    size_t len, conv_turn_result *out, ds_error *err)
{
    const kb_base *kb = match_engine_kb(svc->me);
    /* the one check of the text: nothing is stored that the dialogue cannot read */
    ds_status st = nlp_normalise(kb_lexicon(kb), text, len, svc->scratch, err);
    if (st != DS_OK)
        return st;
    /* card numbers, TCKNs and IBANs never reach the store, a log or an
     * agent: the last four digits stay for people, none for the dialogue */
    ds_buf kept, seen;
    ds_buf_init(&kept);
    ds_buf_init(&seen);
    unsigned pii = pii_mask(text, len, 4, &kept);
    if (pii) {
        pii_mask(text, len, 0, &seen);
        if (kept.failed || seen.failed)
            st = ds_fail(err, DS_ENOMEM, "out of memory");
        else
            st = nlp_normalise(kb_lexicon(kb), seen.data, seen.len, svc->scratch, err);
    }
    if (st == DS_OK)
        st = pii ? turn(svc, c, client_id, kept.data, seen.data, seen.len, pii, out, err)
                 : turn(svc, c, client_id, text, text, len, 0, out, err);
    ds_buf_cleanup(&kept);
    ds_buf_cleanup(&seen);
    return st;
}

static ds_status turn(conv_service *svc, conv_chat *c, const char *client_id, const char *text,
                      const char *seen, size_t seen_len, unsigned pii, conv_turn_result *out,
                      ds_error *err)
{
    ds_status st;
    conv_service_now_iso(svc, out->at);
    if (svc->db) {
        st = store_message_add(svc->db, c->id, "shopper", client_id, text, NULL, out->at,
                               &out->duplicate, err);
        if (st != DS_OK || out->duplicate)
            return st;
    }
    if (c->claimed_by) { /* with an agent on the conversation, the shopper talks to people */
        out->to_agent = c->claimed_by;
        return DS_OK;
    }
    char back[96];
    int open = conv_service_hours(svc, back, NULL);
    dlg_env env = {.me = svc->me,
                   .db = svc->db,
                   .scratch = svc->scratch,
                   .res = svc->res,
                   .now = conv_service_now(svc),
                   .closed = !open,
                   .back_at = open ? NULL : back,
                   .pii = pii,
                   /* without a store no hand-off is kept: the session remembers */
                   .handoff = !svc->db        ? DLG_HANDOFF_UNKNOWN
                              : c->in_handoff ? DLG_HANDOFF_OPEN
                                              : DLG_HANDOFF_NONE};
    st = dlg_respond_normalised(&env, c->dlg, seen, seen_len, &out->reply, err);
    if (st != DS_OK)
        return st;
    out->replied = 1;
    if (!svc->db)
        return DS_OK;
    if ((st = save_state(svc, c, err)) != DS_OK || (st = note_subject(svc, c, err)) != DS_OK)
        return st;
    char *why = explanation(svc, &out->reply);
    if (!why)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    st = store_message_add(svc->db, c->id, "bot", NULL,
                           out->reply.text.data ? out->reply.text.data : "", why, out->at, NULL,
                           err);
    ds_free(why);
    if (st == DS_OK && out->reply.handoff_priority)
        st = open_handoff(svc, c, text, out, err);
    return st;
}

ds_status conv_greet(conv_service *svc, conv_chat *c, dlg_reply *out, ds_error *err)
{
    char back[96];
    int open = conv_service_hours(svc, back, NULL); /* no person on offer at night */
    dlg_env env = {.me = svc->me,
                   .db = svc->db,
                   .scratch = svc->scratch,
                   .res = svc->res,
                   .now = conv_service_now(svc),
                   .closed = !open,
                   .back_at = open ? NULL : back,
                   .handoff = c->in_handoff ? DLG_HANDOFF_OPEN : DLG_HANDOFF_UNKNOWN};
    return dlg_greet(&env, c->dlg, out, err);
}
