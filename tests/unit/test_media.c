/* SPDX-License-Identifier: MIT */
/* engine/media.c: types told by their bytes; JPEG (with EXIF GPS), PNG
 * (with and without transparency), WebP and HEIC made here with libvips and
 * checked: re-encoded within MEDIA_MAX_SIDE, upright, with no metadata left
 * (no EXIF, no GPS, no XMP); and refused: a renamed text file, a truncated
 * JPEG, a PDF from a shopper, an image with too many pixels (a PNG header
 * that claims 60000x60000: refused before a pixel is decoded), too many
 * bytes, an agent's PDF cut short. libvips is loaded and started by
 * media_lib_open as the server does it (channels/cli/cmd_serve.c); this test
 * also links it to make its photos, and dlopen finds that same copy. A
 * library that cannot be loaded, or is not libvips, is refused clearly. */
#include <string.h>
#include <vips/vips.h>

#include "check.h"
#include "media.h"

static media_lib *lib; /* the one libvips of this test (media_lib_open) */

/* An image of w x h with bands bands, encoded by saver ("jpegsave_buffer",
 * ...) with metadata when exif is set: an EXIF block with a GPS position and
 * an orientation of 6 (rotated 90 degrees). Owned (g_free). */
static void *make(const char *saver, int w, int h, int bands, int exif, size_t *len)
{
    VipsImage *black = NULL, *im = NULL;
    CHECK(vips_black(&black, w, h, "bands", bands, NULL) == 0);
    /* a gradient, so the encoders have something to keep */
    CHECK(vips_linear1(black, &im, 1.0, 77.0, "uchar", TRUE, NULL) == 0);
    g_object_unref(black);
    if (exif) {
        vips_image_set_string(im, "exif-ifd0-Make", "DESTEK-TEST-CAMERA");
        vips_image_set_string(im, "exif-ifd3-GPSLatitudeRef", "N");
        vips_image_set_string(im, "exif-ifd3-GPSLatitude", "41/1 0/1 0/1");
        vips_image_set_int(im, "orientation", 6);
    }
    void *buf = NULL;
    int rc = -1;
    if (strcmp(saver, "jpeg") == 0)
        rc = vips_jpegsave_buffer(im, &buf, len, NULL);
    else if (strcmp(saver, "png") == 0)
        rc = vips_pngsave_buffer(im, &buf, len, NULL);
    else if (strcmp(saver, "webp") == 0)
        rc = vips_webpsave_buffer(im, &buf, len, NULL);
    else if (strcmp(saver, "heif") == 0)
        rc = vips_heifsave_buffer(im, &buf, len, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC,
                                  NULL);
    CHECK_MSG(rc == 0, "%s: %s", saver, vips_error_buffer());
    g_object_unref(im);
    return buf;
}

static int has(const void *data, size_t len, const char *s)
{
    const char *p = data;
    size_t n = strlen(s);
    for (size_t i = 0; p && i + n <= len; i++)
        if (memcmp(p + i, s, n) == 0)
            return 1;
    return 0;
}

/* The JPEG's markers: 1 when it has an APP1 segment (EXIF or XMP). */
static int jpeg_has_app1(const unsigned char *p, size_t len)
{
    size_t i = 2;
    while (i + 4 <= len && p[i] == 0xff) {
        unsigned m = p[i + 1];
        if (m == 0xda) /* start of scan: no more metadata */
            return 0;
        if (m == 0xe1)
            return 1;
        i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
    }
    return 0;
}

static void test_sniff(void)
{
    CHECK_CONTEXT("sniff");
    CHECK_EQ_INT(media_sniff("\xff\xd8\xff\xe0", 4), MEDIA_JPEG);
    CHECK_EQ_INT(media_sniff("\x89PNG\r\n\x1a\n", 8), MEDIA_PNG);
    CHECK_EQ_INT(media_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), MEDIA_WEBP);
    CHECK_EQ_INT(media_sniff("\0\0\0\x18"
                             "ftypheic\0\0\0\0",
                             16),
                 MEDIA_HEIF);
    CHECK_EQ_INT(media_sniff("\0\0\0\x18"
                             "ftypisom\0\0\0\0",
                             16),
                 MEDIA_UNKNOWN);
    CHECK_EQ_INT(media_sniff("%PDF-1.7", 8), MEDIA_PDF);
    CHECK_EQ_INT(media_sniff("MZ\x90\0", 4), MEDIA_UNKNOWN);
    CHECK_EQ_INT(media_sniff("\xff\xd8", 2), MEDIA_UNKNOWN);
    CHECK_EQ_INT(media_sniff(NULL, 0), MEDIA_UNKNOWN);
}

