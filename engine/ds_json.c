/* SPDX-License-Identifier: MIT */
#include "ds_json.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

enum { LEVEL_EMPTY = 1, LEVEL_ARRAY = 2 };

void ds_json_init(ds_json *w, ds_buf *out)
{
    w->out = out;
    w->depth = 0;
    w->after_key = 0;
    w->level[0] = LEVEL_EMPTY;
}

/* A value or a key is about to be written: a comma unless it is the first
 * at its level or the value of a key. */
static void separate(ds_json *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (!(w->level[w->depth] & LEVEL_EMPTY))
        ds_buf_put(w->out, ",", 1);
    w->level[w->depth] &= (unsigned char)~LEVEL_EMPTY;
}

static void open_level(ds_json *w, int array)
{
    separate(w);
    ds_buf_put(w->out, array ? "[" : "{", 1);
    assert(w->depth + 1 < DS_JSON_DEPTH);
    w->level[++w->depth] = (unsigned char)(LEVEL_EMPTY | (array ? LEVEL_ARRAY : 0));
}

void ds_json_object(ds_json *w)
{
    open_level(w, 0);
}

void ds_json_array(ds_json *w)
{
    open_level(w, 1);
}

void ds_json_end(ds_json *w)
{
    assert(w->depth > 0 && !w->after_key);
    ds_buf_put(w->out, w->level[w->depth] & LEVEL_ARRAY ? "]" : "}", 1);
    w->depth--;
}

/* The escape of byte c (a quote, a backslash, a control byte, or a stray
 * byte of no UTF-8 sequence: U+FFFD) into e[0..6); returns its length. */
static size_t escape_byte(unsigned char c, char *e)
{
    static const char hex[] = "0123456789abcdef";
    e[0] = '\\';
    switch (c) {
    case '"': e[1] = '"'; return 2;
    case '\\': e[1] = '\\'; return 2;
    case '\b': e[1] = 'b'; return 2;
    case '\f': e[1] = 'f'; return 2;
    case '\n': e[1] = 'n'; return 2;
    case '\r': e[1] = 'r'; return 2;
    case '\t': e[1] = 't'; return 2;
    default:
        if (c < 0x20) {
            memcpy(e + 1, "u00", 3);
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            return 6;
        }
        memcpy(e, "\xef\xbf\xbd", 3); /* U+FFFD for a stray byte */
        return 3;
    }
}

/* escape() for text known to be valid UTF-8: only quotes, backslashes and
 * control bytes need a look, so letters past ASCII (Turkish ones) pass
 * eight bytes at a time too. */
static void escape_utf8(ds_buf *out, const unsigned char *s, size_t len)
{
    size_t run = 0, i = 0;
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    while (i < len) {
        while (i + 8 <= len) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
            /* a byte below 0x20, a quote or a backslash (bytes of 0x80 and
             * above never set these bits) */
            if ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        ds_buf_put(out, (const char *)s + run, i - run);
        char e[6];
        ds_buf_put(out, e, escape_byte(c, e));
        run = ++i;
    }
    ds_buf_put(out, (const char *)s + run, len - run);
}

static void escape(ds_buf *out, const unsigned char *s, size_t len)
{
    size_t run = 0; /* start of the bytes not yet copied */
    size_t i = 0;
    while (i < len) {
        /* eight bytes at a time while none needs a look: not a control
         * byte, not past ASCII, not a quote or a backslash */
        while (i + 8 <= len) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
            uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
            uint64_t special =
                (x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high;
            if (special)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
            i += 2; /* two bytes, all of Turkish: valid as they stand */
            continue;
        }
        if (c >= 0x80) {
            /* utf8proc refuses overlong forms, surrogates and > U+10FFFF */
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
            if (k > 0) {
                i += (size_t)k;
                continue;
            }
        }
        ds_buf_put(out, (const char *)s + run, i - run);
        char e[6];
        ds_buf_put(out, e, escape_byte(c, e));
        run = ++i;
    }
    ds_buf_put(out, (const char *)s + run, len - run);
}

void ds_json_key(ds_json *w, const char *key)
{
    separate(w);
    ds_buf_put(w->out, "\"", 1);
    escape(w->out, (const unsigned char *)key, strlen(key));
    ds_buf_put(w->out, "\":", 2);
    w->after_key = 1;
}

