#!/bin/sh
# Browser test of photos and files (tests/browser/attach.test.js): a shopper's photo from the
# widget to the agent's console and an agent's PDF back, with progress, a failed upload
# retried and stored once, a file too large refused, axe-core, at 1366x768 and on a
# 390x844 touch phone, against a fresh `destek serve --hours open` with one agent.
#   tests/browser/attach.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="attach browser test"
SRC=$(cd "${1:?usage: attach.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: attach.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

AGENT_TOKEN=$(add_agent Zeynep) || exit 1
# the test counts what the store holds (python3's sqlite3, read-only, beside the server)
DESTEK_DB="$TMP/test.db"
export AGENT_TOKEN DESTEK_DB

start_server --hours open
node "$HERE/attach.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
finish $?
