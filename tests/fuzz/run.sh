#!/bin/sh
# Runs each libFuzzer target of a -Dfuzz=true build for SECONDS with the
# checked-in corpus. New inputs go to a scratch directory, never into the
# repository; a crash leaves its input there and makes this exit non-zero.
#   CC=clang meson setup build-fuzz -Dfuzz=true && ninja -C build-fuzz
#   tests/fuzz/run.sh build-fuzz 60
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
build=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/destek-fuzz.XXXXXX")
status=0
found=0
for target in nlp kb frame import pii dictimage; do
    bin=$build/tests/fuzz/fuzz_$target
    if [ ! -x "$bin" ]; then
        echo "run.sh: $bin missing (configure with CC=clang -Dfuzz=true)" >&2
        status=1
        continue
    fi
    found=$((found + 1))
    mkdir -p "$scratch/$target/new" "$scratch/$target/crashes"
    echo "== fuzz_$target for ${seconds}s (scratch $scratch/$target)"
    # First corpus directory receives new inputs; the repository corpus is
    # only read.
    if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$scratch/$target/crashes/" \
        "$scratch/$target/new" "$here/corpus/$target" >"$scratch/$target/log" 2>&1; then
        echo "run.sh: fuzz_$target FAILED; last lines of $scratch/$target/log:" >&2
        tail -n 40 "$scratch/$target/log" >&2
        ls -l "$scratch/$target/crashes" >&2
        status=1
    else
        grep -E '^stat::number_of_executed_units|^Done' "$scratch/$target/log" || true
        echo "   $(ls "$scratch/$target/new" | wc -l) new inputs in $scratch/$target/new"
    fi
done
if [ "$found" -eq 0 ]; then
    status=1
fi
if [ "$status" -eq 0 ]; then
    rm -rf "$scratch"
else
    echo "run.sh: crash inputs kept in $scratch (add minimised ones to tests/fuzz/corpus/)" >&2
fi
exit $status
