#!/usr/bin/env bash
# The layers hold: every arrow between files of bench/ (an #include, or a symbol one object takes
# from another, read with nm from the built objects) runs down the declared order, no files call
# or include each other round a circle, and no function in bench/ is longer than 100 lines.
# A layer keeps to itself what it is for only if nothing below it can reach it: an upward arrow is
# a dependency that the next change will trip over, and a circle is two files that cannot be
# understood (or tested) one without the other.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

if ! command -v python3 >/dev/null || ! command -v nm >/dev/null; then
	missing "layers" "python3 and nm (binutils) read the include and call graphs"
	exit 0
fi
OBJ=build/$(uname -m)
if [ ! -d "$OBJ/bench" ]; then
	fail "layers: objects" "$OBJ/bench holds no objects: run make test-programs first"
	exit 1
fi

python3 - "$OBJ" <<'PY'
import os, re, subprocess, sys
from collections import defaultdict

# The declared order, top to bottom: a layer may use only the layers below it (or itself).
LAYERS = [
    ("cmd",     "parses the command line, calls one layer below, prints and exits"),
    ("sweep",   "walks a run's or a check's cases and owns the run directory under way"),
    ("render",  "turns results and verdicts into text, Markdown, HTML and figures"),
    ("check",   "judges measurements against the platform's model: verdicts and evidence"),
    ("vm",      "the microVM, a target measured from inside a guest"),
    ("measure", "times one case on a target: throughput, latency, stop rules"),
    ("results", "the records a run keeps: results.csv, metadata.json, their schema"),
    ("targets", "what is written to: RAM, a file, a BAR, and what memory type it has"),
    ("core",    "the machine: timers, CPUs, placement, faults, statistics"),
    ("common",  "plain C helpers any layer may use: parsing, escaping, JSON, safe files"),
]
# Leaves: anything may use them, they use nothing of bench/.
LEAVES = {
    "kernels": "the store kernels, built into the microVM's payload too",
    "vfio":    "the VFIO and PCI sysfs access, usable without wcbench",
}
RANK = {name: len(LAYERS) - i for i, (name, _) in enumerate(LAYERS)}
MAX_FUNC_LINES = 100

obj_dir = sys.argv[1]
failed = 0


def fail(name, why):
    global failed
    failed += 1
    print(f"not ok - {name}: {why}")


def layer(path):
    """bench/measure/measure.c -> measure; kernels/x86_64/store_x86.c -> kernels."""
    parts = path.split("/")
    return parts[1] if parts[0] == "bench" else parts[0]


def unit(path):
    """A .c and its own .h are one file: bench/measure/measure.{c,h} -> measure/measure."""
    stem = os.path.splitext(path)[0]
    return stem[len("bench/"):] if stem.startswith("bench/") else stem


def allowed(src, dst):
    """Whether layer src may use layer dst."""
    if src == dst:
        return True
    if src in LEAVES:
        return dst in LEAVES
    if dst in LEAVES:
        return True
    if src not in RANK or dst not in RANK:
        return False
    return RANK[src] > RANK[dst]


def why_not(src, dst):
    if src in LEAVES:
        return f"{src} is a leaf and uses nothing of bench/"
    if src not in RANK or dst not in RANK:
        unknown = src if src not in RANK else dst
        return f"{unknown} is no declared layer"
    return f"{dst} is above {src}"


def sources():
    out = []
    for top in ("bench", "kernels", "vfio"):
        for root, dirs, files in os.walk(top):
            # the payload is a freestanding image of its own, linked apart
            if root.startswith("bench/vm/payload"):
                continue
            # bench/ holds its layers one folder deep; deeper folders are not compiled
            if top == "bench" and root.count("/") != 1:
                continue
            out += [os.path.join(root, f) for f in files if f.endswith((".c", ".h"))]
    return sorted(out)


files = sources()
fileset = set(files)

