/* SPDX-License-Identifier: MIT */
#include "privacy.h"

#include "clock.h"

void privacy_retention(const kb_base *kb, store_retention *out)
{
    out->messages_days = (int)kb_shop_int(kb, "retention.messages_days", PRIVACY_MESSAGES_DAYS);
    out->offline_requests_days =
        (int)kb_shop_int(kb, "retention.offline_requests_days", PRIVACY_OFFLINE_REQUESTS_DAYS);
    out->handoff_notes_days =
        (int)kb_shop_int(kb, "retention.handoff_notes_days", PRIVACY_HANDOFF_NOTES_DAYS);
    out->records_days = (int)kb_shop_int(kb, "retention.records_days", PRIVACY_RECORDS_DAYS);
}

long long privacy_session_idle_s(const kb_base *kb)
{
    return kb_shop_int(kb, "retention.session_idle_hours", PRIVACY_SESSION_IDLE_HOURS) * 3600;
}

ds_status privacy_purge(store_db *db, const kb_base *kb, long long now_utc,
                        store_destruction out[STORE_PURGE_RULES], ds_error *err)
{
    store_retention r;
    privacy_retention(kb, &r);
    char now[CLOCK_ISO_LEN];
    clock_iso(kb_zone(kb), now_utc, now);
    return store_privacy_purge(db, &r, now_utc, now, out, err);
}
