// SPDX-License-Identifier: MIT
/*
 * loadgen: a WebSocket load generator for `destek serve` (docs/PROTOCOL.md).
 * It opens many shopper connections from one process and one libwebsockets
 * event loop, says hello on each, sends Turkish questions and measures the
 * time from each send to its reply. It only talks to loopback addresses: it
 * is a benchmark for one's own server, not a tool to point at anyone else's.
 */

#include <errno.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include <arpa/inet.h>

#define LG_MAX_INFLIGHT_CONNECTS 256 /* handshakes under way at once */
#define LG_OUT_MAX 512               /* one outgoing frame */
#define LG_IN_MAX (1024 * 1024)      /* one incoming message, reassembled */
#define LG_TICK_US 1000              /* scheduler period */
#define LG_SETTLE_US 1000000         /* idle time before measuring RSS */
#define LG_ERR_KINDS 32

static const char *const questions[] = {
    "kargo ücreti ne kadar",
    "iade süresi kaç gün",
    "kapıda ödeme var mı",
    "siparişim nerede",
    "kaç günde teslim edersiniz",
    "taksit yapıyor musunuz",
    "ürünü değiştirmek istiyorum",
    "kargom hala gelmedi",
    "faturamı nasıl alabilirim",
    "indirim kodu çalışmıyor",
    "şifremi unuttum",
    "beden tablosu nerede",
    "iade kargo ücreti kime ait",
    "hangi kargo firmasıyla gönderiyorsunuz",
    "siparişimi iptal etmek istiyorum",
    "müşteri hizmetlerine nasıl ulaşırım",
};
#define QUESTION_COUNT (sizeof questions / sizeof questions[0])

enum conn_state {
    CONN_IDLE,       /* not opened yet */
    CONN_CONNECTING, /* TCP + handshake under way */
    CONN_HELLO,      /* open, hello queued or sent, waiting for welcome */
    CONN_READY,      /* welcomed, waiting for the message phase or a slot */
    CONN_WAITING,    /* a message sent, waiting for its reply */
    CONN_DONE,       /* all messages answered */
    CONN_FAILED,     /* connect error or closed early */
};

struct conn {
    struct lws *wsi;
    unsigned index;
    enum conn_state state;
    unsigned sent;      /* messages written */
    unsigned answered;  /* messages finished (reply or error) */
    int queued;         /* an ready-queue entry exists */
    int pending_write;  /* out holds a frame not yet written */
    int64_t sent_at_us; /* write time of the outstanding message */
    char pending_id[32];
    unsigned char out[LWS_PRE + LG_OUT_MAX];
    size_t out_len;
    char *in;
    size_t in_len, in_cap;
};

struct err_count {
    char code[40];
    unsigned long count;
};

struct loadgen {
    /* options */
    char address[64];
    char host_header[80];
    int port;
    char path[256];
    const char *origin;
    unsigned connections;
    unsigned messages;
    double rate;
    double duration_s;
    double ramp_s;
    double hold_s; /* --messages 0: keep the connections open this long */
    long server_pid;

    int use_poll; /* --loop poll: lws's own poll() loop; else libuv (epoll) */
    uv_loop_t loop;

    /* run state */
    struct lws_context *context;
    struct conn *conns;
    lws_sorted_usec_list_t tick;
    int64_t start_us;
    int64_t msg_phase_us; /* 0 until every connection is welcomed or failed */
    int64_t settle_until_us;
    int finished;
    int64_t end_us;
    unsigned next_to_open;
    unsigned connecting;
    unsigned opened; /* handshakes completed */
    unsigned welcomed;
    unsigned failed;
    unsigned resolved; /* welcomed + failed before the message phase */
    unsigned done;
    unsigned long sent_total;
    unsigned long replies;
    unsigned long acks;
    unsigned long unmatched;
    unsigned long offered; /* with --rate: sends the schedule asked for */
    unsigned long missed;  /* ... and found no idle connection for */
    unsigned long issued;  /* messages handed to connections */
    unsigned *ready;       /* FIFO of connection indexes that may send */
    size_t ready_head, ready_count;
    int64_t *lat_us;
    size_t lat_count, lat_cap;
    struct err_count errs[LG_ERR_KINDS];
    long rss_base_kb, rss_idle_kb, rss_end_kb;
    unsigned held_at_idle;
};

