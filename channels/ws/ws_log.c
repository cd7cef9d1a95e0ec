/* SPDX-License-Identifier: MIT */
/* The server's log: one line an event. As text (the default): notices on
 * stdout as they always were ("listening on http://..."), warnings and
 * errors on stderr after "destek: ". With --log-format json, one JSON
 * object a line on stderr (notices on stdout): time (UTC), level, event, the
 * conversation when there is one, message. The messages never carry what a
 * shopper wrote. A leaf: calls nothing of the server's. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "ws_int.h"

void ws__log(const ws_server *srv, ws_log_level level, const char *event, long long conversation,
             const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    FILE *out = level == WS_LOG_INFO ? stdout : stderr;
    if (!srv || !srv->cfg || !srv->cfg->log_json) {
        fprintf(out, "%s%s\n", level == WS_LOG_INFO ? "" : "destek: ", msg);
        fflush(out);
        return;
    }
    static const char *const names[] = {"info", "warning", "error"};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[64], sec[40];
    strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when, sizeof when, "%s.%03uZ", sec, (unsigned)(ts.tv_nsec / 1000000) % 1000u);
    json_t *j = json_pack("{s:s,s:s,s:s}", "time", when, "level", names[level], "event", event);
    if (j && conversation > 0)
        json_object_set_new(j, "conversation", json_integer(conversation));
    if (j)
        json_object_set_new(j, "message", json_string(msg));
    char *line = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    fprintf(out, "%s\n", line ? line : msg);
    fflush(out);
    ds_free(line);
}
