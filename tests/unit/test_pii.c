/* SPDX-License-Identifier: MIT */
/* The personal-number detectors and masking: valid numbers in the ways
 * shoppers type them, and near misses (one digit off, wrong length, order
 * numbers, phones, tracking codes) that must stay as they are. */
#include <string.h>

#include "check.h"
#include "pii.h"

static unsigned masked(const char *in, int keep, char *out, size_t cap)
{
    ds_buf b;
    ds_buf_init(&b);
    unsigned found = pii_mask(in, strlen(in), keep, &b);
    snprintf(out, cap, "%s", b.data ? b.data : "");
    ds_buf_cleanup(&b);
    return found;
}

#define MASKS(in, keep, want, kinds)                              \
    do {                                                          \
        char got_[256];                                           \
        CHECK_EQ_INT(masked(in, keep, got_, sizeof got_), kinds); \
        CHECK_EQ_STR(got_, want);                                 \
    } while (0)

static void test_checks(void)
{
    CHECK(pii_luhn("4111111111111111", 16));
    CHECK(!pii_luhn("4111111111111112", 16));
    CHECK(pii_luhn("378282246310005", 15));
    CHECK(pii_tckn("10000000146", 11));
    CHECK(pii_tckn("12345678950", 11));
    CHECK(!pii_tckn("12345678901", 11));
    CHECK(!pii_tckn("02345678950", 11)); /* a TCKN never starts with 0 */
    CHECK(pii_iban_tr("330006100519786457841326", 24));
    CHECK(!pii_iban_tr("330006100519786457841327", 24));
}

static void test_cards(void)
{
    MASKS("kartım 4111 1111 1111 1111 ödeme olmadı", 4, "kartım XXXX XXXX XXXX 1111 ödeme olmadı",
          PII_CARD);
    MASKS("4111111111111111", 4, "XXXXXXXXXXXX1111", PII_CARD);
    MASKS("5555-5555-5555-4444", 0, "XXXX-XXXX-XXXX-XXXX", PII_CARD);
    MASKS("amex 3782 822463 10005", 4, "amex XXXX XXXXXX X0005", PII_CARD);
    /* the CVV named next to a card goes whole; the expiry stays */
    MASKS("4111 1111 1111 1111 12/27 cvv 123", 4, "XXXX XXXX XXXX 1111 12/27 cvv XXX",
          PII_CARD | PII_CVV);
    MASKS("kart no 4111111111111111 güvenlik kodu: 4321", 4,
          "kart no XXXXXXXXXXXX1111 güvenlik kodu: XXXX", PII_CARD | PII_CVV);
    /* near misses stay */
    MASKS("4111 1111 1111 1112", 4, "4111 1111 1111 1112", 0);
    /* with its expiry after it, a card (blind4 #24) */
    MASKS("4543 1234 5678 9012 son kullanma 08/28", 4, "XXXX XXXX XXXX 9012 son kullanma 08/28",
          PII_CARD);
    /* a CVV named is one even alone: the card may be in another message */
    MASKS("son kullanma 08/27 cvv 123", 4, "son kullanma 08/27 cvv XXX", PII_CVV);
    MASKS("cvv 3 haneli mi", 4, "cvv 3 haneli mi", 0);
    /* masking twice changes nothing (found by fuzz_pii) */
    MASKS("IBAN TR33 cvcXXXX 1005 1978", 0, "IBAN TR33 cvcXXXX 1005 1978", 0);
    /* a card named so is masked even when its check digit is wrong */
    MASKS("kart numaram 4543 5901 2345 6789", 4, "kart numaram XXXX XXXX XXXX 6789", PII_CARD);
    /* an order number and a phone typed together are not a card */
    MASKS("1048213 0532 123 45 67", 4, "1048213 0532 123 45 67", 0);
    /* an order number, then a card */
    MASKS("1048213 4111111111111111", 4, "1048213 XXXXXXXXXXXX1111", PII_CARD);
}

static void test_tckn(void)
{
    MASKS("tckn 10000000146", 4, "tckn XXXXXXX0146", PII_TCKN);
    MASKS("TC: 12345678950.", 0, "TC: XXXXXXXXXXX.", PII_TCKN);
    MASKS("12345678901", 4, "12345678901", 0); /* checksum fails */
    /* named so, even mistyped (blind4 #25) */
    MASKS("12345678901 bu benim tc", 4, "XXXXXXX8901 bu benim tc", PII_TCKN);
    MASKS("tc kimlik no 12345678901", 4, "tc kimlik no XXXXXXX8901", PII_TCKN);
    MASKS("05321234567 tc", 4, "05321234567 tc", 0); /* a phone stays one */
    MASKS("05321234567", 4, "05321234567", 0);       /* a phone */
    MASKS("1000000014", 4, "1000000014", 0);         /* ten digits */
    MASKS("100000001466", 4, "100000001466", 0);     /* twelve */
    MASKS("A10000000146", 4, "A10000000146", 0);     /* inside a code */
    /* named so with a digit missed or doubled (blind5 #22) */
    MASKS("annemin tc si 3245678901", 4, "annemin tc si XXXXXX8901", PII_TCKN);
    MASKS("kimlik no 100000001466", 4, "kimlik no XXXXXXXX1466", PII_TCKN);
    MASKS("siparis 1060334 tel 5321234567", 4, "siparis 1060334 tel 5321234567", 0);
}

static void test_iban(void)
{
    MASKS("IBAN: TR33 0006 1005 1978 6457 8413 26", 4, "IBAN: TRXX XXXX XXXX XXXX XXXX XX13 26",
          PII_IBAN);
    MASKS("tr330006100519786457841326", 4, "trXXXXXXXXXXXXXXXXXXXX1326", PII_IBAN);
    MASKS("TR 33 0006 1005 1978 6457 8413 26", 0, "TR XX XXXX XXXX XXXX XXXX XXXX XX", PII_IBAN);
    /* "TR" and 24 digits, mistyped: still an IBAN (blind4 #11) */
    MASKS("TR33 0006 1005 1978 6457 8413 27", 4, "TRXX XXXX XXXX XXXX XXXX XX13 27", PII_IBAN);
    /* a tracking code is not an IBAN */
    MASKS("YK123456789TR", 4, "YK123456789TR", 0);
}

static void test_plain(void)
{
    MASKS("siparişim 1048213 nerede", 4, "siparişim 1048213 nerede", 0);
    MASKS("", 4, "", 0);
    MASKS("12345678950 ve 4111111111111111", 4, "XXXXXXX8950 ve XXXXXXXXXXXX1111",
          PII_TCKN | PII_CARD);
    /* a long text: the marks are allocated */
    char big[2000];
    memset(big, 'a', sizeof big);
    memcpy(big + 1000, " 4111111111111111 ", 18);
    big[sizeof big - 1] = '\0';
    ds_buf b;
    ds_buf_init(&b);
    CHECK_EQ_INT(pii_mask(big, strlen(big), 4, &b), PII_CARD);
    CHECK(b.data && strstr(b.data, " XXXXXXXXXXXX1111 ") != NULL);
    ds_buf_cleanup(&b);
}

int main(void)
{
    test_checks();
    test_cards();
    test_tckn();
    test_iban();
    test_plain();
    return CHECK_MAIN_RESULT();
}
