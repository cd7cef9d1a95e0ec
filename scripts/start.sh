#!/usr/bin/env bash
# Installs what is missing, builds destek and starts the chat server on the
# embedded defaults: the shipped knowledge base in intents/, ./destek.db with
# demo orders, port 8080. The terminal chat is `build/destek chat`.
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
echo "destek: open http://127.0.0.1:8080/ in a browser (the demo shop with the chat widget);"
echo "        the terminal chat is build/destek chat. Ctrl+C stops the server."
exec build/destek serve --db destek.db
