# SPDX-License-Identifier: MIT
"""Output to clients that read slowly or not at all, against the real server
(channels/ws/ws_out.c): a shopper who asks for much output and never reads
cannot make the server hold more than the per-connection output bound
(WS_MAX_OUT_BYTES, plus the rest of one frame inside libwebsockets): the
connection is closed and the server's peak memory stays bounded; a slow
reader still gets every frame, in order, each ack before its reply.

The clients here are raw sockets with a small receive buffer (the WebSocket
handshake and framing done by hand), so that nothing reads behind the
test's back and the kernel's buffers stay small.

usage: /usr/bin/python3 test_output.py DESTEK SRCROOT [TEST ...]"""

import base64
import json
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from harness import HOST, Server, TestFailure, check, parse_argv, run

DESTEK, SRCROOT = parse_argv()
MAX_OUT_BYTES = 256 * 1024  # WS_MAX_OUT_BYTES in channels/ws/ws.h
RCVBUF = 4096
# its reply is one of the longest of the shipped KB (about 600 bytes)
LONG_REPLY = "kaç günde teslim edersiniz"


class Ctx:
    def __init__(self):
        self.servers = {}

    def server(self, name="nolimits"):
        if name not in self.servers:
            self.servers[name] = Server(DESTEK, SRCROOT, extra=["--limits", "off",
                                                                "--hours", "open"]).start()
        s = self.servers[name]
        check(s.alive(), "server %s died: %s" % (name, s.stderr_tail()))
        return s

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


def frame(text):
    """A masked client text frame."""
    data = text.encode("utf-8")
    mask = os.urandom(4)
    n = len(data)
    head = bytes([0x81])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


