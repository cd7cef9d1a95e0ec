#!/bin/sh
# Run the integration tests against a built server:
#   tests/integration/run.sh [build/destek] [source root] [test_protocol.py ...]
# Each script prints one line per test and `N passed, N failed`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
destek=${1:-$root/build/destek}
src=${2:-$root}
[ $# -ge 2 ] && shift 2 || shift $#
scripts=${*:-test_protocol.py test_durability.py test_sigterm.py test_handoff.py}
py=/usr/bin/python3
if ! $py -c 'import websockets' 2>/dev/null; then
    echo "skip: $py has no websockets module (apt-get install python3-websockets)"
    exit 77
fi
status=0
for s in $scripts; do
    echo "== $s"
    timeout 600 $py "$here/$s" "$destek" "$src" || status=1
done
exit $status
