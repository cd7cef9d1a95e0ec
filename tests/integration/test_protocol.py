# SPDX-License-Identifier: MIT
"""Shopper WebSocket protocol (docs/PROTOCOL.md) against the real server:
every frame type, every error code, de-duplication, resume, reset, limits,
signed identity and (when the server has the flag) the Origin allow-list.

usage: /usr/bin/python3 test_protocol.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from harness import (Client, Server, Skip, TestFailure, check, history_ids,
                     orders_now, parse_argv, run, websockets)

DESTEK, SRCROOT = parse_argv()
SECRET = "s3cret"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,}$")
ORDERS = os.path.join(SRCROOT, "tests", "dialogues", "orders.json")


class Ctx:
    def __init__(self):
        self.servers = {}

    def server(self, name):
        if name not in self.servers:
            if name == "default":
                s = Server(DESTEK, SRCROOT)
            elif name == "nolimits":
                s = Server(DESTEK, SRCROOT, extra=["--limits", "off"])
            elif name == "idle":  # pings after 1 s of silence, drops after 3 s
                s = Server(DESTEK, SRCROOT, env={"DESTEK_IDLE_PING_S": "1",
                                                 "DESTEK_IDLE_HANGUP_S": "3"})
            elif name == "identity":
                s = Server(DESTEK, SRCROOT, extra=["--limits", "off"],
                           env={"DESTEK_IDENTITY_SECRET": SECRET})
                r = subprocess.run([DESTEK, "orders", "import", orders_now(ORDERS, s.workdir), "--db", s.db],
                                   capture_output=True, timeout=30)
                check(r.returncode == 0, "orders import failed: %r" % r.stderr[-300:])
            else:
                raise ValueError(name)
            self.servers[name] = s.start()
        s = self.servers[name]
        check(s.alive(), "server %s died: %s" % (name, s.stderr_tail()))
        return s

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


async def connect(ctx, name="default", **kw):
    return await Client.open(ctx.server(name).url, **kw)


def sign(customer, exp, secret=SECRET):
    return hmac.new(secret.encode(), ("%s|%d" % (customer, exp)).encode(),
                    hashlib.sha256).hexdigest()


def is_iso8601(s):
    if not isinstance(s, str):
        return False
    try:
        datetime.fromisoformat(s.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def listening_addresses(port):
    """Local addresses of listening TCP sockets on port, from /proc (no traffic)."""
    found = []
    for path, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = open(path).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            addr, p = f[1].split(":")
            if f[3] != "0A" or int(p, 16) != port:
                continue
            raw = bytes.fromhex(addr)
            # each 32-bit word is in host (little-endian) order
            b = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(ipaddress.ip_address(b))
    return found


async def t_listen_loopback_only(ctx):
    s = ctx.server("default")  # started with --host 127.0.0.1
    addrs = listening_addresses(s.port)
    check(addrs, "no listening socket found for port %d in /proc/net/tcp*" % s.port)
    for a in addrs:
        mapped = getattr(a, "ipv4_mapped", None)
        check(a.is_loopback or (mapped is not None and mapped.is_loopback),
              "--host 127.0.0.1 but the server listens on %s:%d (all interfaces?)" % (a, s.port))


# ---- hello / welcome ----

async def t_http_endpoints(ctx):
    s = ctx.server("default")
    proto = open(os.path.join(SRCROOT, "docs", "PROTOCOL.md"), encoding="utf-8").read()

    def get(path):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (s.port, path), timeout=5) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, b""
    loop = asyncio.get_running_loop()
    st, body = await loop.run_in_executor(None, get, "/")
    check(st == 200 and b"<" in body, "/ should serve the demo page: %d" % st)
    st, body = await loop.run_in_executor(None, get, "/widget.js")
    check(st == 200 and len(body) > 100, "/widget.js: %d" % st)
    st, body = await loop.run_in_executor(None, get, "/healthz")
    check(st == 200 and body.strip() == b"ok", "/healthz: %d %r" % (st, body[:50]))
    st, body = await loop.run_in_executor(None, get, "/readyz")
    check(st == 200 and body.strip() == b"ready", "/readyz: %d %r" % (st, body[:50]))
    del proto
    # A WebSocket upgrade on another path is refused.
    refused = False
    try:
        c = await Client.open("ws://127.0.0.1:%d/ws/other" % s.port)
    except (websockets.exceptions.InvalidHandshake, ConnectionError):
        refused = True
    else:
        try:
            await c.send({"type": "hello"})
            f = await c.recv(3)
            refused = f["type"] != "welcome"
        except (websockets.exceptions.ConnectionClosed, TestFailure):
            refused = True
        await c.close()
    check(refused, "a WebSocket on /ws/other must be refused")


async def t_hello_welcome(ctx):
    c = await connect(ctx)
    w = await c.hello(resumed=False)
    check(TOKEN_RE.match(w["session"]) is not None,
          "token must be URL-safe base64 of 128+ bits (22+ chars)", w)
    check(w.get("history", []) == [], "a new conversation has no history", w)
    c2 = await connect(ctx)
    w2 = await c2.hello()
    check(w2["session"] != w["session"], "two conversations got the same token", w, w2)
    await c.close()
    await c2.close()


async def t_message_ack_reply(ctx):
    c = await connect(ctx)
    await c.hello()
    ack, reply = await c.message("m-1", "kargo ücreti ne kadar")
    check(isinstance(reply.get("text"), str) and reply["text"].strip() != "",
          "reply without text", reply)
    check(isinstance(reply.get("intent"), str) and reply["intent"] != "", "reply without intent", reply)
    check(reply["intent"] == "kargo_ucreti", "the shipped KB answers this with kargo_ucreti", reply)
    qr = reply.get("quick_replies")
    check(isinstance(qr, list) and all(isinstance(q, str) for q in qr),
          "quick_replies must be a list of strings", reply)
    check(is_iso8601(reply.get("at")), "reply.at must be ISO-8601", reply)
    check("{{" not in reply["text"], "unfilled template variable in the answer", reply)
    await c.usable()
    await c.close()


async def t_duplicate_id(ctx):
    c = await connect(ctx)
    w = await c.hello()
    await c.message("dup-1", "iade süresi kaç gün")
    await c.send({"type": "message", "id": "dup-1", "text": "iade süresi kaç gün"})
    ack = await c.expect("ack")
    check(ack.get("id") == "dup-1", "a re-sent id is acknowledged again", ack)
    extra = await c.until_pong()
    check(not any(f["type"] == "reply" for f in extra), "a re-sent id got a second reply", *extra)
    await c.close()
    c2 = await connect(ctx)
    w2 = await c2.hello(session=w["session"], resumed=True)
    h = w2["history"]
    check(history_ids(h) == ["dup-1"], "the shopper message must be stored once",
          *h)
    check(sum(1 for e in h if e.get("role") == "bot") == 1, "one stored reply", *h)
    await c2.close()


async def t_resume_history(ctx):
    c = await connect(ctx)
    w = await c.hello()
    texts = ["kargo ücreti ne kadar", "kapıda ödeme var mı", "iade süresi kaç gün"]
    replies = []
    for i, t in enumerate(texts):
        replies.append((await c.message("r-%d" % i, t))[1])
    await c.close()
    c2 = await connect(ctx)
    w2 = await c2.hello(session=w["session"], resumed=True)
    check(w2["session"] == w["session"], "resume keeps the token", w2)
    h = w2["history"]
    check(len(h) == 2 * len(texts), "history should hold %d entries" % (2 * len(texts)), *h)
    for i, t in enumerate(texts):
        s, b = h[2 * i], h[2 * i + 1]
        check(s.get("role") == "shopper" and s.get("id") == "r-%d" % i and s.get("text") == t,
              "history entry %d should be the shopper's message" % (2 * i), s)
        check(b.get("role") == "bot" and b.get("text") == replies[i]["text"]
              and b.get("intent") == replies[i]["intent"],
              "history entry %d should be the bot's reply as sent" % (2 * i + 1), b, replies[i])
        check(isinstance(b.get("quick_replies", []), list), "bot history quick_replies", b)
        check(is_iso8601(s.get("at")) and is_iso8601(b.get("at")), "history at must be ISO-8601", s, b)
    # The resumed conversation goes on where it was.
    await c2.message("r-3", "kargo ücreti ne kadar")
    await c2.close()


async def t_resume_unknown_token(ctx):
    c = await connect(ctx)
    bogus = "A" * 22
    w = await c.hello(session=bogus, resumed=False)
    check(w["session"] != bogus, "an unknown token must not be adopted", w)
    check(w.get("history", []) == [], "an unknown token starts empty", w)
    await c.message("u-1", "kargo ücreti ne kadar")
    await c.close()


# ---- errors ----

async def t_bad_json(ctx):
    c = await connect(ctx)
    await c.hello()
    for raw in ['{"type":"message",', "not json", "", '{"type":"ping"} trailing']:
        await c.send(raw)
        await c.expect_error("bad_json")
    await c.usable()
    await c.close()


async def t_non_object_json(ctx):
    c = await connect(ctx)
    await c.hello()
    for raw in ["[1,2]", '"hello"', "42", "null", "true"]:
        await c.send(raw)
        await c.expect_error("bad_json")
    await c.usable()
    await c.close()


async def t_bad_utf8(ctx):
    c = await connect(ctx)
    await c.hello()
    # A text frame whose bytes are not UTF-8 (RFC 6455 would close with 1007;
    # PROTOCOL.md asks for an error and a usable connection).
    bad = b'{"type":"message","id":"b-1","text":"kargo \xff\xfe \xc3"}'
    await c.send_raw_text(bad)
    try:
        await c.expect_error("bad_utf8")
    except websockets.exceptions.ConnectionClosed as e:
        raise TestFailure("server closed the connection on bad UTF-8 (%s) instead of "
                          "error bad_utf8" % e)
    await c.usable()
    # Overlong encoding and a lone surrogate (CESU) are not UTF-8 either.
    for bad in [b'{"type":"ping","x":"\xc0\xaf"}', b'{"type":"ping","x":"\xed\xa0\x80"}']:
        await c.send_raw_text(bad)
        await c.expect_error("bad_utf8")
    await c.usable()
    await c.close()


async def t_unknown_type(ctx):
    c = await connect(ctx)
    await c.hello()
    for obj in [{"type": "shout"}, {"text": "no type"}, {"type": 5}, {"type": "MESSAGE"}]:
        await c.send(obj)
        await c.expect_error("unknown_type")
    await c.usable()
    await c.close()


async def t_missing_fields(ctx):
    c = await connect(ctx)
    await c.hello()
    bad = [
        {"type": "message", "text": "kargo"},
        {"type": "message", "id": "x-1"},
        {"type": "message", "id": 7, "text": "kargo"},
        {"type": "message", "id": "x-2", "text": 7},
        {"type": "message", "id": "", "text": "kargo"},
        {"type": "message", "id": "x" * 65, "text": "kargo"},
        {"type": "message", "id": None, "text": "kargo"},
    ]
    for obj in bad:
        await c.send(obj)
        f = await c.recv_known()
        check(f["type"] == "error" and f.get("code") == "bad_request",
              "expected bad_request for %s" % json.dumps(obj)[:80], f)
    await c.usable()
    # The limits are inclusive: a 64-character id is fine.
    await c.message("y" * 64, "kargo ücreti ne kadar")
    await c.close()


async def t_message_before_hello(ctx):
    c = await connect(ctx)
    await c.send({"type": "message", "id": "early", "text": "kargo ücreti ne kadar"})
    await c.expect_error("not_ready")
    await c.usable()
    await c.hello()
    await c.message("early", "kargo ücreti ne kadar")
    await c.close()


async def t_text_too_long(ctx):
    c = await connect(ctx)
    await c.hello()
    # 2,001 characters of two bytes each: 4 KB, under the frame limit, over the
    # text limit, which counts characters.
    await c.send({"type": "message", "id": "long-1", "text": "ş" * 2001})
    await c.expect_error("too_large")
    await c.usable()
    # Exactly 2,000 characters (4,000 bytes) is allowed.
    await c.send({"type": "message", "id": "long-2", "text": "ş" * 2000})
    ack = await c.expect("ack")
    check(ack.get("id") == "long-2", "2,000 characters are within the limit", ack)
    await c.close()


async def t_frame_over_8k(ctx):
    c = await connect(ctx)
    await c.hello()
    await c.send({"type": "message", "id": "big-1", "text": "a" * 9000})
    await c.expect_error("too_large")
    await c.send(json.dumps({"type": "ping", "pad": "b" * 20000}))
    await c.expect_error("too_large")
    await c.usable()
    await c.message("big-2", "kargo ücreti ne kadar")
    await c.close()


async def t_frame_over_64k_closes(ctx):
    c = await connect(ctx)
    await c.hello()
    await c.send(json.dumps({"type": "message", "id": "huge", "text": "a" * 70000}))
    check(await c.closed_within(5), "a frame over 64 KB must close the connection",
          *c.seen[-3:])
    code = c.ws.close_code
    check(code == 1009, "a frame over 64 KB closes with 1009 (message too big), not %r" % code)
    # ... and the server is still there for others.
    c2 = await connect(ctx)
    await c2.hello()
    await c2.usable()
    await c2.close()


async def t_rate_limit(ctx):
    c = await connect(ctx, "default")
    await c.hello()
    for i in range(25):
        await c.send({"type": "message", "id": "rl-%d" % i, "text": "kargo ücreti ne kadar"})
    acks, limited, replies, other = set(), [], 0, []
    deadline = time.monotonic() + 15
    while len(acks) + len(limited) < 25 or replies < len(acks):
        check(time.monotonic() < deadline, "25 messages not all answered: %d acks, %d rate_limited, "
              "%d replies" % (len(acks), len(limited), replies))
        f = await c.recv_known(10)
        if f["type"] == "ack":
            acks.add(f["id"])
        elif f["type"] == "error" and f.get("code") == "rate_limited":
            limited.append(f)
        elif f["type"] == "reply":
            replies += 1
        else:
            other.append(f)
    check(not other, "unexpected frames", *other)
    check(limited, "25 messages at once must hit the 20-in-10-s limit (got %d acks)" % len(acks))
    check(len(acks) <= 20, "more than 20 messages accepted in 10 s: %d" % len(acks))
    check(len(acks) >= 10, "the limit is 20 in 10 s, only %d accepted" % len(acks))
    await c.usable()
    await c.close()


async def t_limits_off(ctx):
    c = await connect(ctx, "nolimits")
    await c.hello()
    for i in range(25):
        await c.send({"type": "message", "id": "nl-%d" % i, "text": "kargo ücreti ne kadar"})
    acks, replies, errors = set(), set(), []
    deadline = time.monotonic() + 20
    while len(acks) < 25 or len(replies) < 25:
        check(time.monotonic() < deadline, "with --limits off: %d acks, %d replies, errors %s"
              % (len(acks), len(replies), [e.get("code") for e in errors]))
        f = await c.recv_known(10)
        if f["type"] == "ack":
            acks.add(f["id"])
        elif f["type"] == "reply":
            replies.add(f.get("reply_to"))
        elif f["type"] == "error":
            errors.append(f)
            check(f.get("code") != "rate_limited", "rate_limited with --limits off", f)
    check(replies == acks == {"nl-%d" % i for i in range(25)}, "every message answered once")
    await c.close()


async def t_ping_pong(ctx):
    c = await connect(ctx)
    await c.send({"type": "ping"})  # before hello too
    await c.expect("pong")
    await c.hello()
    for _ in range(3):
        await c.send({"type": "ping"})
        await c.expect("pong")
    await c.close()


def raw_chat(port):
    """A WebSocket connection on a plain socket that says hello and answers
    nothing, not even a ping."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n" % (port, key)).encode())
    hello = b'{"type":"hello"}'
    mask = os.urandom(4)
    sock.sendall(bytes([0x81, 0x80 | len(hello)]) + mask +
                 bytes(b ^ mask[i % 4] for i, b in enumerate(hello)))
    return sock