static void test_jpeg_exif(void)
{
    CHECK_CONTEXT("jpeg with exif");
    size_t len = 0;
    unsigned char *in = make("jpeg", 3000, 1000, 3, 1, &len);
    CHECK(has(in, len, "DESTEK-TEST-CAMERA") && jpeg_has_app1(in, len));
    media_file f;
    ds_error err;
    CHECK_STATUS(media_check(lib, in, len, 0, &f, &err), DS_OK);
    CHECK_EQ_STR(f.type, "image/jpeg");
    CHECK_EQ_INT(media_sniff(f.data, f.len), MEDIA_JPEG);
    /* orientation 6: turned upright, so the long side is now the height */
    CHECK_EQ_INT(f.width, 683);
    CHECK_EQ_INT(f.height, 2048);
    CHECK(!has(f.data, f.len, "DESTEK-TEST-CAMERA"));
    CHECK(!has(f.data, f.len, "Exif"));
    CHECK(!jpeg_has_app1(f.data, f.len));
    /* and libvips reading it back finds no EXIF or orientation at all */
    VipsImage *back = NULL;
    CHECK(vips_jpegload_buffer(f.data, f.len, &back, NULL) == 0);
    CHECK(back && vips_image_get_typeof(back, "exif-data") == 0);
    CHECK(back && vips_image_get_typeof(back, "orientation") == 0);
    CHECK(back && vips_image_get_width(back) == 683);
    if (back)
        g_object_unref(back);
    media_file_cleanup(&f);
    /* cut short: refused, never stored half grey */
    CHECK_STATUS(media_check(lib, in, len * 2 / 3, 0, &f, &err), DS_EINPUT);
    CHECK_EQ_STR(err.field, "bad_image");
    g_free(in);
}

static void test_png(void)
{
    CHECK_CONTEXT("png");
    size_t len = 0;
    unsigned char *in = make("png", 300, 200, 3, 0, &len);
    media_file f;
    CHECK_STATUS(media_check(lib, in, len, 0, &f, NULL), DS_OK);
    CHECK_EQ_STR(f.type, "image/jpeg"); /* no transparency: a photo */
    CHECK_EQ_INT(f.width, 300);
    CHECK_EQ_INT(f.height, 200);
    media_file_cleanup(&f);
    g_free(in);
    in = make("png", 100, 50, 4, 0, &len);
    CHECK_STATUS(media_check(lib, in, len, 0, &f, NULL), DS_OK);
    CHECK_EQ_STR(f.type, "image/png"); /* transparency kept */
    CHECK_EQ_INT(media_sniff(f.data, f.len), MEDIA_PNG);
    CHECK_EQ_INT(f.width, 100);
    media_file_cleanup(&f);
    /* a PNG cut in its pixel data */
    ds_error err;
    CHECK(media_check(lib, in, len / 2, 0, &f, &err) != DS_OK);
    CHECK_EQ_STR(err.field, "bad_image");
    g_free(in);
}

static void test_webp_heic(void)
{
    CHECK_CONTEXT("webp and heic");
    size_t len = 0;
    unsigned char *in = make("webp", 64, 48, 3, 0, &len);
    media_file f;
    CHECK_STATUS(media_check(lib, in, len, 0, &f, NULL), DS_OK);
    CHECK_EQ_STR(f.type, "image/jpeg");
    CHECK_EQ_INT(f.width, 64);
    media_file_cleanup(&f);
    g_free(in);
    /* Debian's libvips reads HEIF through libheif (libde265) */
    CHECK(media_heif_supported(lib));
    in = make("heif", 640, 480, 3, 0, &len);
    CHECK_EQ_INT(media_sniff(in, len), MEDIA_HEIF);
    CHECK_STATUS(media_check(lib, in, len, 0, &f, NULL), DS_OK);
    CHECK_EQ_STR(f.type, "image/jpeg");
    CHECK_EQ_INT(f.width, 640);
    CHECK_EQ_INT(f.height, 480);
    media_file_cleanup(&f);
    g_free(in);
}

/* A valid PNG header (signature, IHDR with its CRC) claiming w x h. */
static size_t png_header(unsigned char *out, unsigned w, unsigned h)
{
    static const unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    memcpy(out, sig, 8);
    unsigned char *c = out + 8;
    c[0] = c[1] = c[2] = 0;
    c[3] = 13;
    memcpy(c + 4, "IHDR", 4);
    unsigned char *d = c + 8;
    for (int i = 0; i < 4; i++) {
        d[i] = (unsigned char)(w >> (24 - 8 * i));
        d[4 + i] = (unsigned char)(h >> (24 - 8 * i));
    }
    d[8] = 8; /* bit depth */
    d[9] = 2; /* RGB */
    d[10] = d[11] = d[12] = 0;
    unsigned long crc = 0xffffffffUL;
    for (unsigned char *p = c + 4; p < d + 13; p++) {
        crc ^= *p;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320UL & (0UL - (crc & 1)));
    }
    crc ^= 0xffffffffUL;
    for (int i = 0; i < 4; i++)
        d[13 + i] = (unsigned char)(crc >> (24 - 8 * i));
    /* an IDAT that would never hold that many pixels, and the end */
    static const unsigned char tail[] = {0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x35, 0xaf, 0x06, 0x1e,
                                         0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
    memcpy(d + 17, tail, sizeof tail);
    return 8 + 8 + 13 + 4 + sizeof tail;
}

