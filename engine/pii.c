/* SPDX-License-Identifier: MIT */
/* Finding and masking card numbers, CVVs, TCKNs and IBANs in chat text: a
 * scan for runs of digits (groups joined by single spaces, dashes or dots),
 * then the checks each kind of number must pass. */
#include "pii.h"

#include <string.h>
#include <strings.h>

/* The longest run of digits and separators looked at as one number. */
#define RUN_MAX 48
#define GROUPS_MAX 12

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (unsigned char)c >= 0x80;
}

int pii_luhn(const char *d, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i % 2) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return n > 0 && sum % 10 == 0;
}

int pii_tckn(const char *d, size_t n)
{
    if (n != 11 || d[0] == '0')
        return 0;
    int odd = 0, even = 0, all = 0;
    for (int i = 0; i < 9; i++) {
        if (i % 2)
            even += d[i] - '0';
        else
            odd += d[i] - '0';
    }
    for (int i = 0; i < 10; i++)
        all += d[i] - '0';
    int d10 = ((odd * 7 - even) % 10 + 10) % 10;
    return d10 == d[9] - '0' && all % 10 == d[10] - '0';
}

int pii_iban_tr(const char *d, size_t n)
{
    if (n != 24)
        return 0;
    /* the check digits and the country go to the end: BBAN, "TR" = 29 27, kk */
    unsigned rem = 0;
    for (size_t i = 2; i < 24; i++)
        rem = (rem * 10 + (unsigned)(d[i] - '0')) % 97;
    static const char tr[] = "2927";
    for (size_t i = 0; i < 4; i++)
        rem = (rem * 10 + (unsigned)(tr[i] - '0')) % 97;
    rem = (rem * 10 + (unsigned)(d[0] - '0')) % 97;
    rem = (rem * 10 + (unsigned)(d[1] - '0')) % 97;
    return rem == 1;
}

/* A run of digit groups: where each digit is, how long each group is. */
typedef struct run {
    size_t pos[RUN_MAX]; /* byte offset of each digit */
    char digits[RUN_MAX + 1];
    size_t n;
    size_t group[GROUPS_MAX]; /* digits per group */
    size_t groups;
    size_t end; /* byte offset after the run */
} run;

static void read_run(const char *t, size_t len, size_t at, run *r)
{
    memset(r, 0, sizeof *r);
    size_t i = at;
    while (i < len && r->n < RUN_MAX && r->groups < GROUPS_MAX) {
        size_t g = 0;
        while (i < len && is_digit(t[i]) && r->n < RUN_MAX) {
            r->pos[r->n] = i;
            r->digits[r->n++] = t[i++];
            g++;
        }
        r->group[r->groups++] = g;
        r->end = i;
        /* one separator, then digits again */
        if (i + 1 < len && (t[i] == ' ' || t[i] == '-' || t[i] == '.') && is_digit(t[i + 1]))
            i++;
        else
            break;
    }
    r->digits[r->n] = '\0';
}

/* Groups as cards are printed: fours with a shorter last one, or 4-6-5 and
 * 4-6-4 (American Express, Diners). */
static int card_groups(const size_t *g, size_t n)
{
    if (n == 1)
        return 1;
    if (n == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4))
        return 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (g[i] != 4)
            return 0;
    return g[n - 1] >= 1 && g[n - 1] <= 4;
}

static void mark(char *mask, const run *r, size_t from, size_t count, int keep)
{
    for (size_t k = 0; k + (size_t)keep < count; k++)
        mask[r->pos[from + k]] = 1;
}

/* "TR" (or "tr") just before at, with at most one space between. */
static int after_tr(const char *t, size_t at)
{
    size_t i = at;
    if (i > 0 && t[i - 1] == ' ')
        i--;
    return i >= 2 && strncasecmp(t + i - 2, "tr", 2) == 0 && (i == 2 || !is_alnum(t[i - 3]));
}

/* Checks one run; marks what is to be masked. Returns the PII_* bits. */
static unsigned check_run(const char *t, size_t at, const run *r, char *mask, int keep)
{
    if (after_tr(t, at) && pii_iban_tr(r->digits, r->n)) {
        mark(mask, r, 0, r->n, keep);
        return PII_IBAN;
    }
    /* the card, or the card and what follows it ("... 1111 12/27") */
    size_t digits = r->n;
    for (size_t k = r->groups; k >= 1; digits -= r->group[--k]) {
        if (digits >= 13 && digits <= 19 && card_groups(r->group, k) &&
            pii_luhn(r->digits, digits)) {
            mark(mask, r, 0, digits, keep);
            return PII_CARD;
        }
        if (k == 1)
            break;
    }
    /* one group at a time: "1048213 4543123456789012" is an order and a card */
    unsigned found = 0;
    size_t from = 0;
    for (size_t g = 0; g < r->groups; from += r->group[g++]) {
        const char *d = r->digits + from;
        size_t n = r->group[g];
        if (n == 11 && pii_tckn(d, n)) {
            mark(mask, r, from, n, keep);
            found |= PII_TCKN;
        } else if (n >= 13 && n <= 19 && pii_luhn(d, n)) {
            mark(mask, r, from, n, keep);
            found |= PII_CARD;
        }
    }
    return found;
}

/* The CVV: 3 or 4 digits named so ("cvv 123", "güvenlik kodu: 123"). */
static unsigned mask_cvv(const char *t, size_t len, char *mask)
{
    static const char *const names[] = {"cvv2", "cvv",           "cvc",
                                        "cv2",  "güvenlik kodu", "guvenlik kodu"};
    unsigned found = 0;
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
            size_t nl = strlen(names[k]);
            if (i + nl > len || strncasecmp(t + i, names[k], nl) != 0 ||
                (i > 0 && is_alnum(t[i - 1])))
                continue;
            size_t j = i + nl, stop = j + 12 < len ? j + 12 : len;
            while (j < stop && !is_digit(t[j]))
                j++;
            size_t d = j;
            while (d < len && is_digit(t[d]))
                d++;
            if (j < stop && (d - j == 3 || d - j == 4) && (d == len || !is_alnum(t[d]))) {
                memset(mask + j, 1, d - j);
                found = PII_CVV;
            }
            break;
        }
    }
    return found;
}

unsigned pii_mask(const char *text, size_t len, int keep, ds_buf *out)
{
    unsigned found = 0;
    char small[512];
    char *mask = len <= sizeof small ? small : ds_calloc(len, 1);
    if (!mask) { /* no memory for the marks: drop every digit rather than keep one */
        for (size_t i = 0; i < len; i++)
            ds_buf_append(out, is_digit(text[i]) ? "X" : text + i, 1);
        return PII_CARD;
    }
    memset(mask, 0, len);
    for (size_t i = 0; i < len;) {
        if (!is_digit(text[i]) ||
            (i > 0 && is_alnum(text[i - 1]) && !(i >= 2 && after_tr(text, i)))) {
            i++;
            continue;
        }
        run r;
        read_run(text, len, i, &r);
        if (r.end >= len || !is_alnum(text[r.end]))
            found |= check_run(text, i, &r, mask, keep);
        i = r.end > i ? r.end : i + 1;
    }
    if (found & PII_CARD)
        found |= mask_cvv(text, len, mask);
    for (size_t i = 0; i < len; i++)
        ds_buf_append(out, mask[i] ? "X" : text + i, 1);
    if (mask != small)
        ds_free(mask);
    return found;
}
