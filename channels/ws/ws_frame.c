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
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + pos,
                                              (utf8proc_ssize_t)(len - pos), &cp);
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

static const struct {
    const char *name;
    ws_frame_type type;
    const char *(*check)(json_t *msg, const char **why);
} types[] = {
    {"hello", WS_FRAME_HELLO, check_hello},
    {"message", WS_FRAME_MESSAGE, check_message},
    {"identify", WS_FRAME_IDENTIFY, check_identify},
    {"reset", WS_FRAME_RESET, check_nothing},
    {"ping", WS_FRAME_PING, check_nothing},
};

const char *ws_frame_parse(const char *data, size_t len, ws_frame_type *type, json_t **out,
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
    for (size_t i = 0; name && i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(types[i].name, name) != 0)
            continue;
        const char *code = types[i].check(msg, message);
        if (code) {
            json_decref(msg);
            return code;
        }
        *type = types[i].type;
        *out = msg;
        return NULL;
    }
    json_decref(msg);
    *message = "type must be hello, message, identify, reset or ping";
    return "unknown_type";
}
