/* SPDX-License-Identifier: MIT */
/* The flows' toolkit: saying dialogue messages and intent answers, quick
 * replies, tests on the message, the turn's clock, the requests a flow
 * makes of the router (wait, end, hand off, start another flow) and the
 * after-hours request as the reply carries it. Below every flow; calls no
 * flow. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include "ds_json.h"

void dlg_reply_init(dlg_reply *r)
{
    memset(r, 0, sizeof *r);
    ds_buf_init(&r->text);
}

void dlg_reply_cleanup(dlg_reply *r)
{
    ds_buf_cleanup(&r->text);
    ds_free(r->offline_request);
    dlg_reply_init(r);
}

void dlg__add_quick_reply(dlg_reply *r, const char *q)
{
    for (size_t i = 0; i < r->quick_reply_count; i++)
        if (strcmp(r->quick_replies[i], q) == 0)
            return;
    if (r->quick_reply_count < DLG_MAX_QUICK_REPLIES)
        r->quick_replies[r->quick_reply_count++] = q;
}

void dlg__add_quick_reply_copy(dlg_reply *r, const char *q)
{
    if (r->quick_reply_count >= DLG_MAX_QUICK_REPLIES)
        return;
    char *slot = r->qr_text[r->quick_reply_count];
    snprintf(slot, sizeof r->qr_text[0], "%s", q);
    dlg__add_quick_reply(r, slot);
}

static void say_message(dlg_turn *t, const kb_message *m)
{
    ds_buf *b = &t->out->text;
    if (b->len)
        ds_buf_puts(b, "\n\n");
    tpl_render(m->texts[t->s->turn % m->text_count], dlg__lookup, t, b, NULL);
    for (size_t i = 0; i < m->quick_reply_count; i++)
        dlg__add_quick_reply(t->out, m->quick_replies[i]);
}

void dlg__say(dlg_turn *t, const char *key)
{
    /* dlg_check_kb guarantees every message a flow names at start-up and
     * on reload; where people stand picks its variant (people.c) */
    const kb_message *m = dlg__people_message(t, key);
    if (m && m->text_count)
        say_message(t, m);
}

unsigned dlg__topics(const dlg_turn *t, size_t idx)
{
    const kb_intent *in = kb_intent_at(t->kb, idx);
    unsigned mask = 0, n = 0;
    for (size_t i = 0; i < in->topic_count && i < 32; i++) {
        const char *unless = in->topics[i].unless;
        if (unless && (dlg__message_has(t, unless) || dlg__message_has_stem(t, unless)))
            continue;
        if (dlg__message_has(t, in->topics[i].list) ||
            dlg__message_has_stem(t, in->topics[i].list)) {
            if (in->topics[i].decides)
                return 1u << i; /* that part alone, whatever else matched */
            mask |= 1u << i;
            n++;
        }
    }
    /* a question about three parts of it wants the whole answer */
    return n <= DLG_MAX_TOPICS ? mask : 0;
}

void dlg__put_first(dlg_turn *t, const char *text, const char *sep)
{
    ds_buf old = t->out->text;
    ds_buf_init(&t->out->text);
    ds_buf_puts(&t->out->text, text);
    t->out->text.failed |= old.failed;
    if (old.len) {
        ds_buf_puts(&t->out->text, sep);
        ds_buf_append(&t->out->text, old.data, old.len);
    }
    ds_buf_cleanup(&old);
}

ds_status dlg__say_intent(dlg_turn *t, size_t idx)
{
    const kb_intent *in = kb_intent_at(t->kb, idx);
    t->out->intent = in->id;
    /* an answer that offers a person, or says when they work, as people
     * stand now ("are you a bot" once the request is left) */
    const kb_message *m = dlg__people_answer(t, in->id);
    if (m && m->text_count) {
        say_message(t, m);
        return DS_OK;
    }
    ds_buf *b = &t->out->text;
    if (b->len)
        ds_buf_puts(b, "\n\n");
    unsigned topics = dlg__topics(t, idx);
    ds_status st = DS_OK;
    if (!topics)
        st = kb_render_answer_with(t->kb, in, t->s->turn, dlg__turn_lookup, t, b, t->err);
    for (size_t i = 0; topics && i < in->topic_count && st == DS_OK; i++) {
        if (!(topics & (1u << i)))
            continue;
        if (topics & ((1u << i) - 1)) /* after another topic */
            ds_buf_puts(b, " ");
        st = kb_render_text_with(t->kb, in->topics[i].answer, dlg__turn_lookup, t, b, t->err);
    }
    for (size_t i = 0; i < in->quick_reply_count; i++)
        dlg__add_quick_reply(t->out, in->quick_replies[i]);
    return st;
}

