# SPDX-License-Identifier: MIT
"""Personal data over the shopper protocol, against the real server:

  card_warning       a card number typed into chat gets the warning once and is
                     stored masked (messages and hand-off preview)
  identity_lock      failed identity checks add up across new conversations and
                     connections: the order locks, even the right proof waits, a
                     person is offered, and the lock is in the order's audit
  identity_max_exp   a signed identity valid for years is refused; one valid for
                     an hour is taken
  session_idle       a token idle past retention.session_idle_hours no longer
                     resumes its conversation, and stays spent
  reset_stays_closed a conversation closed by reset is not resumed by its token
  purge_on_start     `destek serve` applies the retention by itself at start
  kvkk_signed_in     a signed-in shopper's "verilerimi silin" is a KVKK request
                     for the team with their contact and no free text

usage: /usr/bin/python3 test_privacy.py DESTEK SRCROOT [TEST ...]"""

import hashlib
import hmac
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True
from harness import Client, Server, check, orders_now, parse_argv, run

DESTEK, SRCROOT = parse_argv()
SECRET = "s3cret"
ORDERS = os.path.join(SRCROOT, "tests", "dialogues", "orders.json")


def sign(customer, exp):
    return hmac.new(SECRET.encode(), ("%s|%d" % (customer, exp)).encode(),
                    hashlib.sha256).hexdigest()


def import_orders(s):
    r = subprocess.run([DESTEK, "orders", "import", orders_now(ORDERS, s.workdir), "--db", s.db],
                       capture_output=True, timeout=30)
    check(r.returncode == 0, "orders import failed: %r" % r.stderr[-300:])


class Ctx:
    def __init__(self):
        self.servers = {}

    def server(self, name="default"):
        if name not in self.servers:
            s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"],
                       env={"DESTEK_IDENTITY_SECRET": SECRET})
            import_orders(s)
            self.servers[name] = s.start()
        s = self.servers[name]
        check(s.alive(), "server %s died: %s" % (name, s.stderr_tail()))
        return s

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


def query(db, sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


async def t_card_warning(ctx):
    s = ctx.server()
    c = await Client.open(s.url)
    await c.hello()
    _, r1 = await c.message("p1", "kartımdan iki kez çekildi kart no 4111 1111 1111 1111 cvv 123")
    check("gizledim" in r1["text"], "no warning not to share card numbers", r1)
    _, r2 = await c.message("p2", "kart 5555-5555-5555-4444 bu da ikinci kartım")
    check("gizledim" not in r2["text"], "the warning is said once a conversation", r2)
    await c.close()
    texts = " ".join(t for (t,) in query(s.db, "select text from messages"))
    previews = " ".join(p or "" for (p,) in query(s.db, "select preview from handoffs"))
    for secret in ("4111 1111 1111 1111", "5555-5555-5555-4444", "cvv 123"):
        check(secret not in texts and secret not in previews, "%r was stored" % secret)
    check("1111" in texts and "4444" in texts, "the last four digits stay for people")


async def guess(s, order, proof):
    c = await Client.open(s.url)
    await c.hello()
    _, first = await c.message("g1", "%s siparişim nerede" % order)
    _, r = await c.message("g2", proof)
    await c.close()
    return first, r


async def t_identity_lock(ctx):
    s = ctx.server()
    order = "2001001"  # Mehmet's, cancellable: what a prober would be after
    replies = []
    for proof in ("1111", "2222", "3333"):  # one guess per conversation
        replies.append((await guess(s, order, proof))[1])
    check("durdurdum" in replies[-1]["text"], "three failures in three conversations must lock",
          *replies)
    # a locked number is said to be locked at once; the proof after it shows nothing
    first, right = await guess(s, order, "mehmet.demir@example.com")
    check("durdurdum" in first["text"], "a new conversation on a locked order is told so", first)
    # the lock hands the conversation to people: they are called, not offered
    check(first.get("handoff") == "normal", "a locked order goes to people", first)
    check("Temsilciye bağlan" not in first.get("quick_replies", []),
          "no button to call the person already called", first)
    check("Mehmet" not in right["text"] and "2001001 numaralı" not in right["text"],
          "while locked even the right proof is refused", right)
    rows = query(s.db, "select action, actor from order_audit where order_id = ?", order)
    check(any(a == "identity_locked" for a, _ in rows), "the lock is not in the audit: %r" % rows)
    status = query(s.db, "select status from orders where id = ?", order)[0][0]
    check(status == "preparing", "the order must be untouched, it is %s" % status)


async def hello_identified(s, exp):
    c = await Client.open(s.url)
    ident = {"customer": "ayse@example.com", "exp": exp, "sig": sign("ayse@example.com", exp)}
    await c.send({"type": "hello", "identity": ident})
    frames = [await c.recv_known()]
    try:
        frames.append(await c.recv_known(1.0))
    except Exception:
        pass
    await c.close()
    return [f["type"] for f in frames]


async def t_identity_max_exp(ctx):
    s = ctx.server()
    now = int(time.time())
    check("identified" not in await hello_identified(s, now + 10 * 365 * 86400),
          "an identity signed for ten years must be refused")
    check("identified" in await hello_identified(s, now + 3600),
          "an identity valid for an hour must be taken")


async def t_session_idle(ctx):
    s = ctx.server()
    c = await Client.open(s.url)
    w = await c.hello()
    await c.message("i1", "kargo ücreti ne kadar")
    await c.close()
    # the messages and the conversation two days old: past the 24 hours
    conv = query(s.db, "select id from conversations order by id desc limit 1")[0][0]
    old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2 * 86400))
    db = sqlite3.connect(s.db)
    db.execute("update messages set created_at = ? where conversation_id = ?", (old, conv))
    db.execute("update conversations set created_at = ? where id = ?", (old, conv))
    db.commit()
    db.close()
    c = await Client.open(s.url)
    w2 = await c.hello(session=w["session"], resumed=False)
    check(w2["session"] != w["session"] and w2.get("history") == [],
          "an idle token must start a new, empty conversation", w2)
    await c.close()
    c = await Client.open(s.url)
    await c.hello(session=w["session"], resumed=False)  # spent, not revived
    await c.close()
    state = query(s.db, "select state from conversations where id = ?", conv)[0][0]
    check(state == "closed", "the idle conversation should be closed, it is %s" % state)


