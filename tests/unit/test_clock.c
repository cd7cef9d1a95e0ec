/* SPDX-License-Identifier: MIT */
/* The clock module against the system's time-zone database: offsets across
 * Türkiye's history and Berlin's summer time (from the transitions and from
 * the TZ rule beyond them), wall time both ways, shop-local ISO 8601 across
 * midnight, and TZif files that are broken in every way we could think of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"

static long long at(const char *iso)
{
    clock_zone *utc = clock_zone_fixed(0, "UTC");
    long long t = 0;
    if (!utc || clock_parse(utc, iso, &t) != 0) {
        fprintf(stderr, "bad test time %s\n", iso);
        abort();
    }
    clock_zone_free(utc);
    return t;
}

static clock_zone *load(const char *name)
{
    clock_zone *z = NULL;
    ds_error err;
    ds_status st = clock_zone_load(NULL, name, &z, &err);
    CHECK_MSG(st == DS_OK, "%s: %s", name, err.message);
    return z;
}

static void test_istanbul(void)
{
    clock_zone *z = load("Europe/Istanbul");
    if (!z)
        return;
    CHECK_EQ_STR(clock_zone_name(z), "Europe/Istanbul");
    CHECK_EQ_INT(clock_offset_at(z, at("2026-12-02T00:00:00Z")), 3 * 3600);
    CHECK_EQ_INT(clock_offset_at(z, at("2026-07-01T00:00:00Z")), 3 * 3600);
    /* before 2016 Türkiye had summer time: +02:00 in winter, +03:00 in summer */
    CHECK_EQ_INT(clock_offset_at(z, at("2015-01-15T12:00:00Z")), 2 * 3600);
    CHECK_EQ_INT(clock_offset_at(z, at("2015-07-15T12:00:00Z")), 3 * 3600);
    CHECK_EQ_INT(clock_zone_std_offset(z), 3 * 3600);
    /* an event at 21:40Z is 00:40 the next day in Istanbul */
    char iso[CLOCK_ISO_LEN];
    clock_iso(z, at("2026-11-30T21:40:00Z"), iso);
    CHECK_EQ_STR(iso, "2026-12-01T00:40:00+03:00");
    CHECK_EQ_INT(clock_localise(z, "2026-11-30T22:17:00Z", iso), 0);
    CHECK_EQ_STR(iso, "2026-12-01T01:17:00+03:00");
    CHECK_EQ_INT(clock_localise(z, "2026-11-30T22:17:00+01:00", iso), 0);
    CHECK_EQ_STR(iso, "2026-12-01T00:17:00+03:00");
    CHECK_EQ_INT(clock_localise(z, "2026-11-30", iso), 0); /* a day stays a day */
    CHECK_EQ_STR(iso, "2026-11-30");
    CHECK_EQ_INT(clock_localise(z, "30.11.2026", iso), -1);
    clock_local l;
    clock_to_local(z, at("2026-11-30T22:17:00Z"), &l);
    CHECK_EQ_INT(l.year, 2026);
    CHECK_EQ_INT(l.month, 12);
    CHECK_EQ_INT(l.day, 1);
    CHECK_EQ_INT(l.hour, 1);
    CHECK_EQ_INT(l.min, 17);
    CHECK_EQ_INT(l.wday, 1); /* Tuesday */
    /* a time without an offset is the shop's wall time */
    long long t;
    CHECK_EQ_INT(clock_parse(z, "2026-12-01T01:17:00", &t), 0);
    CHECK_EQ_INT(t, at("2026-11-30T22:17:00Z"));
    CHECK_EQ_INT(clock_parse(z, "2026-12-01", &t), 0);
    CHECK_EQ_INT(t, at("2026-11-30T21:00:00Z"));
    CHECK_EQ_INT(clock_parse(z, "2026-02-30", &t), -1);
    CHECK_EQ_INT(clock_parse(z, "2026-12-01T25:00:00Z", &t), -1);
    CHECK_EQ_INT(clock_parse(z, "2026-12-01T01:17:00+0300", &t), 0);
    CHECK_EQ_INT(t, at("2026-11-30T22:17:00Z"));
    clock_zone_free(z);
}

static void test_berlin(void)
{
    clock_zone *z = load("Europe/Berlin");
    if (!z)
        return;
    CHECK_EQ_INT(clock_offset_at(z, at("2026-01-15T12:00:00Z")), 3600);
    CHECK_EQ_INT(clock_offset_at(z, at("2026-07-15T12:00:00Z")), 7200);
    /* the change on 29 March 2026 at 01:00 UTC */
    CHECK_EQ_INT(clock_offset_at(z, at("2026-03-29T00:59:59Z")), 3600);
    CHECK_EQ_INT(clock_offset_at(z, at("2026-03-29T01:00:00Z")), 7200);
    CHECK_EQ_INT(clock_offset_at(z, at("2026-10-25T00:59:59Z")), 7200);
    CHECK_EQ_INT(clock_offset_at(z, at("2026-10-25T01:00:00Z")), 3600);
    /* after the file's last transition the POSIX rule decides */
    CHECK_EQ_INT(clock_offset_at(z, at("2045-07-01T12:00:00Z")), 7200);
    CHECK_EQ_INT(clock_offset_at(z, at("2045-12-01T12:00:00Z")), 3600);
    CHECK_EQ_INT(clock_offset_at(z, at("2045-03-26T00:59:59Z")), 3600); /* last Sunday of March */
    CHECK_EQ_INT(clock_offset_at(z, at("2045-03-26T01:00:00Z")), 7200);
    CHECK_EQ_INT(clock_zone_std_offset(z), 3600);
    /* wall time to instant: ordinary, in the spring gap, in the autumn overlap */
    long long days = clock_days_from_civil(2026, 3, 29);
    CHECK_EQ_INT(clock_from_local(z, days, 12 * 3600), at("2026-03-29T10:00:00Z"));
    CHECK_EQ_INT(clock_from_local(z, days, 2 * 3600 + 1800), at("2026-03-29T01:30:00Z"));
    days = clock_days_from_civil(2026, 10, 25);
    CHECK_EQ_INT(clock_from_local(z, days, 2 * 3600 + 1800), at("2026-10-25T00:30:00Z"));
    char iso[CLOCK_ISO_LEN];
    clock_iso(z, at("2026-07-01T22:30:00Z"), iso);
    CHECK_EQ_STR(iso, "2026-07-02T00:30:00+02:00");
    clock_zone_free(z);
}

