# SPDX-License-Identifier: MIT
"""The widget on a shop page of another origin (docs/WIDGET.md "Another
origin", docs/PROTOCOL.md "Other origins"): CORS on POST /upload and GET
/attachments/ID against the real `destek serve`, from the origins its
--origins list allows and from others, with the list the WebSocket upgrade
checks.

  preflight_allowed  OPTIONS from a listed origin (each of two, in the case
                     the browser sends it, and for a list written in another
                     case): 204, Access-Control-Allow-Origin the page's origin
                     itself (never *), the method, Authorization, X-Client-Id
                     and Content-Type allowed, a Max-Age, Vary: Origin, no
                     Allow-Credentials, no body; --origins * echoes any
                     origin; without --origins the server's own origins only
  preflight_refused  OPTIONS from an origin not listed (another host, a
                     listed one's lookalike, "null", one too long to read, a
                     listed one on another port or scheme): 403 without a
                     single Access-Control-* header, and a cors_refused line
                     in the log; OPTIONS of a static file or /healthz stays 405;
                     an OPTIONS without Origin (not a preflight) is a 204 with
                     Allow alone
  same_as_websocket  for each of those origins, the preflight allows exactly
                     what the WebSocket upgrade allows
  real_answers       the shopper's upload (200) and its download, and every
                     refusal (401, 404, 405, 413, 415, 400) carry
                     Access-Control-Allow-Origin and Vary: Origin for a listed
                     origin, on the connection the preflight came on (as a
                     browser sends them); for an origin not listed, or none,
                     the same answers without Access-Control-Allow-Origin

usage: /usr/bin/python3 test_cors.py DESTEK SRCROOT [TEST ...]"""

import asyncio
import http.client
import io
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness
from harness import HOST, Client, Server, TestFailure, check, parse_argv, run

try:
    import websockets.exceptions
except ImportError:  # harness has said so already
    sys.exit(77)

try:
    from PIL import Image
except ImportError:
    print("skip: Pillow (python3-pil) is not installed for", sys.executable)
    sys.exit(77)

DESTEK, SRCROOT = parse_argv()
harness.TEST_TIMEOUT = 120.0

SHOP = "http://shop.example"
SHOP2 = "https://www.shop.example"
WANT_HEADERS = {"authorization", "x-client-id", "content-type"}


def png(w=64, h=48):
    b = io.BytesIO()
    Image.new("RGB", (w, h), (200, 90, 20)).save(b, "PNG")
    return b.getvalue()


# ---------------------------------------------------------------- HTTP

class Http:
    """One keep-alive HTTP connection, as a browser holds one."""

    def __init__(self, srv):
        self.c = http.client.HTTPConnection(HOST, srv.port, timeout=20)

    def __call__(self, method, path, body=None, headers=None):
        """(status, headers: a dict of lower-case names, body)."""
        self.c.request(method, path, body=body, headers=dict(headers or {}))
        r = self.c.getresponse()
        data = r.read()
        hs = {}
        for k, v in r.getheaders():
            k = k.lower()
            hs[k] = hs[k] + ", " + v if k in hs else v
        if r.will_close:
            self.c.close()
        return r.status, hs, data

    def close(self):
        self.c.close()


def once(srv, method, path, body=None, headers=None):
    h = Http(srv)
    try:
        return h(method, path, body, headers)
    finally:
        h.close()


def preflight_headers(origin, method, with_headers=True):
    h = {"Access-Control-Request-Method": method}
    if origin is not None:
        h["Origin"] = origin
    if with_headers:  # what Chromium sends for the widget's XHR and fetch
        h["Access-Control-Request-Headers"] = ("authorization,content-type,x-client-id"
                                               if method == "POST" else "authorization")
    return h


def cors_names(hs):
    return sorted(k for k in hs if k.startswith("access-control-"))


def varies_on_origin(hs):
    return "origin" in [v.strip().lower() for v in hs.get("vary", "").split(",")]