void ds_json_put_string(ds_buf *out, const char *s, size_t len)
{
    ds_buf_put(out, "\"", 1);
    escape(out, (const unsigned char *)s, len);
    ds_buf_put(out, "\"", 1);
}

void ds_json_put_utf8(ds_buf *out, const char *s, size_t len)
{
    ds_buf_put(out, "\"", 1);
    escape_utf8(out, (const unsigned char *)s, len);
    ds_buf_put(out, "\"", 1);
}

void ds_json_stringn(ds_json *w, const char *s, size_t len)
{
    separate(w);
    ds_json_put_string(w->out, s, len);
}

void ds_json_string(ds_json *w, const char *s)
{
    ds_json_stringn(w, s, strlen(s));
}

void ds_json_pair(ds_json *w, const char *key, const char *value)
{
    ds_json_key(w, key);
    ds_json_string(w, value);
}

void ds_json_int(ds_json *w, long long v)
{
    separate(w);
    char b[24]; /* "%lld" by hand */
    size_t n = sizeof b;
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        b[--n] = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    if (v < 0)
        b[--n] = '-';
    ds_buf_put(w->out, b + n, sizeof b - n);
}

void ds_json_real(ds_json *w, double v)
{
    ds_json_real_digits(w, v, 4);
}

/* A value that is the double nearest a number of thousandths k, with at
 * most `digits` digits in k, as "%.*g" writes it: k/1000 itself, trailing
 * zeros dropped (nothing printf rounds: the double is within half a unit in
 * its 16th digit of k/1000). Scores and confidences are such values (the
 * callers round them to 3 decimals), and printf's exact conversion was most
 * of classify's writing time. Returns 0 for any other value. */
static int write_thousandths(ds_buf *out, double v, int digits)
{
    static const long long limit[] = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000LL};
    if (digits < 1 || digits > 10 || !(fabs(v) < 1e9) || (v == 0 && signbit(v)))
        return 0;
    double t = v * 1000.0;
    long long k = (long long)(t < 0 ? t - 0.5 : t + 0.5);
    if ((double)k / 1000.0 != v || k >= limit[digits] || -k >= limit[digits])
        return 0;
    char b[32];
    size_t n = 0;
    unsigned long long a = (unsigned long long)(k < 0 ? -k : k);
    unsigned long long whole = a / 1000;
    unsigned frac = (unsigned)(a % 1000);
    if (k < 0)
        b[n++] = '-';
    char rev[24];
    size_t r = 0;
    do {
        rev[r++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (r)
        b[n++] = rev[--r];
    b[n++] = '.';
    if (!frac) {
        b[n++] = '0'; /* jansson's ".0" for a whole number */
    } else {
        b[n++] = (char)('0' + frac / 100);
        if (frac % 100) {
            b[n++] = (char)('0' + frac / 10 % 10);
            if (frac % 10)
                b[n++] = (char)('0' + frac % 10);
        }
    }
    ds_buf_put(out, b, n);
    return 1;
}

void ds_json_put_milli(ds_buf *out, long long k, int digits)
{
    static const long long limit[] = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000LL};
    if (k < 0 || digits < 1 || digits > 10 || k >= limit[digits]) {
        ds_json_put_real(out, (double)k / 1000.0, digits);
        return;
    }
    /* write_thousandths' digits, without its checks: k/1000.0 is the double
     * nearest k thousandths, and k is in range (the whole part has at most
     * 7 digits) */
    char b[16] = {0};
    size_t n = 0;
    unsigned long long whole = (unsigned long long)k / 1000;
    unsigned frac = (unsigned)((unsigned long long)k % 1000);
    if (whole < 10) { /* scores and confidences */
        b[n++] = (char)('0' + whole);
    } else {
        char rev[12];
        size_t r = 0;
        do {
            rev[r++] = (char)('0' + whole % 10);
            whole /= 10;
        } while (whole);
        while (r)
            b[n++] = rev[--r];
    }
    /* all three decimals, then the length without their trailing zeros
     * (one at least: jansson's "1.0") */
    unsigned d1 = frac / 100, d2 = frac / 10 % 10, d3 = frac % 10;
    b[n] = '.';
    b[n + 1] = (char)('0' + d1);
    b[n + 2] = (char)('0' + d2);
    b[n + 3] = (char)('0' + d3);
    n += d3 ? 4 : d2 ? 3 : 2;
    if (!out->failed && out->len + sizeof b + 1 <= out->cap) { /* one fixed-size copy */
        memcpy(out->data + out->len, b, sizeof b);
        out->len += n;
        out->data[out->len] = '\0';
    } else {
        ds_buf_put(out, b, n);
    }
}

