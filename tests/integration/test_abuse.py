# SPDX-License-Identifier: MIT
"""Abuse against the real server (default limits unless said): one hostile
client must not cost anyone else their service.

  long_history      70 messages of 2,000 "ş" then a person: the shopper still
                    resumes (a page of history, older pages on request) and
                    the agent who claims it stays connected, also on re-login
  reset_flood       reset costs what hello costs: a flood is rate_limited and
                    makes no more conversations than the address may
  frame_flood       every frame type is limited per connection (typing here)
  hello_timeout     a socket that never says hello, or never authenticates,
                    is closed after a few seconds
  conn_cap          at most 256 open connections per address; others still in
  agent_auth        agent log-ins are limited per address and failures logged;
                    an over-long token closes the connection
  web_symlinks      a symlink in the web directory that leads outside it is
                    refused (403), the shop's own files still served
  fd_reserve        with descriptors nearly gone, new connections are refused
                    at once, the server does not spin, and accepts again later

usage: /usr/bin/python3 test_abuse.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True
from harness import Client, Server, TestFailure, check, parse_argv, run, websockets

DESTEK, SRCROOT = parse_argv()
HUGE = "ş" * 2000


class Ctx:
    def __init__(self):
        self.servers = {}

    def server(self, name="default"):
        if name not in self.servers:
            extra = ["--hours", "open"] + (["--limits", "off"] if name == "nolimits" else [])
            self.servers[name] = Server(DESTEK, SRCROOT, extra=extra).start()
        s = self.servers[name]
        check(s.alive(), "server %s died: %s" % (name, s.stderr_tail()))
        return s

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


def add_agent(db, name):
    r = subprocess.run([DESTEK, "agents", "add", name, "--db", db], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, "agents add failed: %s" % r.stderr)
    return r.stdout.strip().split()[-1]


async def agent_login(s, token):
    a = await Client.open("ws://127.0.0.1:%d/ws/agent" % s.port)
    await a.send({"type": "auth", "token": token})
    frames = []
    while True:
        f = await a.recv(5)
        frames.append(f)
        if f.get("type") in ("authed", "error"):
            break
    return a, frames


async def drain(c, secs):
    """Every frame that arrives within secs; stops early when the socket closes."""
    frames, closed = [], False
    deadline = time.monotonic() + secs
    try:
        while time.monotonic() < deadline:
            frames.append(await c.recv(max(0.05, deadline - time.monotonic())))
    except websockets.exceptions.ConnectionClosed:
        closed = True
    except Exception:
        pass
    return frames, closed


async def t_long_history(ctx):
    s = ctx.server("nolimits")
    c = await Client.open(s.url)
    w = await c.hello()
    for i in range(70):
        await c.message("h-%d" % i, HUGE)
    await c.message("h-person", "müşteri temsilcisine bağlanmak istiyorum")
    await c.close()
    # the shopper resumes: one page, well under what a connection may queue
    c = await Client.open(s.url)
    await c.send({"type": "hello", "session": w["session"]})
    raw = await asyncio.wait_for(c.ws.recv(), 5)
    check(len(raw.encode()) < 64 * 1024, "the welcome is %d bytes" % len(raw.encode()))
    w2 = json.loads(raw)
    check(w2.get("resumed") and w2.get("history_more") is True and w2["history"],
          "a long conversation resumes with its newest page and history_more", w2.get("history_more"))
    full = await c.full_history(w2)
    ids = [e.get("id") for e in full if e.get("role") == "shopper"]
    check(ids == ["h-%d" % i for i in range(70)] + ["h-person"],
          "paging gives back every message once, in order (%d)" % len(ids))
    await c.close()
    # the agent claims it and stays connected, on re-login too
    token = add_agent(s.db, "Oya")
    conv = sqlite3.connect(s.db).execute("select max(id) from conversations").fetchone()[0]
    for attempt in range(2):
        a, frames = await agent_login(s, token)
        check(frames[-1].get("type") == "authed", "log-in %d refused" % attempt, *frames)
        if attempt == 0:
            await a.send({"type": "claim", "conversation": str(conv)})
        got, closed = await drain(a, 2.0)
        check(not closed, "the agent was disconnected (log-in %d)" % attempt)
        cl = [f for f in got if f.get("type") == "claimed"]
        check(cl and cl[0].get("history_more") is True,
              "the claimed transcript is one page with history_more", *got[-3:])
        await a.send({"type": "history", "conversation": str(conv), "before": cl[0]["history"][0]["n"]})
        got, closed = await drain(a, 1.0)
        check(any(f.get("type") == "history" and f.get("entries") for f in got),
              "the agent gets an older page", *got[-3:])
        await a.close()


async def t_reset_flood(ctx):
    s = ctx.server()
    c = await Client.open(s.url)
    await c.hello()
    for _ in range(700):
        await c.send({"type": "reset"})
    got, _ = await drain(c, 4.0)
    limited = [f for f in got if f.get("code") == "rate_limited"]
    check(limited, "700 resets must be rate_limited")
    n = sqlite3.connect(s.db).execute("select count(*) from conversations").fetchone()[0]
    check(n <= 700, "%d conversations from one connection's resets" % n)
    welcomes = sum(1 for f in got if f.get("type") == "welcome")
    check(welcomes < 100, "%d welcomes: reset is limited per connection like any frame" % welcomes)
    await c.close()


async def t_frame_flood(ctx):
    s = ctx.server()
    c = await Client.open(s.url)
    await c.hello()
    for _ in range(100):
        await c.send({"type": "typing", "state": True})
    got, _ = await drain(c, 2.0)
    check(sum(1 for f in got if f.get("code") == "rate_limited") >= 50,
          "100 typing frames in a burst must be rate_limited")
    await c.close()


async def t_hello_timeout(ctx):
    s = ctx.server()
    shopper = await Client.open(s.url)
    agent = await Client.open("ws://127.0.0.1:%d/ws/agent" % s.port)
    polite = await Client.open(s.url)
    await polite.hello()
    t0 = time.monotonic()
    (_, shut_s), (_, shut_a) = await asyncio.gather(drain(shopper, 15), drain(agent, 15))
    took = time.monotonic() - t0
    check(shut_s and shut_a, "silent sockets must be closed (shopper %s, agent %s)" % (shut_s, shut_a))
    check(took < 14, "closed after %.1f s" % took)
    await polite.usable()  # one that said hello stays
    await polite.close()


async def t_conn_cap(ctx):
    s = ctx.server()
    held, refused = [], 0
    for _ in range(270):
        try:
            held.append(await websockets.connect(s.url, open_timeout=5))
        except Exception:
            refused += 1
    check(len(held) == 256 and refused == 14,
          "want 256 connections and 14 refused from one address, got %d and %d" %
          (len(held), refused))
    for ws in held[:10]:
        await ws.close()
    await asyncio.sleep(0.3)
    c = await Client.open(s.url)  # room again once some closed
    await c.hello()
    await c.close()
    await asyncio.gather(*(ws.close() for ws in held[10:]))
    log = open(s.log_path, errors="replace").read()
    check("more are refused" in log, "the cap is not in the log")


async def t_agent_auth(ctx):
    s = ctx.server()
    codes = []
    for i in range(25):
        a, frames = await agent_login(s, "wrong-token-%d" % i)
        codes.append(frames[-1].get("code"))
        await a.close()
    check(codes[:20] == ["unauthorized"] * 20 and "rate_limited" in codes[20:],
          "log-ins past 20 a minute must be rate_limited: %r" % codes)
    log = open(s.log_path, errors="replace").read()
    check("agent log-in from" in log and "failed" in log, "failed log-ins are not logged")
    a = await Client.open("ws://127.0.0.1:%d/ws/agent" % s.port)
    await a.send({"type": "auth", "token": "x" * 500})
    got, closed = await drain(a, 3)
    check(closed and any(f.get("code") == "bad_request" for f in got),
          "an over-long token must get bad_request and a close", *got)


async def t_web_symlinks(ctx):
    import shutil
    import urllib.error
    import urllib.request
    web = os.path.join(ctx.server().workdir, "web")
    shutil.copytree(os.path.join(SRCROOT, "channels", "web"), web)
    os.symlink("/etc/passwd", os.path.join(web, "passwd.txt"))
    os.symlink("/etc", os.path.join(web, "etcdir"))
    s = Server(DESTEK, SRCROOT, extra=["--web", web])
    try:
        s.start()

        def status(path):
            try:
                return urllib.request.urlopen("http://127.0.0.1:%d%s" % (s.port, path),
                                              timeout=5).status
            except urllib.error.HTTPError as e:
                return e.code
        for path in ("/passwd.txt", "/etcdir/passwd", "/agent/../passwd.txt"):
            check(status(path) in (403, 404), "%s outside the web directory was served" % path)
        check(status("/passwd.txt") == 403, "a symlink out of the web directory must be 403")
        check(status("/widget.js") == 200 and status("/agent/") == 200,
              "the shop's own files must still be served")
    finally:
        s.cleanup()


async def t_fd_reserve(ctx):
    import resource
    import socket as so
    import tempfile
    work = tempfile.mkdtemp(prefix="destek-fd-")
    port = so.socket()
    port.bind(("127.0.0.1", 0))
    p = port.getsockname()[1]
    port.close()

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (600, 600))
    srv = subprocess.Popen([DESTEK, "serve", "--db", os.path.join(work, "d.db"), "--port", str(p),
                            "--limits", "off"], stdout=subprocess.PIPE,
                           stderr=open(os.path.join(work, "log"), "w"), preexec_fn=low_limit,
                           text=True)
    held = []
    try:
        for line in srv.stdout:
            if "listening on" in line:
                break
        url = "ws://127.0.0.1:%d/ws/chat" % p
        refused = 0
        for _ in range(420):
            try:
                held.append(await websockets.connect(url, open_timeout=3))
            except Exception:
                refused += 1
        check(refused > 0 and 300 <= len(held) <= 600 - 256,
              "with 600 descriptors: %d held, %d refused" % (len(held), refused))
        cpu0 = sum(os.times()[:2])
        with open("/proc/%d/stat" % srv.pid) as f:
            t0 = sum(int(x) for x in f.read().split()[13:15])
        for _ in range(50):  # keep knocking while full
            try:
                ws = await websockets.connect(url, open_timeout=1)
                await ws.close()
            except Exception:
                pass
        await asyncio.sleep(1.0)
        with open("/proc/%d/stat" % srv.pid) as f:
            t1 = sum(int(x) for x in f.read().split()[13:15])
        ticks = os.sysconf("SC_CLK_TCK")
        check((t1 - t0) / ticks < 0.8, "the server spun: %.2f s of CPU in about a second" %
              ((t1 - t0) / ticks))
        await asyncio.gather(*(ws.close() for ws in held[:50]))
        held = held[50:]
        await asyncio.sleep(0.5)
        try:
            c = await Client.open(url)
        except Exception as e:
            raise TestFailure("no room again after 50 connections closed (%d held, %d refused): "
                              "%r" % (len(held) + 50, refused, e))
        await c.hello()
        await c.close()
        del cpu0
    finally:
        await asyncio.gather(*(ws.close() for ws in held), return_exceptions=True)
        srv.terminate()
        srv.wait(10)
        import shutil
        shutil.rmtree(work, ignore_errors=True)


TESTS = [
    ("long_history", t_long_history),
    ("reset_flood", t_reset_flood),
    ("frame_flood", t_frame_flood),
    ("hello_timeout", t_hello_timeout),
    ("conn_cap", t_conn_cap),
    ("agent_auth", t_agent_auth),
    ("web_symlinks", t_web_symlinks),
    ("fd_reserve", t_fd_reserve),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
