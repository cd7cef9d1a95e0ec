#!/bin/sh
# Browser test of the chat widget against a real `destek serve`.
#   tests/browser/run.sh SRC_ROOT BUILD_DIR
# Exit status: the test's; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
# Install once: apt-get install -y chromium nodejs npm && npm ci --prefix tests/browser
set -u
NAME="browser test"
SRC=$(cd "${1:?usage: run.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: run.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

start_server
node "$HERE/widget.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
finish $?
