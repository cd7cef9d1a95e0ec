/* SPDX-License-Identifier: MIT */
/* The hot-path JSON writer: what it writes parses back with jansson to the
 * same values, for every byte string (stray bytes become U+FFFD), its reals
 * are written as jansson writes them, and commas and brackets nest. */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "ds_json.h"

/* What the writer should keep of s: s itself where it is UTF-8, U+FFFD for
 * each byte that does not start a valid sequence (jansson decides). */
static void expected_text(const unsigned char *s, size_t len, ds_buf *out)
{
    size_t i = 0;
    while (i < len) {
        size_t k = 0;
        for (size_t n = 1; n <= 4 && i + n <= len && !k; n++) {
            json_t *j = json_stringn((const char *)s + i, n);
            if (j)
                k = n;
            json_decref(j);
        }
        if (k) {
            ds_buf_append(out, (const char *)s + i, k);
            i += k;
        } else {
            ds_buf_append(out, "\xef\xbf\xbd", 3);
            i++;
        }
    }
    ds_buf_append(out, "", 0);
}

static void check_round_trip(const unsigned char *s, size_t len)
{
    ds_buf b, want;
    ds_buf_init(&b);
    ds_buf_init(&want);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_key(&w, "t");
    ds_json_stringn(&w, (const char *)s, len);
    ds_json_end(&w);
    expected_text(s, len, &want);
    json_error_t err;
    json_t *o = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &err);
    json_t *t = json_object_get(o, "t");
    CHECK_MSG(o != NULL, "%s in %s\n", err.text, b.data);
    CHECK(json_is_string(t));
    CHECK(t && json_string_length(t) == want.len &&
          memcmp(json_string_value(t), want.data, want.len) == 0);
    json_decref(o);
    ds_buf_cleanup(&b);
    ds_buf_cleanup(&want);
}

static void test_strings(void)
{
    static const char *cases[] = {
        "",
        "siparişim nerede?",
        "İADE ıĞÜŞÖÇ",
        "quote \" backslash \\ slash / tab \t newline \n cr \r",
        "\x01\x02\x1f\x7f",
        "emoji 😀 and U+2028 \xe2\x80\xa8",
        "stray \xff byte",
        "cut \xc5",
        "overlong \xc0\xaf and \xe0\x80\xaf",
        "surrogate \xed\xa0\x80",
        "too high \xf4\x90\x80\x80",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_CONTEXT(cases[i]);
        check_round_trip((const unsigned char *)cases[i], strlen(cases[i]));
    }
    CHECK_CONTEXT("NUL inside");
    check_round_trip((const unsigned char *)"a\0b", 3);
    CHECK_CONTEXT("");

    /* random byte strings, biased towards UTF-8 lead and continuation bytes */
    uint32_t seed = 12345;
    unsigned char s[64];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 40);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            s[i] = (unsigned char)(r % 3 == 0 ? 0x80 + r % 0x40 : r % 3 == 1 ? 0xc0 + r % 0x38 : r);
        }
        check_round_trip(s, len);
    }
}

/* ds_json_put_utf8 writes what ds_json_put_string writes, for valid UTF-8. */
static void check_utf8_same(const char *s, size_t len)
{
    ds_buf a, b;
    ds_buf_init(&a);
    ds_buf_init(&b);
    ds_json_put_string(&a, s, len);
    ds_json_put_utf8(&b, s, len);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    ds_buf_cleanup(&a);
    ds_buf_cleanup(&b);
}

static void test_utf8_strings(void)
{
    static const char *const parts[] = {"a",    "siparis ", "ş",  "İ",       "\xe2\x82\xba",
                                        "😀",    "\"",       "\\", "\t",      "\x01",
                                        "\x1f", "\x7f",     " ",  "abcdefgh"};
    static const size_t nparts = sizeof parts / sizeof parts[0];
    uint32_t seed = 16;
    char s[512];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0, n = (size_t)(round % 30);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % nparts];
            memcpy(s + len, p, strlen(p));
            len += strlen(p);
        }
        if (round % 7 == 0 && len < sizeof s) /* a NUL inside */
            s[len++] = '\0';
        CHECK_CONTEXT("random valid UTF-8");
        check_utf8_same(s, len);
    }
    CHECK_CONTEXT("");
}

/* ds_json_put_milli(k) writes what ds_json_put_real(k / 1000.0) writes. */
static void test_milli(void)
{
    for (int digits = 1; digits <= 10; digits++)
        for (long long k = -1500; k < 2000000; k += k < 20000 ? 1 : 997) {
            ds_buf a, b;
            ds_buf_init(&a);
            ds_buf_init(&b);
            ds_json_put_real(&a, (double)k / 1000.0, digits);
            ds_json_put_milli(&b, k, digits);
            CHECK_MSG(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "%lld at %d: %s %s", k,
                      digits, a.data, b.data);
            ds_buf_cleanup(&a);
            ds_buf_cleanup(&b);
        }
}

