#!/usr/bin/env bash
# Replies/s and p99 of destek serve with 1, 2 and 3 nodes on one PostgreSQL
# (a throwaway cluster with fsync on, as a real one), against one node on
# SQLite, in interleaved rounds on this machine (docs/PERFORMANCE.md,
# "Several nodes on PostgreSQL"). Each run: fresh databases, CONNS shopper
# connections in all, split evenly over the nodes, one tools/loadgen per node
# at once, MSGS messages each as fast as the replies come. Prints one line
# per run and the medians; also the CPU each reply cost the nodes and the
# PostgreSQL server, and the commits per second.
#   tools/bench/nodes.sh [BUILD] [ROUNDS]      (default build-release, 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-release}
rounds=${2:-3}
conns=${CONNS:-1000}
msgs=${MSGS:-5}
destek=$build/destek
loadgen=$build/tools/loadgen/loadgen
[ -x "$destek" ] && [ -x "$loadgen" ] || { echo "build $build first (destek, tools/loadgen)" >&2; exit 1; }

work=$(mktemp -d /tmp/destek-nodes.XXXXXX)
pgdir=$(mktemp -d /tmp/destek-pg.XXXXXX) # its own: the server's user must reach it
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  tests/pg/cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pgenv=$(DESTEK_PG_FSYNC=on tests/pg/cluster.sh start "$pgdir")
eval "$pgenv"
psql_() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -A -t -h "$DESTEK_TEST_PGHOST" -U "$DESTEK_TEST_PGUSER" -d postgres "$@"; }

# CPU seconds (user + system) of a process, and of every PostgreSQL backend
cpu_of() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
pg_cpu() { # the postmaster and its children (backends, WAL writer, ...)
  local pm sum=0 p
  pm=$(head -1 "$pgdir/data/postmaster.pid")
  for p in $pm $(ps --ppid "$pm" -o pid=); do
    sum=$(awk -v s="$sum" '{ printf "%.2f", s + ($14 + $15) / 100 }' "/proc/$p/stat" 2>/dev/null || echo "$sum")
  done
  echo "$sum"
}

run() { # kind nodes round
  local kind=$1 n=$2 port=$((18600 + RANDOM % 200 * 4)) db i
  if [ "$kind" = sqlite ]; then
    db=$work/r$3.db
  else
    db=postgresql://$DESTEK_TEST_PGUSER@/b$3_$n?host=$DESTEK_TEST_PGHOST
    psql_ -c "DROP DATABASE IF EXISTS b$3_$n WITH (FORCE)" -c "CREATE DATABASE b$3_$n" >/dev/null
  fi
  pids=()
  for ((i = 0; i < n; i++)); do
    "$destek" serve --db "$db" --limits off --hours open --port $((port + i)) \
      >"$work/node$i.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < n; i++)); do
    for _ in $(seq 100); do
      grep -q "listening on" "$work/node$i.log" 2>/dev/null && break
      sleep 0.05
    done
  done
  local cpu0=() pg0 commits0
  for p in "${pids[@]}"; do cpu0+=("$(cpu_of "$p")"); done
  pg0=$(pg_cpu)
  local lg=()
  for ((i = 0; i < n; i++)); do
    "$loadgen" --url "ws://127.0.0.1:$((port + i))/ws/chat" --connections $((conns / n)) \
      --messages "$msgs" --duration 60 >"$work/lg$i.out" 2>&1 &
    lg+=($!)
  done
  wait "${lg[@]}"
  local cpu=0 pgused replies=0 tput=0 p99=0 errs=0 r t q e
  for ((i = 0; i < n; i++)); do
    cpu=$(awk -v a="$cpu" -v b="$(cpu_of "${pids[$i]}")" -v c="${cpu0[$i]}" 'BEGIN { printf "%.2f", a + b - c }')
  done
  pgused=$(awk -v a="$(pg_cpu)" -v b="$pg0" 'BEGIN { printf "%.2f", a - b }')
  for ((i = 0; i < n; i++)); do
    read -r r t q e < <(awk '/^messages/ { r = $6 } /^throughput/ { t = $2 }
      /^reply latency/ { q = $9 } /^errors/ { e = $2 } END { print r, t, q, e }' "$work/lg$i.out")
    replies=$((replies + r)); errs=$((errs + e))
    tput=$(awk -v a="$tput" -v b="$t" 'BEGIN { printf "%.0f", a + b }')
    p99=$(awk -v a="$p99" -v b="$q" 'BEGIN { print (b > a ? b : a) }')
  done
  for p in "${pids[@]}"; do kill "$p"; done
  wait "${pids[@]}" 2>/dev/null || true
  pids=()
  local per_node per_pg
  per_node=$(awk -v c="$cpu" -v r="$replies" 'BEGIN { printf "%.0f", r ? c * 1e6 / r : 0 }')
  per_pg=$(awk -v c="$pgused" -v r="$replies" 'BEGIN { printf "%.0f", r ? c * 1e6 / r : 0 }')
  printf '%-6s %d node(s) round %d: %6d replies/s  p99 %6.1f ms  %d errors  cpu/reply: nodes %s us, postgres %s us\n' \
    "$kind" "$n" "$3" "$tput" "$p99" "$errs" "$per_node" "$per_pg"
  echo "$kind$n $tput $p99" >>"$work/results"
}

for ((r = 1; r <= rounds; r++)); do
  run sqlite 1 "$r"
  run pg 1 "$r"
  run pg 2 "$r"
  run pg 3 "$r"
done

echo
echo "medians over $rounds rounds ($conns connections x $msgs messages in all):"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for k in sqlite1 pg1 pg2 pg3; do
  printf '  %-8s %6s replies/s  p99 %s ms\n' "$k" \
    "$(awk -v k="$k" '$1 == k { print $2 }' "$work/results" | median)" \
    "$(awk -v k="$k" '$1 == k { print $3 }' "$work/results" | median)"
done
