/* SPDX-License-Identifier: MIT */
/* Time zones from TZif files and their POSIX TZ footer rule, read once at
 * knowledge-base load; lookups are a binary search over the transitions.
 * glibc's localtime_r would need the process-wide TZ variable, which an
 * engine without global state cannot set. Any thread once loaded. */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400LL
/* No real zone file comes near these; anything beyond is not a TZif file. */
#define MAX_TRANSITIONS 20000
#define MAX_TYPES 256
#define MAX_FILE_LEN (1024 * 1024)

/* One transition day of a POSIX TZ rule: Mm.w.d, Jn or n, at `time` local. */
typedef struct rule_day {
    char kind; /* 'M', 'J' or 'n' */
    int m, w, d, n;
    long time;
} rule_day;

struct clock_zone {
    char *name;
    long long *trans; /* instants, increasing */
    unsigned char *trans_type;
    size_t trans_count;
    long *type_off; /* seconds east */
    unsigned char *type_dst;
    size_t type_count;
    int has_rule; /* the footer holds for instants after the last transition */
    long std_off, dst_off;
    int has_dst;
    rule_day start, end;
};

/* ---- calendar ----------------------------------------------------------- */

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

long long clock_days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void clock_civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long long y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return n[m - 1] + (m == 2 && is_leap(y));
}

/* ---- POSIX TZ rules (the TZif footer) ----------------------------------- */

static const char *skip_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q ? q + 1 : NULL;
    }
    const char *s = p;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static int num(const char **p, long max, long *v)
{
    if (**p < '0' || **p > '9')
        return -1;
    long x = 0;
    while (**p >= '0' && **p <= '9') {
        x = x * 10 + (**p - '0');
        if (x > max)
            return -1;
        (*p)++;
    }
    *v = x;
    return 0;
}

/* [+-]hh[:mm[:ss]] in seconds (POSIX: positive is west of Greenwich). */
static const char *hms(const char *p, long max_h, long *secs)
{
    long sign = 1, h, m = 0, s = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (num(&p, max_h, &h) != 0)
        return NULL;
    if (*p == ':') {
        p++;
        if (num(&p, 59, &m) != 0)
            return NULL;
        if (*p == ':') {
            p++;
            if (num(&p, 59, &s) != 0)
                return NULL;
        }
    }
    *secs = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *parse_rule_day(const char *p, rule_day *r)
{
    long a, b, c;
    memset(r, 0, sizeof *r);
    r->time = 7200;
    if (*p == 'M') {
        p++;
        if (num(&p, 12, &a) || a < 1 || *p++ != '.' || num(&p, 5, &b) || b < 1 || *p++ != '.' ||
            num(&p, 6, &c))
            return NULL;
        r->kind = 'M', r->m = (int)a, r->w = (int)b, r->d = (int)c;
    } else if (*p == 'J') {
        p++;
        if (num(&p, 365, &a) || a < 1)
            return NULL;
        r->kind = 'J', r->n = (int)a;
    } else {
        if (num(&p, 365, &a))
            return NULL;
        r->kind = 'n', r->n = (int)a;
    }
    if (*p == '/' && !(p = hms(p + 1, 167, &r->time)))
        return NULL;
    return p;
}

/* The footer "<+03>-3" or "CET-1CEST,M3.5.0,M10.5.0/3". 0 when understood. */
static int parse_rule(clock_zone *z, const char *tz)
{
    long std, dst;
    const char *p = skip_name(tz);
    if (!p || !(p = hms(p, 24, &std)))
        return -1;
    z->std_off = -std;
    z->dst_off = z->std_off + 3600;
    if (!*p)
        return 0;
    if (!(p = skip_name(p)))
        return -1;
    if (*p && *p != ',') {
        if (!(p = hms(p, 24, &dst)))
            return -1;
        z->dst_off = -dst;
    }
    if (*p++ != ',' || !(p = parse_rule_day(p, &z->start)) || *p++ != ',' ||
        !(p = parse_rule_day(p, &z->end)) || *p)
        return -1;
    z->has_dst = 1;
    return 0;
}

/* The local day of a rule's transition in year y. */
static long long rule_days(const rule_day *r, long long y)
{
    long long jan1 = clock_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'n')
        return jan1 + r->n;
    long long first = clock_days_from_civil(y, r->m, 1);
    int wd = (int)(((first + 4) % 7 + 7) % 7); /* 0 = Sunday; 1970-01-01 was a Thursday */
    long long day = 1 + (r->d - wd + 7) % 7 + 7LL * (r->w - 1);
    while (day > month_days(y, r->m))
        day -= 7;
    return first + day - 1;
}

