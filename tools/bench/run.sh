#!/usr/bin/env bash
# The matcher benchmark, as recorded in docs/PERFORMANCE.md: destek on the
# shipped KB and on a generated 1,000-intent KB, and the nlp.js peer on the
# same dev set, each pinned to one core. Prints figures; never fails on them.
#
# usage: tools/bench/run.sh [SECONDS_PER_BENCH]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
dev=../shared/eval/dev.tsv
pin=(taskset -c 0)
command -v taskset >/dev/null || pin=()

scripts/deps.sh
[ -f build-release/build.ninja ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release destek >/dev/null

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r)"
echo
echo "== destek, shipped knowledge base, dev set"
"${pin[@]}" build-release/destek bench --kb intents --eval "$dev" --seconds "$secs" --runs 5

gen=$(mktemp -d); trap 'rm -rf "$gen"' EXIT
python3 tools/kbgen.py "$gen" --intents 1000 --dev "$dev" >/dev/null
echo
echo "== destek, generated knowledge base (shipped + 1,000 intents), dev set + generated messages"
"${pin[@]}" build-release/destek bench --kb "$gen/kb" --eval "$gen/messages.tsv" --seconds "$secs" --runs 5 2>/dev/null

if [ -f tools/bench/nlpjs/package.json ] && command -v node >/dev/null; then
  echo
  echo "== nlp.js peer (trained on the shipped KB's examples), dev set"
  [ -d tools/bench/nlpjs/node_modules ] || npm ci --prefix tools/bench/nlpjs --no-audit --no-fund >/dev/null
  "${pin[@]}" node tools/bench/nlpjs/bench.js --kb intents --eval "$dev"
fi
