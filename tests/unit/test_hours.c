/* SPDX-License-Identifier: MIT */
/* Working hours: open/closed at the edges of the shipped shop's hours (Istanbul
 * time), holidays with reduced hours, closed bayram days and arife half days,
 * the next opening and its Turkish wording, the --hours override, and
 * hours_check on small hand-written configurations (each loaded as a
 * temporary KB: lexicon.json + a fallback intent + shop.json). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hours.h"
#include "kb.h"
#include "tpl.h"

#ifndef DS_TEST_DATA
#error "DS_TEST_DATA must name tests/data"
#endif
#define SHIPPED_KB DS_TEST_DATA "/../../intents"

/* ---- helpers ---------------------------------------------------------------- */

/* A moment given as Istanbul wall time "2026-03-20T09:00". */
static time_t ist(const char *local)
{
    char iso[64];
    long days, secs;
    int off;
    snprintf(iso, sizeof iso, "%s+03:00", local);
    if (tpl_parse_iso(iso, &days, &secs, &off) != 0) {
        fprintf(stderr, "bad test time %s\n", local);
        abort();
    }
    return (time_t)((long long)days * 86400 + secs - off * 60);
}

typedef struct diag_log {
    int errors;
    int warnings;
    ds_error first;
} diag_log;

static void log_diag(void *ctx, int is_error, const ds_error *where)
{
    diag_log *dl = ctx;
    if (is_error && dl->errors++ == 0)
        dl->first = *where;
    if (!is_error)
        dl->warnings++;
    if (getenv("HOURS_TEST_VERBOSE")) {
        char buf[1024];
        ds_error_format(where, buf, sizeof buf);
        fprintf(stderr, "  diag: %s\n", buf);
    }
}

static void print_diag(void *ctx, int is_error, const ds_error *where)
{
    char buf[1024];
    (void)ctx;
    ds_error_format(where, buf, sizeof buf);
    fprintf(stderr, "  %s: %s\n", is_error ? "error" : "warning", buf);
}

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

/* Loads a KB whose shop.json is {"hours": <hours_json>}; NULL on failure. */
static kb_base *kb_with_hours(const char *hours_json)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/test_hours.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return NULL;
    }
    size_t len = strlen(hours_json) + 32;
    char *shop = malloc(len);
    if (!shop)
        return NULL;
    snprintf(shop, len, "{\"hours\": %s}\n", hours_json);
    kb_base *kb = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (write_file(dir, "lexicon.json", "{\"suffixes\": []}\n") == 0 &&
        write_file(dir, "intents.json",
                   "{\"intents\": [{\"id\": \"fallback\", \"title\": \"Anlaşılamadı\", "
                   "\"keywords\": {}, \"answers\": [\"Anlamadım.\"]}]}\n") == 0 &&
        write_file(dir, "shop.json", shop) == 0 &&
        kb_load_dir(dir, &kb, print_diag, NULL, &err) != DS_OK) {
        char buf[1024];
        ds_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "kb_load_dir failed: %s\n", buf);
        kb = NULL;
    }
    free(shop);
    remove_file(dir, "lexicon.json");
    remove_file(dir, "intents.json");
    remove_file(dir, "shop.json");
    rmdir(dir);
    return kb;
}

static kb_base *shipped_kb(void)
{
    kb_base *kb = NULL;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (kb_load_dir(SHIPPED_KB, &kb, NULL, NULL, &err) != DS_OK) {
        char buf[1024];
        ds_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "cannot load %s: %s\n", SHIPPED_KB, buf);
        return NULL;
    }
    return kb;
}

static void check_open(const kb_base *kb, const char *local, int want, int line)
{
    int got = hours_is_open(kb, ist(local));
    check_count++;
    if (got != want) {
        fprintf(stderr, "test_hours.c:%d: FAIL at %s Istanbul: open %d, want %d\n", line, local,
                got, want);
        check_failures++;
    }
}
#define OPEN_AT(kb, t) check_open(kb, t, 1, __LINE__)
#define CLOSED_AT(kb, t) check_open(kb, t, 0, __LINE__)

/* The next opening after `from` is `want` (Istanbul wall time) and reads as
 * `text`; want NULL expects DS_ENOTFOUND. */
