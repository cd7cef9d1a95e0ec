# SPDX-License-Identifier: MIT
"""What a shopper can expect, as the server tells the widget (docs/PROTOCOL.md
"availability"): the working hours of shop.json and the agents at work.

  agents           --hours open: the welcome says the hours are open and no
                   agent is at work; once an agent logs in the shopper's next
                   ping brings an "availability" frame saying one is, a ping
                   with nothing changed brings none, and the agent going away
                   and coming back, then leaving, are told the same way
  closed           --hours closed: the welcome says closed with when people
                   are back (back, back_at), the same time as the after-hours
                   hand-off's, an opening time of shop.json
  shop_hours       no --hours: a knowledge base whose shop.json opens an hour
                   or two from now (and one open now): the welcome's back and
                   back_at are that opening, "open" when inside the hours
  queue_resumed    a waiting shopper who reconnects (a reload) is told again
                   where they stand: position and estimate
  joined_resumed   a shopper with an agent who reconnects is told the agent's
                   name again, also while the agent's console is closed
  offline_in_hours an after-hours request still waiting when the shop opens:
                   the resumed shopper's notice is a whole sentence (no empty
                   time), back_at absent, and the welcome says the hours are open

usage: /usr/bin/python3 test_availability.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True
import harness
from harness import Server, check, run

import test_handoff as th
from test_handoff import T, ask_person, is_iso8601, offline_request

DESTEK, SRCROOT = th.DESTEK, th.SRCROOT
WAIT = 5.0
BACK_RE = re.compile(r"^(bugün|yarın|\d{1,2} \w+ \w+( \d{4})?) \d\d:\d\d'(da|de|ta|te)$")
SHOP_TZ = timezone(timedelta(hours=3))  # shop.json hours.utc_offset


def avail_of(frame):
    a = frame.get("availability")
    check(isinstance(a, dict), "the welcome carries availability", frame)
    return a


async def ping(shopper):
    """ping/pong; returns the availability frames that came with it."""
    m = shopper.mark()
    await shopper.send({"type": "ping"})
    await shopper.wait(T("pong"), WAIT, "pong", m)
    await asyncio.sleep(0.2)  # sent just after the pong
    return [f for f in shopper.since(m) if f.get("type") == "availability"]


async def agents_told(shopper, want, what):
    """Pings until an availability frame says agents == want (the count is
    cached for a second)."""
    for _ in range(15):
        got = await ping(shopper)
        if got:
            check(len(got) == 1, "%s: one availability frame per change" % what, *got)
            check(got[0].get("agents") is want and got[0].get("hours") == "open",
                  "%s: availability says agents %s" % (what, want), got[0])
            check(list(got[0])[0] == "type", "the frame starts with its type", got[0])
            return got[0]
        await asyncio.sleep(0.3)
    raise harness.TestFailure("%s: no availability frame with agents %s%s" %
                              (what, want, shopper.recent()))


@th.test
async def t_agents(ctx):
    srv = ctx.server("open", agents=["Elif"])
    s = await ctx.shopper(srv, "shopper")
    w = await s.hello()
    a = avail_of(w)
    check(a == {"hours": "open", "agents": False}, "open, nobody at work yet, no time given", w)
    check(await ping(s) == [], "nothing changed: no availability frame")
    elif_ = await ctx.agent(srv, "agent", srv.tokens["Elif"], "Elif")
    await agents_told(s, True, "an agent logged in")
    check(await ping(s) == [], "told once: a second ping brings nothing")
    m = elif_.mark()
    await elif_.send({"type": "status", "state": "away"})
    await elif_.wait(T("status", state="away"), WAIT, "away", m)
    await agents_told(s, False, "the only agent is away")
    m = elif_.mark()
    await elif_.send({"type": "status", "state": "available"})
    await elif_.wait(T("status", state="available"), WAIT, "available", m)
    await agents_told(s, True, "the agent is available again")
    await elif_.close()
    await agents_told(s, False, "the agent left")
    # a new conversation (reset) is told afresh in its welcome
    m = s.mark()
    await s.send({"type": "reset"})
    w2 = await s.wait(T("welcome"), WAIT, "welcome after reset", m)
    check(avail_of(w2) == {"hours": "open", "agents": False}, "the reset's welcome", w2)


def shop_hours(kb_dir):
    with open(os.path.join(kb_dir, "shop.json"), encoding="utf-8") as f:
        return json.load(f)["hours"]


def opening_times(hours, day):
    """The opening times shop.json gives for a local date."""
    for h in hours.get("holidays", []):
        if h.get("date") == day.isoformat():
            return {h["open"]} if h.get("open") else set()
    key = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.weekday()]
    d = hours.get("weekly", {}).get(key)
    return {d["open"]} if d and d.get("open") else set()


@th.test
async def t_closed(ctx):
    srv = ctx.server("closed")
    s = await ctx.shopper(srv, "shopper")
    w = await s.hello()
    a = avail_of(w)
    check(a.get("hours") == "closed" and a.get("agents") is False, "closed", w)
    check(isinstance(a.get("back"), str) and BACK_RE.match(a["back"]),
          "back is when people are back, a Turkish time phrase", w)
    check(is_iso8601(a.get("back_at")), "back_at is ISO 8601", w)
    back = datetime.fromisoformat(a["back_at"])
    check(back > datetime.now(timezone.utc), "back_at is ahead", w)
    local = back.astimezone(SHOP_TZ)
    check(local.strftime("%H:%M") in opening_times(shop_hours(srv.kb), local.date()),
          "back_at is an opening time of shop.json", w)
    check(local.strftime("%H:%M") in a["back"], "back says the time of back_at", w)
    _, reply = await s.say("c1", th.ASK_PERSON)
    h = await s.wait(T("handoff", state="offline"), WAIT, "the after-hours hand-off")
    check(h.get("back") == a["back"] and h.get("back_at") == a["back_at"],
          "the welcome and the after-hours hand-off give one time", w, h)
    check(await ping(s) == [], "nothing changed: no availability frame")


class Scratch:
    """A temporary directory removed with the test's servers."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="destek-kb-")

    def stop(self):
        pass

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


