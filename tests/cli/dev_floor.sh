#!/usr/bin/env bash
# Regression floor: accuracy on shared/eval/dev.tsv must stay >= 0.95.
set -euo pipefail
destek=$1; src=$2
dev="$src/../shared/eval/dev.tsv"
[ -f "$dev" ] || { echo "shared/eval/dev.tsv not found beside the repo: skipped"; exit 77; }
"$destek" kb test "$dev" --kb "$src/intents" --min 0.95
