#!/usr/bin/env bash
# Start-up and classify of two destek builds, A and B, in interleaved rounds
# (A then B, then B then A, ...), as docs/PERFORMANCE.md records them: the
# machine is shared, so each round sees both builds under the same load.
# Prints one line per sample and the medians; never fails on the figures.
#
# usage: tools/bench/startup.sh A/destek B/destek LINES.txt [ROUNDS]   (default 15)
#   start-up: CPU time (task-clock) and page faults of `classify < /dev/null`
#             and of `version`, each the mean of 10 runs (perf stat -r 10)
#   classify: lines/s of `classify < LINES.txt > /dev/null`, the whole process,
#             against `bench --eval LINES.txt --runs 1` (in process, no output)
set -euo pipefail
a=$1; b=$2; lines=$3; rounds=${4:-15}
cd "$(dirname "$0")/../.."
kb=intents
pin=(taskset -c 0)
command -v taskset >/dev/null || pin=()
count=$(wc -l < "$lines")
out=$(mktemp -d)

perf_ms() { # command... -> "task-clock-ms page-faults"
  "${pin[@]}" perf stat -r 10 -x, -e task-clock,page-faults "$@" 2>&1 >/dev/null </dev/null |
    awk -F, '$3=="task-clock"{t=$1} $3=="page-faults"{f=$1} END{printf "%.2f %d\n", t, f}'
}
classify_rate() {
  local t0 t1
  t0=$(date +%s.%N)
  "${pin[@]}" "$1" classify --kb "$kb" < "$lines" > /dev/null
  t1=$(date +%s.%N)
  echo "$count $t0 $t1" | awk '{printf "%.0f\n", $1 / ($3 - $2)}'
}
bench_rate() {
  "${pin[@]}" "$1" bench --kb "$kb" --eval "$lines" --runs 1 | awk '/^throughput/{print $2}'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for x in $order; do
    bin=$a; [ "$x" = B ] && bin=$b
    read -r cms cpf < <(perf_ms "$bin" classify --kb "$kb")
    read -r vms vpf < <(perf_ms "$bin" version)
    cr=$(classify_rate "$bin")
    br=$(bench_rate "$bin")
    echo "$x $r $cms $cpf $vms $vpf $cr $br $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/samples"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "medians over $rounds rounds: start-up ms / faults (classify < /dev/null), version ms / faults,"
echo "classify lines/s, bench msgs/s, bench/classify (median of the rounds' ratios)"
python3 - "$out/samples" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {x: {int(r[1]): [float(v) for v in r[2:]] for r in rows if r[0] == x} for x in "AB"}
for x in "AB":
    r = list(by[x].values())
    med = lambda i: st.median(v[i] for v in r)
    ratio = st.median(v[5] / v[4] for v in r)
    print(f"{x}: {med(0):.2f} ms {med(1):.0f} faults | {med(2):.2f} ms {med(3):.0f} | "
          f"{med(4):,.0f} lines/s | {med(5):,.0f} msgs/s | {ratio:.2f}x  (load {min(v[6] for v in r)}-{max(v[6] for v in r)})")
# each round's A minus its B: the load they shared cancels out
d = lambda i: st.median(by["A"][k][i] - by["B"][k][i] for k in by["A"] if k in by["B"])
print(f"A - B, median of the rounds: start-up {d(0):.2f} ms, version {d(2):.2f} ms, "
      f"classify {-d(4):,.0f} lines/s more for B")
PY
rm -rf "$out"
