/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as a shopper's message through the masking of
 * card, CVV, TCKN and IBAN numbers (engine/pii.c). Masking keeps the length
 * and every byte that is not a masked digit, only ever turns digits into
 * 'X', and fully masked text holds nothing it would mask again (with the
 * last four digits kept, those may start a new number with what follows). */
#include <string.h>

#include "fuzz_check.h"
#include "pii.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *in = (const char *)data;
    for (int keep = 0; keep <= 4; keep += 4) {
        ds_buf out;
        ds_buf_init(&out);
        unsigned found = pii_mask(in, size, keep, &out);
        FUZZ_ASSERT(!out.failed);
        FUZZ_ASSERT(out.len == size);
        for (size_t i = 0; i < size; i++) {
            if (out.data[i] != in[i])
                FUZZ_ASSERT(out.data[i] == 'X' && in[i] >= '0' && in[i] <= '9');
        }
        FUZZ_ASSERT(found || (size == 0 || memcmp(out.data, in, size) == 0));
        ds_buf again;
        ds_buf_init(&again);
        FUZZ_ASSERT(keep || pii_mask(out.data ? out.data : "", out.len, 0, &again) == 0);
        ds_buf_cleanup(&again);
        ds_buf_cleanup(&out);
    }
    return 0;
}
