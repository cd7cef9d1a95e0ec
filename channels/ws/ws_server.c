/* SPDX-License-Identifier: MIT */
/* The libwebsockets event loop: static files (ws_static.c), the table of WebSocket
 * endpoints, the one place a connection's state is freed, idle timeouts,
 * SIGTERM drain and SIGHUP knowledge-base reload. Frames go to the
 * endpoints' handlers (ws_chat.c, ws_agent.c); output and the group commit
 * are ws_out.c's. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <assert.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "ds_map.h"
#include "hours.h"
#include "privacy.h"
#include "ws_int.h"

static const ws_endpoint endpoints[] = {
    {"/ws/chat", 0, ws__chat_frame, ws__chat_closed},
    {"/ws/agent", 1, ws__agent_frame, ws__agent_closed},
};

/* The endpoint of a connection's request URI, or NULL. */
static const ws_endpoint *endpoint_of(struct lws *wsi)
{
    char uri[64];
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
        return NULL;
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (strcmp(uri, endpoints[i].uri) == 0)
            return &endpoints[i];
    return NULL;
}

static volatile sig_atomic_t got_term, got_hup;
static struct lws_context *signal_ctx; /* the only global: signal handlers need it */

static void on_signal(int sig)
{
    if (sig == SIGHUP || sig == SIGUSR1)
        got_hup = sig == SIGUSR1 ? 2 : 1; /* USR1: a reload that may drop intents */
    else
        got_term = 1;
    if (signal_ctx)
        lws_cancel_service(signal_ctx);
}

static void sweep(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, sweep_sul);
    double t0 = ws__stall_begin(srv);
    ws_limiter_sweep(srv->limits, ws__now(), 2.0 * WS_ADDR_WINDOW_S);
    ws__addr_rebuild(srv);
    ws__conv_rebuild(srv);
    lws_sul_schedule(srv->ctx, 0, &srv->sweep_sul, sweep, 60 * LWS_US_PER_SEC);
    ws__stall_end(srv, WS_PART_TIMER, t0);
}

static void idle_tick(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, idle_sul);
    double t0 = ws__stall_begin(srv);
    ws__idle_tick(srv, ws__now());
    lws_sul_schedule(srv->ctx, 0, &srv->idle_sul, idle_tick, WS_IDLE_TICK_US);
    ws__stall_end(srv, WS_PART_TIMER, t0);
}

static int reload_kb(ws_server *srv, int force);

/* The newest modification time of the knowledge base's files, with their
 * count folded in (a removed file changes it too). */
static unsigned long long kb_stamp(const char *dir)
{
    DIR *d = opendir(dir);
    unsigned long long newest = 0, n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 || de->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            unsigned long long t = (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
                                   (unsigned long long)st.st_mtim.tv_nsec;
            if (t > newest)
                newest = t;
            n++;
        }
    }
    if (d)
        closedir(d);
    return newest * 31 + n;
}

/* A changed knowledge base (destek review assign, an operator's edit) is
 * picked up without a signal: looked at every 2 s, reloaded as SIGHUP
 * would (refused, the old one kept, when it lacks intents). */
static void kb_watch(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, kb_sul);
    double t0 = ws__stall_begin(srv);
    unsigned long long now = kb_stamp(srv->cfg->kb_dir);
    if (now != srv->kb_stamp) {
        srv->kb_stamp = now; /* once per change, even when refused */
        reload_kb(srv, 0);
    }
    lws_sul_schedule(srv->ctx, 0, &srv->kb_sul, kb_watch, 2 * LWS_US_PER_SEC);
    ws__stall_end(srv, WS_PART_TIMER, t0);
}

/* KVKK's periodic destruction by the server itself: shop.json's retention
 * applied once a day, the first time just after start. Its own transaction,
 * after the batch in progress is committed; a failure is logged and tried
 * again the next day. */
#define WS_PURGE_EVERY_S 86400
/* Several nodes on one database: one of them, once a day. */
static int purge_due(ws_server *srv, long long now)
{
    int due = 1;
    ds_error err;
    if (!srv->shared)
        return 1;
    if (store_job_due(srv->db, "purge", now, WS_PURGE_EVERY_S - 60, &due, &err) != DS_OK) {
        ws__log(srv, WS_LOG_WARN, "purge_failed", 0,
                "the retention purge failed (tried again in a day): %s", err.message);
        return 0;
    }
    if (!due)
        ws__log(srv, WS_LOG_INFO, "purge_skipped", 0,
                "retention purge: another node of this database ran it in the last day");
    return due;
}

