/* SPDX-License-Identifier: MIT */
/* Session tokens and the shop's signed customer identity (HMAC-SHA256),
 * with OpenSSL, which libwebsockets links anyway. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "ws.h"

static void to_hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

int ws_identity_verify(const char *secret, const char *customer, long long exp, const char *sig,
                       long long now)
{
    /* an identity the shop signed for years is a leaked key waiting to be
     * used: the shop signs one per page view, valid for minutes or hours */
    if (!secret || !secret[0] || !customer || !customer[0] || !sig || exp <= now ||
        exp > now + WS_IDENTITY_MAX_S)
        return 0;
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s|%lld", customer, exp);
    if (n <= 0 || (size_t)n >= sizeof msg)
        return 0;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg, (size_t)n, mac,
              &mac_len))
        return 0;
    char want[2 * EVP_MAX_MD_SIZE + 1];
    to_hex(mac, mac_len, want);
    size_t len = strlen(sig);
    if (len != 2 * (size_t)mac_len)
        return 0;
    char lower[2 * EVP_MAX_MD_SIZE + 1];
    for (size_t i = 0; i < len; i++)
        lower[i] = (sig[i] >= 'A' && sig[i] <= 'F') ? (char)(sig[i] + 32) : sig[i];
    return CRYPTO_memcmp(lower, want, len) == 0; /* constant time */
}

int ws_token_new(char out[23])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char r[17];
    if (RAND_bytes(r, 16) != 1)
        return -1;
    r[16] = 0;
    /* 16 bytes -> 22 characters of 6 bits (the last one carries 2 bits) */
    size_t o = 0;
    for (size_t i = 0; i < 16; i += 3) {
        unsigned v = (unsigned)r[i] << 16 | (unsigned)(i + 1 < 16 ? r[i + 1] : 0) << 8 |
                     (unsigned)(i + 2 < 16 ? r[i + 2] : 0);
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (o < 22)
            out[o++] = b64[(v >> 6) & 63];
        if (o < 22)
            out[o++] = b64[v & 63];
    }
    out[22] = '\0';
    return 0;
}

void ws_sha256_hex(const char *s, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
    to_hex(md, 32, out);
}
