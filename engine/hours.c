/* SPDX-License-Identifier: MIT */
/* Working hours from shop.json: open/closed at a moment, the next opening,
 * its Turkish wording, and validation of the configuration. Local days and
 * times are the shop's time zone (kb_zone, from the system's time-zone
 * database). Pure functions over a read-only kb_base; any thread. */
#include "hours.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "tpl.h"

#define DAY_SECS 86400L

/* shop.json keys of the weekdays, indexed by days-since-epoch mod 7
 * (1970-01-01 was a Thursday). */
static const char *const weekday_keys[7] = {"thu", "fri", "sat", "sun", "mon", "tue", "wed"};
/* The same keys in calendar order, for validation messages. */
static const char *const week_order[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* One day's opening period in seconds after local midnight; open < 0 when
 * closed all day. */
typedef struct day_span {
    long open;
    long close;
} day_span;

hours_mode hours_mode_parse(const char *s)
{
    static const struct {
        const char *name;
        hours_mode mode;
    } modes[] = {{"auto", HOURS_AUTO}, {"open", HOURS_OPEN}, {"closed", HOURS_CLOSED}};
    if (!s)
        return HOURS_AUTO;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(s, modes[i].name) == 0)
            return modes[i].mode;
    return HOURS_INVALID;
}

/* ---- small parsers ------------------------------------------------------ */

static int two_digits(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

/* "HH:MM" to seconds after midnight; "24:00" only when allow_end. */
static int parse_hhmm(const char *s, int allow_end, long *secs)
{
    int h, m;
    if (!s || strlen(s) != 5 || s[2] != ':' || two_digits(s, &h) || two_digits(s + 3, &m))
        return -1;
    if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_end)))
        return -1;
    *secs = h * 3600L + m * 60L;
    return 0;
}

