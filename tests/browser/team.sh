#!/bin/sh
# Browser test of the agents as a team (tests/browser/team.test.js): status, a transfer
# between two agents' consoles (desktop and phone), the shopper's presence, against a
# fresh `destek serve --hours open` with two agents.
#   tests/browser/team.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="team browser test"
SRC=$(cd "${1:?usage: team.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: team.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

AGENT_TOKEN=$(add_agent Zeynep) || exit 1
AGENT_TOKEN2=$(add_agent Emre) || exit 1
export AGENT_TOKEN AGENT_TOKEN2

start_server --hours open
node "$HERE/team.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
finish $?
