#!/bin/sh
# Browser test of the chat widget against a real `destek serve`.
#   tests/browser/run.sh SRC_ROOT BUILD_DIR
# Exit status: the test's; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
# Install once: apt-get install -y chromium nodejs npm && npm ci --prefix tests/browser
set -u
SRC=$(cd "${1:?usage: run.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: run.sh SRC_ROOT BUILD_DIR}" && pwd)
HERE="$SRC/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
command -v node >/dev/null 2>&1 || missing="$missing node"
[ -d "$HERE/node_modules/playwright-core" ] || missing="$missing node_modules(npm ci --prefix tests/browser)"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "browser test: missing:$missing" >&2; exit 1
    fi
    echo "browser test: SKIP, missing:$missing" >&2; exit 77
fi
[ -x "$BUILD/destek" ] || { echo "browser test: $BUILD/destek not built" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/destek-browser.XXXXXX")
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        i=0; while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
        kill -9 "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

python3 "$SRC/tools/demo_orders.py" --now 2026-11-25T12:00:00+03:00 -o "$TMP/orders.json" >"$TMP/orders.log" 2>&1 \
    || { cat "$TMP/orders.log" >&2; exit 1; }
"$BUILD/destek" orders import "$TMP/orders.json" --db "$TMP/test.db" >"$TMP/import.log" 2>&1 \
    || { cat "$TMP/import.log" >&2; exit 1; }

"$BUILD/destek" serve --db "$TMP/test.db" --kb "$SRC/intents" --port "$PORT" --host 127.0.0.1 \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

i=0
until grep -q "listening on http://" "$TMP/server.log" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "browser test: destek serve exited early:" >&2; cat "$TMP/server.log" >&2; exit 1
    fi
    i=$((i+1))
    if [ $i -gt 100 ]; then
        echo "browser test: destek serve not listening after 10 s:" >&2; cat "$TMP/server.log" >&2; exit 1
    fi
    sleep 0.1
done

SHOTS=${SCREENSHOT_DIR:-"$BUILD/browser-screenshots"}
node "$HERE/widget.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
if [ $status -ne 0 ]; then
    echo "--- destek serve log (last 40 lines) ---" >&2; tail -n 40 "$TMP/server.log" >&2
fi
exit $status
