#!/bin/sh
# Browser test of what the widget's header and footer tell the shopper, and of the console's
# presence line (tests/browser/header.test.js), on a phone and a desktop: against a fresh
# `destek serve --hours closed`, then one restarted with --hours open and an agent.
#   tests/browser/header.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="header browser test"
SRC=$(cd "${1:?usage: header.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: header.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

AGENT_TOKEN=$(add_agent Elif) || exit 1
export AGENT_TOKEN

start_server --hours closed
MODE=closed SHOP_JSON="$SRC/intents/shop.json" node "$HERE/header.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
if [ "$status" -ne 0 ]; then
    echo "--- destek serve log (last 40 lines) ---" >&2; tail -n 40 "$TMP/server.log" >&2
fi
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
start_server --hours open
MODE=open node "$HERE/header.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
finish $status