static void test_reals(void)
{
    static const double values[] = {0,    1,      0.5,    0.85714285, 12.5,    -3,      1e-7,
                                    1e21, 123456, 0.0001, 99.995,     2.0 / 3, -2.5e-12};
    for (int digits = 4; digits <= 6; digits += 2) /* the server's 4, classify's 6 */
        for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
            ds_buf b;
            ds_buf_init(&b);
            ds_json w;
            ds_json_init(&w, &b);
            if (digits == 4)
                ds_json_real(&w, values[i]);
            else
                ds_json_real_digits(&w, values[i], digits);
            json_t *j = json_real(values[i]);
            char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(digits));
            CHECK_EQ_STR(b.data, want);
            free(want);
            json_decref(j);
            ds_buf_cleanup(&b);
        }
}

/* The writer's own path for thousandths (what classify and the server
 * write: scores rounded to 3 decimals) against jansson, and the values
 * beside them that must take printf's. */
static void check_real(double v, int digits)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_real_digits(&w, v, digits);
    json_t *j = json_real(v);
    char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(digits));
    CHECK_MSG(want && strcmp(b.data, want) == 0, "%.17g at %d digits: %s, jansson %s\n", v, digits,
              b.data, want ? want : "?");
    free(want);
    json_decref(j);
    ds_buf_cleanup(&b);
}

static void test_thousandths(void)
{
    static const int digits[] = {1, 2, 3, 4, 6, 10};
    for (size_t d = 0; d < sizeof digits / sizeof *digits; d++) {
        for (long k = -1200000; k <= 1200000; k += k > -3000 && k < 3000 ? 1 : 997) {
            double v = floor((double)k) / 1000.0;
            check_real(v, digits[d]);
            check_real(nextafter(v, 1e300), digits[d]);
            check_real(nextafter(v, -1e300), digits[d]);
        }
        check_real(-0.0, digits[d]);
        check_real(999999.999, digits[d]);
        check_real(1e9, digits[d]);
        check_real(123456789.123, digits[d]);
    }
    uint64_t seed = 99;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double v = (double)(int64_t)(seed >> 11) / (double)(1ULL << (seed % 60));
        check_real(v, 4);
        check_real(floor(v * 1000.0 + 0.5) / 1000.0, 6);
    }
}

/* Reals that are not thousandths (the matcher's confidences and scores as
 * they are): the writer's own fixed notation against jansson's printf, at
 * every magnitude, at the halves where printf's exact rounding decides, and
 * next to powers of ten. */
static void test_fixed_reals(void)
{
    uint64_t seed = 7;
    for (int i = 0; i < 300000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double m = (double)(seed >> 11) / (double)(1ULL << 53); /* [0, 1) */
        double v = m * pow(10.0, (double)((int)(seed % 15) - 6));
        if (seed & (1ULL << 7))
            v = -v;
        check_real(v, 1 + (int)((seed >> 8) % 6));
    }
    static const double p10[] = {1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    for (size_t e = 0; e < sizeof p10 / sizeof *p10; e++)
        for (int digits = 1; digits <= 6; digits++) {
            for (long k = 1; k < 2000; k++) { /* k + 0.5 units of the last digit */
                double v = ((double)k + 0.5) * p10[e] / 1000.0;
                check_real(v, digits);
                check_real(nextafter(v, 1e300), digits);
                check_real(nextafter(v, -1e300), digits);
            }
            double v = p10[e];
            check_real(v, digits);
            check_real(nextafter(v, 0), digits);
            check_real(nextafter(v, 1e300), digits);
            check_real(v * (1 - 5e-7), digits);
            check_real(v * (1 - 5e-5), digits);
        }
    check_real(1.0625, 3); /* a tie printf rounds to even */
    check_real(9.99996, 4);
    check_real(0.000099996, 4);
}

/* Integers are written by hand: what printf's "%lld" writes. */
static void test_ints(void)
{
    static const long long values[] = {
        0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        ds_buf b;
        ds_buf_init(&b);
        ds_json w;
        ds_json_init(&w, &b);
        ds_json_int(&w, values[i]);
        char want[32];
        snprintf(want, sizeof want, "%lld", values[i]);
        CHECK_EQ_STR(b.data, want);
        ds_buf_cleanup(&b);
    }
}

static void test_nesting(void)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_object(&w);
    ds_json_pair(&w, "type", "reply");
    ds_json_key(&w, "empty");
    ds_json_array(&w);
    ds_json_end(&w);
    ds_json_key(&w, "list");
    ds_json_array(&w);
    ds_json_string(&w, "a");
    ds_json_object(&w);
    ds_json_key(&w, "n");
    ds_json_int(&w, -42);
    ds_json_key(&w, "ok");
    ds_json_bool(&w, 1);
    ds_json_end(&w);
    ds_json_bool(&w, 0);
    ds_json_end(&w);
    ds_json_key(&w, "o");
    ds_json_object(&w);
    ds_json_end(&w);
    ds_json_end(&w);
    CHECK_EQ_STR(b.data,
                 "{\"type\":\"reply\",\"empty\":[],\"list\":[\"a\",{\"n\":-42,\"ok\":true},false],"
                 "\"o\":{}}");
    CHECK(!b.failed);
    ds_buf_cleanup(&b);
}

int main(void)
{
    test_strings();
    test_utf8_strings();
    test_milli();
    test_fixed_reals();
    test_ints();
    test_reals();
    test_thousandths();
    test_nesting();
    return CHECK_MAIN_RESULT();
}
