#!/usr/bin/env bash
# The shipped knowledge base loads with no error, and every intent of
# INTENTS.md is in it.
set -euo pipefail
destek=$1; src=$2
out=$("$destek" kb lint --kb "$src/intents" 2>&1)
echo "$out" | tail -3
if echo "$out" | grep -q '^error:'; then echo "$out" | grep '^error:'; exit 1; fi
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
echo "kb lint ok"
