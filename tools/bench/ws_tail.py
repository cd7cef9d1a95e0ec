#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 16's fourth row, with the server's stall counts: per round, each
variant in turn runs a fresh `destek serve` (DESTEK_STALLS=1, a fresh SQLite
database, --limits off --hours open) and tools/loadgen with 10,000
connections x 3 messages, 5,000 messages/s offered, a 5 s ramp. Prints per
run the load average, p50/p99, and from the server's log (when the build
has channels/ws/ws_stalls.c) the loop turns of the message phase (the
seconds with frames and no connection opening or closing) over 2/5/10 ms of
wall time and over 5 ms of the loop thread's CPU, the commits over
1/2/5/10/20 ms and the checkpoint thread's figures; then the medians of
p99 and of the counts per variant.

usage: tools/bench/ws_tail.py LOADGEN_BUILD LABEL=BUILD[,ENV=VALUE...] ... [--rounds 3]
  e.g. tools/bench/ws_tail.py build-release main=/tmp/base/build-release \\
           inline=build-release,DESTEK_CHECKPOINTS=inline thread=build-release
Loopback only."""

import argparse
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time

SECOND = re.compile(
    r"second \d+: (\d+) turns, over 2/5/10 ms (\d+)/(\d+)/(\d+), CPU over 5 ms (\d+), "
    r"max ([\d.]+) ms \(CPU ([\d.]+)\); frames (\d+), opens (\d+), closes (\d+)")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)


def parse(loadgen_out, server_log):
    r = {}
    m = re.search(r"p50 ([\d.]+)\s+p90 ([\d.]+)\s+p99 ([\d.]+)\s+max ([\d.]+)", loadgen_out)
    if m:
        r["p50"], r["p99"], r["max"] = float(m.group(1)), float(m.group(3)), float(m.group(4))
    m = re.search(r"^errors\s+(\d+)", loadgen_out, re.M)
    r["errors"] = int(m.group(1)) if m else -1
    secs = [tuple(float(x) for x in s) for s in SECOND.findall(server_log)]
    msg = [s for s in secs if s[7] >= 1000 and s[8] == 0 and s[9] == 0]
    if msg:
        r["turns>2"] = sum(s[1] for s in msg)
        r["turns>5"] = sum(s[2] for s in msg)
        r["turns>10"] = sum(s[3] for s in msg)
        r["cpu>5"] = sum(s[4] for s in msg)
        r["phase_s"] = len(msg)
    m = re.search(r"commit \(wall\): \d+.*over 1/2/5/10/20 ms: ([\d/]+)", server_log)
    if m:
        r["commits"] = m.group(1)
    m = re.search(r"checkpoints in the store's thread: .*", server_log)
    if m:
        r["checkpoints"] = m.group(0)
    return r


def run(loadgen, build, env, port, work):
    db = os.path.join(work, "t.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    e = dict(os.environ, DESTEK_STALLS="1")
    e.update(env)  # DESTEK_STALLS=0 runs without the counts
    log = open(os.path.join(work, "server.log"), "w+")
    srv = subprocess.Popen([os.path.join(build, "destek"), "serve", "--db", db, "--kb", "intents",
                            "--limits", "off", "--port", str(port), "--host", "127.0.0.1",
                            "--hours", "open"], env=e, stdout=log, stderr=subprocess.STDOUT)
    wait_port(port)
    time.sleep(0.5)
    load = open("/proc/loadavg").read().split()[0]
    out = subprocess.run([os.path.join(loadgen, "tools", "loadgen", "loadgen"), "--url",
                          f"ws://127.0.0.1:{port}/ws/chat", "--connections", "10000",
                          "--messages", "3", "--rate", "5000", "--ramp", "5", "--server-pid",
                          str(srv.pid)], capture_output=True, text=True).stdout
    srv.terminate()
    srv.wait()
    log.seek(0)
    r = parse(out, log.read())
    log.close()
    r["load"] = load
    return r


def show(label, r):
    stalls = ""
    if "turns>5" in r:
        stalls = (f" | message phase ({r['phase_s']} s): turns >2/5/10 ms {r['turns>2']:.0f}/"
                  f"{r['turns>5']:.0f}/{r['turns>10']:.0f}, CPU >5 ms {r['cpu>5']:.0f}"
                  f" | commits >1/2/5/10/20 ms {r.get('commits', '-')}")
    print(f"  {label:10s} load {r['load']:>5}  p50 {r.get('p50', -1):7.2f}  p99 {r.get('p99', -1):8.2f}"
          f"  errors {r['errors']}{stalls}", flush=True)
    if "checkpoints" in r:
        print(f"  {'':10s} {r['checkpoints']}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("loadgen")
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    variants = []
    for v in a.variants:
        label, rest = v.split("=", 1)
        parts = rest.split(",")
        env = dict(p.split("=", 1) for p in parts[1:])
        variants.append((label, parts[0], env))
    port = free_port()
    results = {label: [] for label, _, _ in variants}
    with tempfile.TemporaryDirectory() as work:
        for rnd in range(1, a.rounds + 1):
            print(f"round {rnd}", flush=True)
            for label, build, env in variants:
                r = run(a.loadgen, build, env, port, work)
                results[label].append(r)
                show(label, r)
    print("medians")
    for label, rs in results.items():
        line = f"  {label:10s} p99 {statistics.median(r.get('p99', -1) for r in rs):8.2f} ms"
        if all("turns>5" in r for r in rs):
            line += "  message-phase turns >5 ms %.0f, >10 ms %.0f, CPU >5 ms %.0f" % (
                statistics.median(r["turns>5"] for r in rs),
                statistics.median(r["turns>10"] for r in rs),
                statistics.median(r["cpu>5"] for r in rs))
        print(line)


if __name__ == "__main__":
    main()
