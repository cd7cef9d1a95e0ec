/* SPDX-License-Identifier: MIT */
/* Records for the shop's team: a return, exchange or case of the verified
 * order with a code the shopper can read out, and a case (or complaint)
 * with its description, handed to people. */
#include "dlg_int.h"

#include <stdio.h>
#include <string.h>

#include "ds_json.h"

/* A short code the shopper can read out: prefix + 6 characters without
 * look-alikes (no 0/O, 1/I). */
static void make_code(const dlg_turn *t, unsigned salt, char out[16])
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const char *prefix = kb_shop_string(t->kb, "returns.code_prefix");
    unsigned long long h = 1469598103934665603ULL ^ (unsigned long long)t->env->now ^ salt;
    const char *parts[] = {t->order ? t->order->id : "", t->s->id};
    for (size_t p = 0; p < 2; p++)
        for (const char *c = parts[p]; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    h ^= (unsigned long long)t->s->turn << 32;
    char tail[7];
    for (int i = 0; i < 6; i++) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        tail[i] = alphabet[(h >> 59) & 31];
    }
    tail[6] = '\0';
    snprintf(out, 16, "%s%s", prefix ? prefix : "R", tail);
}

/* Codes are unique in the store, so a clash retries. */
ds_status dlg__record(dlg_turn *t, const char *kind, const char *state, int with_code,
                      const char *reason, const char *priority, const char *details, char code[16])
{
    char now[CLOCK_ISO_LEN];
    dlg__now_iso(t, now);
    char *items = t->order ? dlg__items_json(t, t->item) : ds_strdup("[]");
    ds_status st = DS_EDB;
    for (unsigned attempt = 0; attempt < 4 && st != DS_OK; attempt++) {
        if (with_code)
            make_code(t, attempt, code);
        st =
            store_return_add(t->env->db, kind, t->order ? t->order->id : NULL, items, reason, state,
                             with_code ? code : NULL, priority, details, now, &t->request_id, NULL);
    }
    ds_free(items);
    /* remembered: "L olsun" right after an exchange, "doğrusunu gönderir
     * misiniz" right after a case, is about that one */
    if (st == DS_OK && t->order && t->item >= 0)
        t->s->done_item = t->item;
    /* "bir kayıt numarası verin" later: a case's number (a return has its code) */
    if (st == DS_OK && t->request_id > 0 && !with_code)
        t->s->last_case = t->request_id;
    return st;
}

ds_status dlg__record_described(dlg_turn *t, const char *reason, const char *priority,
                                char code[16])
{
    ds_buf d;
    ds_buf_init(&d);
    ds_json w;
    ds_json_init(&w, &d);
    ds_json_object(&w);
    ds_json_pair(&w, "description", t->text ? t->text : "");
    ds_json_end(&w);
    ds_status st =
        d.data ? dlg__record(t, "case", "open", 0, reason, priority, d.data, code) : DS_ENOMEM;
    ds_buf_cleanup(&d);
    return st;
}

void dlg__record_case(dlg_turn *t, const char *kind, const char *priority)
{
    char code[16];
    if (dlg__record_described(t, kind, priority, code) != DS_OK) {
        dlg__say(t, "no_store");
    } else {
        dlg__hand_off(t, priority, kind);
        char key[48];
        snprintf(key, sizeof key, "case.done.%s", priority);
        dlg__say(t, strcmp(kind, "sikayet") == 0 ? "complaint.done" : key);
    }
    dlg__end(t);
}
