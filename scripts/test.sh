#!/usr/bin/env bash
# Builds destek and runs every test: the full meson suite on a normal build,
# again under AddressSanitizer + UndefinedBehaviorSanitizer, and each
# libFuzzer target for a short time. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
export MESON_TESTTHREADS=${MESON_TESTTHREADS:-2}
werror=false
if [ "${CI:-}" = true ]; then werror=true; fi

scripts/deps.sh

step() { printf '\n== %s\n' "$*"; }

step "build and test (debug)"
[ -f build-test/build.ninja ] || meson setup build-test -Dwerror=$werror >/dev/null
ninja -C build-test
meson test -C build-test --print-errorlogs

step "build and test under ASan + UBSan"
[ -f build-san/build.ninja ] || meson setup build-san -Db_sanitize=address,undefined \
  -Db_lundef=false -Dwerror=$werror >/dev/null
ninja -C build-san
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-san --print-errorlogs --timeout-multiplier 3

if [ -x tests/fuzz/run.sh ]; then
  step "fuzz each parser for ${FUZZ_SECONDS}s (libFuzzer)"
  [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true >/dev/null
  ninja -C build-fuzz
  tests/fuzz/run.sh build-fuzz "$FUZZ_SECONDS"
fi

step "all tests passed"
