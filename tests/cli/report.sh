#!/usr/bin/env bash
# `destek report` on a scripted day whose figures are worked out by hand below
# (CONTRACT.md "Reports"): conversations started in the period (shop dates,
# both inclusive), bot-resolved, hand-offs, first response (median), CSAT,
# fallback rate, and the extras; conversations outside the period ignored.
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/r.db
"$destek" privacy log --db "$db" >/dev/null   # creates the schema
python3 - "$db" <<'PY'
import sqlite3, sys, datetime as dt
c = sqlite3.connect(sys.argv[1])
tz = dt.timezone(dt.timedelta(hours=3))
def at(day, hms):
    return dt.datetime.fromisoformat("2026-11-%02dT%s" % (day, hms)).replace(tzinfo=tz)
def conv(t):
    return c.execute("insert into conversations (token_hash, created_at) values (?, ?)",
                     ("t%s" % t.timestamp(), t.isoformat())).lastrowid
def msg(cid, role, t, intent=None):
    details = None if intent is None else '{"intent":"%s","confidence":0.9}' % intent
    c.execute("insert into messages (conversation_id, role, text, details, created_at)"
              " values (?, ?, 'x', ?, ?)", (cid, role, details, t.isoformat()))
def handoff(cid, state, prio, reason, t, claimed=None, ended=None, rating=None):
    c.execute("insert into handoffs (conversation_id, state, priority, reason, created_at,"
              " created_utc, claimed_utc, ended_at, rating) values (?,?,?,?,?,?,?,?,?)",
              (cid, state, prio, reason, t.isoformat(), int(t.timestamp()),
               int(claimed.timestamp()) if claimed else None,
               ended.isoformat() if ended else None, rating))
# 09:05 answered by the bot alone
c1 = conv(at(25, "09:05:00")); msg(c1, "shopper", at(25, "09:05:00")); msg(c1, "bot", at(25, "09:05:00"), "kargo_ucreti")
# 10:00 not understood, then a person: claimed 10:03, first agent reply 10:04:30 (210 s), closed, 5/5
c2 = conv(at(25, "10:00:00")); msg(c2, "shopper", at(25, "10:00:00")); msg(c2, "bot", at(25, "10:00:00"), "fallback")
msg(c2, "shopper", at(25, "10:01:00")); msg(c2, "bot", at(25, "10:01:00"), "canli_destek")
handoff(c2, "closed", "normal", "istek", at(25, "10:01:00"), at(25, "10:03:00"), at(25, "10:20:00"), 5)
msg(c2, "agent", at(25, "10:04:30"))
# 14:30 a payment problem, urgent: claimed 14:31:40, agent at 14:32:00 (60 s), closed, 2/5
c3 = conv(at(25, "14:30:00")); msg(c3, "shopper", at(25, "14:30:00")); msg(c3, "bot", at(25, "14:30:00"), "odeme_sorunu")
handoff(c3, "closed", "urgent", "odeme_sorunu", at(25, "14:31:00"), at(25, "14:31:40"), at(25, "14:50:00"), 2)
msg(c3, "agent", at(25, "14:32:00")); msg(c3, "agent", at(25, "14:33:00"))
# 23:10 after hours: an offline request, no agent
c4 = conv(at(25, "23:10:00")); msg(c4, "shopper", at(25, "23:10:00")); msg(c4, "bot", at(25, "23:10:00"), "canli_destek")
handoff(c4, "offline", "normal", "istek", at(25, "23:10:30"))
# outside the day: the evening before and the morning after
c5 = conv(at(24, "23:59:59")); msg(c5, "bot", at(24, "23:59:59"), "fallback")
c6 = conv(at(26, "00:00:01")); msg(c6, "bot", at(26, "00:00:01"), "fallback")
handoff(c6, "closed", "normal", "istek", at(26, "00:00:02"), None, at(26, "00:01:00"), 1)
# the next evening, 21:50: claimed 09:01 and answered 09:05 the morning after
# (the shop works 09:00-22:00): 40,500 s on the clock, 900 s of working hours
c7 = conv(at(26, "21:49:00")); msg(c7, "shopper", at(26, "21:49:00")); msg(c7, "bot", at(26, "21:49:00"), "canli_destek")
handoff(c7, "closed", "normal", "istek", at(26, "21:50:00"), at(27, "09:01:00"), at(27, "09:30:00"), 4)
msg(c7, "agent", at(27, "09:05:00"))
c.commit()
PY
out=$("$destek" report --db "$db" --kb "$src/intents" --from 2026-11-26 --to 2026-11-26 --json)
python3 - "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
want = {"first_response_s": 40500, "first_response_open_s": 900,   # 10 min + 5 min
        "waiting_s": 40260, "waiting_open_s": 660}                  # 10 min + 1 min
for k, v in want.items():
    assert r[k] == v, "%s: got %r, want %r" % (k, r[k], v)
PY
out=$("$destek" report --db "$db" --kb "$src/intents" --from 2026-11-25 --to 2026-11-25 --json)
echo "$out"
python3 - "$out" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
want = {"conversations": 4, "bot_resolved": 1, "handoffs": 3, "offline_requests": 1,
        "first_response_s": 135,           # median of 210 and 60
        "first_response_open_s": 135,      # all in working hours
        "waiting_s": 80,                   # median of 120 and 40: their mean
        "resolution_s": 1140,              # median of 1140 and 1140
        "csat": 0.5, "csat_responses": 2,  # one 5, one 2
        "fallback_rate": 0.2,              # 1 fallback of 5 bot replies
        "handoffs_by_priority": {"normal": 2, "urgent": 1},
        "handoffs_by_reason": {"istek": 2, "odeme_sorunu": 1}}
for k, v in want.items():
    assert r[k] == v, "%s: got %r, want %r" % (k, r[k], v)
assert r["conversations_by_hour"][9] == 1 and r["conversations_by_hour"][23] == 1
assert sum(r["conversations_by_hour"]) == 4
assert r["top_intents"][0] == {"intent": "canli_destek", "n": 2}, r["top_intents"]
PY
# an empty period: nulls, not zeros, where nothing was measured
out=$("$destek" report --db "$db" --kb "$src/intents" --from 2026-10-01 --to 2026-10-31 --json)
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["conversations"]==0 and r["first_response_s"] is None and r["csat"] is None, r' "$out"
# the text form and the errors
"$destek" report --db "$db" --kb "$src/intents" --from 2026-11-25 --to 2026-11-25 | grep -q 'conversations started 2026-11-25 .. 2026-11-25: 4'
set +e
err=$("$destek" report --db "$db" --kb "$src/intents" --from 25.11.2026 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'YYYY-MM-DD' <<<"$err" || { echo "a bad date: $rc $err"; exit 1; }
err=$("$destek" report --db "$db" --kb "$src/intents" --from 2026-11-26 --to 2026-11-25 2>&1); rc=$?
[ $rc = 2 ] || { echo "a reversed period must be refused: $rc $err"; exit 1; }
echo "report: ok"
