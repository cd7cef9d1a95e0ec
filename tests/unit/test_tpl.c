/* SPDX-License-Identifier: MIT */
/* Templates: Turkish case suffixes on proper nouns, Turkish dates, and the
 * {{name'suffix}} syntax. */
#include <string.h>

#include "check.h"
#include "tpl.h"

static void expect_suffixed(const char *word, tpl_case c, const char *want, int line)
{
    ds_buf b;
    ds_buf_init(&b);
    tpl_append_suffixed(&b, word, strlen(word), c);
    if (!b.data || strcmp(b.data, want) != 0) {
        fprintf(stderr, "test_tpl.c:%d: %s -> \"%s\", want \"%s\"\n", line, word,
                b.data ? b.data : "(null)", want);
        check_failures++;
    }
    ds_buf_cleanup(&b);
}

#define SUFFIX(w, c, want) expect_suffixed(w, c, want, __LINE__)

static void test_carriers(void)
{
    SUFFIX("Yurtiçi Kargo", TPL_CASE_DATIVE, "Yurtiçi Kargo'ya");
    SUFFIX("Aras Kargo", TPL_CASE_DATIVE, "Aras Kargo'ya");
    SUFFIX("MNG Kargo", TPL_CASE_DATIVE, "MNG Kargo'ya");
    SUFFIX("PTT", TPL_CASE_DATIVE, "PTT'ye");
    SUFFIX("PTT", TPL_CASE_LOCATIVE, "PTT'de");
    SUFFIX("PTT", TPL_CASE_ABLATIVE, "PTT'den");
    SUFFIX("PTT", TPL_CASE_ACCUSATIVE, "PTT'yi");
    SUFFIX("PTT", TPL_CASE_GENITIVE, "PTT'nin");
    SUFFIX("HepsiJET", TPL_CASE_DATIVE, "HepsiJET'e");
    SUFFIX("HepsiJET", TPL_CASE_LOCATIVE, "HepsiJET'te");
    SUFFIX("Trendyol Express", TPL_CASE_DATIVE, "Trendyol Express'e");
    SUFFIX("Trendyol Express", TPL_CASE_ABLATIVE, "Trendyol Express'ten");
    SUFFIX("Sürat Kargo", TPL_CASE_GENITIVE, "Sürat Kargo'nun");
    SUFFIX("Aras Kargo", TPL_CASE_ACCUSATIVE, "Aras Kargo'yu");
    SUFFIX("Ayşe", TPL_CASE_DATIVE, "Ayşe'ye");
    SUFFIX("Mehmet", TPL_CASE_DATIVE, "Mehmet'e");
    SUFFIX("Ahmet", TPL_CASE_LOCATIVE, "Ahmet'te");
    SUFFIX("İstanbul", TPL_CASE_DATIVE, "İstanbul'a");
    SUFFIX("İzmir", TPL_CASE_ABLATIVE, "İzmir'den");
    SUFFIX("Kadıköy", TPL_CASE_GENITIVE, "Kadıköy'ün");
    SUFFIX("Bursa", TPL_CASE_LOCATIVE, "Bursa'da");
    SUFFIX("Ordu", TPL_CASE_ACCUSATIVE, "Ordu'yu");
    SUFFIX("Üsküdar", TPL_CASE_ACCUSATIVE, "Üsküdar'ı");
    SUFFIX("THY", TPL_CASE_DATIVE, "THY'ye");
    SUFFIX("AVM", TPL_CASE_LOCATIVE, "AVM'de");
}

static void test_empty_value(void)
{
    ds_buf b;
    ds_buf_init(&b);
    tpl_append_suffixed(&b, "", 0, TPL_CASE_DATIVE);
    CHECK_EQ_INT(b.len, 0); /* no stray "'ya" after a missing name */
    ds_buf_cleanup(&b);
}

static void expect_date(const char *iso, int year, const char *want, int line)
{
    ds_buf b;
    ds_buf_init(&b);
    int ok = tpl_append_date(&b, iso, year);
    const char *got = ok && b.data ? b.data : "(not a date)";
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "test_tpl.c:%d: %s -> \"%s\", want \"%s\"\n", line, iso, got, want);
        check_failures++;
    }
    ds_buf_cleanup(&b);
}

static void test_dates(void)
{
    expect_date("2026-11-21T16:40:00+03:00", 0, "21 Kasım Cumartesi", __LINE__);
    expect_date("2026-11-20", 0, "20 Kasım Cuma", __LINE__);
    expect_date("2026-01-01", 1, "1 Ocak 2026 Perşembe", __LINE__);
    expect_date("2024-02-29", 0, "29 Şubat Perşembe", __LINE__);
    expect_date("2026-08-31T00:00:00Z", 0, "31 Ağustos Pazartesi", __LINE__);
    expect_date("yarın", 0, "(not a date)", __LINE__);
    expect_date("2026-13-01", 0, "(not a date)", __LINE__);
}

static int lookup(void *ctx, const char *name, size_t len, ds_buf *out)
{
    (void)ctx;
    if (len == 13 && memcmp(name, "kargo_firmasi", 13) == 0) {
        ds_buf_puts(out, "PTT");
        return 1;
    }
    return 0;
}

static void test_render(void)
{
    ds_buf b;
    ds_error e;
    ds_buf_init(&b);
    CHECK_EQ_INT(tpl_render("Paketiniz {{kargo_firmasi'ya}} verildi.", lookup, NULL, &b, &e),
                 DS_OK);
    CHECK_EQ_STR(b.data, "Paketiniz PTT'ye verildi.");
    ds_buf_cleanup(&b);
    CHECK_EQ_INT(tpl_render("{{kargo_firmasi'xyz}}", lookup, NULL, &b, &e), DS_EINPUT);
    ds_buf_cleanup(&b);
    CHECK_EQ_INT(tpl_render("{{yok}}", lookup, NULL, &b, &e), DS_ENOTFOUND);
    ds_buf_cleanup(&b);
    CHECK_EQ_INT(tpl_render("{{kargo_firmasi", lookup, NULL, &b, &e), DS_EINPUT);
    ds_buf_cleanup(&b);
}

int main(void)
{
    test_carriers();
    test_empty_value();
    test_dates();
    test_render();
    return CHECK_MAIN_RESULT();
}