static void purge(lws_sorted_usec_list_t *sul)
{
    ws_server *srv = lws_container_of(sul, ws_server, purge_sul);
    double t0 = ws__stall_begin(srv);
    ws__flush(srv);
    store_destruction d[STORE_PURGE_RULES];
    ds_error err;
    memset(&err, 0, sizeof err);
    long long now = (long long)conv_service_now(srv->svc);
    if (purge_due(srv, now)) {
        if (privacy_purge(srv->db, srv->kb, now, d, &err) != DS_OK)
            ws__log(srv, WS_LOG_WARN, "purge_failed", 0,
                    "the retention purge failed (tried again in a day): %s", err.message);
        else
            ws__log(srv, WS_LOG_INFO, "purge", 0,
                    "retention purge: %lld messages, %lld offline requests and request texts, "
                    "%lld hand-off notes removed (destek privacy log)",
                    d[0].messages, d[1].handoffs + d[1].requests, d[2].handoffs);
    }
    fflush(stdout);
    lws_sul_schedule(srv->ctx, 0, &srv->purge_sul, purge, WS_PURGE_EVERY_S * LWS_US_PER_SEC);
    ws__stall_end(srv, WS_PART_TIMER, t0);
}

/* ---- connections ------------------------------------------------------- */

/* At most WS_ADDR_MAX_CONNS open connections per address: one host cannot
 * hold the server's descriptors (lifted with --limits off, for benchmarks
 * from one loopback address). */
static int addr_allowed(ws_server *srv, struct lws *wsi)
{
    char addr[48];
    lws_get_peer_simple(wsi, addr, sizeof addr);
    int full = srv->conn_count >= srv->max_conns; /* descriptors: always */
    if (!full && (!srv->cfg->limits || ws__addr_conns(srv, addr) < WS_ADDR_MAX_CONNS))
        return 1;
    double now = ws__now();
    if (now - srv->cap_logged > 10) { /* a flood is told once in a while, not per socket */
        srv->cap_logged = now;
        if (full)
            ws__log(srv, WS_LOG_WARN, "conn_cap", 0,
                    "%zu connections open, as many as descriptors allow; more "
                    "are refused",
                    srv->conn_count);
        else
            ws__log(srv, WS_LOG_WARN, "conn_cap", 0,
                    "%s already has %d connections open; more are refused", addr,
                    WS_ADDR_MAX_CONNS);
    }
    return 0;
}

static void conn_open(ws_server *srv, ws_conn *c, struct lws *wsi)
{
    memset(c, 0, sizeof *c);
    c->wsi = wsi;
    c->ep = endpoint_of(wsi);
    c->is_agent = c->ep && c->ep->is_agent;
    lws_get_peer_simple(wsi, c->addr, sizeof c->addr);
    ws__conn_link(srv, c);
    ws__addr_count(srv, c->addr, +1);
    c->serial = ++srv->next_serial;
    c->last_seen = ws__now();
    /* hello (or auth) comes first, and soon: an idle socket holds nothing */
    lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, WS_HELLO_TIMEOUT_S);
}

/* The one place a connection's state is freed. */
static void conn_close(ws_server *srv, ws_conn *c)
{
    ws__conn_unlink(srv, c);
    ws__addr_count(srv, c->addr, -1);
    if (c->ep && c->ep->closed)
        c->ep->closed(srv, c);
    ws__out_forget(srv, c);
    ds_free(c->rx);
    memset(c, 0, sizeof *c);
    if (srv->draining && !srv->conns && srv->use_uv)
        uv_stop(&srv->loop);
}

static void frame(ws_server *srv, ws_conn *c, const char *data, size_t len)
{
    if (c->closing || !c->ep)
        return; /* a refused agent says nothing more */
    double t0 = ws__stall_begin(srv);
    c->ep->frame(srv, c, data, len);
    ws__stall_end(srv, WS_PART_FRAME, t0);
}

