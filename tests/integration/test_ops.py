# SPDX-License-Identifier: MIT
"""Operations endpoints of the real server (CONTRACT.md "Operations"):

  metrics_format   /metrics is valid Prometheus text: every sample's family has
                   HELP and TYPE, counters end in _total, histograms have
                   cumulative buckets, +Inf equal to _count; the contract's
                   families are all there
  metrics_move     the counters move with traffic: messages by who wrote them,
                   intents, fallbacks, hand-offs by priority, error codes, the
                   queue gauge, the reply and commit histograms
  metrics_access   loopback is answered; another address only with the bearer
                   token of --metrics-token (403 otherwise)
  supervisor       a supervisor's frames on /ws/agent: the report with a row per
                   day, the review list, assign (the server then answers as
                   taught), dismiss, the intents; an agent gets forbidden
  config_json_log  serve --config FILE (keys = flags, flags winning) with
                   log_format json: every log line one JSON object with time,
                   level and event; a bad key or value refused with a message
  search_view      any agent finds conversations by order number, e-mail and
                   words, reads one (a page, older pages, the customer's
                   earlier conversations), every reading in the access log
  review_live      a message the running server did not understand, assigned
                   with `destek review assign`, is answered as taught by the
                   same server within seconds, without a restart or a signal

usage: /usr/bin/python3 test_ops.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import json
import os
import re
import socket
import sys
import urllib.error
import urllib.request
import zoneinfo

sys.dont_write_bytecode = True
from harness import Client, Server, Skip, check, orders_now, parse_argv, run

DESTEK, SRCROOT = parse_argv()
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (-?[0-9.e+-]+|\+Inf|NaN)$')


class Ctx:
    def __init__(self):
        self.servers = []

    def server(self, extra=()):
        s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"] + list(extra))
        self.servers.append(s)
        return s.start()

    def cleanup(self):
        for s in self.servers:
            s.cleanup()


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Content-Type", "")


def parse(text):
    """{(name, labels): value}, checking the exposition format on the way."""
    families, samples = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            check(len(parts) == 4, "a bad comment line: %r" % line)
            families.setdefault(parts[2], {})[parts[1]] = parts[3]
            continue
        check(not line.startswith("#") and line.strip(), "an unexpected line: %r" % line)
        m = SAMPLE.match(line)
        check(m, "not a sample line: %r" % line)
        name, labels, value = m.group(1), m.group(3) or "", m.group(4)
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        fam = families.get(name) or families.get(base)
        check(fam and "HELP" in fam and "TYPE" in fam, "%s has no HELP or TYPE" % name)
        samples[(name, labels)] = float(value.replace("+Inf", "inf"))
    for name, fam in families.items():
        if fam.get("TYPE") == "counter":
            check(name.endswith("_total"), "the counter %s must end in _total" % name)
        if fam.get("TYPE") == "histogram":
            buckets = sorted(((float(l.split('"')[1].replace("+Inf", "inf")), v)
                              for (n, l), v in samples.items() if n == name + "_bucket"))
            check(buckets and buckets[-1][0] == float("inf"), "%s has no +Inf bucket" % name)
            check(all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])),
                  "%s buckets are not cumulative" % name)
            check(buckets[-1][1] == samples[(name + "_count", "")], "%s +Inf != _count" % name)
    return families, samples


def val(samples, name, labels=""):
    return samples.get((name, labels), 0.0)


async def t_metrics_format(ctx):
    s = ctx.server()
    st, body, ctype = get("http://127.0.0.1:%d/metrics" % s.port)
    check(st == 200 and ctype.startswith("text/plain"), "/metrics: %d %s" % (st, ctype))
    families, _ = parse(body)
    for fam, kind in [("destek_connections", "gauge"), ("destek_messages_total", "counter"),
                      ("destek_intents_total", "counter"), ("destek_fallbacks_total", "counter"),
                      ("destek_handoffs_total", "counter"), ("destek_errors_total", "counter"),
                      ("destek_queue_waiting", "gauge"), ("destek_reply_seconds", "histogram"),
                      ("destek_store_commit_seconds", "histogram")]:
        check(families.get(fam, {}).get("TYPE") == kind, "%s must be a %s" % (fam, kind))


async def t_metrics_move(ctx):
    s = ctx.server()
    url = "http://127.0.0.1:%d/metrics" % s.port
    _, before = parse(get(url)[1])
    c = await Client.open(s.url)
    await c.hello()
    await c.message("o1", "kargo ücreti ne kadar")
    await c.message("o2", "zxqv wrtp blmf")
    await c.message("o3", "müşteri temsilcisine bağlanmak istiyorum")
    await c.send_raw_text(b"{not json")
    await c.expect_error("bad_json")
    _, after = parse(get(url)[1])
    check(val(after, "destek_connections", 'endpoint="chat"') == 1, "one chat connection open")
    await c.close()
    d = lambda n, l="": val(after, n, l) - val(before, n, l)
    check(d("destek_messages_total", 'from="shopper"') == 3, "3 shopper messages counted")
    check(d("destek_messages_total", 'from="bot"') == 3, "3 bot replies counted")
    check(d("destek_intents_total", 'intent="kargo_ucreti"') == 1, "the intent counted")
    check(d("destek_fallbacks_total") >= 1, "the fallback counted")
    check(d("destek_handoffs_total", 'priority="normal"') == 1, "the hand-off counted")
    check(d("destek_errors_total", 'code="bad_json"') == 1, "the error counted by code")
    check(val(after, "destek_queue_waiting") == 1, "one conversation waits")
    check(d("destek_reply_seconds_count") == 3, "3 reply latencies observed")
    check(d("destek_store_commit_seconds_count") >= 3, "commits observed")


def own_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        try:
            u.connect(("10.255.255.255", 1))
            a = u.getsockname()[0]
        except OSError:
            return None
    return None if a.startswith("127.") else a


async def t_metrics_access(ctx):
    addr = own_address()
    if not addr:
        raise Skip("this machine has no address but loopback")
    s = Server(DESTEK, SRCROOT, extra=["--host", "0.0.0.0", "--metrics-token", "s3cr3t-tok"])
    ctx.servers.append(s)
    s.start()
    check(get("http://127.0.0.1:%d/metrics" % s.port)[0] == 200, "loopback is answered")
    url = "http://%s:%d/metrics" % (addr, s.port)
    check(get(url)[0] == 403, "another address without the token must get 403")
    check(get(url, {"Authorization": "Bearer wrong"})[0] == 403, "a wrong token must get 403")
    st, body, _ = get(url, {"Authorization": "Bearer s3cr3t-tok"})
    check(st == 200 and "destek_messages_total" in body, "the token opens /metrics: %d" % st)


async def t_review_live(ctx):
    import os
    import shutil
    import subprocess
    import tempfile
    import time
    kb = os.path.join(tempfile.mkdtemp(prefix="destek-kb-"), "intents")
    shutil.copytree(os.path.join(SRCROOT, "intents"), kb)
    s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"], kb=kb)
    ctx.servers.append(s)
    s.start()
    c = await Client.open(s.url)
    await c.hello()
    _, r = await c.message("v1", "isim nakışı yapıyor musunuz")
    check(r.get("intent") == "fallback", "the test needs a message the KB does not know", r)
    out = subprocess.run([DESTEK, "review", "list", "--db", s.db, "--json"], capture_output=True,
                         text=True, timeout=30).stdout
    ids = [json.loads(l)["id"] for l in out.splitlines() if "nak" in l]
    check(ids, "the message is not in review list: %r" % out)
    a = subprocess.run([DESTEK, "review", "assign", str(ids[0]), "stok_urun_bilgisi", "--db", s.db,
                        "--kb", kb], capture_output=True, text=True, timeout=30)
    check(a.returncode == 0, "review assign failed: %s" % a.stderr)
    deadline = time.monotonic() + 8
    n = 1
    while True:
        n += 1
        _, r = await c.message("v%d" % n, "isim nakışı yapıyor musunuz")
        if r.get("intent") == "stok_urun_bilgisi":
            break
        check(time.monotonic() < deadline, "the running server did not take the taught message", r)
        await asyncio.sleep(0.5)
    await c.close()
    shutil.rmtree(os.path.dirname(kb), ignore_errors=True)


async def agent_socket(s, token):
    a = await Client.open("ws://127.0.0.1:%d/ws/agent" % s.port)
    await a.send({"type": "auth", "token": token})
    while True:
        f = await a.recv(5)
        if f.get("type") in ("authed", "error"):
            return a, f


async def frame_of(a, kind, timeout=10):
    while True:
        f = await a.recv(timeout)
        if f.get("type") in (kind, "error"):
            return f


async def t_supervisor(ctx):
    import datetime as dt
    import os
    import shutil
    import subprocess
    import tempfile
    import time
    kb = os.path.join(tempfile.mkdtemp(prefix="destek-kb-"), "intents")
    shutil.copytree(os.path.join(SRCROOT, "intents"), kb)
    s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"], kb=kb)
    ctx.servers.append(s)
    tokens = {}
    for name, role in (("Sevgi", "supervisor"), ("Ali", "agent")):
        r = subprocess.run([DESTEK, "agents", "add", name, "--role", role, "--db", s.db],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, "agents add --role %s: %s" % (role, r.stderr))
        tokens[role] = r.stdout.strip().split()[-1]
    s.start()
    c = await Client.open(s.url)
    await c.hello()
    _, r = await c.message("s1", "isim nakışı yapıyor musunuz")
    check(r.get("intent") == "fallback", "the test needs a message the KB does not know", r)
    sup, authed = await agent_socket(s, tokens["supervisor"])
    check(authed.get("role") == "supervisor", "authed names the role", authed)
    # the shop's day (its report is by shop-local dates), not the machine's:
    # between 21:00 and 24:00 UTC it is already tomorrow in Istanbul
    with open(os.path.join(SRCROOT, "intents", "shop.json"), encoding="utf-8") as f:
        zone = json.load(f)["hours"]["timezone"]
    today = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    await sup.send({"type": "report", "from": str(today - dt.timedelta(days=6)),
                    "to": str(today)})
    rep = await frame_of(sup, "report")
    check(rep.get("type") == "report" and rep.get("conversations") == 1 and
          len(rep.get("days", [])) == 7 and sum(d["conversations"] for d in rep["days"]) == 1,
          "the report with 7 days", rep)
    await sup.send({"type": "intents"})
    ints = await frame_of(sup, "intents")
    check(any(i["id"] == "stok_urun_bilgisi" for i in ints.get("items", [])), "intents", ints)
    await sup.send({"type": "review_list"})
    rl = await frame_of(sup, "review")
    items = [i for i in rl.get("items", []) if "nak" in i["text"]]
    check(items, "the review list has the message", rl)
    await sup.send({"type": "review_assign", "id": items[0]["id"], "intent": "yok_boyle"})
    e = await frame_of(sup, "review_assigned")
    check(e.get("code") == "refused", "assigning to a missing intent is refused", e)
    await sup.send({"type": "review_assign", "id": items[0]["id"], "intent": "stok_urun_bilgisi"})
    ok = await frame_of(sup, "review_assigned")
    check(ok.get("type") == "review_assigned", "assign", ok)
    deadline = time.monotonic() + 8
    n = 1
    while True:
        n += 1
        _, r = await c.message("s%d" % n, "isim nakışı yapıyor musunuz")
        if r.get("intent") == "stok_urun_bilgisi":
            break
        check(time.monotonic() < deadline, "the taught message is not answered as taught", r)
        await asyncio.sleep(0.5)
    await c.message("s-x", "bugün hava nasıl olacak")
    await sup.send({"type": "review_list"})
    rl = await frame_of(sup, "review")
    other = [i for i in rl.get("items", []) if "hava" in i["text"]]
    check(other and not any("nak" in i["text"] for i in rl["items"]),
          "the assigned item left the list, the new one is in it", rl)
    await sup.send({"type": "review_dismiss", "id": other[0]["id"]})
    d = await frame_of(sup, "review_dismissed")
    check(d.get("type") == "review_dismissed", "dismiss", d)
    ag, authed = await agent_socket(s, tokens["agent"])
    check(authed.get("role") == "agent", "an agent's role", authed)
    for f in ({"type": "report", "from": str(today), "to": str(today)}, {"type": "review_list"},
              {"type": "review_dismiss", "id": 1}, {"type": "intents"}):
        await ag.send(f)
        e = await frame_of(ag, f["type"])
        check(e.get("code") == "forbidden", "an agent must get forbidden for %s" % f["type"], e)
    await sup.close()
    await ag.close()
    await c.close()
    shutil.rmtree(os.path.dirname(kb), ignore_errors=True)


async def t_config_json_log(ctx):
    import os
    import subprocess
    import tempfile
    import time
    work = tempfile.mkdtemp(prefix="destek-cfg-")
    cfg = os.path.join(work, "destek.json")
    with open(cfg, "w") as f:
        json.dump({"log_format": "json", "limits": "off", "hours": "open", "port": 1}, f)
    # the harness's --port wins over the file's 1
    s = Server(DESTEK, SRCROOT, extra=["--config", cfg])
    ctx.servers.append(s)
    s.start()
    lines = [json.loads(l) for l in s.lines if l.strip()]
    check(lines and all({"time", "level", "event", "message"} <= l.keys() for l in lines),
          "stdout lines must be JSON log objects: %r" % s.lines)
    check(any(l["event"] == "listening" and "listening on http://" in l["message"] for l in lines),
          "the listening line: %r" % lines)
    a = await Client.open("ws://127.0.0.1:%d/ws/agent" % s.port)
    await a.send({"type": "auth", "token": "not-a-token"})
    await a.recv(5)
    await a.close()
    time.sleep(0.3)
    err = [l for l in open(s.log_path, errors="replace").read().splitlines() if l.strip()]
    parsed = [json.loads(l) for l in err]
    check(any(l["event"] == "login_failed" and l["level"] == "warning" for l in parsed),
          "the failed log-in as a JSON warning: %r" % err)
    for bad, why in (({"prot": 1}, 'unknown key "prot"'), ({"hours": "sometimes"}, "open, closed")):
        with open(cfg, "w") as f:
            json.dump(bad, f)
        r = subprocess.run([DESTEK, "serve", "--config", cfg], capture_output=True, text=True,
                           timeout=10)
        check(r.returncode == 2 and why in r.stderr, "a bad config %r: %d %s" %
              (bad, r.returncode, r.stderr))
    r = subprocess.run([DESTEK, "serve", "--help"], capture_output=True, text=True, timeout=10)
    for flag in ("--db", "--kb", "--port", "--host", "--web", "--limits", "--origins",
                 "--identity-secret", "--hours", "--durability", "--metrics-token",
                 "--log-format", "--config"):
        check(flag in r.stdout, "serve --help lacks %s" % flag)


async def t_search_view(ctx):
    import os
    import subprocess
    s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open"])
    ctx.servers.append(s)
    r = subprocess.run([DESTEK, "orders", "import",
                        orders_now(os.path.join(SRCROOT, "tests", "dialogues", "orders.json"),
                                   s.workdir), "--db", s.db], capture_output=True, timeout=30)
    check(r.returncode == 0, "orders import: %r" % r.stderr[-200:])
    r = subprocess.run([DESTEK, "agents", "add", "Nur", "--db", s.db], capture_output=True,
                       text=True, timeout=30)
    token = r.stdout.strip().split()[-1]
    s.start()
    convs = []
    for words in ("kargom nerede ZEYTINDALI", "iade etmek istiyorum"):
        c = await Client.open(s.url)
        await c.hello()
        await c.message("a", "1048213 siparişim")
        await c.message("b", "ayse@example.com")
        await c.message("c", words)
        await c.close()
    c = await Client.open(s.url)
    await c.hello()
    await c.message("x", "başka bir konu: isim nakışı var mı")
    await c.close()
    ids = [i for (i,) in __import__("sqlite3").connect(s.db).execute(
        "select id from conversations order by id")]
    a, authed = await agent_socket(s, token)
    check(authed.get("type") == "authed", "log-in", authed)
    async def search(q):
        await a.send({"type": "search", "q": q})
        return await frame_of(a, "search_results")
    by_order = await search("1048213")
    check([x["conversation"] for x in by_order["items"]] == [str(ids[1]), str(ids[0])],
          "by order: the two conversations that verified it, newest first", by_order)
    by_mail = await search("AYSE@example.com")
    check(len(by_mail["items"]) == 2, "by e-mail (any case)", by_mail)
    by_words = await search("zeytindali")  # any case (ASCII letters)
    check([x["conversation"] for x in by_words["items"]] == [str(ids[0])], "by words", by_words)
    none = await search("hiçyokböyle")
    check(none["items"] == [], "nothing found", none)
    await a.send({"type": "view", "conversation": str(ids[0])})
    t = await frame_of(a, "transcript")
    check(t.get("type") == "transcript" and any("ZEYTINDALI" in e.get("text", "") for e in t["history"]),
          "the transcript", t)
    check([e["conversation"] for e in t.get("earlier", [])] == [str(ids[1])],
          "the customer's other conversation beside it", t)
    await a.send({"type": "history", "conversation": str(ids[0]), "before": t["history"][-1]["n"]})
    h = await frame_of(a, "history")
    check(h.get("type") == "history", "an older page of a conversation read, not held", h)
    await a.send({"type": "view", "conversation": "999999"})
    e = await frame_of(a, "transcript")
    check(e.get("code") == "not_found", "a missing conversation", e)
    await a.close()
    out = subprocess.run([DESTEK, "privacy", "access", "--json", "--db", s.db], capture_output=True,
                         text=True, timeout=30).stdout
    views = [json.loads(l) for l in out.splitlines() if '"view"' in l]
    check(len(views) >= 2 and all(v["agent"] == "Nur" for v in views),
          "every reading is in the access log: %r" % out)


TESTS = [
    ("metrics_format", t_metrics_format),
    ("metrics_move", t_metrics_move),
    ("metrics_access", t_metrics_access),
    ("review_live", t_review_live),
    ("supervisor", t_supervisor),
    ("config_json_log", t_config_json_log),
    ("search_view", t_search_view),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
