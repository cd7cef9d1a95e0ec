#!/bin/sh
# Browser test of the widget on a shop of another origin (tests/browser/cors.test.js): shop
# pages served by the test itself on http://127.0.0.1:SHOP_PORT (in --origins) and
# http://127.0.0.1:BAD_PORT (not in it), each embedding the widget from the chat server at
# http://localhost:PORT, a different origin; a photo sent and shown from the listed shop, and
# refused clearly on the other, at 1366x768 and on a 390x844 touch phone.
#   tests/browser/cors.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="cors browser test"
SRC=$(cd "${1:?usage: cors.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: cors.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
SHOP_PORT=$(free_port)
BAD_PORT=$(free_port)
# the test counts what the store holds and reads the server's log for the refused preflight
DESTEK_DB="$TMP/test.db"
DESTEK_LOG="$TMP/server.log"
export DESTEK_DB DESTEK_LOG

start_server --origins "http://127.0.0.1:$SHOP_PORT"
node "$HERE/cors.test.js" "$PORT" "$SHOP_PORT" "$BAD_PORT" "$SHOTS"
finish $?
