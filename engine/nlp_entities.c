/* SPDX-License-Identifier: MIT */
/* Typed entities from normalised tokens: phone numbers (also typed in groups,
 * "0532 123 45 67"), e-mails, tracking numbers, money and order numbers. The
 * dialogue engine fills its slots from these. */
#include "nlp_int.h"

#include <string.h>

const char *nlp_entity_kind_str(nlp_entity_kind k)
{
    static const char *const names[] = {
        [NLP_ENT_ORDER_NO] = "order_no", [NLP_ENT_PHONE] = "phone", [NLP_ENT_EMAIL] = "email",
        [NLP_ENT_TRACKING] = "tracking", [NLP_ENT_MONEY] = "money", [NLP_ENT_NUMBER] = "number",
    };
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static void add_entity(nlp_text *t, nlp_entity_kind kind, const char *value, size_t len,
                       size_t first, size_t count)
{
    if (t->entity_count >= NLP_MAX_TOKENS)
        return;
    size_t i = t->entity_count++;
    t->ents[i].kind = kind;
    t->ents[i].first_token = first;
    t->ents[i].token_count = count;
    t->ent_off[i] = t->entbuf.len;
    ds_buf_append(&t->entbuf, value, len);
    ds_buf_append(&t->entbuf, "", 1);
}

static int plain_digits(const nlp_token *tok)
{
    if (tok->kind != NLP_TOK_NUMBER)
        return 0;
    for (size_t i = 0; i < tok->len; i++)
        if (tok->text[i] < '0' || tok->text[i] > '9')
            return 0;
    return 1;
}

/* Canonical 10-digit Turkish phone number of d[0..n), or 0. */
static int phone_digits(const char *d, size_t n, char out[11])
{
    if (n == 12 && d[0] == '9' && d[1] == '0') {
        d += 2;
        n -= 2;
    } else if (n == 11 && d[0] == '0') {
        d += 1;
        n -= 1;
    }
    if (n != 10 || d[0] < '2' || d[0] > '5')
        return 0;
    memcpy(out, d, 10);
    out[10] = '\0';
    return 1;
}

/* Tries tokens i.. as one phone number typed in up to 5 groups; returns the
 * number of tokens used, 0 if none. */
static size_t match_phone(nlp_text *t, size_t i)
{
    char digits[32];
    size_t n = 0, best = 0;
    char canon[11], best_canon[11];
    for (size_t j = i; j < t->token_count && j < i + 5; j++) {
        const nlp_token *tok = &t->toks[j];
        if (!plain_digits(tok) || n + tok->len >= sizeof digits)
            break;
        memcpy(digits + n, tok->text, tok->len);
        n += tok->len;
        if (phone_digits(digits, n, canon)) {
            best = j - i + 1;
            memcpy(best_canon, canon, sizeof canon);
        }
    }
    if (best)
        add_entity(t, NLP_ENT_PHONE, best_canon, 10, i, best);
    return best;
}

/* "tl", "lira" and their inflections ("liralık", "liraya", "tl'lik"). */
static int is_currency_word(const nlp_token *tok)
{
    static const char *const words[] = {"tl", "lira", "try", "dolar", "euro", "kurus"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (tok->len >= n && memcmp(tok->text, words[i], n) == 0 &&
            (tok->len == n || n >= 4 || tok->text[n] == '\''))
            return 1;
    }
    return 0;
}

/* "1.250,90" / "749,90" / "749.90" / "1250" -> "1250.90" / "749.90" / "1250". */
static size_t money_value(const nlp_token *tok, char *out, size_t cap)
{
    const char *s = tok->text;
    size_t len = tok->len, dec = len;
    /* the last separator is a decimal point when 1-2 digits follow it */
    for (size_t i = len; i-- > 0;) {
        if (s[i] == '.' || s[i] == ',') {
            if (len - i - 1 <= 2)
                dec = i;
            break;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < len && n + 2 < cap; i++) {
        if (i == dec)
            out[n++] = '.';
        else if (s[i] >= '0' && s[i] <= '9')
            out[n++] = s[i];
    }
    out[n] = '\0';
    return n;
}

static int has_decimals(const nlp_token *tok)
{
    for (size_t i = tok->len; i-- > 0;)
        if (tok->text[i] == ',' || tok->text[i] == '.')
            return tok->len - i - 1 <= 2;
    return 0;
}

static void number_entity(nlp_text *t, size_t i)
{
    const nlp_token *tok = &t->toks[i];
    char buf[64];
    int currency = i + 1 < t->token_count && is_currency_word(&t->toks[i + 1]);
    if (currency || has_decimals(tok)) {
        size_t n = money_value(tok, buf, sizeof buf);
        add_entity(t, NLP_ENT_MONEY, buf, n, i, currency ? 2 : 1);
        return;
    }
    if (!plain_digits(tok)) {
        size_t n = money_value(tok, buf, sizeof buf); /* "1.250": a grouped number */
        add_entity(t, NLP_ENT_NUMBER, buf, n, i, 1);
        return;
    }
    /* Order numbers are 5-10 digits; longer digit runs are carriers' codes. */
    if (tok->len >= 5 && tok->len <= 10)
        add_entity(t, NLP_ENT_ORDER_NO, tok->text, tok->len, i, 1);
    else if (tok->len > 10 && tok->len <= 24)
        add_entity(t, NLP_ENT_TRACKING, tok->text, tok->len, i, 1);
    else
        add_entity(t, NLP_ENT_NUMBER, tok->text, tok->len, i, 1);
}

static void alnum_entity(nlp_text *t, size_t i)
{
    const nlp_token *tok = &t->toks[i];
    size_t digits = 0;
    for (size_t k = 0; k < tok->len; k++)
        digits += tok->text[k] >= '0' && tok->text[k] <= '9';
    if (tok->len < 8 || tok->len > 30 || digits < 5)
        return;
    char buf[32];
    for (size_t k = 0; k < tok->len; k++) {
        char c = tok->text[k];
        buf[k] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    add_entity(t, NLP_ENT_TRACKING, buf, tok->len, i, 1);
}

void nlp__find_entities(nlp_text *t)
{
    for (size_t i = 0; i < t->token_count;) {
        const nlp_token *tok = &t->toks[i];
        size_t used = 1;
        switch (tok->kind) {
        case NLP_TOK_EMAIL: add_entity(t, NLP_ENT_EMAIL, tok->text, tok->len, i, 1); break;
        case NLP_TOK_NUMBER:
            used = match_phone(t, i);
            if (!used) {
                used = 1;
                number_entity(t, i);
            }
            break;
        case NLP_TOK_ALNUM: alnum_entity(t, i); break;
        case NLP_TOK_WORD: break;
        }
        i += used;
    }
    ds_buf_append(&t->entbuf, "", 0);
    if (t->entbuf.failed)
        return;
    for (size_t i = 0; i < t->entity_count; i++)
        t->ents[i].value = t->entbuf.data + t->ent_off[i];
}