int dlg__message_is(const dlg_turn *t, const char *list, int leading)
{
    const nlp_text *nt = t->msg;
    if (kb_words_has(t->kb, list, nlp_text_skeleton(nt)))
        return 1;
    return leading && nlp_text_token_count(nt) > 0 && nlp_text_token_count(nt) <= 4 &&
           kb_words_has(t->kb, list, nlp_text_token(nt, 0)->text);
}

/* Bit i: token i starts a phrase of some list (tokens past 63: assumed). */
static unsigned long long first_words(const kb_base *kb, const nlp_text *nt)
{
    unsigned long long m = 0;
    size_t n = nlp_text_token_count(nt);
    for (size_t i = 0; i < n; i++) {
        const nlp_token *tok = nlp_text_token(nt, i);
        if (i >= 64 || kb_words_first(kb, tok->text, tok->len))
            m |= i < 64 ? 1ULL << i : 0;
    }
    return m;
}

int dlg__run_extend(const nlp_text *nt, size_t i, size_t k, char *buf, size_t cap, size_t *len)
{
    const nlp_token *tok = nlp_text_token(nt, k);
    if (*len + tok->len + 2 > cap)
        return 0;
    if (k > i)
        buf[(*len)++] = ' ';
    memcpy(buf + *len, tok->text, tok->len);
    *len += tok->len;
    buf[*len] = '\0';
    return 1;
}

static size_t put_cut(char *buf, size_t cap, size_t n, const char *s, size_t len)
{
    size_t room = cap - 1 - n;
    if (len > room)
        len = room;
    memcpy(buf + n, s, len);
    return n + len;
}

void dlg__list_name(char *buf, size_t cap, const char *a, const char *sep, const char *b,
                    size_t blen)
{
    size_t n = put_cut(buf, cap, 0, a, strlen(a));
    n = put_cut(buf, cap, n, sep, strlen(sep));
    n = put_cut(buf, cap, n, b, strnlen(b, blen));
    buf[n] = '\0';
}

/* grams (may be NULL: no filter): bit j of grams[i] is set when the run of
 * j + 1 tokens from token i (i < 64) is some list's phrase (phrase_runs). */
static int text_has_from(const kb_base *kb, const nlp_text *nt, const char *list,
                         unsigned long long starts, const unsigned char *grams)
{
    size_t n = nlp_text_token_count(nt);
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        if (i < 64 && !(starts & (1ULL << i)))
            continue; /* no phrase of any list starts here */
        size_t len = 0;
        for (size_t k = i; k < n && k < i + KB_PHRASE_MAX_WORDS; k++) {
            if (grams && i < 64 && !(grams[i] >> (k - i)))
                break; /* no longer run from i is any list's phrase: not built */
            if (!dlg__run_extend(nt, i, k, buf, sizeof buf, &len))
                break;
            if (grams && i < 64 && !(grams[i] & (1u << (k - i))))
                continue; /* no list has this run whole */
            if (kb_words_has(kb, list, buf))
                return 1;
        }
    }
    return 0;
}

/* The runs of up to KB_PHRASE_MAX_WORDS tokens that are some list's phrase, as
 * text_has_from's grams: found once a turn, so that each list asked is
 * looked up only for them (a turn asks dozens of lists). */