def raw_until_closed(sock, timeout):
    """The opcodes of the frames read until the server closes (None if it
    did not within timeout), and the seconds that took."""
    sock.settimeout(0.2)
    buf, t0 = b"", time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            break
        buf += chunk
    else:
        return None, timeout
    elapsed = time.monotonic() - t0
    buf = buf.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in buf else b""
    ops = []
    while len(buf) >= 2:
        n, at = buf[1] & 0x7F, 2
        if n == 126:
            n, at = int.from_bytes(buf[2:4], "big"), 4
        elif n == 127:
            n, at = int.from_bytes(buf[2:10], "big"), 10
        ops.append(buf[0] & 0x0F)
        buf = buf[at + n:]
    return ops, elapsed


async def t_idle_ping_hangup(ctx):
    """Idle connections are pinged and, when nothing comes back, dropped;
    one that answers the pings (as browsers do) stays, silent or not."""
    srv = ctx.server("idle")
    c = await Client.open(srv.url)
    await c.hello()
    sock = raw_chat(srv.port)
    ops, elapsed = await asyncio.get_running_loop().run_in_executor(
        None, raw_until_closed, sock, 8)
    sock.close()
    check(ops is not None, "a connection that answers no ping was not dropped within 8 s")
    check(9 in ops, "no ping before the drop (opcodes %r)" % ops)
    check(elapsed >= 2, "dropped after %.1f s, before the hangup time" % elapsed)
    # the other one, silent as long but answering the pings, is still there
    await c.send({"type": "ping"})
    await c.expect("pong")
    await c.close()


