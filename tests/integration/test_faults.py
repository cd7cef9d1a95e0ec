# SPDX-License-Identifier: MIT
"""Faults of the store against the real server: an ack always means stored.
Commits are made to fail as a full disk would (the test hook
DESTEK_TEST_FAIL_COMMITS names a file; while it exists every group commit
fails), and, where the machine lets us mount one, on a real full tmpfs.

  failed_commit_no_ack    a message whose commit failed is never acked or
                          answered, even after later commits; the client gets
                          `unavailable` and a 1013 close, resumes, re-sends,
                          and it is stored once
  failed_commit_no_reuse  a conversation started in a failed batch is
                          forgotten: nobody inherits its id or its messages
  recovers                once the store works again, everything works again
  disk_full               the same on a 3 MB tmpfs filled to the brim
  db_deleted              the database file deleted under the running server is
                          noticed (a clear log line) and nothing more is acked
  durability_full         serve --durability full (synchronous=FULL) works; a
                          wrong value is refused

usage: /usr/bin/python3 test_faults.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
from harness import Client, Server, Skip, check, history_ids, parse_argv, run, websockets

DESTEK, SRCROOT = parse_argv()


class Ctx:
    def __init__(self):
        self.servers = []

    def server(self, **kw):
        s = Server(DESTEK, SRCROOT, extra=["--limits", "off"], **kw)
        s.fail_file = os.path.join(s.workdir, "fail-commits")
        s.env["DESTEK_TEST_FAIL_COMMITS"] = s.fail_file
        self.servers.append(s)
        return s.start()

    def cleanup(self):
        for s in self.servers:
            s.cleanup()


def failing(s, on):
    if on:
        open(s.fail_file, "w").close()
    elif os.path.exists(s.fail_file):
        os.unlink(s.fail_file)


async def refused(c, what):
    """The next frames: an `unavailable` error, then a close with 1013; never
    an ack, a reply or a welcome."""
    frames = []
    try:
        while True:
            f = await c.recv(5)
            frames.append(f)
            check(f.get("type") not in ("ack", "reply", "welcome"),
                  "%s: a frame of a failed commit was sent" % what, *frames)
    except websockets.exceptions.ConnectionClosed as e:
        code = e.rcvd.code if getattr(e, "rcvd", None) else getattr(e, "code", None)
        check(code == 1013, "%s: closed with %r, want 1013 (try again later)" % (what, code))
    check(any(f.get("type") == "error" and f.get("code") == "unavailable" for f in frames),
          "%s: no unavailable error before the close" % what, *frames)


def stored(s, client_id):
    c = sqlite3.connect(s.db)
    try:
        return c.execute("select count(*) from messages where client_id = ?",
                         (client_id,)).fetchone()[0]
    finally:
        c.close()


async def t_failed_commit_no_ack(ctx):
    s = ctx.server()
    a = await Client.open(s.url)
    w = await a.hello()
    await a.message("ok-1", "kargo ücreti ne kadar")
    failing(s, True)
    await a.send({"type": "message", "id": "lost-1", "text": "iade süresi kaç gün"})
    await refused(a, "a message while commits fail")
    failing(s, False)
    # another client commits: the failed batch must not ride along
    b = await Client.open(s.url)
    await b.hello()
    await b.message("b-1", "kapıda ödeme var mı")
    await b.close()
    check(stored(s, "lost-1") == 0, "the failed message is in the store")
    a = await Client.open(s.url)
    w2 = await a.hello(session=w["session"], resumed=True)
    check(history_ids(w2["history"]) == ["ok-1"], "the resumed history is what was stored",
          *w2["history"])
    await a.message("lost-1", "iade süresi kaç gün")  # the widget re-sends it
    await a.close()
    check(stored(s, "lost-1") == 1, "the re-sent message is stored once")


async def t_failed_commit_no_reuse(ctx):
    s = ctx.server()
    failing(s, True)
    x = await Client.open(s.url)
    await x.send({"type": "hello"})
    await refused(x, "a hello while commits fail")
    failing(s, False)
    y = await Client.open(s.url)
    wy = await y.hello()
    await y.message("y-1", "taksit yapıyor musunuz")
    x = await Client.open(s.url)
    wx = await x.hello()
    check(wx["session"] != wy["session"] and wx.get("history") == [],
          "the shopper whose hello failed starts a conversation of their own", wx)
    await x.message("x-1", "kartım 4111 1111 1111 1111 siparişim nerede")
    await x.close()
    await y.close()
    y = await Client.open(s.url)
    wy2 = await y.hello(session=wy["session"], resumed=True)
    check(history_ids(wy2["history"]) == ["y-1"], "another shopper's message landed here",
          *wy2["history"])
    await y.close()


async def t_recovers(ctx):
    s = ctx.server()
    for rnd in range(3):
        failing(s, True)
        c = await Client.open(s.url)
        await c.send({"type": "hello"})
        await refused(c, "round %d" % rnd)
        failing(s, False)
        c = await Client.open(s.url)
        await c.hello()
        await c.message("r-%d" % rnd, "iade süresi kaç gün")
        await c.close()
    check(s.alive(), "the server died: %s" % s.stderr_tail())
    check("commit failed" in open(s.log_path, errors="replace").read(),
          "a failed commit must be in the log")


async def t_disk_full(ctx):
    mnt = tempfile.mkdtemp(prefix="destek-full-")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt],
                       capture_output=True)
    if r.returncode != 0:
        os.rmdir(mnt)
        raise Skip("cannot mount a small tmpfs here (needs root): %s" % r.stderr.decode()[-120:])
    try:
        s = ctx.server(workdir=mnt)
        a = await Client.open(s.url)
        w = await a.hello()
        await a.message("f-0", "kargo ücreti ne kadar")
        # fill the disk to the last block
        with open(os.path.join(mnt, "filler"), "wb", buffering=0) as f:  # no buffer left to flush
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        acked, refusals = [], 0
        for i in range(1, 200):
            mid = "f-%d" % i
            await a.send({"type": "message", "id": mid, "text": "x" * 1900})
            try:
                f = await a.recv(5)
            except websockets.exceptions.ConnectionClosed:
                refusals += 1
                break
            if f.get("type") == "ack":
                acked.append(f["id"])
                await a.recv(5)  # its reply
            elif f.get("type") == "error" and f.get("code") == "unavailable":
                refusals += 1
                break
        check(refusals, "the disk never filled up (acked %d)" % len(acked))
        os.unlink(os.path.join(mnt, "filler"))
        a = await Client.open(s.url)
        w2 = await a.hello(session=w["session"], resumed=True)
        have = history_ids(w2["history"])
        missing = [m for m in ["f-0"] + acked if m not in have and stored(s, m) == 0]
        check(not missing, "acked but not stored: %r" % missing)
        await a.message("after", "iade süresi kaç gün")
        await a.close()
        check(stored(s, "after") == 1, "the server did not recover after the disk was freed")
    finally:
        for srv in ctx.servers:
            if srv.workdir == mnt:
                srv.stop()
        subprocess.run(["umount", mnt], capture_output=True)
        os.rmdir(mnt)


def http_status(s, path):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (s.port, path), timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


async def t_db_deleted(ctx):
    s = ctx.server()
    check(http_status(s, "/readyz")[0] == 200, "/readyz before the deletion")
    c = await Client.open(s.url)
    await c.hello()
    await c.message("d-1", "kargo ücreti ne kadar")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(s.db + suffix):
            os.unlink(s.db + suffix)
    await asyncio.sleep(1.2)
    await c.send({"type": "message", "id": "d-2", "text": "iade süresi kaç gün"})
    f = await c.recv(5)
    check(f.get("type") == "error" and f.get("code") == "unavailable",
          "a message after the database was deleted must not be acked", f)
    await c.close()
    log = open(s.log_path, errors="replace").read()
    check("deleted or replaced" in log, "no log line about the deleted database: %s" % log[-300:])
    st, body = http_status(s, "/readyz")
    check(st == 503 and "deleted or replaced" in body, "/readyz must fail with the reason: %d %r" %
          (st, body))
    check(http_status(s, "/healthz")[0] == 200, "/healthz stays 200: the process serves")


async def t_durability_full(ctx):
    r = subprocess.run([DESTEK, "serve", "--durability", "always"], capture_output=True,
                       text=True, timeout=10)
    check(r.returncode == 2 and "--durability is normal" in r.stderr,
          "a bad --durability: %d %s" % (r.returncode, r.stderr))
    s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--durability", "full"])
    ctx.servers.append(s)
    s.start()
    c = await Client.open(s.url)
    await c.hello()
    await c.message("full-1", "kargo ücreti ne kadar")
    await c.close()
    check(stored(s, "full-1") == 1, "--durability full does not store")


TESTS = [
    ("failed_commit_no_ack", t_failed_commit_no_ack),
    ("failed_commit_no_reuse", t_failed_commit_no_reuse),
    ("recovers", t_recovers),
    ("disk_full", t_disk_full),
    ("db_deleted", t_db_deleted),
    ("durability_full", t_durability_full),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
