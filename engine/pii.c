/* SPDX-License-Identifier: MIT */
/* Finding and masking card numbers, CVVs, TCKNs and IBANs in chat text: a
 * scan for runs of digits (groups joined by single spaces, dashes or dots),
 * then the checks each kind of number must pass. */
#include "pii.h"

#include <string.h>
#include <strings.h>

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

/* A maximal run of digits, and whether one separator (space, dash, dot)
 * joins it to the one before. */
typedef struct group {
    size_t start, end;
    int joined;
} group;

/* Groups as cards are printed: fours with a shorter last one, or 4-6-5 and
 * 4-6-4 (American Express, Diners); or one group. */
static int card_groups(const group *g, size_t n)
{
    size_t len[3];
    for (size_t i = 0; i < n && i < 3; i++)
        len[i] = g[i].end - g[i].start;
    if (n == 1)
        return 1;
    if (n == 3 && len[0] == 4 && len[1] == 6 && (len[2] == 5 || len[2] == 4))
        return 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (g[i].end - g[i].start != 4)
            return 0;
    return g[n - 1].end - g[n - 1].start <= 4;
}

/* "TR" (or "tr") just before at, with at most one space between. */
static int after_tr(const char *t, size_t at)
{
    size_t i = at;
    if (i > 0 && t[i - 1] == ' ')
        i--;
    return i >= 2 && strncasecmp(t + i - 2, "tr", 2) == 0 && (i == 2 || !is_alnum(t[i - 3]));
}

/* The digits of groups g[0..n) into out (up to cap - 1); their count. */
static size_t digits_of(const char *t, const group *g, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t p = g[i].start; p < g[i].end && k + 1 < cap; p++)
            out[k++] = t[p];
    out[k] = '\0';
    return k;
}

/* Marks the digits of groups g[0..n) but the last keep. */
static void mark(char *mask, const char *t, const group *g, size_t n, int keep)
{
    size_t total = 0, seen = 0;
    for (size_t i = 0; i < n; i++)
        total += g[i].end - g[i].start;
    for (size_t i = 0; i < n; i++)
        for (size_t p = g[i].start; p < g[i].end; p++, seen++)
            if (seen + (size_t)keep < total && is_digit(t[p]))
                mask[p] = 1;
}

/* One of words within 32 bytes before at, or after end: the shopper says
 * what the number is ("kart numaram …", "… son kullanma 08/28", "tc …"). */
static int named_near(const char *t, size_t len, size_t at, size_t end, const char *const *words)
{
    size_t from = at > 32 ? at - 32 : 0, to = end + 32 < len ? end + 32 : len;
    for (const char *const *w = words; *w; w++) {
        size_t wl = strlen(*w);
        for (size_t i = from; i + wl <= to; i++)
            if ((i + wl <= at || i >= end) && strncasecmp(t + i, *w, wl) == 0 &&
                (i == 0 || !is_alnum(t[i - 1])))
                return 1;
    }
    return 0;
}

static int card_named(const char *t, size_t len, size_t at, size_t end)
{
    static const char *const words[] = {"kart", "son kullanma", "skt", "cvv", "cvc", NULL};
    return named_near(t, len, at, end, words);
}

static int tckn_named(const char *t, size_t len, size_t at, size_t end)
{
    static const char *const words[] = {"tc", "t.c", "tckn", "kimlik", NULL};
    return named_near(t, len, at, end, words);
}

/* From each group on: an IBAN after "TR", else the longest card its joined
 * groups make ("4111 1111 1111 1111 12/27": the card, not the expiry), else
 * a TCKN. A number inside a word or code ("A10000000146") is none. */
static unsigned check_groups(const char *t, size_t len, const group *g, size_t n, char *mask,
                             int keep)
{
    unsigned found = 0;
    char d[32];
    for (size_t i = 0; i < n;) {
        size_t used = 1;
        int starts = g[i].joined || g[i].start == 0 || !is_alnum(t[g[i].start - 1]) ||
                     after_tr(t, g[i].start);
        size_t k = i, digits = 0, card = 0;
        while (starts && k < n && (k == i || g[k].joined) && digits <= 24) {
            digits += g[k].end - g[k].start;
            k++;
            int ends = g[k - 1].end == len || !is_alnum(t[g[k - 1].end]);
            /* "TR" and 24 digits are an IBAN even mistyped: nothing else
             * has that shape */
            if (digits == 24 && ends && after_tr(t, g[i].start) &&
                digits_of(t, g + i, k - i, d, sizeof d) == 24) {
                mark(mask, t, g + i, k - i, keep);
                found |= PII_IBAN;
                card = 0;
                used = k - i;
                break;
            }
            if (digits >= 13 && digits <= 19 && ends && card_groups(g + i, k - i)) {
                digits_of(t, g + i, k - i, d, sizeof d);
                /* a card named so is one even mistyped ("kart numaram ...") */
                if (pii_luhn(d, digits) ||
                    (digits == 16 && card_named(t, len, g[i].start, g[k - 1].end)))
                    card = k - i;
            }
        }
        if (card) {
            mark(mask, t, g + i, card, keep);
            found |= PII_CARD;
            used = card;
        } else if (starts && g[i].end - g[i].start >= 10 && g[i].end - g[i].start <= 12 &&
                   (g[i].end == len || !is_alnum(t[g[i].end]))) {
            size_t w = g[i].end - g[i].start;
            digits_of(t, g + i, 1, d, sizeof d);
            /* named so ("tc 12345678901"), even with a wrong check digit or
             * a digit missed or doubled ("annemin tc si 3245678901") */
            if ((w == 11 && pii_tckn(d, 11)) ||
                (d[0] != '0' && tckn_named(t, len, g[i].start, g[i].end))) {
                mark(mask, t, g + i, 1, keep);
                found |= PII_TCKN;
            }
        }
        i += used;
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
            /* a masked number (X) before the digits is the CVV already
             * hidden: what follows is something else */
            while (j < stop && !is_digit(t[j]) && t[j] != 'X')
                j++;
            if (j < stop && t[j] == 'X')
                break;
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
    char small_mask[512];
    group small_groups[128];
    size_t max_groups = len / 2 + 1;
    char *mask = len <= sizeof small_mask ? small_mask : ds_calloc(len, 1);
    group *g = max_groups <= 128 ? small_groups : ds_calloc(max_groups, sizeof *g);
    if (!mask || !g) { /* no memory for the marks: drop every digit rather than keep one */
        for (size_t i = 0; i < len; i++)
            ds_buf_append(out, is_digit(text[i]) ? "X" : text + i, 1);
        found = PII_CARD;
        goto out;
    }
    memset(mask, 0, len);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if (!is_digit(text[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && is_digit(text[i]))
            i++;
        int joined = n > 0 && start == g[n - 1].end + 1 &&
                     (text[start - 1] == ' ' || text[start - 1] == '-' || text[start - 1] == '.');
        g[n++] = (group){start, i, joined};
    }
    found = check_groups(text, len, g, n, mask, keep);
    /* a CVV named is one, card or not: the card may be in another message
     * (looked for only when some run of 3-4 digits could be one) */
    int short_run = 0;
    for (size_t i = 0; i < n && !short_run; i++)
        short_run = g[i].end - g[i].start == 3 || g[i].end - g[i].start == 4;
    if (short_run)
        found |= mask_cvv(text, len, mask);
    for (size_t i = 0; i < len; i++)
        ds_buf_append(out, mask[i] ? "X" : text + i, 1);
out:
    if (mask && mask != small_mask)
        ds_free(mask);
    if (g && g != small_groups)
        ds_free(g);
    return found;
}
