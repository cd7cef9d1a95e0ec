/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as an upload through engine/media.c's check,
 * as a shopper's (images only) and as an agent's (a PDF too). Whatever goes
 * in, what comes out is a JPEG or PNG within MEDIA_MAX_SIDE (or the PDF
 * itself), and a refusal always names its code. libvips is loaded and
 * started once (media_lib_open), as the server does it. */
#include <string.h>

#include "fuzz_check.h"
#include "media.h"

static media_lib *lib; /* libvips is process-wide: loaded once per fuzzer, to its end */

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!lib)
        FUZZ_ASSERT(media_lib_open(NULL, &lib, NULL) == DS_OK);
    for (int allow_pdf = 0; allow_pdf <= 1; allow_pdf++) {
        media_file f;
        ds_error err;
        memset(&err, 0, sizeof err);
        ds_status st = media_check(lib, data, size, allow_pdf, &f, &err);
        if (st != DS_OK) {
            FUZZ_ASSERT(st == DS_EINPUT || st == DS_ETOOBIG || st == DS_ENOMEM);
            FUZZ_ASSERT(st == DS_ENOMEM || err.field[0]);
            continue;
        }
        FUZZ_ASSERT(f.data && f.len > 0);
        media_kind k = media_sniff(f.data, f.len);
        if (strcmp(f.type, "application/pdf") == 0) {
            FUZZ_ASSERT(allow_pdf && f.len == size && memcmp(f.data, data, size) == 0);
        } else {
            FUZZ_ASSERT(k == MEDIA_JPEG || k == MEDIA_PNG);
            FUZZ_ASSERT(f.width > 0 && f.height > 0);
            FUZZ_ASSERT(f.width <= MEDIA_MAX_SIDE && f.height <= MEDIA_MAX_SIDE);
        }
        media_file_cleanup(&f);
    }
    return 0;
}