static struct loadgen lg;
static volatile sig_atomic_t interrupted;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void count_error(const char *code)
{
    for (int i = 0; i < LG_ERR_KINDS; i++) {
        if (lg.errs[i].code[0] == '\0') {
            snprintf(lg.errs[i].code, sizeof lg.errs[i].code, "%s", code);
            lg.errs[i].count = 1;
            return;
        }
        if (strcmp(lg.errs[i].code, code) == 0) {
            lg.errs[i].count++;
            return;
        }
    }
    lg.errs[LG_ERR_KINDS - 1].count++; /* lump the rest into the last kind */
}

static long read_rss_kb(long pid)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

static void record_latency(int64_t us)
{
    if (lg.lat_count == lg.lat_cap) {
        size_t cap = lg.lat_cap ? lg.lat_cap * 2 : 4096;
        int64_t *p = realloc(lg.lat_us, cap * sizeof *p);
        if (!p)
            return;
        lg.lat_us = p;
        lg.lat_cap = cap;
    }
    lg.lat_us[lg.lat_count++] = us;
}

/* ---- connection life ---- */

static void ready_push(struct conn *c)
{
    if (c->queued)
        return;
    size_t tail = (lg.ready_head + lg.ready_count) % lg.connections;
    lg.ready[tail] = c->index;
    lg.ready_count++;
    c->queued = 1;
}

static struct conn *ready_pop(void)
{
    while (lg.ready_count) {
        struct conn *c = &lg.conns[lg.ready[lg.ready_head]];
        lg.ready_head = (lg.ready_head + 1) % lg.connections;
        lg.ready_count--;
        c->queued = 0;
        if (c->state == CONN_READY && c->sent < lg.messages)
            return c;
    }
    return NULL;
}

