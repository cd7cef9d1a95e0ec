/* SPDX-License-Identifier: MIT */
/* A period's figures as one JSON object (CONTRACT.md "Reports"): what
 * `destek report --json` prints and the supervisor's console receives. */
#include "report.h"

#include "hours.h"

static json_t *seconds(long long s)
{
    return s < 0 ? json_null() : json_integer(s);
}

static json_t *counts(const store_count *c, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, c[i].name, json_integer(c[i].n));
    return o;
}

json_t *report_json(const store_report *r, const char *from, const char *to)
{
    json_t *intents = json_array(), *hours = json_array();
    for (size_t i = 0; i < r->intent_count; i++)
        json_array_append_new(intents, json_pack("{s:s,s:I}", "intent", r->intents[i].name, "n",
                                                 (json_int_t)r->intents[i].n));
    for (int h = 0; h < 24; h++)
        json_array_append_new(hours, json_integer(r->hours[h]));
    size_t prio = r->by_priority[1].name[0] ? 2 : r->by_priority[0].name[0] ? 1 : 0;
    json_t *j = json_pack(
        "{s:s,s:s,s:I,s:I,s:f,s:I,s:I,s:o,s:o,s:o,s:I,s:o,s:I,s:o,s:f,s:o,s:o,s:o,s:o}", "from",
        from, "to", to, "conversations", (json_int_t)r->conversations, "bot_resolved",
        (json_int_t)r->bot_resolved, "bot_resolved_rate",
        r->conversations ? (double)r->bot_resolved / (double)r->conversations : 0.0, "handoffs",
        (json_int_t)r->handoffs, "offline_requests", (json_int_t)r->offline_requests,
        "first_response_s", seconds(r->first_response_s), "waiting_s", seconds(r->waiting_s),
        "resolution_s", seconds(r->resolution_s), "answered_handoffs", (json_int_t)r->answered,
        "csat", r->csat < 0 ? json_null() : json_real(r->csat), "csat_responses",
        (json_int_t)r->csat_responses, "csat_response_rate",
        r->closed ? json_real((double)r->csat_responses / (double)r->closed) : json_null(),
        "fallback_rate", r->bot_turns ? (double)r->fallbacks / (double)r->bot_turns : 0.0,
        "handoffs_by_priority", counts(r->by_priority, prio), "handoffs_by_reason",
        counts(r->by_reason, r->reasons), "top_intents", intents, "conversations_by_hour", hours);
    if (j) {
        json_object_set_new(j, "first_response_open_s", seconds(r->first_response_open_s));
        json_object_set_new(j, "waiting_open_s", seconds(r->waiting_open_s));
    }
    return j;
}

long long report_open_seconds(void *kb, long long from_utc, long long to_utc)
{
    const long long step = 60, cap = 14 * 86400LL;
    if (to_utc - from_utc > cap)
        to_utc = from_utc + cap;
    long long n = 0;
    for (long long t = from_utc; t < to_utc; t += step) {
        long long len = to_utc - t < step ? to_utc - t : step;
        if (hours_open_now(kb, HOURS_AUTO, (time_t)t))
            n += len;
    }
    return n;
}
