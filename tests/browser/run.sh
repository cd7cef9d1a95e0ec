#!/bin/sh
# Browser tests of the chat widget against a real `destek serve`: widget.test.js
# (the widget itself), then storage.test.js (what it keeps in the browser).
#   tests/browser/run.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when both pass, else 1; 77 (skip) when chromium or node_modules are missing,
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
finish $status
