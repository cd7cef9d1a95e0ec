#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""No include cycle and no call cycle among the files of a library.

usage: layers.py SOURCE_DIR [SOURCE_DIR ...] -- LIBRARY.a [LIBRARY.a ...]

Includes are read from the sources ('#include "x.h"' between files of the
given directories). Calls are read from the compiled objects with nm: file A
depends on file B when A's object uses a symbol B's object defines (a
function or a table). Each strongly connected group of two or more files is
a cycle, printed with one path through it; the exit status is 1 if any.
"""
import os
import re
import subprocess
import sys


def sccs(graph):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        n = stack.pop()
                        on.discard(n)
                        comp.append(n)
                        if n == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def a_path(graph, comp):
    """A cycle through the component, to show where it closes."""
    members = set(comp)
    start = comp[0]
    prev, queue = {start: None}, [start]
    while queue:
        n = queue.pop(0)
        for m in sorted(graph[n]):
            if m == start:
                path = [n]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if m in members and m not in prev:
                prev[m] = n
                queue.append(m)
    return comp


def include_graph(dirs):
    files = {}
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in names:
                if n.endswith((".c", ".h")):
                    files[n] = os.path.join(root, n)
    graph = {n: set() for n in files}
    for n, path in files.items():
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', f.read(), re.M):
                inc = os.path.basename(m.group(1))
                if inc in files and inc != n:
                    graph[n].add(inc)
    return graph


def call_graph(libs):
    defined, used = {}, {}
    for lib in libs:
        out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            # lib.a:dir/member.c.o:0000000000000000 T name, or with U and no address
            m = re.match(r"^(.+?\.a):(.+?\.o):\s*[0-9a-fA-F]*\s+(\w)\s+(\S+)$", line)
            if not m:
                continue
            obj = re.sub(r"\.o$", "", os.path.basename(m.group(2)))
            kind, sym = m.group(3), m.group(4)
            used.setdefault(obj, set())
            if kind == "U":
                used[obj].add(sym)
            elif kind in "TDRB":
                defined.setdefault(sym, obj)
    graph = {obj: set() for obj in used}
    for obj, syms in used.items():
        for sym in syms:
            if sym in defined and defined[sym] != obj:
                graph[obj].add(defined[sym])
    return graph


def main(argv):
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index("--")
    dirs, libs = argv[1:cut], argv[cut + 1:]
    bad = 0
    for what, graph in (("include", include_graph(dirs)), ("call", call_graph(libs))):
        found = sccs(graph)
        for comp in found:
            bad += 1
            print(f"{what} cycle: " + " -> ".join(a_path(graph, comp)))
        print(f"{what}s: {len(graph)} files, {sum(len(v) for v in graph.values())} edges, "
              f"{len(found)} cycles")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
