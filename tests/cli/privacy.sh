#!/usr/bin/env bash
# `destek privacy`: a customer's conversations exported and erased by e-mail,
# phone or order (CONTRACT.md "Personal data"), nothing of their words left
# in the database's raw bytes (WAL included) while another customer's stay,
# destruction records without personal data, retention applied by purge, a
# card number masked before it is stored, and clear errors for bad requests.
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/p.db; now=2026-12-02T14:00:00+03:00
python3 "$src/tools/demo_orders.py" --now "$now" -o "$tmp/demo.json" >/dev/null 2>&1
"$destek" orders import "$tmp/demo.json" --db "$db" >/dev/null
chat() { printf "$1" | "$destek" chat --kb "$src/intents" --db "$db" --now "$now" >/dev/null; }
# Ayşe verifies her order, mentions a card number; Mehmet, another customer
chat 'siparişim nerede 1048213\nayse@example.com\nkartım 4111 1111 1111 1111 AYSEGIZLI\n'
chat '1052790 kargom nerede\nmehmet.demir@example.com\nMEHMETGIZLI teşekkürler\n'
# after hours Ayşe leaves an offline request with her phone only
printf 'temsilci lütfen\nAyşe\n0532 123 45 67\nyok\nAYSEOFFLINE iade sorusu\n' |
  "$destek" chat --kb "$src/intents" --db "$db" --now 2026-12-02T23:30:00+03:00 >/dev/null

raw() { cat "$db" "$db-wal" 2>/dev/null | grep -ac "$1" || true; }
[ "$(raw 4111111111111111)" = 0 ] && [ "$(raw '4111 1111 1111 1111')" = 0 ] ||
  { echo "a card number was stored unmasked"; exit 1; }

out=$("$destek" privacy export --email ayse@example.com --db "$db")
python3 - "$out" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
convs = d["conversations"]
assert len(convs) == 2, f"want Ayşe's 2 conversations, got {len(convs)}"
text = json.dumps(d, ensure_ascii=False)
assert "AYSEGIZLI" in text and "AYSEOFFLINE" in text, "her own words are missing"
assert "MEHMET" not in text, "another customer's conversation was exported"
assert "XXXX XXXX XXXX 1111" in text and "4111 1111" not in text, "the card is not masked as stored"
assert any(r["kind"] == "offline" for r in d["requests"]), "the offline request is missing"
assert d["subject"]["orders"] == ["1048213"], d["subject"]
for c in convs:
    assert c["messages"] and all({"role", "text", "created_at"} <= m.keys() for m in c["messages"])
PY
# the same customer by phone (any spelling) and by order
for k in "--phone +905321234567" "--order 1048213"; do
  n=$("$destek" privacy export $k --db "$db" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["conversations"]))')
  [ "$n" = 2 ] || { echo "export $k found $n conversations, want 2"; exit 1; }
done

out=$("$destek" privacy erase --phone "0 532 123 45 67" --db "$db")
echo "$out"
grep -q 'erased: 2 conversations' <<<"$out" || { echo "erase did not report 2 conversations"; exit 1; }
for w in AYSEGIZLI AYSEOFFLINE 'siparişim nerede 1048213'; do
  [ "$(raw "$w")" = 0 ] || { echo "\"$w\" can still be read from the database files"; exit 1; }
done
[ "$(raw MEHMETGIZLI)" != 0 ] || { echo "another customer's messages were erased"; exit 1; }
q() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db" "$1"; }
[ "$(q "select count(*) from orders where id='1048213'")" = 1 ] || { echo "the order was deleted"; exit 1; }
n=$("$destek" privacy export --email ayse@example.com --db "$db" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["conversations"]))')
[ "$n" = 0 ] || { echo "erased conversations are still exported"; exit 1; }

log=$("$destek" privacy log --db "$db" --json)
echo "$log"
python3 - "$log" <<'PY'
import json, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
assert len(rows) == 1 and rows[0]["rule"] == "erase:phone", rows
assert rows[0]["conversations"] == 2 and rows[0]["messages"] >= 6, rows
assert "ayse" not in sys.argv[1] and "532" not in sys.argv[1], "personal data in the record"
PY

# retention: a year on, Mehmet's messages are past 180 days
out=$("$destek" privacy purge --db "$db" --kb "$src/intents" --now 2027-12-02T14:00:00+03:00 --json)
echo "$out"
grep -q '"rule":"retention:messages"' <<<"$out" || { echo "no retention:messages record"; exit 1; }
[ "$(raw MEHMETGIZLI)" = 0 ] || { echo "messages past retention are still in the files"; exit 1; }
[ "$(q 'select count(*) from conversations')" = 1 ] || { echo "purge must keep the conversation (counts), not its text"; exit 1; }
[ "$("$destek" privacy log --db "$db" --json | wc -l)" = 4 ] || { echo "purge wrote no records"; exit 1; }

# bad requests: a clear message, exit 2, nothing changed
set +e
err=$("$destek" privacy erase --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'exactly one of --email, --phone or --order' <<<"$err" || { echo "erase without a subject: $rc $err"; exit 1; }
err=$("$destek" privacy export --phone 123 --db "$db" 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'not a phone number' <<<"$err" || { echo "a bad phone: $rc $err"; exit 1; }
err=$("$destek" privacy purge --db "$db" --kb "$src/intents" --now yesterday 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'ISO 8601' <<<"$err" || { echo "a bad --now: $rc $err"; exit 1; }
set -e
[ "$("$destek" privacy log --db "$db" --json | wc -l)" = 4 ] || { echo "a refused request wrote a record"; exit 1; }
# three wrong proofs in three conversations lock the order; the lock is in its audit
for g in 1111 2222 3333; do chat "1060334 siparişim\n$g\n"; done
out=$(printf '1060334 siparişim\nzeynep.kaya@example.com\n' | "$destek" chat --kb "$src/intents" --db "$db" --now "$now")
grep -q 'durdurdum' <<<"$out" || { echo "the order did not lock across conversations"; exit 1; }
grep -q 'Zeynep' <<<"$out" && { echo "a locked order was disclosed"; exit 1; }
"$destek" orders show 1060334 --db "$db" | grep -q '"action": "identity_locked"' ||
  { echo "the lock is not in the order's audit"; exit 1; }
echo "privacy: ok"
