/* SPDX-License-Identifier: MIT */
/* Frame validation: UTF-8 first (a clear bad_utf8 rather than a JSON
 * error), then one JSON object, then a known type and its fields. */
#include "ws_frame.h"

#include <string.h>
#include <utf8proc.h>

static int utf8_chars(const char *s, size_t len, size_t *chars)
{
    size_t pos = 0, n = 0;
    while (pos < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(len - pos), &cp);
        if (k < 0)
            return 0;
        pos += (size_t)k;
        n++;
    }
    *chars = n;
    return 1;
}

static const char *check_message(json_t *msg, const char **why)
{
    const char *id = json_string_value(json_object_get(msg, "id"));
    json_t *jtext = json_object_get(msg, "text");
    if (!id || !id[0] || strlen(id) > WS_MAX_CLIENT_ID_LEN || !json_is_string(jtext)) {
        *why = "a message needs an id (1-64 characters) and a text";
        return "bad_request";
    }
    const char *text = json_string_value(jtext);
    size_t len = json_string_length(jtext), chars;
    if (memchr(text, '\0', len) || !utf8_chars(text, len, &chars)) {
        *why = "the text is not valid UTF-8";
        return "bad_utf8";
    }
    if (chars > WS_MAX_TEXT_CHARS) {
        *why = "Mesajınız çok uzun; en fazla 2000 karakter yazabilirsiniz.";
        return "too_large";
    }
    return NULL;
}

static const char *check_hello(json_t *msg, const char **why)
{
    json_t *session = json_object_get(msg, "session");
    json_t *identity = json_object_get(msg, "identity");
    if ((session && !json_is_string(session)) || (identity && !json_is_object(identity))) {
        *why = "session must be a string and identity an object";
        return "bad_request";
    }
    return NULL;
}

static const char *check_identify(json_t *msg, const char **why)
{
    if (!json_is_object(json_object_get(msg, "identity"))) {
        *why = "identify needs an identity object";
        return "bad_request";
    }
    return NULL;
}

static const char *check_nothing(json_t *msg, const char **why)
{
    (void)msg;
    (void)why;
    return NULL;
}

static const char *check_typing(json_t *msg, const char **why)
{
    if (!json_is_boolean(json_object_get(msg, "state"))) {
        *why = "typing needs a boolean state";
        return "bad_request";
    }
    return NULL;
}

static const char *check_rating(json_t *msg, const char **why)
{
    json_t *score = json_object_get(msg, "score");
    json_t *comment = json_object_get(msg, "comment");
    size_t chars = 0;
    if (!json_is_integer(score) || json_integer_value(score) < 1 || json_integer_value(score) > 5 ||
        (comment && !json_is_string(comment)) ||
        (comment && (!utf8_chars(json_string_value(comment), json_string_length(comment), &chars) ||
                     chars > WS_MAX_RATING_CHARS))) {
        *why = "a rating is a score from 1 to 5 and an optional comment of up to 500 characters";
        return "bad_request";
    }
    return NULL;
}

/* "before": the "n" of the oldest entry the client has, a positive integer. */
static const char *check_history(json_t *msg, const char **why)
{
    json_t *b = json_object_get(msg, "before");
    if (!json_is_integer(b) || json_integer_value(b) < 1) {
        *why = "history needs before: the n of the oldest entry you have";
        return "bad_request";
    }
    return NULL;
}

typedef const char *(*frame_check)(json_t *msg, const char **why);

/* One accepted frame type: its name, its enum value, its field checks. */
typedef struct frame_kind {
    const char *name;
    int type;
    frame_check check;
} frame_kind;

static const frame_kind shopper_kinds[] = {
    {"hello", WS_FRAME_HELLO, check_hello},          {"message", WS_FRAME_MESSAGE, check_message},
    {"identify", WS_FRAME_IDENTIFY, check_identify}, {"reset", WS_FRAME_RESET, check_nothing},
    {"ping", WS_FRAME_PING, check_nothing},          {"typing", WS_FRAME_TYPING, check_typing},
    {"rating", WS_FRAME_RATING, check_rating},       {"history", WS_FRAME_HISTORY, check_history},
};

/* UTF-8, one JSON object, a type of kinds[] and its fields. */
static const char *parse_kinds(const frame_kind *kinds, size_t n, const char *types,
                               const char *data, size_t len, int *type, json_t **out,
                               const char **message)
{
    size_t chars;
    if (!utf8_chars(data, len, &chars)) {
        *message = "the frame is not valid UTF-8";
        return "bad_utf8";
    }
    json_error_t je;
    json_t *msg = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(msg)) {
        json_decref(msg);
        *message = "a frame is one JSON object";
        return "bad_json";
    }
    const char *name = json_string_value(json_object_get(msg, "type"));
    for (size_t i = 0; name && i < n; i++) {
        if (strcmp(kinds[i].name, name) != 0)
            continue;
        const char *code = kinds[i].check(msg, message);
        if (code) {
            json_decref(msg);
            return code;
        }
        *type = kinds[i].type;
        *out = msg;
        return NULL;
    }
    json_decref(msg);
    *message = types;
    return "unknown_type";
}

const char *ws_frame_parse(const char *data, size_t len, ws_frame_type *type, json_t **out,
                           const char **message)
{
    int t = 0;
    const char *code = parse_kinds(shopper_kinds, sizeof shopper_kinds / sizeof shopper_kinds[0],
                                   "type must be hello, message, identify, reset, ping, typing, "
                                   "rating or history",
                                   data, len, &t, out, message);
    *type = (ws_frame_type)t;
    return code;
}

/* ---- agents ------------------------------------------------------------ */

