#!/usr/bin/env bash
# The shipped knowledge base loads with no error, and every intent of
# INTENTS.md is in it.
set -euo pipefail
destek=$1; src=$2
out=$("$destek" kb lint --kb "$src/intents" 2>&1)
echo "$out" | tail -3
if grep -q '^error:' <<<"$out"; then echo "$out" | grep '^error:'; exit 1; fi
spec="$src/../shared/eval/INTENTS.md"
if [ -f "$spec" ]; then
  for id in $(grep -oE '^\| [a-z_]+ \|' "$spec" | tr -d '| ' | grep -v '^id$'); do
    grep -q "\"id\": *\"$id\"" "$src"/intents/*.json || { echo "intent $id is missing from intents/"; exit 1; }
  done
fi
# a broken copy must fail with file:line:col
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$src"/intents/*.json "$tmp"/
printf '{"intents": [{"id": "x", "title": "X", "keywords": {"a": 1}, "patterns": ["Sipariş"], "answers": ["a"]}]}\n' >"$tmp/zz.json"
if "$destek" kb lint --kb "$tmp" >"$tmp/out" 2>&1; then echo "a bad pattern was accepted"; exit 1; fi
grep -q 'zz.json:1:[0-9]*: intents\[0\].patterns\[0\]' "$tmp/out" || { cat "$tmp/out"; exit 1; }

# intents bind to dialogue flows by name: a misspelt flow fails lint and says
# which flows there are; a flow no intent starts is a warning
rm "$tmp/zz.json"
sed -i 's/"flow": "tracking"/"flow": "trackin"/' "$tmp/kargo.json"
if "$destek" kb lint --kb "$tmp" >"$tmp/out" 2>&1; then echo "an unknown flow was accepted"; exit 1; fi
grep -q 'error: kargo.json: kargo_takip.flow: no dialogue flow "trackin" (the flows: status, tracking' "$tmp/out" ||
  { cat "$tmp/out"; exit 1; }
grep -q 'warning: .*no intent starts the tracking flow' "$tmp/out" || { cat "$tmp/out"; exit 1; }
# and `kb flows` shows which intents start which flow, and the steps it waits on
flows=$("$destek" kb flows --kb "$src/intents")
grep -q 'started by: kargo_takip' <<<"$(grep -A1 '^tracking ' <<<"$flows")" || { echo "$flows"; exit 1; }
grep -q 'started by: asistan' <<<"$(grep -A1 '^assistant ' <<<"$flows")" || { echo "$flows"; exit 1; }
grep -q '^return *waits on: order, identity, item, reason, opened' <<<"$flows" || { echo "$flows"; exit 1; }
# answers beside a dialogue ("related") and the store lookups ("lookup") are
# named by id: a misspelt one fails lint and says what there is
cp "$src/intents/kargo.json" "$tmp/kargo.json"
sed -i 's/"lookup": "stock"/"lookup": "stok"/' "$tmp/urun.json"
sed -i '0,/"iade_kosullari"/s//"iade_kosulari"/' "$tmp/iade.json"
if "$destek" kb lint --kb "$tmp" >"$tmp/out" 2>&1; then echo "an unknown lookup was accepted"; exit 1; fi
grep -q 'error: urun.json: stok_urun_bilgisi.lookup: no lookup "stok" (the lookups: stock, basket)' "$tmp/out" ||
  { cat "$tmp/out"; exit 1; }
grep -q 'warning: iade.json: .*related\[0\]: no intent "iade_kosulari", ignored' "$tmp/out" ||
  { cat "$tmp/out"; exit 1; }
echo "kb lint ok"
