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
echo "destek: built build/destek; starting the terminal chat (Ctrl+D to quit)"
exec build/destek chat
