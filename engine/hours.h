/* SPDX-License-Identifier: MIT */
/* Working hours: whether people are on duty at a given moment, when they are
 * next back, and how to say so in Turkish, from the "hours" section of
 * shop.json (weekly hours, a fixed UTC offset, dated holidays; format in
 * docs/KB_FORMAT.md). Pure functions of the knowledge base and a time the
 * caller passes: nothing here reads the clock. Any thread. */
#ifndef HOURS_H
#define HOURS_H

#include <time.h>

#include "ds.h"
#include "kb.h"

/* How far hours_next_open looks ahead, in days after today. */
#define HOURS_SEARCH_DAYS 14

/* The --hours override: auto follows shop.json, open/closed force it (tests,
 * demos). */
typedef enum hours_mode { HOURS_INVALID = -1, HOURS_AUTO = 0, HOURS_OPEN, HOURS_CLOSED } hours_mode;

/* "auto", "open" or "closed" (NULL counts as "auto"); HOURS_INVALID for
 * anything else. */
hours_mode hours_mode_parse(const char *s);

/* 1 when people are on duty at `now`: the day's hours (a holiday entry for
 * that date, otherwise its weekday) hold the local time, open <= t < close.
 * A KB without working hours counts as always open. */
int hours_is_open(const kb_base *kb, time_t now);

/* hours_is_open with the override applied: HOURS_OPEN gives 1, HOURS_CLOSED
 * 0, anything else follows the KB. */
int hours_open_now(const kb_base *kb, hours_mode mode, time_t now);

/* The next opening moment strictly after `now` (the start of a later opening
 * period; when the shop is open now, the one after the current period),
 * looking at today and the HOURS_SEARCH_DAYS days after it. *when (out) is
 * written only on success. Returns DS_OK, or DS_ENOTFOUND when the shop does
 * not open in that window (or has no working hours, so never closes). */
ds_status hours_next_open(const kb_base *kb, time_t now, time_t *when);

/* Appends when people are back, as the end of a Turkish sentence, relative to
 * `now` in the shop's time zone: "bugün 10:00'da", "yarın 09:00'da",
 * "21 Mart Cumartesi 10:00'da" (the year is added when it differs from
 * now's: "1 Ocak 2027 Cuma 10:00'da"). The case suffix follows how the time
 * is read aloud (09:00'da, 12:00'de, 13:00'te, 09:15'te). */
void hours_describe_next(const kb_base *kb, time_t now, time_t when, ds_buf *out);

/* The name of the holiday entry for the local date of `now` ("Ramazan
 * Bayramı 1. gün"), or NULL on an ordinary day. Borrowed until kb_free. */
const char *hours_holiday_name(const kb_base *kb, time_t now);

/* Validates the "hours" section of shop.json: times ("HH:MM", close may be
 * "24:00"), close after open, open and close given together, the UTC offset,
 * holiday dates real and strictly increasing (no duplicates), holiday names.
 * Each problem goes to diag (may be NULL) as an error with file "shop.json"
 * and the field path ("hours.holidays[3].date"); no line numbers. Returns
 * the number of problems (0 = valid; a KB without "hours" is valid). */
int hours_check(const kb_base *kb, kb_diag_fn diag, void *ctx);

#endif
