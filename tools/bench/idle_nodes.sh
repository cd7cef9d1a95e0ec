#!/usr/bin/env bash
# Idle shopper connections held by several destek serve nodes on one
# PostgreSQL on this machine (docs/PERFORMANCE.md, "Several nodes on
# PostgreSQL"): NODES nodes, one tools/loadgen per node opening PER_NODE
# connections (hello, welcome, then nothing) over RAMP seconds and holding
# them HOLD seconds, all at the same time. A process here may open at most
# `ulimit -n` files (20,000 on this machine), so one node holds a little
# less than that. Prints what each node held, its memory per connection, and
# the total.
#   tools/bench/idle_nodes.sh [BUILD]   (NODES=6 PER_NODE=17000 RAMP=25 HOLD=20)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-release}
nodes=${NODES:-6}
per=${PER_NODE:-17000}
ramp=${RAMP:-25}
hold=${HOLD:-20}
work=$(mktemp -d /tmp/destek-idle.XXXXXX)
pgdir=$(mktemp -d /tmp/destek-pg.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  tests/pg/cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pgenv=$(tests/pg/cluster.sh start "$pgdir")
eval "$pgenv"
PGOPTIONS='-c client_min_messages=warning' psql -X -q -h "$DESTEK_TEST_PGHOST" \
  -U "$DESTEK_TEST_PGUSER" -d postgres -c "CREATE DATABASE idle" >/dev/null
db="postgresql://$DESTEK_TEST_PGUSER@/idle?host=$DESTEK_TEST_PGHOST"
for ((i = 0; i < nodes; i++)); do
  "$build/destek" serve --db "$db" --limits off --port $((18900 + i)) >"$work/node$i.log" 2>&1 &
  pids+=($!)
done
sleep 1.5
lg=()
for ((i = 0; i < nodes; i++)); do
  "$build/tools/loadgen/loadgen" --url "ws://127.0.0.1:$((18900 + i))/ws/chat" \
    --connections "$per" --messages 0 --ramp "$ramp" --hold "$hold" --duration $((ramp + hold + 120)) \
    --server-pid "${pids[$i]}" >"$work/lg$i.out" 2>&1 &
  lg+=($!)
done
sleep $((ramp + hold / 2 + 5))
total_rss=0
for p in "${pids[@]}"; do
  total_rss=$((total_rss + $(awk '/VmRSS/ { print $2 }' "/proc/$p/status")))
done
wait "${lg[@]}" || true
held=0
for ((i = 0; i < nodes; i++)); do
  h=$(awk '/^connections/ { print $8 }' "$work/lg$i.out")
  m=$(awk '/^memory per idle connection/ { print $5 }' "$work/lg$i.out")
  f=$(awk '/^connections/ { print $13 }' "$work/lg$i.out")
  printf 'node %d: %s held, %s failed, %s kB per idle connection\n' "$i" "$h" "$f" "$m"
  held=$((held + h))
done
echo "in all: $held connections held at once by $nodes nodes; the nodes' RSS together $((total_rss / 1024)) MB while holding them"