# (a) includes: "dir/file.h" from -Ibench, -Ikernels, -Ivfio, or beside the including file.
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
edges = defaultdict(set)   # (from file, to file, kind) -> what: headers or symbols
for f in files:
    with open(f, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = INCLUDE.match(line)
            if not m:
                continue
            name = m.group(1)
            for base in (os.path.dirname(f), "bench", "kernels", "vfio"):
                cand = os.path.normpath(os.path.join(base, name))
                if cand in fileset:
                    edges[(f, cand, "include")].add(name)
                    break

# (b) calls and references: each object's undefined symbols, resolved to the object defining them.
arch = os.uname().machine


def other_arch(f):
    """kernels/aarch64/ on x86_64: its source is read for includes, but no object is built."""
    parts = f.split("/")
    return parts[0] == "kernels" and len(parts) == 3 and parts[1] not in ("generic", arch)


objects = {}
missing_obj = []
for f in files:
    if not f.endswith(".c") or other_arch(f):
        continue
    o = os.path.join(obj_dir, f[:-2] + ".o")
    if not os.path.exists(o):
        missing_obj.append(o)
    elif os.path.getmtime(o) < os.path.getmtime(f):
        missing_obj.append(o + " (older than its source)")
    else:
        objects[f] = o
if missing_obj:
    fail("layers: objects", f"{', '.join(missing_obj[:5])}{' ...' if len(missing_obj) > 5 else ''}"
         " missing or stale: run make test-programs first")
    sys.exit(1)

nm = subprocess.run(["nm", "-P", "-A"] + list(objects.values()), capture_output=True, text=True)
if nm.returncode != 0:
    fail("layers: nm", nm.stderr.strip().splitlines()[0] if nm.stderr else f"exit {nm.returncode}")
    sys.exit(1)
by_obj = {o: f for f, o in objects.items()}
defined, undefined = {}, defaultdict(set)
for line in nm.stdout.splitlines():
    # "build/x86_64/bench/x.o: name T 0 10"
    head, _, rest = line.partition(": ")
    fields = rest.split()
    if len(fields) < 2 or head not in by_obj:
        continue
    sym, kind = fields[0], fields[1]
    if kind in "Uwv":
        undefined[by_obj[head]].add(sym)
    elif kind.isupper():
        defined.setdefault(sym, by_obj[head])
for f, syms in undefined.items():
    for s in syms:
        d = defined.get(s)
        if d and d != f:
            edges[(f, d, "call")].add(s)

# Every arrow down the order.
bad_arrow = 0
for (src, dst, kind), what in sorted(edges.items()):
    if unit(src) == unit(dst) or allowed(layer(src), layer(dst)):
        continue
    bad_arrow += 1
    verb = "includes" if kind == "include" else "uses"
    fail(f"layers: {unit(src)} -> {unit(dst)}",
         f"{src} {verb} {', '.join(sorted(what))} from {dst} ({why_not(layer(src), layer(dst))})")
if not bad_arrow:
    print(f"ok - layers: {len(edges)} include and call arrows between files, all down "
          + " > ".join(n for n, _ in LAYERS) + " (kernels, vfio leaves)")

# No circles: strongly connected components of the file graph (a .c with its .h one file).
# Among bench/'s files: the leaves' insides are their own (kernels.c's table of the arch's
# kernels, which include kernels.h through store_loop.h, is how a leaf lists its parts).
graph, why = defaultdict(set), defaultdict(list)
for (src, dst, kind), what in edges.items():
    a, b = unit(src), unit(dst)
    if a != b and layer(src) not in LEAVES and layer(dst) not in LEAVES:
        graph[a].add(b)
        why[(a, b)] += sorted(what)
nodes = sorted(set(graph) | {b for s in graph.values() for b in s})
index, low, stack, on, sccs = {}, {}, [], set(), []
sys.setrecursionlimit(10000)


def strongconnect(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in sorted(graph[v]):
        if w not in index:
            strongconnect(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


for v in nodes:
    if v not in index:
        strongconnect(v)
for comp in sorted(sccs):
    members = set(comp)
    arrows = [f"{a} -> {b} ({', '.join(sorted(set(why[(a, b)]))[:3])})"
              for a in comp for b in sorted(graph[a]) if b in members]
    fail(f"layers: circle {' <-> '.join(comp)}", "; ".join(arrows))
if not sccs:
    print(f"ok - layers: no circle among {len(nodes)} files")

# No function longer than MAX_FUNC_LINES: from its signature (the first line at column 0 above
# the body's '{' at column 0) to its closing '}' at column 0.
long_funcs = 0
for f in files:
    if not f.startswith("bench/"):
        continue
    with open(f, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split("\n")
    start = None
    for i, line in enumerate(lines):
        if line.startswith("{"):
            start = i
            while start > 0 and (lines[start - 1][:1] in ("\t", " ") or lines[start - 1] == "{") \
                    and lines[start - 1].strip():
                start -= 1
            start -= 1
            if start < 0 or not lines[start].strip():
                start = i
        elif line.startswith("}") and start is not None:
            length = i - start + 1
            if length > MAX_FUNC_LINES:
                m = re.search(r"(\w+)\s*\(", lines[start])
                name = m.group(1) if m else lines[start].strip()
                long_funcs += 1
                fail(f"layers: {name} is {length} lines",
                     f"{f}:{start + 1}: {name} runs {length} lines (at most {MAX_FUNC_LINES})")
            start = None
if not long_funcs:
    print(f"ok - layers: no function in bench/ over {MAX_FUNC_LINES} lines")

# Header guards named after their files: WCBENCH_<DIR>_<FILE>_H (two headers with one guard hide
# each other; a stale name sends a reader to a file that is gone).
bad_guards = 0
for f in files:
    if not (f.startswith("bench/") and f.endswith(".h")) or f.count("/") != 2:
        continue
    d, name = f.split("/")[1:3]
    want = "WCBENCH_%s_%s_H" % (d.upper(), re.sub(r"\W", "_", name[:-2]).upper())
    with open(f, encoding="utf-8", errors="replace") as fh:
        m = re.search(r"^#ifndef (\w+)\n#define \1$", fh.read(), re.M)
    if not m or m.group(1) != want:
        bad_guards += 1
        fail(f"layers: {f}'s header guard", f"{m.group(1) if m else 'none'}, want {want}")
if not bad_guards:
    print("ok - layers: every header's guard is named after its file")
sys.exit(1 if failed else 0)
PY