static void queue_frame(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void queue_frame(struct conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf((char *)c->out + LWS_PRE, LG_OUT_MAX, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= LG_OUT_MAX)
        n = 0;
    c->out_len = (size_t)n;
    c->pending_write = 1;
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

static void send_message(struct conn *c)
{
    unsigned q = (c->index * 7u + c->sent) % QUESTION_COUNT;
    snprintf(c->pending_id, sizeof c->pending_id, "lg-%u-%u", c->index, c->sent);
    c->state = CONN_WAITING;
    c->sent++;
    lg.issued++;
    queue_frame(c, "{\"type\":\"message\",\"id\":\"%s\",\"text\":\"%s\"}", c->pending_id,
                questions[q]);
}

static void conn_finish_message(struct conn *c)
{
    c->answered++;
    c->pending_id[0] = '\0';
    if (c->answered >= lg.messages) {
        c->state = CONN_DONE;
        lg.done++;
        return;
    }
    c->state = CONN_READY;
    if (lg.rate > 0)
        ready_push(c);
    else
        send_message(c);
}

static void conn_fail(struct conn *c, const char *why)
{
    if (c->state == CONN_FAILED || c->state == CONN_DONE)
        return;
    if (c->state == CONN_CONNECTING && lg.connecting)
        lg.connecting--;
    if (c->state == CONN_WAITING)
        count_error("no_reply_before_close");
    int before_phase = c->state == CONN_CONNECTING || c->state == CONN_HELLO;
    c->state = CONN_FAILED;
    lg.failed++;
    if (before_phase && !lg.msg_phase_us)
        lg.resolved++;
    count_error(why);
}

static void on_welcome(struct conn *c)
{
    if (c->state != CONN_HELLO)
        return; /* a reset or resume would land here; loadgen sends neither */
    c->state = CONN_READY;
    lg.welcomed++;
    if (!lg.msg_phase_us)
        lg.resolved++;
    /* The message phase starts only once every connection is resolved, so a
       welcome never arrives after it. */
}

static void handle_frame(struct conn *c)
{
    json_error_t jerr;
    json_t *root = json_loadb(c->in, c->in_len, 0, &jerr);
    c->in_len = 0;
    if (!json_is_object(root)) {
        count_error("client:unparsable_server_frame");
        json_decref(root);
        return;
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type) {
        count_error("client:frame_without_type");
    } else if (strcmp(type, "welcome") == 0) {
        on_welcome(c);
    } else if (strcmp(type, "ack") == 0) {
        lg.acks++;
    } else if (strcmp(type, "reply") == 0) {
        const char *to = json_string_value(json_object_get(root, "reply_to"));
        if (c->state == CONN_WAITING && to && strcmp(to, c->pending_id) == 0) {
            lg.replies++;
            record_latency(now_us() - c->sent_at_us);
            conn_finish_message(c);
        } else {
            lg.unmatched++; /* e.g. a second reply to one message */
        }
    } else if (strcmp(type, "error") == 0) {
        const char *code = json_string_value(json_object_get(root, "code"));
        char buf[40];
        snprintf(buf, sizeof buf, "%s", code ? code : "(no code)");
        count_error(buf);
        /* An error while a message is outstanding refuses that message. */
        if (c->state == CONN_WAITING)
            conn_finish_message(c);
    }
    /* identified, pong, handoff, ...: not measured */
    json_decref(root);
}

static int append_input(struct conn *c, const void *in, size_t len)
{
    if (c->in_len + len > LG_IN_MAX)
        return -1;
    if (c->in_len + len > c->in_cap) {
        size_t cap = c->in_cap ? c->in_cap : 1024;
        while (cap < c->in_len + len)
            cap *= 2;
        char *p = realloc(c->in, cap);
        if (!p)
            return -1;
        c->in = p;
        c->in_cap = cap;
    }
    memcpy(c->in + c->in_len, in, len);
    c->in_len += len;
    return 0;
}

static int on_writable(struct lws *wsi, struct conn *c)
{
    if (!c->pending_write)
        return 0;
    c->pending_write = 0;
    if (c->state == CONN_WAITING)
        c->sent_at_us = now_us();
    int n = lws_write(wsi, c->out + LWS_PRE, c->out_len, LWS_WRITE_TEXT);
    if (n < (int)c->out_len) {
        conn_fail(c, "client:write_failed");
        return -1;
    }
    if (c->state == CONN_WAITING)
        lg.sent_total++;
    return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    (void)user;
    struct conn *c = lws_get_opaque_user_data(wsi);

    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (c) {
            char buf[40];
            snprintf(buf, sizeof buf, "connect:%.30s", in ? (const char *)in : "error");
            conn_fail(c, buf);
            c->wsi = NULL;
        }
        break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (!c)
            break;
        lg.connecting--;
        lg.opened++;
        c->state = CONN_HELLO;
        queue_frame(c, "{\"type\":\"hello\"}");
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (!c)
            break;
        if (append_input(c, in, len)) {
            count_error("client:frame_too_big");
            return -1;
        }
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi))
            handle_frame(c);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (c)
            return on_writable(wsi, c);
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (c) {
            if (!lg.finished)
                conn_fail(c, "closed_by_server");
            c->wsi = NULL;
        }
        break;
    case LWS_CALLBACK_WSI_DESTROY:
        if (c)
            c->wsi = NULL;
        break;
    default: break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    {"loadgen", callback, 0, 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void open_connection(struct conn *c)
{
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = lg.context;
    ci.address = lg.address;
    ci.port = lg.port;
    ci.path = lg.path;
    ci.host = lg.host_header;
    ci.origin = lg.origin;
    ci.protocol = NULL;
    ci.local_protocol_name = "loadgen";
    ci.ietf_version_or_minus_one = -1;
    ci.opaque_user_data = c;
    ci.pwsi = &c->wsi;
    c->state = CONN_CONNECTING;
    lg.connecting++;
    if (!lws_client_connect_via_info(&ci)) {
        /* The error callback may have run already; conn_fail is idempotent. */
        conn_fail(c, "connect:refused_at_once");
        c->wsi = NULL;
    }
}

/* ---- the scheduler ---- */

static void finish(int64_t t)
{
    lg.finished = 1;
    lg.end_us = t;
    lws_cancel_service(lg.context); /* lws_service would wait for I/O otherwise */
    if (!lg.use_poll)
        uv_stop(&lg.loop);
}

static void start_message_phase(int64_t t)
{
    lg.msg_phase_us = t;
    if (lg.server_pid > 0) {
        lg.rss_idle_kb = read_rss_kb(lg.server_pid);
        lg.held_at_idle = 0;
        for (unsigned i = 0; i < lg.connections; i++)
            if (lg.conns[i].state == CONN_READY)
                lg.held_at_idle++;
    }
    for (unsigned i = 0; i < lg.connections; i++) {
        struct conn *c = &lg.conns[i];
        if (c->state != CONN_READY)
            continue;
        if (lg.messages == 0 && lg.hold_s > 0) {
            continue; /* held open until --hold has passed */
        } else if (lg.messages == 0) {
            c->state = CONN_DONE;
            lg.done++;
        } else if (lg.rate > 0) {
            ready_push(c);
        } else {
            send_message(c);
        }
    }
}

static void tick(lws_sorted_usec_list_t *sul)
{
    (void)sul;
    int64_t t = now_us();
    double elapsed = (double)(t - lg.start_us) / 1e6;

    if (interrupted || (lg.duration_s > 0 && elapsed >= lg.duration_s)) {
        finish(t);
        return;
    }
    if (lg.hold_s > 0 && lg.msg_phase_us && t - lg.msg_phase_us >= (int64_t)(lg.hold_s * 1e6)) {
        finish(t);
        return;
    }

    /* Ramp: open connections linearly over --ramp seconds. */
    unsigned target = lg.connections;
    if (lg.ramp_s > 0 && elapsed < lg.ramp_s)
        target = (unsigned)((double)lg.connections * elapsed / lg.ramp_s) + 1;
    if (target > lg.connections)
        target = lg.connections;
    while (lg.next_to_open < target && lg.connecting < LG_MAX_INFLIGHT_CONNECTS)
        open_connection(&lg.conns[lg.next_to_open++]);

    /* Every connection welcomed or failed: settle, measure, then talk. */
    if (!lg.msg_phase_us && lg.next_to_open == lg.connections && lg.resolved >= lg.connections) {
        if (!lg.settle_until_us)
            lg.settle_until_us = t + (lg.server_pid > 0 ? LG_SETTLE_US : 0);
        if (t >= lg.settle_until_us)
            start_message_phase(t);
    }

    if (lg.msg_phase_us && lg.rate > 0) {
        double due = lg.rate * (double)(t - lg.msg_phase_us) / 1e6;
        unsigned long total = (unsigned long)lg.connections * lg.messages;
        while ((double)lg.offered < due && lg.issued < total) {
            lg.offered++;
            struct conn *c = ready_pop();
            if (c)
                send_message(c);
            else
                lg.missed++; /* open loop: a slot with nobody idle is lost */
        }
    }

    if (lg.msg_phase_us && lg.done + lg.failed >= lg.connections) {
        finish(t);
        return;
    }
    lws_sul_schedule(lg.context, 0, &lg.tick, tick, LG_TICK_US);
}

/* ---- options ---- */

static int is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0)
        return 1;
    struct in_addr a4;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return memcmp(&a6, &in6addr_loopback, sizeof a6) == 0;
    return 0;
}

