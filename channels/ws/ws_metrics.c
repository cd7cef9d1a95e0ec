/* SPDX-License-Identifier: MIT */
/* The server's counters and histograms, and their Prometheus text
 * exposition (CONTRACT.md "Operations", docs/OPERATIONS.md). Counted where
 * things happen (a turn, a commit, an error frame); rendered on a scrape.
 * Names follow Prometheus conventions: base units in the name, _total for
 * counters, histograms for latencies. */
#include <stdio.h>
#include <string.h>

#include "ds_map.h"
#include "ws_int.h"

/* Seconds: a reply is usually well under a millisecond, a commit a few. */
static const double bounds[WS_HIST_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};

ws_metrics *ws__metrics_new(void)
{
    ws_metrics *m = ds_calloc(1, sizeof *m);
    if (m && (!(m->intents = ds_map_new()) || !(m->errors = ds_map_new()))) {
        ws__metrics_free(m);
        return NULL;
    }
    return m;
}

void ws__metrics_free(ws_metrics *m)
{
    if (!m)
        return;
    ds_map_free(m->intents);
    ds_map_free(m->errors);
    ds_free(m);
}

static void bump(ds_map *map, const char *key)
{
    size_t n = 0;
    if (!map || !key)
        return;
    ds_map_get(map, key, strlen(key), &n);
    ds_map_put(map, key, strlen(key), n + 1);
}

void ws__metric_observe(ws_histogram *h, double seconds)
{
    size_t i = 0;
    while (i < WS_HIST_BUCKETS && seconds > bounds[i])
        i++;
    h->counts[i]++;
    h->sum += seconds;
    h->count++;
}

void ws__metric_message(ws_metrics *m, int from)
{
    if (m && from >= 0 && from < WS_FROM_COUNT_)
        m->messages[from]++;
}

void ws__metric_reply(ws_metrics *m, const char *intent, const char *handoff)
{
    if (!m)
        return;
    m->messages[WS_FROM_BOT]++;
    bump(m->intents, intent ? intent : "fallback");
    if (!intent || strcmp(intent, "fallback") == 0)
        m->fallbacks++;
    if (handoff)
        m->handoffs[strcmp(handoff, "urgent") == 0 ? 0 : 1]++;
}

void ws__metric_error(ws_metrics *m, const char *code)
{
    if (m)
        bump(m->errors, code);
}

static void histogram(ds_buf *b, const char *name, const char *help, const ws_histogram *h)
{
    ds_buf_printf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
    unsigned long long cum = 0;
    for (size_t i = 0; i < WS_HIST_BUCKETS; i++) {
        cum += h->counts[i];
        ds_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i], cum);
    }
    cum += h->counts[WS_HIST_BUCKETS];
    ds_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name, cum, name,
                  h->sum, name, h->count);
}

/* A label value as the exposition format wants it (\, " and newline escaped). */
static void label(ds_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            ds_buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            ds_buf_puts(b, "\\n");
        else
            ds_buf_append(b, s, 1);
    }
}

static void by_key(ds_buf *b, const ds_map *map, const char *name, const char *key)
{
    for (size_t i = 0; map && i < ds_map_capacity(map); i++) {
        const char *k;
        size_t len, v;
        if (!ds_map_slot(map, i, &k, &len, &v))
            continue;
        ds_buf_printf(b, "%s{%s=\"", name, key);
        char tmp[128];
        snprintf(tmp, sizeof tmp, "%.*s", (int)len, k);
        label(b, tmp);
        ds_buf_printf(b, "\"} %zu\n", v);
    }
}

void ws__metrics_render(ws_server *srv, ds_buf *b)
{
    const ws_metrics *m = srv->metrics;
    size_t agent = srv->agent_count, chat = srv->conn_count - agent;
    ds_buf_printf(b,
                  "# HELP destek_connections Open WebSocket connections.\n"
                  "# TYPE destek_connections gauge\n"
                  "destek_connections{endpoint=\"chat\"} %zu\n"
                  "destek_connections{endpoint=\"agent\"} %zu\n",
                  chat, agent);
    if (!m)
        return;
    ds_buf_printf(b,
                  "# HELP destek_messages_total Messages stored, by who wrote them.\n"
                  "# TYPE destek_messages_total counter\n"
                  "destek_messages_total{from=\"shopper\"} %llu\n"
                  "destek_messages_total{from=\"bot\"} %llu\n"
                  "destek_messages_total{from=\"agent\"} %llu\n",
                  m->messages[WS_FROM_SHOPPER], m->messages[WS_FROM_BOT],
                  m->messages[WS_FROM_AGENT]);
    ds_buf_puts(b, "# HELP destek_intents_total Bot replies by the intent they answered.\n"
                   "# TYPE destek_intents_total counter\n");
    by_key(b, m->intents, "destek_intents_total", "intent");
    ds_buf_printf(b,
                  "# HELP destek_fallbacks_total Bot replies that did not understand.\n"
                  "# TYPE destek_fallbacks_total counter\n"
                  "destek_fallbacks_total %llu\n"
                  "# HELP destek_handoffs_total Conversations handed to people, by priority.\n"
                  "# TYPE destek_handoffs_total counter\n"
                  "destek_handoffs_total{priority=\"urgent\"} %llu\n"
                  "destek_handoffs_total{priority=\"normal\"} %llu\n",
                  m->fallbacks, m->handoffs[0], m->handoffs[1]);
    ds_buf_puts(b, "# HELP destek_errors_total Error frames sent, by code.\n"
                   "# TYPE destek_errors_total counter\n");
    by_key(b, m->errors, "destek_errors_total", "code");
    size_t waiting = 0;
    store_handoff_waiting(srv->db, &waiting, NULL);
    ds_buf_printf(b,
                  "# HELP destek_queue_waiting Conversations waiting for people (offline requests "
                  "included).\n# TYPE destek_queue_waiting gauge\ndestek_queue_waiting %zu\n",
                  waiting);
    histogram(b, "destek_reply_seconds",
              "From a shopper message's arrival to the commit that lets its reply go.", &m->reply);
    histogram(b, "destek_store_commit_seconds", "Time of one group commit.", &m->commit);
}