static void check_next(const kb_base *kb, const char *from, const char *want, const char *text,
                       int line)
{
    time_t when = (time_t)-12345;
    ds_status st = hours_next_open(kb, ist(from), &when);
    check_count++;
    if (!want) {
        if (st != DS_ENOTFOUND || when != (time_t)-12345) {
            fprintf(stderr, "test_hours.c:%d: FAIL from %s: want no opening, got status %d\n", line,
                    from, (int)st);
            check_failures++;
        }
        return;
    }
    if (st != DS_OK || when != ist(want)) {
        fprintf(stderr, "test_hours.c:%d: FAIL from %s: next open %lld (status %d), want %s\n",
                line, from, (long long)when, (int)st, want);
        check_failures++;
        return;
    }
    if (text) {
        ds_buf b;
        ds_buf_init(&b);
        hours_describe_next(kb, ist(from), when, &b);
        check_count++;
        if (!b.data || strcmp(b.data, text) != 0) {
            fprintf(stderr, "test_hours.c:%d: FAIL from %s: \"%s\", want \"%s\"\n", line, from,
                    b.data ? b.data : "(null)", text);
            check_failures++;
        }
        ds_buf_cleanup(&b);
    }
}
#define NEXT(kb, from, want, text) check_next(kb, from, want, text, __LINE__)

static void check_describe(const kb_base *kb, const char *from, const char *when, const char *text,
                           int line)
{
    ds_buf b;
    ds_buf_init(&b);
    hours_describe_next(kb, ist(from), ist(when), &b);
    check_count++;
    if (!b.data || strcmp(b.data, text) != 0) {
        fprintf(stderr, "test_hours.c:%d: FAIL %s seen from %s: \"%s\", want \"%s\"\n", line, when,
                from, b.data ? b.data : "(null)", text);
        check_failures++;
    }
    ds_buf_cleanup(&b);
}
#define DESCRIBE(kb, from, when, text) check_describe(kb, from, when, text, __LINE__)

/* ---- the shipped shop ------------------------------------------------------- */

static void test_shipped_valid(const kb_base *kb)
{
    CHECK_CONTEXT("shipped hours_check");
    CHECK_EQ_INT(hours_check(kb, print_diag, NULL), 0);
    CHECK_CONTEXT("");
}

static void test_weekday_edges(const kb_base *kb)
{
    /* Tuesday 10 March 2026, 09:00-22:00 */
    CLOSED_AT(kb, "2026-03-10T08:59");
    OPEN_AT(kb, "2026-03-10T09:00");
    OPEN_AT(kb, "2026-03-10T21:59");
    CLOSED_AT(kb, "2026-03-10T22:00");
    CLOSED_AT(kb, "2026-03-10T00:00");
    CLOSED_AT(kb, "2026-03-10T23:59");
    /* a Sunday too: every day of the week */
    CLOSED_AT(kb, "2026-03-15T08:59");
    OPEN_AT(kb, "2026-03-15T09:00");
    CLOSED_AT(kb, "2026-03-15T22:00");
    /* the edges hold to the second: 21:59:59 open, 08:59:59 closed */
    CHECK_EQ_INT(hours_is_open(kb, ist("2026-03-10T22:00") - 1), 1);
    CHECK_EQ_INT(hours_is_open(kb, ist("2026-03-10T09:00") - 1), 0);
    CHECK(hours_holiday_name(kb, ist("2026-03-10T12:00")) == NULL);
}