def check_allowed(st, hs, body, origin, method, what):
    check(st == 204, "%s: a preflight from %s is answered 204, not %d" % (what, origin, st), hs)
    check(body == b"" and "content-length" not in hs, "%s: a 204 has no body nor length" % what, hs)
    check(hs.get("access-control-allow-origin") == origin,
          "%s: Access-Control-Allow-Origin is the page's origin itself (%s)" % (what, origin), hs)
    methods = [m.strip() for m in hs.get("access-control-allow-methods", "").split(",")]
    check(method in methods, "%s: the method %s is allowed" % (what, method), hs)
    allowed = {h.strip().lower() for h in hs.get("access-control-allow-headers", "").split(",")}
    check(WANT_HEADERS <= allowed, "%s: Authorization, X-Client-Id, Content-Type allowed" % what, hs)
    age = hs.get("access-control-max-age", "")
    check(age.isdigit() and 60 <= int(age) <= 7200,
          "%s: a Max-Age a browser keeps (Chromium caps it at 7200 s): %r" % (what, age), hs)
    check(varies_on_origin(hs), "%s: Vary: Origin" % what, hs)
    check("access-control-allow-credentials" not in hs, "%s: no credentials (no cookies)" % what, hs)


def check_refused(st, hs, origin, what):
    check(st == 403, "%s: a preflight from %r is refused 403, not %d" % (what, origin[:80], st), hs)
    check(cors_names(hs) == [], "%s: a refused origin gets no CORS header at all" % what, hs)


# ---------------------------------------------------------------- context

class Ctx:
    def __init__(self):
        self.servers = []
        self.clients = []

    def server(self, origins=None):
        extra = ["--limits", "off"]
        if origins is not None:
            extra += ["--origins", origins]
        s = Server(DESTEK, SRCROOT, extra=extra)
        self.servers.append(s)
        return s.start()

    async def shopper(self, srv, origin):
        """A shopper's session token, from a WebSocket opened by a page of origin."""
        c = await Client.open(srv.url, origin=origin)
        self.clients.append(c)
        w = await c.hello()
        return w["session"]

    async def close(self):
        clients, self.clients = self.clients, []
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    def cleanup(self):
        for s in self.servers:
            s.cleanup()
        self.servers = []


def test(fn):
    async def wrapped(ctx):
        try:
            await fn(ctx)
        finally:
            await ctx.close()
            ctx.cleanup()
    wrapped.__name__ = fn.__name__
    return wrapped


async def ws_allows(srv, origin):
    """Whether the WebSocket upgrade from a page of origin gets a welcome."""
    try:
        c = await Client.open(srv.url, origin=origin)
    except (websockets.exceptions.InvalidHandshake, ConnectionError, OSError):
        return False
    try:
        await c.send({"type": "hello"})
        return (await c.recv(3))["type"] == "welcome"
    except (websockets.exceptions.ConnectionClosed, TestFailure):
        return False
    finally:
        await c.close()


REFUSED = [
    "http://evil.example",
    "http://shop.example.evil.example",   # starts like a listed one
    "http://evil.example/http://shop.example",
    "https://shop.example",              # a listed host on another scheme
    "http://shop.example:8080",           # ... on another port
    "null",                               # a sandboxed frame, a file: page
    "http://" + "a" * 1500 + ".example",  # too long to read whole: not "absent"
]


# ---------------------------------------------------------------- tests

