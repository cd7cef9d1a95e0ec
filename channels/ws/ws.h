/* SPDX-License-Identifier: MIT */
/* The chat server channel: libwebsockets glue that turns frames into engine
 * calls. One event loop, one thread: nothing here is locked. The engine
 * (dialogues, matcher, store) is the same code `destek chat` uses. */
#ifndef WS_H
#define WS_H

#include <libwebsockets.h>
#include <stddef.h>

#include "dlg.h"
#include "kb.h"
#include "match.h"
#include "media.h"
#include "store.h"

/* Limits of the shopper endpoint (docs/PROTOCOL.md). */
#define WS_MAX_FRAME_LEN 8192         /* a bigger frame is refused: too_large */
#define WS_MAX_FRAME_HARD_LEN 65536   /* a bigger one closes the connection */
#define WS_MAX_OUT_BYTES (256 * 1024) /* output waiting for a slow client */
#define WS_TX_PACKET_LEN (64 * 1024)  /* one send() per frame up to this (history pages too) */
#define WS_CLOSE_TRY_AGAIN 1013       /* close status: the store failed, reconnect */
#define WS_SESSION_BURST 20           /* messages per conversation ... */
#define WS_SESSION_WINDOW_S 10        /* ... in this many seconds */
#define WS_ADDR_BURST 600             /* messages per address ... */
#define WS_ADDR_WINDOW_S 60           /* ... in this many seconds */
#define WS_FRAME_BURST 30             /* other frames per connection ... */
#define WS_FRAME_WINDOW_S 10          /* ... in this many seconds */
#define WS_ADDR_FRAME_BURST 1200      /* and per address, a minute */
#define WS_AUTH_BURST 20              /* agent log-ins per address ... */
#define WS_AUTH_WINDOW_S 60           /* ... in this many seconds */
#define WS_ADDR_MAX_CONNS 256         /* open connections per address */
#define WS_HELLO_TIMEOUT_S 10
#define WS_FD_RESERVE \
    256 /* descriptors kept back from connections */ /* hello or auth within this, or closed */
#define WS_QUEUE_ITEMS 100                           /* queue items pushed to agents (the head) */
#define WS_QUEUE_PREVIEW 160                         /* bytes of an offline request in an item */
#define WS_QUEUE_PUSHES_PER_S 4                      /* queue pushes per second, at most */
#define WS_HISTORY_PAGE 50                           /* transcript entries in one frame ... */
#define WS_HISTORY_BYTES (32 * 1024)                 /* ... and at most this much of their JSON */
#define WS_IDLE_PING_S 30                            /* ping an idle connection after this */
#define WS_IDLE_HANGUP_S 75                          /* and drop it when nothing came back */
#define WS_IDLE_PASS_S 5 /* every connection looked at once in this many seconds */

typedef struct ws_config {
    const char *host;
    int port;
    const char *db_path;
    const char *kb_dir;
    /* how the knowledge base is loaded (its dictionaries' image cache) */
    kb_load_opts kb_load;
    const char *web_dir;
    int limits;          /* 0: --limits off */
    const char *origins; /* comma-separated allow-list, "*" = any */
    const char *identity_secret;
    int hours_mode;      /* hours_mode: HOURS_AUTO, HOURS_OPEN, HOURS_CLOSED */
    int durability_full; /* --durability full: every commit survives a power loss */
    /* tests only (DESTEK_TEST_FAIL_COMMITS): while this file exists every
     * group commit fails as a full disk would */
    const char *fail_commits_file;
    /* --metrics-token: /metrics for others than loopback with this bearer */
    const char *metrics_token;
    int log_json; /* --log-format json: one JSON object a line */
    /* libvips, loaded by the caller before the server starts (borrowed:
     * open until ws_server_run returns): uploads are checked with it */
    const media_lib *media;
} ws_config;

/* Runs the server until SIGTERM/SIGINT. Returns the process exit code. */
int ws_server_run(const ws_config *cfg);

/* ---- rate limits (ws_limits.c) ----------------------------------------- */

typedef struct ws_limiter ws_limiter;

/* Owned (ws_limiter_free); NULL on OOM. */
ws_limiter *ws_limiter_new(void);
void ws_limiter_free(ws_limiter *l);
/* Counts one event for key at time now (seconds); 1 when it is allowed:
 * at most burst events in any window of window_s seconds (a sliding log
 * approximated by two fixed windows). */
int ws_limiter_hit(ws_limiter *l, const char *key, double now, int burst, int window_s);
/* Forgets keys idle for longer than max_idle_s. */
void ws_limiter_sweep(ws_limiter *l, double now, double max_idle_s);

/* ---- identity (ws_identity.c) ------------------------------------------ */

/* 1 when sig is hex(HMAC-SHA256(secret, customer "|" exp)) and
 * now < exp <= now + WS_IDENTITY_MAX_S. */
#define WS_IDENTITY_MAX_S 86400
int ws_identity_verify(const char *secret, const char *customer, long long exp, const char *sig,
                       long long now);

/* 128 random bits as URL-safe base64 (22 characters) into out[23]. 0 on
 * success. */
int ws_token_new(char out[23]);
/* Hex SHA-256 of s into out[65]. */
void ws_sha256_hex(const char *s, char out[65]);

#endif