/* Gathers fragments; hands a complete frame on. 0 to keep the connection. */
static int receive(ws_server *srv, ws_conn *c, struct lws *wsi, const void *in, size_t len)
{
    c->last_seen = ws__now();
    c->pinged = 0;
    int first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);
    if (lws_frame_is_binary(wsi)) {
        if (final)
            ws__send_error(srv, c, "bad_request", "binary frames are not supported");
        return 0;
    }
    if (first && final && !c->rx) {
        if (len > WS_MAX_FRAME_LEN)
            ws__send_error(srv, c, "too_large", "the frame is larger than 8 KB");
        else
            frame(srv, c, in, len);
        return 0;
    }
    if (first) {
        c->rx_len = 0;
        c->rx_too_large = 0;
    }
    if (c->rx_len + len > WS_MAX_FRAME_HARD_LEN) { /* a flood, not a message: closed, saying why */
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)"too large", 9);
        return -1;
    }
    if (c->rx_len + len > WS_MAX_FRAME_LEN) {
        c->rx_too_large = 1;
        c->rx_len += len; /* count, do not keep */
    } else {
        if (!c->rx && !(c->rx = ds_malloc(WS_MAX_FRAME_LEN + 1)))
            return -1;
        memcpy(c->rx + c->rx_len, in, len);
        c->rx_len += len;
    }
    if (final) {
        if (c->rx_too_large)
            ws__send_error(srv, c, "too_large", "the frame is larger than 8 KB");
        else
            frame(srv, c, (const char *)c->rx, c->rx_len);
        ds_free(c->rx); /* idle connections keep no buffer */
        c->rx = NULL;
        c->rx_len = 0;
    }
    return 0;
}

/* The intents of the old knowledge base the new one lacks, listed in buf:
 * a deploy caught halfway (a file missing) must not quietly make the bot
 * forget what it answered. Returns how many. */
static size_t dropped_intents(const kb_base *old, const kb_base *kb, char *buf, size_t len)
{
    size_t n = 0, used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < kb_intent_count(old); i++) {
        const char *id = kb_intent_at(old, i)->id;
        if (kb_intent_find(kb, id) >= 0)
            continue;
        if (used + strlen(id) + 8 < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", n ? ", " : "", id);
        n++;
    }
    return n;
}

static int reload_kb(ws_server *srv, int force)
{
    srv->kb_stamp = kb_stamp(srv->cfg->kb_dir); /* what this reload reads */
    kb_base *kb;
    match_engine *me;
    ds_error err;
    memset(&err, 0, sizeof err);
    if (kb_load_dir_opts(srv->cfg->kb_dir, &srv->cfg->kb_load, &kb, NULL, NULL, &err) != DS_OK) {
        char buf[1200];
        ds_error_format(&err, buf, sizeof buf);
        ws__log(srv, WS_LOG_WARN, "reload_refused", 0,
                "reload refused, the old knowledge base stays: %s", buf);
        return -1;
    }
    if (dlg_check_kb(kb, NULL, NULL) || hours_check(kb, NULL, NULL) ||
        match_engine_new(kb, &me, &err) != DS_OK) {
        ws__log(srv, WS_LOG_WARN, "reload_refused", 0,
                "reload refused, the new knowledge base is incomplete");
        kb_free(kb);
        return -1;
    }
    char gone[512];
    size_t n = dropped_intents(srv->kb, kb, gone, sizeof gone);
    if (n && !force) {
        ws__log(srv, WS_LOG_WARN, "reload_refused", 0,
                "reload refused, the new knowledge base in %s lacks %zu intents the "
                "running one answers (%s): a file missing? The old one stays. To drop them on "
                "purpose, reload with SIGUSR1 instead of SIGHUP",
                srv->cfg->kb_dir, n, gone);
        match_engine_free(me);
        kb_free(kb);
        return -1;
    }
    if (conv_service_set_engine(srv->svc, me) != DS_OK) {
        match_engine_free(me);
        kb_free(kb);
        return -1;
    }
    for (ws_conn *c = srv->conns; c; c = c->next)
        if (c->cv)
            conv_move_kb(c->cv, srv->kb, kb);
    match_engine_free(srv->me);
    kb_free(srv->kb);
    srv->kb = kb;
    srv->me = me;
    ws__log(srv, WS_LOG_INFO, "reload", 0, "knowledge base reloaded from %s (%zu intents)",
            srv->cfg->kb_dir, kb_intent_count(kb));
    fflush(stdout);
    return 0;
}