static void iso_date(long days, char buf[16])
{
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* A real calendar date written exactly "YYYY-MM-DD"; its day count. */
static int parse_date(const char *s, long *days)
{
    long secs;
    char back[16];
    if (!s || strlen(s) != 10 || tpl_parse_iso(s, days, &secs, NULL) != 0)
        return -1;
    iso_date(*days, back);
    return strcmp(back, s) == 0 ? 0 : -1; /* rejects 2026-02-30 */
}

/* ---- reading the configuration ------------------------------------------ */

static const char *weekly_field(const kb_base *kb, const char *day, const char *field)
{
    char path[64];
    snprintf(path, sizeof path, "hours.weekly.%s.%s", day, field);
    return kb_shop_string(kb, path);
}

static int has_weekly(const kb_base *kb)
{
    for (int i = 0; i < 7; i++)
        if (weekly_field(kb, week_order[i], "open") || weekly_field(kb, week_order[i], "close"))
            return 1;
    return 0;
}

static int configured(const kb_base *kb)
{
    return kb_shop_string(kb, "hours.timezone") || kb_shop_string(kb, "hours.utc_offset") ||
           kb_shop_string(kb, "hours.open") || kb_shop_string(kb, "hours.close") ||
           has_weekly(kb) || kb_shop_list_count(kb, "hours.holidays") > 0;
}

static day_span span_of(const char *open, const char *close)
{
    day_span sp = {-1, -1};
    long o, c;
    if (parse_hhmm(open, 0, &o) == 0 && parse_hhmm(close, 1, &c) == 0 && c > o) {
        sp.open = o;
        sp.close = c;
    }
    return sp; /* a bad entry reads as closed; hours_check reports it */
}

/* Index of the holiday entry for `day`, or -1. */
static long holiday_index(const kb_base *kb, long day)
{
    char iso[16];
    iso_date(day, iso);
    size_t n = kb_shop_list_count(kb, "hours.holidays");
    for (size_t i = 0; i < n; i++) {
        const char *d = kb_shop_list_string(kb, "hours.holidays", i, "date");
        if (d && strcmp(d, iso) == 0)
            return (long)i;
    }
    return -1;
}

/* The opening period of a local day: its holiday entry, else its weekday in
 * hours.weekly, else hours.open/hours.close for every day. */
static day_span span_for_day(const kb_base *kb, long day)
{
    long h = holiday_index(kb, day);
    if (h >= 0)
        return span_of(kb_shop_list_string(kb, "hours.holidays", (size_t)h, "open"),
                       kb_shop_list_string(kb, "hours.holidays", (size_t)h, "close"));
    if (has_weekly(kb)) {
        const char *key = weekday_keys[((day % 7) + 7) % 7];
        return span_of(weekly_field(kb, key, "open"), weekly_field(kb, key, "close"));
    }
    return span_of(kb_shop_string(kb, "hours.open"), kb_shop_string(kb, "hours.close"));
}

/* The shop's local day and the seconds since its midnight at instant t. */
static void local_split(const kb_base *kb, long long t, long *day, long *sec)
{
    clock_local l;
    clock_to_local(kb_zone(kb), t, &l);
    *day = (long)l.days;
    *sec = l.secs;
}

/* ---- queries --------------------------------------------------------------- */

int hours_is_open(const kb_base *kb, time_t now)
{
    if (!configured(kb))
        return 1;
    long day, sec;
    local_split(kb, (long long)now, &day, &sec);
    day_span sp = span_for_day(kb, day);
    return sp.open >= 0 && sec >= sp.open && sec < sp.close;
}

int hours_open_now(const kb_base *kb, hours_mode mode, time_t now)
{
    switch (mode) {
    case HOURS_OPEN: return 1;
    case HOURS_CLOSED: return 0;
    default: return hours_is_open(kb, now);
    }
}

ds_status hours_next_open(const kb_base *kb, time_t now, time_t *when)
{
    if (!configured(kb))
        return DS_ENOTFOUND;
    long today, sec;
    local_split(kb, (long long)now, &today, &sec);
    day_span prev = span_for_day(kb, today - 1);
    for (long k = 0; k <= HOURS_SEARCH_DAYS; k++) {
        day_span sp = span_for_day(kb, today + k);
        /* 00:00 after a day that closed at 24:00 continues, it does not open */
        int opens = sp.open >= 0 && !(sp.open == 0 && prev.close == DAY_SECS);
        if (opens && (k > 0 || sp.open > sec)) {
            *when = (time_t)clock_from_local(kb_zone(kb), today + k, sp.open);
            return DS_OK;
        }
        prev = sp;
    }
    return DS_ENOTFOUND;
}

const char *hours_holiday_name(const kb_base *kb, time_t now)
{
    long day, sec;
    local_split(kb, (long long)now, &day, &sec);
    long h = holiday_index(kb, day);
    return h < 0 ? NULL : kb_shop_list_string(kb, "hours.holidays", (size_t)h, "name");
}

/* The locative suffix after a number as Turkish reads it: by its last word
 * (bir-de, iki-de, üç-te, dört-te, beş-te, altı-da, yedi-de, sekiz-de,
 * dokuz-da; on-da, yirmi-de, otuz-da, kırk-ta, elli-de; sıfır-da). */
static const char *locative_after(int n)
{
    static const char *const ones[10] = {"da", "de", "de", "te", "te",
                                         "te", "da", "de", "de", "da"};
    static const char *const tens[6] = {"da", "da", "de", "da", "ta", "de"};
    if (n % 10)
        return ones[n % 10];
    return tens[(n / 10) % 6];
}

void hours_describe_next(const kb_base *kb, time_t now, time_t when, ds_buf *out)
{
    long dnow, snow, dwhen, swhen;
    local_split(kb, (long long)now, &dnow, &snow);
    local_split(kb, (long long)when, &dwhen, &swhen);
    if (dwhen == dnow) {
        ds_buf_puts(out, "bugün ");
    } else if (dwhen == dnow + 1) {
        ds_buf_puts(out, "yarın ");
    } else {
        char iso[16];
        int yn, yw, m, d;
        clock_civil_from_days(dnow, &yn, &m, &d);
        clock_civil_from_days(dwhen, &yw, &m, &d);
        iso_date(dwhen, iso);
        tpl_append_date(out, iso, yn != yw);
        ds_buf_puts(out, " ");
    }
    int h = (int)(swhen / 3600), mi = (int)(swhen / 60 % 60);
    ds_buf_printf(out, "%02d:%02d'%s", h, mi, locative_after(mi ? mi : h));
}

/* ---- validation ------------------------------------------------------------ */

typedef struct check_ctx {
    kb_diag_fn diag;
    void *ctx;
    int problems;
} check_ctx;

static void problem(check_ctx *cc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(check_ctx *cc, const char *field, const char *fmt, ...)
{
    ds_error e;
    memset(&e, 0, sizeof e);
    e.status = DS_EKB;
    snprintf(e.file, sizeof e.file, "shop.json");
    snprintf(e.field, sizeof e.field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    cc->problems++;
    if (cc->diag)
        cc->diag(cc->ctx, 1, &e);
}

/* Checks an open/close pair at `base` ("hours.weekly.mon"). A pair with
 * neither is a closed day. Returns 1 and the span when the pair is valid and
 * open. */
static int check_pair(check_ctx *cc, const char *base, const char *open, const char *close,
                      day_span *sp)
{
    char path[160];
    long o = 0, c = 0;
    int ok = 1;
    if (!open && !close)
        return 0;
    if (!open) {
        snprintf(path, sizeof path, "%s.open", base);
        problem(cc, path,
                "\"close\" without \"open\" (a closed day has \"open\": null and no "
                "\"close\")");
        return 0;
    }
    if (!close) {
        snprintf(path, sizeof path, "%s.close", base);
        problem(cc, path, "\"open\" without \"close\"");
        return 0;
    }
    if (parse_hhmm(open, 0, &o) != 0) {
        snprintf(path, sizeof path, "%s.open", base);
        problem(cc, path, "bad time \"%s\": write HH:MM, 00:00-23:59", open);
        ok = 0;
    }
    if (parse_hhmm(close, 1, &c) != 0) {
        snprintf(path, sizeof path, "%s.close", base);
        problem(cc, path, "bad time \"%s\": write HH:MM, 00:00-24:00", close);
        ok = 0;
    }
    if (ok && c <= o) {
        snprintf(path, sizeof path, "%s.close", base);
        problem(cc, path,
                "closes at %s, not after it opens at %s (a day cannot run past "
                "midnight: close at \"24:00\" and open the next day at \"00:00\")",
                close, open);
        ok = 0;
    }
    if (ok && sp) {
        sp->open = o;
        sp->close = c;
    }
    return ok;
}

/* utc_offset only stands in where the system has no time-zone database, so
 * it must be the zone's standard offset. */
static void check_zone(check_ctx *cc, const kb_base *kb)
{
    const char *offs = kb_shop_string(kb, "hours.utc_offset");
    long off = 0;
    if (offs && clock_parse_offset(offs, &off) != 0) {
        problem(cc, "hours.utc_offset", "bad offset \"%s\": write +HH:MM or -HH:MM", offs);
        return;
    }
    const clock_zone *z = kb_zone(kb);
    long std = z ? clock_zone_std_offset(z) : off;
    if (offs && off != std)
        problem(cc, "hours.utc_offset", "%s is not %s's standard offset %+03ld:%02ld", offs,
                clock_zone_name(z), std / 3600, (std < 0 ? -std : std) / 60 % 60);
}

static void check_week(check_ctx *cc, const kb_base *kb)
{
    char base[64];
    day_span spans[7];
    int open_days = 0, same = 1, before = cc->problems;
    if (!has_weekly(kb)) {
        /* the older form: hours.open/hours.close for every day */
        day_span sp = {-1, -1};
        if (!check_pair(cc, "hours", kb_shop_string(kb, "hours.open"),
                        kb_shop_string(kb, "hours.close"), &sp) &&
            !kb_shop_string(kb, "hours.open") && !kb_shop_string(kb, "hours.close"))
            problem(cc, "hours.weekly",
                    "no opening hours: give \"weekly\" (or \"open\" and "
                    "\"close\" for every day)");
        return;
    }
    for (int i = 0; i < 7; i++) {
        snprintf(base, sizeof base, "hours.weekly.%s", week_order[i]);
        spans[i].open = spans[i].close = -1;
        if (check_pair(cc, base, weekly_field(kb, week_order[i], "open"),
                       weekly_field(kb, week_order[i], "close"), &spans[i]))
            open_days++;
        if (spans[i].open != spans[0].open || spans[i].close != spans[0].close)
            same = 0;
    }
    if (!open_days) {
        if (cc->problems == before) /* not just a consequence of a bad day */
            problem(cc, "hours.weekly",
                    "no weekday has opening hours (keys mon, tue, wed, "
                    "thu, fri, sat, sun)");
        return;
    }
    /* The answers quote hours.open/hours.close; with one set of hours for the
     * whole week they must say the same. */
    const char *text_open = kb_shop_string(kb, "hours.open");
    const char *text_close = kb_shop_string(kb, "hours.close");
    long o, c;
    if (same && text_open && parse_hhmm(text_open, 0, &o) == 0 && o != spans[0].open)
        problem(cc, "hours.open", "says %s but every day of hours.weekly opens at %02ld:%02ld",
                text_open, spans[0].open / 3600, spans[0].open / 60 % 60);
    if (same && text_close && parse_hhmm(text_close, 1, &c) == 0 && c != spans[0].close)
        problem(cc, "hours.close", "says %s but every day of hours.weekly closes at %02ld:%02ld",
                text_close, spans[0].close / 3600, spans[0].close / 60 % 60);
}

static void check_holidays(check_ctx *cc, const kb_base *kb)
{
    size_t n = kb_shop_list_count(kb, "hours.holidays");
    if (n == 0 && kb_shop_string(kb, "hours.holidays")) {
        problem(cc, "hours.holidays",
                "must be an array of {\"date\", \"name\", \"open\", "
                "\"close\"} (the text for answers is "
                "\"holidays_text\")");
        return;
    }
    long prev = 0;
    const char *prev_text = NULL;
    char base[64], path[96];
    for (size_t i = 0; i < n; i++) {
        snprintf(base, sizeof base, "hours.holidays[%zu]", i);
        const char *date = kb_shop_list_string(kb, "hours.holidays", i, "date");
        const char *name = kb_shop_list_string(kb, "hours.holidays", i, "name");
        long day;
        snprintf(path, sizeof path, "%s.date", base);
        if (!date) {
            problem(cc, path, "missing: each holiday has a \"date\" (YYYY-MM-DD)");
        } else if (parse_date(date, &day) != 0) {
            problem(cc, path, "bad date \"%s\": write YYYY-MM-DD, a real day", date);
        } else {
            if (prev_text && day == prev)
                problem(cc, path,
                        "duplicate date %s: give one entry per day (join the "
                        "names)",
                        date);
            else if (prev_text && day < prev)
                problem(cc, path, "dates must increase: %s comes after %s", date, prev_text);
            prev = day;
            prev_text = date;
        }
        if (!name || !*name) {
            snprintf(path, sizeof path, "%s.name", base);
            problem(cc, path, "missing: each holiday has a Turkish \"name\"");
        }
        check_pair(cc, base, kb_shop_list_string(kb, "hours.holidays", i, "open"),
                   kb_shop_list_string(kb, "hours.holidays", i, "close"), NULL);
    }
}

int hours_check(const kb_base *kb, kb_diag_fn diag, void *ctx)
{
    check_ctx cc = {diag, ctx, 0};
    if (!configured(kb) && !kb_shop_string(kb, "hours.holidays"))
        return 0;
    check_zone(&cc, kb);
    check_week(&cc, kb);
    check_holidays(&cc, kb);
    return cc.problems;
}
