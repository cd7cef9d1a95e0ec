/* SPDX-License-Identifier: MIT */
/* The chat server's parts that need no socket, linked from the ws library:
 * rate limits (bursts, windows, sweeping), the shop's signed identity
 * (HMAC-SHA256, checked against Python's hmac), session tokens and hashes. */
#include <string.h>

#include "check.h"
#include "ws.h"

static void test_limits(void)
{
    ws_limiter *l = ws_limiter_new();
    CHECK(l != NULL);
    if (!l)
        return;
    /* 3 in a 10 s window: the 4th is refused, other keys are not touched */
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(ws_limiter_hit(l, "a", 100.0 + i, 3, 10), 1);
    CHECK_EQ_INT(ws_limiter_hit(l, "a", 103.0, 3, 10), 0);
    CHECK_EQ_INT(ws_limiter_hit(l, "b", 103.0, 3, 10), 1);
    /* two windows later it is all forgotten */
    CHECK_EQ_INT(ws_limiter_hit(l, "a", 125.0, 3, 10), 1);
    /* a sweep forgets idle keys, live ones keep counting */
    ws_limiter_hit(l, "c", 125.0, 1, 10);
    ws_limiter_sweep(l, 200.0, 60.0);
    CHECK_EQ_INT(ws_limiter_hit(l, "c", 200.5, 1, 10), 1); /* "c" was idle: fresh */
    CHECK_EQ_INT(ws_limiter_hit(l, "c", 200.6, 1, 10), 0);
    /* keys longer than the limiter keeps are cut, not confused with others */
    char long_key[200];
    memset(long_key, 'x', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    CHECK_EQ_INT(ws_limiter_hit(l, long_key, 300.0, 1, 10), 1);
    CHECK_EQ_INT(ws_limiter_hit(l, long_key, 300.1, 1, 10), 0);
    ws_limiter_free(l);
    ws_limiter_free(NULL);
}

static void test_identity(void)
{
    const char *sig = "61f9ba72780a50ceedc759a802cd7561b0a06f7e6eee691532860a0bf5316ba8";
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, sig, 1799990000), 1);
    /* upper-case hex is the same signature */
    char upper[65];
    for (int i = 0; i < 65; i++)
        upper[i] = (char)(sig[i] >= 'a' && sig[i] <= 'f' ? sig[i] - 32 : sig[i]);
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, upper, 1799990000),
                 1);
    /* expired, another customer, another secret, a cut signature, none */
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, sig, 1800000000), 0);
    CHECK_EQ_INT(ws_identity_verify("sekret", "mehmet@example.com", 1800000000, sig, 1700000000),
                 0);
    CHECK_EQ_INT(ws_identity_verify("other", "ayse@example.com", 1800000000, sig, 1700000000), 0);
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, "61f9", 1700000000),
                 0);
    CHECK_EQ_INT(ws_identity_verify("", "ayse@example.com", 1800000000, sig, 1700000000), 0);
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, NULL, 1700000000), 0);
    /* signed for years ahead: a leaked signature, refused; a day is the most */
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, sig, 1700000000), 0);
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, sig,
                                    1800000000 - WS_IDENTITY_MAX_S),
                 1);
    CHECK_EQ_INT(ws_identity_verify("sekret", "ayse@example.com", 1800000000, sig,
                                    1800000000 - WS_IDENTITY_MAX_S - 1),
                 0);
}

static void test_tokens(void)
{
    char a[23], b[23];
    CHECK_EQ_INT(ws_token_new(a), 0);
    CHECK_EQ_INT(ws_token_new(b), 0);
    CHECK_EQ_INT(strlen(a), 22);
    CHECK(strcmp(a, b) != 0);
    for (const char *p = a; *p; p++)
        CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    char h[65];
    ws_sha256_hex("abc", h);
    CHECK_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    test_limits();
    test_identity();
    test_tokens();
    return CHECK_MAIN_RESULT();
}
