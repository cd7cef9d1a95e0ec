#!/usr/bin/env bash
# Two builds of destek serve against each other and the node `ws` echo
# server (issue 16, second row), interleaved: each round runs build A, build
# B and the echo server in turn, each with a fresh process (and a fresh
# SQLite database), driven by the node `ws` client (tools/bench/ws/client.js).
# Prints every run (with the server process's CPU time per reply, from
# /proc/PID/stat), the load average before each round and the medians;
# never fails on the figures.
#
# usage: tools/bench/ws_ab.sh BUILD_A BUILD_B [ROUNDS] [CONNECTIONS] [MESSAGES]
#        (defaults: 5 rounds, 200 connections, 100 messages)
#        WS_AB_ENV_A / WS_AB_ENV_B: extra environment for A / B ("K=V K2=V2")
set -euo pipefail
cd "$(dirname "$0")/../.."
a=${1:?build A}
b=${2:?build B}
rounds=${3:-5}
conns=${4:-200}
msgs=${5:-100}
for d in "$a" "$b"; do [ -x "$d/destek" ] || { echo "no $d/destek" >&2; exit 2; }; done
[ -d tools/bench/ws/node_modules ] || npm ci --prefix tools/bench/ws --no-audit --no-fund >/dev/null
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

start_destek() { # BUILD ENV
    rm -f "$work"/d.db*
    p=$(port)
    env $2 "$1/destek" serve --db "$work/d.db" --kb intents --port "$p" --host 127.0.0.1 --limits off >"$work/d.log" 2>&1 &
    pids+=($!); wait_port "$p"
}
start_echo() {
    p=$(port)
    node tools/bench/ws/echo.js "$p" >"$work/e.log" 2>&1 &
    pids+=($!); wait_port "$p"
}
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
node_client() { node tools/bench/ws/client.js "ws://127.0.0.1:$1/ws/chat" "$conns" "$msgs" | tr '\n' ' '; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime
rate() { grep -oE "[0-9.]+ replies/s" | head -1 | cut -d" " -f1 || true; }
p99() { grep -oE "p99 [0-9.]+" | head -1 | cut -d" " -f2 || true; }

echo "A=$a ${WS_AB_ENV_A:-}  B=$b ${WS_AB_ENV_B:-}; $conns connections x $msgs messages"
declare -A R P C
for r in $(seq "$rounds"); do
    echo "round $r: load $(cut -d' ' -f1-3 /proc/loadavg)"
    for target in A B echo; do
        case $target in
        A) start_destek "$a" "${WS_AB_ENV_A:-}" ;;
        B) start_destek "$b" "${WS_AB_ENV_B:-}" ;;
        echo) start_echo ;;
        esac
        spid=${pids[-1]}
        t0=$(cpu_ticks "$spid")
        out=$(node_client "$p")
        t1=$(cpu_ticks "$spid")
        stop_all
        n=$(echo "$out" | grep -oE "^replies [0-9]+" | cut -d" " -f2)
        us=$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / hz / n }')
        echo "  $target: $out server cpu ${us} us/reply"
        C[$target]+="$us "
        R[$target]+="$(echo "$out" | rate) "
        P[$target]+="$(echo "$out" | p99) "
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
for k in A B echo; do
    printf '%-5s median %10s replies/s   p99 %8s ms   cpu %6s us/reply   (%s)\n' "$k" "$(echo "${R[$k]}" | median)" \
        "$(echo "${P[$k]}" | median)" "$(echo "${C[$k]}" | median)" "${R[$k]}"
done
