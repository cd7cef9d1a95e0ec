/* SPDX-License-Identifier: MIT */
/* Checking what a shopper or an agent attaches (media.h): the type by its
 * magic bytes, an image's dimensions read from its header before any pixel
 * is decoded, then a decode with shrink-on-load through the one loader its
 * bytes name, and a fresh encoding without metadata. The only file that
 * speaks libvips, through the functions media_lib_open looked up in the
 * library it loaded (its headers give the types, none of its symbols is
 * linked); it keeps no state (libvips's own is the process's: see
 * media.h). */
#include <dlfcn.h>
#include <string.h>
#include <vips/vips.h>

#include "media.h"

#ifndef MEDIA_VIPS_SONAME
#error "MEDIA_VIPS_SONAME: the build names the libvips it loads (meson.build)"
#endif

/* Every libvips and GLib function called here, each looked up by its name
 * and called through a pointer of its own declared type (so a call is
 * checked as a direct one would be, variadic ones included). */
#define MEDIA_VIPS_FUNCTIONS(X)      \
    X(vips_version)                  \
    X(vips_init)                     \
    X(vips_error)                    \
    X(vips_cache_set_max)            \
    X(vips_concurrency_set)          \
    X(vips_block_untrusted_set)      \
    X(vips_type_find)                \
    X(vips_error_buffer)             \
    X(vips_error_clear)              \
    X(vips_jpegload_buffer)          \
    X(vips_pngload_buffer)           \
    X(vips_webpload_buffer)          \
    X(vips_heifload_buffer)          \
    X(vips_thumbnail_buffer)         \
    X(vips_image_get_width)          \
    X(vips_image_get_height)         \
    X(vips_image_get_bands)          \
    X(vips_image_get_interpretation) \
    X(vips_image_get_format)         \
    X(vips_image_hasalpha)           \
    X(vips_colourspace)              \
    X(vips_cast_uchar)               \
    X(vips_pngsave_buffer)           \
    X(vips_jpegsave_buffer)          \
    X(g_object_unref)                \
    X(g_free)                        \
    X(g_log_set_handler)

struct media_lib {
    void *dl; /* dlopen's handle, the library loaded RTLD_NODELETE */
    int heif; /* this libvips reads HEIF */
#define MEDIA_FIELD(name) __typeof__(name) *name;
    MEDIA_VIPS_FUNCTIONS(MEDIA_FIELD)
#undef MEDIA_FIELD
};

const char *media_lib_default_name(void)
{
    return MEDIA_VIPS_SONAME;
}

static void quiet_vips(const char *domain, GLogLevelFlags level, const char *msg, void *data)
{
    (void)domain, (void)level, (void)msg, (void)data;
}

/* What VIPS_INIT does, through the pointers: the library's ABI must be the
 * headers' (a struct or an enum of another would be misread), then
 * vips_init (once a process: a second call does nothing). */
static ds_status start_vips(media_lib *l, const char *name, ds_error *err)
{
    int abi = l->vips_version(3) - l->vips_version(5);
    if (abi != VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE)
        return ds_fail(err, DS_EINVAL, "%s has libvips ABI %d, this build needs %d", name, abi,
                       VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE);
    if (l->vips_init("destek") != 0) {
        ds_fail(err, DS_EINVAL, "cannot start libvips: %s", l->vips_error_buffer());
        l->vips_error_clear();
        return DS_EINVAL;
    }
    l->vips_cache_set_max(0);
    l->vips_concurrency_set(1);
    l->vips_block_untrusted_set(TRUE);
    l->g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, quiet_vips, NULL);
    l->heif = l->vips_type_find("VipsOperation", "heifload_buffer") != 0;
    return DS_OK;
}

ds_status media_lib_open(const char *path, media_lib **out, ds_error *err)
{
    const char *name = path ? path : MEDIA_VIPS_SONAME;
    media_lib *l = ds_calloc(1, sizeof *l);
    if (!l)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    /* RTLD_NODELETE: libvips and GLib cannot be unloaded once started
     * (types registered, threads), whatever media_lib_close does */
    l->dl = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!l->dl) {
        const char *why = dlerror();
        ds_free(l);
        return ds_fail(err, DS_ENOTFOUND, "cannot load libvips, needed for photos: %s",
                       why ? why : name);
    }
    /* dlsym's result is an object pointer; POSIX makes it a function's */
    void *sym;
