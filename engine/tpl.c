/* SPDX-License-Identifier: MIT */
/* Template rendering. Names are trimmed of spaces: "{{ a.b }}" == "{{a.b}}". */
#include "tpl.h"

#include <stdint.h>
#include <string.h>

ds_status tpl_render(const char *tpl, tpl_lookup_fn lookup, void *ctx, ds_buf *out, ds_error *err)
{
    const char *p = tpl;
    for (;;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            ds_buf_puts(out, p);
            break;
        }
        ds_buf_append(out, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        if (!close)
            return ds_fail(err, DS_EINPUT, "\"{{\" without \"}}\"");
        const char *a = open + 2, *b = close;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        const char *apos = memchr(a, '\'', (size_t)(b - a));
        const char *name_end = apos ? apos : b;
        tpl_case c = TPL_CASE_DATIVE;
        if (apos && tpl_case_parse(apos + 1, (size_t)(b - apos - 1), &c) != 0)
            return ds_fail(err, DS_EINPUT, "unknown suffix in {{%.*s}} (use 'ya 'da 'dan 'yı 'nın)",
                           (int)(b - a), a);
        size_t mark = out->len;
        if (!lookup(ctx, a, (size_t)(name_end - a), out))
            return ds_fail(err, DS_ENOTFOUND, "unknown variable {{%.*s}}", (int)(name_end - a), a);
        if (apos && !out->failed) {
            /* re-append the value with its suffix */
            size_t vlen = out->len - mark;
            char *v = ds_strndup(out->data + mark, vlen);
            if (!v)
                return ds_fail(err, DS_ENOMEM, "out of memory");
            out->len = mark;
            tpl_append_suffixed(out, v, vlen, c);
            ds_free(v);
        }
        p = close + 2;
    }
    return out->failed ? ds_fail(err, DS_ENOMEM, "out of memory") : DS_OK;
}

/* ---- Turkish suffixes ------------------------------------------------- */

typedef struct case_form {
    const char *key; /* as written after the apostrophe, in skeleton-free UTF-8 */
    tpl_case c;
} case_form;

static const case_form case_forms[] = {
    {"ya", TPL_CASE_DATIVE},     {"ye", TPL_CASE_DATIVE},     {"a", TPL_CASE_DATIVE},
    {"e", TPL_CASE_DATIVE},      {"da", TPL_CASE_LOCATIVE},   {"de", TPL_CASE_LOCATIVE},
    {"ta", TPL_CASE_LOCATIVE},   {"te", TPL_CASE_LOCATIVE},   {"dan", TPL_CASE_ABLATIVE},
    {"den", TPL_CASE_ABLATIVE},  {"tan", TPL_CASE_ABLATIVE},  {"ten", TPL_CASE_ABLATIVE},
    {"yı", TPL_CASE_ACCUSATIVE}, {"yi", TPL_CASE_ACCUSATIVE}, {"yu", TPL_CASE_ACCUSATIVE},
    {"yü", TPL_CASE_ACCUSATIVE}, {"ı", TPL_CASE_ACCUSATIVE},  {"i", TPL_CASE_ACCUSATIVE},
    {"u", TPL_CASE_ACCUSATIVE},  {"ü", TPL_CASE_ACCUSATIVE},  {"nın", TPL_CASE_GENITIVE},
    {"nin", TPL_CASE_GENITIVE},  {"nun", TPL_CASE_GENITIVE},  {"nün", TPL_CASE_GENITIVE},
    {"ın", TPL_CASE_GENITIVE},   {"in", TPL_CASE_GENITIVE},   {"un", TPL_CASE_GENITIVE},
    {"ün", TPL_CASE_GENITIVE},
};

int tpl_case_parse(const char *s, size_t len, tpl_case *out)
{
    for (size_t i = 0; i < sizeof case_forms / sizeof case_forms[0]; i++)
        if (strlen(case_forms[i].key) == len && memcmp(case_forms[i].key, s, len) == 0) {
            *out = case_forms[i].c;
            return 0;
        }
    return -1;
}

/* Decodes the UTF-8 code point before s[pos]; returns its start. */
static size_t prev_cp(const char *s, size_t pos, uint32_t *cp)
{
    size_t i = pos - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] < 0x80)
        *cp = u[0];
    else if ((u[0] & 0xE0) == 0xC0)
        *cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    else if ((u[0] & 0xF0) == 0xE0)
        *cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    else
        *cp = 0xFFFD;
    return i;
}

/* Turkish lower case of the letters that matter for harmony. */
static uint32_t lower_tr(uint32_t cp)
{
    if (cp == 'I')
        return 0x131;
    if (cp == 0x130)
        return 'i';
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    switch (cp) {
    case 0xC7: return 0xE7;   /* Ç */
    case 0x11E: return 0x11F; /* Ğ */
    case 0xD6: return 0xF6;   /* Ö */
    case 0x15E: return 0x15F; /* Ş */
    case 0xDC: return 0xFC;   /* Ü */
    default: return cp;
    }
}

static int is_upper_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || cp == 0xC7 || cp == 0x11E || cp == 0x130 || cp == 0xD6 ||
           cp == 0x15E || cp == 0xDC;
}