async def t_reset(ctx):
    c = await connect(ctx)
    w = await c.hello()
    await c.message("rs-1", "kargo ücreti ne kadar")
    await c.send({"type": "reset"})
    w2 = await c.expect("welcome")
    check(isinstance(w2.get("session"), str) and w2["session"] != w["session"],
          "reset must give a new token", w, w2)
    check(TOKEN_RE.match(w2["session"]) is not None, "new token format", w2)
    check(w2.get("history", []) == [] and not w2.get("resumed"), "reset starts empty", w2)
    await c.message("rs-2", "iade süresi kaç gün")
    await c.close()
    c2 = await connect(ctx)
    w3 = await c2.hello(session=w2["session"], resumed=True)
    check(history_ids(w3["history"]) == ["rs-2"], "the new conversation holds only rs-2",
          *w3["history"])
    await c2.close()


# ---- identity ----

async def order_reply(c, mid):
    _, reply = await c.message(mid, "1048213 numaralı siparişim ne durumda")
    return reply


def discloses(reply):
    t = reply.get("text", "")
    return any(s in t for s in ("Ayşe", "YK123456789TR", "Yurtiçi"))


def asks_verification(reply):
    t = reply.get("text", "").lower()
    return "e-posta" in t or "telefon" in t


async def t_identity_signed(ctx):
    c = await connect(ctx, "identity")
    exp = int(time.time()) + 3600
    ident = {"customer": "ayse@example.com", "exp": exp, "sig": sign("ayse@example.com", exp)}
    await c.send({"type": "hello", "identity": ident})
    got = [await c.recv_known(), await c.recv_known()]
    types = [f["type"] for f in got]
    check(sorted(types) == ["identified", "welcome"], "hello with a good identity: welcome + identified",
          *got)
    idf = got[types.index("identified")]
    check(idf.get("customer") == "ayse@example.com", "identified names the customer", idf)
    reply = await order_reply(c, "id-1")
    check(discloses(reply) and not asks_verification(reply),
          "a verified customer's own order needs no further check", reply)
    await c.close()


