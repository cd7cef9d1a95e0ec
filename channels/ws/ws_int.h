/* SPDX-License-Identifier: MIT */
/* Private to channels/ws: the server and connection state shared by
 * ws_server.c (event loop, queues, group commit) and ws_chat.c (frames). */
#ifndef WS_INT_H
#define WS_INT_H

#include <jansson.h>
#include <uv.h>
#include <time.h>

#include "ws.h"

typedef struct ws_frame {
    struct ws_frame *next;
    unsigned long seq; /* sent once batch `seq` is committed; 0 = now */
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes, then the payload */
} ws_frame;

typedef struct ws_conn {
    struct lws *wsi;
    struct ws_conn *prev, *next; /* every live connection */
    struct ws_conn *dirty_next;  /* waiting for a commit */
    int dirty;
    ws_frame *qhead, *qtail;
    size_t qlen;
    size_t qbytes;     /* payload bytes queued */
    unsigned char *rx; /* a fragmented frame being gathered */
    size_t rx_len;
    int rx_too_large;
    long long conv; /* conversation id, 0 before hello */
    dlg_session *dlg;
    int is_agent; /* connected on /ws/agent */
    /* the conversation's hand-off as this process last set it (the store
     * is the truth on resume): waiting for people, or held by an agent */
    int in_handoff;
    long long claimed_by;
    size_t sent_position;           /* the queue position last told, 0 none */
    unsigned long long saved_state; /* hash of the dialogue state last saved */
    long long sent_offer;           /* agents: the conversation last offered, 0 none */
    store_agent *agent;             /* after auth; NULL before */
    char addr[48];
    char customer[128];
    int closing;
} ws_conn;

typedef struct ws_server {
    const ws_config *cfg;
    struct lws_context *ctx;
    kb_base *kb;
    match_engine *me;
    store_db *db;
    nlp_text *scratch;
    match_result *res;
    ws_limiter *limits;
    ws_conn *conns;
    size_t conn_count;
    ws_conn *dirty;
    unsigned long batch_seq; /* the open batch, 0 when none */
    unsigned long committed_seq;
    unsigned long next_seq;
    lws_sorted_usec_list_t flush_sul;
    lws_sorted_usec_list_t sweep_sul;
    char **origins;
    size_t origin_count;
    int draining; /* SIGTERM: closing every connection */
    /* the event loop: lws's poll() loop, or with DESTEK_LOOP=uv destek's
     * own libuv loop (epoll) handed to lws */
    int use_uv;
    uv_loop_t loop;
    uv_signal_t sig_term, sig_int, sig_hup;
    uv_timer_t drain_timer;
    struct lws_context *ctx_alive; /* lws sets it NULL once destroyed */
    int hours_mode;                /* hours_mode: auto, open, closed */
    int queue_dirty;               /* push the queue after this loop turn */
    /* working hours, computed at most once a second (a bot turn needs them) */
    time_t hours_at;
    int hours_open;
    char hours_back[96];
    char hours_iso[40];
    lws_sorted_usec_list_t queue_sul;
} ws_server;

/* Queues a JSON object for c (takes obj). durable: hold it until the open
 * batch commits. */
void ws__send(ws_server *srv, ws_conn *c, json_t *obj, int durable);
/* The same for a frame already written (takes s; NULL sends nothing). */
void ws__send_take(ws_server *srv, ws_conn *c, char *s, int durable);
void ws__send_error(ws_server *srv, ws_conn *c, const char *code, const char *message);
/* Opens the group-commit batch if none is open and schedules its commit. */
ds_status ws__batch(ws_server *srv);

/* Handles one complete text frame from a shopper. */
void ws__chat_frame(ws_server *srv, ws_conn *c, const char *data, size_t len);
void ws__chat_closed(ws_server *srv, ws_conn *c);

/* The agent endpoint (ws_agent.c). */
void ws__agent_frame(ws_server *srv, ws_conn *c, const char *data, size_t len);

/* The hand-off queue (ws_queue.c). ws__queue_changed schedules a push of
 * the queue to agents, positions to waiting shoppers and offers to free
 * agents, once per loop turn. */
void ws__queue_changed(ws_server *srv);
/* Starts a hand-off for the conversation after the bot asked for people. */
void ws__handoff_start(ws_server *srv, ws_conn *c, const dlg_reply *r, const char *preview);
/* Tells a (re)connected shopper where their hand-off stands. */
void ws__handoff_status(ws_server *srv, ws_conn *c);
/* Records a conversation's hand-off state on all its shopper connections. */
void ws__set_handoff(ws_server *srv, long long conv, int in_handoff, long long claimed_by);
/* The shopper connection of a conversation, or NULL. */
ws_conn *ws__shopper_of(ws_server *srv, long long conv);
/* The agent connection of agent id, or NULL. */
ws_conn *ws__agent_conn(ws_server *srv, long long agent_id);
/* Working hours now (ws_queue.c): 1 when people are at work; back_at gets
 * the next opening in Turkish and iso the same as ISO 8601 (may be NULL). */
int ws__hours_open(ws_server *srv, char *back_at, size_t back_len, char iso[40]);

/* Current time, ISO 8601 in the shop's time zone, into buf[40]. */
void ws__now_iso(const ws_server *srv, char buf[40]);
double ws__now(void);

#endif
