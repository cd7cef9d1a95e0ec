# SPDX-License-Identifier: MIT
"""Photos and files (docs/PROTOCOL.md "Photos and files", issue 17): POST
/upload and GET /attachments/ID against the real `destek serve`, with real
shoppers on /ws/chat and agents on /ws/agent (tokens from `destek agents add`).

  shopper_photo    a JPEG with EXIF (camera, GPS) and an orientation from a
                   shopper whose conversation an agent holds: stored re-encoded
                   (at most 2048 px, upright, no APP1/EXIF marker, Pillow finds
                   no EXIF or GPS), the agent gets shopper_attachment at once and
                   downloads it (Cache-Control private, no-store; nosniff;
                   Content-Length; image/jpeg) with the download in the access
                   log; it is in the transcript (claimed history, a resume);
                   a PNG is accepted too
  agent_files      an agent's PNG with transparency (kept PNG) and PDF (kept
                   byte for byte, served as a download); the shopper gets
                   agent_attachment and downloads both; an agent who does not
                   hold the conversation may not upload to it
  heic             a HEIC photo (made with the vips command line) is accepted
                   and stored as JPEG
  refused          a renamed text file, a truncated JPEG, a PDF from a shopper,
                   an empty body, a declared length over 10 MB answered 413 after
                   the headers alone (the body never sent), a wrong or missing
                   token, another conversation's attachment (404, as for none),
                   a bad id; every refusal a JSON error code with its Turkish
                   message
  idempotent       an upload sent again under its X-Client-Id (the answer lost:
                   read by no one; a retry; two at once) answers 200 with the
                   same attachment and stores nothing more, tells the agent
                   once; the key is the conversation's and the side's (the
                   agent's own, another key, none: new ones); a malformed key
                   is refused (400)
  erase            `destek privacy erase` takes the photo with the conversation:
                   gone from GET and (SQLite) from the database's files
  across_nodes     (PostgreSQL) the shopper on one node, the agent on another:
                   the frame crosses, the agent downloads from its own node;
                   one key sent to both nodes at once is stored once

usage: /usr/bin/python3 test_attachments.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import hashlib
import hmac
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness
from harness import HOST, Server, TestFailure, check, on_pg, parse_argv, run

try:
    from PIL import Image
except ImportError:
    print("skip: Pillow (python3-pil) is not installed for", sys.executable)
    sys.exit(77)

import test_handoff as th
from test_handoff import T, add_agent, new_in_queue

DESTEK, SRCROOT = parse_argv()
harness.TEST_TIMEOUT = 120.0
WAIT = 5.0
SECRET = "photos-test-secret"
ASK_PERSON = th.ASK_PERSON


# ---------------------------------------------------------------- images

def jpeg_with_exif(w=3000, h=1000):
    """A photo as a phone takes it: EXIF with the camera, a GPS position and
    orientation 6 (to be turned 90 degrees)."""
    im = Image.new("RGB", (w, h))
    for x in range(0, w, 50):  # some detail for the encoder
        im.paste((x % 256, 80, 160), (x, 0, x + 25, h))
    ex = Image.Exif()
    ex[0x010F] = "DESTEK-CAMERA"
    ex[0x0112] = 6
    ex[0x8825] = {1: "N", 2: (41.0, 0.0, 36.0), 3: "E", 4: (28.0, 58.0, 0.0)}
    b = io.BytesIO()
    im.save(b, "JPEG", exif=ex.tobytes(), quality=90)
    return b.getvalue()


def png(w=320, h=200, alpha=False):
    im = Image.new("RGBA" if alpha else "RGB", (w, h), (10, 120, 200, 90) if alpha else (10, 120, 200))
    b = io.BytesIO()
    im.save(b, "PNG")
    return b.getvalue()


def app1_segments(data):
    """The APP1 (EXIF, XMP) segments of a JPEG, by its markers."""
    out, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        m = data[i + 1]
        if m == 0xDA:
            break
        n = data[i + 2] << 8 | data[i + 3]
        if m == 0xE1:
            out.append(data[i + 4:i + 2 + n][:8])
        i += 2 + n
    return out


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


# ---------------------------------------------------------------- HTTP

def request(srv, method, path, body=None, auth=None, headers=None):
    """(status, headers as a dict of lower-case names, body)."""
    c = http.client.HTTPConnection(HOST, srv.port, timeout=20)
    h = dict(headers or {})
    if auth:
        h["Authorization"] = auth
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    hs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hs, data


async def ahttp(*a, **kw):
    return await asyncio.to_thread(request, *a, **kw)


async def upload(srv, data, auth, conversation=None, want=200, key=None):
    path = "/upload" + ("?conversation=%s" % conversation if conversation else "")
    st, hs, body = await ahttp(srv, "POST", path, data, auth,
                               headers={"X-Client-Id": key} if key is not None else None)
    j = json.loads(body) if body[:1] == b"{" else {"raw": body[:200]}
    check(st == want, "upload: status %d, expected %d" % (st, want), j)
    check(hs.get("cache-control") == "private, no-store", "upload answers are never cached", hs)
    return j


def refused(j, code):
    check(j.get("error") == code, "the refusal's code is %s" % code, j)
    msg = j.get("message") or ""
    check(any(ch in msg for ch in "ğüşıöçĞÜŞİÖÇ"), "a Turkish message comes with it", j)


def ok_download(hs, body, type_):
    check(hs.get("content-type") == type_, "Content-Type %s" % type_, hs)
    check(hs.get("content-length") == str(len(body)), "Content-Length", hs)
    check(hs.get("cache-control") == "private, no-store", "Cache-Control private, no-store", hs)
    check(hs.get("x-content-type-options") == "nosniff", "X-Content-Type-Options nosniff", hs)


def sign(customer, exp):
    return hmac.new(SECRET.encode(), ("%s|%d" % (customer, exp)).encode(),
                    hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- context

class Ctx(th.Ctx):
    def server(self, agents=(), db=None, **kw):
        s = Server(DESTEK, SRCROOT, extra=["--limits", "off", "--hours", "open",
                                           "--identity-secret", SECRET])
        if db:
            s.db = db
        self.servers.append(s)
        s.tokens = {}
        for name in agents:
            s.tokens[name] = add_agent(s.db, name)
        s.start()
        return s


async def held(ctx, srv, shopper_label="shopper", agent_name="Oya", identity=None, agent_srv=None):
    """A shopper whose conversation agent_name holds: (shopper, agent, conv)."""
    p = await ctx.shopper(srv, shopper_label)
    if identity:
        exp = int(time.time()) + 600
        start = p.mark()
        await p.send({"type": "hello", "identity": {"customer": identity, "exp": exp,
                                                     "sig": sign(identity, exp)}})
        w = await p.wait(T("welcome"), start=start)
        p.token = w["session"]
    else:
        await p.hello()
    a = await ctx.agent(agent_srv or srv, agent_name, srv.tokens[agent_name], agent_name)
    await a.queue_where(lambda it: True, "a first queue")
    known = set(th.qids(a.latest("queue").get("items") or []))
    await p.say("m1", "ürün kırık geldi")
    await p.say("m2", ASK_PERSON)
    it = await new_in_queue(a, known, shopper_label)
    claimed = await a.claim(it["conversation"])
    return p, a, it["conversation"], claimed


# ---------------------------------------------------------------- tests

async def t_shopper_photo(ctx):
    srv = ctx.server(agents=["Oya"])
    p, a, conv, _ = await held(ctx, srv)
    photo = jpeg_with_exif()
    check(app1_segments(photo) and b"DESTEK-CAMERA" in photo, "the test photo carries EXIF")
    start = a.mark()
    j = await upload(srv, photo, "Session " + p.token)
    att = j.get("attachment") or {}
    check(isinstance(att.get("id"), int) and att.get("type") == "image/jpeg", "an id and a type", j)
    check(max(att["width"], att["height"]) == 2048 and att["height"] > att["width"],
          "at most 2048 px, turned upright by its orientation", j)
    f = await a.wait(T("shopper_attachment", conversation=conv), WAIT, "shopper_attachment", start)
    check(f.get("attachment") == att and isinstance(f.get("n"), int) and f.get("at"),
          "the agent's frame describes the attachment as the answer does", f, j)
    st, hs, body = await ahttp(srv, "GET", "/attachments/%d" % att["id"], auth="Bearer " + srv.tokens["Oya"])
    check(st == 200, "the agent downloads it: %d" % st)
    ok_download(hs, body, "image/jpeg")
    check(len(body) == att["size"], "the size told is the size served", att)
    check(body[:3] == b"\xff\xd8\xff", "a JPEG")
    check(app1_segments(body) == [], "no APP1 (EXIF/XMP) segment left: %r" % app1_segments(body))
    check(b"DESTEK-CAMERA" not in body and b"Exif" not in body, "no EXIF bytes left")
    im = Image.open(io.BytesIO(body))
    check(im.size == (att["width"], att["height"]), "the dimensions told are the image's")
    check(len(im.getexif()) == 0 and not im.getexif().get_ifd(0x8825), "Pillow finds no EXIF, no GPS")
    # the shopper reads their own photo too; the same bytes
    st, _, body2 = await ahttp(srv, "GET", "/attachments/%d" % att["id"], auth="Session " + p.token)
    check(st == 200 and body2 == body, "the shopper reads it back")
    # a PNG photo: a JPEG when it has no transparency
    j2 = await upload(srv, png(), "Session " + p.token)
    check(j2["attachment"]["type"] == "image/jpeg" and j2["attachment"]["width"] == 320, "PNG ok", j2)
    await a.wait(T("shopper_attachment", conversation=conv), WAIT, "the second frame", start)
    # the agent's download is in the access log
    r = subprocess.run([DESTEK, "privacy", "access", "--conversation", str(conv), "--json",
                        "--db", srv.db], capture_output=True, text=True, timeout=30)
    rows = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    check(any(x.get("action") == "attachment" and x.get("agent") == "Oya" for x in rows),
          "the agent's download is audited: %r" % rows)
    # in the transcript: a resume (shopper) and the agent's history
    q = await ctx.shopper(srv, "resumed")
    w = await q.hello(p.token)
    hist = [e for e in w.get("history") or [] if e.get("attachment")]
    check(len(hist) == 2 and hist[0]["attachment"] == att and hist[0]["role"] == "shopper",
          "the resumed history shows both photos", *hist)
    start = a.mark()
    await a.send({"type": "history", "conversation": conv, "before": 10 ** 9})
    h = await a.wait(T("history", conversation=conv), WAIT, "history", start)
    check(any((e.get("attachment") or {}).get("id") == att["id"] for e in h.get("entries") or []),
          "the agent's transcript has the photo", h)


async def t_agent_files(ctx):
    srv = ctx.server(agents=["Oya", "Ece"])
    p, a, conv, _ = await held(ctx, srv)
    start = p.mark()
    bearer = "Bearer " + srv.tokens["Oya"]
    j = await upload(srv, png(100, 60, alpha=True), bearer, conversation=conv)
    check(j["attachment"]["type"] == "image/png", "transparency keeps PNG", j)
    f = await p.wait(T("agent_attachment"), WAIT, "agent_attachment", start)
    check(f.get("agent") == "Oya" and f.get("attachment") == j["attachment"], "the shopper is told", f)
    jp = await upload(srv, PDF, bearer, conversation=conv)
    check(jp["attachment"]["type"] == "application/pdf" and jp["attachment"]["size"] == len(PDF),
          "an agent's PDF is kept as it is", jp)
    await p.wait(lambda x: x.get("type") == "agent_attachment" and
                 x["attachment"]["id"] == jp["attachment"]["id"], WAIT, "the PDF's frame", start)
    st, hs, body = await ahttp(srv, "GET", "/attachments/%d" % jp["attachment"]["id"],
                               auth="Session " + p.token)
    check(st == 200 and body == PDF, "the shopper downloads the PDF byte for byte")
    ok_download(hs, body, "application/pdf")
    check((hs.get("content-disposition") or "").startswith("attachment;"),
          "a PDF is a download, never shown in the page", hs)
    st, hs, body = await ahttp(srv, "GET", "/attachments/%d" % j["attachment"]["id"],
                               auth="Session " + p.token)
    check(st == 200 and body[:8] == b"\x89PNG\r\n\x1a\n", "the shopper downloads the PNG")
    ok_download(hs, body, "image/png")
    # an agent who does not hold the conversation
    j = await upload(srv, png(), "Bearer " + srv.tokens["Ece"], conversation=conv, want=403)
    refused(j, "not_yours")
    j = await upload(srv, png(), bearer, want=403)  # no conversation named
    refused(j, "not_yours")


async def t_heic(ctx):
    vips = shutil.which("vips")
    if not vips:
        raise harness.Skip("no vips command line (libvips-tools) to make a HEIC photo")
    d = tempfile.mkdtemp(prefix="destek-heic-")
    src, out = os.path.join(d, "in.png"), os.path.join(d, "photo.heic")
    with open(src, "wb") as f:
        f.write(png(640, 480))
    subprocess.run([vips, "heifsave", src, out, "--compression", "hevc"], check=True, timeout=60,
                   capture_output=True)
    with open(out, "rb") as f:
        heic = f.read()
    shutil.rmtree(d)
    check(heic[4:12] == b"ftypheic", "a HEIC file: %r" % heic[:12])
    srv = ctx.server()
    p = await ctx.shopper(srv, "shopper")
    await p.hello()
    j = await upload(srv, heic, "Session " + p.token)
    check(j["attachment"]["type"] == "image/jpeg" and j["attachment"]["width"] == 640,
          "HEIC is read and stored as JPEG", j)


async def t_refused(ctx):
    srv = ctx.server()
    p = await ctx.shopper(srv, "shopper")
    await p.hello()
    q = await ctx.shopper(srv, "other shopper")
    await q.hello()
    auth = "Session " + p.token
    refused(await upload(srv, "Merhaba, bu bir metin dosyası.\n".encode() * 40, auth, want=415),
            "unsupported_type")
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500
    refused(await upload(srv, exe, auth, want=415), "unsupported_type")
    photo = jpeg_with_exif(800, 600)
    refused(await upload(srv, photo[:len(photo) // 2], auth, want=422), "bad_image")
    refused(await upload(srv, PDF, auth, want=415), "unsupported_type")  # a shopper's PDF
    st, _, body = await ahttp(srv, "POST", "/upload", b"", auth)
    check(st == 400, "an empty body: %d %r" % (st, body))
    # too large: answered on the headers alone, the body never sent
    s = socket.create_connection((HOST, srv.port), timeout=10)
    t0 = time.monotonic()
    s.sendall(("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"
               "Content-Length: %d\r\n\r\n" % (auth, 11 * 1024 * 1024)).encode() + b"\xff\xd8\xff" * 100)
    got = b""
    while b"\r\n\r\n" not in got or not got.rstrip().endswith(b"}"):
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    s.close()
    check(got.startswith(b"HTTP/1.1 413"), "413 before the body: %r" % got[:80])
    check(b'"too_large"' in got and time.monotonic() - t0 < 5, "too_large, at once: %r" % got[-200:])
    # tokens
    for bad in ("Session nope", "Bearer nope", "Basic dXNlcjpwdw==", None):
        st, _, body = await ahttp(srv, "POST", "/upload", png(), bad)
        check(st == 401, "%r is refused: %d" % (bad, st))
        refused(json.loads(body), "unauthorized")
    # another conversation's attachment: the same 404 as none
    j = await upload(srv, png(), auth)
    aid = j["attachment"]["id"]
    st, _, body = await ahttp(srv, "GET", "/attachments/%d" % aid, auth="Session " + q.token)
    check(st == 404 and json.loads(body).get("error") == "not_found", "not another's: %d" % st)
    st, _, _ = await ahttp(srv, "GET", "/attachments/%d" % (aid + 1000), auth=auth)
    check(st == 404, "none: 404")
    for path in ("/attachments/abc", "/attachments/-1", "/attachments/1x"):
        st, _, _ = await ahttp(srv, "GET", path, auth=auth)
        check(st == 404, "%s: 404 (%d)" % (path, st))
    st, _, _ = await ahttp(srv, "GET", "/attachments/%d" % aid, auth="Session nope")
    check(st == 401, "a wrong token reads nothing")
    st, _, _ = await ahttp(srv, "GET", "/upload", auth=auth)
    check(st == 405, "GET /upload: 405 (%d)" % st)
    # the server is fine after all of it
    await p.say("m1", "merhaba", reply=True)


async def t_idempotent(ctx):
    srv = ctx.server(agents=["Oya"])
    p, a, conv, _ = await held(ctx, srv)
    auth = "Session " + p.token
    photo = png(300, 200)
    start = a.mark()
    j1 = await upload(srv, photo, auth, key="u-1700000000000-1")
    await a.wait(T("shopper_attachment", conversation=conv), WAIT, "shopper_attachment", start)
    # the answer lost: sent again, then another copy with other bytes under the same key
    j2 = await upload(srv, photo, auth, key="u-1700000000000-1")
    check(j2 == j1, "the same upload again: the same attachment, entry and time", j1, j2)
    j3 = await upload(srv, png(64, 64), auth, key="u-1700000000000-1")
    check(j3 == j1, "the key decides, not the bytes", j1, j3)
    # an answer nobody read: the request sent whole, the connection left unread
    req = ("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nX-Client-Id: u-lost\r\n"
           "Content-Length: %d\r\n\r\n" % (auth, len(photo))).encode() + photo
    s = socket.create_connection((HOST, srv.port), timeout=10)
    s.sendall(req)
    await asyncio.sleep(1.5)  # checked, stored and answered meanwhile
    s.close()
    f = await a.wait(lambda x: x.get("type") == "shopper_attachment" and
                     x["attachment"]["id"] != j1["attachment"]["id"], WAIT, "the lost one's frame", start)
    j4 = await upload(srv, photo, auth, key="u-lost")
    check(j4["attachment"] == f["attachment"] and j4["n"] == f["n"],
          "the retry gets what the lost answer carried", f, j4)
    # two at once under one key: one stored, both answered with it
    ja, jb = await asyncio.gather(upload(srv, photo, auth, key="u-twice"),
                                  upload(srv, photo, auth, key="u-twice"))
    check(ja == jb, "two at once under one key: the same attachment", ja, jb)
    # the agent was told once of each stored one
    await asyncio.sleep(1.0)
    told = [x["attachment"]["id"] for x in a.frames[start:] if x.get("type") == "shopper_attachment"]
    check(sorted(told) == sorted({j1["attachment"]["id"], j4["attachment"]["id"],
                                  ja["attachment"]["id"]}), "one frame per stored upload: %r" % told)
    # the key is the conversation's and the side's: the agent's own, another key, none
    bearer = "Bearer " + srv.tokens["Oya"]
    jg = await upload(srv, photo, bearer, conversation=conv, key="u-1700000000000-1")
    check(jg["attachment"]["id"] != j1["attachment"]["id"], "the agent's key is its own", jg)
    jg2 = await upload(srv, PDF, bearer, conversation=conv, key="u-1700000000000-1")
    check(jg2 == jg, "the agent's retry is stored once too", jg, jg2)
    jo = await upload(srv, photo, auth, key="u-other")
    jn1 = await upload(srv, photo, auth)
    jn2 = await upload(srv, photo, auth)
    ids = {j["attachment"]["id"] for j in (j1, j4, ja, jg, jo, jn1, jn2)}
    check(len(ids) == 7, "other keys and no key: new attachments", ids)
    # malformed keys, refused before the body counts
    for bad in ("", "x" * 65, "a b", "ü-1"):
        st, _, body = await ahttp(srv, "POST", "/upload", photo, auth,
                                  headers={"X-Client-Id": bad.encode("utf-8")})
        check(st == 400 and json.loads(body).get("error") == "bad_request",
              "X-Client-Id %r refused: %d %r" % (bad, st, body[:120]))
    # what the transcript holds: each stored once
    q = await ctx.shopper(srv, "resumed")
    w = await q.hello(p.token)
    hist = [e["attachment"]["id"] for e in w.get("history") or [] if e.get("attachment")]
    check(sorted(hist) == sorted(ids), "the transcript has each once: %r" % hist, ids)


async def t_erase(ctx):
    srv = ctx.server()
    p = await ctx.shopper(srv, "shopper")
    exp = int(time.time()) + 600
    start = p.mark()
    await p.send({"type": "hello", "identity": {"customer": "ayse@example.com", "exp": exp,
                                                 "sig": sign("ayse@example.com", exp)}})
    w = await p.wait(T("welcome"), start=start)
    p.token = w["session"]
    await p.say("m1", "kargom hasarlı geldi")
    j = await upload(srv, jpeg_with_exif(1200, 900), "Session " + p.token)
    aid = j["attachment"]["id"]
    st, _, photo = await ahttp(srv, "GET", "/attachments/%d" % aid, auth="Session " + p.token)
    check(st == 200, "stored")
    r = subprocess.run([DESTEK, "privacy", "export", "--email", "ayse@example.com", "--db", srv.db],
                       capture_output=True, text=True, timeout=30)
    exp_j = json.loads(r.stdout)
    atts = [a for c in exp_j["conversations"] for a in c.get("attachments") or []]
    check(len(atts) == 1 and atts[0]["id"] == aid and atts[0]["type"] == "image/jpeg",
          "the export describes the photo: %r" % atts)
    for attempt in range(5):  # the WAL may be busy with the server's reads: run again
        r = subprocess.run([DESTEK, "privacy", "erase", "--email", "ayse@example.com", "--db", srv.db],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0:
            break
        await asyncio.sleep(0.5)
    check(r.returncode == 0, "erase: %s" % r.stderr[-300:])
    st, _, _ = await ahttp(srv, "GET", "/attachments/%d" % aid, auth="Session " + p.token)
    check(st in (401, 404), "erased: nothing to read (%d)" % st)
    if not on_pg():
        piece = photo[len(photo) // 2:len(photo) // 2 + 48]
        for suffix in ("", "-wal"):
            path = srv.db + suffix
            if os.path.exists(path):
                with open(path, "rb") as f:
                    check(piece not in f.read(), "the photo's bytes are gone from %s" % path)


async def t_across_nodes(ctx):
    if not on_pg():
        raise harness.Skip("several nodes need the PostgreSQL store")
    a_srv = ctx.server(agents=["Oya"])
    b_srv = ctx.server(db=a_srv.db)
    b_srv.tokens = a_srv.tokens
    p, a, conv, _ = await held(ctx, a_srv, agent_srv=b_srv)
    start = a.mark()
    j = await upload(a_srv, png(), "Session " + p.token)
    f = await a.wait(T("shopper_attachment", conversation=conv), 10, "the frame on the other node",
                     start)
    check(f["attachment"] == j["attachment"], "the same attachment", f, j)
    st, hs, body = await ahttp(b_srv, "GET", "/attachments/%d" % j["attachment"]["id"],
                               auth="Bearer " + a_srv.tokens["Oya"])
    check(st == 200 and len(body) == j["attachment"]["size"], "downloaded from the other node")
    ok_download(hs, body, "image/jpeg")
    # and an agent's file reaches the shopper on the first node
    start = p.mark()
    j = await upload(b_srv, PDF, "Bearer " + a_srv.tokens["Oya"], conversation=conv)
    await p.wait(T("agent_attachment"), 10, "agent_attachment across nodes", start)
    # one key sent to both nodes at once: the database keeps one, both answer it
    for round_ in range(3):
        key = "u-nodes-%d" % round_
        ja, jb = await asyncio.gather(upload(a_srv, png(), "Session " + p.token, key=key),
                                      upload(b_srv, png(), "Session " + p.token, key=key))
        check(ja == jb, "one key on two nodes at once: one attachment", ja, jb)
    q = await ctx.shopper(a_srv, "resumed")
    w = await q.hello(p.token)
    ids = [e["attachment"]["id"] for e in w.get("history") or [] if e.get("attachment")]
    check(len(ids) == len(set(ids)) == 5, "each stored once across the nodes: %r" % ids)


TESTS = [
    ("shopper_photo", t_shopper_photo),
    ("agent_files", t_agent_files),
    ("heic", t_heic),
    ("refused", t_refused),
    ("idempotent", t_idempotent),
    ("erase", t_erase),
    ("across_nodes", t_across_nodes),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