def kb_with_hours(ctx, weekly_open, weekly_close):
    """A copy of the shipped knowledge base whose shop opens every day at
    weekly_open and closes at weekly_close, with no holidays."""
    scratch = Scratch()
    ctx.servers.append(scratch)
    d = os.path.join(scratch.path, "kb")
    shutil.copytree(os.path.join(SRCROOT, "intents"), d)
    p = os.path.join(d, "shop.json")
    with open(p, encoding="utf-8") as f:
        shop = json.load(f)
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    shop["hours"]["weekly"] = {k: {"open": weekly_open, "close": weekly_close} for k in days}
    shop["hours"]["holidays"] = []
    shop["hours"]["open"], shop["hours"]["close"] = weekly_open, weekly_close
    with open(p, "w", encoding="utf-8") as f:
        json.dump(shop, f, ensure_ascii=False, indent=2)
    return d


@th.test
async def t_shop_hours(ctx):
    now = datetime.now(SHOP_TZ)
    # closed now, open an hour or two from now (the next whole hour after the
    # next one), for one hour; after 21:00 the opening is tomorrow at 01:00
    if now.hour <= 21:
        at, day = now.hour + 2, "bugün"
        opening = now.replace(hour=at, minute=0, second=0, microsecond=0)
    else:
        at, day = 1, "yarın"
        opening = (now + timedelta(days=1)).replace(hour=1, minute=0, second=0, microsecond=0)
    close = "24:00" if at == 23 else "%02d:00" % (at + 1)
    kb = kb_with_hours(ctx, "%02d:00" % at, close)
    srv = Server(DESTEK, SRCROOT, extra=["--limits", "off"], kb=kb)
    ctx.servers.append(srv)
    srv.start()
    s = await ctx.shopper(srv, "shopper")
    a = avail_of(await s.hello())
    check(a.get("hours") == "closed", "outside the shop.json hours: closed", a)
    check(a.get("back", "").startswith("%s %02d:00'" % (day, at)),
          "back is the shop.json opening (%s %02d:00)" % (day, at), a)
    check(datetime.fromisoformat(a.get("back_at")) == opening,
          "back_at is the opening (%s)" % opening.isoformat(), a)
    await s.close()
    srv.stop()
    # inside the hours: open, no time given
    start = now.replace(minute=0, second=0, microsecond=0)
    end = "24:00" if now.hour == 23 else "%02d:00" % (now.hour + 1)
    srv2 = Server(DESTEK, SRCROOT, extra=["--limits", "off"],
                  kb=kb_with_hours(ctx, start.strftime("%H:%M"), end))
    ctx.servers.append(srv2)
    srv2.start()
    s2 = await ctx.shopper(srv2, "shopper in hours")
    a2 = avail_of(await s2.hello())
    if datetime.now(SHOP_TZ).hour == now.hour:  # not across the hour meanwhile
        check(a2 == {"hours": "open", "agents": False}, "inside the shop.json hours: open", a2)