static void test_holidays(const kb_base *kb)
{
    /* 23 Nisan 2026: a public holiday, reduced 10:00-18:00 */
    CLOSED_AT(kb, "2026-04-23T09:00");
    CLOSED_AT(kb, "2026-04-23T09:59");
    OPEN_AT(kb, "2026-04-23T10:00");
    OPEN_AT(kb, "2026-04-23T17:59");
    CLOSED_AT(kb, "2026-04-23T18:00");
    CLOSED_AT(kb, "2026-04-23T21:00");
    CHECK_EQ_STR(hours_holiday_name(kb, ist("2026-04-23T12:00")),
                 "Ulusal Egemenlik ve Çocuk Bayramı");
    /* the day after is ordinary again */
    OPEN_AT(kb, "2026-04-24T09:00");
    OPEN_AT(kb, "2026-04-24T21:00");

    /* the first day of each bayram is closed all day */
    CLOSED_AT(kb, "2026-03-20T00:00");
    CLOSED_AT(kb, "2026-03-20T12:00");
    CLOSED_AT(kb, "2026-03-20T23:59");
    CHECK_EQ_STR(hours_holiday_name(kb, ist("2026-03-20T12:00")), "Ramazan Bayramı 1. gün");
    CLOSED_AT(kb, "2026-05-27T12:00");
    CHECK_EQ_STR(hours_holiday_name(kb, ist("2026-05-27T12:00")), "Kurban Bayramı 1. gün");
    /* later bayram days: reduced hours */
    CLOSED_AT(kb, "2026-03-21T09:30");
    OPEN_AT(kb, "2026-03-21T10:00");
    CLOSED_AT(kb, "2026-03-21T18:00");
    OPEN_AT(kb, "2026-05-30T17:59");
    CLOSED_AT(kb, "2026-05-30T18:00");
    /* the day after the Kurban Bayramı: back to 09:00-22:00 */
    OPEN_AT(kb, "2026-05-31T21:00");

    /* arife: a normal morning, the holiday afternoon closes at 18:00 */
    OPEN_AT(kb, "2026-03-19T09:00");
    OPEN_AT(kb, "2026-03-19T12:59");
    OPEN_AT(kb, "2026-03-19T13:00");
    OPEN_AT(kb, "2026-03-19T17:59");
    CLOSED_AT(kb, "2026-03-19T18:00");
    CLOSED_AT(kb, "2026-03-19T21:00");
    CLOSED_AT(kb, "2026-05-26T18:00");
    /* 28 Ekim afternoon (Cumhuriyet Bayramı arifesi), then 29 Ekim */
    OPEN_AT(kb, "2026-10-28T09:00");
    CLOSED_AT(kb, "2026-10-28T18:00");
    CLOSED_AT(kb, "2026-10-29T09:30");
    OPEN_AT(kb, "2026-10-29T10:00");

    /* a holiday on a bayram day: 19 Mayıs 2027 is also Kurban Bayramı 4. gün */
    CHECK_EQ_STR(hours_holiday_name(kb, ist("2027-05-19T12:00")),
                 "Atatürk'ü Anma, Gençlik ve Spor Bayramı; Kurban Bayramı 4. gün");
    OPEN_AT(kb, "2027-05-19T10:00");
}

/* Every year 2026-2030 lists both bayrams with the first day closed, and the
 * fixed public holidays on their dates. */
static void test_years_complete(const kb_base *kb)
{
    static const char *const fixed[] = {"01-01", "04-23", "05-01", "05-19",
                                        "07-15", "08-30", "10-28", "10-29"};
    size_t n = kb_shop_list_count(kb, "hours.holidays");
    CHECK(n >= 80);
    for (int y = 2026; y <= 2030; y++) {
        int ramazan = 0, kurban = 0, ramazan_days = 0, kurban_days = 0, arife = 0;
        char prefix[8];
        snprintf(prefix, sizeof prefix, "%d-", y);
        for (size_t i = 0; i < n; i++) {
            const char *date = kb_shop_list_string(kb, "hours.holidays", i, "date");
            const char *name = kb_shop_list_string(kb, "hours.holidays", i, "name");
            if (!date || !name || strncmp(date, prefix, 5) != 0)
                continue;
            char noon[32];
            snprintf(noon, sizeof noon, "%sT12:00", date);
            if (strstr(name, "Ramazan Bayramı 1. gün")) {
                ramazan++;
                CHECK_EQ_INT(hours_is_open(kb, ist(noon)), 0);
            }
            if (strstr(name, "Kurban Bayramı 1. gün")) {
                kurban++;
                CHECK_EQ_INT(hours_is_open(kb, ist(noon)), 0);
            }
            if (strstr(name, "Ramazan Bayramı ") && strstr(name, ". gün"))
                ramazan_days++;
            if (strstr(name, "Kurban Bayramı ") && strstr(name, ". gün"))
                kurban_days++;
            if (strstr(name, "arifesi"))
                arife++;
        }
        CHECK_MSG(ramazan == 1 && kurban == 1, "%d: %d Ramazan, %d Kurban first days", y, ramazan,
                  kurban);
        CHECK_MSG(ramazan_days == 3 && kurban_days == 4, "%d: %d Ramazan, %d Kurban days", y,
                  ramazan_days, kurban_days);
        CHECK_MSG(arife == 3, "%d: %d arife half days", y, arife);
        for (size_t f = 0; f < sizeof fixed / sizeof fixed[0]; f++) {
            char noon[32];
            snprintf(noon, sizeof noon, "%d-%sT12:00", y, fixed[f]);
            CHECK_MSG(hours_holiday_name(kb, ist(noon)) != NULL, "no holiday on %s", noon);
        }
    }
}