static int parse_url(const char *url)
{
    if (strncmp(url, "ws://", 5) != 0) {
        fprintf(stderr, "loadgen: only ws:// URLs (got %s)\n", url);
        return -1;
    }
    const char *p = url + 5, *host_end, *rest;
    char host[64];
    if (*p == '[') {
        host_end = strchr(p, ']');
        if (!host_end)
            return -1;
        p++;
        rest = host_end + 1;
    } else {
        host_end = p + strcspn(p, ":/");
        rest = host_end;
    }
    size_t hl = (size_t)(host_end - p);
    if (hl == 0 || hl >= sizeof host)
        return -1;
    memcpy(host, p, hl);
    host[hl] = '\0';
    lg.port = 80;
    if (*rest == ':') {
        char *end;
        long port = strtol(rest + 1, &end, 10);
        if (port <= 0 || port > 65535)
            return -1;
        lg.port = (int)port;
        rest = end;
    }
    snprintf(lg.path, sizeof lg.path, "%s", *rest == '/' ? rest : "/");
    if (!is_loopback(host)) {
        fprintf(stderr,
                "loadgen: refusing %s: only loopback hosts "
                "(127.0.0.0/8, ::1, localhost)\n",
                host);
        return -2;
    }
    /* Resolve localhost ourselves so it can never leave the machine. */
    snprintf(lg.address, sizeof lg.address, "%s",
             strcasecmp(host, "localhost") == 0 ? "127.0.0.1" : host);
    if (strchr(host, ':'))
        snprintf(lg.host_header, sizeof lg.host_header, "[%s]:%d", host, lg.port);
    else
        snprintf(lg.host_header, sizeof lg.host_header, "%s:%d", host, lg.port);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: loadgen --url ws://127.0.0.1:PORT/ws/chat --connections N --messages M\n"
               "               [--rate R] [--duration S] [--ramp S] [--hold S] [--server-pid PID]\n"
               "               [--origin O] [--loop uv|poll]\n"
               "  --rate R        messages/s offered in total (0 = each connection sends its\n"
               "                  next message as soon as the reply to the last one arrives)\n"
               "  --duration S    stop after S seconds in all (default 120)\n"
               "  --ramp S        open the connections evenly over S seconds (default 0)\n"
               "  --server-pid P  report the server's RSS and the memory per idle connection\n"
               "  --hold S        with --messages 0: keep every connection open S seconds\n"
               "  --loop L        uv (default: libuv, epoll) or poll (lws's own poll() loop)\n"
               "Only loopback hosts are accepted.\n");
}