async def t_identity_not_resumed(ctx):
    """A login belongs to the connection: resuming the conversation's token
    without the identity (signed out, a shared computer) is not signed in."""
    c = await connect(ctx, "identity")
    exp = int(time.time()) + 3600
    ident = {"customer": "ayse@example.com", "exp": exp, "sig": sign("ayse@example.com", exp)}
    await c.send({"type": "hello", "identity": ident})
    got = {f["type"]: f for f in [await c.recv_known(), await c.recv_known()]}
    check(set(got) == {"identified", "welcome"}, "hello with a good identity", *got.values())
    w = got["welcome"]
    await c.message("nr-1", "merhaba")
    await c.close()
    c = await connect(ctx, "identity")
    await c.hello(session=w["session"], resumed=True)
    reply = await order_reply(c, "nr-2")
    check(not discloses(reply) and asks_verification(reply),
          "a resumed token without the identity must not act as signed in", reply)
    await c.close()


async def t_identity_identify_later(ctx):
    c = await connect(ctx, "identity")
    await c.hello()
    exp = int(time.time()) + 3600
    await c.send({"type": "identify", "identity": {"customer": "ayse@example.com", "exp": exp,
                                                   "sig": sign("ayse@example.com", exp)}})
    f = await c.expect("identified")
    check(f.get("customer") == "ayse@example.com", "identified names the customer", f)
    reply = await order_reply(c, "idl-1")
    check(discloses(reply), "identify after hello verifies the customer", reply)
    await c.close()


