#!/usr/bin/env python3
"""Durable adds (issue 7, target 3), measured side by side in one run:

  baseline   one Unix-socket round trip (socketpair, echo in another process) plus one SQLite
             INSERT + COMMIT with journal_mode=WAL and synchronous=FULL, per operation;
  one        one client doing event.add against heraldd, each acknowledged after its commit;
  eight      eight client processes doing the same at once (group commit).

Prints the median rate with min-max over --runs runs and the ratios one/baseline (cost) and
eight/one (throughput). Usage: bench/durable_adds.py [--seconds 3] [--runs 5] [--heraldd PATH]
[--json PATH]
"""
import argparse
import json
import multiprocessing as mp
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_heraldd():
    for preset in ("release", "dev"):
        p = os.path.join(ROOT, "build", preset, "daemon", "heraldd")
        if os.path.exists(p):
            return p
    return shutil.which("heraldd") or "heraldd"


def event_line(uid, n):
    ev = {"uid": uid, "title": f"bench event {n}", "start": "2026-05-04T10:00", "tz": "Asia/Almaty",
          "duration": "PT1H", "location": "Astana"}
    return (json.dumps({"jsonrpc": "2.0", "id": n, "method": "event.add", "params": {"event": ev}}) + "\n").encode()


# --- baseline --------------------------------------------------------------------------------

def echo(sock, other):
    other.close()  # or this process would keep its own peer open and never see EOF
    while True:
        data = sock.recv(65536)
        if not data:
            return
        sock.sendall(data)


def baseline(directory, seconds, tag):
    """Operations per second of: socket round trip + durable one-row commit."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    child = mp.Process(target=echo, args=(b, a), daemon=True)
    child.start()
    b.close()
    path = os.path.join(directory, f"baseline{tag}.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, uid TEXT UNIQUE, data TEXT)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        line = event_line(f"base-{n}", n)
        a.sendall(line)
        got = b""
        while len(got) < len(line):
            got += a.recv(65536)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t(uid, data) VALUES(?, ?)", (f"base-{n}", got.decode()))
        db.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    db.close()
    a.close()
    child.join()
    return n / elapsed


# --- heraldd ---------------------------------------------------------------------------------

def adder(sock_path, prefix, seconds, barrier, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    buf, n = b"", 0
    barrier.wait()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        s.sendall(event_line(f"{prefix}-{n}", n))
        while b"\n" not in buf:
            buf += s.recv(65536)
        line, buf = buf.split(b"\n", 1)
        if b'"error"' in line:
            raise SystemExit(f"event.add failed: {line.decode()}")
        n += 1
    out.put((n, time.perf_counter() - start))
    s.close()


def herald_rate(heraldd, directory, clients, seconds, tag):
    sock_path = os.path.join(directory, f"{tag}.sock")
    db = os.path.join(directory, f"{tag}.db")
    proc = subprocess.Popen([heraldd, "--socket", sock_path, "--db", db, "--log-level", "warn"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock_path):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("heraldd did not start")
            time.sleep(0.02)
        barrier, out = mp.Barrier(clients), mp.Queue()
        procs = [mp.Process(target=adder, args=(sock_path, f"{tag}-{i}", seconds, barrier, out)) for i in range(clients)]
        for p in procs:
            p.start()
        results = [out.get(timeout=seconds + 60) for _ in procs]
        for p in procs:
            p.join()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock_path)
        s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"status"}\n')
        buf = b""
        while b"\n" not in buf:
            buf += s.recv(65536)
        s.close()
        st = json.loads(buf)["result"]
        batch = st["committed_requests"] / max(1, st["commits"])
        return sum(n for n, _ in results) / max(t for _, t in results), batch
    finally:
        proc.terminate()
        proc.wait()


def summary(values):
    return f"{statistics.median(values):8.0f}/s  ({min(values):.0f}-{max(values):.0f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each measurement")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--heraldd", default=os.environ.get("HERALDD") or default_heraldd())
    ap.add_argument("--dir", default=os.path.join(ROOT, "build"), help="where the databases go (a real disk)")
    ap.add_argument("--json", help="also write the results as JSON to this path")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    directory = tempfile.mkdtemp(prefix="herald-bench-", dir=args.dir)
    base, one, many, batches = [], [], [], []
    try:
        for r in range(args.runs):
            # Interleaved, so drift in the machine's load affects all three alike.
            base.append(baseline(directory, args.seconds, r))
            one.append(herald_rate(args.heraldd, directory, 1, args.seconds, f"one{r}")[0])
            rate, batch = herald_rate(args.heraldd, directory, args.clients, args.seconds, f"many{r}")
            many.append(rate)
            batches.append(batch)
            print(f"run {r + 1}: baseline {base[-1]:.0f}/s, one client {one[-1]:.0f}/s, "
                  f"{args.clients} clients {many[-1]:.0f}/s (mean batch {batch:.1f} requests)", file=sys.stderr)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    mb, mo, mm = (statistics.median(v) for v in (base, one, many))
    print(f"heraldd: {args.heraldd}; {args.runs} runs of {args.seconds:g} s; databases in {args.dir}")
    print(f"{'raw round trip + durable commit':34} {summary(base)}")
    print(f"{'heraldd, one client':34} {summary(one)}")
    print(f"{f'heraldd, {args.clients} clients':34} {summary(many)}")
    print(f"mean group-commit batch with {args.clients} clients: {statistics.median(batches):.1f} requests")
    print(f"one-client cost / raw baseline cost: {mb / mo:.2f}x   (target <= 1.5x)")
    print(f"{args.clients} clients / one client throughput: {mm / mo:.2f}x   (target >= 3x)")
    if args.json:
        rates = lambda v: {"median": statistics.median(v), "min": min(v), "max": max(v), "samples": v}  # noqa: E731
        with open(args.json, "w") as f:
            json.dump({"seconds": args.seconds, "runs": args.runs, "clients": args.clients,
                       "baseline_per_s": rates(base), "one_per_s": rates(one), "many_per_s": rates(many),
                       "mean_batch": statistics.median(batches), "cost_ratio": mb / mo,
                       "throughput_ratio": mm / mo}, f, indent=1)


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
