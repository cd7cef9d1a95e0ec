/* SPDX-License-Identifier: MIT */
/* Fuzz target: arbitrary bytes as a shopper's WebSocket frame, through the
 * server's own parser (channels/ws/ws_frame.c). A frame is either refused
 * with one of the documented codes or accepted as a known type whose fields
 * hold what the handlers rely on. The same bytes written back as a JSON
 * string by the server's frame writer (ds_json) always parse, and UTF-8
 * comes back unchanged. */
#include <string.h>

#include "ds_json.h"
#include "fuzz_check.h"
#include "ws_frame.h"

/* The agent endpoint's parser: a refusal has a documented code; an accepted
 * frame names a conversation of digits (all but auth). */
static void agent_frame(const unsigned char *data, size_t size)
{
    static const char *const codes[] = {"bad_utf8", "bad_json", "unknown_type", "bad_request",
                                        "too_large"};
    ws_agent_frame_type type;
    json_t *msg = NULL;
    const char *why = NULL;
    const char *code = ws_agent_frame_parse((const char *)data, size, &type, &msg, &why);
    if (code) {
        int known = 0;
        for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
            known |= strcmp(code, codes[i]) == 0;
        FUZZ_ASSERT(known && why && why[0]);
        return;
    }
    /* the frames about one conversation name it, as digits */
    static const ws_agent_frame_type about_one[] = {
        WS_AGENT_CLAIM, WS_AGENT_MESSAGE, WS_AGENT_NOTE, WS_AGENT_TYPING,   WS_AGENT_RELEASE,
        WS_AGENT_CLOSE, WS_AGENT_HISTORY, WS_AGENT_VIEW, WS_AGENT_TRANSFER,
    };
    for (size_t i = 0; i < sizeof about_one / sizeof about_one[0]; i++) {
        if (type != about_one[i])
            continue;
        const char *conv = json_string_value(json_object_get(msg, "conversation"));
        FUZZ_ASSERT(conv && conv[0] && strspn(conv, "0123456789") == strlen(conv));
    }
    if (type == WS_AGENT_TRANSFER) {
        const char *to = json_string_value(json_object_get(msg, "to"));
        FUZZ_ASSERT(to && to[0] && strspn(to, "0123456789") == strlen(to));
    }
    json_decref(msg);
}

static void written_back(const unsigned char *data, size_t size)
{
    ds_buf b;
    ds_buf_init(&b);
    ds_json w;
    ds_json_init(&w, &b);
    ds_json_array(&w);
    ds_json_stringn(&w, (const char *)data, size);
    ds_json_end(&w);
    FUZZ_ASSERT(!b.failed);
    json_t *a = json_loadb(b.data, b.len, JSON_ALLOW_NUL, NULL);
    json_t *s = json_array_get(a, 0);
    FUZZ_ASSERT(json_is_string(s));
    if (fuzz_valid_utf8(data, size))
        FUZZ_ASSERT(json_string_length(s) == size && memcmp(json_string_value(s), data, size) == 0);
    json_decref(a);
    ds_buf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    agent_frame(data, size);
    written_back(data, size);
    static const char *const codes[] = {"bad_utf8", "bad_json", "unknown_type", "bad_request",
                                        "too_large"};
    ws_frame_type type;
    json_t *msg = NULL;
    const char *why = NULL;
    const char *code = ws_frame_parse((const char *)data, size, &type, &msg, &why);
    if (code) {
        int known = 0;
        for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
            known |= strcmp(code, codes[i]) == 0;
        FUZZ_ASSERT(known && why && why[0]);
        return 0;
    }
    FUZZ_ASSERT(json_is_object(msg));
    FUZZ_ASSERT(fuzz_valid_utf8(data, size));
    if (type == WS_FRAME_MESSAGE) {
        const char *id = json_string_value(json_object_get(msg, "id"));
        json_t *text = json_object_get(msg, "text");
        FUZZ_ASSERT(id && id[0] && strlen(id) <= WS_MAX_CLIENT_ID_LEN);
        FUZZ_ASSERT(json_is_string(text));
        FUZZ_ASSERT(!memchr(json_string_value(text), '\0', json_string_length(text)));
    }
    json_decref(msg);
    return 0;
}
