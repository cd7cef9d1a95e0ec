# SPDX-License-Identifier: MIT
"""The web directory's files over HTTP (channels/ws/ws_static.c), against the
real server.

  encodings     Accept-Encoding honoured: br, gzip, identity, q=0 refusals, *,
                ties; the compressed bodies decode to the file; Vary,
                Content-Type, Content-Length; a strong ETag per representation
  cache         Cache-Control: the loader 5 minutes, versioned names a year and
                immutable (another release's hash: today's file, not for a
                year), pages revalidated; the {{v:NAME}} marks are written; the
                console's service worker served as JavaScript, revalidated, under
                a CSP that lets the console register it
  revalidate    If-None-Match: 304 with no body for the representation's own
                ETag (W/, lists, *), 200 for another one
  head          HEAD: the GET's headers and Content-Length, no body
  errors        404 for what is not there (and HEAD of it), /agent → 301
                /agent/, a POST refused, the security headers on every answer
  keepalive     one connection: /healthz, files, a 304, a 404, a large file
  symlinks      a symlink out of the web directory: 403 (HEAD too), the rest served
  no_web_dir    --web on a missing directory: the server starts, files 404,
                /healthz answers

usage: /usr/bin/python3 test_static.py DESTEK SRCROOT [TEST ...]"""

import gzip
import http.client
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
from harness import Server, check, parse_argv, run

try:
    import brotli  # Debian's python3-brotli
except ImportError:
    brotli = None

DESTEK, SRCROOT = parse_argv()
WEB = os.path.join(SRCROOT, "channels", "web")


class Ctx:
    def __init__(self):
        self.servers = {}

    def server(self, name="default", extra=()):
        if name not in self.servers:
            self.servers[name] = Server(DESTEK, SRCROOT, extra=list(extra)).start()
        s = self.servers[name]
        check(s.alive(), "server %s died: %s" % (name, s.stderr_tail()))
        return s

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


def request(port, path, headers=None, method="GET", conn=None):
    """(status, headers as a lower-case dict, body bytes as sent)."""
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        if conn is None:
            c.close()


def disk(name):
    with open(os.path.join(WEB, name), "rb") as f:
        return f.read()


def app_name(port):
    st, _, body = request(port, "/widget.js")
    m = re.search(rb"widget-app\.[0-9a-f]{12}\.js", body)
    check(st == 200 and m, "the loader names no versioned widget-app: %d" % st)
    return "/" + m.group(0).decode()


def decode(enc, body):
    if enc == "gzip":
        return gzip.decompress(body)
    if enc == "br":
        return brotli.decompress(body) if brotli else None
    return body