@th.test
async def t_queue_resumed(ctx):
    srv = ctx.server("open", agents=["Elif"])
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    _, h = await ask_person(s, "q1", position=1)
    tok = s.token
    await s.close()
    again = await ctx.shopper(srv, "shopper after a reload")
    w = await again.hello(session=tok)
    check(w.get("resumed") is True, "resumed", w)
    h2 = await again.wait(T("handoff", state="queued"), WAIT, "where the shopper stands, again")
    check(h2.get("position") == 1 and h2.get("eta_s") == h.get("eta_s"),
          "the same position and estimate as before the reload", h, h2)


@th.test
async def t_joined_resumed(ctx):
    srv = ctx.server("open", agents=["Elif"])
    elif_ = await ctx.agent(srv, "agent", srv.tokens["Elif"], "Elif")
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    await ask_person(s, "j1", position=1)
    item = await th.new_in_queue(elif_, set(), "the waiting shopper")
    await elif_.claim(item["conversation"])
    await s.wait(T("agent_joined", agent="Elif"), WAIT, "the join")
    tok = s.token
    await s.close()
    await elif_.close()  # the console closed (or on another node): the name is still known
    again = await ctx.shopper(srv, "shopper after a reload")
    await again.hello(session=tok)
    j = await again.wait(T("agent_joined"), WAIT, "the join, repeated after the resume")
    check(j.get("agent") == "Elif" and j.get("resumed") is True,
          "the agent's own name, with its console closed", j)


@th.test
async def t_offline_in_hours(ctx):
    srv = ctx.server("closed", orders=True, agents=["Elif"])
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    deferred = []
    await offline_request(s, "o", th.ANSWERS1, deferred)
    tok = s.token
    await s.close()
    srv.stop()
    srv.extra = ["--limits", "off", "--hours", "open"]
    srv.start()
    back = await ctx.shopper(srv, "shopper in the morning")
    w = await back.hello(session=tok)
    check(avail_of(w) == {"hours": "open", "agents": False}, "the shop is open now", w)
    h = await back.wait(T("handoff", state="offline"), WAIT, "the waiting request, told again")
    m = h.get("message", "")
    check(not th.holes(m) and m.endswith(".") and h.get("back") and h["back"] in m,
          "a whole sentence, with a time phrase that is not empty", h)
    check("back_at" not in h, "no time to give: back_at absent", h)
    th.finish(deferred)


TESTS = [
    ("agents", t_agents),
    ("closed", t_closed),
    ("shop_hours", t_shop_hours),
    ("queue_resumed", t_queue_resumed),
    ("joined_resumed", t_joined_resumed),
    ("offline_in_hours", t_offline_in_hours),
]

if __name__ == "__main__":
    run(TESTS, th.Ctx)