void ds_json_real_digits(ds_json *w, double v, int digits)
{
    separate(w);
    ds_json_put_real(w->out, v, digits);
}

/* "%.*g" of v (digits significant digits) into b[0..32), without printf,
 * when v is written in fixed notation (1e-4 <= |v| < 10^digits after
 * rounding) with 1..6 digits and the rounding is not a near tie; returns
 * its length, or 0 for printf to do it. Confidences and scores as the
 * matcher gives them (not rounded to thousandths) are such values, one or
 * more on every reply. The long double product is within 1e-12 of the
 * exact v * 10^k, so a fraction further than 1e-9 from a half rounds as
 * printf's exact conversion does. */
static size_t fixed_g(char *b, double v, int digits)
{
    static const long double p10[] = {1e-10L, 1e-9L, 1e-8L, 1e-7L, 1e-6L, 1e-5L, 1e-4L,
                                      1e-3L,  1e-2L, 1e-1L, 1e0L,  1e1L,  1e2L,  1e3L,
                                      1e4L,   1e5L,  1e6L,  1e7L,  1e8L,  1e9L,  1e10L};
#define P10(e) p10[(e) + 10]
    static const unsigned long whole[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (digits < 1 || digits > 6)
        return 0;
    long double a = fabsl((long double)v);
    if (!(a >= 1e-4L && a < P10(digits)))
        return 0;
    int x = -4; /* 10^x <= a < 10^(x+1) */
    while (a >= P10(x + 1))
        x++;
    if (a < P10(x) * (1 + 1e-15L) || a > P10(x + 1) * (1 - 1e-15L))
        return 0; /* too near a power of ten to be sure of x */
    long double s = a * P10(digits - 1 - x), fl = floorl(s), fr = s - fl;
    if (fabsl(fr - 0.5L) < 1e-9L)
        return 0;
    unsigned long m = (unsigned long)fl + (fr > 0.5L);
    if (m >= whole[digits]) { /* 9.9996 to 4 digits: 10.00 */
        m /= 10;
        x++;
        if (x >= digits)
            return 0; /* printf's exponent form */
    }
    char d[8];
    for (int i = digits - 1; i >= 0; i--, m /= 10)
        d[i] = (char)('0' + m % 10);
    size_t n = 0;
    if (v < 0)
        b[n++] = '-';
    int i = 0;
    if (x >= 0) {
        for (; i <= x; i++)
            b[n++] = d[i];
    } else {
        b[n++] = '0';
    }
    int last = digits; /* the fraction without its trailing zeros (no '#') */
    while (last > i && d[last - 1] == '0')
        last--;
    if (last > i || x < 0) {
        b[n++] = '.';
        for (int z = -1; z > x; z--)
            b[n++] = '0';
        for (; i < last; i++)
            b[n++] = d[i];
    }
    b[n] = '\0';
    return n;
#undef P10
}

void ds_json_put_real(ds_buf *out, double v, int digits)
{
    if (!isfinite(v)) {
        ds_buf_put(out, "null", 4);
        return;
    }
    if (write_thousandths(out, v, digits))
        return;
    char b[40];
    int n = (int)fixed_g(b, v, digits);
    if (!n)
        n = snprintf(b, sizeof b, "%.*g", digits, v);
    char *e = strchr(b, 'e');
    if (e) {
        /* jansson's exponent: no plus sign, no leading zeros (1e-7, 1e21) */
        char *to = e + 1, *from = e + 1;
        if (*from == '-')
            *to++ = *from++;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
        n = (int)strlen(b);
    }
    ds_buf_put(out, b, (size_t)n);
    if (!strpbrk(b, ".e"))
        ds_buf_put(out, ".0", 2);
}

void ds_json_bool(ds_json *w, int v)
{
    separate(w);
    ds_buf_put(w->out, v ? "true" : "false", v ? 4 : 5);
}