@test
async def t_preflight_allowed(ctx):
    srv = ctx.server(SHOP + ", https://WWW.Shop.Example")  # listed in another case
    for origin in (SHOP, SHOP2):
        for path, method in (("/upload", "POST"), ("/attachments/7", "GET")):
            st, hs, body = once(srv, "OPTIONS", path, headers=preflight_headers(origin, method))
            check_allowed(st, hs, body, origin, method, "OPTIONS %s" % path)
    # a preflight without Access-Control-Request-Headers (a plain fetch) too
    st, hs, body = once(srv, "OPTIONS", "/attachments/1",
                        headers=preflight_headers(SHOP, "GET", with_headers=False))
    check_allowed(st, hs, body, SHOP, "GET", "OPTIONS without request headers")
    # the server's own origins stay allowed beside the list
    own = "http://127.0.0.1:%d" % srv.port
    st, hs, body = once(srv, "OPTIONS", "/upload", headers=preflight_headers(own, "POST"))
    check_allowed(st, hs, body, own, "POST", "the server's own origin")

    # --origins '*': any origin, echoed (never the literal *)
    any_srv = ctx.server("*")
    for origin in ("http://anything.example", "https://shop.example:8443"):
        st, hs, body = once(any_srv, "OPTIONS", "/upload", headers=preflight_headers(origin, "POST"))
        check_allowed(st, hs, body, origin, "POST", "--origins *")

    # no --origins: the WebSocket's rule, the server's own origins only
    plain = ctx.server()
    for own in ("http://127.0.0.1:%d" % plain.port, "http://localhost:%d" % plain.port):
        st, hs, body = once(plain, "OPTIONS", "/upload", headers=preflight_headers(own, "POST"))
        check_allowed(st, hs, body, own, "POST", "no --origins, the server's own")
    st, hs, _ = once(plain, "OPTIONS", "/upload", headers=preflight_headers(SHOP, "POST"))
    check_refused(st, hs, SHOP, "no --origins, a shop on another origin")


@test
async def t_preflight_refused(ctx):
    srv = ctx.server(",".join([SHOP, SHOP2]))
    for origin in REFUSED:
        for path, method in (("/upload", "POST"), ("/attachments/7", "GET")):
            st, hs, body = once(srv, "OPTIONS", path, headers=preflight_headers(origin, method))
            check_refused(st, hs, origin, "OPTIONS %s" % path)
            check(varies_on_origin(hs), "a refusal varies on Origin too", hs)
    log = srv.stderr_tail(60)
    check("http://evil.example may not use /upload" in log and "--origins" in log,
          "the refusal is in the log with the origin and what to change: %r" % log[-600:])
    check("a" * 200 not in log, "a long Origin is cut in the log")
    # the other paths answer OPTIONS as before: no CORS there
    for path in ("/widget.js", "/", "/healthz"):
        st, hs, _ = once(srv, "OPTIONS", path, headers=preflight_headers(SHOP, "GET"))
        check(st == 405 and cors_names(hs) == [], "OPTIONS %s stays 405, no CORS: %d" % (path, st), hs)
    # an OPTIONS without an Origin is not a preflight: what the endpoint allows
    st, hs, body = once(srv, "OPTIONS", "/upload")
    check(st == 204 and "POST" in hs.get("allow", "") and cors_names(hs) == [] and body == b"",
          "OPTIONS /upload without Origin: 204 with Allow only (%d)" % st, hs)


@test
async def t_same_as_websocket(ctx):
    for origins in (",".join([SHOP, SHOP2]), None, "*"):
        srv = ctx.server(origins)
        own = ["http://127.0.0.1:%d" % srv.port, "http://localhost:%d" % srv.port]
        for origin in [SHOP, SHOP2] + own + REFUSED:
            st, hs, _ = once(srv, "OPTIONS", "/upload", headers=preflight_headers(origin, "POST"))
            ws = await ws_allows(srv, origin)
            check((st == 204) == ws,
                  "--origins %r, Origin %r: the WebSocket %s, the preflight %d" %
                  (origins, origin[:80], "allows" if ws else "refuses", st), hs)
            if ws:
                check(hs.get("access-control-allow-origin") == origin, "allowed, echoed", hs)
        srv.cleanup()


