/* SPDX-License-Identifier: MIT */
/* The JSON form of a report (store_report_get's figures). */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>

#include "store.h"

/* Owned (json_decref); NULL on out of memory. Seconds and CSAT that could
 * not be measured are null. */
json_t *report_json(const store_report *r, const char *from, const char *to);

#endif
