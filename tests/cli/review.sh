#!/usr/bin/env bash
# `destek review` (CONTRACT.md "Reports and review"): messages the bot did
# not understand or was unsure of, or that were followed at once by a request
# for a person, the same text once, with counts; assign teaches the KB's own
# files (only a "taught" entry added; classify then answers the intent; `kb
# test` runs the taught set), a broken result is refused and changes nothing;
# dismiss takes an item off the list.
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$src/intents" "$tmp/kb"; cp -r "$src/intents" "$tmp/kb.orig"
db=$tmp/r.db; now=2026-12-02T14:00:00+03:00
chat() { printf "$1" | "$destek" chat --kb "$tmp/kb" --db "$db" --now "$now" >/dev/null; }
chat 'isim nakışı yapıyor musunuz\n'
chat 'İsim nakışı yapıyor musunuz\nkargo ücreti ne kadar\n'
chat 'ISIM NAKISI YAPIYOR MUSUNUZ??\n'   # the same message without Turkish letters, shouted
chat 'bugün hava nasıl olacak\n'
chat 'kargo ücreti ne kadar\n'     # understood: not for review
list=$("$destek" review list --db "$db" --kb "$tmp/kb" --json)
echo "$list"
python3 - "$list" <<'PY'
import json, sys
items = [json.loads(l) for l in sys.argv[1].splitlines()]
by = {i["text"].lower(): i for i in items}
hs = [i for i in items if "nak" in i["text"].lower() or "NAKISI" in i["text"]]
assert len(hs) == 1, "three wordings of one message must be one item: %r" % hs
h = hs[0]
assert h["count"] == 3 and h["intent"] == "fallback", h      # one message, three wordings
assert {"id", "text", "intent", "count", "last_seen"} <= h.keys()
assert not any("kargo ücreti" in t for t in by), "an understood message is listed"
PY
id=$(python3 -c 'import json,sys; print([json.loads(l)["id"] for l in sys.argv[1].splitlines() if "nak" in l.lower()][0])' "$list")
text=$(python3 -c 'import json,sys; print([json.loads(l)["text"] for l in sys.argv[1].splitlines() if "nak" in l.lower()][0])' "$list")

# a wrong intent is refused, nothing changes
set +e
err=$("$destek" review assign "$id" yok_boyle_intent --db "$db" --kb "$tmp/kb" 2>&1); rc=$?
set -e
[ $rc = 2 ] && grep -q 'no intent' <<<"$err" || { echo "assign to a missing intent: $rc $err"; exit 1; }
diff -r "$tmp/kb" "$tmp/kb.orig" >/dev/null || { echo "a refused assign changed the KB"; exit 1; }
# a knowledge base that would not load is refused, nothing changes
cp "$tmp/kb/dialogue.json" "$tmp/dialogue.keep"; echo '{"broken": ' > "$tmp/kb/dialogue.json"
set +e; "$destek" review assign "$id" stok_urun_bilgisi --db "$db" --kb "$tmp/kb" >/dev/null 2>&1; rc=$?; set -e
[ $rc != 0 ] || { echo "an assign into a broken KB was taken"; exit 1; }
cmp -s "$tmp/kb/urun.json" "$tmp/kb.orig/urun.json" || { echo "a refused assign wrote urun.json"; exit 1; }
cp "$tmp/dialogue.keep" "$tmp/kb/dialogue.json"

before=$(echo "isim nakışı yapıyor musunuz" | "$destek" classify --kb "$tmp/kb")
grep -q '"intent":"fallback"' <<<"$before" || { echo "the test needs a message the KB does not know: $before"; exit 1; }
"$destek" review assign "$id" stok_urun_bilgisi --db "$db" --kb "$tmp/kb"
# only the taught entry is added, in the file's own layout
changed=$(diff "$tmp/kb.orig/urun.json" "$tmp/kb/urun.json" | grep '^[<>]' || true)
grep -q '"taught"' <<<"$changed" && [ "$(grep -c '^<' <<<"$changed" || true)" -le 1 ] ||
  { echo "the file changed beyond the taught entry:"; echo "$changed"; exit 1; }
for t in "isim nakışı yapıyor musunuz" "İsim nakışı yapıyor musunuz?" "isim nakisi yapiyor musunuz"; do
  out=$(echo "$t" | "$destek" classify --kb "$tmp/kb")
  grep -q '"intent":"stok_urun_bilgisi"' <<<"$out" || { echo "classify after assign: $out"; exit 1; }
done
"$destek" kb lint --kb "$tmp/kb" >/dev/null
printf 'kargo ücreti ne kadar\tkargo_ucreti\n' > "$tmp/one.tsv"
"$destek" kb test "$tmp/one.tsv" --kb "$tmp/kb" 2>/dev/null | grep -q 'taught by review: 1 of 1' ||
  { echo "kb test does not run the taught set"; exit 1; }
"$destek" review list --db "$db" --json | grep -qi 'nak' && { echo "the assigned item is still listed"; exit 1; }
# dismiss: out of scope, off the list
id2=$("$destek" review list --db "$db" --json | python3 -c 'import json,sys; print([json.loads(l)["id"] for l in sys.stdin if "hava" in l][0])')
"$destek" review dismiss "$id2" --db "$db" | grep -q dismissed
"$destek" review list --db "$db" --json | grep -q 'hava nasıl' && { echo "a dismissed item is still listed"; exit 1; }
set +e; "$destek" review dismiss 999999 --db "$db" >/dev/null 2>&1; rc=$?; set -e
[ $rc = 1 ] || { echo "dismissing a missing item: $rc"; exit 1; }
echo "review: ok"
