/* SPDX-License-Identifier: MIT */
/* The JSON form of a report (store_report_get's figures). */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>

#include "kb.h"
#include "store.h"

/* Owned (json_decref); NULL on out of memory. Seconds and CSAT that could
 * not be measured are null. */
json_t *report_json(const store_report *r, const char *from, const char *to);

/* Seconds of [from_utc, to_utc) in the shop's working hours (kb's
 * shop.json), minute by minute, at most 14 days of them: a store_span_fn
 * with the knowledge base as its context. */
long long report_open_seconds(void *kb, long long from_utc, long long to_utc);

#endif
