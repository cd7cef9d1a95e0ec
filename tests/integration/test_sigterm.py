# SPDX-License-Identifier: MIT
"""Signals: SIGTERM with shoppers connected and messages in flight stops the
server with status 0 within a few seconds, closes the connections (1001, going
away) and loses nothing acknowledged. SIGHUP reloads the knowledge base from
disk without dropping open connections, and a broken KB on reload keeps the
old one.
A conversation in the middle of a dialogue (order number given, identity
check pending) carries on where it was after a restart, even after kill -9,
and after a SIGHUP reload that moved the intents around.

usage: /usr/bin/python3 test_sigterm.py DESTEK SRCROOT"""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from harness import Client, Server, check, orders_now, parse_argv, run, websockets

DESTEK, SRCROOT = parse_argv()
EXIT_WITHIN = 5.0
ORDERS = os.path.join(SRCROOT, "tests", "dialogues", "orders.json")
ORDER_NO, TRACKING = "1048213", "YK123456789TR"  # orders.json, ayse@example.com


class Ctx:
    def __init__(self):
        self.servers = []
        self.dirs = []

    def new_server(self, **kw):
        s = Server(DESTEK, SRCROOT, **kw)
        self.servers.append(s)
        return s

    def tempdir(self):
        d = tempfile.mkdtemp(prefix="destek-it-kb-")
        self.dirs.append(d)
        return d

    def cleanup(self):
        for s in self.servers:
            s.cleanup()
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


async def t_sigterm(ctx):
    srv = ctx.new_server(extra=["--limits", "off"]).start()
    clients, states = [], []
    for i in range(5):
        c = await Client.open(srv.url)
        w = await c.hello()
        # Two answered turns each, then a burst left in flight.
        for k in range(2):
            await c.message("t%d-%d" % (i, k), "kargo ücreti ne kadar")
        clients.append(c)
        states.append({"token": w["session"], "acked": {"t%d-0" % i, "t%d-1" % i}, "sent": []})
    idle = await Client.open(srv.url)  # connected, never said hello
    for i, c in enumerate(clients):
        for k in range(2, 12):
            mid = "t%d-%d" % (i, k)
            states[i]["sent"].append(mid)
            await c.send({"type": "message", "id": mid, "text": "iade süresi kaç gün"})
    burst_acks = [0]
    first_acks = asyncio.Event()

    async def drain(c, st):
        codes = []
        try:
            while True:
                f = json.loads(await asyncio.wait_for(c.ws.recv(), EXIT_WITHIN + 5))
                if f.get("type") == "ack":
                    st["acked"].add(f["id"])
                    burst_acks[0] += 1
                    if burst_acks[0] >= 5:
                        first_acks.set()
                elif f.get("type") == "error":
                    codes.append(f.get("code"))
        except websockets.exceptions.ConnectionClosed as e:
            return ("closed", e.code, codes)
        except asyncio.TimeoutError:
            return ("open", None, codes)

    tasks = asyncio.gather(*(drain(c, st) for c, st in zip(clients, states)),
                           drain(idle, {"acked": set()}))
    # SIGTERM while the burst is being processed: some acked, some in flight.
    await asyncio.wait_for(first_acks.wait(), 10)
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    results = await asyncio.wait_for(tasks, EXIT_WITHIN + 10)
    rc = await asyncio.get_running_loop().run_in_executor(None, srv.wait, EXIT_WITHIN + 5)
    took = time.monotonic() - t0
    check(rc is not None, "server still running %.1fs after SIGTERM" % took)
    check(rc == 0, "exit status after SIGTERM is %s, not 0; stderr:\n%s" % (rc, srv.stderr_tail()))
    check(took <= EXIT_WITHIN, "SIGTERM took %.1fs (limit %.0fs)" % (took, EXIT_WITHIN))
    for r in results:
        check(r[0] == "closed", "a connection was not closed by the shutdown: %r" % (r,))
        check(all(code in ("busy",) for code in r[2]), "unexpected errors at shutdown: %r" % (r,))
    acked = sum(len(s["acked"]) for s in states)
    print("     exit %d after %.2fs, %d messages acknowledged" % (rc, took, acked))

    srv.start()
    for i, st in enumerate(states):
        c = await Client.open(srv.url)
        w = await c.hello(session=st["token"], resumed=True)
        ids = [e.get("id") for e in w["history"] if e.get("role") == "shopper"]
        check(len(ids) == len(set(ids)), "client %d: duplicated messages %s" % (i, ids))
        missing = sorted(st["acked"] - set(ids))
        check(not missing, "client %d: acknowledged but lost after SIGTERM: %s" % (i, missing))
        await c.close()
    srv.stop()
    # Checked last so that a loss above is reported first.
    for r in results:
        check(r[1] == 1001, "connections should close with 1001 going away, got %r (all: %r)"
              % (r, [x[:2] for x in results]))