static long rule_offset(const clock_zone *z, long long utc)
{
    if (!z->has_dst)
        return z->std_off;
    int y, m, d;
    clock_civil_from_days(floor_div(utc + z->std_off, DAY_S), &y, &m, &d);
    long long start = rule_days(&z->start, y) * DAY_S + z->start.time - z->std_off;
    long long end = rule_days(&z->end, y) * DAY_S + z->end.time - z->dst_off;
    int in_dst = start < end ? utc >= start && utc < end : utc < end || utc >= start;
    return in_dst ? z->dst_off : z->std_off;
}

/* ---- TZif ---------------------------------------------------------------- */

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static long long be64(const unsigned char *p)
{
    unsigned long long v = (unsigned long long)be32(p) << 32 | be32(p + 4);
    return (long long)v;
}

typedef struct tzif_counts {
    unsigned long isut, isstd, leap, time, type, chars;
} tzif_counts;

static int read_header(const unsigned char *d, size_t len, size_t at, tzif_counts *c)
{
    if (len < at + 44 || memcmp(d + at, "TZif", 4) != 0)
        return -1;
    const unsigned char *p = d + at + 20;
    c->isut = be32(p), c->isstd = be32(p + 4), c->leap = be32(p + 8);
    c->time = be32(p + 12), c->type = be32(p + 16), c->chars = be32(p + 20);
    if (c->time > MAX_TRANSITIONS || c->type == 0 || c->type > MAX_TYPES ||
        c->leap > MAX_TRANSITIONS || c->chars > 65536 || (c->isut && c->isut != c->type) ||
        (c->isstd && c->isstd != c->type))
        return -1;
    return 0;
}

static size_t block_len(const tzif_counts *c, size_t tsize)
{
    return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) + c->isstd +
           c->isut;
}

static ds_status bad(ds_error *err, const char *name, const char *why)
{
    return ds_fail(err, DS_EINPUT, "time zone %s: %s", name, why);
}

ds_status clock_zone_parse(const unsigned char *d, size_t len, const char *name, clock_zone **out,
                           ds_error *err)
{
    tzif_counts c;
    if (!name)
        name = "";
    if (read_header(d, len, 0, &c) != 0)
        return bad(err, name, "not a TZif file");
    size_t at = 44, tsize = 4;
    if (d[4] >= '2') { /* skip the 32-bit block: the 64-bit one follows */
        at += block_len(&c, 4);
        if (read_header(d, len, at, &c) != 0)
            return bad(err, name, "broken second header");
        at += 44;
        tsize = 8;
    }
    if (len < at || len - at < block_len(&c, tsize))
        return bad(err, name, "truncated");
    clock_zone *z = ds_calloc(1, sizeof *z);
    if (!z || !(z->name = ds_strdup(name)) ||
        !(z->trans = ds_calloc(c.time ? c.time : 1, sizeof *z->trans)) ||
        !(z->trans_type = ds_calloc(c.time ? c.time : 1, 1)) ||
        !(z->type_off = ds_calloc(c.type, sizeof *z->type_off)) ||
        !(z->type_dst = ds_calloc(c.type, 1))) {
        clock_zone_free(z);
        return ds_fail(err, DS_ENOMEM, "out of memory");
    }
    const unsigned char *p = d + at;
    for (size_t i = 0; i < c.time; i++, p += tsize) {
        z->trans[i] = tsize == 8 ? be64(p) : (long long)(int)be32(p);
        if (i && z->trans[i] <= z->trans[i - 1]) {
            clock_zone_free(z);
            return bad(err, name, "transitions out of order");
        }
    }
    for (size_t i = 0; i < c.time; i++, p++) {
        if (*p >= c.type) {
            clock_zone_free(z);
            return bad(err, name, "a transition names no type");
        }
        z->trans_type[i] = *p;
    }
    for (size_t i = 0; i < c.type; i++, p += 6) {
        long off = (long)(int)be32(p);
        if (off < -25 * 3600 || off > 26 * 3600) {
            clock_zone_free(z);
            return bad(err, name, "an offset beyond a day");
        }
        z->type_off[i] = off;
        z->type_dst[i] = p[4];
    }
    z->trans_count = c.time;
    z->type_count = c.type;
    at += block_len(&c, tsize);
    /* v2+: "\nTZ-string\n" after the data */
    if (tsize == 8 && at < len && d[at] == '\n') {
        const unsigned char *nl = memchr(d + at + 1, '\n', len - at - 1);
        size_t n = nl ? (size_t)(nl - (d + at + 1)) : 0;
        char rule[128];
        if (nl && n > 0 && n < sizeof rule) {
            memcpy(rule, d + at + 1, n);
            rule[n] = '\0';
            z->has_rule = parse_rule(z, rule) == 0;
        }
    }
    *out = z;
    return DS_OK;
}

