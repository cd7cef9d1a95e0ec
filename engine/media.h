/* SPDX-License-Identifier: MIT */
/* Photos and files from shoppers and agents, checked by their bytes (never
 * by a name or a declared type): images (JPEG, PNG, WebP, HEIC/HEIF) are
 * decoded by libvips within limits and re-encoded, which leaves every bit of
 * metadata behind (EXIF with its GPS position, XMP, IPTC); a PDF is checked
 * and kept as it is. Not a store: what is kept is store_attachment_add's.
 *
 * libvips is not linked: it and the ~80 libraries it brings are loaded
 * with dlopen by media_lib_open, so that a process that never sees a photo
 * (destek classify, chat, kb ...) never maps them. The handle is the
 * media_lib the caller holds and hands to media_check. libvips keeps
 * process-wide state of its own (its type system, its operation cache, its
 * error buffer), which media_lib_open starts and sets once for the process;
 * this module keeps none of its own. Once a media_lib is open, any thread
 * may call media_check with it, several at once. */
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

/* libvips, loaded and started (media_lib_open). */
typedef struct media_lib media_lib;

/* Loads libvips with dlopen and starts it for the process (vips_init, its
 * operation cache off so no decoded photo stays in memory, one worker per
 * image, the loaders it marks untrusted blocked, its warnings out of the
 * log). path: NULL for the library this build was compiled against
 * (media_lib_default_name), or a file name or path to load instead (the
 * server takes it from DESTEK_VIPS_LIBRARY; tests point it at a missing
 * file). *out: owned (media_lib_close), written only on success. Returns
 * DS_ENOTFOUND when the library cannot be loaded or lacks a function this
 * module calls, DS_EINVAL when it is another ABI than the headers' or does
 * not start (err->message says which, with dlerror's or libvips's words),
 * DS_ENOMEM. Call it before other threads use libvips: libvips's start is
 * the process's. Several may be open at once; they share the one libvips. */
ds_status media_lib_open(const char *path, media_lib **out, ds_error *err);

/* Frees the handle (NULL allowed). libvips itself stays mapped and started
 * to the end of the process (it is loaded with RTLD_NODELETE): it cannot
 * be shut down and started again, and its threads may still run. */
void media_lib_close(media_lib *lib);

/* The soname this build loads by default ("libvips.so.42"): static. */
const char *media_lib_default_name(void);

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
 * DS_ENOMEM. lib: borrowed, open (a sniff, a PDF and a refusal by size
 * never call libvips, but it is always needed). */
ds_status media_check(const media_lib *lib, const void *data, size_t len, int allow_pdf,
                      media_file *out, ds_error *err);

/* 1 when this libvips reads HEIF (libheif): HEIC photos are accepted. */
int media_heif_supported(const media_lib *lib);

#endif