static void test_next_open(const kb_base *kb)
{
    /* across midnight */
    NEXT(kb, "2026-03-10T22:00", "2026-03-11T09:00", "yarın 09:00'da");
    NEXT(kb, "2026-03-10T23:59", "2026-03-11T09:00", "yarın 09:00'da");
    /* after midnight: today */
    NEXT(kb, "2026-03-11T00:30", "2026-03-11T09:00", "bugün 09:00'da");
    NEXT(kb, "2026-03-11T08:59", "2026-03-11T09:00", "bugün 09:00'da");
    /* while open: the next opening is tomorrow's */
    NEXT(kb, "2026-03-10T09:00", "2026-03-11T09:00", "yarın 09:00'da");
    NEXT(kb, "2026-03-10T12:00", "2026-03-11T09:00", "yarın 09:00'da");
    /* arife evening, over the closed first bayram day, to the reduced second */
    NEXT(kb, "2026-03-19T18:00", "2026-03-21T10:00", "21 Mart Cumartesi 10:00'da");
    NEXT(kb, "2026-03-20T12:00", "2026-03-21T10:00", "yarın 10:00'da");
    NEXT(kb, "2026-05-26T20:00", "2026-05-28T10:00", "28 Mayıs Perşembe 10:00'da");
    /* a holiday morning: today, at the reduced opening */
    NEXT(kb, "2026-04-23T08:00", "2026-04-23T10:00", "bugün 10:00'da");
    /* the evening before a holiday */
    NEXT(kb, "2026-04-22T23:00", "2026-04-23T10:00", "yarın 10:00'da");
    /* new year's eve to Yılbaşı */
    NEXT(kb, "2026-12-31T22:30", "2027-01-01T10:00", "yarın 10:00'da");
}

static void test_override(const kb_base *kb)
{
    CHECK_EQ_INT(hours_mode_parse("auto"), HOURS_AUTO);
    CHECK_EQ_INT(hours_mode_parse("open"), HOURS_OPEN);
    CHECK_EQ_INT(hours_mode_parse("closed"), HOURS_CLOSED);
    CHECK_EQ_INT(hours_mode_parse(NULL), HOURS_AUTO);
    CHECK_EQ_INT(hours_mode_parse(""), HOURS_INVALID);
    CHECK_EQ_INT(hours_mode_parse("Open"), HOURS_INVALID);
    CHECK_EQ_INT(hours_mode_parse("kapali"), HOURS_INVALID);

    time_t weekday_noon = ist("2026-03-10T12:00"), night = ist("2026-03-10T23:00");
    time_t bayram = ist("2026-03-20T12:00");
    CHECK_EQ_INT(hours_open_now(kb, HOURS_AUTO, weekday_noon), 1);
    CHECK_EQ_INT(hours_open_now(kb, HOURS_AUTO, night), 0);
    CHECK_EQ_INT(hours_open_now(kb, HOURS_AUTO, bayram), 0);
    CHECK_EQ_INT(hours_open_now(kb, HOURS_OPEN, night), 1);
    CHECK_EQ_INT(hours_open_now(kb, HOURS_OPEN, bayram), 1);
    CHECK_EQ_INT(hours_open_now(kb, HOURS_CLOSED, weekday_noon), 0);
    CHECK_EQ_INT(hours_open_now(kb, HOURS_INVALID, weekday_noon), 1);
    /* forced closed during the day still has a "back at" answer */
    time_t when;
    CHECK_STATUS(hours_next_open(kb, weekday_noon, &when), DS_OK);
    CHECK_EQ_INT(when, ist("2026-03-11T09:00"));
}

