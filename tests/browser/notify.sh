#!/bin/sh
# Browser test of the agent console's alerts (sound, desktop notifications, the tab title,
# aria-live announcements) and of its accessibility with axe-core
# (tests/browser/notify.test.js), against a fresh `destek serve --hours open` with two agents;
# then the notifications through the console's service worker (tests/browser/notify_sw.test.js),
# with two more agents.
#   tests/browser/notify.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="notify browser test"
SRC=$(cd "${1:?usage: notify.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: notify.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

AGENT_TOKEN=$(add_agent Zeynep) || exit 1
AGENT_TOKEN2=$(add_agent Emre) || exit 1
AGENT_TOKEN3=$(add_agent Deniz) || exit 1
AGENT_TOKEN4=$(add_agent Mert) || exit 1
export AGENT_TOKEN AGENT_TOKEN2 AGENT_TOKEN3 AGENT_TOKEN4

start_server --hours open
node "$HERE/notify.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
node "$HERE/notify_sw.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
finish $status
