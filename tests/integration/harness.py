# SPDX-License-Identifier: MIT
"""Shared pieces of the integration tests: start the real `destek serve` on a
free loopback port with a temporary database, talk to it with WebSocket
clients (Debian's python3-websockets, run with /usr/bin/python3), and a tiny
runner that gives every test its own time limit and prints `N passed, N failed`.
Nothing here leaves the loopback interface."""

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

try:
    import websockets
    import websockets.exceptions
except ImportError:  # the python3 on PATH lacks it; meson uses /usr/bin/python3
    print("skip: python3-websockets is not installed for", sys.executable)
    sys.exit(77)

HOST = "127.0.0.1"
RECV_TIMEOUT = 5.0
TEST_TIMEOUT = 60.0
START_TIMEOUT = 20.0
KNOWN_TYPES = {"welcome", "ack", "reply", "identified", "error", "pong"}


class TestFailure(AssertionError):
    pass


class Skip(Exception):
    pass


def check(cond, what, *frames):
    if not cond:
        detail = "".join("\n      frame: " + json.dumps(f, ensure_ascii=False)[:600]
                         for f in frames)
        raise TestFailure(what + detail)


_FIXTURE_NOW = "2026-11-25T12:00:00+03:00"  # the moment tests/dialogues/orders.json is written for


def orders_now(path, out_dir):
    """The order fixture moved to the present: every time in it shifted by the
    time since the moment it was written for, so "shipped yesterday" stays
    yesterday and nothing becomes stuck or late as the calendar moves on (the
    server runs on the real clock). Returns the path of the shifted copy."""
    import datetime as dt
    import re
    base = dt.datetime.fromisoformat(_FIXTURE_NOW)
    delta = dt.datetime.now(dt.timezone.utc) - base

    def shift(m):
        t = dt.datetime.fromisoformat(m.group(0).replace("Z", "+00:00"))
        return (t + delta).isoformat(timespec="seconds")

    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)", shift, text)
    out = os.path.join(out_dir, "orders-now.json")
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return out


def on_pg():
    """With DESTEK_TEST_STORE=pg, each server's store is a database of its own
    on the test PostgreSQL server (tests/pg/cluster.sh, DESTEK_TEST_PG*)."""
    return os.environ.get("DESTEK_TEST_STORE") == "pg"


if on_pg() and not os.environ.get("DESTEK_TEST_PGHOST"):
    print("skip: no test PostgreSQL server (DESTEK_TEST_PGHOST; scripts/test.sh starts one)")
    sys.exit(77)


