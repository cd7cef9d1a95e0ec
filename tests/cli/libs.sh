#!/usr/bin/env bash
# Which shared libraries a destek process maps. libvips (photos,
# engine/media.c) and the ~80 libraries it brings are not linked: `destek
# serve` loads them with dlopen at its start, before it listens, and no other
# command ever does (LD_DEBUG=files lists every library a process loads,
# dlopen's included). A server that cannot load libvips stops before it
# listens, with the reason; DESTEK_VIPS_LIBRARY names the file to load
# instead of this build's soname (docs/OPERATIONS.md). libpq likewise: only
# a postgres:// database loads it, and says so clearly when it cannot
# (DESTEK_PQ_LIBRARY).
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# not among the binary's own dependencies
if ldd "$destek" | grep -E 'libvips|libglib-2|libgobject-2|libpq'; then
  echo "libvips, GLib or libpq is linked into destek"; exit 1
fi

# the libraries one command loads, from its start to its end
loaded() {
  rm -f "$tmp"/ld.*
  LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld" "$@" >/dev/null 2>&1 || true
  cat "$tmp"/ld.* | grep -o 'file=[^ ]*' | sort -u
}
check_no_vips() {
  local libs; libs=$(loaded "$@" < "$input")
  [ -n "$libs" ] || { echo "LD_DEBUG listed nothing for: $*"; exit 1; }
  if grep -E 'libvips|libglib-2|libgobject-2|libpq' <<<"$libs"; then
    echo "a command without photos or PostgreSQL loaded libvips or libpq: $*"; exit 1
  fi
  echo "ok: $* loads $(wc -l <<<"$libs") libraries, libvips and libpq not among them"
}
input=$tmp/in.txt
printf 'kargom nerede\nsiparişimi iptal etmek istiyorum\n' > "$input"
check_no_vips "$destek" classify --kb "$src/intents"
check_no_vips "$destek" chat --kb "$src/intents" --db "$tmp/chat.db" --now 2026-11-25T12:00:00+03:00
check_no_vips "$destek" kb test "$src/tests/eval/shoppers.tsv" --kb "$src/intents"
check_no_vips "$destek" explain "kargom nerede" --kb "$src/intents"
check_no_vips "$destek" report --db "$tmp/chat.db" --kb "$src/intents"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# a server loads it before it listens ...
"$destek" serve --port "$port" --db "$tmp/serve.db" --kb "$src/intents" --web "$src/channels/web" \
  >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log"; echo "the server did not start"; exit 1; }
  sleep 0.1
done
grep -q 'libvips\.so' "/proc/$pid/maps" || { echo "a listening server has not loaded libvips"; exit 1; }
kill -TERM "$pid"; wait "$pid" || true; pid=
echo "ok: serve has libvips mapped once it listens"

# ... and without it stops at once, saying why, and never listens
rc=0
DESTEK_VIPS_LIBRARY=/nonexistent/libvips.so.42 \
  "$destek" serve --port "$port" --db "$tmp/serve2.db" --kb "$src/intents" >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/err"
[ "$rc" = 1 ] || { echo "serve without libvips exited $rc, not 1"; exit 1; }
grep -q '^destek: cannot load libvips, needed for photos: /nonexistent/libvips.so.42: ' "$tmp/err" ||
  { echo "serve without libvips does not say why"; exit 1; }
if grep -qi 'listening' "$tmp/out" "$tmp/err"; then echo "it listened first"; exit 1; fi
echo "ok: serve without libvips stops with the reason"

# a PostgreSQL database without libpq: the command stops with the reason
for cmd in "report --db" "serve --port $port --kb $src/intents --db"; do
  rc=0
  # shellcheck disable=SC2086
  DESTEK_PQ_LIBRARY=/nonexistent/libpq.so.5 "$destek" $cmd postgres://nobody@127.0.0.1:1/x \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" = 1 ] || { echo "$cmd without libpq exited $rc, not 1"; exit 1; }
  grep -q 'cannot load libpq, needed for a PostgreSQL database: /nonexistent/libpq.so.5: ' "$tmp/err" ||
    { echo "$cmd without libpq does not say why"; exit 1; }
done
echo "ok: a postgres:// database without libpq stops with the reason"

# with the test PostgreSQL server (tests/pg/cluster.sh), a command on it loads
# libpq (a database that is not there: nothing is written to the server)
if [ -n "${DESTEK_TEST_PGHOST:-}" ]; then
  uri="postgresql:///destek_libs_absent?host=$DESTEK_TEST_PGHOST&port=${DESTEK_TEST_PGPORT:-5432}&user=${DESTEK_TEST_PGUSER:-postgres}"
  libs=$(loaded "$destek" review list --db "$uri" < /dev/null)
  grep -q 'libpq\.so' <<<"$libs" || { echo "review list on PostgreSQL did not load libpq"; exit 1; }
  echo "ok: a command on PostgreSQL loads libpq"
fi