async def t_encodings(ctx):
    port = ctx.server().port
    plain = disk("agent.js")  # no marks: served as on disk
    st, h, _ = request(port, "/agent/agent.js", {"Accept-Encoding": "br"})
    has_br = h.get("content-encoding") == "br"
    if not has_br:
        print("      (this build has no brotli: br is never chosen)")
    cases = [
        ("gzip, deflate, br", "br" if has_br else "gzip"),
        ("gzip", "gzip"),
        ("br", "br" if has_br else "identity"),
        ("", "identity"),
        (None, "identity"),
        ("identity", "identity"),
        ("br;q=0, gzip;q=0", "identity"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0.2, gzip;q=0.8", "gzip"),
        ("gzip;q=0.5, br;q=0.5", "br" if has_br else "gzip"),
        ("*", "br" if has_br else "gzip"),
        ("*;q=0, gzip", "gzip"),
        ("GZIP", "gzip"),
        ("deflate, compress", "identity"),
        ("identity;q=0", "identity"),  # nothing acceptable: the file as it is still
    ]
    etags = {}
    for accept, want in cases:
        hdrs = {} if accept is None else {"Accept-Encoding": accept}
        st, h, body = request(port, "/agent/agent.js", hdrs)
        got = h.get("content-encoding", "identity")
        check(st == 200 and got == want,
              "Accept-Encoding %r: %d %s, expected %s" % (accept, st, got, want))
        check(h.get("vary", "").lower() == "accept-encoding", "no Vary: %r" % h.get("vary"))
        check(h.get("content-type") == "text/javascript; charset=utf-8",
              "Content-Type %r" % h.get("content-type"))
        check(int(h.get("content-length", -1)) == len(body),
              "Content-Length %s for %d bytes" % (h.get("content-length"), len(body)))
        dec = decode(got, body)
        check(dec is None or dec == plain, "%s body does not decode to the file" % got)
        if got != "identity":
            check(len(body) < len(plain) // 2, "%s: %d of %d bytes" % (got, len(body), len(plain)))
        check(re.fullmatch(r'"[0-9a-f]{12}(-gz|-br)?"', h.get("etag", "")),
              "not a strong ETag: %r" % h.get("etag"))
        etags.setdefault(got, set()).add(h["etag"])
    check(all(len(v) == 1 for v in etags.values()), "one ETag per representation: %r" % etags)
    check(len({next(iter(v)) for v in etags.values()}) == len(etags),
          "representations share an ETag: %r" % etags)
    for path, ctype in (("/", "text/html; charset=utf-8"), ("/shop.css", "text/css; charset=utf-8"),
                        ("/agent/", "text/html; charset=utf-8")):
        st, h, _ = request(port, path, {"Accept-Encoding": "gzip"})
        check(st == 200 and h.get("content-type") == ctype and h.get("content-encoding") == "gzip",
              "%s: %d %r %r" % (path, st, h.get("content-type"), h.get("content-encoding")))


async def t_cache(ctx):
    port = ctx.server().port
    st, h, loader = request(port, "/widget.js")
    check(h.get("cache-control") == "public, max-age=300", "the loader: %r" % h.get("cache-control"))
    check(b"{{v:" not in loader and b"{{v:" in disk("widget.js"), "the loader's mark is not written")
    app = app_name(port)
    st, h, body = request(port, app)
    check(st == 200 and h.get("cache-control") == "public, max-age=31536000, immutable",
          "%s: %d %r" % (app, st, h.get("cache-control")))
    check(body == disk("widget-app.js"), "%s is not widget-app.js" % app)
    check(h["etag"] == '"%s"' % app.split(".")[1], "the versioned name is not its ETag: %s %s"
          % (app, h["etag"]))
    st, h, body2 = request(port, "/widget-app.js")
    check(st == 200 and h.get("cache-control") == "no-cache" and body2 == body,
          "/widget-app.js: %d %r" % (st, h.get("cache-control")))
    st, h, body3 = request(port, "/widget-app.0123456789ab.js")  # a page of another release
    check(st == 200 and h.get("cache-control") == "no-cache" and body3 == body,
          "another release's name: %d %r" % (st, h.get("cache-control")))
    st, h, page = request(port, "/")
    check(st == 200 and h.get("cache-control") == "no-cache", "/: %r" % h.get("cache-control"))
    m = re.search(rb'href="/(shop\.[0-9a-f]{12}\.css)"', page)
    check(m and b"{{v:" not in page, "the demo page does not name shop.css by its version")
    st, h, css = request(port, "/" + m.group(1).decode())
    check(st == 200 and "immutable" in h.get("cache-control", "") and css == disk("shop.css"),
          "%s: %d %r" % (m.group(1), st, h.get("cache-control")))
    st, _, _ = request(port, "/widget-app.0123456789ab.css")
    check(st == 404, "a versioned name of no file: %d" % st)
    # the console's service worker: JavaScript, revalidated (a new one is seen at once),
    # under a CSP whose script-src (worker-src falls back to it) lets the page register it
    for path in ("/agent-sw.js", "/agent/agent-sw.js"):
        st, h, body = request(port, path)
        csp = h.get("content-security-policy", "")
        check(st == 200 and body == disk("agent-sw.js") and
              h.get("content-type") == "text/javascript; charset=utf-8" and
              h.get("cache-control") == "no-cache" and "script-src 'self'" in csp and
              ("worker-src" not in csp or "worker-src 'self'" in csp), "%s: %d %r %r %r" % (path, st, h.get("content-type"),
                                                            h.get("cache-control"), csp))


async def t_revalidate(ctx):
    port = ctx.server().port
    app = app_name(port)
    for path in ("/", "/widget.js", app, "/agent/agent.css"):
        for enc in ("br", "gzip", "identity"):
            st, h, _ = request(port, path, {"Accept-Encoding": enc})
            etag = h["etag"]
            for inm in (etag, "W/" + etag, '"nope", ' + etag, "*"):
                st, h2, body = request(port, path, {"Accept-Encoding": enc, "If-None-Match": inm})
                check(st == 304 and body == b"", "%s %s If-None-Match %s: %d, %d bytes"
                      % (path, enc, inm, st, len(body)))
                check(h2.get("etag") == etag and h2.get("cache-control") == h.get("cache-control"),
                      "%s: the 304's ETag %r / Cache-Control %r" % (path, h2.get("etag"),
                                                                     h2.get("cache-control")))
                check("content-encoding" not in h2, "a 304 with Content-Encoding")
                if "vary" in h:
                    check(h2.get("vary") == h["vary"], "%s: the 304 without Vary" % path)
            st, _, body = request(port, path, {"Accept-Encoding": enc, "If-None-Match": '"0000"'})
            check(st == 200 and body, "%s: another ETag answered %d" % (path, st))
    # the gzip representation's tag does not stand for the identity one
    st, h, _ = request(port, "/widget.js", {"Accept-Encoding": "gzip"})
    st, _, body = request(port, "/widget.js", {"If-None-Match": h["etag"]})
    check(st == 200 and body == request(port, "/widget.js")[2],
          "the gzip ETag for an identity request answered %d" % st)


async def t_head(ctx):
    port = ctx.server().port
    for path in ("/", "/widget.js", app_name(port), "/agent/", "/agent/agent.js"):
        for enc in ("br", "gzip", "identity"):
            st, g, gbody = request(port, path, {"Accept-Encoding": enc})
            st2, h, hbody = request(port, path, {"Accept-Encoding": enc}, method="HEAD")
            check(st2 == 200 and hbody == b"", "HEAD %s: %d, %d bytes" % (path, st2, len(hbody)))
            for k in ("content-length", "content-type", "content-encoding", "etag",
                      "cache-control", "vary", "content-security-policy"):
                check(g.get(k) == h.get(k), "HEAD %s %s: %s %r, GET %r" % (path, enc, k, h.get(k),
                                                                        g.get(k)))
            check(int(h["content-length"]) == len(gbody), "HEAD %s: Content-Length" % path)
            st3, h3, body3 = request(port, path, {"Accept-Encoding": enc,
                                                  "If-None-Match": g["etag"]}, method="HEAD")
            check(st3 == 304 and body3 == b"", "HEAD %s with its ETag: %d" % (path, st3))


async def t_errors(ctx):
    port = ctx.server().port
    for path in ("/nope.js", "/agent/nope.html", "/sub/widget.js", "/.hidden", "/widget.js/x"):
        st, h, body = request(port, path)
        check(st == 404, "%s: %d" % (path, st))
        check(h.get("cache-control") == "no-store", "%s: a 404 cached: %r" % (path, h.get("cache-control")))
        st, h, body = request(port, path, method="HEAD")
        check(st == 404 and body == b"", "HEAD %s: %d, %d bytes" % (path, st, len(body)))
    st, h, _ = request(port, "/agent")
    check(st == 301 and h.get("location") == "/agent/", "/agent: %d %r" % (st, h.get("location")))
    st, h, _ = request(port, "/widget.js?v=1")
    check(st == 200, "a query string: %d" % st)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("POST", "/widget.js", body=b"ab")
        r = c.getresponse()
        r.read()
        check(r.status == 405 and r.getheader("allow") == "GET, HEAD",
              "POST /widget.js: %d %r" % (r.status, r.getheader("allow")))
    finally:
        c.close()
    for path in ("/", "/widget.js", "/nope.js"):
        st, h, _ = request(port, path)
        csp = h.get("content-security-policy", "")
        check("script-src 'self'" in csp and "frame-ancestors 'none'" in csp,
              "%s without the CSP: %r" % (path, csp))
        check(h.get("x-content-type-options") == "nosniff", "%s without nosniff" % path)
        check(h.get("referrer-policy") == "no-referrer", "%s without Referrer-Policy" % path)


async def t_keepalive(ctx):
    port = ctx.server().port
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        st, _, body = request(port, "/healthz", conn=c)
        check(st == 200 and body.strip() == b"ok", "/healthz: %d" % st)
        st, h, body = request(port, "/widget.js", {"Accept-Encoding": "gzip"}, conn=c)
        check(st == 200 and gzip.decompress(body).startswith(b"/*"), "the loader after /healthz")
        st, _, _ = request(port, "/widget.js", {"Accept-Encoding": "gzip", "If-None-Match": h["etag"]},
                           conn=c)
        check(st == 304, "a 304 on the same connection: %d" % st)
        st, _, _ = request(port, "/nope", conn=c)
        check(st == 404, "a 404 on the same connection: %d" % st)
        st, _, body = request(port, "/agent/agent.js", conn=c)
        check(st == 200 and body == disk("agent.js"), "agent.js (%d bytes, in chunks)" % len(body))
        st, _, body = request(port, "/readyz", conn=c)
        check(st == 200, "/readyz after files: %d" % st)
    finally:
        c.close()


async def t_symlinks(ctx):
    work = tempfile.mkdtemp(prefix="destek-web-")
    web = os.path.join(work, "web")
    shutil.copytree(WEB, web)
    os.symlink("/etc/passwd", os.path.join(web, "passwd.txt"))
    os.symlink("/etc", os.path.join(web, "etcdir"))
    os.symlink(os.path.join(web, "shop.css"), os.path.join(web, "alias.css"))  # inside: served
    try:
        port = ctx.server("symlinks", ["--web", web]).port
        for method in ("GET", "HEAD"):
            st, _, body = request(port, "/passwd.txt", method=method)
            check(st == 403 and b"root:" not in body, "%s /passwd.txt: %d" % (method, st))
        for path in ("/etcdir/passwd", "/agent/../passwd.txt", "/%2e%2e/etc/passwd"):
            st, _, body = request(port, path)
            check(st in (403, 404) and b"root:" not in body, "%s: %d" % (path, st))
        st, _, body = request(port, "/alias.css")
        check(st == 200 and body == disk("shop.css"), "a symlink inside: %d" % st)
        st, _, _ = request(port, "/widget.js")
        check(st == 200, "the shop's files: %d" % st)
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def t_no_web_dir(ctx):
    s = ctx.server("noweb", ["--web", "/nonexistent/destek-web"])
    st, _, _ = request(s.port, "/widget.js")
    check(st == 404, "no web directory: /widget.js %d" % st)
    st, _, body = request(s.port, "/healthz")
    check(st == 200 and body.strip() == b"ok", "/healthz: %d" % st)


TESTS = [
    ("encodings", t_encodings),
    ("cache", t_cache),
    ("revalidate", t_revalidate),
    ("head", t_head),
    ("errors", t_errors),
    ("keepalive", t_keepalive),
    ("symlinks", t_symlinks),
    ("no_web_dir", t_no_web_dir),
]

if __name__ == "__main__":
    run(TESTS, Ctx)
