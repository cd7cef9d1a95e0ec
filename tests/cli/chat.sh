#!/usr/bin/env bash
# The terminal chat over stdin: greets, answers, asks to clarify, offers a
# human on a fallback, and a quick reply can be chosen by its number.
set -euo pipefail
destek=$1; src=$2
out=$(printf 'kargom nerede\nbana bir fıkra anlat\n1\n' | "$destek" chat --kb "$src/intents")
echo "$out"
n=$(echo "$out" | grep -c '^bot: ')
[ "$n" -eq 4 ] || { echo "expected 4 bot lines (greeting + 3 replies), got $n"; exit 1; }
echo "$out" | grep -q 'Temsilciye bağlan' || { echo "no human offered on a fallback"; exit 1; }
echo "$out" | sed -n '2,$p' | grep -qi 'sipariş numara' || { echo "the cargo answer does not ask for the order number"; exit 1; }
