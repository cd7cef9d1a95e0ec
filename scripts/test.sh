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
# browser-test tooling from the npm registry, pinned by its package-lock.json
# (again when a package was added to it since: node_modules lacks it)
if [ -f tests/browser/package-lock.json ] && { [ ! -d tests/browser/node_modules/playwright-core ] ||
   [ ! -d tests/browser/node_modules/axe-core ]; }; then
  npm ci --prefix tests/browser --no-audit --no-fund >/dev/null
fi

step() { printf '\n== %s\n' "$*"; }

# a throwaway PostgreSQL server for the tests that run the store on it
# (suite 'pg'), stopped and removed however this script ends
pgdir=$(mktemp -d /tmp/destek-pg.XXXXXX)
trap 'tests/pg/cluster.sh stop "$pgdir"' EXIT
pgenv=$(tests/pg/cluster.sh start "$pgdir") # fails the run if the server cannot start
eval "$pgenv"

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

# one plain closing line over every suite of both builds
python3 - build-test/meson-logs/testlog.json build-san/meson-logs/testlog.json <<'PY'
import json, sys
ok = bad = skipped = 0
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line).get("result")
        ok += r in ("OK", "EXPECTEDFAIL")
        skipped += r == "SKIP"
        bad += r in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS")
print(f"{ok} passed, {bad} failed, {skipped} skipped")
PY
step "all tests passed"