/* A static file is served only from inside the web directory: a symlink
 * in it that leads elsewhere (/etc/passwd) is refused, not followed. */
static int file_inside(const ws_server *srv, const char *uri)
{
    if (!srv->web_real[0] || !uri)
        return 1;
    const char *rel = uri, *def = "index.html";
    if (strncmp(uri, "/agent", 6) == 0 && (uri[6] == '\0' || uri[6] == '/')) {
        rel = uri + 6;
        def = "agent.html";
    }
    char path[PATH_MAX + 64], real[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", srv->cfg->web_dir, rel[0] == '/' ? rel + 1 : rel);
    if (n <= 0 || (size_t)n >= sizeof path - 16)
        return 0;
    char *q = strchr(path, '?');
    if (q)
        *q = '\0';
    size_t l = strlen(path);
    if (l && path[l - 1] == '/')
        snprintf(path + l, sizeof path - l, "%s", def);
    if (!realpath(path, real))
        return 1; /* not there: answered 404 (ws_static.c) */
    size_t wl = strlen(srv->web_real);
    return strncmp(real, srv->web_real, wl) == 0 && (real[wl] == '/' || real[wl] == '\0');
}

/* Closes wsi with a status and a reason; returns what the callback
 * returns. On the libuv loop lws tears the socket down without the reason's
 * close frame: it is written here (4 is lws's LWS_WRITE_CLOSE, which
 * lws-write.h leaves unnamed). */
static int close_saying(ws_server *srv, struct lws *wsi, int status, const char *why)
{
    size_t n = strlen(why);
    if (srv->use_uv) {
        unsigned char frame[LWS_PRE + 2 + 32];
        unsigned char *p = frame + LWS_PRE;
        n = n > 32 ? 32 : n;
        p[0] = (unsigned char)(status >> 8);
        p[1] = (unsigned char)(status & 0xff);
        memcpy(p + 2, why, n);
        lws_write(wsi, p, 2 + n, (enum lws_write_protocol)4);
    }
    lws_close_reason(wsi, (enum lws_close_status)status, (unsigned char *)why, n);
    return -1;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    ws_server *srv = lws_context_user(lws_get_context(wsi));
    ws_conn *c = user;
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return endpoint_of(wsi) && ws__origin_allowed(srv, wsi) && addr_allowed(srv, wsi) ? 0 : -1;
    case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
        if (!file_inside(srv, in)) {
            lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, NULL);
            return -1;
        }
        return 0;
    case LWS_CALLBACK_HTTP: {
        int which = ws__http_which(wsi);
        /* a keep-alive connection's earlier request is over */
        c->http_endpoint = which;
        c->http_static = NULL;
        if (!which)
            return ws__static_request(srv->web, wsi, c);
        return ws__http_request(srv, wsi, which);
    }
    case LWS_CALLBACK_HTTP_BODY: return ws__http_body(srv, wsi, in, len, 0);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: return ws__http_body(srv, wsi, NULL, 0, 1);
    case LWS_CALLBACK_CLOSED_HTTP:
        ws__http_closed(c);
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (c && c->http_static)
            return ws__static_writeable(wsi, c);
        if (c && c->http_endpoint)
            return ws__http_writeable(srv, wsi, c->http_endpoint);
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    case LWS_CALLBACK_ESTABLISHED: {
        double t0 = ws__stall_begin(srv);
        conn_open(srv, c, wsi);
        ws__stall_end(srv, WS_PART_OPEN, t0);
        return 0;
    }
    case LWS_CALLBACK_RECEIVE: return c->wsi ? receive(srv, c, wsi, in, len) : -1;
    case LWS_CALLBACK_RECEIVE_PONG:
        if (c->wsi) {
            c->last_seen = ws__now();
            c->pinged = 0;
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        if (srv->draining)
            return close_saying(srv, wsi, LWS_CLOSE_STATUS_GOINGAWAY, "restarting");
        if (c->ping_due) {
            /* with a payload: lws 4.1.6 hands no empty pong to the callback */
            unsigned char ping[LWS_PRE + 1];
            ping[LWS_PRE] = 'd';
            c->ping_due = 0;
            if (lws_write(wsi, ping + LWS_PRE, 1, LWS_WRITE_PING) < 0)
                return -1;
            if (lws_send_pipe_choked(wsi)) { /* the frames on the next POLLOUT */
                lws_callback_on_writable(wsi);
                return 0;
            }
        }
        double t0 = ws__stall_begin(srv);
        ws__write_ready(srv, c);
        ws__stall_end(srv, WS_PART_WRITEABLE, t0);
        /* a connection being closed says why first (its error frame) */
        if (c->closing && (!c->qhead || c->qhead->seq > srv->committed_seq))
            return c->close_code == WS_CLOSE_TRY_AGAIN
                       ? close_saying(srv, wsi, WS_CLOSE_TRY_AGAIN, "try again")
                       : close_saying(srv, wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, "refused");
        if (c->closing)
            lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_CLOSED:
        if (c->wsi) {
            double t0 = ws__stall_begin(srv);
            conn_close(srv, c);
            ws__stall_end(srv, WS_PART_CLOSE, t0);
        }
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (got_hup) {
            int force = got_hup == 2;
            got_hup = 0;
            reload_kb(srv, force);
        }
        return 0;
    default: return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols protocols[] = {
    /* first: connections without a sub-protocol header bind to it */
    /* lws keeps a receive buffer of this size for every connection: chat
     * frames fit in 512 bytes, and longer ones (up to WS_MAX_FRAME_LEN) are
     * gathered by receive() in a buffer that lives only while they arrive.
     * 4 KB here cost 3.5 kB per idle connection (docs/PERFORMANCE.md).
     * tx_packet_size is only how much one send() may carry (lws allocates
     * nothing for it); left 0 it would be the 512 bytes above, and lws
     * would keep the rest of a longer reply in its buffer for the next
     * turns of the loop, one 532-byte send each (ws_out.c). */
    {"destek", callback, sizeof(ws_conn), 512, 0, NULL, WS_TX_PACKET_LEN},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* No validity timers of lws's (ws__idle_tick pings and drops idle
 * connections): lws 4.1.6 keeps every timer of a thread in one sorted list
 * and inserts by walking it from the soonest, so each new connection's
 * timer, the latest of all, walked past every open connection's (0.5 ms of
 * CPU a connection with 10,000 open; docs/PERFORMANCE.md). A hangup of 0
 * turns them off (lib/core-net/wsi-timeout.c). */
static const lws_retry_bo_t idle_policy = {
    .secs_since_valid_ping = 0,
    .secs_since_valid_hangup = 0,
};

static int open_engine(ws_server *srv)
{
    ds_error err;
    if (kb_load_dir_opts(srv->cfg->kb_dir, &srv->cfg->kb_load, &srv->kb, NULL, NULL, &err) !=
        DS_OK) {
        char buf[1200];
        ds_error_format(&err, buf, sizeof buf);
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0,
                "cannot load the knowledge base: %s (run destek kb lint)", buf);
        return -1;
    }
    if (dlg_check_kb(srv->kb, NULL, NULL) || hours_check(srv->kb, NULL, NULL)) {
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0,
                "dialogue.json or the working hours in shop.json have errors "
                "(run destek kb lint)");
        return -1;
    }
    if (match_engine_new(srv->kb, &srv->me, &err) != DS_OK || !(srv->limits = ws_limiter_new())) {
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0, "cannot index the knowledge base");
        return -1;
    }
    if (store_open(srv->cfg->db_path, &srv->db, &err) != DS_OK) {
        char shown[512];
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0, "cannot open %s: %s",
                store_shown(srv->cfg->db_path, shown, sizeof shown), err.message);
        return -1;
    }
    if (srv->cfg->durability_full && store_set_durability(srv->db, 1, &err) != DS_OK) {
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0, "%s", err.message);
        return -1;
    }
    /* the loop's commits never wait for a checkpoint (store.h);
     * DESTEK_CHECKPOINTS=inline leaves them to SQLite, in the commits, for
     * comparisons (docs/PERFORMANCE.md) */
    const char *ck = getenv("DESTEK_CHECKPOINTS");
    if ((!ck || strcmp(ck, "inline") != 0) &&
        store_checkpoint_in_background(srv->db, &err) != DS_OK)
        ws__log(srv, WS_LOG_WARN, "checkpoints_inline", 0,
                "checkpoints stay in the commits that need them: %s", err.message);
    if (!(srv->svc = conv_service_new(srv->me, srv->db)) || !(srv->metrics = ws__metrics_new())) {
        ws__log(srv, WS_LOG_ERROR, "startup_failed", 0, "out of memory");
        return -1;
    }
    conv_service_set_hours(srv->svc, (hours_mode)srv->cfg->hours_mode);
    ws__conv_rebuild(srv); /* empty, exact */
    return 0;
}