static void test_refused(void)
{
    CHECK_CONTEXT("refused");
    media_file f;
    ds_error err;
    const char text[] = "Bu bir metin dosyası, adı foto.jpg olsa da.\n";
    CHECK_STATUS(media_check(lib, text, sizeof text - 1, 0, &f, &err), DS_EINPUT);
    CHECK_EQ_STR(err.field, "unsupported_type");
    const char exe[] = "MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0 This program cannot be run";
    CHECK_STATUS(media_check(lib, exe, sizeof exe - 1, 1, &f, &err), DS_EINPUT);
    CHECK_EQ_STR(err.field, "unsupported_type");
    CHECK_STATUS(media_check(lib, "", 0, 0, &f, &err), DS_EINPUT);
    /* a decompression bomb: refused by its header's dimensions */
    unsigned char bomb[128];
    size_t n = png_header(bomb, 60000, 60000);
    CHECK_STATUS(media_check(lib, bomb, n, 0, &f, &err), DS_ETOOBIG);
    CHECK_EQ_STR(err.field, "too_many_pixels");
    /* over the byte limit, whatever it is */
    static unsigned char huge[MEDIA_MAX_BYTES + 1];
    memcpy(huge, "\xff\xd8\xff\xe0", 4);
    CHECK_STATUS(media_check(lib, huge, sizeof huge, 0, &f, &err), DS_ETOOBIG);
    CHECK_EQ_STR(err.field, "too_large");
    /* a PDF: an agent's, whole; never a shopper's */
    const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    CHECK_STATUS(media_check(lib, pdf, sizeof pdf - 1, 0, &f, &err), DS_EINPUT);
    CHECK_EQ_STR(err.field, "unsupported_type");
    CHECK_STATUS(media_check(lib, pdf, sizeof pdf - 1, 1, &f, &err), DS_OK);
    CHECK_EQ_STR(f.type, "application/pdf");
    CHECK(f.len == sizeof pdf - 1 && memcmp(f.data, pdf, f.len) == 0);
    media_file_cleanup(&f);
    CHECK_STATUS(media_check(lib, pdf, 20, 1, &f, &err), DS_EINPUT);
    CHECK_EQ_STR(err.field, "bad_pdf");
}

/* The sanitizer build's leak check: x265, the HEVC encoder libheif uses to
 * make this test's HEIC photo (never the server, which only decodes), keeps
 * one block of its own to the end. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libx265.so\n";
}

/* Loading refused with the reason: a file that is not there (as on a
 * machine without libvips, or DESTEK_VIPS_LIBRARY=/missing), a library that
 * is not libvips. Nothing is written to *out. */
static void test_lib_refused(void)
{
    CHECK_CONTEXT("library refused");
    media_lib *l = (media_lib *)&l;
    ds_error err;
    memset(&err, 0, sizeof err);
    CHECK_STATUS(media_lib_open("/nonexistent/libvips.so.42", &l, &err), DS_ENOTFOUND);
    CHECK(l == (media_lib *)&l);
    CHECK_PREFIX_STR(err.message, "cannot load libvips, needed for photos: ");
    CHECK(strstr(err.message, "/nonexistent/libvips.so.42") != NULL);
    memset(&err, 0, sizeof err);
    CHECK_STATUS(media_lib_open("libm.so.6", &l, &err), DS_ENOTFOUND);
    CHECK_EQ_STR(err.message, "libm.so.6 lacks vips_version, needed for photos");
    CHECK(l == (media_lib *)&l);
    CHECK_EQ_STR(media_lib_default_name(), "libvips.so.42");
    media_lib_close(NULL);
}

/* Two handles share the one libvips; closing one leaves it to the other. */
static void test_lib_twice(void)
{
    CHECK_CONTEXT("library twice");
    media_lib *other = NULL;
    CHECK_STATUS(media_lib_open(NULL, &other, NULL), DS_OK);
    media_lib_close(other);
    size_t len = 0;
    unsigned char *in = make("png", 64, 48, 3, 0, &len);
    media_file f;
    CHECK_STATUS(media_check(lib, in, len, 0, &f, NULL), DS_OK);
    CHECK_EQ_INT(f.width, 64);
    media_file_cleanup(&f);
    g_free(in);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    test_lib_refused();
    ds_error err;
    memset(&err, 0, sizeof err);
    if (media_lib_open(NULL, &lib, &err) != DS_OK) {
        fprintf(stderr, "cannot load libvips: %s\n", err.message);
        return 1;
    }
    test_sniff();
    test_jpeg_exif();
    test_png();
    test_webp_heic();
    test_refused();
    test_lib_twice();
    media_lib_close(lib);
    return CHECK_MAIN_RESULT();
}