def pg_database(name):
    """A new, empty database on the test server; returns its URI."""
    if not os.environ.get("DESTEK_TEST_PGHOST"):
        raise Skip("no test PostgreSQL server (DESTEK_TEST_PGHOST)")
    host = os.environ["DESTEK_TEST_PGHOST"]
    port = os.environ.get("DESTEK_TEST_PGPORT", "5432")
    user = os.environ.get("DESTEK_TEST_PGUSER", "postgres")
    db = re.sub(r"[^a-z0-9_]", "_", name.lower())[:60]
    for sql in ("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db, "CREATE DATABASE %s" % db):
        subprocess.run(["psql", "-q", "-X", "-h", host, "-p", port, "-U", user, "-d", "postgres",
                        "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True,
                       timeout=30)
    return "postgresql://%s@/%s?host=%s&port=%s" % (user, db, host, port)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One `destek serve` process. The database lives in `workdir` and
    survives stop()/start(), so a test can restart the server on it."""

    def __init__(self, destek, srcroot, extra=(), env=None, kb=None, workdir=None):
        self.destek = destek
        self.srcroot = srcroot
        self.extra = list(extra)
        self.env = dict(os.environ)
        self.env.pop("DESTEK_IDENTITY_SECRET", None)
        if env:
            self.env.update(env)
        self.own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="destek-it-")
        self.db = (pg_database("it_" + os.path.basename(self.workdir)) if on_pg()
                   else os.path.join(self.workdir, "destek.db"))
        self.kb = kb or os.path.join(srcroot, "intents")
        self.port = None
        self.proc = None
        self.lines = []
        self.log_path = os.path.join(self.workdir, "server.log")

    @property
    def url(self):
        return "ws://%s:%d/ws/chat" % (HOST, self.port)

    def start(self, port=None):
        for attempt in range(3):
            self.port = port or free_port()
            self.lines = []
            ready = threading.Event()
            log = open(self.log_path, "a")
            self.proc = subprocess.Popen(
                [self.destek, "serve", "--db", self.db, "--kb", self.kb,
                 "--port", str(self.port), "--host", HOST] + self.extra,
                stdout=subprocess.PIPE, stderr=log, env=self.env,
                cwd=self.workdir)
            log.close()

            def drain(proc=self.proc, lines=self.lines, ev=ready):
                for raw in proc.stdout:
                    line = raw.decode("utf-8", "replace").rstrip("\n")
                    lines.append(line)
                    if "listening on http://" in line:
                        ev.set()
                ev.set()

            threading.Thread(target=drain, daemon=True).start()
            ready.wait(START_TIMEOUT)
            if self.proc.poll() is None and any("listening on http://" in l for l in self.lines):
                return self
            self.kill()
            if port:
                break
        raise TestFailure("server did not start: stdout %r, stderr %s" %
                          (self.lines[-5:], self.stderr_tail()))

    def stderr_tail(self, n=15):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            if self.wait(10) is None:
                self.kill()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        self.stop()
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def help_text(self):
        try:
            r = subprocess.run([self.destek, "serve", "--help"], capture_output=True,
                               timeout=10, cwd=self.workdir)
            return (r.stdout + r.stderr).decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired):
            return ""


class Client:
    """A shopper WebSocket with bounded waits."""

    def __init__(self, ws):
        self.ws = ws
        self.seen = []  # every frame received, for failure messages

    @classmethod
    async def open(cls, url, **kw):
        kw.setdefault("open_timeout", 5)
        kw.setdefault("close_timeout", 2)
        kw.setdefault("ping_interval", None)
        kw.setdefault("max_size", 4 * 1024 * 1024)
        ws = await asyncio.wait_for(websockets.connect(url, **kw), 10)
        return cls(ws)

    async def send(self, obj):
        await self.ws.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj, ensure_ascii=False))

    async def send_raw_text(self, data):
        """A text frame with arbitrary bytes (invalid UTF-8 included)."""
        await self.ws.write_frame(True, 0x1, data)

    async def recv(self, timeout=RECV_TIMEOUT):
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except asyncio.TimeoutError:
            raise TestFailure("no frame within %.1fs (last frames: %s)" %
                              (timeout, [json.dumps(f, ensure_ascii=False)[:200] for f in self.seen[-3:]]))
        check(isinstance(raw, str), "server sent a binary frame: %r" % raw[:100])
        try:
            frame = json.loads(raw)
        except ValueError:
            raise TestFailure("server sent a frame that is not JSON: %r" % raw[:300])
        check(isinstance(frame, dict) and isinstance(frame.get("type"), str),
              "server frame is not an object with a type", frame)
        self.seen.append(frame)
        return frame

    async def recv_known(self, timeout=RECV_TIMEOUT):
        """The next frame of a type this suite knows (extensions are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            f = await self.recv(max(0.05, deadline - time.monotonic()))
            if f["type"] in KNOWN_TYPES:
                return f

    async def expect(self, type_, timeout=RECV_TIMEOUT):
        f = await self.recv_known(timeout)
        check(f["type"] == type_, "expected a %s frame, got %s" % (type_, f["type"]), f)
        return f

    async def expect_error(self, code, timeout=RECV_TIMEOUT):
        f = await self.recv_known(timeout)
        check(f["type"] == "error" and f.get("code") == code,
              "expected error %s" % code, f)
        check(isinstance(f.get("message"), str), "error without a message string", f)
        return f

    async def until_pong(self, timeout=RECV_TIMEOUT):
        """Send a ping and return every known frame that arrives before the pong:
        proof that nothing else was (or will be, for this turn) sent."""
        await self.send({"type": "ping"})
        frames = []
        deadline = time.monotonic() + timeout
        while True:
            f = await self.recv_known(max(0.05, deadline - time.monotonic()))
            if f["type"] == "pong":
                return frames
            frames.append(f)

    async def usable(self):
        frames = await self.until_pong()
        check(frames == [], "unexpected frames before pong", *frames)

    async def hello(self, session=None, identity=None, resumed=None):
        msg = {"type": "hello"}
        if session is not None:
            msg["session"] = session
        if identity is not None:
            msg["identity"] = identity
        await self.send(msg)
        w = await self.expect("welcome")
        check(isinstance(w.get("session"), str), "welcome without a session token", w)
        check(isinstance(w.get("history", []), list), "welcome history is not a list", w)
        if resumed is not None:
            check(bool(w.get("resumed")) == resumed, "welcome resumed should be %s" % resumed, w)
        return w

    async def full_history(self, welcome, timeout=RECV_TIMEOUT):
        """The whole transcript: the welcome's page, then older pages asked
        for with {"type":"history","before":N} while the server says more."""
        h = list(welcome.get("history", []))
        more = welcome.get("history_more")
        while more and h:
            await self.send({"type": "history", "before": h[0]["n"]})
            f = await self.recv(timeout)
            while f.get("type") != "history":  # a hand-off status may come in between
                check(f.get("type") != "error", "a history request was refused", f)
                f = await self.recv(timeout)
            check(f["entries"] and f["entries"][-1]["n"] < h[0]["n"],
                  "an older page must end before the oldest entry held", f)
            h = f["entries"] + h
            more = f.get("more")
        return h

    async def message(self, mid, text, timeout=10):
        """Send one message; return (ack, reply), checking their order and ids."""
        await self.send({"type": "message", "id": mid, "text": text})
        ack = await self.recv_known(timeout)
        check(ack["type"] == "ack" and ack.get("id") == mid, "expected ack for %s first" % mid, ack)
        reply = await self.recv_known(timeout)
        check(reply["type"] == "reply", "expected a reply after the ack of %s" % mid, reply)
        check(reply.get("reply_to") == mid, "reply_to should be %s" % mid, reply)
        return ack, reply

    async def closed_within(self, timeout):
        """True when the server closes the connection within timeout (frames
        received in between are kept in self.seen)."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                raw = await asyncio.wait_for(self.ws.recv(), max(0.05, deadline - time.monotonic()))
                try:
                    self.seen.append(json.loads(raw))
                except ValueError:
                    self.seen.append({"raw": str(raw)[:200]})
        except websockets.exceptions.ConnectionClosed:
            return True
        except asyncio.TimeoutError:
            return False
        return False

    async def close(self):
        try:
            await asyncio.wait_for(self.ws.close(), 3)
        except Exception:
            pass


def history_ids(history):
    return [e.get("id") for e in history if e.get("role") == "shopper"]


async def _run_one(fn, ctx):
    await asyncio.wait_for(fn(ctx), TEST_TIMEOUT)


def run(tests, ctx_factory):
    """tests: list of (name, async fn(ctx)). Prints one line per test and the
    final `N passed, N failed`; exit status 1 on any failure, 77 if all skipped."""
    passed = failed = skipped = 0
    ctx = ctx_factory()
    only = set(a for a in sys.argv[3:] if not a.startswith("-"))
    try:
        for name, fn in tests:
            if only and name not in only:
                continue
            t0 = time.monotonic()
            try:
                asyncio.run(_run_one(fn, ctx))
            except Skip as e:
                skipped += 1
                print("SKIP %s: %s" % (name, e), flush=True)
                continue
            except TestFailure as e:
                failed += 1
                print("FAIL %s: %s" % (name, e), flush=True)
                continue
            except asyncio.TimeoutError:
                failed += 1
                print("FAIL %s: no result within %.0fs" % (name, TEST_TIMEOUT), flush=True)
                continue
            except Exception as e:  # a crash of the test is a failure too
                failed += 1
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
                traceback.print_exc(limit=3)
                continue
            passed += 1
            print("ok   %s (%.2fs)" % (name, time.monotonic() - t0), flush=True)
    finally:
        ctx.cleanup()
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    if failed:
        sys.exit(1)
    if passed == 0 and skipped:
        sys.exit(77)
    sys.exit(0)


def parse_argv():
    if len(sys.argv) < 3:
        print("usage: %s DESTEK SRCROOT [TEST ...]" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    destek = os.path.abspath(sys.argv[1])
    srcroot = os.path.abspath(sys.argv[2])
    if not os.access(destek, os.X_OK):
        print("skip: %s is not an executable" % destek)
        sys.exit(77)
    return destek, srcroot