static void test_describe(const kb_base *kb)
{
    const char *now = "2026-03-10T23:00";
    DESCRIBE(kb, now, "2026-03-10T23:30", "bugün 23:30'da");
    DESCRIBE(kb, now, "2026-03-11T09:00", "yarın 09:00'da");
    DESCRIBE(kb, now, "2026-03-11T10:00", "yarın 10:00'da");
    DESCRIBE(kb, now, "2026-03-11T12:00", "yarın 12:00'de");
    DESCRIBE(kb, now, "2026-03-11T13:00", "yarın 13:00'te");
    DESCRIBE(kb, now, "2026-03-11T14:00", "yarın 14:00'te");
    DESCRIBE(kb, now, "2026-03-11T15:00", "yarın 15:00'te");
    DESCRIBE(kb, now, "2026-03-11T16:00", "yarın 16:00'da");
    DESCRIBE(kb, now, "2026-03-11T18:00", "yarın 18:00'de");
    DESCRIBE(kb, now, "2026-03-11T19:00", "yarın 19:00'da");
    DESCRIBE(kb, now, "2026-03-11T20:00", "yarın 20:00'de");
    DESCRIBE(kb, now, "2026-03-11T08:00", "yarın 08:00'de");
    DESCRIBE(kb, now, "2026-03-11T00:00", "yarın 00:00'da");
    DESCRIBE(kb, now, "2026-03-11T09:30", "yarın 09:30'da");
    DESCRIBE(kb, now, "2026-03-11T09:15", "yarın 09:15'te");
    DESCRIBE(kb, now, "2026-03-11T09:40", "yarın 09:40'ta");
    DESCRIBE(kb, now, "2026-03-11T09:45", "yarın 09:45'te");
    DESCRIBE(kb, now, "2026-03-11T09:50", "yarın 09:50'de");
    DESCRIBE(kb, now, "2026-03-11T09:20", "yarın 09:20'de");
    DESCRIBE(kb, now, "2026-03-11T09:10", "yarın 09:10'da");
    DESCRIBE(kb, now, "2026-03-12T09:00", "12 Mart Perşembe 09:00'da");
    DESCRIBE(kb, now, "2026-03-21T10:00", "21 Mart Cumartesi 10:00'da");
    /* another year: with the year */
    DESCRIBE(kb, "2026-12-30T23:00", "2027-01-02T09:00", "2 Ocak 2027 Cumartesi 09:00'da");
    DESCRIBE(kb, "2026-12-31T23:00", "2027-01-01T10:00", "yarın 10:00'da");
    /* "today" follows Istanbul's date, not UTC's: 01:00 Istanbul is the
     * previous day in UTC */
    DESCRIBE(kb, "2026-03-11T01:00", "2026-03-11T09:00", "bugün 09:00'da");
}

/* ---- small configurations -------------------------------------------------- */

static void test_no_hours(void)
{
    kb_base *kb = kb_with_hours("{}");
    CHECK(kb != NULL);
    if (!kb)
        return;
    CHECK_EQ_INT(hours_check(kb, print_diag, NULL), 0);
    CHECK_EQ_INT(hours_is_open(kb, ist("2026-03-20T03:00")), 1); /* never closes */
    time_t when = 7;
    CHECK_STATUS(hours_next_open(kb, ist("2026-03-20T03:00"), &when), DS_ENOTFOUND);
    CHECK_EQ_INT(when, 7);
    kb_free(kb);
}