static void phrase_runs(const kb_base *kb, const nlp_text *nt, unsigned long long starts,
                        unsigned char grams[64], dlg_turn *w)
{
    size_t n = nlp_text_token_count(nt);
    char buf[256];
    memset(grams, 0, 64);
    w->run_count = w->run_text_len = 0;
    w->runs_whole = w->run_text != NULL; /* else text_has_from walks the message */
    for (size_t i = 0; i < n && i < 64; i++) {
        if (!(starts & (1ULL << i)))
            continue;
        size_t len = 0;
        for (size_t k = i; k < n && k < i + KB_PHRASE_MAX_WORDS; k++) {
            if (!dlg__run_extend(nt, i, k, buf, sizeof buf, &len))
                break;
            if (!kb_words_phrase(kb, buf, len))
                continue;
            grams[i] |= (unsigned char)(1u << (k - i));
            if (!w->run_text || w->run_count == DLG_RUNS_MAX ||
                w->run_text_len + len > DLG_RUNS_TEXT) {
                w->runs_whole = 0;
                continue;
            }
            dlg_run *r = &w->runs[w->run_count++];
            r->at = (unsigned)w->run_text_len;
            r->len = (unsigned)len;
            r->hash = kb_words_hash(buf, len);
            memcpy(w->run_text + w->run_text_len, buf, len);
            w->run_text_len += len;
        }
    }
}

/* text_has_from(list) with the turn's grams, from the runs kept: each run
 * is hashed once a turn and the list once an ask. */
static int runs_have(const dlg_turn *t, const char *list)
{
    if (!t->runs_whole || nlp_text_token_count(t->msg) > 64)
        return text_has_from(t->kb, t->msg, list, t->starts, t->grams);
    size_t ll = strlen(list);
    uint64_t lh = kb_words_hash(list, ll);
    for (size_t i = 0; i < t->run_count; i++)
        if (kb_words_has_hashed(t->kb, list, ll, lh, t->run_text + t->runs[i].at, t->runs[i].len,
                                t->runs[i].hash))
            return 1;
    return 0;
}

int dlg__text_has(const kb_base *kb, const nlp_text *nt, const char *list)
{
    return text_has_from(kb, nt, list, first_words(kb, nt), NULL);
}

int dlg__message_agrees(const dlg_turn *t)
{
    /* "tamam yarın yazarım" and "tamam sağolun" close the talk, they do not
     * say yes to it */
    return dlg__message_is(t, "yes", 0) ||
           (dlg__message_is(t, "yes", 1) && !dlg__message_has(t, "not_now") &&
            !dlg__message_has(t, "thanks"));
}

/* The turn asks some lists several times (a follow-up's words, an
 * answer's topics): each answer is kept for the turn, by the list's name.
 * which: 0 words, 1 stems. -1 when not kept yet. */
/* FNV-1a of a list's name: the memo compares names only when it matches. */
static unsigned memo_hash(const char *list)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)list; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* The memo's entry for list, or memo_count when it has none; *slot is where
 * in memo_at the entry is, or would go (open addressing: a turn asks over
 * a hundred lists, and a walk of the memo compared each with every kept
 * one). memo_at never fills: it has more slots than the memo entries. */
_Static_assert(DLG_MEMO_SLOTS > DLG_MEMO_MAX && DLG_MEMO_MAX < 256 &&
                   (DLG_MEMO_SLOTS & (DLG_MEMO_SLOTS - 1)) == 0,
               "memo_at: a power of two, more slots than entries, an index in a byte");

static size_t memo_find(const dlg_turn *t, const char *list, unsigned h, size_t *slot)
{
    for (size_t j = h & (DLG_MEMO_SLOTS - 1);; j = (j + 1) & (DLG_MEMO_SLOTS - 1)) {
        unsigned e = t->memo_at[j];
        if (!e || (t->memo[e - 1].hash == h && strcmp(t->memo[e - 1].list, list) == 0)) {
            *slot = j;
            return e ? e - 1 : t->memo_count;
        }
    }
}

static int memo_get(const dlg_turn *t, const char *list, int which)
{
    size_t slot, i = memo_find(t, list, memo_hash(list), &slot);
    if (i == t->memo_count)
        return -1;
    return which ? t->memo[i].stem : t->memo[i].has;
}

static int memo_put(const dlg_turn *t, const char *list, int which, int yes)
{
    dlg_turn *w = (dlg_turn *)t; /* a cache: the turn's meaning does not change */
    unsigned h = memo_hash(list);
    size_t slot, i = memo_find(w, list, h, &slot);
    if (i == w->memo_count) {
        size_t n = strlen(list);
        if (w->memo_count == DLG_MEMO_MAX || n >= sizeof w->memo[0].list)
            return yes;
        memcpy(w->memo[i].list, list, n + 1); /* names may be built in a caller's buffer */
        w->memo[i].hash = h;
        w->memo[i].has = w->memo[i].stem = -1;
        w->memo_count++;
        w->memo_at[slot] = (unsigned char)w->memo_count;
    }
    if (which)
        w->memo[i].stem = (signed char)yes;
    else
        w->memo[i].has = (signed char)yes;
    return yes;
}

