/* SPDX-License-Identifier: MIT */
/* Private to channels/ws: the server and connection state, and what each
 * file offers the others. The files form a tree: ws_server.c (the loop, the
 * endpoint table, reload, drain) -> ws_chat.c, ws_agent.c (frames),
 * ws_nodes.c (the other nodes' events) -> ws_queue.c (the hand-off queue as
 * agents and shoppers see it) -> ws_presence.c (who is here, on any node)
 * -> ws_relay.c (frames for whoever is connected, on any node) -> ws_conns.c (who is connected),
 * ws_out.c (output queues, the group commit and its events) -> the engine. ws_frame.c, ws_limits.c,
 * ws_identity.c, ws_cors.c and ws_stalls.c (stall counts, DESTEK_STALLS=1) are leaves. */
#ifndef WS_INT_H
#define WS_INT_H

#include <jansson.h>
#include <time.h>
#include <uv.h>

#include "conv.h"
#include "ws.h"

typedef struct ws_server ws_server;
typedef struct ws_conn ws_conn;
typedef struct ws_reply ws_reply;
typedef struct ws_upload ws_upload;

/* ---- the log (ws_log.c) ------------------------------------------------------ */

typedef enum ws_log_level { WS_LOG_INFO, WS_LOG_WARN, WS_LOG_ERROR } ws_log_level;
/* One event: text or JSON as --log-format says; conversation 0 when none.
 * Never a shopper's words. */