static const char *check_conversation(json_t *msg, const char **why)
{
    const char *c = json_string_value(json_object_get(msg, "conversation"));
    size_t n = c ? strlen(c) : 0;
    if (n == 0 || n > 18 || strspn(c, "0123456789") != n) {
        *why = "conversation must be a conversation id (digits, as a string)";
        return "bad_request";
    }
    return NULL;
}

static const char *agent_auth(json_t *msg, const char **why)
{
    const char *t = json_string_value(json_object_get(msg, "token"));
    if (!t || !t[0] || strlen(t) > 128) {
        *why = "auth needs a token";
        return "bad_request";
    }
    return NULL;
}

static const char *agent_message(json_t *msg, const char **why)
{
    const char *code = check_conversation(msg, why);
    if (code)
        return code;
    json_t *text = json_object_get(msg, "text");
    json_t *canned = json_object_get(msg, "canned");
    if (json_is_string(canned) && !text)
        return NULL;
    size_t chars;
    if (!json_is_string(text) || !json_string_length(text) ||
        memchr(json_string_value(text), '\0', json_string_length(text)) ||
        !utf8_chars(json_string_value(text), json_string_length(text), &chars)) {
        *why = "a message needs a text or a canned id";
        return "bad_request";
    }
    if (chars > 4 * WS_MAX_TEXT_CHARS) {
        *why = "the text is too long";
        return "too_large";
    }
    return NULL;
}

static const char *agent_typing(json_t *msg, const char **why)
{
    const char *code = check_conversation(msg, why);
    return code ? code : check_typing(msg, why);
}

static const char *agent_history(json_t *msg, const char **why)
{
    const char *code = check_conversation(msg, why);
    return code ? code : check_history(msg, why);
}

static int is_date(const char *s)
{
    return s && strlen(s) == 10 && strspn(s, "0123456789-") == 10 && s[4] == '-' && s[7] == '-';
}

static const char *agent_report(json_t *msg, const char **why)
{
    if (!is_date(json_string_value(json_object_get(msg, "from"))) ||
        !is_date(json_string_value(json_object_get(msg, "to")))) {
        *why = "a report needs from and to, dates as YYYY-MM-DD";
        return "bad_request";
    }
    return NULL;
}

static const char *agent_review_item(json_t *msg, const char **why)
{
    json_t *id = json_object_get(msg, "id");
    if (!json_is_integer(id) || json_integer_value(id) < 1) {
        *why = "the review item's id, a positive integer";
        return "bad_request";
    }
    return NULL;
}

static const char *agent_review_assign(json_t *msg, const char **why)
{
    const char *code = agent_review_item(msg, why);
    const char *intent = json_string_value(json_object_get(msg, "intent"));
    if (!code && (!intent || !intent[0] || strlen(intent) > 47)) {
        *why = "assign needs the intent's id";
        return "bad_request";
    }
    return code;
}

static const char *agent_search(json_t *msg, const char **why)
{
    const char *q = json_string_value(json_object_get(msg, "q"));
    if (!q || strlen(q) < 2 || strlen(q) > 200) {
        *why = "search needs q, 2 to 200 characters";
        return "bad_request";
    }
    return NULL;
}

static const char *agent_status(json_t *msg, const char **why)
{
    const char *s = json_string_value(json_object_get(msg, "state"));
    if (!s || (strcmp(s, "available") != 0 && strcmp(s, "away") != 0)) {
        *why = "state must be available or away";
        return "bad_request";
    }
    return NULL;
}

static const char *agent_transfer(json_t *msg, const char **why)
{
    const char *code = check_conversation(msg, why);
    const char *to = json_string_value(json_object_get(msg, "to"));
    size_t n = to ? strlen(to) : 0;
    if (!code && (n == 0 || n > 18 || strspn(to, "0123456789") != n)) {
        *why = "to must be an agent id (digits, as a string)";
        return "bad_request";
    }
    return code;
}

static const frame_kind agent_kinds[] = {
    {"auth", WS_AGENT_AUTH, agent_auth},
    {"claim", WS_AGENT_CLAIM, check_conversation},
    {"message", WS_AGENT_MESSAGE, agent_message},
    {"note", WS_AGENT_NOTE, agent_message},
    {"typing", WS_AGENT_TYPING, agent_typing},
    {"release", WS_AGENT_RELEASE, check_conversation},
    {"close", WS_AGENT_CLOSE, check_conversation},
    {"history", WS_AGENT_HISTORY, agent_history},
    {"report", WS_AGENT_REPORT, agent_report},
    {"review_list", WS_AGENT_REVIEW_LIST, check_nothing},
    {"review_assign", WS_AGENT_REVIEW_ASSIGN, agent_review_assign},
    {"review_dismiss", WS_AGENT_REVIEW_DISMISS, agent_review_item},
    {"intents", WS_AGENT_INTENTS, check_nothing},
    {"search", WS_AGENT_SEARCH, agent_search},
    {"view", WS_AGENT_VIEW, check_conversation},
    {"status", WS_AGENT_STATUS, agent_status},
    {"agents", WS_AGENT_AGENTS, check_nothing},
    {"transfer", WS_AGENT_TRANSFER, agent_transfer},
};

const char *ws_agent_frame_parse(const char *data, size_t len, ws_agent_frame_type *type,
                                 json_t **out, const char **message)
{
    int t = 0;
    const char *code = parse_kinds(agent_kinds, sizeof agent_kinds / sizeof agent_kinds[0],
                                   "type must be auth, claim, message, note, typing, release, "
                                   "close, history, report, review_list, review_assign, "
                                   "review_dismiss, intents, search, view, status, agents "
                                   "or transfer",
                                   data, len, &t, out, message);
    *type = (ws_agent_frame_type)t;
    return code;
}