int dlg__message_has(const dlg_turn *t, const char *list)
{
    int m = memo_get(t, list, 0);
    if (m >= 0)
        return m;
    dlg_turn *w = (dlg_turn *)t; /* a cache of the message's first words */
    if (!w->starts_known) {
        w->starts = first_words(t->kb, t->msg);
        phrase_runs(t->kb, t->msg, w->starts, w->grams, w);
        w->starts_known = 1;
    }
    return memo_put(t, list, 0, runs_have(t, list));
}

void dlg__now_iso(const dlg_turn *t, char buf[CLOCK_ISO_LEN])
{
    clock_iso(kb_zone(t->kb), (long long)t->env->now, buf);
}

const char dlg__step_order[] = "order";
const char dlg__step_identity[] = "identity";

const char *dlg__flow_step(const dlg_flow *f, const char *step)
{
    if (!f || !step)
        return NULL;
    if (f->flags & DLG_NEEDS_ORDER) {
        if (strcmp(step, DLG_STEP_ORDER) == 0)
            return DLG_STEP_ORDER;
        if (strcmp(step, DLG_STEP_IDENTITY) == 0)
            return DLG_STEP_IDENTITY;
    }
    for (const char *const *s = f->steps; s && *s; s++)
        if (strcmp(*s, step) == 0)
            return *s;
    return NULL;
}

const char *dlg__param(const dlg_turn *t, const char *name)
{
    int i = t->s->flow_intent;
    if (t->flow != t->s->flow) /* an aside flow: the intent of this turn */
        i = t->intent;
    return i >= 0 ? kb_intent_param(kb_intent_at(t->kb, (size_t)i), name) : NULL;
}

void dlg__wait(dlg_turn *t, const char *step)
{
    t->wait = dlg__flow_step(t->flow, step);
}

void dlg__end(dlg_turn *t)
{
    t->end = 1;
    t->wait = NULL;
}

int dlg__answer_offer(dlg_turn *t, const char *reason)
{
    if (dlg__message_agrees(t)) {
        if (!t->env->closed) /* after hours the offline request says when people are back */
            dlg__say(t, "assistant.connecting");
        dlg__hand_off(t, "normal", reason);
        dlg__end(t);
        return 1;
    }
    if (dlg__message_is(t, "no", 1)) {
        dlg__say(t, "assistant.declined");
        dlg__end(t);
        return 1;
    }
    return 0;
}

void dlg__hand_off(dlg_turn *t, const char *priority, const char *reason)
{
    t->handoff = priority;
    snprintf(t->handoff_why_buf, sizeof t->handoff_why_buf, "%s", reason ? reason : "");
    t->handoff_why = t->handoff_why_buf;
}

void dlg__start(dlg_turn *t, const char *flow)
{
    t->start = flow;
}

void dlg__offline_request(dlg_turn *t, const char *name, const char *contact, const char *order,
                          const char *priority, const char *reason, const char *message)
{
    dlg_reply *r = t->out;
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "name", name);
    ds_json_pair(&w, "contact", contact);
    ds_json_pair(&w, "order", order);
    ds_json_pair(&w, "message", message ? message : "");
    ds_json_pair(&w, "priority", priority);
    ds_json_pair(&w, "reason", reason);
    ds_json_end(&w);
    ds_free(r->offline_request);
    r->offline_request = b.failed ? NULL : ds_buf_take(&b);
    ds_buf_cleanup(&b);
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    r->handoff_priority = strcmp(priority, "urgent") == 0 ? "urgent" : "normal";
    r->handoff_reason = r->reason;
}

void dlg__keep_text(const dlg_turn *t, char *dst, size_t cap)
{
    size_t n = t->text ? strlen(t->text) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)t->text[n] & 0xC0) == 0x80)
            n--; /* cut between two characters */
    }
    memcpy(dst, t->text ? t->text : "", n);
    dst[n] = '\0';
}