void ws__log(const ws_server *srv, ws_log_level level, const char *event, long long conversation,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- metrics (ws_metrics.c) ------------------------------------------------ */

#define WS_HIST_BUCKETS 14
typedef struct ws_histogram {
    unsigned long long counts[WS_HIST_BUCKETS + 1]; /* the last: above every bound */
    double sum;
    unsigned long long count;
} ws_histogram;

enum { WS_FROM_SHOPPER, WS_FROM_BOT, WS_FROM_AGENT, WS_FROM_COUNT_ };

typedef struct ws_metrics {
    unsigned long long messages[WS_FROM_COUNT_];
    unsigned long long fallbacks, handoffs[2]; /* urgent, normal */
    struct ds_map *intents, *errors;           /* id or code -> count */
    ws_histogram reply, commit;
} ws_metrics;

ws_metrics *ws__metrics_new(void);
void ws__metrics_free(ws_metrics *m);
void ws__metric_observe(ws_histogram *h, double seconds);
void ws__metric_message(ws_metrics *m, int from);
/* A bot reply: the intent it answered, the hand-off it opened (NULL none). */
void ws__metric_reply(ws_metrics *m, const char *intent, const char *handoff);
void ws__metric_error(ws_metrics *m, const char *code);
/* The Prometheus text of everything, with the gauges read now. */
void ws__metrics_render(ws_server *srv, ds_buf *b);

/* ---- stall counts (ws_stalls.c, DESTEK_STALLS=1) ---------------------------- */

#define WS_STALL_BOUNDS 5    /* over 1, 2, 5, 10, 20 ms */
#define WS_STALL_SECONDS 120 /* the timeline's length */
typedef struct ws_stall_hist {
    unsigned long long n, over[WS_STALL_BOUNDS];
    double sum, max; /* seconds */
} ws_stall_hist;

/* The parts of a loop turn that are timed. */
enum {
    WS_PART_COMMIT,     /* the group commit's COMMIT (and the events before it) */
    WS_PART_WRITE,      /* the committed frames written right after it */
    WS_PART_FRAME,      /* a frame's handler (a shopper's message: the bot's turn) */
    WS_PART_OPEN,       /* a WebSocket connection established */
    WS_PART_CLOSE,      /* a connection's state freed */
    WS_PART_WRITEABLE,  /* a writeable callback from the loop */
    WS_PART_TIMER,      /* the other timers: sweep, KB watch, purge, queue push, nodes */
    WS_PART_CHECKPOINT, /* a WAL checkpoint (the store's own thread) */
    WS_PART_COUNT_
};

typedef struct ws_stalls {
    const ws_server *srv;
    uv_prepare_t prepare;
    int has_prepare;
    int depth; /* parts inside parts count once, in the outer one */
    double last_at, last_cpu;
    unsigned long long last_idle;
    double cpu0; /* the thread's CPU time when the outer part began */
    ws_stall_hist turn, turn_cpu, part[WS_PART_COUNT_], part_cpu[WS_PART_COUNT_];
    double in_turn[WS_PART_COUNT_];
    unsigned long long slow_by[WS_PART_COUNT_], slow_by_rest;
    /* second by second from the first connection (the run's phases) */
    double t_first;
    struct ws_stall_second {
        unsigned turns, over2, over5, over10, cpu_over5, frames, opens, closes;
        double max, max_cpu;
    } sec[WS_STALL_SECONDS];
} ws_stalls;

/* Starts counting when DESTEK_STALLS is set (after the loop's init, before
 * it runs); nothing otherwise. */
void ws__stalls_start(ws_server *srv);
/* Closes the loop handle (before the loop's last run). */
void ws__stalls_close(ws_server *srv);
/* Writes the counts to the log and frees them. */
void ws__stalls_report(ws_server *srv);
/* Times a part: t0 = ws__stall_begin(srv); ...; ws__stall_end(srv, part, t0). */
double ws__stall_begin(ws_server *srv);
void ws__stall_end(ws_server *srv, int part, double t0);
/* A part timed elsewhere (seconds). */
void ws__stall_observe(ws_server *srv, int part, double seconds);

/* One WebSocket endpoint (ws_server.c's table): its URI and handlers. */
typedef struct ws_endpoint {
    const char *uri;
    int is_agent;
    /* one complete text frame */
    void (*frame)(ws_server *srv, ws_conn *c, const char *data, size_t len);
    /* the connection is going: free what the endpoint keeps (may be NULL) */
    void (*closed)(ws_server *srv, ws_conn *c);
} ws_endpoint;

typedef struct ws_frame {
    struct ws_frame *next;
    unsigned long seq; /* sent once batch `seq` is committed; 0 = now */
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes, then the payload */
} ws_frame;

struct ws_conn {
    struct lws *wsi;
    const ws_endpoint *ep;
    struct ws_conn *prev, *next;             /* every live connection */
    struct ws_conn *agent_prev, *agent_next; /* the agents' among them (few: their loops) */
    struct ws_conn *dirty_next;              /* waiting for a commit */
    int dirty;
    ws_frame *qhead, *qtail;
    size_t qlen;
    size_t qbytes;     /* payload bytes queued */
    unsigned char *rx; /* a fragmented frame being gathered */
    size_t rx_len;
    int rx_too_large;
    int is_agent; /* connected on /ws/agent */
    /* shoppers: the conversation, NULL before hello */
    conv_chat *cv;
    size_t sent_position;   /* the queue position last told, 0 none */
    long long told_offline; /* the conversation told "people are away", 0 none */
    int sent_avail;         /* what the last availability told (ws__availability), 0 none */
    /* agents: after auth; NULL before */
    store_agent *agent;
    long long sent_offer; /* the conversation offered to it, 0 none */
    int free_room;        /* below capacity at the last queue push */
    int room_told;        /* free_room as the other nodes know it, -1 not told */
    int away;             /* the agent said it takes no new conversations */
    char addr[48];
    char customer[128];
    int closing;
    int close_code;            /* the close frame's status when closing; 0: policy violation */
    unsigned long long serial; /* unique for the server's life (limiter keys) */
    double last_seen;          /* when a frame or a pong came last (ws__idle_tick) */
    int ping_due;              /* the writeable callback sends a ping first */
    int pinged;                /* a ping was sent since last_seen */
    int http_endpoint;         /* an HTTP request for ws_http.c's endpoint (1-based), 0 none */
    char *http_body;           /* its answer, LWS_PRE bytes in (owned until written) */
    size_t http_len;
    const unsigned char *http_static; /* a static answer being written (borrowed: the server's
                                         ws_static, or a literal), NULL none */
    size_t http_static_len, http_static_sent;
    ws_reply *reply;   /* an answer of ws_reply.c being written (owned), NULL none */
    char *http_origin; /* the page's Origin its answer allows (CORS, ws_cors.c; owned), NULL none */
    ws_upload *upload; /* an upload being received or checked (ws_upload.c), NULL none */
};

struct ws_server {
    const ws_config *cfg;
    struct lws_context *ctx;
    kb_base *kb;
    match_engine *me;
    store_db *db;
    conv_service *svc;
    ws_limiter *limits;
    ws_conn *conns;
    size_t conn_count;
    ws_conn *agents; /* the connections on /ws/agent, also in conns */
    size_t agent_count;
    size_t max_conns; /* WebSocket connections the descriptors allow */
    ws_conn *dirty;
    ws_conn *flushing;   /* the committed batch's connections, being written */
    int write_now;       /* right after the commit: 0 leave the frames to the next turn, 1 service
                            their POLLOUT, WS_WRITE_DIRECT write them at once (ws_out.c) */
    unsigned char *pack; /* LWS_PRE + WS_TX_PACKET_LEN bytes: several frames framed for one
                            send (ws_out.c; owned, allocated on first use); NULL none yet */
    int pack_off;        /* DESTEK_PACK=0: one lws_write per frame (for A/B) */
    unsigned long batch_seq; /* the open batch, 0 when none */
    unsigned long committed_seq;
    unsigned long next_seq;
    lws_sorted_usec_list_t flush_sul;
    lws_sorted_usec_list_t sweep_sul;
    lws_sorted_usec_list_t purge_sul; /* the daily retention purge */
    lws_sorted_usec_list_t kb_sul;    /* looks at the KB files for changes */
    unsigned long long kb_stamp;      /* their newest mtime and count, at the last load */
    lws_sorted_usec_list_t queue_sul;
    lws_sorted_usec_list_t idle_sul;   /* ws__idle_tick */
    ws_conn *idle_next;                /* the connection it looks at next; NULL: the first */
    double idle_ping_s, idle_hangup_s; /* WS_IDLE_PING_S, WS_IDLE_HANGUP_S (tests: env) */
    char **origins;
    size_t origin_count;
    int draining; /* SIGTERM: closing every connection */
    /* the event loop: destek's own libuv loop (epoll) handed to lws, or
     * with DESTEK_LOOP=poll lws's poll() loop */
    int use_uv;
    uv_loop_t loop;
    uv_signal_t sig_term, sig_int, sig_hup, sig_usr1;
    uv_timer_t drain_timer;
    struct lws_context *ctx_alive; /* lws sets it NULL once destroyed */
    int queue_dirty;               /* push the queue after this loop turn */
    long long avail_at;            /* when the agents at work were counted for shoppers */
    size_t avail_agents;           /* how many there were then */
    double queue_pushed;           /* when it was pushed last */
    struct ds_map *addr_conns;     /* open connections per address (ws_conns.c) */
    struct ds_map *conv_conns;     /* shopper connections per conversation (ws_conns.c) */
    int conv_conns_ok;             /* conv_conns is exact (else: walk the connections) */
    unsigned long long next_serial;
    char web_real[4096];   /* the web directory, symlinks resolved */
    struct ws_static *web; /* its files, read at start (ws_static.c) */
    ws_metrics *metrics;
    double *reply_t; /* arrival times of the open batch's answered messages */
    size_t reply_n, reply_cap;
    double cap_logged;   /* when the per-address cap was last logged */
    double gone_checked; /* when the database file was last looked at */
    int store_gone;      /* it was deleted or replaced: no more writes */
    int store_down;      /* a shared database does not answer, for now */
    /* several nodes on one shared database (ws_nodes.c, ws_relay.c) */
    int shared;
    char node[64]; /* this node's name in the events it appends */
    store_node_event *outbox;
    size_t outbox_n, outbox_cap;
    int outbox_queue; /* a queue event is in the outbox already */
    store_listener *listener;
    int listener_down;
    long long event_seen; /* the number of the last event read */
    double events_read, events_trimmed;
    long long presence_beat; /* the last sign of life written (ws_presence.c) */
    lws_sorted_usec_list_t nodes_sul;
    size_t upload_bytes; /* bytes of uploads held in memory now (ws_upload.c) */
    ws_stalls *stalls;   /* DESTEK_STALLS=1 only, else NULL (ws_stalls.c) */
};

/* ---- output and the group commit (ws_out.c) ----------------------------- */

#define WS_WRITE_DIRECT 2 /* srv->write_now: the commit writes its frames itself */

/* Queues a JSON object for c (takes obj). durable: hold it until the open
 * batch commits. */
void ws__send(ws_server *srv, ws_conn *c, json_t *obj, int durable);
/* The same for a frame already written (takes s; NULL sends nothing). */
void ws__send_take(ws_server *srv, ws_conn *c, char *s, int durable);
void ws__send_error(ws_server *srv, ws_conn *c, const char *code, const char *message);
/* Opens the group-commit batch if none is open and schedules its commit. */
ds_status ws__batch(ws_server *srv);
/* A shopper message that arrived at t was answered in the open batch: its
 * latency is measured when the batch commits. */
void ws__reply_arrived(ws_server *srv, double t);
/* 0 once the database file was deleted or replaced under the server. */
int ws__store_ready(ws_server *srv);
/* Commits the open batch now (SIGTERM, exit; its frames then leave on the
 * next POLLOUT, while the loop's own commit writes them at once, ws_out.c).
 * When the commit fails, nothing the batch held is ever sent: every
 * connection that waited on it gets an `unavailable` error and is closed
 * (1013, try again later), so its client reconnects, resumes what the store
 * really has and re-sends what was not acknowledged; a conversation started
 * in the batch is forgotten with the connection. */
void ws__flush(ws_server *srv);
/* For the other nodes (a shared store): appends an event to the open batch
 * (opening it), written just before the batch commits. frame is borrowed
 * and may be NULL. Nothing on a store of one node's own. */
void ws__publish(ws_server *srv, const char *kind, long long conv, long long target, json_t *frame);
/* Queues an error frame and closes c after it with close status code (0:
 * policy violation). */
void ws__close_with(ws_server *srv, ws_conn *c, int code, const char *error, const char *message);
/* Writes the committed frames at the head of c's queue (writeable callback). */
void ws__write_ready(ws_server *srv, ws_conn *c);
/* Drops c's queued frames and its place on the dirty list. */
void ws__out_forget(ws_server *srv, ws_conn *c);
/* Current time: seconds (with a fraction) and shop-local ISO 8601. */
double ws__now(void);
void ws__now_iso(const ws_server *srv, char buf[CLOCK_ISO_LEN]);
/* A dialogue.json message's first text, for frames that are not bot turns
 * (the survey's question); fallback when the KB has none. Borrowed. */
const char *ws__words(const ws_server *srv, const char *key, const char *fallback);

/* ---- frames for whoever is connected, on any node (ws_relay.c) ------------ */

/* To the shopper of conv: on this node now (durable: after the commit),
 * and to the other nodes' connections through the store. Takes frame. */
void ws__to_shopper(ws_server *srv, long long conv, json_t *frame, int durable);
/* To agent agent_id, the same way. Takes frame. */
void ws__to_agent(ws_server *srv, long long agent_id, json_t *frame, int durable);
/* A conversation's hand-off state changed: on this node's connections of
 * it, and on the other nodes'. */
void ws__handoff_changed(ws_server *srv, long long conv, int in_handoff, long long claimed_by);

/* ---- what an agent sees of a conversation it takes (ws_claim.c) ----------- */

/* The "claimed" frame for agent_id (action: claim, reopen, reconnect,
 * transfer; from: the agent who handed it over, or NULL), after the reading
 * is written to the access log in the open batch. Owned; NULL when the
 * audit failed (nothing may be shown then). */
json_t *ws__claimed_frame(ws_server *srv, const store_handoff *h, long long agent_id,
                          const char *action, const char *from);
/* A canned answer as the agent would send it in a conversation (s: its
 * shopper's connection, NULL for none): what the conversation cannot fill
 * left as {{name}}. Owned; NULL when it does not render. */
json_t *ws__canned_preview(ws_server *srv, ws_conn *s, const kb_canned *k);

/* ---- who is here, on any node (ws_presence.c) ----------------------------- */

/* A node not seen for this long is gone, with what it held. */
#define WS_PRESENCE_DEAD_S 10

/* A shopper connection's conversation is about to go (closed, replaced,
 * reset): c->cv is still it. Told to the other nodes and to the agent who
 * has the conversation ("presence" frame). */
void ws__presence_leave(ws_server *srv, ws_conn *c);
/* c->cv was set (a new or resumed conversation, its hand-off state read). */
void ws__presence_join(ws_server *srv, ws_conn *c);
/* An agent connection authenticated (on 1) or is going (on 0). */
void ws__presence_agent(ws_server *srv, ws_conn *c, int on);
/* Agent c's free_room was worked out again (the queue push). */
void ws__presence_room(ws_server *srv, ws_conn *c);
/* Whether conv's shopper has the chat open on any node. */
int ws__shopper_online(ws_server *srv, long long conv);
/* Agents at work on any node; *room (may be NULL): how many can take
 * another conversation. */
size_t ws__agents_at_work(ws_server *srv, size_t *room);
/* Every tick on a shared store: this node's sign of life, and the nodes
 * that stopped giving one forgotten (how many: their offers are free). */
size_t ws__presence_tick(ws_server *srv);
/* Stopping: the other nodes forget this one's connections. */
void ws__presence_stop(ws_server *srv);

/* ---- the other nodes (ws_nodes.c) ----------------------------------------- */

/* On a shared store: names this node, opens the listener and starts
 * reading the others' events from the newest one. 0 on success (always on
 * a store of one node's own). */
int ws__nodes_start(ws_server *srv);
void ws__nodes_stop(ws_server *srv);
/* 0 while the listener is down (the reason for /readyz in why). */
int ws__nodes_ready(ws_server *srv, const char **why);

/* ---- connections (ws_conns.c) --------------------------------------------- */
void ws__conn_link(ws_server *srv, ws_conn *c);
void ws__conn_unlink(ws_server *srv, ws_conn *c);
/* The shopper connection of a conversation (the newest), or NULL. */
ws_conn *ws__shopper_of(ws_server *srv, long long conv);
/* The agent connection of agent id, or NULL. */
ws_conn *ws__agent_conn(ws_server *srv, long long agent_id);
/* Records a conversation's hand-off state on all its shopper connections. */
void ws__set_handoff(ws_server *srv, long long conv, int in_handoff, long long claimed_by);

/* Open connections from an address, counted as they open and close; the
 * count is rebuilt from the live connections now and then (the sweep). */
size_t ws__addr_conns(ws_server *srv, const char *addr);
void ws__addr_count(ws_server *srv, const char *addr, int delta);
void ws__addr_rebuild(ws_server *srv);
/* Idle connections (no frame, no pong) pinged after WS_IDLE_PING_S and
 * dropped after WS_IDLE_HANGUP_S: a slice of the connections each tick of
 * WS_IDLE_TICK_US, so each is looked at once in WS_IDLE_PASS_S and no turn
 * walks them all (lws's own validity timers cost every new connection a
 * walk of a list as long as the connections open: docs/PERFORMANCE.md). */
#define WS_IDLE_TICK_US (LWS_US_PER_SEC / 10)
void ws__idle_tick(ws_server *srv, double now);
/* Shopper connections on this node per conversation, counted as they join
 * and leave (ws_presence.c); trusted only while srv->conv_conns_ok, and
 * rebuilt from the live connections now and then (the sweep), or at once
 * when it was not. */
size_t ws__conv_conns(ws_server *srv, long long conv);
void ws__conv_count(ws_server *srv, long long conv, int delta);
void ws__conv_rebuild(ws_server *srv);

/* ---- the server's own HTTP answers (ws_http.c) --------------------------- */

/* 1-based index of the endpoint (/healthz, /upload, ...) a request is for,
 * 0 when it is not one (a static file, then): by the path of a GET or POST,
 * or of an OPTIONS for the endpoints other origins may call (CORS). */
int ws__http_which(struct lws *wsi);
/* Answers the request: the headers now, the body when writeable. Return
 * what the lws callback returns. */
int ws__http_request(ws_server *srv, struct lws *wsi, int which);
int ws__http_writeable(ws_server *srv, struct lws *wsi, int which);
/* Frees an answer never written (the connection went). */
void ws__http_closed(ws_conn *c);

/* ---- static files (ws_static.c) ------------------------------------------- */

typedef struct ws_static ws_static;
/* Reads every regular file of dir (not its subdirectories, nor symlinks
 * that lead out of it) and compresses each once. *out is owned (free with
 * ws__static_free). DS_ENOTFOUND when dir cannot be read, DS_EIO for a
 * file in it, DS_ETOOBIG for a file over 8 MB. */
ds_status ws__static_open(const char *dir, ws_static **out, ds_error *err);
void ws__static_free(ws_static *st);
/* Answers a GET or HEAD for a file (404, 405, the /agent redirect too): the
 * headers now, the body from ws__static_writeable. st may be NULL (no web
 * directory: 404). Return what the lws callback returns. */
int ws__static_request(const ws_static *st, struct lws *wsi, ws_conn *c);
int ws__static_writeable(struct lws *wsi, ws_conn *c);
/* Hands a request body's bytes (len 0 with done: its end) to the endpoint
 * that reads one (POST /upload). Returns what the lws callback returns. */
int ws__http_body(ws_server *srv, struct lws *wsi, const void *in, size_t len, int done);

/* ---- photos and files (ws_upload.c, ws_attach.c, ws_reply.c) --------------- */

/* Limits of uploads (docs/PROTOCOL.md "Photos and files"); the size and
 * pixel limits are engine/media.h's. */
#define WS_UPLOAD_ADDR_BURST 30                /* uploads per address ... */
#define WS_UPLOAD_CONV_BURST 10                /* ... and per conversation ... */
#define WS_UPLOAD_WINDOW_S 60                  /* ... in this many seconds */
#define WS_UPLOAD_HELD_MAX (64u * 1024 * 1024) /* upload bytes in memory at once */
#define WS_DOWNLOAD_ADDR_BURST 300             /* attachment downloads per address a minute */
#define WS_HTTP_UNPROCESSABLE 422              /* statuses lws-http.h does not name */
#define WS_HTTP_TOO_MANY 429

/* POST /upload: checks who asks and the declared length before a byte of
 * the body is kept (uri: the request's). */
int ws__upload_request(ws_server *srv, struct lws *wsi, const char *uri);
/* The body, as it comes (done: all of it came). */
int ws__upload_body(ws_server *srv, struct lws *wsi, const void *in, size_t len, int done);
/* The connection of c is going: an upload being checked finishes without it. */
void ws__upload_gone(ws_conn *c);

/* GET /attachments/ID for the conversation's shopper or an agent. */
int ws__attach_request(ws_server *srv, struct lws *wsi, const char *uri);

/* Who asks, from the Authorization header: "Session TOKEN" (a shopper:
 * *conv their open conversation) or "Bearer TOKEN" (an agent: *agent owned,
 * store_agent_free). 0 when neither is valid (an error answer is set). */
int ws__http_who(ws_server *srv, struct lws *wsi, long long *conv, store_agent **agent);
/* 1 when the per-address (or other) limit key allows one more now; else a
 * 429 answer is set. */
int ws__http_limit(ws_server *srv, struct lws *wsi, const char *key, int burst);

/* An HTTP answer written from the writeable callback, a piece at a time,
 * with Cache-Control: private, no-store (and the server's nosniff):
 * status, type, disposition (Content-Disposition, NULL none), body[0..len)
 * (takes body). close: the connection ends after it (a body not read). */
int ws__reply(ws_server *srv, struct lws *wsi, unsigned status, const char *type,
              const char *disposition, unsigned char *body, size_t len, int close);
/* {"error":code,"message":the dialogue.json message attachment.CODE, or
 * fallback}. */
int ws__reply_error(ws_server *srv, struct lws *wsi, unsigned status, const char *code,
                    const char *fallback, int close);
/* A JSON answer (takes obj). */
int ws__reply_json(ws_server *srv, struct lws *wsi, unsigned status, json_t *obj);
/* The writeable callback of a connection with an answer: what it returns. */
int ws__reply_write(ws_server *srv, struct lws *wsi);
void ws__reply_free(ws_conn *c);

/* ---- which pages may call the server (ws_cors.c) --------------------------- */

#define WS_CORS_MAX_AGE_S 600 /* how long a browser may keep a preflight's answer */

/* The allowed origins: the server's own (http://HOST:PORT, localhost and
 * 127.0.0.1 on its port) and cfg->origins, comma-separated, "*" any. */
void ws__origins_init(ws_server *srv, const ws_config *cfg);
void ws__origins_free(ws_server *srv);
/* 1 when the request's Origin is allowed or absent (not a browser): the
 * WebSocket upgrade's check. */
int ws__origin_allowed(const ws_server *srv, struct lws *wsi);
/* The request's Origin when it is there and allowed (owned, ds_free), the
 * value an answer's Access-Control-Allow-Origin repeats; NULL otherwise. */
char *ws__cors_origin(const ws_server *srv, struct lws *wsi);
/* Vary: Origin, and Access-Control-Allow-Origin: origin when origin is
 * not NULL, into an answer's headers; -1 when they do not fit. */
int ws__cors_headers(struct lws *wsi, const char *origin, unsigned char **p, unsigned char *end);
/* Answers OPTIONS on path (a preflight): 204 with the CORS headers for
 * methods when the Origin is allowed, 403 without them (and a log line)
 * when it is not, 204 with Allow alone without an Origin. Returns what the
 * lws callback returns. */
int ws__cors_preflight(ws_server *srv, struct lws *wsi, const char *path, const char *methods);

/* ---- a supervisor's frames (ws_supervisor.c) -------------------------------- */

typedef void (*ws_frame_handler)(ws_server *srv, ws_conn *c, json_t *msg);
/* The handler of a supervisor-only agent frame type, NULL for others. */
ws_frame_handler ws__supervisor_handler(int type);

/* ---- search and reading (ws_search.c) --------------------------------------- */

/* The handler of a search or view frame type, NULL for others. */
ws_frame_handler ws__search_handler(int type);
/* The team's frames (ws_team.c): status, the agents at work, transfers. */
ws_frame_handler ws__team_handler(int type);
/* conv exists and c's reading of it is in the access log ("view"); else an
 * error sent and 0. */
int ws__view_allowed(ws_server *srv, ws_conn *c, long long conv);
/* The customer's other conversations (the same order or contact), as the
 * console lists them. Owned. */
json_t *ws__earlier(ws_server *srv, long long conv);

/* ---- transcripts (ws_history.c) ------------------------------------------ */

/* A page of conversation conv's transcript, oldest first: the newest
 * entries older than message `before` (0: the newest of all) within
 * WS_HISTORY_PAGE entries and WS_HISTORY_BYTES; each has "n", its message
 * id. for_agent: with the bot's explanation and agents' notes (a shopper
 * never sees notes). *more: older entries remain. Owned; never NULL on
 * success of the allocation. */
json_t *ws__history(ws_server *srv, long long conv, long long before, int for_agent, int *more);

/* ---- the hand-off queue (ws_queue.c) ----------------------------------- */

/* Schedules a push of the queue to agents, positions to waiting shoppers
 * and offers to free agents, once per loop turn; the other nodes are told
 * to push theirs. */
void ws__queue_changed(ws_server *srv);
/* The same on this node only (another node changed the queue). */
void ws__queue_refresh(ws_server *srv);
/* The conversation of c now waits for people (a turn opened its hand-off). */
void ws__handoff_started(ws_server *srv, ws_conn *c, int offline);
/* Tells a (re)connected shopper where their hand-off stands. */
void ws__handoff_status(ws_server *srv, ws_conn *c);
/* Tells the shopper people are away until when (an after-hours request). */
void ws__send_offline(ws_server *srv, ws_conn *c, int durable);
/* What a shopper can expect now, for the widget's header: whether people
 * are on duty by the working hours ("hours": "open" or "closed"; when
 * closed, "back" and "back_at": when they are back) and whether an agent
 * is at work on any node ("agents", counted at most once a second). *key
 * (out): a number that differs whenever the hours' state or the agents'
 * does. Owned; NULL on a failed allocation. */
json_t *ws__availability(ws_server *srv, int *key);
/* Sends shopper c an "availability" frame when it says something else than
 * the last one c was told (the welcome's); called on each of its pings. */
void ws__availability_check(ws_server *srv, ws_conn *c);

/* ---- endpoints (ws_chat.c, ws_agent.c) --------------------------------- */

void ws__chat_frame(ws_server *srv, ws_conn *c, const char *data, size_t len);
void ws__chat_closed(ws_server *srv, ws_conn *c);
void ws__agent_frame(ws_server *srv, ws_conn *c, const char *data, size_t len);
void ws__agent_closed(ws_server *srv, ws_conn *c);

#endif
