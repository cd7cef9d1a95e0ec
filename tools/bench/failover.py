#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Failover time of two `destek serve` nodes on one PostgreSQL
(docs/PERFORMANCE.md, "Several nodes on PostgreSQL"): SHOPPERS clients on
node A, each asking the bot something every 200 ms; node A is killed with
SIGKILL; each client, as the widget does, reconnects (to node B, as a load
balancer would send it), resumes with its session token and re-sends what
was not acknowledged. Prints the time from the kill to each client's first
answer on node B (median, p90, max) and checks every acknowledged message is
stored exactly once. Needs the test PostgreSQL server (tests/pg/cluster.sh;
DESTEK_TEST_PG* in the environment) and Debian's python3-websockets.

  DESTEK_TEST_STORE=pg /usr/bin/python3 tools/bench/failover.py BUILD/destek . [SHOPPERS]
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "integration"))
import harness  # noqa: E402
from harness import HOST, Server, websockets  # noqa: E402

DESTEK = os.path.abspath(sys.argv[1])
SRCROOT = os.path.abspath(sys.argv[2])
SHOPPERS = int(sys.argv[3]) if len(sys.argv) > 3 else 200
QUESTIONS = ["kargo ücreti ne kadar", "iade süresi kaç gün", "kapıda ödeme var mı"]


class Client:
    def __init__(self, i, urls):
        self.i, self.urls = i, urls
        self.token = None
        self.acked = set()
        self.first_after = None  # monotonic time of the first reply on node B

    async def run(self, killed, stop):
        n = 0
        node = 0
        pending = None
        while not stop.is_set():
            try:
                async with websockets.connect(self.urls[node], open_timeout=5,
                                              ping_interval=None) as ws:
                    hello = {"type": "hello"}
                    if self.token:
                        hello["session"] = self.token
                    await ws.send(json.dumps(hello))
                    while True:
                        f = json.loads(await ws.recv())
                        if f.get("type") == "welcome":
                            self.token = f["session"]
                            break
                    while not stop.is_set():
                        if pending is None:
                            pending = ("c%d-%d" % (self.i, n), QUESTIONS[n % len(QUESTIONS)])
                            n += 1
                        await ws.send(json.dumps({"type": "message", "id": pending[0],
                                                  "text": pending[1]}))
                        got_reply = False
                        while not got_reply:
                            f = json.loads(await asyncio.wait_for(ws.recv(), 10))
                            if f.get("type") == "ack" and f.get("id") == pending[0]:
                                self.acked.add(pending[0])
                            elif f.get("type") == "reply" and f.get("reply_to") == pending[0]:
                                got_reply = True
                        if killed.is_set() and node == 1 and self.first_after is None:
                            self.first_after = time.monotonic()
                        pending = None
                        await asyncio.sleep(0.2)
            except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException):
                if killed.is_set():
                    node = 1  # the balancer sends the reconnect to the live node
                await asyncio.sleep(0.05)


async def main():
    if not harness.on_pg():
        print("failover.py needs DESTEK_TEST_STORE=pg and the test PostgreSQL server")
        return 2
    a = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"])
    b = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"])
    b.db = a.db
    a.start()
    b.start()
    try:
        urls = ["ws://%s:%d/ws/chat" % (HOST, s.port) for s in (a, b)]
        clients = [Client(i, urls) for i in range(SHOPPERS)]
        killed, stop = asyncio.Event(), asyncio.Event()
        tasks = [asyncio.create_task(c.run(killed, stop)) for c in clients]
        await asyncio.sleep(4)
        t_kill = time.monotonic()
        a.proc.kill()
        killed.set()
        deadline = t_kill + 30
        while time.monotonic() < deadline and any(c.first_after is None for c in clients):
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        stop.set()
        await asyncio.wait(tasks, timeout=15)
        waits = sorted((c.first_after - t_kill) * 1000 for c in clients if c.first_after)
        acked = set().union(*(c.acked for c in clients))
        r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-d", a.db, "-c",
                            "SELECT client_id, count(*) FROM messages WHERE client_id IS NOT NULL"
                            " GROUP BY client_id"], capture_output=True, text=True, timeout=60)
        stored = dict(line.split("|") for line in r.stdout.split() if "|" in line)
        missing = [m for m in acked if m not in stored]
        doubled = [m for m, k in stored.items() if k != "1"]
        print("shoppers            %d on node A, node A killed with SIGKILL after 4 s" % SHOPPERS)
        if waits:
            print("answered on B       %d of %d; from the kill to the first answer on B: "
                  "median %.0f ms, p90 %.0f ms, max %.0f ms" %
                  (len(waits), SHOPPERS, statistics.median(waits),
                   waits[int(0.9 * (len(waits) - 1))], waits[-1]))
        print("acknowledged        %d messages: %d missing from the store, %d stored twice" %
              (len(acked), len(missing), len(doubled)))
        return 0 if waits and len(waits) == SHOPPERS and not missing and not doubled else 1
    finally:
        a.cleanup()
        b.cleanup()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
