#!/usr/bin/env bash
# Bot replies over WebSocket against a peer that does no work (issue 16,
# second row): destek serve (SQLite, group commit) and a node `ws` echo
# server, each driven by two load generators, the node `ws` client
# (tools/bench/ws/client.js) and tools/loadgen, in interleaved rounds on one
# machine. Prints every run and the medians; never fails on the figures.
#
# usage: tools/bench/ws_peer.sh [BUILD_DIR] [ROUNDS] [CONNECTIONS] [MESSAGES]
#        (defaults: build-release 5 200 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-release}
rounds=${2:-5}
conns=${3:-200}
msgs=${4:-100}
[ -x "$build/destek" ] && [ -x "$build/tools/loadgen/loadgen" ] || { echo "build $build first (ninja -C $build)" >&2; exit 2; }
[ -d tools/bench/ws/node_modules ] || npm ci --prefix tools/bench/ws --no-audit --no-fund >/dev/null
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

start_destek() {
    rm -f "$work"/d.db*
    p=$(port)
    "$build/destek" serve --db "$work/d.db" --kb intents --port "$p" --host 127.0.0.1 --limits off >"$work/d.log" 2>&1 &
    pids+=($!); wait_port "$p"
}
start_echo() {
    p=$(port)
    node tools/bench/ws/echo.js "$p" >"$work/e.log" 2>&1 &
    pids+=($!); wait_port "$p"
}
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }

node_client() { node tools/bench/ws/client.js "ws://127.0.0.1:$1/ws/chat" "$conns" "$msgs" | tr '\n' ' '; }
loadgen() {
    "$build/tools/loadgen/loadgen" --url "ws://127.0.0.1:$1/ws/chat" --connections "$conns" --messages "$msgs" 2>&1 \
        | grep -E "throughput|reply latency" | tr -s ' ' | tr '\n' ' '
}
rate() { grep -oE "[0-9.]+ replies/s" | head -1 | cut -d" " -f1 || true; }
p99() { grep -oE "p99 [0-9.]+" | head -1 | cut -d" " -f2 || true; }

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r); $conns connections x $msgs messages"
declare -A R P
for r in $(seq "$rounds"); do
    for target in destek echo; do
        for gen in node loadgen; do
            if [ "$target" = destek ]; then start_destek; else start_echo; fi
            if [ "$gen" = node ]; then out=$(node_client "$p"); else out=$(loadgen "$p"); fi
            stop_all
            echo "round $r $target/$gen: $out"
            R[$target/$gen]+="$(echo "$out" | rate) "
            P[$target/$gen]+="$(echo "$out" | p99) "
        done
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
for k in destek/node echo/node destek/loadgen echo/loadgen; do
    printf '%-15s median %10s replies/s   p99 %8s ms   (%s)\n' "$k" "$(echo "${R[$k]}" | median)" "$(echo "${P[$k]}" | median)" "${R[$k]}"
done
