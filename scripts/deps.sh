#!/usr/bin/env bash
# Installs the Debian 12 packages destek needs, only those that are missing.
# Runs apt-get as root, or through sudo when run as a normal user.
set -euo pipefail

packages=(
  gcc clang llvm clang-format pkg-config meson ninja-build python3
  libpcre2-dev libjansson-dev libsqlite3-dev libutf8proc-dev libstemmer-dev libpq-dev postgresql
  libwebsockets-dev libwebsockets-evlib-uv libuv1-dev libssl-dev zlib1g-dev libbrotli-dev
  python3-websockets python3-brotli
  libvips-dev  # photos (engine/media.c); libheif comes with it for HEIC
  libvips-tools python3-pil  # tests: making and reading test photos (HEIC, EXIF)
  hunspell-tr  # Turkish words that typo correction leaves alone (intents/lexicon.json)
  nodejs chromium tzdata
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm ships inside some nodejs builds; Debian's own nodejs needs the npm package
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "destek: installing missing packages: ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "destek: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