static void test_custom_week(void)
{
    /* open Monday into midnight, on through Tuesday morning, then Wednesday;
     * closed the rest of the week */
    kb_base *kb = kb_with_hours(
        "{\"timezone\": \"Europe/Istanbul\", \"weekly\": {"
        "\"mon\": {\"open\": \"09:00\", \"close\": \"24:00\"},"
        "\"tue\": {\"open\": \"00:00\", \"close\": \"12:00\"},"
        "\"wed\": {\"open\": \"09:30\", \"close\": \"17:00\"},"
        "\"thu\": {\"open\": null}, \"fri\": {\"open\": null}, \"sat\": {\"open\": null},"
        "\"sun\": {\"open\": null}},"
        "\"holidays\": [{\"date\": \"2026-03-18\", \"name\": \"Deneme\", \"open\": null}]}");
    CHECK(kb != NULL);
    if (!kb)
        return;
    CHECK_EQ_INT(hours_check(kb, print_diag, NULL), 0);
    /* Monday 9 March 2026 */
    OPEN_AT(kb, "2026-03-09T23:59");
    OPEN_AT(kb, "2026-03-10T00:00");
    OPEN_AT(kb, "2026-03-10T11:59");
    CLOSED_AT(kb, "2026-03-10T12:00");
    CLOSED_AT(kb, "2026-03-12T12:00"); /* Thursday */
    /* Tuesday 00:00 continues Monday, it is not an opening */
    NEXT(kb, "2026-03-09T10:00", "2026-03-11T09:30", "11 Mart Çarşamba 09:30'da");
    /* Wednesday 18 March is a closed holiday: next Monday */
    NEXT(kb, "2026-03-17T13:00", "2026-03-23T09:00", "23 Mart Pazartesi 09:00'da");
    kb_free(kb);

    /* open only on Mondays, and three Mondays in a row are closed: nothing
     * within the 14-day window */
    kb = kb_with_hours("{\"timezone\": \"Europe/Istanbul\", \"weekly\": {"
                       "\"mon\": {\"open\": \"09:00\", \"close\": \"17:00\"}},"
                       "\"holidays\": ["
                       "{\"date\": \"2026-03-16\", \"name\": \"A\", \"open\": null},"
                       "{\"date\": \"2026-03-23\", \"name\": \"B\", \"open\": null},"
                       "{\"date\": \"2026-03-30\", \"name\": \"C\", \"open\": null}]}");
    CHECK(kb != NULL);
    if (!kb)
        return;
    CHECK_EQ_INT(hours_check(kb, print_diag, NULL), 0);
    NEXT(kb, "2026-03-09T18:00", NULL, NULL);
    NEXT(kb, "2026-03-25T18:00", "2026-04-06T09:00", "6 Nisan Pazartesi 09:00'da");
    kb_free(kb);
}

static void test_other_offset(void)
{
    /* a shop on UTC: 09:00-17:00 is 12:00-20:00 Istanbul time */
    kb_base *kb = kb_with_hours("{\"timezone\": \"Etc/UTC\", \"utc_offset\": \"+00:00\","
                                " \"open\": \"09:00\", \"close\": \"17:00\"}");
    CHECK(kb != NULL);
    if (!kb)
        return;
    CHECK_EQ_INT(hours_check(kb, print_diag, NULL), 0);
    CLOSED_AT(kb, "2026-03-10T11:59");
    OPEN_AT(kb, "2026-03-10T12:00");
    OPEN_AT(kb, "2026-03-10T19:59");
    CLOSED_AT(kb, "2026-03-10T20:00");
    /* 01:00 Istanbul on the 11th is 22:00 UTC on the 10th: "yarın" in UTC */
    NEXT(kb, "2026-03-11T01:00", "2026-03-11T12:00", "yarın 09:00'da");
    kb_free(kb);
}

/* A zone with summer time, from the system's database: opening hours follow
 * the wall clock through the changes (29 March and 25 October 2026). */
static void test_summer_time(void)
{
    kb_base *kb = kb_with_hours("{\"timezone\": \"Europe/Berlin\","
                                " \"open\": \"09:00\", \"close\": \"17:00\"}");
    CHECK(kb != NULL);
    if (!kb)
        return;
    CHECK_EQ_INT(hours_check(kb, print_diag, NULL), 0);
    /* winter: 09:00 in Berlin is 08:00 UTC, 11:00 in Istanbul */
    CLOSED_AT(kb, "2026-03-10T10:59");
    OPEN_AT(kb, "2026-03-10T11:00");
    CLOSED_AT(kb, "2026-03-10T19:00");
    /* summer: 09:00 in Berlin is 07:00 UTC, 10:00 in Istanbul */
    CLOSED_AT(kb, "2026-07-01T09:59");
    OPEN_AT(kb, "2026-07-01T10:00");
    OPEN_AT(kb, "2026-07-01T17:59");
    CLOSED_AT(kb, "2026-07-01T18:00");
    /* after closing on Saturday 28 March the clocks go forward: Sunday opens
     * at 09:00 Berlin summer time */
    NEXT(kb, "2026-03-28T20:00", "2026-03-29T10:00", "yarın 09:00'da");
    /* the last transition in the file is long past by 2040: the TZ rule */
    CLOSED_AT(kb, "2040-07-02T09:59");
    OPEN_AT(kb, "2040-07-02T10:00");
    kb_free(kb);
    /* a zone the database does not have is a load error, not a silent UTC */
    CHECK(kb_with_hours("{\"timezone\": \"Europe/Nowhere\", \"open\": \"09:00\","
                        " \"close\": \"17:00\"}") == NULL);
}

