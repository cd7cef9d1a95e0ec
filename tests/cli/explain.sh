#!/usr/bin/env bash
# `destek explain` shows normalised text, tokens and the rules that fired.
set -euo pipefail
destek=$1; src=$2
out=$("$destek" explain "SİPARİŞİM NERDE 1048213" --kb "$src/intents")
echo "$out"
for want in 'folded:     siparişim nerde 1048213' 'skeleton:   siparisim nerede' 'order_no=1048213' 'decision:' 'stem'; do
  grep -qF "$want" <<<"$out" || { echo "missing: $want"; exit 1; }
done
