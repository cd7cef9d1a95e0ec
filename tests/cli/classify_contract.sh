#!/usr/bin/env bash
# `destek classify` per CONTRACT.md: one JSON object per input line, with
# text/intent/confidence, "error" for invalid UTF-8 while processing goes on.
set -euo pipefail
destek=$1; src=$2
out=$(mktemp); trap 'rm -f "$out"' EXIT
printf 'siparişim nerede\n\xff\xfe bozuk metin\nKARGOM NERDE\n\nmerhaba\x00dünya\n' |
  "$destek" classify --kb "$src/intents" >"$out"
/usr/bin/env python3 - "$out" "$src" <<'PY'
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
ids = set(re.findall(r"^\| ([a-z_]+) \|", open(sys.argv[2] + "/../shared/eval/INTENTS.md").read(), re.M)) \
    if __import__("os").path.exists(sys.argv[2] + "/../shared/eval/INTENTS.md") else None
assert len(lines) == 5, f"expected 5 output lines, got {len(lines)}"
objs = [json.loads(l) for l in lines]
for o in objs:
    assert "text" in o
    if "error" in o:
        assert "intent" not in o
        continue
    assert 0.0 <= o["confidence"] <= 1.0, o
    if ids is not None:
        assert o["intent"] in ids, o
assert "error" in objs[1] and "UTF-8" in objs[1]["error"], objs[1]
assert objs[0]["intent"] in ("siparis_durumu", "kargo_takip"), objs[0]
assert objs[2]["intent"] == "kargo_takip", objs[2]
assert objs[3]["intent"] == "fallback", objs[3]
print("classify contract ok")
PY