def set_answer(kbdir, intent, text):
    """Rewrite one intent's answers in the KB copy; the file keeps its name."""
    for name in sorted(os.listdir(kbdir)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(kbdir, name)
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        for it in d.get("intents", []) if isinstance(d, dict) else []:
            if it.get("id") == intent:
                it["answers"] = [text]
                tmp = path + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(d, f, ensure_ascii=False, indent=1)
                os.replace(tmp, path)
                return path
    raise AssertionError("intent %s not found in %s" % (intent, kbdir))


async def ask_fee(c, mid):
    """The shipping-fee question, after a thanks: the same question twice in a
    row gets "I just said" rather than the answer again."""
    await c.message(mid + "-t", "teşekkürler")
    return await c.message(mid, "kargo ücreti ne kadar")


async def wait_for_answer(c, mid_prefix, want, deadline_s=5.0):
    """Ask until the reply contains want (a reload may land a turn later)."""
    deadline = time.monotonic() + deadline_s
    n = 0
    while True:
        n += 1
        _, reply = await ask_fee(c, "%s-%d" % (mid_prefix, n))
        if want in reply.get("text", ""):
            return reply
        check(time.monotonic() < deadline, "no reply with %r within %.0fs after SIGHUP" % (want, deadline_s),
              reply)
        await asyncio.sleep(0.2)


async def t_sighup_reload(ctx):
    kb = os.path.join(ctx.tempdir(), "intents")
    shutil.copytree(os.path.join(SRCROOT, "intents"), kb)
    srv = ctx.new_server(extra=["--limits", "off"], kb=kb).start()
    c = await Client.open(srv.url)
    await c.hello()
    _, before = await c.message("h-0", "kargo ücreti ne kadar")
    intent = before.get("intent")
    check(intent == "kargo_ucreti", "expected kargo_ucreti before the reload", before)
    marker = "YENİ-CEVAP-%d: kargo artık her siparişte ücretsiz." % os.getpid()
    check(marker not in before["text"], "marker already present?", before)
    set_answer(kb, intent, marker)
    # Nothing changes until the signal (asked in a conversation of its own:
    # one that had the answer a few turns ago gets its first sentence only).
    fresh = await Client.open(srv.url)
    await fresh.hello()
    _, still = await fresh.message("h-1", "kargo ücreti ne kadar")
    await fresh.close()
    check(still["text"] == before["text"], "the KB changed without SIGHUP", still)
    srv.signal(signal.SIGHUP)
    after = await wait_for_answer(c, "h-a", marker)
    check(after.get("intent") == intent, "same intent after the reload", after)
    await c.usable()  # the same connection, still open
    check(srv.alive(), "server died on SIGHUP")

    # A broken KB on reload: the server keeps the loaded one and keeps serving.
    path = set_answer(kb, intent, "bozuk")
    with open(path, "a", encoding="utf-8") as f:
        f.write("{ this is not json")
    srv.signal(signal.SIGHUP)
    await asyncio.sleep(1.0)
    check(srv.alive(), "a broken KB on SIGHUP killed the server:\n" + srv.stderr_tail())
    await c.usable()
    _, kept = await ask_fee(c, "h-b")
    check(marker in kept["text"], "after a failed reload the previous KB stays in use", kept)
    # A new connection works too.
    c2 = await Client.open(srv.url)
    await c2.hello()
    _, r2 = await c2.message("h-c", "kargo ücreti ne kadar")
    check(marker in r2["text"], "new connection after a failed reload", r2)
    await c2.close()
    await c.close()
    srv.stop()


async def t_reload_drops_intents(ctx):
    """A deploy caught halfway (a KB file missing) is refused on SIGHUP with a
    clear log line; SIGUSR1 is the reload that may drop intents on purpose."""
    kb = os.path.join(ctx.tempdir(), "intents")
    shutil.copytree(os.path.join(SRCROOT, "intents"), kb)
    srv = ctx.new_server(extra=["--limits", "off"], kb=kb).start()
    c = await Client.open(srv.url)
    await c.hello()
    _, before = await c.message("d-0", "kargom nerede")
    check(before.get("intent") == "kargo_takip", "expected kargo_takip", before)
    os.unlink(os.path.join(kb, "kargo.json"))
    srv.signal(signal.SIGHUP)
    await asyncio.sleep(1.0)
    _, kept = await c.message("d-1", "kargom nerede")
    check(kept.get("intent") == "kargo_takip", "a reload lacking kargo.json was taken", kept)
    log = open(srv.log_path, errors="replace").read()
    check("reload refused" in log and "kargo_takip" in log,
          "the refused reload must name what it lacked:\n" + srv.stderr_tail())
    # no knowledge base at all: refused, and the log line is clean text
    os.rename(kb, kb + ".away")
    srv.signal(signal.SIGHUP)
    await asyncio.sleep(1.0)
    os.rename(kb + ".away", kb)
    log = open(srv.log_path, "rb").read()
    line = [l for l in log.splitlines() if b"cannot open knowledge base directory" in l]
    check(line and line[-1].decode("utf-8", "strict").isprintable(),
          "a reload without the directory must say so in clean text: %r" % line[-1:])
    srv.signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while True:
        _, r = await c.message("d-%d" % int(time.monotonic() * 1000), "kargom nerede")
        if r.get("intent") != "kargo_takip":
            break
        check(time.monotonic() < deadline, "SIGUSR1 did not reload", r)
        await asyncio.sleep(0.2)
    check(srv.alive(), "the server died on a forced reload")
    await c.close()
    srv.stop()


async def t_resume_mid_dialogue(ctx):
    srv = ctx.new_server(extra=["--limits", "off"])
    r = subprocess.run([DESTEK, "orders", "import", orders_now(ORDERS, srv.workdir), "--db", srv.db],
                       capture_output=True, timeout=30)
    check(r.returncode == 0, "orders import failed: %r" % r.stderr[-300:])
    srv.start()
    c = await Client.open(srv.url)
    w = await c.hello()
    await c.message("d1", "siparişim nerede")
    _, asked = await c.message("d2", ORDER_NO)
    check(TRACKING not in asked["text"], "no order details before the identity check", asked)
    # kill -9 right after the reply: the state must already be on disk.
    srv.kill()
    srv.start()
    c = await Client.open(srv.url)
    await c.hello(session=w["session"], resumed=True)
    _, r = await c.message("d3", "ayse@example.com")
    check(TRACKING in r.get("text", ""), "after the restart the e-mail completes the pending "
          "identity check for order %s" % ORDER_NO, r)
    # The verified order stays known across a graceful restart too.
    srv.stop()
    srv.start()
    c = await Client.open(srv.url)
    await c.hello(session=w["session"], resumed=True)
    _, r = await c.message("d4", "kargom nerede")
    check(TRACKING in r.get("text", ""), "the verified order is remembered after SIGTERM", r)
    # A new conversation knows nothing of it.
    c2 = await Client.open(srv.url)
    await c2.hello()
    _, r2 = await c2.message("n1", "kargom nerede")
    check(TRACKING not in r2.get("text", ""), "another conversation got the order", r2)
    await c.close()
    await c2.close()
    srv.stop()


def reverse_intents(kbdir):
    """Reverse the intent order in every KB file (ids unchanged), so every
    intent gets another index in the reloaded knowledge base."""
    for name in sorted(os.listdir(kbdir)):
        path = os.path.join(kbdir, name)
        if not name.endswith(".json"):
            continue
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        if isinstance(d, dict) and isinstance(d.get("intents"), list):
            d["intents"].reverse()
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(d, f, ensure_ascii=False, indent=1)
            os.replace(path + ".tmp", path)


async def t_reload_mid_dialogue(ctx):
    kb = os.path.join(ctx.tempdir(), "intents")
    shutil.copytree(os.path.join(SRCROOT, "intents"), kb)
    srv = ctx.new_server(extra=["--limits", "off"], kb=kb)
    r = subprocess.run([DESTEK, "orders", "import", orders_now(ORDERS, srv.workdir), "--db", srv.db],
                       capture_output=True, timeout=30)
    check(r.returncode == 0, "orders import failed: %r" % r.stderr[-300:])
    srv.start()
    c = await Client.open(srv.url)
    await c.hello()
    await c.message("r1", "siparişim nerede")
    await c.message("r2", ORDER_NO)
    reverse_intents(kb)
    srv.signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while not any("knowledge base reloaded" in l for l in srv.lines):
        check(time.monotonic() < deadline, "no reload within 5s of SIGHUP:\n" + srv.stderr_tail())
        await asyncio.sleep(0.05)
    _, r = await c.message("r3", "ayse@example.com")
    check(TRACKING in r.get("text", ""), "after a reload the pending identity check carries on", r)
    await c.close()
    srv.stop()


TESTS = [("sigterm_with_clients", t_sigterm), ("sighup_reload", t_sighup_reload),
         ("reload_drops_intents", t_reload_drops_intents),
         ("resume_mid_dialogue", t_resume_mid_dialogue),
         ("reload_mid_dialogue", t_reload_mid_dialogue)]

if __name__ == "__main__":
    run(TESTS, Ctx)
