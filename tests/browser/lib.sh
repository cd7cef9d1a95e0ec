# Shared by the browser test scripts (sourced, POSIX sh): tool checks, a
# temporary database with the demo orders, and a `destek serve` on a free
# loopback port that is stopped on exit. Set NAME, SRC, BUILD before sourcing.
HERE="$SRC/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium($CHROMIUM)"
command -v node >/dev/null 2>&1 || missing="$missing node"
for m in playwright-core axe-core; do
    [ -d "$HERE/node_modules/$m" ] || missing="$missing node_modules/$m(npm ci --prefix tests/browser)"
done
if [ -n "$missing" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "$NAME: missing:$missing" >&2; exit 1
    fi
    echo "$NAME: SKIP, missing:$missing" >&2; exit 77
fi
[ -x "$BUILD/destek" ] || { echo "$NAME: $BUILD/destek not built" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/destek-browser.XXXXXX")
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        i=0; while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
        kill -9 "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
SHOTS=${SCREENSHOT_DIR:-"$BUILD/browser-screenshots"}

python3 "$SRC/tools/demo_orders.py" --now "$(date +%Y-%m-%dT%H:%M:%S%:z)" -o "$TMP/orders.json" >"$TMP/orders.log" 2>&1 \
    || { cat "$TMP/orders.log" >&2; exit 1; }
"$BUILD/destek" orders import "$TMP/orders.json" --db "$TMP/test.db" >"$TMP/import.log" 2>&1 \
    || { cat "$TMP/import.log" >&2; exit 1; }

# add_agent NAME [OPTIONS...]: adds an agent to the test database and prints its
# token (the last line of `destek agents add`)
add_agent() {
    "$BUILD/destek" agents add "$@" --db "$TMP/test.db" >"$TMP/agent-$1.log" 2>&1 \
        || { echo "$NAME: destek agents add failed:" >&2; cat "$TMP/agent-$1.log" >&2; exit 1; }
    token=$(tail -n 1 "$TMP/agent-$1.log")
    case "$token" in
        *[!A-Za-z0-9_-]*|"") echo "$NAME: no token on the last line of destek agents add:" >&2
                             cat "$TMP/agent-$1.log" >&2; exit 1 ;;
    esac
    printf '%s' "$token"
}

# start_server [extra serve options...]: returns once it is listening
start_server() {
    "$BUILD/destek" serve --db "$TMP/test.db" --kb "$SRC/intents" --port "$PORT" --host 127.0.0.1 "$@" \
        >"$TMP/server.log" 2>&1 &
    SERVER_PID=$!
    i=0
    until grep -q "listening on http://" "$TMP/server.log" 2>/dev/null; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "$NAME: destek serve exited early:" >&2; cat "$TMP/server.log" >&2; exit 1
        fi
        i=$((i+1))
        if [ $i -gt 100 ]; then
            echo "$NAME: destek serve not listening after 10 s:" >&2; cat "$TMP/server.log" >&2; exit 1
        fi
        sleep 0.1
    done
}

# finish STATUS: the server's log on failure, then exit with the status
finish() {
    if [ "$1" -ne 0 ]; then
        echo "--- destek serve log (last 40 lines) ---" >&2; tail -n 40 "$TMP/server.log" >&2
    fi
    exit "$1"
}