typedef struct bad_case {
    const char *name;
    const char *hours;
    int problems;
    const char *field; /* of the first problem */
} bad_case;

#define WEEK_OK                                             \
    "\"mon\": {\"open\": \"09:00\", \"close\": \"22:00\"}," \
    "\"tue\": {\"open\": \"09:00\", \"close\": \"22:00\"}"
#define TZ "\"timezone\": \"Europe/Istanbul\", "

static const bad_case bad_cases[] = {
    {"valid",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-01-01\", \"name\": \"Yılbaşı\", \"open\": \"10:00\", "
     "\"close\": \"18:00\"},"
     "{\"date\": \"2026-03-20\", \"name\": \"Ramazan Bayramı 1. gün\", \"open\": null}]}",
     0, NULL},
    {"time without leading zero",
     "{" TZ "\"weekly\": {\"mon\": {\"open\": \"9:00\", "
     "\"close\": \"22:00\"}}}",
     1, "hours.weekly.mon.open"},
    {"hour 25", "{" TZ "\"weekly\": {\"mon\": {\"open\": \"09:00\", \"close\": \"25:00\"}}}", 1,
     "hours.weekly.mon.close"},
    {"minute 60", "{" TZ "\"weekly\": {\"sun\": {\"open\": \"09:60\", \"close\": \"22:00\"}}}", 1,
     "hours.weekly.sun.open"},
    {"open at 24:00", "{" TZ "\"weekly\": {\"mon\": {\"open\": \"24:00\", \"close\": \"24:00\"}}}",
     1, "hours.weekly.mon.open"},
    {"close before open",
     "{" TZ "\"weekly\": {\"mon\": {\"open\": \"22:00\", "
     "\"close\": \"09:00\"}}}",
     1, "hours.weekly.mon.close"},
    {"close equals open",
     "{" TZ "\"weekly\": {" WEEK_OK ", \"wed\": {\"open\": \"09:00\", "
     "\"close\": \"09:00\"}}}",
     1, "hours.weekly.wed.close"},
    {"open without close", "{" TZ "\"weekly\": {" WEEK_OK ", \"fri\": {\"open\": \"09:00\"}}}", 1,
     "hours.weekly.fri.close"},
    {"close without open", "{" TZ "\"weekly\": {" WEEK_OK ", \"sat\": {\"close\": \"18:00\"}}}", 1,
     "hours.weekly.sat.open"},
    {"no opening hours", "{" TZ "\"holidays\": []}", 1, "hours.weekly"},
    {"old open/close, bad", "{" TZ "\"open\": \"09:00\", \"close\": \"08:00\"}", 1, "hours.close"},
    {"text disagrees with week",
     "{" TZ "\"open\": \"08:00\", \"close\": \"22:00\", \"weekly\": {"
     "\"mon\": {\"open\": \"09:00\", \"close\": \"22:00\"},"
     "\"tue\": {\"open\": \"09:00\", \"close\": \"22:00\"},"
     "\"wed\": {\"open\": \"09:00\", \"close\": \"22:00\"},"
     "\"thu\": {\"open\": \"09:00\", \"close\": \"22:00\"},"
     "\"fri\": {\"open\": \"09:00\", \"close\": \"22:00\"},"
     "\"sat\": {\"open\": \"09:00\", \"close\": \"22:00\"},"
     "\"sun\": {\"open\": \"09:00\", \"close\": \"22:00\"}}}",
     1, "hours.open"},
    {"unsorted dates",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-04-23\", \"name\": \"A\", \"open\": null},"
     "{\"date\": \"2026-01-01\", \"name\": \"B\", \"open\": null}]}",
     1, "hours.holidays[1].date"},
    {"duplicate date",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-01-01\", \"name\": \"A\", \"open\": null},"
     "{\"date\": \"2026-04-23\", \"name\": \"B\", \"open\": null},"
     "{\"date\": \"2026-04-23\", \"name\": \"C\", \"open\": null}]}",
     1, "hours.holidays[2].date"},
    {"no such day",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-02-30\", \"name\": \"A\", \"open\": null}]}",
     1, "hours.holidays[0].date"},
    {"date with time",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-03-20T00:00\", \"name\": \"A\", \"open\": null}]}",
     1, "hours.holidays[0].date"},
    {"date missing",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"name\": \"A\", \"open\": null}]}",
     1, "hours.holidays[0].date"},
    {"name missing",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-03-20\", \"open\": null}]}",
     1, "hours.holidays[0].name"},
    {"holiday closes before it opens",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-03-21\", \"name\": \"A\", "
     "\"open\": \"18:00\", \"close\": \"10:00\"}]}",
     1, "hours.holidays[0].close"},
    {"holiday bad time",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-03-21\", \"name\": \"A\", "
     "\"open\": \"10.00\", \"close\": \"18:00\"}]}",
     1, "hours.holidays[0].open"},
    {"holiday close only",
     "{" TZ "\"weekly\": {" WEEK_OK "}, \"holidays\": ["
     "{\"date\": \"2026-03-21\", \"name\": \"A\", \"open\": null, "
     "\"close\": \"18:00\"}]}",
     1, "hours.holidays[0].open"},
    {"holidays as text",
     "{" TZ "\"weekly\": {" WEEK_OK "}, "
     "\"holidays\": \"resmî tatillerde de\"}",
     1, "hours.holidays"},
    {"bad offset", "{" TZ "\"utc_offset\": \"+3\", \"weekly\": {" WEEK_OK "}}", 1,
     "hours.utc_offset"},
    {"Istanbul is +03:00", "{" TZ "\"utc_offset\": \"+02:00\", \"weekly\": {" WEEK_OK "}}", 1,
     "hours.utc_offset"},
    {"Berlin's standard offset is +01:00",
     "{\"timezone\": \"Europe/Berlin\", \"utc_offset\": \"+02:00\", \"weekly\": {" WEEK_OK "}}", 1,
     "hours.utc_offset"},
    {"several problems",
     "{" TZ "\"weekly\": {\"mon\": {\"open\": \"9\", \"close\": \"x\"}}, "
     "\"holidays\": ["
     "{\"date\": \"2026-05-01\", \"name\": \"A\", \"open\": null},"
     "{\"date\": \"2026-01-01\", \"open\": null}]}",
     4, "hours.weekly.mon.open"},
};

