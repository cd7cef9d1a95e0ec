/* SPDX-License-Identifier: MIT */
/* Parsing and validating one shopper frame: pure, no sockets, so the fuzzer
 * runs exactly what the server runs. Any thread. */
#ifndef WS_FRAME_H
#define WS_FRAME_H

#include <jansson.h>
#include <stddef.h>

typedef enum ws_frame_type {
    WS_FRAME_HELLO,
    WS_FRAME_MESSAGE,
    WS_FRAME_IDENTIFY,
    WS_FRAME_RESET,
    WS_FRAME_PING,
    WS_FRAME_TYPING,
    WS_FRAME_RATING,
    WS_FRAME_HISTORY
} ws_frame_type;

/* Frames of the agent endpoint. */
typedef enum ws_agent_frame_type {
    WS_AGENT_AUTH,
    WS_AGENT_CLAIM,
    WS_AGENT_MESSAGE,
    WS_AGENT_NOTE,
    WS_AGENT_TYPING,
    WS_AGENT_RELEASE,
    WS_AGENT_CLOSE,
    WS_AGENT_HISTORY,
    WS_AGENT_REPORT, /* a supervisor's: */
    WS_AGENT_REVIEW_LIST,
    WS_AGENT_REVIEW_ASSIGN,
    WS_AGENT_REVIEW_DISMISS,
    WS_AGENT_INTENTS,
    WS_AGENT_SEARCH, /* any agent's: */
    WS_AGENT_VIEW,
    WS_AGENT_STATUS, /* the team: */
    WS_AGENT_AGENTS,
    WS_AGENT_TRANSFER
} ws_agent_frame_type;

/* Characters of a message's text and bytes of its client id. */
#define WS_MAX_TEXT_CHARS 2000
#define WS_MAX_CLIENT_ID_LEN 64
#define WS_MAX_RATING_CHARS 500 /* a rating's comment */

/* Parses data[0..len). Returns NULL and sets *type and *out (owned:
 * json_decref) for a valid frame; otherwise returns the error code of
 * docs/PROTOCOL.md ("bad_utf8", "bad_json", "unknown_type", "bad_request",
 * "too_large") and points *message at an explanation (static). */
const char *ws_frame_parse(const char *data, size_t len, ws_frame_type *type, json_t **out,
                           const char **message);

/* The same for the agent endpoint: every frame but auth names a
 * "conversation" (a string of digits); message has a text or a canned id,
 * note a text, typing a boolean state. */
const char *ws_agent_frame_parse(const char *data, size_t len, ws_agent_frame_type *type,
                                 json_t **out, const char **message);

#endif
