#!/bin/sh
# Browser tests of the agent console against a real `destek serve --hours open`:
# handoff.test.js (a full human hand-off, shopper widget + console), then
# console_paging.test.js (a long transcript paged, a long queue), then
# supervisor.test.js (a supervisor's Raporlar and Öğret; an agent sees neither), then
# search.test.js (search and read-only transcripts, for an agent).
#   tests/browser/handoff.sh SRC_ROOT BUILD_DIR
# Exit status: 0 when all pass, else 1; 77 (skip) when chromium or node_modules are missing,
# unless CI=true (then missing tools are a failure).
set -u
NAME="handoff browser test"
SRC=$(cd "${1:?usage: handoff.sh SRC_ROOT BUILD_DIR}" && pwd)
BUILD=$(cd "${2:?usage: handoff.sh SRC_ROOT BUILD_DIR}" && pwd)
. "$SRC/tests/browser/lib.sh"

AGENT_TOKEN=$(add_agent Zeynep) || exit 1
# a second agent, to lose a claim race against the first (already_claimed)
AGENT_TOKEN2=$(add_agent Emre) || exit 1
# a supervisor, for Raporlar and Öğret
SUPERVISOR_TOKEN=$(add_agent Selin --role supervisor) || exit 1
export AGENT_TOKEN AGENT_TOKEN2 SUPERVISOR_TOKEN

start_server --hours open
node "$HERE/handoff.test.js" "http://127.0.0.1:$PORT" "$SHOTS"
status=$?
# a long transcript in the console, a page at a time, and a queue longer than its
# frame; the second agent, on the same server (the first test's conversation is closed)
AGENT_TOKEN="$AGENT_TOKEN2" node "$HERE/console_paging.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
# the supervisor's pages, first with frames the test answers itself, then against the server
# (the agent Zeynep is refused the supervisor's frames); the earlier tests' conversations are in the report
node "$HERE/supervisor.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
# search and read-only reading, for the agent Zeynep (not a supervisor): a customer's two
# conversations found by order number, e-mail and words, read, and listed as earlier ones
node "$HERE/search.test.js" "http://127.0.0.1:$PORT" "$SHOTS" || status=1
finish $status
