#!/bin/sh
# Browser test of a full human hand-off (shopper widget + agent console) against a
# real `destek serve --hours open`.
#   tests/browser/handoff.sh SRC_ROOT BUILD_DIR
# Exit status: the test's; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
# Install once: apt-get install -y chromium nodejs npm && npm ci --prefix tests/browser
set -u
SRC=$(cd "${1:?usage: handoff.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: handoff.sh SRC_ROOT BUILD_DIR}" && pwd)
HERE="$SRC/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
command -v node >/dev/null 2>&1 || missing="$missing node"
[ -d "$HERE/node_modules/playwright-core" ] || missing="$missing node_modules(npm ci --prefix tests/browser)"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "handoff browser test: missing:$missing" >&2; exit 1
    fi
    echo "handoff browser test: SKIP, missing:$missing" >&2; exit 77
fi
[ -x "$BUILD/destek" ] || { echo "handoff browser test: $BUILD/destek not built" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/destek-handoff.XXXXXX")
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

# the token is printed once, alone on the last line
"$BUILD/destek" agents add "Zeynep" --db "$TMP/test.db" >"$TMP/agent.log" 2>&1 \
    || { echo "handoff browser test: destek agents add failed:" >&2; cat "$TMP/agent.log" >&2; exit 1; }
AGENT_TOKEN=$(tail -n 1 "$TMP/agent.log")
case "$AGENT_TOKEN" in
    *[!A-Za-z0-9_-]*|"") echo "handoff browser test: no token on the last line of destek agents add:" >&2; cat "$TMP/agent.log" >&2; exit 1 ;;
esac
# a second agent, to lose a claim race against the first (already_claimed)
"$BUILD/destek" agents add "Emre" --db "$TMP/test.db" >"$TMP/agent2.log" 2>&1 \
    || { echo "handoff browser test: destek agents add failed:" >&2; cat "$TMP/agent2.log" >&2; exit 1; }
AGENT_TOKEN2=$(tail -n 1 "$TMP/agent2.log")
export AGENT_TOKEN AGENT_TOKEN2

"$BUILD/destek" serve --db "$TMP/test.db" --kb "$SRC/intents" --port "$PORT" --host 127.0.0.1 --hours open \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

i=0
until grep -q "listening on http://" "$TMP/server.log" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "handoff browser test: destek serve exited early:" >&2; cat "$TMP/server.log" >&2; exit 1
    fi
    i=$((i+1))
    if [ $i -gt 100 ]; then
        echo "handoff browser test: destek serve not listening after 10 s:" >&2; cat "$TMP/server.log" >&2; exit 1
    fi
    sleep 0.1
done

SHOTS=${SCREENSHOT_DIR:-"$BUILD/browser-screenshots"}
node "$HERE/handoff.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
if [ $status -ne 0 ]; then
    echo "--- destek serve log (last 40 lines) ---" >&2; tail -n 40 "$TMP/server.log" >&2
fi
exit $status