async def bad_identity_case(ctx, ident, label):
    c = await connect(ctx, "identity")
    await c.send({"type": "hello", "identity": ident})
    await c.expect("welcome")
    extra = await c.until_pong()
    check(not any(f["type"] == "identified" for f in extra), "%s identity was accepted" % label, *extra)
    check(not extra, "%s identity: unexpected frames (it is ignored silently)" % label, *extra)
    reply = await order_reply(c, "bad-1")
    check(not discloses(reply), "%s identity: the order was disclosed" % label, reply)
    check(asks_verification(reply), "%s identity: the bot must ask for the e-mail or phone" % label, reply)
    # identify with the same bad identity is ignored as well
    await c.send({"type": "identify", "identity": ident})
    extra = await c.until_pong()
    check(not any(f["type"] == "identified" for f in extra), "%s identity accepted by identify" % label, *extra)
    await c.close()


async def t_identity_bad_sig(ctx):
    exp = int(time.time()) + 3600
    await bad_identity_case(ctx, {"customer": "ayse@example.com", "exp": exp,
                                  "sig": sign("ayse@example.com", exp, "wrong-secret")}, "badly signed")


async def t_identity_other_customer_sig(ctx):
    exp = int(time.time()) + 3600
    await bad_identity_case(ctx, {"customer": "ayse@example.com", "exp": exp,
                                  "sig": sign("mehmet.demir@example.com", exp)}, "another customer's")


