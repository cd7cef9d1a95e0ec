/* SPDX-License-Identifier: MIT */
/* Checking what a shopper or an agent attaches (media.h): the type by its
 * magic bytes, an image's dimensions read from its header before any pixel
 * is decoded, then a decode with shrink-on-load through the one loader its
 * bytes name, and a fresh encoding without metadata. The only file that
 * speaks libvips; it keeps no state (libvips's own is the process's: see
 * media.h). */
#include <string.h>
#include <vips/vips.h>

#include "media.h"

media_kind media_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (!p)
        return MEDIA_UNKNOWN;
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return MEDIA_JPEG;
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return MEDIA_PNG;
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return MEDIA_WEBP;
    if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return MEDIA_PDF;
    /* ISO base media: a box "ftyp" whose major brand is one of HEIF's */
    static const char *const brands[] = {"heic", "heix", "hevc", "hevx", "heim",
                                         "heis", "mif1", "msf1", NULL};
    if (len >= 12 && memcmp(p + 4, "ftyp", 4) == 0)
        for (size_t i = 0; brands[i]; i++)
            if (memcmp(p + 8, brands[i], 4) == 0)
                return MEDIA_HEIF;
    return MEDIA_UNKNOWN;
}

void media_file_cleanup(media_file *f)
{
    if (!f)
        return;
    ds_free(f->data);
    memset(f, 0, sizeof *f);
}

int media_heif_supported(void)
{
    return vips_type_find("VipsOperation", "heifload_buffer") != 0;
}

static ds_status refuse(ds_error *err, ds_status st, const char *code, const char *msg)
{
    ds_fail(err, st, "%s", msg);
    if (err)
        snprintf(err->field, sizeof err->field, "%s", code);
    return st;
}

/* libvips's reason, for the log (its buffer is the process's: the words may
 * mix with another thread's, the code never does). */
static ds_status vips_refuse(ds_error *err, const char *code, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s", what, vips_error_buffer());
    vips_error_clear();
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    return refuse(err, DS_EINPUT, code, msg);
}

/* The header only (libvips decodes lazily): the dimensions, whether there
 * is transparency. */
static int read_header(media_kind kind, void *buf, size_t len, int *w, int *h, int *alpha)
{
    VipsImage *im = NULL;
    int rc = -1;
    switch (kind) {
    case MEDIA_JPEG: rc = vips_jpegload_buffer(buf, len, &im, NULL); break;
    case MEDIA_PNG: rc = vips_pngload_buffer(buf, len, &im, NULL); break;
    case MEDIA_WEBP: rc = vips_webpload_buffer(buf, len, &im, NULL); break;
    case MEDIA_HEIF: rc = vips_heifload_buffer(buf, len, &im, NULL); break;
    default: break;
    }
    if (rc != 0 || !im)
        return -1;
    *w = vips_image_get_width(im);
    *h = vips_image_get_height(im);
    *alpha = vips_image_hasalpha(im);
    g_object_unref(im);
    return 0;
}

/* 8-bit sRGB (or grey) that JPEG and PNG take, whatever came in (CMYK,
 * 16-bit, a palette). Takes *im. */
static int to_srgb8(VipsImage **im)
{
    VipsImage *in = *im, *out = NULL;
    VipsInterpretation want =
        vips_image_get_bands(in) <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    if (vips_image_get_interpretation(in) != want ||
        vips_image_get_format(in) != VIPS_FORMAT_UCHAR) {
        int rc = vips_colourspace(in, &out, want, NULL);
        g_object_unref(in);
        if (rc != 0)
            return -1;
        in = out;
    }
    if (vips_image_get_format(in) != VIPS_FORMAT_UCHAR) {
        int rc = vips_cast_uchar(in, &out, NULL);
        g_object_unref(in);
        if (rc != 0)
            return -1;
        in = out;
    }
    *im = in;
    return 0;
}