static void close_engine(ws_server *srv)
{
    ws__stalls_report(srv);
    if (srv->db)
        ws__presence_stop(srv); /* the other nodes stop counting this one's connections */
    if (srv->batch_seq && srv->db)
        ws__flush(srv); /* nothing read may be lost at exit, nor told to the other nodes */
    ws__nodes_stop(srv);
    conv_service_free(srv->svc);
    store_close(srv->db);
    ws_limiter_free(srv->limits);
    ds_map_free(srv->addr_conns);
    ds_map_free(srv->conv_conns);
    ws__metrics_free(srv->metrics);
    ds_free(srv->reply_t);
    ds_free(srv->pack);
    srv->pack = NULL;
    match_engine_free(srv->me);
    kb_free(srv->kb);
    ws__origins_free(srv);
    ws__static_free(srv->web);
    srv->web = NULL;
}

/* SIGTERM: commit what was read, then close every connection with 1001
 * "going away" from its writable callback, for up to a second. */
static void begin_drain(ws_server *srv)
{
    if (srv->draining)
        return;
    ws__flush(srv);
    srv->draining = 1;
    for (ws_conn *c = srv->conns; c; c = c->next)
        lws_callback_on_writable(c->wsi);
}

static void drain_timeout(uv_timer_t *t)
{
    uv_stop(t->loop);
}