def answers(srv, origin, token, other_token):
    """Every answer of the two endpoints to a page of origin (None: no Origin
    header): [(what, status, headers)], each request after its preflight on
    one connection, as a browser sends them."""
    out = []
    h = Http(srv)
    base = {"Origin": origin} if origin else {}

    def ask(what, method, path, body=None, headers=None, want=None):
        nonlocal h
        if origin:
            st, hs, _ = h("OPTIONS", path, headers=preflight_headers(origin, method))
            if st != 204:  # what a browser does: the request is never sent
                out.append((what + " (preflight)", st, hs))
                return None
        hd = dict(base)
        hd.update(headers or {})
        st, hs, data = h(method, path, body, hd)
        check(want is None or st == want, "%s: status %d, expected %s" % (what, st, want), data[:200])
        out.append((what, st, hs))
        if hs.get("connection", "").lower() == "close":
            h.close()
            h = Http(srv)
        return data

    auth = {"Authorization": "Session " + token}
    photo = png()
    data = ask("upload", "POST", "/upload", photo,
               dict(auth, **{"X-Client-Id": "u-cors-%s" % (origin or "none")[-12:],
                             "Content-Type": "image/png"}), 200)
    att = None
    if data:
        att = json.loads(data)["attachment"]["id"]
        ask("download", "GET", "/attachments/%d" % att, headers=auth, want=200)
    ask("401 no token", "POST", "/upload", photo, {"Content-Type": "image/png"}, 401)
    ask("401 download", "GET", "/attachments/%d" % (att or 1), headers={"Authorization": "Session x"},
        want=401)
    if att:
        ask("404 another's", "GET", "/attachments/%d" % att,
            headers={"Authorization": "Session " + other_token}, want=404)
    ask("405 GET /upload", "GET", "/upload", headers=auth, want=405)
    ask("415 not a photo", "POST", "/upload", b"just some text\n" * 20, auth, 415)
    ask("400 bad key", "POST", "/upload", photo, dict(auth, **{"X-Client-Id": "a b"}), 400)
    ask("413 over 10 MB", "POST", "/upload", None,
        dict(auth, **{"Content-Length": str(11 * 1024 * 1024)}), 413)
    h.close()
    return out


@test
async def t_real_answers(ctx):
    srv = ctx.server(",".join([SHOP, SHOP2]))
    token = await ctx.shopper(srv, SHOP)
    other = await ctx.shopper(srv, SHOP)
    for what, st, hs in await asyncio.to_thread(answers, srv, SHOP, token, other):
        check(hs.get("access-control-allow-origin") == SHOP,
              "%s (%d) from a listed origin: Access-Control-Allow-Origin %s" % (what, st, SHOP), hs)
        check(varies_on_origin(hs), "%s: Vary: Origin" % what, hs)
        check("access-control-allow-credentials" not in hs, "%s: no credentials" % what, hs)
        check(hs.get("cache-control") == "private, no-store", "%s: still never cached" % what, hs)
    # a page not listed: a browser stops at the preflight; a client that sends
    # the request anyway is answered as ever, with nothing that lets a page read it
    for origin in ("http://evil.example", None):
        got = await asyncio.to_thread(answers, srv, origin, token, other)
        if origin:
            check(got and all(w.endswith("(preflight)") and s == 403 and cors_names(hs) == []
                              for w, s, hs in got),
                  "a page not listed stops at every preflight: %r" % [(w, s) for w, s, _ in got])
            for what, method, path in (("upload", "POST", "/upload"),
                                       ("download", "GET", "/attachments/1")):
                st, hs, _ = once(srv, method, path, png() if method == "POST" else None,
                                 {"Origin": origin, "Authorization": "Session " + token})
                check(st in (200, 404) and cors_names(hs) == [] and varies_on_origin(hs),
                      "%s from %s without a preflight: %d, no CORS header" % (what, origin, st), hs)
            continue
        for what, st, hs in got:
            check(cors_names(hs) == [] and varies_on_origin(hs),
                  "%s (%d) without Origin: no CORS header, Vary: Origin" % (what, st), hs)


TESTS = [
    ("preflight_allowed", t_preflight_allowed),
    ("preflight_refused", t_preflight_refused),
    ("same_as_websocket", t_same_as_websocket),
    ("real_answers", t_real_answers),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
