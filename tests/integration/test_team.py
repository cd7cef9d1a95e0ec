# SPDX-License-Identifier: MIT
"""The agents as a team (docs/PROTOCOL.md "Human hand-off"): status, the
agents at work, and handing a conversation to another agent.

  away             an agent who says it is away is offered nothing and not
                   counted in the waiting shopper's estimate; the conversations
                   it holds stay its own; back available, it is offered again
  transfer         an agent hands a held conversation to a colleague at work:
                   the colleague gets the transcript with who handed it over,
                   the shopper is told who joined, messages go both ways with
                   the new agent, the old one can no longer act on it, the
                   access log has the reading; refused to an away agent, to a
                   full one, to oneself, and for a conversation not held

usage: /usr/bin/python3 test_team.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import subprocess
import sys

sys.dont_write_bytecode = True
import harness
from harness import check, run

import test_handoff as th
from test_handoff import T, add_agent, ask_person, new_in_queue

DESTEK = th.DESTEK
WAIT = 5.0


def offers(peer, start=0):
    return [f.get("conversation") for f in peer.since(start) if f.get("type") == "offer"]


async def status(agent, state):
    m = agent.mark()
    await agent.send({"type": "status", "state": state})
    f = await agent.wait(T("status"), WAIT, "status %s" % state, m)
    check(f.get("state") == state, "the status is confirmed", f)


async def refused(agent, frame, code, what):
    m = agent.mark()
    await agent.send(frame)
    f = await agent.wait(lambda f: f.get("type") in ("error", "transferred"), WAIT, what, m)
    check(f.get("type") == "error" and f.get("code") == code,
          "%s: refused with %s" % (what, code), f)


@th.test
async def t_away(ctx):
    srv = ctx.server("open")
    toks = {n: add_agent(srv.db, n, capacity=2) for n in ("Ada", "Bora")}
    ada = await ctx.agent(srv, "Ada", toks["Ada"], "Ada")
    bora = await ctx.agent(srv, "Bora", toks["Bora"], "Bora")
    await status(ada, "away")
    await status(bora, "away")
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    _, h = await ask_person(s, "a1", position=1)
    check(h.get("eta_s") == 120, "nobody at work: the first guess, not shared", h)
    await asyncio.sleep(0.8)
    check(not offers(ada) and not offers(bora), "nobody away is offered anything",
          offers(ada), offers(bora))
    mb = bora.mark()
    await status(bora, "available")
    conv = (await bora.wait(T("offer"), WAIT, "an offer once available", mb))["conversation"]
    check(not offers(ada), "Ada, still away, is offered nothing", offers(ada))
    await bora.claim(conv)
    # away with a conversation: it stays Bora's, and Bora can still answer
    await status(bora, "away")
    ms = s.mark()
    await bora.send({"type": "message", "conversation": conv, "text": "Buradayım."})
    await s.wait(T("agent_message", text="Buradayım."), WAIT, "the away agent still answers", ms)
    s2 = await ctx.shopper(srv, "second shopper")
    await s2.hello()
    _, h2 = await ask_person(s2, "a2", position=1)
    await asyncio.sleep(0.8)
    check(not offers(ada) and offers(bora, mb) == [conv], "no new offers while both are away",
          offers(ada), offers(bora, mb))
    ma = ada.mark()
    await status(ada, "available")
    await ada.wait(T("offer"), WAIT, "Ada is offered the second shopper", ma)


@th.test
async def t_transfer(ctx):
    srv = ctx.server("open")
    toks = {n: add_agent(srv.db, n, capacity=1) for n in ("Ada", "Bora", "Cem")}
    ada = await ctx.agent(srv, "Ada", toks["Ada"], "Ada")
    bora = await ctx.agent(srv, "Bora", toks["Bora"], "Bora")
    cem = await ctx.agent(srv, "Cem", toks["Cem"], "Cem")
    s = await ctx.shopper(srv, "shopper")
    await s.hello()
    await ask_person(s, "t1", position=1)
    conv = (await new_in_queue(ada, set(), "the shopper"))["conversation"]
    await ada.claim(conv)
    await refused(bora, {"type": "transfer", "conversation": conv, "to": "1"}, "not_yours",
                  "a transfer of a conversation Bora does not hold")
    # the team as Ada sees it: the two others, each with room
    m = ada.mark()
    await ada.send({"type": "agents"})
    team = (await ada.wait(T("agents"), WAIT, "the agents at work", m))["items"]
    names = {a["name"]: a for a in team}
    check(sorted(names) == ["Bora", "Cem"] and all(a["room"] for a in team),
          "the colleagues at work, with room, without oneself", team)
    await refused(ada, {"type": "transfer", "conversation": conv, "to": "999"}, "not_available",
                  "a transfer to nobody at work")
    await status(cem, "away")
    await refused(ada, {"type": "transfer", "conversation": conv, "to": names["Cem"]["id"]},
                  "not_available", "a transfer to an away agent")
    # Bora (capacity 1) busy with another shopper: no room
    s2 = await ctx.shopper(srv, "second shopper")
    await s2.hello()
    await ask_person(s2, "t2")
    c2 = (await new_in_queue(bora, {conv}, "the second shopper"))["conversation"]
    await bora.claim(c2)
    await asyncio.sleep(0.3)
    await refused(ada, {"type": "transfer", "conversation": conv, "to": names["Bora"]["id"]},
                  "no_room", "a transfer to a full agent")
    await bora.send({"type": "close", "conversation": c2})
    await asyncio.sleep(0.3)
    # now the handover
    ma, mb, ms = ada.mark(), bora.mark(), s.mark()
    await ada.send({"type": "transfer", "conversation": conv, "to": names["Bora"]["id"]})
    done = await ada.wait(T("transferred", conversation=conv), WAIT, "transferred", ma)
    check(done.get("to") == "Bora", "Ada is told who has it now", done)
    got = await bora.wait(T("claimed", conversation=conv), WAIT, "Bora gets the conversation", mb)
    check(got.get("from") == "Ada", "Bora is told who handed it over", got)
    check(any(e.get("role") == "shopper" for e in got.get("history", [])),
          "with the transcript", got)
    joined = await s.wait(T("agent_joined"), WAIT, "the shopper hears who joined", ms)
    check(joined.get("agent") == "Bora", "the shopper is told the new agent's name", joined)
    await bora.send({"type": "message", "conversation": conv, "text": "Ben devraldım."})
    await s.wait(T("agent_message", text="Ben devraldım."), WAIT, "the new agent's words", ms)
    mb = bora.mark()
    await s.say("t3", "tamam teşekkürler", reply=False)
    await bora.wait(T("shopper_message", conversation=conv), WAIT, "the shopper's words", mb)
    await refused(ada, {"type": "message", "conversation": conv, "text": "hâlâ ben"},
                  "not_yours", "the old agent's message")
    await refused(bora, {"type": "transfer", "conversation": conv, "to": names["Bora"]["id"]},
                  "bad_request", "a transfer to oneself")
    r = subprocess.run([DESTEK, "privacy", "access", "--db", srv.db, "--conversation", conv],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and "transfer" in r.stdout and "Bora" in r.stdout,
          "the access log has Bora's reading by transfer", r.stdout[-600:], r.stderr[-300:])


TESTS = [
    ("away", t_away),
    ("transfer", t_transfer),
]

if __name__ == "__main__":
    run(TESTS, th.Ctx)
