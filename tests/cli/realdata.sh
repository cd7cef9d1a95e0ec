#!/usr/bin/env bash
# Real shopper reviews (shared/realdata) through `destek classify`: nothing
# crashes or stalls, every line gets an answer with a valid intent.
set -euo pipefail
destek=$1; src=$2
data="$src/../shared/realdata"
[ -d "$data" ] || { echo "shared/realdata not found beside the repo: skipped"; exit 77; }
out=$(mktemp); trap 'rm -f "$out"' EXIT
cut -f1 "$data"/*.tsv >"$out.in"
n=$(wc -l <"$out.in")
start=$(date +%s)
timeout 120 "$destek" classify --kb "$src/intents" <"$out.in" >"$out"
rm -f "$out.in"
/usr/bin/env python3 - "$out" "$n" "$src/../shared/eval/INTENTS.md" <<'PY'
import json, re, sys, collections
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
n = int(sys.argv[2])
ids = set(re.findall(r"^\| ([a-z_]+) \|", open(sys.argv[3]).read(), re.M))
assert len(lines) == n, f"{len(lines)} results for {n} reviews"
seen = collections.Counter()
for l in lines:
    o = json.loads(l)
    assert o.get("intent") in ids, o
    assert 0 <= o["confidence"] <= 1
    seen[o["intent"]] += 1
print(f"{n} real reviews classified; most common: {seen.most_common(6)}")
PY
echo "took $(( $(date +%s) - start ))s"
