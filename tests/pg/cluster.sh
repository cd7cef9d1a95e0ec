#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: initdb in a fresh directory,
# listening only on a Unix socket in it, no fsync (the data is thrown away).
#   tests/pg/cluster.sh start DIR   starts it; prints the DESTEK_TEST_PG*
#                                   variables to export (eval "$(...)")
#   tests/pg/cluster.sh stop DIR    stops it and removes DIR
# As root, the server runs as the postgres user (PostgreSQL refuses root).
# DESTEK_PG_FSYNC=on keeps PostgreSQL's durability (for benchmarks).
set -euo pipefail

cmd=${1:?usage: cluster.sh start|stop DIR}
dir=${2:?usage: cluster.sh start|stop DIR}

bindir=
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && bindir=$d
done
if [ -z "$bindir" ]; then
  echo "cluster.sh: PostgreSQL's server programs are not installed (run scripts/deps.sh)" >&2
  exit 1
fi

as_owner=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner=(runuser -u postgres --)
fi

fsync=${DESTEK_PG_FSYNC:-off}

case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U "$owner" -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -p 5432 -c fsync=$fsync -c full_page_writes=$fsync \
        -c synchronous_commit=on -c max_connections=300" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "export DESTEK_TEST_PGHOST=$dir DESTEK_TEST_PGPORT=5432 DESTEK_TEST_PGUSER=$owner"
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