static void on_uv_signal(uv_signal_t *h, int signum)
{
    ws_server *srv = h->data;
    if (signum == SIGHUP || signum == SIGUSR1) {
        reload_kb(srv, signum == SIGUSR1);
        return;
    }
    got_term = 1;
    begin_drain(srv);
    if (!srv->conns)
        uv_stop(&srv->loop);
    else
        uv_timer_start(&srv->drain_timer, drain_timeout, 1000, 0);
}

/* lws watches SIGINT/SIGTERM on a libuv loop itself and by default tears
 * every connection down at once (no close frame); with this it calls us
 * instead and we drain. */
static void lws_uv_signal(void *handle, int signum)
{
    uv_signal_t *h = handle;
    ws_server *srv = lws_context_user(signal_ctx);
    (void)h;
    if (srv && signum != SIGHUP && signum != SIGUSR1)
        on_uv_signal(&srv->sig_term, SIGTERM);
}

static void uv_signals(ws_server *srv)
{
    uv_signal_t *hs[] = {&srv->sig_term, &srv->sig_int, &srv->sig_hup, &srv->sig_usr1};
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
    for (size_t i = 0; i < 4; i++) {
        uv_signal_init(&srv->loop, hs[i]);
        hs[i]->data = srv;
        uv_signal_start(hs[i], on_uv_signal, sigs[i]);
    }
    uv_timer_init(&srv->loop, &srv->drain_timer);
}

