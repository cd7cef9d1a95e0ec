/* SPDX-License-Identifier: MIT */
/* The shop's retention periods (shop.json "retention") and applying them:
 * what `destek privacy purge` and the server's daily job share. The work
 * itself is the store's (store_privacy_purge). */
#ifndef PRIVACY_H
#define PRIVACY_H

#include "kb.h"
#include "store.h"

/* Defaults, in days, when shop.json says nothing (docs/PRIVACY.md says why). */
#define PRIVACY_MESSAGES_DAYS 180
#define PRIVACY_OFFLINE_REQUESTS_DAYS 30
#define PRIVACY_HANDOFF_NOTES_DAYS 180
#define PRIVACY_RECORDS_DAYS 1095     /* KVKK: destruction records, 3 years */
#define PRIVACY_SESSION_IDLE_HOURS 24 /* a session token unused this long expires */

/* The retention of a knowledge base's shop.json, defaults filled in. */
void privacy_retention(const kb_base *kb, store_retention *out);

/* Seconds a session token may go unused before it no longer resumes its
 * conversation (retention.session_idle_hours). */
long long privacy_session_idle_s(const kb_base *kb);

/* Applies kb's retention to db as of now_utc (its ISO text in the shop's
 * time zone is recorded). out as store_privacy_purge. */
ds_status privacy_purge(store_db *db, const kb_base *kb, long long now_utc,
                        store_destruction out[STORE_PURGE_RULES], ds_error *err);

#endif