static int parse_args(int argc, char **argv)
{
    const char *url = NULL;
    lg.connections = 1;
    lg.messages = 1;
    lg.duration_s = 120;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "loadgen: %s needs a value\n", a);
            return -1;
        }
        const char *v = argv[++i];
        char *end = NULL;
        if (strcmp(a, "--url") == 0)
            url = v;
        else if (strcmp(a, "--origin") == 0)
            lg.origin = v;
        else if (strcmp(a, "--connections") == 0)
            lg.connections = (unsigned)strtoul(v, &end, 10);
        else if (strcmp(a, "--messages") == 0)
            lg.messages = (unsigned)strtoul(v, &end, 10);
        else if (strcmp(a, "--rate") == 0)
            lg.rate = strtod(v, &end);
        else if (strcmp(a, "--duration") == 0)
            lg.duration_s = strtod(v, &end);
        else if (strcmp(a, "--ramp") == 0)
            lg.ramp_s = strtod(v, &end);
        else if (strcmp(a, "--hold") == 0)
            lg.hold_s = strtod(v, &end);
        else if (strcmp(a, "--loop") == 0) {
            if (strcmp(v, "poll") != 0 && strcmp(v, "uv") != 0) {
                fprintf(stderr, "loadgen: --loop is uv or poll\n");
                return -1;
            }
            lg.use_poll = strcmp(v, "poll") == 0;
        } else if (strcmp(a, "--server-pid") == 0)
            lg.server_pid = strtol(v, &end, 10);
        else {
            fprintf(stderr, "loadgen: unknown option %s\n", a);
            return -1;
        }
        if (end && (*end != '\0' || end == v)) {
            fprintf(stderr, "loadgen: bad value for %s: %s\n", a, v);
            return -1;
        }
    }
    if (!url) {
        fprintf(stderr, "loadgen: --url is required\n");
        return -1;
    }
    if (lg.connections == 0 || lg.rate < 0 || lg.duration_s <= 0 || lg.ramp_s < 0) {
        fprintf(stderr, "loadgen: --connections > 0, --duration > 0, "
                        "--rate and --ramp >= 0\n");
        return -1;
    }
    return parse_url(url);
}