static void test_names(void)
{
    clock_zone *z = (clock_zone *)1;
    ds_error err;
    CHECK_STATUS(clock_zone_load(NULL, "Europe/Nowhere", &z, &err), DS_ENOTFOUND);
    CHECK(strstr(err.message, "Europe/Istanbul") != NULL); /* says what a name looks like */
    CHECK(z == (clock_zone *)1);                           /* untouched on failure */
    CHECK_STATUS(clock_zone_load(NULL, "../../etc/passwd", &z, &err), DS_EINPUT);
    CHECK_STATUS(clock_zone_load(NULL, "/etc/passwd", &z, &err), DS_EINPUT);
    CHECK_STATUS(clock_zone_load(NULL, "", &z, &err), DS_EINPUT);
    CHECK_STATUS(clock_zone_load("/nonexistent", "Europe/Istanbul", &z, &err), DS_ENOTFOUND);
    CHECK(strstr(err.message, "tzdata") != NULL);
    long off;
    CHECK_EQ_INT(clock_parse_offset("+03:00", &off), 0);
    CHECK_EQ_INT(off, 10800);
    CHECK_EQ_INT(clock_parse_offset("-05:30", &off), 0);
    CHECK_EQ_INT(off, -19800);
    CHECK_EQ_INT(clock_parse_offset("+3", &off), -1);
    CHECK_EQ_INT(clock_parse_offset("+15:00", &off), -1);
}

static void test_fixed(void)
{
    clock_zone *z = clock_zone_fixed(-5 * 3600 - 1800, "X");
    CHECK(z != NULL);
    if (!z)
        return;
    char iso[CLOCK_ISO_LEN];
    clock_iso(z, at("2026-01-01T03:00:00Z"), iso);
    CHECK_EQ_STR(iso, "2025-12-31T21:30:00-05:30");
    CHECK_EQ_INT(clock_from_local(z, clock_days_from_civil(2025, 12, 31), 21 * 3600 + 1800),
                 at("2026-01-01T03:00:00Z"));
    clock_zone_free(z);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(1 << 20);
    *len = b ? fread(b, 1, 1 << 20, f) : 0;
    fclose(f);
    return b;
}

/* Every prefix of a real file and a few flipped bytes: a clean status or a
 * zone, never a crash (ASan watches). */
static void test_broken_files(void)
{
    size_t len;
    unsigned char *d = slurp("/usr/share/zoneinfo/Europe/Berlin", &len);
    CHECK(d != NULL);
    if (!d)
        return;
    clock_zone *z;
    ds_error err;
    for (size_t n = 0; n < len; n += n < 200 ? 1 : 37) {
        ds_status st = clock_zone_parse(d, n, "cut", &z, &err);
        CHECK(st == DS_OK || st == DS_EINPUT);
        if (st == DS_OK)
            clock_zone_free(z);
    }
    for (size_t i = 0; i < len; i += 13) {
        unsigned char keep = d[i];
        d[i] ^= 0xA5;
        ds_status st = clock_zone_parse(d, len, "flipped", &z, &err);
        CHECK(st == DS_OK || st == DS_EINPUT);
        if (st == DS_OK) {
            clock_offset_at(z, at("2026-07-01T00:00:00Z"));
            clock_offset_at(z, at("2060-07-01T00:00:00Z"));
            clock_zone_free(z);
        }
        d[i] = keep;
    }
    CHECK_STATUS(clock_zone_parse((const unsigned char *)"TZif", 4, "short", &z, &err), DS_EINPUT);
    free(d);
}

/* clock_iso writes its digits by hand: the same text as the printf it
 * replaced, for instants from 1900 to 2200 and offsets either side of UTC. */
static void test_iso_digits(void)
{
    static const long offsets[] = {0, 3 * 3600, -(9 * 3600 + 30 * 60), 14 * 3600, -12 * 3600};
    for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
        clock_zone *z = clock_zone_fixed(offsets[o], "test");
        CHECK(z != NULL);
        if (!z)
            return;
        for (long long t = -2208988800LL; t < 7258118400LL; t += 86400LL * 37 + 3671) {
            char iso[CLOCK_ISO_LEN], want[CLOCK_ISO_LEN];
            clock_local l;
            clock_iso(z, t, iso);
            clock_to_local(z, t, &l);
            long off = l.offset < 0 ? -l.offset : l.offset;
            snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
                     l.year % 10000, l.month, l.day, l.hour, l.min, l.sec, l.offset < 0 ? '-' : '+',
                     off / 3600 % 100, off / 60 % 60);
            CHECK_EQ_STR(iso, want);
        }
        clock_zone_free(z);
    }
}

int main(void)
{
    test_iso_digits();
    test_istanbul();
    test_berlin();
    test_names();
    test_fixed();
    test_broken_files();
    return CHECK_MAIN_RESULT();
}
