#!/bin/sh
# Browser tests of the chat widget against a real `destek serve`: widget.test.js
# (the widget itself), storage.test.js (what it keeps in the browser), history.test.js,
# static.test.js (the loader's weight, caching, axe-core),
# then phone.test.js (widget and console on a 390x844 touch screen, on a server
# restarted with --hours open and an agent, for a claimed conversation).
#   tests/browser/run.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
# Install once: apt-get install -y chromium nodejs npm && npm ci --prefix tests/browser
set -u
NAME="browser test"
SRC=$(cd "${1:?usage: run.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: run.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

start_server
node "$HERE/widget.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
# what the widget keeps in the browser (no message text), on the same server
node "$HERE/storage.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
# a long conversation: the newest page, then older ones on request
node "$HERE/history.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
# weight and caching (the loader alone until the first open, 304s) and axe-core on the
# demo page with the widget open, on a desktop and a phone
node "$HERE/static.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1

# on a phone: the widget on the demo page and on an overflowing page, and the console
# (an agent and --hours open, so that a hand-off is queued and can be claimed)
if [ "$status" -ne 0 ]; then  # the first server's log (finish prints the second one's)
    echo "--- destek serve log (last 40 lines) ---" >&2; tail -n 40 "$TMP/server.log" >&2
fi
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
"$BUILD/destek" agents add Deniz --db "$TMP/test.db" >"$TMP/agent.log" 2>&1 \
    || { echo "$NAME: destek agents add failed:" >&2; cat "$TMP/agent.log" >&2; exit 1; }
AGENT_TOKEN=$(tail -n 1 "$TMP/agent.log")
start_server --hours open
AGENT_TOKEN="$AGENT_TOKEN" node "$HERE/phone.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
finish $status
