/* SPDX-License-Identifier: MIT */
/* The shop's clock: a time zone from the system's time-zone database (TZif
 * files, RFC 8536, with their POSIX TZ rule for the years after the last
 * transition), conversions between instants and the shop's wall time, and
 * ISO 8601 in shop-local form. Every date or time a shopper or agent sees
 * goes through here, so none is shown in UTC or in a hard-coded offset.
 * A loaded clock_zone is read-only and may be shared by threads; nothing
 * here reads the system clock or the TZ environment. */
#ifndef CLOCK_H
#define CLOCK_H

#include "ds.h"

typedef struct clock_zone clock_zone;

/* Bytes of an ISO 8601 time with its offset, NUL included. */
#define CLOCK_ISO_LEN 32

/* Loads zone `name` ("Europe/Istanbul") from the time-zone database in dir
 * (NULL: $TZDIR, else /usr/share/zoneinfo). *out is owned (clock_zone_free)
 * and written only on success. DS_ENOTFOUND when there is no such zone (or
 * no database), DS_EINPUT for a name with ".." or a file that is not TZif. */
ds_status clock_zone_load(const char *dir, const char *name, clock_zone **out, ds_error *err);

/* Parses TZif data (a file's bytes); name is copied. For tests and the
 * fuzzer; clock_zone_load reads the file and calls this. */
ds_status clock_zone_parse(const unsigned char *data, size_t len, const char *name,
                           clock_zone **out, ds_error *err);

/* A zone that keeps one offset (seconds east of UTC) all year: the shop's
 * "utc_offset" where the system has no time-zone database. Owned; NULL on
 * OOM. */
clock_zone *clock_zone_fixed(long offset_s, const char *name);
void clock_zone_free(clock_zone *z);

/* The zone's name as loaded. Borrowed until clock_zone_free. */
const char *clock_zone_name(const clock_zone *z);

/* The zone's standard (winter) offset: its rule's, else the latest
 * standard-time offset it has had. */
long clock_zone_std_offset(const clock_zone *z);

/* Seconds east of UTC in force at the instant utc (seconds since the epoch). */
long clock_offset_at(const clock_zone *z, long long utc);

/* An instant as the shop's wall clock reads it. */
typedef struct clock_local {
    int year, month, day; /* month 1-12 */
    int hour, min, sec;
    int wday;       /* 0 = Monday ... 6 = Sunday */
    long long days; /* local days since 1970-01-01 */
    long secs;      /* seconds since local midnight */
    long offset;    /* seconds east of UTC */
} clock_local;

void clock_to_local(const clock_zone *z, long long utc, clock_local *out);

/* The instant when the wall clock shows `secs` after midnight of local day
 * `days`. In a gap (clocks moved forward) the instant just after it; in an
 * overlap the earlier one. */
long long clock_from_local(const clock_zone *z, long long days, long secs);

/* utc in the zone as ISO 8601: "2026-12-01T01:17:00+03:00". */
void clock_iso(const clock_zone *z, long long utc, char buf[CLOCK_ISO_LEN]);

/* The instant of an ISO 8601 time with an offset or "Z"; a time without one,
 * or a bare date (its midnight), is wall time in z. 0 on success, -1 when
 * the text is not such a time. */
int clock_parse(const clock_zone *z, const char *iso, long long *utc);

/* Re-writes an ISO 8601 time in the zone ("2026-11-30T22:17:00Z" ->
 * "2026-12-01T01:17:00+03:00"); a bare date is copied as it is. 0 on
 * success, -1 when iso is not a time. */
int clock_localise(const clock_zone *z, const char *iso, char buf[CLOCK_ISO_LEN]);

/* "+03:00" / "-05:30" into seconds east of UTC (at most 14 hours). 0 on
 * success, -1 otherwise. */
int clock_parse_offset(const char *s, long *secs);

/* Calendar arithmetic (proleptic Gregorian, H. Hinnant's algorithms). */
long long clock_days_from_civil(long long y, int m, int d);
void clock_civil_from_days(long long days, int *y, int *m, int *d);

#endif