/* ---- report ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct_ms(double p)
{
    if (!lg.lat_count)
        return 0;
    size_t k = (size_t)ceil(p / 100.0 * (double)lg.lat_count);
    if (k == 0)
        k = 1;
    return (double)lg.lat_us[k - 1] / 1000.0;
}

static void print_report(void)
{
    int64_t end = lg.end_us ? lg.end_us : now_us();
    double total_s = (double)(end - lg.start_us) / 1e6;
    double msg_s = lg.msg_phase_us ? (double)(end - lg.msg_phase_us) / 1e6 : 0;
    unsigned held = 0;
    for (unsigned i = 0; i < lg.connections; i++) {
        enum conn_state s = lg.conns[i].state;
        if (s == CONN_READY || s == CONN_WAITING || s == CONN_DONE)
            held++;
    }
    qsort(lg.lat_us, lg.lat_count, sizeof *lg.lat_us, cmp_i64);

    printf("url                 ws://%s%s\n", lg.host_header, lg.path);
    printf("connections         %u asked, %u opened, %u welcomed, %u held at the end, "
           "%u failed\n",
           lg.connections, lg.opened, lg.welcomed, held, lg.failed);
    printf("messages            %lu sent, %lu acks, %lu replies, %lu unmatched replies "
           "(of %lu asked)\n",
           lg.sent_total, lg.acks, lg.replies, lg.unmatched,
           (unsigned long)lg.connections * lg.messages);
    if (lg.rate > 0)
        printf("offered             %.1f msg/s: %lu slots, %lu with no idle connection\n", lg.rate,
               lg.offered, lg.missed);
    printf("time                %.2f s in all, %.2f s sending%s\n", total_s, msg_s,
           lg.finished && lg.done + lg.failed < lg.connections ? " (stopped by --duration)" : "");
    printf("throughput          %.1f replies/s\n", msg_s > 0 ? (double)lg.replies / msg_s : 0);
    if (lg.lat_count)
        printf("reply latency ms    p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (n=%zu)\n", pct_ms(50),
               pct_ms(90), pct_ms(99), (double)lg.lat_us[lg.lat_count - 1] / 1000.0, lg.lat_count);
    else
        printf("reply latency ms    (no replies)\n");
    unsigned long errors = 0;
    for (int i = 0; i < LG_ERR_KINDS && lg.errs[i].code[0]; i++)
        errors += lg.errs[i].count;
    printf("errors              %lu\n", errors);
    for (int i = 0; i < LG_ERR_KINDS && lg.errs[i].code[0]; i++)
        printf("  %-32s %lu\n", lg.errs[i].code, lg.errs[i].count);
    if (lg.server_pid > 0) {
        printf("server rss kB       %ld before connecting, %ld with %u idle connections, "
               "%ld at the end\n",
               lg.rss_base_kb, lg.rss_idle_kb, lg.held_at_idle, lg.rss_end_kb);
        if (lg.held_at_idle && lg.rss_base_kb >= 0 && lg.rss_idle_kb >= 0)
            printf("memory per idle connection  %.1f kB\n",
                   (double)(lg.rss_idle_kb - lg.rss_base_kb) / lg.held_at_idle);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

int main(int argc, char **argv)
{
    int rc = parse_args(argc, argv);
    if (rc) {
        if (rc == -1)
            usage(stderr);
        return 2;
    }

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)lg.connections + 32)
        fprintf(stderr,
                "loadgen: warning: %u connections but only %lu file "
                "descriptors (hard limit)\n",
                lg.connections, (unsigned long)rl.rlim_cur);

    lg.conns = calloc(lg.connections, sizeof *lg.conns);
    lg.ready = calloc(lg.connections, sizeof *lg.ready);
    if (!lg.conns || !lg.ready) {
        fprintf(stderr, "loadgen: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < lg.connections; i++)
        lg.conns[i].index = i;

    if (lg.server_pid > 0) {
        lg.rss_base_kb = read_rss_kb(lg.server_pid);
        if (lg.rss_base_kb < 0) {
            fprintf(stderr, "loadgen: cannot read /proc/%ld/status\n", lg.server_pid);
            return 2;
        }
    }

    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    info.timeout_secs = 30;
    /* the client's own cost should not hide the server's: epoll through
     * libuv, as the server runs, rather than poll() over every socket */
    void *foreign[1] = {&lg.loop};
    if (!lg.use_poll) {
        uv_loop_init(&lg.loop);
        info.foreign_loops = foreign;
        info.options |= LWS_SERVER_OPTION_LIBUV;
    }
    lg.context = lws_create_context(&info);
    if (!lg.context) {
        fprintf(stderr, "loadgen: lws_create_context failed\n");
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);

    lg.start_us = now_us();
    lws_sul_schedule(lg.context, 0, &lg.tick, tick, 1);
    while (!lg.finished)
        if (lg.use_poll ? lws_service(lg.context, 0) < 0 : !uv_run(&lg.loop, UV_RUN_ONCE))
            break;
    if (lg.server_pid > 0)
        lg.rss_end_kb = read_rss_kb(lg.server_pid);
    print_report();
    lws_sul_cancel(&lg.tick);
    lws_context_destroy(lg.context);
    /* lws closes its handles on the loop; the process ends right after, so
     * a few turns are enough (the server waits for them: ws_server.c) */
    for (int i = 0; !lg.use_poll && i < 100 && uv_run(&lg.loop, UV_RUN_NOWAIT); i++)
        ;
    for (unsigned i = 0; i < lg.connections; i++)
        free(lg.conns[i].in);
    free(lg.conns);
    free(lg.ready);
    free(lg.lat_us);
    return lg.replies == (unsigned long)lg.connections * lg.messages ? 0 : 1;
}
