#!/bin/sh
# Browser tests of issue 17's defects list (tests/browser/defects.test.js): the after-hours
# notice on a server with --hours closed, then the hand-off as shopper and agents read it on
# one restarted with --hours open and two agents.
#   tests/browser/defects.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="defects browser test"
SRC=$(cd "${1:?usage: defects.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: defects.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

AGENT_TOKEN=$(add_agent Elif) || exit 1
AGENT_TOKEN2=$(add_agent Mert) || exit 1
export AGENT_TOKEN AGENT_TOKEN2

start_server --hours closed
MODE=closed node "$HERE/defects.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
if [ "$status" -ne 0 ]; then
    echo "--- destek serve log (last 40 lines) ---" >&2; tail -n 40 "$TMP/server.log" >&2
fi
kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
start_server --hours open
MODE=open node "$HERE/defects.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
finish $status