static ds_status clean_image(media_kind kind, const void *data, size_t len, media_file *out,
                             ds_error *err)
{
    if (kind == MEDIA_HEIF && !media_heif_supported())
        return refuse(err, DS_EINPUT, "heic_unsupported", "this build cannot read HEIF images");
    void *buf = (void *)data; /* libvips's loaders take void * and only read */
    int w = 0, h = 0, alpha = 0;
    if (read_header(kind, buf, len, &w, &h, &alpha) != 0)
        return vips_refuse(err, "bad_image", "the image cannot be read");
    if (w <= 0 || h <= 0 || (long long)w * h > MEDIA_MAX_PIXELS)
        return refuse(err, DS_ETOOBIG, "too_many_pixels", "the image has too many pixels");
    /* the loader again, shrinking as it decodes (a JPEG at 1/2, 1/4, 1/8),
     * turned upright by its orientation tag; a truncated file fails here */
    VipsImage *im = NULL;
    if (vips_thumbnail_buffer(buf, len, &im, MEDIA_MAX_SIDE, "height", MEDIA_MAX_SIDE, "size",
                              VIPS_SIZE_DOWN, "option_string", "fail_on=truncated", NULL) != 0)
        return vips_refuse(err, "bad_image", "the image cannot be decoded");
    if (to_srgb8(&im) != 0)
        return vips_refuse(err, "bad_image", "the image cannot be converted");
    void *enc = NULL;
    size_t enc_len = 0;
    /* strip: no EXIF (GPS), XMP, IPTC or ICC profile is written */
    int rc = alpha ? vips_pngsave_buffer(im, &enc, &enc_len, "strip", TRUE, "compression", 6, NULL)
                   : vips_jpegsave_buffer(im, &enc, &enc_len, "Q", MEDIA_JPEG_QUALITY, "strip",
                                          TRUE, "optimize_coding", TRUE, NULL);
    int ow = vips_image_get_width(im), oh = vips_image_get_height(im);
    g_object_unref(im);
    if (rc != 0 || !enc)
        return vips_refuse(err, "bad_image", "the image cannot be decoded");
    unsigned char *copy = enc_len ? ds_malloc(enc_len) : NULL;
    if (copy)
        memcpy(copy, enc, enc_len);
    g_free(enc);
    if (!copy)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    out->data = copy;
    out->len = enc_len;
    out->type = alpha ? "image/png" : "image/jpeg";
    out->width = ow;
    out->height = oh;
    return DS_OK;
}

/* A whole PDF: its header, and its end-of-file marker near the end (where
 * a file cut short has none). Not parsed: it is only ever downloaded. */
static ds_status check_pdf(const void *data, size_t len, media_file *out, ds_error *err)
{
    const unsigned char *p = data;
    size_t tail = len < 1024 ? len : 1024;
    int whole = 0;
    for (size_t i = len - tail; i + 5 <= len && !whole; i++)
        whole = memcmp(p + i, "%%EOF", 5) == 0;
    if (len < 16 || !whole)
        return refuse(err, DS_EINPUT, "bad_pdf", "the PDF is incomplete");
    unsigned char *copy = ds_malloc(len);
    if (!copy)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    memcpy(copy, data, len);
    out->data = copy;
    out->len = len;
    out->type = "application/pdf";
    out->width = out->height = 0;
    return DS_OK;
}

ds_status media_check(const void *data, size_t len, int allow_pdf, media_file *out, ds_error *err)
{
    if (!data || len == 0)
        return refuse(err, DS_EINPUT, "unsupported_type", "an empty file");
    if (len > MEDIA_MAX_BYTES)
        return refuse(err, DS_ETOOBIG, "too_large", "the file is over the size limit");
    media_kind kind = media_sniff(data, len);
    media_file f;
    memset(&f, 0, sizeof f);
    ds_status st;
    if (kind == MEDIA_PDF && allow_pdf)
        st = check_pdf(data, len, &f, err);
    else if (kind == MEDIA_JPEG || kind == MEDIA_PNG || kind == MEDIA_WEBP || kind == MEDIA_HEIF)
        st = clean_image(kind, data, len, &f, err);
    else
        return refuse(err, DS_EINPUT, "unsupported_type",
                      allow_pdf ? "not a JPEG, PNG, WebP, HEIC or PDF file"
                                : "not a JPEG, PNG, WebP or HEIC image");
    if (st == DS_OK)
        *out = f;
    return st;
}