static void test_check_cases(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        CHECK_CONTEXT(c->name);
        kb_base *kb = kb_with_hours(c->hours);
        CHECK(kb != NULL);
        if (!kb)
            continue;
        diag_log dl;
        memset(&dl, 0, sizeof dl);
        int n = hours_check(kb, log_diag, &dl);
        CHECK_EQ_INT(n, c->problems);
        CHECK_EQ_INT(dl.errors, c->problems);
        CHECK_EQ_INT(dl.warnings, 0);
        if (c->field) {
            CHECK_EQ_STR(dl.first.field, c->field);
            CHECK_EQ_STR(dl.first.file, "shop.json");
            CHECK_STATUS(dl.first.status, DS_EKB);
            CHECK(dl.first.message[0] != '\0');
        }
        /* a NULL diag still counts */
        CHECK_EQ_INT(hours_check(kb, NULL, NULL), c->problems);
        kb_free(kb);
    }
    CHECK_CONTEXT("");
}

int main(void)
{
    kb_base *kb = shipped_kb();
    CHECK(kb != NULL);
    if (kb) {
        test_shipped_valid(kb);
        test_weekday_edges(kb);
        test_holidays(kb);
        test_years_complete(kb);
        test_next_open(kb);
        test_override(kb);
        test_describe(kb);
        kb_free(kb);
    }
    test_no_hours();
    test_custom_week();
    test_other_offset();
    test_summer_time();
    test_check_cases();
    return CHECK_MAIN_RESULT();
}
