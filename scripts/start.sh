#!/usr/bin/env bash
# Installs what is missing, builds destek and starts it on embedded defaults
# (the shipped knowledge base in intents/). Until the chat server lands the
# main job is the terminal chat.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release >/dev/null
fi
ninja -C build destek >/dev/null

# Demo orders, relative to now so "yesterday" and "stuck for 3 days" stay true.
if [ ! -f destek.db ]; then
  python3 tools/demo_orders.py --now "$(date +%Y-%m-%dT%H:%M:%S%:z)" -o build/demo-orders.json
  build/destek orders import build/demo-orders.json --db destek.db
fi
echo
echo "Demo orders to try (order number, then the e-mail):"
python3 tools/demo_orders.py --list 2>&1 | sed 's/^/  /'
echo
echo "destek: starting the terminal chat on destek.db (Ctrl+D to quit)"
exec build/destek chat --db destek.db