ds_status clock_zone_load(const char *dir, const char *name, clock_zone **out, ds_error *err)
{
    if (!name || !name[0] || name[0] == '/' || strstr(name, ".."))
        return ds_fail(err, DS_EINPUT, "\"%s\" is not a time-zone name like Europe/Istanbul",
                       name ? name : "");
    if (!dir)
        dir = getenv("TZDIR");
    if (!dir || !dir[0])
        dir = "/usr/share/zoneinfo";
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(path, sizeof path, "%s/Etc/UTC", dir);
        FILE *probe = fopen(path, "rb");
        if (probe) /* the database is there: the name is wrong */
            fclose(probe);
        return ds_fail(err, DS_ENOTFOUND, "no time zone %s in %s (%s)", name, dir,
                       probe ? "names are like Europe/Istanbul"
                             : "no time-zone database there; Debian: apt install tzdata");
    }
    unsigned char *buf = ds_malloc(MAX_FILE_LEN);
    size_t n = buf ? fread(buf, 1, MAX_FILE_LEN, f) : 0;
    fclose(f);
    if (!buf)
        return ds_fail(err, DS_ENOMEM, "out of memory");
    ds_status st = clock_zone_parse(buf, n, name, out, err);
    ds_free(buf);
    return st;
}

clock_zone *clock_zone_fixed(long offset_s, const char *name)
{
    clock_zone *z = ds_calloc(1, sizeof *z);
    if (!z || !(z->name = ds_strdup(name ? name : "")) ||
        !(z->type_off = ds_calloc(1, sizeof *z->type_off)) || !(z->type_dst = ds_calloc(1, 1))) {
        clock_zone_free(z);
        return NULL;
    }
    z->type_off[0] = offset_s;
    z->type_count = 1;
    return z;
}

void clock_zone_free(clock_zone *z)
{
    if (!z)
        return;
    ds_free(z->name);
    ds_free(z->trans);
    ds_free(z->trans_type);
    ds_free(z->type_off);
    ds_free(z->type_dst);
    ds_free(z);
}

const char *clock_zone_name(const clock_zone *z)
{
    return z->name;
}

long clock_zone_std_offset(const clock_zone *z)
{
    if (z->has_rule)
        return z->std_off;
    for (size_t i = z->trans_count; i-- > 0;)
        if (!z->type_dst[z->trans_type[i]])
            return z->type_off[z->trans_type[i]];
    return z->type_off[0];
}

long clock_offset_at(const clock_zone *z, long long utc)
{
    size_t n = z->trans_count;
    if (n == 0 || utc < z->trans[0]) {
        if (n == 0 && z->has_rule)
            return rule_offset(z, utc);
        /* before the first transition: the first standard-time type */
        for (size_t i = 0; i < z->type_count; i++)
            if (!z->type_dst[i])
                return z->type_off[i];
        return z->type_off[0];
    }
    if (utc >= z->trans[n - 1] && z->has_rule)
        return rule_offset(z, utc);
    size_t lo = 0, hi = n; /* the last transition at or before utc */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return z->type_off[z->trans_type[lo]];
}