class Raw:
    """A WebSocket client on a plain socket with a small receive buffer."""

    def __init__(self, port, rcvbuf=RCVBUF):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # before connect, so the window the server sees stays small
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect((HOST, port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /ws/chat HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\nOrigin: http://%s:%d\r\n\r\n"
                           % (HOST, port, key, HOST, port)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            check(chunk, "the server closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        check(head.startswith(b"HTTP/1.1 101"), "no upgrade: %r" % head[:200])

    def send(self, obj):
        self.sock.sendall(frame(json.dumps(obj, ensure_ascii=False)))

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def recv(self):
        """The next frame: (opcode, payload bytes). EOFError once closed."""
        self._fill(2)
        op, n = self.buf[0] & 0x0F, self.buf[1] & 0x7F
        check(not self.buf[1] & 0x80, "a server frame must not be masked")
        check(self.buf[0] & 0x80, "a fragmented server frame (opcode %d)" % op)
        at = 2
        if n == 126:
            self._fill(4)
            n, at = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            self._fill(10)
            n, at = struct.unpack("!Q", self.buf[2:10])[0], 10
        self._fill(at + n)
        payload, self.buf = self.buf[at:at + n], self.buf[at + n:]
        return op, payload

    def recv_json(self):
        while True:
            op, payload = self.recv()
            if op == 0x8:
                raise EOFError("close frame %r" % payload[:2])
            if op == 0x1:
                return json.loads(payload)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def sanitized(pid):
    """AddressSanitizer keeps freed memory in quarantine: its RSS says nothing
    about what the server holds."""
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def peak_rss_kb(pid):
    """VmHWM: the most memory the process ever had resident."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise TestFailure("no VmHWM in /proc/%d/status" % pid)


def closed_by_peer(sock, timeout):
    """True once the server has closed the connection (its FIN or reset seen),
    without reading anything of what waits in the socket."""
    import select
    p = select.poll()
    p.register(sock, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p.poll(100):
            return True
    return False


LONG_TEXT = ("kargom nerede kaldı acaba, " * 40)[:1000]


def talker(port, turns):
    """A client whose conversation holds `turns` long messages and their
    replies, so that one history page is about WS_HISTORY_BYTES (32 kB)."""
    c = Raw(port, rcvbuf=65536)
    c.send({"type": "hello"})
    w = c.recv_json()
    check(w.get("type") == "welcome", "expected a welcome", w)
    for i in range(turns):
        c.send({"type": "message", "id": "t%d" % i, "text": LONG_TEXT})
    got = 0
    while got < 2 * turns:
        if c.recv_json().get("type") in ("ack", "reply"):
            got += 1
    return c


def flood(c, count, wait_close):
    """c stops reading and asks for its newest history page (~32 kB of output,
    nothing written to the store) `count` times: returns (requests sent,
    closed by the server within wait_close s)."""
    c.sock.settimeout(5)
    sent = 0
    try:
        for _ in range(count):
            try:
                c.send({"type": "history", "before": 1 << 40})
            except (BrokenPipeError, ConnectionResetError):
                return sent, True
            except socket.timeout:  # the server stopped reading it
                break
            sent += 1
        return sent, closed_by_peer(c.sock, wait_close)
    finally:
        c.close()


async def t_never_reads_bounded(ctx):
    """Clients that ask for much output and never read are closed once the
    output waiting for each passes WS_MAX_OUT_BYTES, and the server's peak
    memory grows by no more than that bound per client (and the rest of one
    frame inside lws), plus slack for the allocator. What the kernel's socket
    buffers hold is not the server's memory and not counted."""
    s = ctx.server()
    clients, per_client = 8, 2000  # 2,000 pages are ~64 MB each, unbounded
    conns = [talker(s.port, 40) for _ in range(clients)]
    time.sleep(0.5)
    before = peak_rss_kb(s.proc.pid)
    import threading
    results = [None] * clients

    def one(i):
        try:
            results[i] = flood(conns[i], per_client, 30)
        except Exception as e:  # reported below
            results[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for r in results:
        check(isinstance(r, tuple), "a flooding client failed: %r" % (r,))
    # the server closes each once its output passes the bound
    for sent, closed in results:
        check(closed, "a client that never read and sent %d requests was not closed" % sent)
    check(s.alive(), "the server died: %s" % s.stderr_tail())
    grown = peak_rss_kb(s.proc.pid) - before
    print("  peak RSS %d kB before, +%d kB with %d clients that never read; sent %s"
          % (before, grown, clients, [r[0] for r in results]), flush=True)
    bound = clients * 2 * MAX_OUT_BYTES // 1024 + 8 * 1024
    check(sanitized(s.proc.pid) or grown <= bound,
          "peak RSS grew by %d kB with %d clients that never read (bound %d kB; "
          "sent %s)" % (grown, clients, bound, [r[0] for r in results]))
    # and the server still answers others
    c = Raw(s.port)
    try:
        c.send({"type": "hello"})
        check(c.recv_json().get("type") == "welcome", "no welcome after the flood")
        c.send({"type": "message", "id": "after", "text": "kargo ücreti ne kadar"})
        ack, reply = c.recv_json(), c.recv_json()
        check(ack.get("type") == "ack" and reply.get("reply_to") == "after",
              "ack then reply after the flood", ack, reply)
    finally:
        c.close()


async def t_slow_reader_in_order(ctx):
    """Many messages sent at once by a client with a small receive buffer that
    reads slowly: every ack and reply arrives whole (frames larger than one
    send, cut by the kernel and finished by libwebsockets), in order, each ack
    before its reply, the acks in the order sent."""
    s = ctx.server()
    c = Raw(s.port)
    try:
        c.send({"type": "hello"})
        check(c.recv_json().get("type") == "welcome", "expected a welcome")
        n = 150  # ~100 kB of output, under the bound
        texts = [LONG_REPLY, "kargo ücreti ne kadar", "iade süresi kaç gün"]
        for i in range(n):
            c.send({"type": "message", "id": "s%d" % i, "text": texts[i % len(texts)]})
        time.sleep(0.5)  # the server's queue and lws's buffer fill meanwhile
        seen = []
        while len(seen) < 2 * n:
            op, payload = c.recv()
            if op != 0x1:
                continue
            f = json.loads(payload)  # a frame cut in two would not parse
            if f.get("type") in ("ack", "reply"):
                seen.append(f)
            if len(seen) % 40 == 0:
                time.sleep(0.05)
        for i in range(n):
            ack, reply = seen[2 * i], seen[2 * i + 1]
            check(ack.get("type") == "ack" and ack.get("id") == "s%d" % i,
                  "frame %d should be the ack of s%d" % (2 * i, i), ack)
            check(reply.get("type") == "reply" and reply.get("reply_to") == "s%d" % i,
                  "frame %d should be the reply to s%d" % (2 * i + 1, i), reply)
    finally:
        c.close()


TESTS = [
    ("slow_reader_in_order", t_slow_reader_in_order),
    ("never_reads_bounded", t_never_reads_bounded),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
