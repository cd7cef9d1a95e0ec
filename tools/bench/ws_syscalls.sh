#!/usr/bin/env bash
# System calls and CPU time per reply of destek serve, counted by perf stat
# on the server process during one node `ws` client run (200 connections x
# 100 messages, tools/bench/ws/client.js), for build A, build B with
# DESTEK_WRITE_NOW=0 and build B, interleaved. Counts per reply barely
# depend on the machine's load, unlike replies/s. Needs perf with the
# syscall tracepoints (root, or perf_event_paranoid <= 1 and tracefs).
#
# usage: tools/bench/ws_syscalls.sh BUILD_A BUILD_B [ROUNDS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
a=${1:?build A}
b=${2:?build B}
rounds=${3:-3}
[ -d tools/bench/ws/node_modules ] || npm ci --prefix tools/bench/ws --no-audit --no-fund >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ev=task-clock,raw_syscalls:sys_enter,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom
ev=$ev,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_poll
for r in $(seq "$rounds"); do
    echo "round $r: load $(cut -d' ' -f1-3 /proc/loadavg)"
    for v in "A $a" "B,next-turn $b DESTEK_WRITE_NOW=0" "B $b"; do
        set -- $v
        rm -f "$work"/s.db*
        env ${3:-} "$2/destek" serve --db "$work/s.db" --kb intents --limits off --port "$port" \
            --host 127.0.0.1 >"$work/s.log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
        perf stat -x, -e "$ev" -p "$pid" -o "$work/perf" &
        perf_pid=$!
        sleep 0.2
        out=$(node tools/bench/ws/client.js "ws://127.0.0.1:$port/ws/chat" 200 100 | tr '\n' ' ')
        kill -INT "$perf_pid"; wait "$perf_pid" || true
        kill -TERM "$pid"; wait "$pid" || true
        n=$(echo "$out" | grep -oE "^replies [0-9]+" | cut -d' ' -f2)
        printf '  %-12s %s| per reply:' "$1" "$(echo "$out" | grep -oE '[0-9.]+ replies/s|p99 [0-9.]+' | tr '\n' ' ')"
        awk -F, -v n="$n" '/^[0-9.]+,/ { v = $1; e = $3; sub(/.*:sys_enter_?/, "", e)
            if (e == "") e = "syscalls"; if ($3 == "task-clock") { e = "cpu_us"; v = v * 1000 }
            printf " %s %.2f", e, v / n }' "$work/perf"
        echo
    done
done