async def t_reset_stays_closed(ctx):
    s = ctx.server()
    c = await Client.open(s.url)
    w = await c.hello()
    await c.message("r1", "iade süresi kaç gün")
    await c.send({"type": "reset"})
    await c.expect("welcome")
    await c.close()
    c = await Client.open(s.url)
    w2 = await c.hello(session=w["session"], resumed=False)
    check(w2.get("history") == [], "a closed conversation must not come back", w2)
    await c.close()


async def t_purge_on_start(ctx):
    s = Server(DESTEK, SRCROOT, extra=["--limits", "off"])
    try:
        r = subprocess.run([DESTEK, "chat", "--db", s.db, "--kb", os.path.join(SRCROOT, "intents"),
                            "--now", "2025-01-10T12:00:00+03:00"],
                           input="kargo ücreti ne kadar ESKIMESAJ\n", capture_output=True,
                           text=True, timeout=30)
        check(r.returncode == 0, "destek chat failed: %s" % r.stderr[-300:])
        check(query(s.db, "select count(*) from messages")[0][0] > 0, "nothing to purge")
        s.start()
        deadline = time.time() + 10
        while time.time() < deadline and not any("retention purge" in l for l in s.lines):
            time.sleep(0.1)
        check(any("retention purge" in l for l in s.lines),
              "the server did not report its retention purge: %r" % s.lines[-5:])
        left = query(s.db, "select count(*) from messages")[0][0]
        check(left == 0, "%d messages past retention are still stored" % left)
        rules = [x for (x,) in query(s.db, "select rule from destructions")]
        check("retention:messages" in rules, "no destruction record: %r" % rules)
    finally:
        s.cleanup()


async def t_kvkk_signed_in(ctx):
    s = ctx.server()
    c = await Client.open(s.url)
    exp = int(time.time()) + 600
    ident = {"customer": "gul.aksoy@example.com", "exp": exp,
             "sig": sign("gul.aksoy@example.com", exp)}
    await c.send({"type": "hello", "identity": ident})
    types = sorted([(await c.recv_known())["type"], (await c.recv_known())["type"]])
    check(types == ["identified", "welcome"], "hello with a good identity: %r" % types)
    _, r = await c.message("k1", "hesabımı kapatın verilerimi silin GIZLINOT")
    check("ilettim" in r["text"] and "30 gün" in r["text"],
          "the request is taken with the legal time frame", r)
    _, r2 = await c.message("k2", "verilerimi silin")
    check("zaten" in r2["text"], "a second request is not made", r2)
    await c.close()
    rows = query(s.db, "select details from requests where kind = 'kvkk_erasure'")
    check(len(rows) == 1, "want one kvkk_erasure request, got %r" % rows)
    d = json.loads(rows[0][0])
    check(d.get("contact") == "gul.aksoy@example.com" and "GIZLINOT" not in rows[0][0],
          "the request holds the contact and no free text: %r" % d)


TESTS = [
    ("card_warning", t_card_warning),
    ("identity_lock", t_identity_lock),
    ("identity_max_exp", t_identity_max_exp),
    ("session_idle", t_session_idle),
    ("reset_stays_closed", t_reset_stays_closed),
    ("purge_on_start", t_purge_on_start),
    ("kvkk_signed_in", t_kvkk_signed_in),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