static void uv_cleanup(ws_server *srv)
{
    /* lws finishes destroying its context on the loop: let it, for up to
     * two seconds, before our handles go */
    for (int i = 0; srv->ctx_alive && i < 2000; i++) {
        if (!uv_run(&srv->loop, UV_RUN_NOWAIT))
            break;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    /* lws 4.1.6 on a foreign loop starts its second stage of destruction
     * only if its own handles closed before the last connection did; when
     * they close after, nothing calls it and its tables leak. Calling
     * lws_context_destroy() again runs the stages left (lib/core/context.c). */
    for (int i = 0; srv->ctx_alive && i < 3; i++) {
        lws_context_destroy(srv->ctx);
        for (int j = 0; srv->ctx_alive && j < 1000 && uv_run(&srv->loop, UV_RUN_NOWAIT); j++)
            ;
    }
    uv_handle_t *hs[] = {(uv_handle_t *)&srv->sig_term, (uv_handle_t *)&srv->sig_int,
                         (uv_handle_t *)&srv->sig_hup, (uv_handle_t *)&srv->sig_usr1,
                         (uv_handle_t *)&srv->drain_timer};
    for (size_t i = 0; i < 5; i++)
        if (!uv_is_closing(hs[i]))
            uv_close(hs[i], NULL);
    ws__stalls_close(srv);
    /* lws closes its own handles on this loop after lws_context_destroy */
    uv_run(&srv->loop, UV_RUN_DEFAULT);
    uv_loop_close(&srv->loop);
}

/* Thousands of shoppers need thousands of descriptors; the soft limit is
 * often 1024. */
/* Raises the descriptor limit to the hard one and returns how many
 * WebSocket connections may be open: the limit less a reserve, so accept()
 * never runs out of descriptors (lws would retry it at 100 % CPU) and the
 * database, the logs and HTTP requests always have some. */
static size_t raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    size_t n = (size_t)rl.rlim_cur;
    return n > 2 * WS_FD_RESERVE ? n - WS_FD_RESERVE : n / 2;
}