#define MEDIA_LOOKUP(fn)                                                         \
    if ((sym = dlsym(l->dl, #fn)) != NULL)                                       \
        memcpy(&l->fn, &sym, sizeof sym);                                        \
    else {                                                                       \
        ds_fail(err, DS_ENOTFOUND, "%s lacks %s, needed for photos", name, #fn); \
        media_lib_close(l);                                                      \
        return DS_ENOTFOUND;                                                     \
    }
    MEDIA_VIPS_FUNCTIONS(MEDIA_LOOKUP)
#undef MEDIA_LOOKUP
    ds_status st = start_vips(l, name, err);
    if (st != DS_OK) {
        media_lib_close(l);
        return st;
    }
    *out = l;
    return DS_OK;
}

void media_lib_close(media_lib *lib)
{
    if (!lib)
        return;
    if (lib->dl)
        dlclose(lib->dl);
    ds_free(lib);
}

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

int media_heif_supported(const media_lib *lib)
{
    return lib->heif;
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
static ds_status vips_refuse(const media_lib *l, ds_error *err, const char *code, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s", what, l->vips_error_buffer());
    l->vips_error_clear();
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    return refuse(err, DS_EINPUT, code, msg);
}

/* The header only (libvips decodes lazily): the dimensions, whether there
 * is transparency. */
static int read_header(const media_lib *l, media_kind kind, void *buf, size_t len, int *w, int *h,
                       int *alpha)
{
    VipsImage *im = NULL;
    int rc = -1;
    switch (kind) {
    case MEDIA_JPEG: rc = l->vips_jpegload_buffer(buf, len, &im, NULL); break;
    case MEDIA_PNG: rc = l->vips_pngload_buffer(buf, len, &im, NULL); break;
    case MEDIA_WEBP: rc = l->vips_webpload_buffer(buf, len, &im, NULL); break;
    case MEDIA_HEIF: rc = l->vips_heifload_buffer(buf, len, &im, NULL); break;
    default: break;
    }
    if (rc != 0 || !im)
        return -1;
    *w = l->vips_image_get_width(im);
    *h = l->vips_image_get_height(im);
    *alpha = l->vips_image_hasalpha(im);
    l->g_object_unref(im);
    return 0;
}

/* 8-bit sRGB (or grey) that JPEG and PNG take, whatever came in (CMYK,
 * 16-bit, a palette). Takes *im. */
static int to_srgb8(const media_lib *l, VipsImage **im)
{
    VipsImage *in = *im, *out = NULL;
    VipsInterpretation want =
        l->vips_image_get_bands(in) <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    if (l->vips_image_get_interpretation(in) != want ||
        l->vips_image_get_format(in) != VIPS_FORMAT_UCHAR) {
        int rc = l->vips_colourspace(in, &out, want, NULL);
        l->g_object_unref(in);
        if (rc != 0)
            return -1;
        in = out;
    }
    if (l->vips_image_get_format(in) != VIPS_FORMAT_UCHAR) {
        int rc = l->vips_cast_uchar(in, &out, NULL);
        l->g_object_unref(in);
        if (rc != 0)
            return -1;
        in = out;
    }
    *im = in;
    return 0;
}

static ds_status clean_image(const media_lib *l, media_kind kind, const void *data, size_t len,
                             media_file *out, ds_error *err)
{
    if (kind == MEDIA_HEIF && !l->heif)
        return refuse(err, DS_EINPUT, "heic_unsupported", "this build cannot read HEIF images");
    void *buf = (void *)data; /* libvips's loaders take void * and only read */
    int w = 0, h = 0, alpha = 0;
    if (read_header(l, kind, buf, len, &w, &h, &alpha) != 0)
        return vips_refuse(l, err, "bad_image", "the image cannot be read");
    if (w <= 0 || h <= 0 || (long long)w * h > MEDIA_MAX_PIXELS)
        return refuse(err, DS_ETOOBIG, "too_many_pixels", "the image has too many pixels");
    /* the loader again, shrinking as it decodes (a JPEG at 1/2, 1/4, 1/8),
     * turned upright by its orientation tag; a truncated file fails here */
    VipsImage *im = NULL;
    if (l->vips_thumbnail_buffer(buf, len, &im, MEDIA_MAX_SIDE, "height", MEDIA_MAX_SIDE, "size",
                                 VIPS_SIZE_DOWN, "option_string", "fail_on=truncated", NULL) != 0)
        return vips_refuse(l, err, "bad_image", "the image cannot be decoded");
    if (to_srgb8(l, &im) != 0)
        return vips_refuse(l, err, "bad_image", "the image cannot be converted");
    void *enc = NULL;
    size_t enc_len = 0;
    /* strip: no EXIF (GPS), XMP, IPTC or ICC profile is written */
    int rc = alpha
                 ? l->vips_pngsave_buffer(im, &enc, &enc_len, "strip", TRUE, "compression", 6, NULL)
                 : l->vips_jpegsave_buffer(im, &enc, &enc_len, "Q", MEDIA_JPEG_QUALITY, "strip",
                                           TRUE, "optimize_coding", TRUE, NULL);
    int ow = l->vips_image_get_width(im), oh = l->vips_image_get_height(im);
    l->g_object_unref(im);
    if (rc != 0 || !enc)
        return vips_refuse(l, err, "bad_image", "the image cannot be decoded");
    unsigned char *copy = enc_len ? ds_malloc(enc_len) : NULL;
    if (copy)
        memcpy(copy, enc, enc_len);
    l->g_free(enc);
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

ds_status media_check(const media_lib *lib, const void *data, size_t len, int allow_pdf,
                      media_file *out, ds_error *err)
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
        st = clean_image(lib, kind, data, len, &f, err);
    else
        return refuse(err, DS_EINPUT, "unsupported_type",
                      allow_pdf ? "not a JPEG, PNG, WebP, HEIC or PDF file"
                                : "not a JPEG, PNG, WebP or HEIC image");
    if (st == DS_OK)
        *out = f;
    return st;
}