size_t dlg__text_words(const dlg_turn *t, const char *text)
{
    nlp_text *nt = nlp_text_new();
    size_t n = 0;
    if (nt && text && nlp_normalise(kb_lexicon(t->kb), text, strlen(text), nt, NULL) == DS_OK)
        n = nlp_text_token_count(nt);
    nlp_text_free(nt);
    return n;
}

/* Calls fn for each stem of each word of nt that some list could hold (the
 * word cut before a suffix chain, "gözlüğü" also as "gözlük"); stops when
 * fn returns 1 and returns 1. */
/* Calls fn with each stem of one token that starts a phrase of the KB's
 * words, until fn returns 1; 1 then. */
static int token_stems(const kb_base *kb, const nlp_token *tok, int (*fn)(void *, const char *),
                       void *ctx)
{
    static const char soft[] = "gbd", hard[] = "kpt";
    const nlp_lexicon *lx = kb_lexicon(kb);
    char stem[64];
    if (tok->kind != NLP_TOK_WORD || tok->len >= sizeof stem)
        return 0;
    for (size_t n = tok->len; n >= 3; n--) {
        if (!nlp_lexicon_is_suffix_chain(lx, tok->text + n, tok->len - n))
            continue;
        memcpy(stem, tok->text, n);
        stem[n] = '\0';
        if (kb_words_first(kb, stem, n) && fn(ctx, stem))
            return 1;
        const char *s = n < tok->len ? strchr(soft, stem[n - 1]) : NULL;
        if (s) { /* "gözlüğü": gözlük before a vowel */
            stem[n - 1] = hard[s - soft];
            if (kb_words_first(kb, stem, n) && fn(ctx, stem))
                return 1;
        }
    }
    return 0;
}

static int each_stem(const kb_base *kb, const nlp_text *nt, int (*fn)(void *, const char *),
                     void *ctx)
{
    for (size_t i = 0; i < nlp_text_token_count(nt); i++)
        if (token_stems(kb, nlp_text_token(nt, i), fn, ctx))
            return 1;
    return 0;
}

typedef struct stem_query {
    const kb_base *kb;
    const char *list;
} stem_query;

static int stem_in_list(void *ctx, const char *stem)
{
    const stem_query *q = ctx;
    return kb_words_has(q->kb, q->list, stem);
}

int dlg__text_has_stem(const kb_base *kb, const nlp_text *nt, const char *list)
{
    stem_query q = {kb, list};
    return each_stem(kb, nt, stem_in_list, &q);
}

int dlg__token_has_stem(const kb_base *kb, const nlp_token *tok, const char *list)
{
    stem_query q = {kb, list};
    return token_stems(kb, tok, stem_in_list, &q);
}

/* The message's stems that start some phrase, gathered once a turn. */
static int keep_stem(void *ctx, const char *stem)
{
    dlg_turn *t = ctx;
    size_t n = strlen(stem);
    if (!kb_words_phrase(t->kb, stem, n))
        return 0; /* no list has it whole: kb_words_has is 0 for every list */
    if (t->stem_count < DLG_STEMS_MAX && n < sizeof t->stems[0]) {
        t->stem_hash[t->stem_count] = kb_words_hash(stem, n);
        t->stem_len[t->stem_count] = (unsigned char)n;
        memcpy(t->stems[t->stem_count++], stem, n + 1);
    }
    return 0;
}
int dlg__message_has_stem(const dlg_turn *t, const char *list)
{
    int m = memo_get(t, list, 1);
    if (m >= 0)
        return m;
    dlg_turn *w = (dlg_turn *)t; /* a cache of the message's stems */
    if (!w->stems_known) {
        each_stem(t->kb, t->msg, keep_stem, w);
        w->stems_known = 1;
    }
    int yes = 0;
    size_t ll = strlen(list);
    uint64_t lh = kb_words_hash(list, ll);
    for (size_t i = 0; i < w->stem_count && !yes; i++)
        yes =
            kb_words_has_hashed(t->kb, list, ll, lh, w->stems[i], w->stem_len[i], w->stem_hash[i]);
    if (w->stem_count == DLG_STEMS_MAX && !yes) /* more than were kept: ask in full */
        yes = dlg__text_has_stem(t->kb, t->msg, list);
    return memo_put(t, list, 1, yes);
}