int ws_server_run(const ws_config *cfg)
{
    assert(cfg->media); /* uploads need libvips: the caller loads it (ws.h) */
    ws_server srv;
    memset(&srv, 0, sizeof srv);
    srv.max_conns = raise_fd_limit();
    srv.cfg = cfg;
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    if (open_engine(&srv) != 0) {
        close_engine(&srv);
        return 1;
    }
    ws__origins_init(&srv, cfg);

    /* the web directory's files, compressed once and served from memory
     * by the callback (ws_static.c) */
    if (!realpath(cfg->web_dir, srv.web_real))
        srv.web_real[0] = '\0';
    ds_error werr;
    memset(&werr, 0, sizeof werr);
    if (ws__static_open(cfg->web_dir, &srv.web, &werr) != DS_OK) {
        if (werr.status != DS_ENOTFOUND) {
            ws__log(&srv, WS_LOG_ERROR, "startup_failed", 0, "%s", werr.message);
            close_engine(&srv);
            return 1;
        }
        /* no web directory: the WebSocket endpoints still serve */
        ws__log(&srv, WS_LOG_WARN, "no_web_dir", 0, "%s; static files are answered 404",
                werr.message);
    }
    static struct lws_http_mount mount;
    memset(&mount, 0, sizeof mount);
    mount.mountpoint = "/";
    mount.mountpoint_len = 1;
    mount.origin = "destek";
    mount.origin_protocol = LWSMPRO_CALLBACK;
    /* /healthz and /readyz: answered by the callback (ws_http.c) */
    static struct lws_http_mount ops_mounts[5];
    static const char *const ops_paths[] = {"/healthz", "/readyz", "/metrics", "/upload",
                                            "/attachments"};
    for (size_t i = 0; i < 5; i++) {
        memset(&ops_mounts[i], 0, sizeof ops_mounts[i]);
        ops_mounts[i].mountpoint = ops_paths[i];
        ops_mounts[i].mountpoint_len = (unsigned char)strlen(ops_paths[i]);
        ops_mounts[i].origin = "destek";
        ops_mounts[i].origin_protocol = LWSMPRO_CALLBACK;
        ops_mounts[i].mount_next = i + 1 < 5 ? &ops_mounts[i + 1] : NULL;
    }
    mount.mount_next = &ops_mounts[0];

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = cfg->port;
    info.iface = cfg->host;
    info.protocols = protocols;
    info.mounts = &mount;
    info.user = &srv;
    info.retry_and_idle_policy = &idle_policy;
    info.options = LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
    /* lws built with IPv6 binds every interface for an IPv4 iface: keep
     * --host 127.0.0.1 on loopback */
    if (strchr(cfg->host, '.') && !strchr(cfg->host, ':'))
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.fd_limit_per_thread = 0;
    info.timeout_secs = 20;
    /* epoll through a libuv loop of ours: latency that does not grow with
     * the idle connections, as lws's poll() loop does (DESTEK_LOOP=poll
     * for that one; docs/PERFORMANCE.md) */
    const char *loop_kind = getenv("DESTEK_LOOP");
    srv.use_uv = !loop_kind || strcmp(loop_kind, "poll") != 0;
    /* DESTEK_IDLE_PING_S, DESTEK_IDLE_HANGUP_S: seconds, for the tests */
    const char *ping_s = getenv("DESTEK_IDLE_PING_S"), *hangup_s = getenv("DESTEK_IDLE_HANGUP_S");
    srv.idle_ping_s = ping_s && atof(ping_s) > 0 ? atof(ping_s) : WS_IDLE_PING_S;
    srv.idle_hangup_s =
        hangup_s && atof(hangup_s) > srv.idle_ping_s ? atof(hangup_s) : WS_IDLE_HANGUP_S;
    /* 0: on the next turn; lws: through lws's POLLOUT path (ws_out.c) */
    const char *write_now = getenv("DESTEK_WRITE_NOW");
    srv.write_now = !write_now                      ? WS_WRITE_DIRECT
                    : strcmp(write_now, "0") == 0   ? 0
                    : strcmp(write_now, "lws") == 0 ? 1
                                                    : WS_WRITE_DIRECT;
    const char *pack = getenv("DESTEK_PACK"); /* 0: one send per frame (ws_out.c) */
    srv.pack_off = pack && strcmp(pack, "0") == 0;
    void *foreign[1] = {&srv.loop};
    if (srv.use_uv) {
        uv_loop_init(&srv.loop);
        info.foreign_loops = foreign;
        info.options |= LWS_SERVER_OPTION_LIBUV;
        info.signal_cb = lws_uv_signal;
        info.pcontext = &srv.ctx_alive;
    }
    ws__stalls_start(&srv);
    srv.ctx = lws_create_context(&info);
    if (!srv.ctx) {
        ws__log(&srv, WS_LOG_ERROR, "startup_failed", 0, "cannot listen on %s:%d (in use?)",
                cfg->host, cfg->port);
        if (srv.use_uv)
            uv_loop_close(&srv.loop);
        close_engine(&srv);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    srv.ctx_alive = srv.ctx;
    if (srv.use_uv) {
        signal_ctx = srv.ctx;
        uv_signals(&srv);
    } else {
        signal_ctx = srv.ctx;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        sigaction(SIGUSR1, &sa, NULL);
    }
    if (ws__nodes_start(&srv) != 0) {
        lws_context_destroy(srv.ctx);
        if (srv.use_uv)
            uv_cleanup(&srv);
        close_engine(&srv);
        return 1;
    }
    lws_sul_schedule(srv.ctx, 0, &srv.sweep_sul, sweep, 60 * LWS_US_PER_SEC);
    lws_sul_schedule(srv.ctx, 0, &srv.idle_sul, idle_tick, WS_IDLE_TICK_US);
    lws_sul_schedule(srv.ctx, 0, &srv.purge_sul, purge, LWS_US_PER_SEC / 2);
    srv.kb_stamp = kb_stamp(cfg->kb_dir);
    lws_sul_schedule(srv.ctx, 0, &srv.kb_sul, kb_watch, 2 * LWS_US_PER_SEC);

    ws__log(&srv, WS_LOG_INFO, "listening", 0, "listening on http://%s:%d", cfg->host, cfg->port);
    if (cfg->hours_mode != 0)
        ws__log(&srv, WS_LOG_INFO, "hours_forced", 0, "working hours forced %s",
                cfg->hours_mode == 1 ? "open" : "closed");
    fflush(stdout);
    if (srv.use_uv) {
        uv_run(&srv.loop, UV_RUN_DEFAULT); /* until SIGTERM has drained */
        ws__flush(&srv);
        lws_context_destroy(srv.ctx);
        uv_cleanup(&srv);
    } else {
        while (!got_term)
            if (lws_service(srv.ctx, 0) < 0)
                break;
        begin_drain(&srv);
        double until = ws__now() + 1.0;
        while (srv.conns && ws__now() < until)
            if (lws_service(srv.ctx, 0) < 0)
                break;
        lws_context_destroy(srv.ctx);
        srv.ctx_alive = NULL; /* nothing may be scheduled on it now */
    }
    signal_ctx = NULL;
    close_engine(&srv);
    ws__log(&srv, WS_LOG_INFO, "stopped", 0, "stopped");
    return 0;
}
