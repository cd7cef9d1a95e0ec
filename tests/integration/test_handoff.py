# SPDX-License-Identifier: MIT
"""Human hand-off end to end (docs/PROTOCOL.md "Human hand-off", shared
CONTRACT.md): real shoppers on /ws/chat and real agents on /ws/agent, with
tokens from `destek agents add`, against `destek serve --hours open|closed`.

  full_flow        a verified order, then a request for a person: queue
                   position and wait, agent auth/canned/queue, claim with the
                   transcript and the order as context, messages and typing both
                   ways, a note that stays internal, canned answers rendered,
                   release to the bot, a second hand-off, close, survey, rating
  canned_without_order  a canned answer needing an order the conversation
                   lacks is refused or rendered without holes; unknown id: error
  claim_race       two agents claim the same conversation at once, 20 times
  queue_positions  three waiting shoppers, positions move up on a claim, an
                   urgent payment problem jumps ahead, asking twice does not
                   queue twice, the freed agent is offered the head
  capacity_offers  no offers at capacity, an offer once the agent frees up
  agent_reconnect  the agent's connection drops while it holds a conversation
  restart_kill9 /  waiting and claimed conversations survive SIGKILL / SIGTERM
  restart_sigterm
  agent_auth       anything before auth, wrong, forged, near-miss, empty tokens:
                   error and closed; tokens stored hashed
  shopper_isolation agent frames on /ws/chat are unknown_type and change
                   nothing; another agent cannot act on a claimed conversation
  offline          --hours closed: offline hand-off, the bot collects name,
                   contact, order number and message; stored across a restart;
                   the agent sees the requests first and answers; the shopper
                   sees the answer on return
  offline_first    offline requests are listed before older urgent and normal
                   waiting conversations (a queue carried over a restart)
  offer_one_each   every waiting conversation is offered to one free agent at a
                   time, never the same one to all of them
  agent_reads      what an agent reads (issue 17): intent titles (intent_names),
                   canned answers previewed (shop facts filled, the order's once
                   verified, the rest as {{name}}), slot-filling turns marked
                   "step" (no confidence to read), the queue preview the
                   shopper's own words rather than a tapped quick reply, and a
                   resumed shopper's agent_joined with when it happened

HANDOFF_TRACE=1 prints every frame each connection received.

usage: /usr/bin/python3 test_handoff.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import json
import os
import re
import secrets
import signal
import subprocess
import time
from datetime import datetime

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness
from harness import HOST, Server, TestFailure, check, orders_now, parse_argv, run, websockets

DESTEK, SRCROOT = parse_argv()
harness.TEST_TIMEOUT = 150.0  # per test; every wait below is bounded on its own
WAIT = 5.0
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,}$")
ORDERS = os.path.join(SRCROOT, "tests", "dialogues", "orders.json")

ASK_PERSON = "müşteri temsilcisine bağlanmak istiyorum"
ORDER_NO, TRACKING = "1048213", "YK123456789TR"  # tests/dialogues/orders.json, ayse@example.com
PAYMENT = "kartımdan iki kere para çekildi"


# ---------------------------------------------------------------- plumbing

def dump(f):
    return json.dumps(f, ensure_ascii=False)[:500]


def is_iso8601(s):
    if not isinstance(s, str):
        return False
    try:
        datetime.fromisoformat(s.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def T(type_, **fields):
    """A predicate: a frame of this type whose fields equal the given ones."""
    def pred(f):
        return f.get("type") == type_ and all(f.get(k) == v for k, v in fields.items())
    pred.what = "%s %s" % (type_, json.dumps(fields, ensure_ascii=False) if fields else "")
    return pred


class Peer:
    """A WebSocket whose frames are read in the background and kept, so a test
    can wait for a frame of one kind while others arrive in between."""

    def __init__(self, ws, label):
        self.ws = ws
        self.label = label
        self.frames = []
        self.used = set()
        self.closed = None  # (code, reason) once the connection is gone
        self._new = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url, label):
        try:
            ws = await asyncio.wait_for(
                websockets.connect(url, open_timeout=5, close_timeout=2, ping_interval=None,
                                   max_size=4 * 1024 * 1024), 10)
        except (OSError, asyncio.TimeoutError, websockets.exceptions.InvalidHandshake) as e:
            raise TestFailure("%s: cannot open %s: %s" % (label, url, e))
        return cls(ws, label)

    async def _read(self):
        try:
            async for raw in self.ws:
                if isinstance(raw, bytes):
                    f = {"type": "<binary>", "raw": repr(raw[:100])}
                else:
                    try:
                        f = json.loads(raw)
                    except ValueError:
                        f = {"type": "<not json>", "raw": raw[:300]}
                    if not isinstance(f, dict) or not isinstance(f.get("type"), str):
                        f = {"type": "<no type>", "raw": raw[:300]}
                self.frames.append(f)
                self._new.set()
        except websockets.exceptions.ConnectionClosed:
            pass
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a broken read is a closed connection for the tests
            self.frames.append({"type": "<read error>", "raw": str(e)})
        finally:
            self.closed = (self.ws.close_code, self.ws.close_reason)
            self._new.set()

    def recent(self, n=6):
        return "\n      %s last frames: %s" % (self.label, "".join(
            "\n        " + dump(f) for f in self.frames[-n:]) or "(none)")

    def mark(self):
        return len(self.frames)

    def since(self, mark):
        return self.frames[mark:]

    async def send(self, obj):
        try:
            await self.ws.send(obj if isinstance(obj, (str, bytes))
                               else json.dumps(obj, ensure_ascii=False))
        except websockets.exceptions.ConnectionClosed as e:
            raise TestFailure("%s: connection closed before sending %s: %s%s" %
                              (self.label, str(obj)[:120], e, self.recent()))

    async def wait(self, pred, timeout=WAIT, what=None, start=0):
        """The first not yet taken frame (from index start) matching pred."""
        what = what or getattr(pred, "what", "a frame")
        deadline = time.monotonic() + timeout
        while True:
            for i in range(start, len(self.frames)):
                if i not in self.used and pred(self.frames[i]):
                    self.used.add(i)
                    return self.frames[i]
            if self.closed is not None:
                raise TestFailure("%s: connection closed %s while waiting for %s%s" %
                                  (self.label, self.closed, what, self.recent()))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("%s: no %s within %.1fs%s" %
                                  (self.label, what, timeout, self.recent()))
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def wait_closed(self, timeout):
        deadline = time.monotonic() + timeout
        while self.closed is None and time.monotonic() < deadline:
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                pass
        return self.closed is not None

    async def quiet(self, seconds):
        await asyncio.sleep(seconds)

    async def close(self):
        try:
            await asyncio.wait_for(self.ws.close(), 3)
        except Exception:
            pass
        self._task.cancel()
        try:
            await self._task
        except BaseException:
            pass


class Shopper(Peer):
    token = None

    async def hello(self, session=None):
        msg = {"type": "hello"}
        if session is not None:
            msg["session"] = session
        start = self.mark()
        await self.send(msg)
        w = await self.wait(T("welcome"), start=start)
        check(isinstance(w.get("session"), str), "%s: welcome without a token" % self.label, w)
        self.token = w["session"]
        return w

    async def say(self, mid, text, reply=True, timeout=10):
        start = self.mark()
        await self.send({"type": "message", "id": mid, "text": text})
        errs = [f for f in self.since(start) if f.get("type") == "error"]
        ack = await self.wait(lambda f: f.get("type") in ("ack", "error") and
                              (f.get("type") == "error" or f.get("id") == mid),
                              timeout, "ack of %s" % mid, start)
        check(ack["type"] == "ack", "%s: message %s refused" % (self.label, mid), ack, *errs)
        if not reply:
            return ack, None
        r = await self.wait(T("reply", reply_to=mid), timeout, "reply to %s" % mid, start)
        return ack, r

    async def barrier(self):
        """ping/pong: every frame the server sent before handling the ping is here."""
        start = self.mark()
        await self.send({"type": "ping"})
        await self.wait(T("pong"), WAIT, "pong", start)


class Agent(Peer):
    name = None

    async def auth(self, token, name=None):
        start = self.mark()
        await self.send({"type": "auth", "token": token})
        a = await self.wait(lambda f: f.get("type") in ("authed", "error"), WAIT, "authed", start)
        check(a["type"] == "authed", "%s: a valid token was refused" % self.label, a)
        if name is not None:
            check(a.get("agent") == name, "%s: authed should name the agent %r" %
                  (self.label, name), a)
        self.name = a.get("agent")
        self.capacity = a.get("capacity") if is_count(a.get("capacity")) else 1
        return a

    def latest(self, type_):
        for f in reversed(self.frames):
            if f.get("type") == type_:
                return f
        return None

    async def queue_where(self, cond, what, timeout=WAIT):
        """A queue snapshot satisfying cond: the newest one received, or a later one."""
        deadline = time.monotonic() + timeout
        idx = None
        for i in range(len(self.frames) - 1, -1, -1):
            if self.frames[i].get("type") == "queue":
                idx = i
                break
        start = idx if idx is not None else 0
        while True:
            for i in range(start, len(self.frames)):
                f = self.frames[i]
                if f.get("type") == "queue" and isinstance(f.get("items"), list) and cond(f["items"]):
                    return f["items"]
            start = len(self.frames)
            if self.closed is not None:
                raise TestFailure("%s: connection closed %s while waiting for a queue with %s%s" %
                                  (self.label, self.closed, what, self.recent()))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("%s: no queue with %s within %.1fs%s" %
                                  (self.label, what, timeout, self.recent(8)))
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def claim(self, conv):
        start = self.mark()
        await self.send({"type": "claim", "conversation": conv})
        f = await self.wait(lambda f: (f.get("type") == "claimed" and f.get("conversation") == conv)
                            or f.get("type") == "error", WAIT, "claimed %s" % conv, start)
        check(f["type"] == "claimed", "%s: claim of %s refused" % (self.label, conv), f)
        return f


def holes(text):
    """Signs of a template variable rendered as nothing: a leading or doubled
    space, or a space before punctuation."""
    return text != text.lstrip() or "  " in text or re.search(r" [:;,.!?]", text) is not None


def qids(items):
    return [it.get("conversation") for it in items]


class Ctx:
    def __init__(self):
        self.servers = []
        self.peers = []

    def server(self, hours="open", workdir=None, orders=False, agents=()):
        """A fresh server (its own database). agents: names to add before the
        start; their tokens are in srv.tokens."""
        s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", hours], workdir=workdir)
        self.servers.append(s)
        s.tokens = {}
        for name in agents:
            s.tokens[name] = add_agent(s.db, name)
        if orders:
            r = subprocess.run([DESTEK, "orders", "import", orders_now(ORDERS, s.workdir), "--db", s.db],
                               capture_output=True, timeout=30)
            check(r.returncode == 0, "orders import failed: %r" % r.stderr[-300:])
        s.start()
        return s

    async def shopper(self, srv, label):
        p = await Shopper.open("ws://%s:%d/ws/chat" % (HOST, srv.port), label)
        self.peers.append(p)
        return p

    async def agent(self, srv, label, token=None, name=None):
        p = await Agent.open("ws://%s:%d/ws/agent" % (HOST, srv.port), label)
        self.peers.append(p)
        if token is not None:
            await p.auth(token, name)
        return p

    async def close_peers(self):
        peers, self.peers = self.peers, []
        await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)

    def cleanup(self):
        for s in self.servers:
            s.cleanup()
        self.servers = []


def add_agent(db, name, capacity=None):
    cmd = [DESTEK, "agents", "add", name, "--db", db]
    if capacity is not None:
        cmd += ["--capacity", str(capacity)]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise TestFailure("destek agents add %s did not finish within 30s" % name)
    out = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0, "destek agents add %s: exit %d: %s %s" %
          (name, r.returncode, out[-300:], r.stderr.decode("utf-8", "replace")[-300:]))
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    check(lines and TOKEN_RE.match(lines[-1]) is not None,
          "destek agents add: the last line must be the token (URL-safe, 128+ bits): %r" % out[-300:])
    return lines[-1]


def test(fn):
    """Every test closes its connections in its own event loop and stops its
    servers, pass or fail."""
    async def wrapped(ctx):
        try:
            await fn(ctx)
        finally:
            if os.environ.get("HANDOFF_TRACE"):  # every frame each peer received
                for p in ctx.peers:
                    print("  --", p.label, p.closed or "")
                    for f in p.frames:
                        print("     ", dump(f))
            await ctx.close_peers()
            ctx.cleanup()
    wrapped.__name__ = fn.__name__
    return wrapped


async def ask_person(shopper, mid, text=ASK_PERSON, priority="normal", position=None):
    """The shopper asks for people; returns (reply, handoff frame)."""
    start = shopper.mark()
    _, reply = await shopper.say(mid, text)
    h = await shopper.wait(T("handoff"), WAIT, "handoff after %r" % text, start)
    check(h.get("state") == "queued", "%s: working hours are open: the hand-off must be queued"
          % shopper.label, reply, h)
    check(h.get("priority") == priority, "%s: priority should be %s" % (shopper.label, priority),
          reply, h)
    check(is_count(h.get("position")) and h["position"] >= 1, "handoff position must be 1+", h)
    check(is_count(h.get("eta_s")), "handoff eta_s must be a whole number of seconds", h)
    if position is not None:
        check(h["position"] == position, "%s: queue position should be %d" %
              (shopper.label, position), h)
    return reply, h


async def new_in_queue(agent, known, what):
    """Wait for a queue with one conversation that is not in known; return its item."""
    items = await agent.queue_where(lambda it: any(c not in known for c in qids(it)), what)
    fresh = [it for it in items if it.get("conversation") not in known]
    check(len(fresh) == 1, "%s: exactly one new conversation expected in the queue" % what, *items)
    return fresh[0]


async def handoff_position(shopper, position, start, what):
    """The newest queued-handoff frame since start must come to show position."""
    def pred(f):
        return f.get("type") == "handoff" and f.get("state") == "queued" and f.get("position") == position
    f = await shopper.wait(pred, WAIT, "handoff position %d (%s)" % (position, what), start)
    await asyncio.sleep(0.3)
    later = [g for g in shopper.since(start) if g.get("type") == "handoff"]
    check(later and later[-1].get("position") == position and later[-1].get("state") == "queued",
          "%s: the last position update should be %d (%s)" % (shopper.label, position, what), *later)
    return f


# ---------------------------------------------------------------- 1. the full flow

@test
async def t_full_flow(ctx):
    srv = ctx.server("open", orders=True, agents=["Zeynep"])
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    # The bot verifies an order first: the agent must get it as context.
    await s.say("v1", "siparişim nerede")
    await s.say("v2", ORDER_NO)
    _, r = await s.say("v3", "ayse@example.com")
    check(TRACKING in r.get("text", ""), "the verified order's status with its tracking number", r)
    reply, h = await ask_person(s, "m1", position=1)
    check(reply.get("intent") == "canli_destek", "asking for a person is canli_destek", reply)
    check(reply.get("handoff") in ("normal", None), "reply.handoff should be normal", reply)

    a = await ctx.agent(srv, "agent")
    authed = await a.auth(srv.tokens["Zeynep"], "Zeynep")
    check(is_count(authed.get("capacity")) and authed["capacity"] >= 1,
          "authed must carry the capacity", authed)
    canned = await a.wait(T("canned"))
    items = canned.get("items")
    check(isinstance(items, list) and items, "canned answers (hazır yanıtlar) must not be empty", canned)
    for it in items:
        check(all(isinstance(it.get(k), str) and it[k] for k in ("id", "title", "text")),
              "every canned item has id, title and text", it)
    q = await a.queue_where(lambda it: len(it) >= 1, "the waiting conversation")
    check(len(q) == 1, "one conversation waits", *q)
    item = q[0]
    conv = item.get("conversation")
    check(isinstance(conv, str) and conv.isdigit(), "conversation ids are store numbers as strings", item)
    check(conv != s.token and s.token not in json.dumps(a.frames), "a shopper token reached an agent", item)
    check(item.get("priority") == "normal", "queue item priority", item)
    check(is_count(item.get("waiting_s")), "queue item waiting_s", item)
    check(item.get("intent") == "canli_destek", "queue item intent", item)
    pv = (item.get("preview") or "").rstrip(".… ")
    check(pv and any(pv in t for t in ("siparişim nerede", ASK_PERSON)),
          "queue preview should show the first words of a shopper's message", item)
    check(item.get("offline", False) is False, "not an offline request", item)

    # Claim: the transcript with what the bot knew.
    start_s = s.mark()
    cl = await a.claim(conv)
    hist = cl.get("history")
    check(isinstance(hist, list) and len(hist) >= 2, "claimed.history holds the transcript", cl)
    check(any(e.get("role") == "shopper" and e.get("text") == ASK_PERSON for e in hist),
          "the shopper's message is in claimed.history", *hist)
    bots = [e for e in hist if e.get("role") == "bot"]
    check(bots and all(isinstance(e.get("intent"), str) for e in bots),
          "bot entries carry their intent", *hist)
    check(any(e.get("intent") == "canli_destek" and isinstance(e.get("confidence"), (int, float))
              for e in bots), "the bot's canli_destek answer with its confidence", *bots)
    ctxt = cl.get("context")
    check(isinstance(ctxt, dict), "claimed.context must be an object", cl)
    cdump = json.dumps(ctxt, ensure_ascii=False)
    check(ORDER_NO in cdump and "shipped" in cdump and TRACKING in cdump,
          "claimed.context must carry the verified order with its status and tracking", ctxt)
    j = await s.wait(T("agent_joined"), WAIT, "agent_joined", start_s)
    check(j.get("agent") == "Zeynep", "agent_joined names the agent", j)
    await a.queue_where(lambda it: conv not in qids(it), "the claimed conversation gone")

    # Shopper → agent: stored and acknowledged, not answered by the bot.
    start_a = a.mark()
    start_s = s.mark()
    await s.say("m2", "merhaba, siparişim hakkında bir sorum var", reply=False)
    sm = await a.wait(T("shopper_message", conversation=conv), WAIT, "shopper_message", start_a)
    check(sm.get("text") == "merhaba, siparişim hakkında bir sorum var", "shopper_message text", sm)
    check(is_iso8601(sm.get("at")), "shopper_message.at", sm)
    await s.barrier()
    bot = [f for f in s.since(start_s) if f.get("type") == "reply"]
    check(not bot, "with an agent joined the bot must not answer", *bot)

    # Agent → shopper.
    start_s = s.mark()
    text1 = "Merhaba, ben Zeynep. Size nasıl yardımcı olabilirim?"
    await a.send({"type": "message", "conversation": conv, "text": text1})
    am = await s.wait(T("agent_message"), WAIT, "agent_message", start_s)
    check(am.get("text") == text1 and am.get("agent") == "Zeynep", "agent_message text and agent", am)
    check(is_iso8601(am.get("at")), "agent_message.at", am)

    # Typing both ways.
    for state in (True, False):
        start_s = s.mark()
        await a.send({"type": "typing", "conversation": conv, "state": state})
        f = await s.wait(T("agent_typing"), WAIT, "agent_typing %s" % state, start_s)
        check(f.get("state") is state, "agent_typing state", f)
        start_a = a.mark()
        await s.send({"type": "typing", "state": state})
        f = await a.wait(T("shopper_typing", conversation=conv), WAIT, "shopper_typing", start_a)
        check(f.get("state") is state, "shopper_typing state", f)

    # A note stays internal: the message sent after it arrives, the note never.
    note = "NOT-7f3a müşteri ikinci kez yazıyor, dikkat"
    start_s = s.mark()
    await a.send({"type": "note", "conversation": conv, "text": note})
    text2 = "Sipariş numaranızı yazar mısınız?"
    await a.send({"type": "message", "conversation": conv, "text": text2})
    await s.wait(T("agent_message", text=text2), WAIT, "the message after the note", start_s)
    await s.barrier()
    leaked = [f for f in s.since(start_s) if "NOT-7f3a" in json.dumps(f, ensure_ascii=False)]
    check(not leaked, "an internal note reached the shopper", *leaked)

    # Canned answers, rendered with the conversation's variables (the verified
    # order) and the shop's.
    with_vars = [it for it in items if "{{" in it["text"]]
    check(with_vars, "no canned answer uses variables", *items)
    plain = [it for it in items if "{{" not in it["text"]]
    for pick in with_vars + plain[:1]:
        start_s = s.mark()
        await a.send({"type": "message", "conversation": conv, "canned": pick["id"]})
        cm = await s.wait(T("agent_message"), WAIT, "the canned answer %s" % pick["id"], start_s)
        ctext = cm.get("text")
        check(isinstance(ctext, str) and ctext.strip(), "canned answer without text", cm)
        check("{{" not in ctext and "}}" not in ctext, "canned answer not rendered", pick, cm)
        check(cm.get("agent") == "Zeynep", "a canned answer is the agent's message", cm)
        if "{{" not in pick["text"]:
            check(ctext == pick["text"], "a canned answer without variables is sent as it is",
                  pick, cm)
        check(not holes(ctext), "canned answer %s rendered with empty variables" % pick["id"],
              pick, cm)
        if "siparis_no" in pick["text"]:
            check(ORDER_NO in ctext, "{{siparis_no}} should be the verified order", pick, cm)
        if "takip_no" in pick["text"]:
            check(TRACKING in ctext, "{{takip_no}} should be the order's tracking number", pick, cm)

    # Release: back to the bot, which answers again.
    start_s = s.mark()
    start_a = a.mark()
    await a.send({"type": "release", "conversation": conv})
    await a.wait(T("released", conversation=conv), WAIT, "released", start_a)
    await s.wait(lambda f: f.get("type") == "handoff" and f.get("state") == "bot", WAIT,
                 "handoff state bot", start_s)
    start_a = a.mark()
    _, r = await s.say("m3", "kargo ücreti ne kadar")
    check(r.get("intent") == "kargo_ucreti", "after release the bot answers", r)
    await asyncio.sleep(0.5)
    fw = [f for f in a.since(start_a) if f.get("type") == "shopper_message"]
    check(not fw, "after release shopper messages must not go to the agent", *fw)

    # A new hand-off, claimed again, then closed: survey and rating.
    await ask_person(s, "m4", "Temsilciye bağlan", position=1)
    await a.queue_where(lambda it: conv in qids(it), "the conversation queued again")
    start_s = s.mark()
    cl = await a.claim(conv)
    check("NOT-7f3a" in json.dumps(cl.get("history"), ensure_ascii=False),
          "the agent's note belongs in the transcript the agent gets", *cl.get("history", [])[-8:])
    await s.wait(T("agent_joined", agent="Zeynep"), WAIT, "agent_joined again", start_s)
    start_a = a.mark()
    await a.send({"type": "close", "conversation": conv})
    await a.wait(T("closed", conversation=conv), WAIT, "closed", start_a)
    sv = await s.wait(T("survey"), WAIT, "survey", start_s)
    check(isinstance(sv.get("question"), str) and sv["question"].strip(), "survey question", sv)
    check(sv.get("scale") == [1, 2, 3, 4, 5], "survey scale 1-5", sv)
    for bad in [{"type": "rating", "score": 6}, {"type": "rating", "score": 0},
                {"type": "rating", "score": "4"}, {"type": "rating"},
                {"type": "rating", "score": 4, "comment": 5}]:
        m = s.mark()
        await s.send(bad)
        e = await s.wait(lambda f: f.get("type") in ("error", "rating_saved"), WAIT,
                         "error for %s" % json.dumps(bad), m)
        check(e["type"] == "error" and e.get("code") == "bad_request",
              "an out-of-range or malformed rating must be bad_request", bad, e)
    start_s = s.mark()
    comment = "Hızlı ve nazik, teşekkürler"
    await s.send({"type": "rating", "score": 4, "comment": comment})
    f = await s.wait(lambda f: f.get("type") in ("rating_saved", "error"), WAIT, "rating_saved",
                     start_s)
    check(f["type"] == "rating_saved", "the rating was refused", f)
    rt = await a.wait(T("rating", conversation=conv), WAIT, "rating", start_a)
    check(rt.get("score") == 4 and rt.get("comment") == comment, "the agent gets the rating", rt)
    # once per closed conversation, and small (security finding M2)
    mark_s = s.mark()
    await s.send({"type": "rating", "score": 1, "comment": "tekrar"})
    f = await s.wait(lambda f: f.get("type") in ("rating_saved", "error"), WAIT, "second rating",
                     mark_s)
    check(f.get("code") == "already_rated", "a second rating must be refused", f)
    mark_s = s.mark()
    await s.send({"type": "rating", "score": 2, "comment": "x" * 501})
    f = await s.wait(lambda f: f.get("type") in ("rating_saved", "error"), WAIT, "long comment",
                     mark_s)
    check(f.get("code") == "bad_request", "a 501-character comment must be refused", f)

    # The shopper's transcript on return: the agent's words, never the note.
    s2 = await ctx.shopper(srv, "shopper (resumed)")
    w = await s2.hello(session=s.token)
    check(w.get("resumed") is True, "the conversation resumes", w)
    texts = [e.get("text") for e in w.get("history", [])]
    check(text1 in texts and text2 in texts, "the agent's messages are in the resumed history",
          *w["history"][-8:])
    check(not any("NOT-7f3a" in json.dumps(e, ensure_ascii=False) for e in w["history"]),
          "the note is in the shopper's history", *w["history"])


@test
async def t_canned_without_order(ctx):
    """A canned answer whose variables the conversation does not have (no
    verified order) must not reach the shopper with holes in it: refused with
    an error to the agent, or rendered without the empty parts. An unknown
    canned id is an error and sends nothing."""
    srv = ctx.server("open", agents=["Zeynep"])
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    await ask_person(s, "m1", position=1)
    a = await ctx.agent(srv, "agent", srv.tokens["Zeynep"], "Zeynep")
    items = (await a.wait(T("canned")))["items"]
    conv = (await a.queue_where(lambda it: len(it) == 1, "the waiting conversation"))[0]["conversation"]
    await a.claim(conv)
    for pick in [it for it in items if "{{" in it["text"]]:
        ma, ms = a.mark(), s.mark()
        await a.send({"type": "message", "conversation": conv, "canned": pick["id"]})
        # Either the shopper gets it (the agent an echo) or the agent an error.
        await a.wait(lambda f: f.get("type") in ("error", "sent") or
                     (f.get("type") == "message" and f.get("conversation") == conv),
                     WAIT, "an error or an echo for canned %s" % pick["id"], ma)
        await s.barrier()
        got = [f for f in s.since(ms) if f.get("type") == "agent_message"]
        for f in got:
            check("{{" not in f.get("text", "") and not holes(f.get("text", "")),
                  "canned answer %s reached the shopper with empty variables (no order in "
                  "this conversation)" % pick["id"], pick, f)
    ma, ms = a.mark(), s.mark()
    await a.send({"type": "message", "conversation": conv, "canned": "yok-boyle-bir-yanit"})
    await a.wait(T("error"), WAIT, "error for an unknown canned id", ma)
    await s.barrier()
    got = [f for f in s.since(ms) if f.get("type") == "agent_message"]
    check(not got, "an unknown canned id sent something to the shopper", *got)


# ---------------------------------------------------------------- 2. claim race

@test
async def t_claim_race(ctx):
    srv = ctx.server("open", agents=["Ali", "Veli"])
    a = await ctx.agent(srv, "agent Ali", srv.tokens["Ali"], "Ali")
    b = await ctx.agent(srv, "agent Veli", srv.tokens["Veli"], "Veli")
    known = set()
    wins = {"Ali": 0, "Veli": 0}
    for rnd in range(20):
        s = await ctx.shopper(srv, "shopper %d" % rnd)
        await s.hello()
        await ask_person(s, "r%d" % rnd, position=1)
        item = await new_in_queue(a, known, "round %d" % rnd)
        conv = item["conversation"]
        known.add(conv)
        await b.queue_where(lambda it: conv in qids(it), "round %d conversation" % rnd)
        ma, mb, ms = a.mark(), b.mark(), s.mark()
        claim = json.dumps({"type": "claim", "conversation": conv})
        first, second = (a, b) if rnd % 2 == 0 else (b, a)
        await asyncio.gather(first.ws.send(claim), second.ws.send(claim))

        def outcome(f, conv=conv):
            return ((f.get("type") == "claimed" and f.get("conversation") == conv)
                    or f.get("type") == "error")
        fa = await a.wait(outcome, WAIT, "claimed or error (round %d)" % rnd, ma)
        fb = await b.wait(outcome, WAIT, "claimed or error (round %d)" % rnd, mb)
        kinds = sorted([fa["type"], fb["type"]])
        check(kinds == ["claimed", "error"], "round %d: exactly one claim must win" % rnd, fa, fb)
        loser_f = fa if fa["type"] == "error" else fb
        check(loser_f.get("code") == "already_claimed", "round %d: the loser gets already_claimed"
              % rnd, loser_f)
        winner, loser = (a, b) if fa["type"] == "claimed" else (b, a)
        wins[winner.name] += 1
        j = await s.wait(T("agent_joined"), WAIT, "agent_joined (round %d)" % rnd, ms)
        check(j.get("agent") == winner.name, "round %d: the shopper is told the winner" % rnd, j)
        # The winner closes it; the shopper saw one agent only.
        mw = winner.mark()
        await winner.send({"type": "close", "conversation": conv})
        await winner.wait(T("closed", conversation=conv), WAIT, "closed (round %d)" % rnd, mw)
        await s.wait(T("survey"), WAIT, "survey (round %d)" % rnd, ms)
        await s.barrier()
        joined = [f for f in s.since(ms) if f.get("type") == "agent_joined"]
        check(len(joined) == 1, "round %d: one agent_joined" % rnd, *joined)
        late = [f for f in loser.since(ma if loser is a else mb)
                if f.get("type") == "claimed" and f.get("conversation") == conv]
        check(not late, "round %d: the loser was also given the conversation" % rnd, *late)
        await s.close()
    check(wins["Ali"] > 0 or wins["Veli"] > 0, "no wins at all")


# ---------------------------------------------------------------- 3. queue positions

@test
async def t_queue_positions(ctx):
    srv = ctx.server("open", agents=["Deniz"])
    a = await ctx.agent(srv, "agent", srv.tokens["Deniz"], "Deniz")
    await a.queue_where(lambda it: it == [], "an empty queue at the start")
    shoppers, convs, etas = [], [], []
    for i in range(3):
        s = await ctx.shopper(srv, "shopper %d" % (i + 1))
        await s.hello()
        _, h = await ask_person(s, "q%d" % i, "Temsilciye bağlan", position=i + 1)
        etas.append(h["eta_s"])
        item = await new_in_queue(a, set(convs), "shopper %d" % (i + 1))
        shoppers.append(s)
        convs.append(item["conversation"])
    check(etas == sorted(etas), "the estimated wait must not shrink further back in the queue: %r"
          % etas)
    items = await a.queue_where(lambda it: len(it) == 3, "three waiting")
    check(qids(items) == convs, "first come first served within a priority", *items)
    for it in items:
        check(it.get("priority") == "normal" and it.get("intent") == "canli_destek",
              "normal canli_destek items", it)
    check(items[0]["waiting_s"] >= items[2]["waiting_s"], "the oldest waits longest", *items)

    # The first is claimed: the others move up.
    marks = [s.mark() for s in shoppers]
    await a.claim(convs[0])
    await shoppers[0].wait(T("agent_joined"), WAIT, "agent_joined", marks[0])
    await handoff_position(shoppers[1], 1, marks[1], "after the first was claimed")
    await handoff_position(shoppers[2], 2, marks[2], "after the first was claimed")
    stale = [f for f in shoppers[0].since(marks[0]) if f.get("type") == "handoff"]
    check(not stale, "a claimed conversation gets no queue positions", *stale)
    await a.queue_where(lambda it: qids(it) == convs[1:], "the two left")

    # An urgent payment problem goes ahead of the normal requests.
    marks = [s.mark() for s in shoppers]
    u = await ctx.shopper(srv, "urgent shopper")
    await u.hello()
    reply, h = await ask_person(u, "u1", PAYMENT, priority="urgent", position=1)
    check(reply.get("intent") == "odeme_sorunu", "a double charge is odeme_sorunu", reply)
    check(reply.get("handoff") in ("urgent", None), "reply.handoff should be urgent", reply)
    item = await new_in_queue(a, set(convs), "the urgent shopper")
    uconv = item["conversation"]
    check(item.get("priority") == "urgent" and item.get("intent") == "odeme_sorunu",
          "the urgent item", item)
    await handoff_position(shoppers[1], 2, marks[1], "behind the urgent one")
    await handoff_position(shoppers[2], 3, marks[2], "behind the urgent one")
    items = await a.queue_where(lambda it: len(it) == 3, "three waiting")
    check(qids(items) == [uconv] + convs[1:], "urgent before normal", *items)

    # The shopper can keep asking the bot while waiting.
    _, r = await shoppers[2].say("q-wait", "kargo ücreti ne kadar")
    check(r.get("intent") == "kargo_ucreti", "the bot answers while waiting", r)

    # Asking again while waiting does not queue the conversation twice.
    m3 = shoppers[2].mark()
    await shoppers[2].say("q-again", "Temsilciye bağlan")
    await asyncio.sleep(0.5)
    items = await a.queue_where(lambda it: True, "the queue")
    check(qids(items) == [uconv] + convs[1:], "asking twice must not queue twice", *items)
    hs = [f for f in shoppers[2].since(m3) if f.get("type") == "handoff"]
    check(all(f.get("state") == "queued" and f.get("position") == 3 for f in hs),
          "asking again while waiting keeps the place in the queue", *hs)

    # Closing the claimed one frees the agent: the head (urgent) is offered.
    ma = a.mark()
    await a.send({"type": "close", "conversation": convs[0]})
    await a.wait(T("closed", conversation=convs[0]), WAIT, "closed", ma)
    offers = [f for f in a.frames if f.get("type") == "offer"]
    if not any(f.get("conversation") == uconv for f in offers):
        await a.wait(T("offer", conversation=uconv), WAIT, "offer of the urgent conversation", ma)
    bad = [f for f in a.since(ma) if f.get("type") == "offer" and f.get("conversation") != uconv]
    check(not bad, "only the head of the queue (the urgent one) is offered", *bad)


@test
async def t_capacity_offers(ctx):
    """An agent at capacity is offered nothing; when it frees up, the head of
    the queue is offered."""
    srv = ctx.server("open")
    tok = add_agent(srv.db, "Çağla Öztürk", capacity=1)
    a = await ctx.agent(srv, "agent", tok, "Çağla Öztürk")
    check(a.capacity == 1, "authed.capacity should be the one given to agents add", *a.frames)
    await a.queue_where(lambda it: it == [], "an empty queue")
    s1 = await ctx.shopper(srv, "shopper 1")
    await s1.hello()
    await ask_person(s1, "c1", position=1)
    c1 = (await new_in_queue(a, set(), "shopper 1"))["conversation"]
    await a.wait(T("offer", conversation=c1), WAIT, "offer with free capacity")
    m1 = s1.mark()
    await a.claim(c1)
    await s1.wait(T("agent_joined", agent="Çağla Öztürk"), WAIT, "agent_joined", m1)
    ma = a.mark()
    s2 = await ctx.shopper(srv, "shopper 2")
    await s2.hello()
    await ask_person(s2, "c2", position=1)
    c2 = (await new_in_queue(a, {c1}, "shopper 2"))["conversation"]
    await asyncio.sleep(0.5)
    offers = [f for f in a.since(ma) if f.get("type") == "offer"]
    check(not offers, "an agent at capacity must not be offered conversations", *offers)
    ma = a.mark()
    await a.send({"type": "close", "conversation": c1})
    await a.wait(T("offer", conversation=c2), WAIT, "offer once the agent frees up", ma)


@test
async def t_agent_reconnect(ctx):
    """An agent's connection drops while it holds a conversation; the shopper
    writes meanwhile. On reconnecting the agent gets the conversation back
    (still assigned, or offered again) with the message in it; nothing lost."""
    srv = ctx.server("open", agents=["Oya"])
    tok = srv.tokens["Oya"]
    a = await ctx.agent(srv, "agent", tok, "Oya")
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    await ask_person(s, "r1", position=1)
    conv = (await new_in_queue(a, set(), "the shopper"))["conversation"]
    ms = s.mark()
    await a.claim(conv)
    await s.wait(T("agent_joined"), WAIT, "agent_joined", ms)
    await a.close()
    await asyncio.sleep(0.3)
    await s.say("r2", "orada mısınız? siparişim 1048213", reply=False)
    await asyncio.sleep(0.3)
    a2 = await ctx.agent(srv, "agent again", tok, "Oya")
    await a2.queue_where(lambda it: True, "the queue")
    await asyncio.sleep(0.5)
    again = [f for f in a2.frames if f.get("type") == "claimed" and f.get("conversation") == conv]
    requeued = conv in qids(a2.latest("queue")["items"])
    check(again or requeued, "the agent's conversation is neither given back nor queued again",
          *a2.frames)
    if not again:
        again = [await a2.claim(conv)]
    check("orada mısınız? siparişim 1048213" in json.dumps(again[-1].get("history"),
                                                          ensure_ascii=False),
          "the message written while the agent was away is not in the transcript", again[-1])
    ms, ma = s.mark(), a2.mark()
    await a2.send({"type": "message", "conversation": conv, "text": "Buradayım, bakıyorum."})
    await s.wait(T("agent_message", text="Buradayım, bakıyorum."), WAIT, "agent_message", ms)
    await s.say("r3", "teşekkürler", reply=False)
    await a2.wait(T("shopper_message", conversation=conv, text="teşekkürler"), WAIT,
                  "shopper_message", ma)
    # every opening of the transcript is in the access audit (KVKK)
    r = subprocess.run([DESTEK, "privacy", "access", "--conversation", str(conv), "--json",
                        "--db", srv.db], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "privacy access failed: %s" % r.stderr[-300:])
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    check(len(rows) >= 2 and all(x["agent"] == "Oya" and str(x["conversation"]) == str(conv)
                                 for x in rows) and rows[0]["action"] == "claim",
          "the access audit should list Oya's claim and her reopening: %r" % rows)


# ---------------------------------------------------------------- 4. restart

def mentions(obj, conv):
    """True when conv appears as a conversation id anywhere in obj."""
    if isinstance(obj, dict):
        return any((k in ("conversation", "id") and v == conv) or mentions(v, conv)
                   for k, v in obj.items())
    if isinstance(obj, list):
        return any(x == conv or mentions(x, conv) for x in obj)
    return False


async def restart_case(ctx, how):
    srv = ctx.server("open", agents=["Mert"])
    tok = srv.tokens["Mert"]
    a = await ctx.agent(srv, "agent", tok, "Mert")
    await a.queue_where(lambda it: it == [], "an empty queue")
    shoppers = {}
    convs = {}
    for name in ("claimed", "wait1", "wait2"):
        s = await ctx.shopper(srv, "shopper " + name)
        await s.hello()
        await ask_person(s, name + "-1", position=len(convs) + 1)
        convs[name] = (await new_in_queue(a, set(convs.values()), name))["conversation"]
        shoppers[name] = s
    t_queued = time.monotonic()
    ms = shoppers["claimed"].mark()
    await a.claim(convs["claimed"])
    await shoppers["claimed"].wait(T("agent_joined"), WAIT, "agent_joined", ms)
    before = "Talebinizi inceliyorum, bir dakika lütfen."
    await a.send({"type": "message", "conversation": convs["claimed"], "text": before})
    await shoppers["claimed"].wait(T("agent_message", text=before), WAIT, "agent_message", ms)
    ma = a.mark()
    await shoppers["claimed"].say("claimed-2", "tamam, bekliyorum", reply=False)
    await a.wait(T("shopper_message", conversation=convs["claimed"]), WAIT, "shopper_message", ma)
    tokens = {k: s.token for k, s in shoppers.items()}
    # The shopper of wait2 asks the bot something while waiting.
    await shoppers["wait2"].say("wait2-2", "iade süresi kaç gün")
    await asyncio.sleep(2.2)  # waiting_s after the restart must include this

    loop = asyncio.get_running_loop()
    if how == "kill":
        srv.proc.kill()
        check(await loop.run_in_executor(None, srv.wait, 10) is not None,
              "SIGKILL did not end the server")
    else:
        srv.signal(signal.SIGTERM)
        rc = await loop.run_in_executor(None, srv.wait, 10)  # the loop keeps reading meanwhile
        check(rc == 0, "SIGTERM: the server should exit 0 within 10s, got %r: %s" %
              (rc, srv.stderr_tail()))
        check(await a.wait_closed(5), "SIGTERM: the agent connection was not closed")
        check(a.closed[0] == 1001, "SIGTERM closes agent connections with 1001 (going away): %r"
              % (a.closed,))
    await ctx.close_peers()
    srv.start()

    a2 = await ctx.agent(srv, "agent after restart", tok, "Mert")
    items = await a2.queue_where(lambda it: convs["wait1"] in qids(it) and convs["wait2"] in qids(it),
                                 "both waiting conversations after the restart", timeout=8)
    ids = qids(items)
    check(ids.index(convs["wait1"]) < ids.index(convs["wait2"]), "the queue keeps its order", *items)
    w1 = next(it for it in items if it["conversation"] == convs["wait1"])
    check(w1.get("waiting_s", 0) >= int(time.monotonic() - t_queued) - 1 >= 1,
          "waiting_s must count from the first queueing, not from the restart", w1)
    await asyncio.sleep(1.0)  # whatever the server restores for the agent arrives now
    requeued = convs["claimed"] in qids(a2.latest("queue")["items"])
    assigned = any(mentions(f, convs["claimed"]) for f in a2.frames if f.get("type") != "queue")
    check(requeued or assigned, "the claimed conversation is lost after the restart: neither "
          "still assigned to the agent nor back in the queue", *a2.frames)

    # The claimed shopper returns: the transcript is whole, and the agent reaches them.
    sc = await ctx.shopper(srv, "claimed shopper after restart")
    w = await sc.hello(session=tokens["claimed"])
    check(w.get("resumed") is True, "the claimed conversation resumes", w)
    texts = [e.get("text") for e in w.get("history", [])]
    for t in (ASK_PERSON, before, "tamam, bekliyorum"):
        check(t in texts, "lost after the restart: %r" % t, *w["history"])
    ms = sc.mark()
    if not assigned:
        await a2.claim(convs["claimed"])
        await sc.wait(T("agent_joined", agent="Mert"), WAIT, "agent_joined after re-offer", ms)
    after = "Yeniden bağlandım, kaldığımız yerden devam edelim."
    await a2.send({"type": "message", "conversation": convs["claimed"], "text": after})
    await sc.wait(T("agent_message", text=after), WAIT, "the agent's message after the restart", ms)
    ma = a2.mark()
    await sc.say("claimed-3", "teşekkürler", reply=False)
    await a2.wait(T("shopper_message", conversation=convs["claimed"], text="teşekkürler"), WAIT,
                  "shopper_message after the restart", ma)

    # The waiting shoppers return: told where they stand, history whole.
    s1 = await ctx.shopper(srv, "wait1 shopper after restart")
    m1 = s1.mark()
    w = await s1.hello(session=tokens["wait1"])
    check(w.get("resumed") is True, "the waiting conversation resumes", w)
    await handoff_position(s1, 1, m1, "a waiting conversation resumed after the restart")
    s2 = await ctx.shopper(srv, "wait2 shopper after restart")
    m2 = s2.mark()
    w = await s2.hello(session=tokens["wait2"])
    texts = [e.get("text") for e in w.get("history", [])]
    check(ASK_PERSON in texts and "iade süresi kaç gün" in texts, "wait2 history after restart",
          *w.get("history", []))
    await handoff_position(s2, 2, m2, "a waiting conversation resumed after the restart")
    # The agent picks up the first; the second moves up.
    m1, m2 = s1.mark(), s2.mark()
    if a2.capacity < 2:  # room for a second conversation
        mc = a2.mark()
        await a2.send({"type": "close", "conversation": convs["claimed"]})
        await a2.wait(T("closed", conversation=convs["claimed"]), WAIT, "closed", mc)
    await a2.claim(convs["wait1"])
    await s1.wait(T("agent_joined", agent="Mert"), WAIT, "agent_joined for a conversation "
                  "that waited through the restart", m1)
    await handoff_position(s2, 1, m2, "after the first waiting one was claimed")
    await a2.queue_where(lambda it: qids(it) == [convs["wait2"]],
                         "only wait2 still waiting (claimed and wait1 taken)")


@test
async def t_restart_kill9(ctx):
    await restart_case(ctx, "kill")


@test
async def t_restart_sigterm(ctx):
    await restart_case(ctx, "term")


# ---------------------------------------------------------------- 5. auth and isolation

@test
async def t_agent_auth(ctx):
    srv = ctx.server("open", agents=["Selin"])
    tok = srv.tokens["Selin"]
    # Only a hash is stored.
    for suffix in ("", "-wal"):
        try:
            with open(srv.db + suffix, "rb") as f:
                check(tok.encode() not in f.read(), "the agent token is stored in clear in %s"
                      % os.path.basename(srv.db + suffix))
        except FileNotFoundError:
            pass
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    await ask_person(s, "a1", "yetkili biriyle görüşmek istiyorum", position=1)

    near = tok[:-1] + ("A" if tok[-1] != "A" else "B")
    forged = secrets.token_urlsafe(48)[:len(tok)]
    cases = [
        ("a claim before auth", {"type": "claim", "conversation": "1"}),
        ("a message before auth", {"type": "message", "conversation": "1", "text": "selam"}),
        ("a ping before auth", {"type": "ping"}),
        ("bad JSON before auth", "not json"),
        ("a wrong token", {"type": "auth", "token": "yanlis-token"}),
        ("a forged token of the right length", {"type": "auth", "token": forged}),
        ("a token one character off", {"type": "auth", "token": near}),
        ("the token in upper case", {"type": "auth", "token": tok.upper()}
         if tok.upper() != tok else {"type": "auth", "token": tok.lower()}),
        ("an empty token", {"type": "auth", "token": ""}),
        ("no token", {"type": "auth"}),
        ("a number as token", {"type": "auth", "token": 12345}),
        ("the shopper's session token", {"type": "auth", "token": s.token}),
    ]
    for what, frame in cases:
        p = await ctx.agent(srv, "agent (%s)" % what)
        await p.send(frame)
        closed = await p.wait_closed(4)
        fs = p.frames
        check(fs and fs[0].get("type") == "error" and isinstance(fs[0].get("code"), str),
              "%s: the first answer must be an error" % what, *fs)
        leaked = [f for f in fs if f.get("type") in ("authed", "queue", "canned", "claimed",
                                                      "offer", "shopper_message")]
        check(not leaked, "%s: agent data sent without a valid token" % what, *leaked)
        check(closed, "%s: the connection must be closed after the error" % what, *fs)
        await p.close()
    # The valid token works; the conversation was not touched by any of the above.
    a = await ctx.agent(srv, "agent", tok, "Selin")
    items = await a.queue_where(lambda it: len(it) == 1, "the waiting conversation")
    await a.claim(items[0]["conversation"])


@test
async def t_shopper_isolation(ctx):
    srv = ctx.server("open", agents=["Burak"])
    tok = srv.tokens["Burak"]
    victim = await ctx.shopper(srv, "victim")
    await victim.hello()
    secret_text = "kart numaram 4543 gizli bilgi, temsilci istiyorum"
    start_v = victim.mark()
    _, r = await victim.say("v1", secret_text)
    await victim.wait(T("handoff"), WAIT, "handoff", start_v)
    a = await ctx.agent(srv, "agent", tok, "Burak")
    items = await a.queue_where(lambda it: len(it) == 1, "the victim waiting")
    conv = items[0]["conversation"]

    x = await ctx.shopper(srv, "other shopper")
    await x.hello()
    start_x = x.mark()
    for frame in [{"type": "claim", "conversation": conv},
                  {"type": "auth", "token": tok},
                  {"type": "note", "conversation": conv, "text": "x"},
                  {"type": "release", "conversation": conv},
                  {"type": "close", "conversation": conv},
                  {"type": "shopper_message", "conversation": conv, "text": "x"},
                  {"type": "agent_message", "conversation": conv, "text": "x"}]:
        m = x.mark()
        await x.send(frame)
        e = await x.wait(T("error"), WAIT, "error for %s" % frame["type"], m)
        check(e.get("code") == "unknown_type", "%s on /ws/chat must be unknown_type" % frame["type"], e)
    # A message naming the victim's conversation stays in the sender's own one.
    await x.say("x1", "kargo ücreti ne kadar", reply=True)
    m = x.mark()
    await x.send({"type": "message", "id": "x2", "text": "kargo ücreti ne kadar", "conversation": conv})
    await x.wait(T("ack", id="x2"), WAIT, "ack of x2", m)
    await x.barrier()
    got = [f for f in x.since(start_x) if "4543" in json.dumps(f, ensure_ascii=False)
           or f.get("type") in ("queue", "claimed", "shopper_message", "authed", "canned")]
    check(not got, "another shopper's conversation leaked to a shopper", *got)
    # Resuming with the conversation number or the agent token is not a resume.
    for bogus in (conv, tok):
        y = await ctx.shopper(srv, "guesser")
        w = await y.hello(session=bogus)
        check(w.get("resumed") is not True and w.get("history", []) == [] and w["session"] != bogus,
              "hello with %s must start a new conversation" % ("the conversation id" if bogus == conv
                                                               else "an agent token"), w)
        await y.close()
    # Nothing changed for the victim and the agent.
    await victim.barrier()
    bad = [f for f in victim.since(start_v) if f.get("type") in ("agent_joined", "handoff", "survey",
                                                                  "agent_message")
           and not (f.get("type") == "handoff" and f.get("state") == "queued")]
    check(not bad, "frames from another shopper's claim/release/close reached the victim", *bad)
    items = await a.queue_where(lambda it: conv in qids(it), "the victim still waiting")
    ma = a.mark()
    cl = await a.claim(conv)
    texts = json.dumps(cl.get("history"), ensure_ascii=False)
    check("x2" not in [e.get("id") for e in cl.get("history", [])],
          "another shopper's message landed in the victim's conversation", *cl.get("history", []))
    fw = [f for f in a.since(ma) if f.get("type") == "shopper_message"]
    check(not fw, "another shopper's message reached the agent", *fw)
    check(secret_text in texts, "the victim's own message is in the transcript", cl)
    # Another agent cannot act on a conversation claimed by someone else.
    other_tok = add_agent(srv.db, "Kerem")
    b = await ctx.agent(srv, "agent Kerem", other_tok, "Kerem")
    mv = victim.mark()
    for frame in [{"type": "message", "conversation": conv, "text": "Kerem yazıyor"},
                  {"type": "message", "conversation": conv, "canned": "selam"},
                  {"type": "typing", "conversation": conv, "state": True},
                  {"type": "note", "conversation": conv, "text": "Kerem notu"},
                  {"type": "release", "conversation": conv},
                  {"type": "close", "conversation": conv},
                  {"type": "claim", "conversation": conv}]:
        mb = b.mark()
        await b.send(frame)
        e = await b.wait(lambda f: f.get("type") in ("error", "claimed", "released", "closed"),
                         WAIT, "error for %s on another agent's conversation" % frame["type"], mb)
        check(e["type"] == "error", "%s on a conversation claimed by another agent must be refused"
              % frame["type"], frame, e)
    await victim.barrier()
    # (an availability frame, after a pong, is about the shop's people, not
    # about the other agent's attempts)
    bad = [f for f in victim.since(mv) if f.get("type") not in ("pong", "availability")]
    check(not bad, "another agent's frames reached the shopper", *bad)
    mv = victim.mark()
    await a.send({"type": "message", "conversation": conv, "text": "Hâlâ buradayım."})
    await victim.wait(T("agent_message", text="Hâlâ buradayım.", agent="Burak"), WAIT,
                      "the owner's message", mv)
    # An agent action on a conversation that does not exist is an error.
    ma = a.mark()
    await a.send({"type": "message", "conversation": "987654321", "text": "hello?"})
    await a.wait(T("error"), WAIT, "error for an unknown conversation", ma)


# ---------------------------------------------------------------- 6. after hours

# What the bot asks for, checked in this order (a contact question often says
# "numara", an e-mail question "adres").
ASKS = [
    ("order", re.compile(r"sipariş\w*\s*(numara|no\b|kod)", re.I)),
    ("contact", re.compile(r"telefon|e-?posta|e-?mail|\bmail|iletişim|ulaş", re.I)),
    ("name", re.compile(r"\bad[ıi]n[ıi]z|\bad[ıi]n[ıi]\b|\bisminiz|\bisim|\bad[ıi]?[- ]?soyad", re.I)),
    ("message", re.compile(r"mesaj|iletmek|talebiniz|sorununuz|açıkla|anlat|not\b|notunuz|yaz", re.I)),
]


def asked(text, answered):
    for key, rx in ASKS:
        if key not in answered and rx.search(text or ""):
            return key
    return None


async def offline_request(shopper, prefix, answers, deferred):
    """Ask for a person after hours and answer the bot's questions; returns
    (handoff frame, the bot's questions by field, every bot reply). A handoff
    frame that comes late (only once the request is complete) is put in
    deferred, so that the rest of the flow is still checked."""
    start = shopper.mark()
    _, reply = await shopper.say(prefix + "-0", ASK_PERSON)
    try:
        h = await shopper.wait(T("handoff"), WAIT, "handoff", start)
    except TestFailure:
        h = None
    text = (reply.get("text") or "") + " " + ((h or {}).get("message") or "")
    # The first question may come in a later reply.
    await asyncio.sleep(0.3)
    more = [f for f in shopper.since(start) if f.get("type") == "reply" and f is not reply]
    text += " " + " ".join(f.get("text", "") for f in more)
    questions, replies = {}, [reply] + more
    for turn in range(1, 9):
        key = asked(text, questions)
        if key is None:
            break
        questions[key] = text
        _, r = await shopper.say("%s-%d" % (prefix, turn), answers[key])
        replies.append(r)
        text = r.get("text") or ""
    missing = [k for k, _ in ASKS if k not in questions]
    check(not missing, "%s: the bot never asked for: %s" % (shopper.label, ", ".join(missing)),
          *replies)
    if h is None:
        await asyncio.sleep(0.3)
        hs = [f for f in shopper.since(start) if f.get("type") == "handoff"]
        deferred.append("%s: asking for a person after hours must be followed at once by "
                        "handoff state offline (PROTOCOL.md: 'the bot now collects ...'); "
                        "got none after the first reply, %s after the whole request"
                        % (shopper.label, [dump(f) for f in hs] or "and none"))
        check(hs, "%s: no handoff frame at all after hours" % shopper.label, *shopper.since(start))
        h = hs[0]
    check(h.get("state") == "offline", "after hours the hand-off is offline", reply, h)
    check(is_iso8601(h.get("back_at")), "handoff.back_at must be ISO-8601", h)
    back = datetime.fromisoformat(h["back_at"].replace("Z", "+00:00"))
    check(back.tzinfo is not None, "back_at carries its offset", h)
    check(back.timestamp() >= time.time() - 60, "back_at is in the past", h)
    check(isinstance(h.get("message"), str) and h["message"].strip(), "handoff.message", h)
    return h, questions, replies


def finish(deferred):
    if deferred:
        raise TestFailure("\n    ".join(deferred))


ANSWERS1 = {"name": "Ayşe Yılmaz", "contact": "ayse@example.com", "order": "1048213",
            "message": "Kargom üç gündür aynı şubede bekliyor, lütfen yardımcı olun."}
ANSWERS2 = {"name": "Mehmet Demir", "contact": "0532 123 45 67", "order": "1048214",
            "message": "Faturamı e-posta ile alamadım, tekrar gönderebilir misiniz?"}


@test
async def t_offline(ctx):
    srv = ctx.server("closed", orders=True, agents=["Elif"])
    deferred = []
    s1 = await ctx.shopper(srv, "shopper 1")
    await s1.hello()
    _, q1, rep1 = await offline_request(s1, "o1", ANSWERS1, deferred)
    # Told once per conversation, in a sentence (the time phrase alone is
    # not one): the widget shows message as it is.
    offs = [f for f in s1.frames if f.get("type") == "handoff" and f.get("state") == "offline"]
    check(len(offs) == 1, "the shopper is told once that people are away", *offs)
    m = offs[0].get("message", "")
    check(isinstance(offs[0].get("back"), str) and offs[0]["back"] in m and m != offs[0]["back"],
          "handoff.message is a sentence around the time phrase (back)", offs[0])
    check(re.match(r"^[A-ZÇĞİÖŞÜ]", m) and m.endswith(".") and len(m.split()) >= 5,
          "handoff.message is a whole sentence", offs[0])
    # The bot says it has the request (a confirmation in Turkish).
    last = rep1[-1].get("text", "")
    check(re.search(r"aldık|kaydett|kaydedil|ilet|teşekkür|döne|ulaşaca", last, re.I),
          "the bot should confirm the stored request", rep1[-1])
    # The bot keeps answering after hours.
    _, r = await s1.say("o1-kargo", "kargo ücreti ne kadar")
    check(r.get("intent") == "kargo_ucreti", "after hours the bot still answers", r)
    tok1 = s1.token
    await s1.close()
    await asyncio.sleep(1.1)  # distinct creation times
    s2 = await ctx.shopper(srv, "shopper 2")
    await s2.hello()
    await offline_request(s2, "o2", ANSWERS2, deferred)
    await s2.close()
    srv.stop()  # the requests are in the store: they survive a restart
    srv.start()

    a = await ctx.agent(srv, "agent", srv.tokens["Elif"], "Elif")
    items = await a.queue_where(lambda it: len(it) >= 2, "the two offline requests")
    check(len(items) == 2, "two offline requests, nothing else", *items)
    check(all(it.get("offline") is True for it in items), "offline: true", *items)
    check(items[0]["waiting_s"] >= items[1]["waiting_s"], "offline requests oldest first", *items)
    conv1 = items[0]["conversation"]
    cl = await a.claim(conv1)
    everything = json.dumps([cl.get("history"), cl.get("context"), items[0]], ensure_ascii=False)
    for k in ("name", "contact", "order", "message"):
        check(ANSWERS1[k] in everything, "the offline request lost the %s %r" % (k, ANSWERS1[k]),
              cl)
    answer = "Merhaba Ayşe Hanım, kargo firmasıyla görüştük; paketiniz yarın teslim edilecek."
    await a.send({"type": "message", "conversation": conv1, "text": answer})
    await asyncio.sleep(0.5)
    errs = [f for f in a.frames if f.get("type") == "error"]
    check(not errs, "answering an offline request was refused", *errs)

    # The shopper returns later with the token: the answer is in the history.
    back = await ctx.shopper(srv, "shopper 1 returns")
    w = await back.hello(session=tok1)
    check(w.get("resumed") is True, "the shopper's conversation resumes", w)
    hist = w.get("history", [])
    check(any(e.get("text") == answer for e in hist), "the agent's answer is not in the history",
          *hist[-6:])
    check(any(e.get("text") == ANSWERS1["message"] for e in hist), "the request is in the history",
          *hist)
    finish(deferred)


@test
async def t_offline_first(ctx):
    """Conversations that waited during open hours are carried over a restart
    into closed hours; the offline requests made then are still listed first."""
    srv = ctx.server("open", agents=["Can"])
    deferred = []
    n = await ctx.shopper(srv, "normal shopper")
    await n.hello()
    await ask_person(n, "n1", position=1)
    u = await ctx.shopper(srv, "urgent shopper")
    await u.hello()
    await ask_person(u, "u1", PAYMENT, priority="urgent", position=1)
    await ctx.close_peers()
    srv.stop()
    srv.extra = ["--limits", "off", "--hours", "closed"]
    srv.start()
    await asyncio.sleep(1.1)
    o = await ctx.shopper(srv, "offline shopper")
    await o.hello()
    await offline_request(o, "f1", ANSWERS1, deferred)
    a = await ctx.agent(srv, "agent", srv.tokens["Can"], "Can")
    items = await a.queue_where(lambda it: len(it) >= 3, "three waiting")
    check([it.get("offline") for it in items] == [True, False, False] or
          [it.get("offline", False) for it in items] == [True, False, False],
          "the offline request first, then the waiting ones", *items)
    check([it.get("priority") for it in items[1:]] == ["urgent", "normal"],
          "urgent before normal after the offline request", *items)
    finish(deferred)


# ---------------------------------------------------------------- 7. issue 17

@test
async def t_offer_one_each(ctx):
    """Two free agents, conversations waiting: each conversation is offered to
    one agent at a time, and the two are offered different ones."""
    srv = ctx.server("open")
    toks = [add_agent(srv.db, n, capacity=2) for n in ("Ada", "Bora")]
    a = await ctx.agent(srv, "agent Ada", toks[0], "Ada")
    b = await ctx.agent(srv, "agent Bora", toks[1], "Bora")
    s1 = await ctx.shopper(srv, "shopper 1")
    await s1.hello()
    await ask_person(s1, "f1", position=1)
    c1 = (await new_in_queue(a, set(), "shopper 1"))["conversation"]
    await asyncio.sleep(0.6)

    def offers(peer):
        return [f.get("conversation") for f in peer.frames if f.get("type") == "offer"]
    check(offers(a) + offers(b) == [c1],
          "one waiting conversation is offered to one agent only", offers(a), offers(b))
    s2 = await ctx.shopper(srv, "shopper 2")
    await s2.hello()
    await ask_person(s2, "f2", position=2)
    c2 = (await new_in_queue(a, {c1}, "shopper 2"))["conversation"]
    await asyncio.sleep(0.6)
    got = sorted(offers(a) + offers(b))
    check(got == sorted([c1, c2]) and len(offers(a)) == 1 and len(offers(b)) == 1,
          "two waiting, two free agents: one offer each, different ones", offers(a), offers(b))
    # the one offered c1 takes it: c2 stays with the other, nobody gets c1 again
    first, other = (a, b) if offers(a) == [c1] else (b, a)
    mo = other.mark()
    await first.claim(c1)
    await asyncio.sleep(0.6)
    again = [f for f in other.since(mo) if f.get("type") == "offer"]
    check(not again, "the other agent keeps its offer", *again)


@test
async def t_agent_reads(ctx):
    srv = ctx.server("open", orders=True, agents=["Elif"])
    a = await ctx.agent(srv, "agent", srv.tokens["Elif"], "Elif")
    names = await a.wait(T("intent_names"), WAIT, "intent_names after authed")
    await a.wait(T("canned"), WAIT, "canned after authed")
    check(names and isinstance(names.get("items"), list), "intent_names after authed", *a.frames)
    titles = {x.get("id"): x.get("title") for x in names["items"]}
    check(titles.get("siparis_durumu") == "Sipariş durumu" and titles.get("canli_destek")
          and titles["canli_destek"] != "canli_destek", "intent_names gives the KB titles", names)
    canned = {x["id"]: x for x in a.latest("canned")["items"]}
    check("{{" not in canned["iade"].get("preview", "{{") and
          re.search(r"\d+ gün", canned["iade"]["preview"]),
          "a canned answer of shop facts is previewed filled in", canned["iade"])
    check("{{siparis_no}}" in canned["kargo"].get("preview", "") and
          "{{kargo_firmasi}}" in canned["kargo"]["preview"] and "'ya}}" not in canned["kargo"]["preview"],
          "order variables without a conversation stay as {{name}}", canned["kargo"])

    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    await s.say("r1", "siparişim nerede")
    await s.say("r2", ORDER_NO)
    await s.say("r3", "ayse@example.com")
    await ask_person(s, "r4", position=1)
    item = await new_in_queue(a, set(), "the shopper")
    cl = await a.claim(item["conversation"])
    bots = [e for e in cl["history"] if e.get("role") == "bot"]
    check(len(bots) >= 4, "the bot's replies are in the transcript", *cl["history"])
    check(not bots[0].get("step"), "the first message was classified, not a step", bots[0])
    check(bots[1].get("step") is True and bots[2].get("step") is True,
          "the replies to the order number and the e-mail are dialogue steps", bots[1], bots[2])
    check(not bots[3].get("step"), "asking for a person was classified", bots[3])
    pv = cl["context"].get("canned", {})
    check(ORDER_NO in pv.get("kargo", "") and TRACKING in pv["kargo"] and "{{" not in pv["kargo"],
          "the claimed conversation's canned preview has its order filled in", pv)
    # the agent writes; the shopper reloads: the join is repeated with when it was
    await a.send({"type": "message", "conversation": item["conversation"], "text": "Merhaba, bakıyorum."})
    await s.wait(T("agent_message"), WAIT, "agent_message")
    tok = s.token
    await s.close()
    back = await ctx.shopper(srv, "shopper back")
    w = await back.hello(session=tok)
    j = await back.wait(T("agent_joined"), WAIT, "agent_joined after the resume")
    check(j.get("resumed") is True and is_iso8601(j.get("at")), "a repeated join says so and when", j)
    agent_at = [e["at"] for e in w["history"] if e.get("role") == "agent"]
    joined = datetime.fromisoformat(j["at"])
    check(agent_at and joined <= datetime.fromisoformat(agent_at[0]),
          "the join happened before the agent's first message", j, agent_at)

    # the queue preview: the shopper's own words, not the tapped quick reply
    p = await ctx.shopper(srv, "invoice shopper")
    await p.hello()
    words = "faturamdaki şirket unvanı yanlış yazılmış düzeltmeniz mümkün mü"
    _, r = await p.say("p1", words)
    qr = r.get("quick_replies") or []
    tap = next((q for q in qr if re.search(r"temsilci|bağlan", q, re.I)), None)
    check(tap, "the bot offers a person as a quick reply", r)
    start = p.mark()
    await p.say("p2", tap)
    await p.wait(T("handoff"), WAIT, "handoff after the tap", start)
    it = await new_in_queue(a, set(), "the invoice shopper")
    check(it.get("preview") == words, "the queue preview is what the shopper wrote", it)
    # a double charge goes to people at once: no button to call them again
    q = await ctx.shopper(srv, "payment shopper")
    await q.hello()
    _, r = await q.say("q1", "ödeme yaparken kartımdan iki kez para çekildi ama siparişim görünmüyor")
    check(r.get("handoff") == "urgent", "a double charge is handed to people at once", r)
    check(not [b for b in r.get("quick_replies") or [] if re.search(r"temsilci|bağlan", b, re.I)],
          "no button to call the people already called", r)


TESTS = [
    ("full_flow", t_full_flow),
    ("canned_without_order", t_canned_without_order),
    ("claim_race", t_claim_race),
    ("queue_positions", t_queue_positions),
    ("capacity_offers", t_capacity_offers),
    ("agent_reconnect", t_agent_reconnect),
    ("restart_kill9", t_restart_kill9),
    ("restart_sigterm", t_restart_sigterm),
    ("agent_auth", t_agent_auth),
    ("shopper_isolation", t_shopper_isolation),
    ("offline", t_offline),
    ("offline_first", t_offline_first),
    ("offer_one_each", t_offer_one_each),
    ("agent_reads", t_agent_reads),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
