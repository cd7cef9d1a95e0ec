#!/usr/bin/env bash
# The terminal chat over stdin: greets, answers, asks to clarify, offers a
# human on a fallback, and a quick reply can be chosen by its number. It is
# the server's conversation service: every turn is kept in the store, and
# the shop's working hours decide what asking for a person does.
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# at noon: a person can be called (after hours the button leaves a message)
out=$(printf 'kargom nerede\nbana bir fıkra anlat\n1\n' |
  "$destek" chat --kb "$src/intents" --db "$tmp/a.db" --now 2026-11-25T12:00:00+03:00)
echo "$out"
n=$(echo "$out" | grep -c '^bot: ')
[ "$n" -eq 4 ] || { echo "expected 4 bot lines (greeting + 3 replies), got $n"; exit 1; }
grep -q 'Temsilciye bağlan' <<<"$out" || { echo "no human offered on a fallback"; exit 1; }
grep -qi 'sipariş numara' <<<"$(sed -n '2,$p' <<<"$out")" || { echo "the cargo answer does not ask for the order number"; exit 1; }

# what the store holds, read with Python's sqlite3 (the test's own eyes)
q() { /usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@"; }
[ "$(q "$tmp/a.db" 'select count(*) from conversations')" = 1 ] || { echo "no conversation stored"; exit 1; }
[ "$(q "$tmp/a.db" "select count(*) from messages where role='shopper'")" = 3 ] || { echo "the shopper's 3 messages are not stored"; exit 1; }
[ "$(q "$tmp/a.db" "select count(*) from messages where role='bot' and details like '%\"intent\"%'")" = 3 ] ||
  { echo "the 3 replies are not stored with their explanation"; exit 1; }

# 23:30 in Istanbul is after hours (09:00-22:00): asking for a person takes an offline request
out=$(printf 'temsilci lütfen\nAyşe Yılmaz\nayse@example.com\nyok\nfaturamı şirket adına kesebilir misiniz\n' |
  "$destek" chat --kb "$src/intents" --db "$tmp/b.db" --now 2026-11-25T23:30:00+03:00)
echo "$out"
grep -q 'yarın 09:00' <<<"$out" || { echo "after hours the bot must say when people are back"; exit 1; }
grep -q 'ekibimize ilettim' <<<"$out" || { echo "the offline request was not taken"; exit 1; }
[ "$(q "$tmp/b.db" "select count(*) from handoffs where state='offline' and details like '%Ayşe Yılmaz%'")" = 1 ] ||
  { echo "the offline request is not in the store"; exit 1; }

# at noon the same words queue the conversation for people
out=$(printf 'temsilci lütfen\n' |
  "$destek" chat --kb "$src/intents" --db "$tmp/c.db" --now 2026-11-25T12:00:00+03:00)
grep -q 'aktarıyorum' <<<"$out" || { echo "in working hours the bot must hand over"; exit 1; }
[ "$(q "$tmp/c.db" "select count(*) from handoffs where state='waiting' and reason='istek'")" = 1 ] ||
  { echo "the hand-off is not queued with its reason"; exit 1; }
# --hours closed forces after hours whatever the clock
out=$(printf 'temsilci lütfen\n' |
  "$destek" chat --kb "$src/intents" --db "$tmp/d.db" --now 2026-11-25T12:00:00+03:00 --hours closed)
grep -q 'Adınızı' <<<"$out" || { echo "--hours closed is not honoured"; exit 1; }
echo "chat: ok"