async def t_identity_expired(ctx):
    exp = int(time.time()) - 60
    await bad_identity_case(ctx, {"customer": "ayse@example.com", "exp": exp,
                                  "sig": sign("ayse@example.com", exp)}, "expired")


async def t_identity_unsigned(ctx):
    await bad_identity_case(ctx, {"customer": "ayse@example.com",
                                  "exp": int(time.time()) + 3600}, "unsigned")


async def t_identity_without_secret(ctx):
    # The default server has no secret: even a correctly signed identity is ignored.
    c = await connect(ctx, "default")
    exp = int(time.time()) + 3600
    await c.send({"type": "hello", "identity": {"customer": "ayse@example.com", "exp": exp,
                                                "sig": sign("ayse@example.com", exp)}})
    await c.expect("welcome")
    extra = await c.until_pong()
    check(not any(f["type"] == "identified" for f in extra),
          "identity accepted by a server without a secret", *extra)
    await c.close()


# ---- origin ----

async def origin_refused(url, origin):
    try:
        c = await Client.open(url, origin=origin)
    except (websockets.exceptions.InvalidHandshake, ConnectionError):
        return True
    try:
        await c.send({"type": "hello"})
        f = await c.recv(3)
        return f["type"] != "welcome"
    except (websockets.exceptions.ConnectionClosed, TestFailure):
        return True
    finally:
        await c.close()


