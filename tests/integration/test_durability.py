# SPDX-License-Identifier: MIT
"""Durability: an `ack` means the message is on disk. Several clients send
pipelined messages; the server is killed with SIGKILL in the middle of the
traffic and restarted on the same database. Every acknowledged message (and
every reply that was received) must be in the resumed history, nothing twice,
and a message re-sent after the restart with the same id is not stored twice.

usage: /usr/bin/python3 test_durability.py DESTEK SRCROOT"""

import asyncio
import json
import signal

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from harness import Client, Server, check, parse_argv, run, websockets

DESTEK, SRCROOT = parse_argv()
CLIENTS = 30
PER_CLIENT = 80  # 160 entries: a resume pages them (WS_HISTORY_PAGE)
KILL_AFTER_ACKS = 600  # of 2,400: the kill lands while messages are in flight
TEXTS = ["kargo ücreti ne kadar", "iade süresi kaç gün", "kapıda ödeme var mı",
         "taksit yapıyor musunuz", "kaç günde teslim edersiniz"]


class Ctx:
    def __init__(self):
        self.servers = []

    def new_server(self, **kw):
        s = Server(DESTEK, SRCROOT, **kw)
        self.servers.append(s)
        return s

    def cleanup(self):
        for s in self.servers:
            s.cleanup()


async def traffic(c, cid, state, total_acks, kill_event):
    """Send up to PER_CLIENT messages at a steady pace while recording acks and
    replies, until the connection drops."""
    async def sender():
        for i in range(PER_CLIENT):
            mid = "c%d-m%d" % (cid, i)
            text = "%s (%d/%d)" % (TEXTS[i % len(TEXTS)], cid, i)
            state["sent"].append((mid, text))  # before the send: it may land
            try:
                await c.send({"type": "message", "id": mid, "text": text})
            except websockets.exceptions.ConnectionClosed:
                return
            await asyncio.sleep(0.005)

    async def receiver():
        try:
            while True:
                f = json.loads(await asyncio.wait_for(c.ws.recv(), 15))
                if f.get("type") == "ack":
                    state["acked"].add(f["id"])
                    total_acks[0] += 1
                    if total_acks[0] >= KILL_AFTER_ACKS:
                        kill_event.set()
                elif f.get("type") == "reply":
                    state["replies"][f.get("reply_to")] = f
                elif f.get("type") == "error":
                    state["errors"].append(f)
        except (websockets.exceptions.ConnectionClosed, asyncio.TimeoutError):
            pass

    await asyncio.gather(sender(), receiver())


def check_history(h, st, label):
    shopper = [e for e in h if e.get("role") == "shopper"]
    ids = [e.get("id") for e in shopper]
    check(len(ids) == len(set(ids)), "%s: a shopper message stored twice: %s" % (label, ids))
    for mid in st["acked"]:
        check(mid in ids, "%s: acknowledged message %s lost after kill -9 (history ids %s)"
              % (label, mid, ids))
    sent_text = dict(st["sent"])
    for e in shopper:
        check(e.get("id") in sent_text and e.get("text") == sent_text[e["id"]],
              "%s: history has a message that was not sent as such" % label, e)
    # Each received reply is in the history, right after its message, once.
    bots = [e for e in h if e.get("role") == "bot"]
    for mid, reply in st["replies"].items():
        check(mid in ids, "%s: a reply was received for %s but its message is gone" % (label, mid))
        k = [i for i, e in enumerate(h) if e.get("role") == "shopper" and e.get("id") == mid][0]
        check(k + 1 < len(h) and h[k + 1].get("role") == "bot"
              and h[k + 1].get("text") == reply.get("text"),
              "%s: the reply to %s is not stored after it" % (label, mid), reply, *h[k:k + 2])
    check(len(bots) <= len(shopper), "%s: more bot replies than shopper messages" % label, *bots)
    # Order: shopper messages keep the order they were sent in.
    order = [m for m, _ in st["sent"] if m in ids]
    check(ids == order, "%s: history order %s differs from send order %s" % (label, ids, order))
    return ids


async def t_kill9(ctx):
    srv = ctx.new_server(extra=["--limits", "off"]).start()
    clients, states = [], []
    for cid in range(CLIENTS):
        c = await Client.open(srv.url)
        w = await c.hello()
        clients.append(c)
        states.append({"token": w["session"], "acked": set(), "replies": {}, "errors": [], "sent": []})
    kill_event = asyncio.Event()
    total = [0]
    tasks = [asyncio.create_task(traffic(c, i, states[i], total, kill_event))
             for i, c in enumerate(clients)]
    try:
        await asyncio.wait_for(kill_event.wait(), 20)
    except asyncio.TimeoutError:
        pass
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(10)
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    acked = sum(len(s["acked"]) for s in states)
    sent = sum(len(s["sent"]) for s in states)
    check(acked >= KILL_AFTER_ACKS or acked == sent,
          "only %d acks before the kill (of %d sent)" % (acked, sent))
    for s in states:
        check(not s["errors"], "errors during traffic", *s["errors"])
    print("     kill -9 after %d acks of %d sent, %d replies received" %
          (acked, sent, sum(len(s["replies"]) for s in states)))

    srv.start()
    unacked_total = 0
    for cid, st in enumerate(states):
        c = await Client.open(srv.url)
        w = await c.hello(session=st["token"], resumed=True)
        ids = check_history(await c.full_history(w), st, "client %d" % cid)
        # Re-send everything that was not acknowledged, plus one that was:
        # acked again, stored once.
        resend = [(m, t) for m, t in st["sent"] if m not in st["acked"]]
        unacked_total += len(resend)
        acked_one = next(((m, t) for m, t in st["sent"] if m in st["acked"]), None)
        if acked_one:
            resend.append(acked_one)
        for mid, text in resend:
            await c.send({"type": "message", "id": mid, "text": text})
        want = {m for m, _ in resend}
        got = set()
        while got != want:
            f = await c.recv_known(10)
            if f["type"] == "ack":
                got.add(f["id"])
            check(f["type"] != "error", "error on re-send", f)
        await c.usable()
        await c.close()
        c2 = await Client.open(srv.url)
        w2 = await c2.hello(session=st["token"], resumed=True)
        h2 = await c2.full_history(w2)
        ids2 = [e["id"] for e in h2 if e.get("role") == "shopper"]
        check(sorted(ids2) == sorted(m for m, _ in st["sent"]),
              "client %d: after re-sending, every message exactly once: %s" % (cid, ids2))
        # A message that had been stored before the kill without a reply
        # received may or may not have a reply; none may have two.
        nbots = sum(1 for e in h2 if e.get("role") == "bot")
        check(nbots <= len(ids2), "client %d: more replies than messages" % cid)
        await c2.close()
    print("     %d unacknowledged messages re-sent after the restart" % unacked_total)
    srv.stop()


async def t_kill9_idle(ctx):
    """The simplest case: one message acknowledged and answered, then kill -9."""
    srv = ctx.new_server().start()
    c = await Client.open(srv.url)
    w = await c.hello()
    _, reply = await c.message("only-1", "kargo ücreti ne kadar")
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(10)
    await c.close()
    srv.start()
    c = await Client.open(srv.url)
    w2 = await c.hello(session=w["session"], resumed=True)
    h = w2["history"]
    check(len(h) == 2 and h[0].get("id") == "only-1" and h[1].get("text") == reply["text"],
          "message and reply survive kill -9", *h)
    await c.close()
    srv.stop()


TESTS = [("kill9_idle", t_kill9_idle), ("kill9_under_traffic", t_kill9)]

if __name__ == "__main__":
    run(TESTS, Ctx)
