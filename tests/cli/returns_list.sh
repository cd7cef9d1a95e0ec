#!/usr/bin/env bash
# Every request the bot creates in chat is in `destek returns list --json`
# with the fields CONTRACT.md names; the text listing shows what an exchange
# asks for (OLD x1 -> NEW).
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$destek" orders import "$src/tests/dialogues/orders.json" --db "$tmp/t.db" >/dev/null
printf '%s\n' "iade etmek istiyorum" 3001001 selin.aydin@example.com "Pamuklu Tişört" "Beden/uymadı" \
  "ürün kırık geldi" "Nemlendirici Yüz Kremi" "kapağı kırık gelmiş" \
  "iade etmek istiyorum" 3001003 derya.kurt@example.com "Beğenmedim" |
  "$destek" chat --db "$tmp/t.db" --kb "$src/intents" --now 2026-11-25T12:00:00+03:00 >"$tmp/chat.txt"
# another shopper: an exchange for another colour
printf '%s\n' "kazağı bej rengiyle değiştirmek istiyorum" 3001005 emre.koc@example.com |
  "$destek" chat --db "$tmp/t.db" --kb "$src/intents" --now 2026-11-25T12:00:00+03:00 >>"$tmp/chat.txt"
"$destek" returns list --db "$tmp/t.db" --json >"$tmp/list.jsonl"
"$destek" returns list --db "$tmp/t.db" >"$tmp/list.txt"
/usr/bin/env python3 - "$tmp/list.jsonl" "$tmp/chat.txt" <<'PY'
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
chat = open(sys.argv[2], encoding="utf-8").read()
for r in rows:
    for k in ("id", "order", "items", "reason", "state", "code", "created_at"):
        assert k in r, (k, r)
    assert isinstance(r["items"], list)
made = [r for r in rows if r["order"] in ("3001001", "3001003")]
ret = [r for r in made if r["kind"] == "return" and r["state"] == "requested"]
assert len(ret) == 1 and ret[0]["reason"] == "beden", made
assert ret[0]["items"][0]["name"] == "Pamuklu Tişört", ret[0]
code = ret[0]["code"]
assert re.fullmatch(r"IAD[A-Z2-9]{6}", code), code
assert code in chat, "the code the shopper was given is the one recorded"
case = [r for r in made if r["kind"] == "case"]
assert len(case) == 1 and case[0]["state"] == "open" and case[0]["priority"] == "urgent", case
swap = [r for r in rows if r["order"] == "3001005"]
assert len(swap) == 1 and swap[0]["kind"] == "exchange" and swap[0]["reason"] == "renk", swap
assert swap[0]["details"]["new_sku"] == "KZ-520-BEJ-M", swap
refused = [r for r in made if r["state"] == "rejected"]
assert len(refused) == 1 and refused[0]["order"] == "3001003", refused
print(f"{len(rows)} rows; the chat's return {code}, its case and its refusal are listed")
PY
grep -q "$(sed -n 1p "$tmp/list.jsonl" | python3 -c 'import json,sys;print(json.load(sys.stdin)["order"])')" "$tmp/list.txt"
grep -q "KZ-520-LAC-M x1 -> KZ-520-BEJ-M" "$tmp/list.txt"