/* 'a' for back vowels, 'e' for front, and the rounding: 0 none, 1 rounded. */
static int vowel_class(uint32_t v, int *front, int *round)
{
    switch (v) {
    case 'a':
        *front = 0;
        *round = 0;
        return 1;
    case 0x131:
        *front = 0;
        *round = 0;
        return 1; /* ı */
    case 'o':
    case 'u':
        *front = 0;
        *round = 1;
        return 1;
    case 'e':
    case 'i':
        *front = 1;
        *round = 0;
        return 1;
    case 0xF6:
    case 0xFC:
        *front = 1;
        *round = 1;
        return 1; /* ö ü */
    case 0xE2:
        *front = 0;
        *round = 0;
        return 1; /* â */
    case 0xEE:
        *front = 1;
        *round = 0;
        return 1; /* î */
    case 0xFB:
        *front = 0;
        *round = 1;
        return 1; /* û */
    default: return 0;
    }
}

/* The last vowel and final sound of word as Turkish reads it. */
static void reading(const char *w, size_t len, int *front, int *round, int *vowel_final,
                    int *voiceless_final)
{
    *front = 0;
    *round = 0;
    *vowel_final = 0;
    *voiceless_final = 0;
    size_t start = len;
    while (start > 0 && w[start - 1] != ' ')
        start--;
    /* an acronym in capitals is read by its letter names: A, Be, Ce, ... */
    int acronym = len - start >= 2;
    for (size_t i = len; i > start && acronym;) {
        uint32_t cp;
        i = prev_cp(w, i, &cp);
        acronym = is_upper_letter(cp);
    }
    uint32_t last;
    prev_cp(w, len, &last);
    last = lower_tr(last);
    int f, r;
    if (acronym) {
        if (vowel_class(last, &f, &r)) {
            *front = f;
            *round = r;
        } else {
            *front = 1; /* be, ce, de ... pe, te: every consonant ends in -e */
        }
        *vowel_final = 1;
        return;
    }
    for (size_t i = len; i > start;) {
        uint32_t cp;
        i = prev_cp(w, i, &cp);
        if (vowel_class(lower_tr(cp), &f, &r)) {
            *front = f;
            *round = r;
            break;
        }
    }
    *vowel_final = vowel_class(last, &f, &r);
    *voiceless_final = last == 'f' || last == 's' || last == 't' || last == 'k' || last == 0xE7 ||
                       last == 0x15F || last == 'h' || last == 'p';
}

void tpl_append_suffixed(ds_buf *out, const char *word, size_t len, tpl_case c)
{
    int front, round, vowel_final, voiceless;
    if (len == 0)
        return; /* an empty value takes no suffix */
    reading(word, len, &front, &round, &vowel_final, &voiceless);
    const char *a = front ? "e" : "a";
    const char *i4 = front ? (round ? "ü" : "i") : (round ? "u" : "ı");
    const char *d = voiceless ? "t" : "d";
    ds_buf_append(out, word, len);
    ds_buf_puts(out, "'");
    switch (c) {
    case TPL_CASE_DATIVE:
        ds_buf_puts(out, vowel_final ? "y" : "");
        ds_buf_puts(out, a);
        break;
    case TPL_CASE_LOCATIVE:
        ds_buf_puts(out, d);
        ds_buf_puts(out, a);
        break;
    case TPL_CASE_ABLATIVE:
        ds_buf_puts(out, d);
        ds_buf_puts(out, a);
        ds_buf_puts(out, "n");
        break;
    case TPL_CASE_ACCUSATIVE:
        ds_buf_puts(out, vowel_final ? "y" : "");
        ds_buf_puts(out, i4);
        break;
    case TPL_CASE_GENITIVE:
        ds_buf_puts(out, vowel_final ? "n" : "");
        ds_buf_puts(out, i4);
        ds_buf_puts(out, "n");
        break;
    }
}

/* ---- dates ------------------------------------------------------------ */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
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

int tpl_parse_iso(const char *iso, long *days, long *secs, int *offset_min)
{
    int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 1;
    if (!iso || strlen(iso) < 10 || digits(iso, 4, &y) || iso[4] != '-' ||
        digits(iso + 5, 2, &mo) || iso[7] != '-' || digits(iso + 8, 2, &d) || mo < 1 || mo > 12 ||
        d < 1 || d > 31)
        return -1;
    const char *p = iso + 10;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &se))
                return -1;
            p += 3;
            while (*p == '.' || (*p >= '0' && *p <= '9'))
                p++;
        }
        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
                return -1;
        }
    }
    *days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *secs = h * 3600L + mi * 60L + se;
    if (offset_min)
        *offset_min = sign * (oh * 60 + om);
    return 0;
}

int tpl_append_date(ds_buf *out, const char *iso, int with_year)
{
    static const char *const months[] = {"Ocak",   "Şubat",   "Mart",  "Nisan", "Mayıs", "Haziran",
                                         "Temmuz", "Ağustos", "Eylül", "Ekim",  "Kasım", "Aralık"};
    static const char *const weekdays[] = {"Perşembe",  "Cuma", "Cumartesi", "Pazar",
                                           "Pazartesi", "Salı", "Çarşamba"};
    long days, secs;
    int y, mo, d;
    if (tpl_parse_iso(iso, &days, &secs, NULL) != 0)
        return 0;
    digits(iso, 4, &y);
    digits(iso + 5, 2, &mo);
    digits(iso + 8, 2, &d);
    long wd = ((days % 7) + 7) % 7; /* 1970-01-01 was a Thursday */
    if (with_year)
        ds_buf_printf(out, "%d %s %d %s", d, months[mo - 1], y, weekdays[wd]);
    else
        ds_buf_printf(out, "%d %s %s", d, months[mo - 1], weekdays[wd]);
    return 1;
}
