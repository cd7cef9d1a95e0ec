/* SPDX-License-Identifier: MIT */
/* Personal numbers in what a shopper types: payment card numbers (13-19
 * digits passing the Luhn check, contiguous or in groups of four), the
 * CVV named next to one, Turkish ID numbers (TCKN: 11 digits passing their
 * checksum) and IBANs (TR + 24 digits passing mod-97, spaced or not).
 * Numbers that fail the checks (order numbers, phones, tracking codes) are
 * left alone. Pure functions; any thread. */
#ifndef PII_H
#define PII_H

#include <stddef.h>

#include "ds.h"

/* What pii_mask found, as bits. */
#define PII_CARD 1u
#define PII_CVV 2u
#define PII_TCKN 4u
#define PII_IBAN 8u

/* Appends text[0..len) to out with every digit of such a number replaced by
 * 'X', except its last keep digits (0 or 4; a CVV loses all): "4543 1234
 * 5678 9012" becomes "XXXX XXXX XXXX 9012". Returns the PII_* bits of what
 * was masked (0: out holds text unchanged). */
unsigned pii_mask(const char *text, size_t len, int keep, ds_buf *out);

/* The checks themselves, on a string of digits only. 1 when it passes. */
int pii_luhn(const char *digits, size_t n);
int pii_tckn(const char *digits, size_t n);
/* digits: the 24 digits after "TR". */
int pii_iban_tr(const char *digits, size_t n);

#endif
