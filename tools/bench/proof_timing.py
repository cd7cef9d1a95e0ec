#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Does a wrong identity proof answer faster for an order that does not
exist (security finding L6)? Against a fresh `destek serve --limits off`
with the demo orders: one conversation per order number, the number, then a
wrong last-4; the time from sending the proof to its reply, for the shop's
orders and for as many numbers it does not have, interleaved. Prints the
medians and their difference.

usage: tools/bench/proof_timing.py BUILD_DIR [--orders 250] [--rounds 3]
Loopback only; needs /usr/bin/python3 with python3-websockets."""

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

import websockets


async def proof_time(url, order):
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"type": "hello"}))
        await ws.recv()

        async def turn(mid, text):
            await ws.send(json.dumps({"type": "message", "id": mid, "text": text}))
            t0 = time.perf_counter()
            while True:
                f = json.loads(await ws.recv())
                if f.get("type") == "reply":
                    return time.perf_counter() - t0, f["text"]
        await turn("a", "%s siparişim nerede" % order)
        dt, text = await turn("b", "0000")
        return dt, text


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--orders", type=int, default=250)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    destek = os.path.join(args.build, "destek")
    tmp = tempfile.mkdtemp(prefix="destek-proof-")
    try:
        demo = os.path.join(tmp, "demo.json")
        subprocess.run(["python3", os.path.join(root, "tools", "demo_orders.py"), "-o", demo],
                       check=True, capture_output=True)
        ids = [o["id"] for o in json.load(open(demo))["orders"]][: args.orders]
        known, unknown = [], []
        for r in range(args.rounds):
            db = os.path.join(tmp, "p%d.db" % r)
            subprocess.run([destek, "orders", "import", demo, "--db", db], check=True,
                           capture_output=True)
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            srv = subprocess.Popen([destek, "serve", "--db", db, "--port", str(port), "--limits",
                                    "off", "--hours", "open"], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
            for line in srv.stdout:
                if "listening on" in line:
                    break
            url = "ws://127.0.0.1:%d/ws/chat" % port
            try:
                for i, oid in enumerate(ids):  # interleaved: the same noise for both
                    fake = str(9000000 + r * 1000 + i)
                    dk, tk = await proof_time(url, oid)
                    du, tu = await proof_time(url, fake)
                    if tk != tu:
                        raise SystemExit("the answers differ: %r / %r" % (tk, tu))
                    known.append(dk)
                    unknown.append(du)
            finally:
                srv.terminate()
                srv.wait(10)
        mk, mu = statistics.median(known) * 1e6, statistics.median(unknown) * 1e6
        print("wrong proof, order the shop has:   median %.0f us (n=%d)" % (mk, len(known)))
        print("wrong proof, order it does not:    median %.0f us (n=%d)" % (mu, len(unknown)))
        print("difference: %+.0f us (%+.1f %%); the same reply text every time" %
              (mk - mu, 100.0 * (mk - mu) / mu))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
