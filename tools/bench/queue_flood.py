#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hand-off queue under a flood (issue 13, H4): the server's shopper
throughput with an empty queue and with N waiting hand-offs, interleaved;
in both, more shoppers keep asking for a person all along (--flooders: the
queue keeps changing) and two agents are signed in and read every frame. Prints, per run, the
replies/s of tools/loadgen and what the agents saw (frames, bytes of the
largest, whether they stayed connected), then the medians.

usage: tools/bench/queue_flood.py BUILD_DIR [--waiting 1000] [--runs 3]
       [--connections 200] [--messages 20]
Loopback only; needs /usr/bin/python3 with python3-websockets."""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time

import websockets


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(destek, db, waiting):
    """A fresh database with `waiting` conversations waiting for people."""
    subprocess.run([destek, "privacy", "log", "--db", db], check=True, capture_output=True)
    c = sqlite3.connect(db)
    now = int(time.time())
    for i in range(waiting):
        cur = c.execute("insert into conversations (token_hash, created_at) values (?, ?)",
                        ("flood-%d" % i, "2026-12-02T12:00:00+03:00"))
        c.execute("insert into handoffs (conversation_id, state, priority, reason, intent, preview,"
                  " created_at, created_utc) values (?, 'waiting', ?, 'istek', 'canli_destek', ?,"
                  " '2026-12-02T12:00:00+03:00', ?)",
                  (cur.lastrowid, "urgent" if i % 7 == 0 else "normal",
                   "temsilci istiyorum " + "ş" * 60, now - waiting + i))
    c.commit()
    c.close()
    tokens = []
    for name in ("Oya", "Can"):
        r = subprocess.run([destek, "agents", "add", name, "--db", db, "--capacity", "1"],
                           check=True, capture_output=True, text=True)
        tokens.append(r.stdout.strip().split()[-1])
    return tokens


async def agent(url, token, stats, stop):
    try:
        async with websockets.connect(url, max_size=None) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except asyncio.TimeoutError:
                    continue
                stats["frames"] += 1
                stats["max_bytes"] = max(stats["max_bytes"], len(raw.encode()))
                if '"type":"queue"' in raw or '"type": "queue"' in raw:
                    stats["queue_frames"] += 1
            stats["connected"] = True
    except Exception as e:  # a dropped agent is the finding
        stats["connected"] = False
        stats["error"] = repr(e)[:120]


async def flooder(url, stop, made):
    """One shopper after another asking for a person: the queue keeps moving."""
    while not stop.is_set():
        try:
            async with websockets.connect(url) as ws:
                await ws.send(json.dumps({"type": "hello"}))
                await ws.recv()
                await ws.send(json.dumps({"type": "message", "id": "f",
                                          "text": "temsilci istiyorum"}))
                while not stop.is_set():
                    f = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if f.get("type") == "reply":
                        made[0] += 1
                        break
        except Exception:
            await asyncio.sleep(0.05)


async def one_run(args, waiting):
    tmp = tempfile.mkdtemp(prefix="destek-flood-")
    db = os.path.join(tmp, "flood.db")
    tokens = prepare(os.path.join(args.build, "destek"), db, waiting)
    port = free_port()
    srv = subprocess.Popen([os.path.join(args.build, "destek"), "serve", "--db", db, "--port",
                            str(port), "--limits", "off", "--hours", "open"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in srv.stdout:
            if "listening on" in line:
                break
        stop = asyncio.Event()
        stats = [{"frames": 0, "max_bytes": 0, "queue_frames": 0, "connected": None}
                 for _ in tokens]
        tasks = [asyncio.create_task(agent("ws://127.0.0.1:%d/ws/agent" % port, t, s, stop))
                 for t, s in zip(tokens, stats)]
        made = [0]
        floods = [asyncio.create_task(flooder("ws://127.0.0.1:%d/ws/chat" % port, stop, made))
                  for _ in range(args.flooders)]
        await asyncio.sleep(0.5)
        lg = await asyncio.create_subprocess_exec(
            os.path.join(args.build, "tools", "loadgen", "loadgen"), "--url",
            "ws://127.0.0.1:%d/ws/chat" % port, "--connections", str(args.connections),
            "--messages", str(args.messages), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL)
        out = (await lg.communicate())[0].decode()
        stop.set()
        await asyncio.gather(*tasks, *floods)
        m = re.search(r"throughput\s+([\d.]+) replies/s", out)
        errs = re.search(r"errors\s+(\d+)", out)
        return {"waiting": waiting, "made": made[0], "replies_s": float(m.group(1)) if m else 0.0,
                "errors": int(errs.group(1)) if errs else -1, "agents": stats}
    finally:
        srv.terminate()
        srv.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--waiting", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--messages", type=int, default=20)
    ap.add_argument("--flooders", type=int, default=8,
                    help="shoppers creating new hand-offs all along, in every run")
    args = ap.parse_args()
    results = {0: [], args.waiting: []}
    for r in range(args.runs):
        for waiting in (0, args.waiting):  # interleaved: the machine's noise hits both
            res = await one_run(args, waiting)
            results[waiting].append(res)
            a = res["agents"]
            print("run %d  waiting %5d (+%4d new)  %8.1f replies/s  errors %d  agents connected %s  "
                  "largest frame %d B  queue frames %s" %
                  (r + 1, waiting, res["made"], res["replies_s"], res["errors"],
                   [x["connected"] for x in a], max(x["max_bytes"] for x in a),
                   [x["queue_frames"] for x in a]), flush=True)
    base = statistics.median(x["replies_s"] for x in results[0])
    flood = statistics.median(x["replies_s"] for x in results[args.waiting])
    print("median  empty queue %.1f replies/s, %d waiting %.1f replies/s: %+.1f %%" %
          (base, args.waiting, flood, 100.0 * (flood - base) / base if base else 0.0))
    dropped = sum(1 for x in results[args.waiting] for a in x["agents"] if not a["connected"])
    print("agents dropped with %d waiting: %d" % (args.waiting, dropped))


if __name__ == "__main__":
    asyncio.run(main())
