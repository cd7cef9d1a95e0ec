#!/usr/bin/env python3
"""Generates a large synthetic knowledge base for the matcher benchmark.

The shipped intents are kept, and N synthetic intents are added whose
keywords mix invented Turkish-like words (unique to each intent) with common
real shop words shared by many intents, so posting lists are long as in a
real large KB. Deterministic for a given --seed. Writes OUT/kb/ (a KB
directory) and OUT/messages.tsv (labelled messages: the dev set, if given,
plus generated messages for the synthetic intents).

usage: tools/kbgen.py OUT [--intents 1000] [--seed 1] [--kb intents] [--dev FILE]
"""
import argparse
import json
import os
import random
import shutil

SHARED = ["urun", "siparis", "kargo", "fiyat", "renk", "beden", "hesap", "kart",
          "indirim", "teslimat", "iade", "musteri", "magaza", "odeme", "kampanya"]
ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "y", "z", "c"]
VOWELS = ["a", "e", "i", "o", "u"]
CODAS = ["", "", "n", "r", "l", "m", "s", "k", "t"]


def word(rng, used):
    while True:
        w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                    for _ in range(rng.choice([2, 2, 3])))
        if len(w) >= 5 and w not in used:
            used.add(w)
            return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--intents", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kb", default="intents")
    ap.add_argument("--dev", default=None)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    kb = os.path.join(a.out, "kb")
    os.makedirs(kb, exist_ok=True)
    for f in os.listdir(a.kb):
        if f.endswith(".json"):
            shutil.copy(os.path.join(a.kb, f), kb)
    used = set()
    intents, messages = [], []
    for i in range(a.intents):
        w = [word(rng, used) for _ in range(4)]
        s = rng.sample(SHARED, 2)
        kw = {w[0]: 2.5, w[1]: 2.0, w[2]: 1.5, f"{w[0]} {w[3]}": 2.0,
              s[0]: 0.5, s[1]: 0.4}
        iid = f"gen_{i:04d}"
        intents.append({
            "id": iid, "title": f"Konu {i}",
            "keywords": kw,
            "patterns": [f"\\b{w[0]}\\w* (ne|nasil|neden) {w[1]}",
                         {"re": f"\\b{w[2]}\\w* {s[0]}", "weight": 1.5}],
            "examples": [f"{w[0]} {w[1]} nedir", f"{w[2]}ler {s[0]} nasil",
                         f"{w[0]}im {w[3]} yok"],
            "answers": [f"Konu {i} hakkında bilgi."],
        })
        messages.append((f"{w[0]}larim ne zaman {s[0]} olur", iid))
        messages.append((f"{s[1]} icin {w[1]} {w[2]}i istiyorum", iid))
    with open(os.path.join(kb, "zz_generated.json"), "w", encoding="utf-8") as f:
        json.dump({"intents": intents}, f, ensure_ascii=False, indent=1)
    with open(os.path.join(a.out, "messages.tsv"), "w", encoding="utf-8") as f:
        if a.dev and os.path.exists(a.dev):
            for line in open(a.dev, encoding="utf-8"):
                if line.strip() and not line.startswith("#"):
                    f.write(line if line.endswith("\n") else line + "\n")
        for text, iid in messages:
            f.write(f"{text}\t{iid}\n")
    print(f"{kb}: {a.intents} generated intents; {len(messages)} generated messages")


if __name__ == "__main__":
    main()
