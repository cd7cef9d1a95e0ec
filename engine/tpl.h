/* SPDX-License-Identifier: MIT */
/* Answer templates: "{{name}}" placeholders filled by a caller's lookup.
 * Pure string work; any thread. */
#ifndef TPL_H
#define TPL_H

#include "ds.h"

/* Appends the value of name[0..len) to out and returns 1, or returns 0 when
 * the name is unknown. */
typedef int (*tpl_lookup_fn)(void *ctx, const char *name, size_t len, ds_buf *out);

/* Renders tpl into out (appending). "{{name'ya}}" attaches a Turkish case
 * suffix to the value (see tpl_append_suffixed). An unknown name gives DS_ENOTFOUND with
 * the name in err; an unclosed "{{" is DS_EINPUT. out holds the text up to
 * the failure. */
ds_status tpl_render(const char *tpl, tpl_lookup_fn lookup, void *ctx, ds_buf *out, ds_error *err);

/* Turkish case suffixes a template may attach to a proper noun. */
typedef enum tpl_case {
    TPL_CASE_DATIVE,     /* 'ya  : Yurtiçi Kargo'ya, PTT'ye, HepsiJET'e */
    TPL_CASE_LOCATIVE,   /* 'da  : Aras Kargo'da, PTT'de, Express'te */
    TPL_CASE_ABLATIVE,   /* 'dan : MNG Kargo'dan, PTT'den */
    TPL_CASE_ACCUSATIVE, /* 'yı  : Aras Kargo'yu, PTT'yi */
    TPL_CASE_GENITIVE    /* 'nın : Sürat Kargo'nun, PTT'nin */
} tpl_case;

/* Parses a suffix as an author writes it after the apostrophe ("ya", "ye",
 * "a", "da", "te", "dan", "yı", "nin", ...) into its case. 0 on success. */
int tpl_case_parse(const char *s, size_t len, tpl_case *out);

/* Appends word + "'" + the suffix in the form vowel harmony, the buffer
 * consonant and consonant hardening call for. Acronyms in capitals are read
 * by their letter names as Turkish does (PTT = pe-te-te -> PTT'ye). word is
 * UTF-8. */
void tpl_append_suffixed(ds_buf *out, const char *word, size_t len, tpl_case c);

/* Appends an ISO 8601 date ("2026-11-21T16:40:00+03:00" or "2026-11-21") as
 * Turkish "21 Kasım Cuma"; with_year adds the year ("21 Kasım 2026 Cuma").
 * Returns 0 if the text is not a date (nothing appended). */
int tpl_append_date(ds_buf *out, const char *iso, int with_year);

/* Days from 1970-01-01 of an ISO date's calendar day (local to its offset),
 * and its time of day in seconds; 0 on success. */
int tpl_parse_iso(const char *iso, long *days, long *secs, int *offset_min);

#endif
