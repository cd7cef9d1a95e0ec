/* SPDX-License-Identifier: MIT */
/* Photos and files from shoppers and agents, checked by their bytes (never
 * by a name or a declared type): images (JPEG, PNG, WebP, HEIC/HEIF) are
 * decoded by libvips within limits and re-encoded, which leaves every bit of
 * metadata behind (EXIF with its GPS position, XMP, IPTC); a PDF is checked
 * and kept as it is. Not a store: what is kept is store_attachment_add's.
 *
 * libvips keeps process-wide state of its own: the process initialises it
 * once before any call here (channels/cli/cmd_serve.c: VIPS_INIT, the
 * operation cache off, untrusted loaders blocked). This module keeps none of
 * its own; once that is done, any thread may call it, several at once. */
#ifndef MEDIA_H
#define MEDIA_H

#include <stddef.h>

#include "ds.h"

/* Limits (docs/PROTOCOL.md, "Photos and files"). */
#define MEDIA_MAX_BYTES (10 * 1024 * 1024)  /* an upload, whatever it is */
#define MEDIA_MAX_PIXELS (50 * 1000 * 1000) /* a decoded image: no decompression bombs */
#define MEDIA_MAX_SIDE 2048                 /* the longest side as stored */
#define MEDIA_JPEG_QUALITY 85

typedef enum media_kind {
    MEDIA_UNKNOWN,
    MEDIA_JPEG,
    MEDIA_PNG,
    MEDIA_WEBP,
    MEDIA_HEIF, /* HEIC and other HEIF brands */
    MEDIA_PDF
} media_kind;

/* What the first bytes say the data is (magic numbers only). */
media_kind media_sniff(const void *data, size_t len);

/* What may be stored: the bytes and what they are. */
typedef struct media_file {
    unsigned char *data; /* owned (media_file_cleanup) */
    size_t len;
    const char *type;  /* static: "image/jpeg", "image/png" or "application/pdf" */
    int width, height; /* pixels, 0 for a PDF */
} media_file;

void media_file_cleanup(media_file *f);

/* Checks data[0..len) and makes what may be stored of it into *out (written
 * only on success). An image is decoded (truncated or corrupt data is
 * refused), shrunk to at most MEDIA_MAX_SIDE on its longest side, turned
 * upright, and encoded again as JPEG, or PNG when it has transparency, with
 * no metadata. allow_pdf: a PDF (an agent's) is accepted as it is, when it
 * looks whole. Refusals are DS_EINPUT or DS_ETOOBIG with a code in
 * err->field: "unsupported_type" (not one of these by its bytes: a renamed
 * file, a PDF from a shopper), "bad_image" (truncated or does not decode),
 * "bad_pdf", "too_large" (over MEDIA_MAX_BYTES), "too_many_pixels" (over
 * MEDIA_MAX_PIXELS), "heic_unsupported" (this libvips cannot read HEIF);
 * DS_ENOMEM. */
ds_status media_check(const void *data, size_t len, int allow_pdf, media_file *out, ds_error *err);

/* 1 when this build's libvips reads HEIF (libheif): HEIC photos are
 * accepted. */
int media_heif_supported(void);

#endif