async def t_origin_default(ctx):
    s = ctx.server("default")
    check(await origin_refused(s.url, "http://evil.example"),
          "without --origins a foreign page's Origin must be refused")
    own = "http://127.0.0.1:%d" % s.port
    check(not await origin_refused(s.url, own), "the server's own Origin %s is allowed" % own)
    check(not await origin_refused(s.url, None), "no Origin (not a browser) is allowed")
    for n in (261, 263, 1500):  # too long for a fixed buffer is not "no Origin"
        long_origin = "http://" + "a" * (n - len("http://.evil.example")) + ".evil.example"
        check(await origin_refused(s.url, long_origin),
              "a %d-byte foreign Origin must be refused" % len(long_origin))


async def t_origin_allow_list(ctx):
    help_text = ctx.server("default").help_text()
    proto = open(os.path.join(SRCROOT, "docs", "PROTOCOL.md"), encoding="utf-8").read()
    if "--origins" not in help_text and "--origins" not in proto:
        raise Skip("the server has no --origins flag (neither serve --help nor PROTOCOL.md)")
    s = Server(DESTEK, SRCROOT, extra=["--origins", "http://shop.example,https://www.shop.example"])
    try:
        s.start()
        check(not await origin_refused(s.url, "http://shop.example"), "listed Origin refused")
        check(not await origin_refused(s.url, "https://www.shop.example"), "second listed Origin refused")
        check(await origin_refused(s.url, "http://evil.example"), "a disallowed Origin must be refused")
        check(await origin_refused(s.url, "http://shop.example.evil.example"),
              "an Origin that only starts like a listed one must be refused")
    finally:
        s.cleanup()


TESTS = [
    ("listen_loopback_only", t_listen_loopback_only),
    ("http_endpoints", t_http_endpoints),
    ("hello_welcome", t_hello_welcome),
    ("message_ack_reply", t_message_ack_reply),
    ("duplicate_id", t_duplicate_id),
    ("resume_history", t_resume_history),
    ("resume_unknown_token", t_resume_unknown_token),
    ("bad_json", t_bad_json),
    ("non_object_json", t_non_object_json),
    ("bad_utf8", t_bad_utf8),
    ("unknown_type", t_unknown_type),
    ("missing_fields", t_missing_fields),
    ("message_before_hello", t_message_before_hello),
    ("text_too_long", t_text_too_long),
    ("frame_over_8k", t_frame_over_8k),
    ("frame_over_64k_closes", t_frame_over_64k_closes),
    ("rate_limit", t_rate_limit),
    ("limits_off", t_limits_off),
    ("ping_pong", t_ping_pong),
    ("idle_ping_hangup", t_idle_ping_hangup),
    ("reset", t_reset),
    ("identity_signed", t_identity_signed),
    ("identity_not_resumed", t_identity_not_resumed),
    ("identity_identify_later", t_identity_identify_later),
    ("identity_bad_sig", t_identity_bad_sig),
    ("identity_other_customer_sig", t_identity_other_customer_sig),
    ("identity_expired", t_identity_expired),
    ("identity_unsigned", t_identity_unsigned),
    ("identity_without_secret", t_identity_without_secret),
    ("origin_default", t_origin_default),
    ("origin_allow_list", t_origin_allow_list),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