void clock_to_local(const clock_zone *z, long long utc, clock_local *out)
{
    long off = clock_offset_at(z, utc);
    long long l = utc + off;
    out->offset = off;
    out->days = floor_div(l, DAY_S);
    out->secs = (long)(l - out->days * DAY_S);
    clock_civil_from_days(out->days, &out->year, &out->month, &out->day);
    out->hour = (int)(out->secs / 3600);
    out->min = (int)(out->secs / 60 % 60);
    out->sec = (int)(out->secs % 60);
    out->wday = (int)(((out->days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

long long clock_from_local(const clock_zone *z, long long days, long secs)
{
    long long l = days * DAY_S + secs;
    /* the offsets in force a day either side: real zones never change twice
     * within two days */
    long before = clock_offset_at(z, l - DAY_S), after = clock_offset_at(z, l + DAY_S);
    long long a = l - before, b = l - after;
    int a_ok = clock_offset_at(z, a) == before, b_ok = clock_offset_at(z, b) == after;
    if (a_ok && b_ok)
        return a < b ? a : b;
    if (a_ok)
        return a;
    if (b_ok)
        return b;
    return a; /* in a gap: the old offset lands just after it */
}

/* Two decimal digits of v (0-99) at p. */
static char *put2(char *p, long v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

void clock_iso(const clock_zone *z, long long utc, char buf[CLOCK_ISO_LEN])
{
    clock_local t;
    clock_to_local(z, utc, &t);
    long off = t.offset < 0 ? -t.offset : t.offset;
    int year = t.year % 10000;
    if (year >= 0 && t.month >= 0 && t.month < 100 && t.day >= 0 && t.day < 100 && t.hour >= 0 &&
        t.hour < 100 && t.min >= 0 && t.min < 100 && t.sec >= 0 && t.sec < 100) {
        /* what the snprintf below writes, digit by digit: every turn stamps
         * its messages, and printf was most of the stamp's time */
        char *p = put2(put2(buf, year / 100), year % 100);
        *p++ = '-';
        p = put2(p, t.month);
        *p++ = '-';
        p = put2(p, t.day);
        *p++ = 'T';
        p = put2(p, t.hour);
        *p++ = ':';
        p = put2(p, t.min);
        *p++ = ':';
        p = put2(p, t.sec);
        *p++ = t.offset < 0 ? '-' : '+';
        p = put2(p, off / 3600 % 100);
        *p++ = ':';
        p = put2(p, off / 60 % 60);
        *p = '\0';
        return;
    }
    snprintf(buf, CLOCK_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", t.year % 10000,
             t.month, t.day, t.hour, t.min, t.sec, t.offset < 0 ? '-' : '+', off / 3600 % 100,
             off / 60 % 60);
}

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int clock_parse(const clock_zone *z, const char *iso, long long *utc)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!iso || strlen(iso) < 10 || digits(iso, 4, &y) || iso[4] != '-' ||
        digits(iso + 5, 2, &mo) || iso[7] != '-' || digits(iso + 8, 2, &d) || mo < 1 || mo > 12 ||
        d < 1 || d > month_days(y, mo))
        return -1;
    const char *p = iso + 10;
    int zoned = 0;
    long off = 0;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) || h > 23 || mi > 59)
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &se) || se > 60)
                return -1;
            p += 3;
            if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                    ;
        }
        if (*p == 'Z') {
            zoned = 1;
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            const char *q = p + 1;
            if (digits(q, 2, &oh))
                return -1;
            q += 2 + (q[2] == ':');
            if (digits(q, 2, &om) || oh > 23 || om > 59)
                return -1;
            off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
            zoned = 1;
            p = q + 2;
        }
    }
    if (*p)
        return -1;
    long long days = clock_days_from_civil(y, mo, d);
    long secs = h * 3600L + mi * 60L + se;
    *utc = zoned ? days * DAY_S + secs - off : clock_from_local(z, days, secs);
    return 0;
}

int clock_localise(const clock_zone *z, const char *iso, char buf[CLOCK_ISO_LEN])
{
    long long t;
    if (!iso || clock_parse(z, iso, &t) != 0)
        return -1;
    if (strlen(iso) == 10) { /* a calendar day has no time to move */
        snprintf(buf, CLOCK_ISO_LEN, "%s", iso);
        return 0;
    }
    clock_iso(z, t, buf);
    return 0;
}

int clock_parse_offset(const char *s, long *secs)
{
    int h, m;
    if (!s || strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
        digits(s + 1, 2, &h) || digits(s + 4, 2, &m) || m > 59 || h > 14 || (h == 14 && m > 0))
        return -1;
    *secs = (s[0] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    return 0;
}
