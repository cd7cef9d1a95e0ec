#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs blind conversation scripts through `destek chat` and writes the
transcripts for judging.

usage: run.py DESTEK SCRIPT.txt OUT.md [--now ISO] [--kb DIR]

A script holds conversations as
    === 01 title
    @hours open|closed
    > shopper message
    ...
Each runs in a fresh copy of the demo store (tools/demo_orders.py at --now,
default 2026-12-02T14:00:00+03:00), through the conversation service as the
server runs it; an after-hours conversation runs at 23:30 that day. OUT.md gets, for each conversation, its title and every turn:
the shopper's line, then the bot's reply and quick replies.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def parse(path):
    convs, cur = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("=== "):
            cur = {"title": line[4:].strip(), "hours": "open", "lines": []}
            convs.append(cur)
        elif cur is not None and line.startswith("@hours "):
            cur["hours"] = line.split()[1]
        elif cur is not None and line.startswith("> "):
            cur["lines"].append(line[2:])
    return convs


def replies(out):
    """The bot's blocks of `destek chat` without a terminal: 'bot: ' starts one."""
    blocks, cur = [], None
    for line in out.splitlines():
        if line.startswith("bot: "):
            cur = [line[5:]]
            blocks.append(cur)
        elif line.startswith("(an agent holds"):
            blocks.append([line])
            cur = None
        elif cur is not None:
            cur.append(line)
    return ["\n".join(b).rstrip() for b in blocks]


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    destek, script, out_path = argv[1], argv[2], argv[3]
    now = "2026-12-02T14:00:00+03:00"
    kb = os.path.join(ROOT, "intents")
    if "--now" in argv:
        now = argv[argv.index("--now") + 1]
    if "--kb" in argv:
        kb = argv[argv.index("--kb") + 1]
    tmp = tempfile.mkdtemp(prefix="destek-conv-")
    try:
        orders = os.path.join(tmp, "orders.json")
        template = os.path.join(tmp, "template.db")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "demo_orders.py"), "--now",
                        now, "-o", orders], check=True, capture_output=True)
        subprocess.run([destek, "orders", "import", orders, "--db", template], check=True,
                       capture_output=True)
        out = []
        for i, c in enumerate(parse(script)):
            db = os.path.join(tmp, "c%d.db" % i)
            shutil.copy(template, db)
            # after hours is at night on the shop's clock, as shoppers live it
            at = now if c["hours"] != "closed" else now[:11] + "23:30:00" + now[19:]
            r = subprocess.run([destek, "chat", "--kb", kb, "--db", db, "--now", at, "--hours",
                                c["hours"]], input="\n".join(c["lines"]) + "\n",
                               capture_output=True, text=True, timeout=60)
            bot = replies(r.stdout)[1:]  # the first block is the greeting
            out.append("## %s%s\n" % (c["title"], " (after hours)" if c["hours"] == "closed"
                                      else ""))
            for k, line in enumerate(c["lines"]):
                out.append("**Müşteri:** %s\n" % line)
                reply = bot[k] if k < len(bot) else "(no reply)"
                reply = re.sub(r"\n\s+(\[\d\] .*)$", r"\n*quick replies:* \1", reply)
                out.append("**Bot:** %s\n" % reply.replace("\n", "  \n"))
            out.append("")
        with open(out_path, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
