#!/usr/bin/env bash
# The spelling dictionary's image cache (docs/OPERATIONS.md, "The dictionary
# cache"): `destek classify` says the same with the cache off, with the image
# just written and with it mapped; a stale, corrupt or truncated image is
# made again; an unwritable cache is read past in silence; "off" writes
# nothing; XDG_CACHE_HOME and HOME name the default place. Every cache here
# is in a temporary directory, never the user's.
set -euo pipefail
destek=$1; src=$2
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
dic=/usr/share/hunspell/tr_TR.dic
if [ ! -r "$dic" ]; then
    echo "no $dic (apt install hunspell-tr): skipped"
    exit 77
fi
# the shipped KB with the dictionary copied into tmp, so that it can change
cp -r "$src/intents" "$tmp/kb"
cp "$dic" "$tmp/tr.dic"
/usr/bin/env python3 - "$tmp/kb/lexicon.json" "$tmp/tr.dic" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p, encoding="utf-8"))
d["dictionaries"] = [sys.argv[2]]
json.dump(d, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
# every labelled set's texts, dev.tsv's when at hand, and random lines
{ for f in "$src"/tests/eval/*.tsv "$src/../shared/eval/dev.tsv"; do
      [ -r "$f" ] && grep -v '^#' "$f" | cut -f1
  done
  /usr/bin/env python3 - <<'PY'
import random
r = random.Random(16)
words = "kargom nerede siparişim iptal iade eşarp hesap ödeme fatura kapıda teslimat ürün beden".split()
alpha = "abcçdefgğhıijklmnoöprsştuüvyz ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ0123456789?!.,'\""
for _ in range(3000):
    if r.random() < 0.5:
        ws = [r.choice(words) for _ in range(r.randint(1, 8))]
        ws = [w[:i] + r.choice(alpha) + w[i + 1:] if (i := r.randrange(len(w))) and r.random() < 0.3 else w for w in ws]
        print(" ".join(ws))
    else:
        print("".join(r.choice(alpha) for _ in range(r.randint(0, 60))))
PY
} > "$tmp/lines.txt"

run() { # CACHE_DIR_VALUE OUT: classify the lines; stderr to OUT.err
    DESTEK_CACHE_DIR=$1 DESTEK_CACHE_DEBUG=1 "$destek" classify --kb "$tmp/kb" \
        < "$tmp/lines.txt" > "$2" 2> "$2.err"
}
expect_log() { # OUT WORDS: the debug line says so
    grep -q "$2" "$1.err" || { echo "expected '$2' in:"; cat "$1.err"; exit 1; }
}
same() { cmp -s "$tmp/off.out" "$1" || { echo "$1 differs from the output without a cache"; exit 1; }; }

cache=$tmp/cache
run off "$tmp/off.out"
[ ! -e "$cache" ] || { echo "off made a cache"; exit 1; }
grep -q "dictionary" "$tmp/off.out.err" && { echo "off logged:"; cat "$tmp/off.out.err"; exit 1; }
run "$cache" "$tmp/written.out"; same "$tmp/written.out"; expect_log "$tmp/written.out" "image written"
img=$(ls "$cache"/dict-*.img)
run "$cache" "$tmp/mapped.out"; same "$tmp/mapped.out"; expect_log "$tmp/mapped.out" "image mapped"
# without the debug variable nothing is said
DESTEK_CACHE_DIR=$cache "$destek" classify --kb "$tmp/kb" < /dev/null 2> "$tmp/quiet.err"
[ ! -s "$tmp/quiet.err" ] || { echo "said without DESTEK_CACHE_DEBUG:"; cat "$tmp/quiet.err"; exit 1; }

# stale: the .dic touched (same words, new times), then a word added
touch -d '2001-01-01 00:00' "$tmp/tr.dic"
run "$cache" "$tmp/stale.out"; same "$tmp/stale.out"; expect_log "$tmp/stale.out" "stale"
run "$cache" "$tmp/again.out"; expect_log "$tmp/again.out" "image mapped"
echo "kargomnerdeymiş" >> "$tmp/tr.dic"
DESTEK_CACHE_DIR=off "$destek" classify --kb "$tmp/kb" < "$tmp/lines.txt" > "$tmp/off2.out"
run "$cache" "$tmp/stale2.out"; expect_log "$tmp/stale2.out" "stale"
cmp -s "$tmp/off2.out" "$tmp/stale2.out" || { echo "a changed .dic: outputs differ"; exit 1; }
run "$cache" "$tmp/mapped2.out"; expect_log "$tmp/mapped2.out" "image mapped"
cmp -s "$tmp/off2.out" "$tmp/mapped2.out" || { echo "a changed .dic, mapped: outputs differ"; exit 1; }
cp "$dic" "$tmp/tr.dic"   # back to the shipped words (a new inode and times)
run "$cache" "$tmp/back.out"; same "$tmp/back.out"; expect_log "$tmp/back.out" "stale"

# corrupt: a byte flipped in the table, the file cut short, garbage
/usr/bin/env python3 - "$img" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x5A
open(p, "wb").write(b)
PY
run "$cache" "$tmp/flip.out"; same "$tmp/flip.out"; expect_log "$tmp/flip.out" "checksum"
truncate -s 1000000 "$img"
run "$cache" "$tmp/cut.out"; same "$tmp/cut.out"; expect_log "$tmp/cut.out" "truncated"
head -c 4096 /dev/urandom > "$img"
run "$cache" "$tmp/junk.out"; same "$tmp/junk.out"; expect_log "$tmp/junk.out" "image written"
run "$cache" "$tmp/fixed.out"; same "$tmp/fixed.out"; expect_log "$tmp/fixed.out" "image mapped"

# unwritable: a cache under a file, and a read-only directory (root writes
# anyway); the output is the same and nothing is said without the debug line
run "$tmp/tr.dic/cache" "$tmp/nodir.out"; same "$tmp/nodir.out"; expect_log "$tmp/nodir.out" "not written"
DESTEK_CACHE_DIR=$tmp/tr.dic/cache "$destek" classify --kb "$tmp/kb" < /dev/null 2> "$tmp/quiet.err"
[ ! -s "$tmp/quiet.err" ] || { echo "an unwritable cache was told:"; cat "$tmp/quiet.err"; exit 1; }
mkdir "$tmp/ro"; chmod 0500 "$tmp/ro"
run "$tmp/ro" "$tmp/ro.out"; same "$tmp/ro.out"
[ "$(id -u)" = 0 ] || expect_log "$tmp/ro.out" "not written"

# the default places: XDG_CACHE_HOME, else HOME (DESTEK_CACHE_DIR unset)
env -u DESTEK_CACHE_DIR XDG_CACHE_HOME="$tmp/xdg" HOME="$tmp/home" \
    "$destek" classify --kb "$tmp/kb" < /dev/null
ls "$tmp/xdg/destek"/dict-*.img > /dev/null
env -u DESTEK_CACHE_DIR -u XDG_CACHE_HOME HOME="$tmp/home" \
    "$destek" classify --kb "$tmp/kb" < /dev/null
ls "$tmp/home/.cache/destek"/dict-*.img > /dev/null
env -u DESTEK_CACHE_DIR XDG_CACHE_HOME=relative HOME="$tmp/home2" \
    "$destek" classify --kb "$tmp/kb" < /dev/null
ls "$tmp/home2/.cache/destek"/dict-*.img > /dev/null   # a relative XDG_CACHE_HOME is ignored
[ ! -e relative ] || { echo "made a cache in the working directory"; exit 1; }
echo "dictionary cache ok ($(wc -l < "$tmp/lines.txt") lines)"
