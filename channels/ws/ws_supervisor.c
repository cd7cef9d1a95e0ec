/* SPDX-License-Identifier: MIT */
/* A supervisor's frames on /ws/agent: the period's figures with a row per
 * day, the review list, teaching the bot a message or dismissing it, the
 * intents to choose from. An agent without the role gets `forbidden`. The
 * work is the engine's (store_report_get, store_review_*, teach_assign). */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "teach.h"
#include "ws_frame.h"
#include "ws_int.h"

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's). */
static long days_of(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void date_of(long z, char out[11])
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    /* a report's period is at most a few months around now: four digits */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y + (m <= 2)) % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

static int supervisor(ws_server *srv, ws_conn *c)
{
    if (c->agent && c->agent->supervisor)
        return 1;
    ws__send_error(srv, c, "forbidden", "only a supervisor may do this");
    return 0;
}

#define WS_REPORT_MAX_DAYS 92

static void on_report(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (!supervisor(srv, c))
        return;
    const char *from = json_string_value(json_object_get(msg, "from"));
    const char *to = json_string_value(json_object_get(msg, "to"));
    int y1, m1, d1, y2, m2, d2;
    if (sscanf(from, "%4d-%2d-%2d", &y1, &m1, &d1) != 3 ||
        sscanf(to, "%4d-%2d-%2d", &y2, &m2, &d2) != 3) {
        ws__send_error(srv, c, "bad_request", "dates are YYYY-MM-DD");
        return;
    }
    long a = days_of(y1, m1, d1), b = days_of(y2, m2, d2);
    if (b < a || b - a >= WS_REPORT_MAX_DAYS) {
        ws__send_error(srv, c, "bad_request", "a period of 1 to 92 days, from before to");
        return;
    }
    store_report r;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_report_get(srv->db, from, to, report_open_seconds, srv->kb, &r, &err) != DS_OK) {
        ws__send_error(srv, c, "unavailable", "the report cannot be made now; try again");
        return;
    }
    json_t *j = report_json(&r, from, to), *days = json_array();
    for (long z = a; j && days && z <= b; z++) {
        char day[11];
        date_of(z, day);
        store_report dr;
        if (store_report_get(srv->db, day, day, NULL, NULL, &dr, NULL) != DS_OK)
            break;
        json_array_append_new(
            days,
            json_pack("{s:s,s:I,s:I,s:I,s:o,s:o,s:I}", "date", day, "conversations",
                      (json_int_t)dr.conversations, "bot_resolved", (json_int_t)dr.bot_resolved,
                      "handoffs", (json_int_t)dr.handoffs, "first_response_s",
                      dr.first_response_s < 0 ? json_null() : json_integer(dr.first_response_s),
                      "csat", dr.csat < 0 ? json_null() : json_real(dr.csat), "csat_responses",
                      (json_int_t)dr.csat_responses));
    }
    if (!j) {
        json_decref(days);
        ws__send_error(srv, c, "unavailable", "the report cannot be made now; try again");
        return;
    }
    json_object_set_new(j, "days", days);
    json_t *f = json_pack("{s:s}", "type", "report");
    json_object_update(f, j);
    json_decref(j);
    ws__send(srv, c, f, 0);
}

static void on_review_list(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    if (!supervisor(srv, c))
        return;
    store_review *r = NULL;
    size_t n = 0;
    teach_keyer *k = teach_keyer_new(srv->kb);
    ds_status st = k && ws__batch(srv) == DS_OK
                       ? store_review_refresh(srv->db, teach_review_key, k, NULL)
                       : DS_ENOMEM;
    teach_keyer_free(k);
    if (st != DS_OK || store_review_list(srv->db, 0, &r, &n, NULL) != DS_OK) {
        ws__send_error(srv, c, "unavailable", "the review list cannot be read now; try again");
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n && i < 500; i++)
        json_array_append_new(items,
                              json_pack("{s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)r[i].id,
                                        "text", r[i].text, "intent", r[i].intent, "count",
                                        (json_int_t)r[i].count, "last_seen", r[i].last_seen,
                                        "conversation", (json_int_t)r[i].conversation));
    ds_free(r);
    ws__send(srv, c,
             json_pack("{s:s,s:o,s:I}", "type", "review", "items", items, "total", (json_int_t)n),
             1);
}

static void on_review_assign(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (!supervisor(srv, c))
        return;
    long long id = (long long)json_integer_value(json_object_get(msg, "id"));
    const char *intent = json_string_value(json_object_get(msg, "intent"));
    store_review *r = NULL;
    size_t n = 0;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (store_review_list(srv->db, id, &r, &n, NULL) != DS_OK || n != 1) {
        ds_free(r);
        ws__send_error(srv, c, "not_found", "no such review item");
        return;
    }
    /* the knowledge base's files change, then the watcher reloads them */
    ds_status st = teach_assign(srv->cfg->kb_dir, intent, r[0].text, NULL, &err);
    ds_free(r);
    if (st == DS_OK && (ws__batch(srv) != DS_OK ||
                        store_review_set(srv->db, id, "assigned", intent, &err) != DS_OK))
        st = DS_EDB;
    if (st != DS_OK) {
        ws__log(srv, WS_LOG_WARN, "teach_refused", 0, "a supervisor's teaching was refused: %s",
                err.message);
        ws__send_error(srv, c, st == DS_ENOTFOUND || st == DS_EKB ? "refused" : "unavailable",
                       err.message);
        return;
    }
    ws__send(srv, c,
             json_pack("{s:s,s:I,s:s}", "type", "review_assigned", "id", (json_int_t)id, "intent",
                       intent),
             1);
}

static void on_review_dismiss(ws_server *srv, ws_conn *c, json_t *msg)
{
    if (!supervisor(srv, c))
        return;
    long long id = (long long)json_integer_value(json_object_get(msg, "id"));
    if (ws__batch(srv) != DS_OK ||
        store_review_set(srv->db, id, "dismissed", NULL, NULL) != DS_OK) {
        ws__send_error(srv, c, "not_found", "no such review item");
        return;
    }
    ws__send(srv, c, json_pack("{s:s,s:I}", "type", "review_dismissed", "id", (json_int_t)id), 1);
}

static void on_intents(ws_server *srv, ws_conn *c, json_t *msg)
{
    (void)msg;
    if (!supervisor(srv, c))
        return;
    json_t *items = json_array();
    for (size_t i = 0; i < kb_intent_count(srv->kb); i++) {
        const kb_intent *in = kb_intent_at(srv->kb, i);
        json_array_append_new(
            items, json_pack("{s:s,s:s}", "id", in->id, "title", in->title ? in->title : in->id));
    }
    ws__send(srv, c, json_pack("{s:s,s:o}", "type", "intents", "items", items), 0);
}

static const struct {
    int type;
    ws_frame_handler fn;
} handlers[] = {
    {WS_AGENT_REPORT, on_report},
    {WS_AGENT_REVIEW_LIST, on_review_list},
    {WS_AGENT_REVIEW_ASSIGN, on_review_assign},
    {WS_AGENT_REVIEW_DISMISS, on_review_dismiss},
    {WS_AGENT_INTENTS, on_intents},
};

ws_frame_handler ws__supervisor_handler(int type)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].type == type)
            return handlers[i].fn;
    return NULL;
}
