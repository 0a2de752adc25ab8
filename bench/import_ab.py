#!/usr/bin/env python3
"""Import cost of two heraldd builds side by side (issue 18, target 4): the same generated .ics
(gen.py) imported into a fresh database by each build in turn, runs interleaved. Prints per event
the wall time and the daemon's own CPU time (user + system from /proc: less disturbed than wall
time by the other processes of a shared machine), the WAL's size at the end and the ratio of the
CPU medians (B / A). Only ratios measured in one run mean anything.

  python3 bench/import_ab.py --sizes 10000,100000 --runs 3 A_BINDIR B_BINDIR

A bindir is a build directory holding daemon/heraldd (e.g. build/release of two worktrees, or a
copy of an older heraldd under DIR/daemon/heraldd).
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK = 400_000  # characters per calendar.import chunk (the daemon's line limit is 1 MiB)


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def call(sock, buf, n, method, params):
    """One request; returns (result, the bytes read past its reply)."""
    sock.sendall((json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params}) + "\n").encode())
    while b"\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("heraldd closed the connection")
        buf += data
    line, buf = buf.split(b"\n", 1)
    reply = json.loads(line)
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"], buf


def import_once(bindir, ics_text, work):
    """Imports into a fresh database; returns (wall s, daemon CPU s, events added, WAL bytes)."""
    root = tempfile.mkdtemp(prefix="import-ab-", dir=work)
    sock_path = os.path.join(root, "s")
    proc = subprocess.Popen([os.path.join(bindir, "daemon", "heraldd"), "--socket", sock_path, "--db",
                             os.path.join(root, "h.db"), "--log-level", "error"],
                            env=dict(os.environ, TZ="Asia/Bishkek"), stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while not os.path.exists(sock_path):
            if time.time() > deadline:
                raise RuntimeError("heraldd did not start")
            time.sleep(0.02)
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(sock_path)
        buf, cpu0, t0 = b"", cpu_seconds(proc.pid), time.perf_counter()
        for n, off in enumerate(range(0, len(ics_text), CHUNK), 1):
            final = off + CHUNK >= len(ics_text)
            result, buf = call(sock, buf, n, "calendar.import", {"chunk": ics_text[off:off + CHUNK], "final": final})
        wall, cpu = time.perf_counter() - t0, cpu_seconds(proc.pid) - cpu0
        wal = os.path.join(root, "h.db-wal")
        sock.close()
        return wall, cpu, result["added"], os.path.getsize(wal) if os.path.exists(wal) else 0
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="bindir A (the baseline)")
    ap.add_argument("b", help="bindir B")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"load average before: {open('/proc/loadavg').read().split()[:3]}")
    for n in (int(s) for s in args.sizes.split(",")):
        work = tempfile.mkdtemp(prefix=f"import-ab-{n}-")
        try:
            subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(n), work, "--formats", "ics"],
                           check=True)
            with open(os.path.join(work, "events.ics"), encoding="utf-8") as f:
                text = f.read()
            runs = {"A": [], "B": []}
            for _ in range(args.runs):
                for key, bindir in (("A", args.a), ("B", args.b)):
                    runs[key].append(import_once(bindir, text, work))
            cpu = {}
            for key in ("A", "B"):
                walls, cpus = [r[0] for r in runs[key]], [r[1] for r in runs[key]]
                cpu[key] = statistics.median(cpus)
                print(f"N={n:,} {key}: wall {statistics.median(walls) / n * 1e6:.0f} us/event "
                      f"({min(walls):.2f}-{max(walls):.2f} s), daemon CPU {cpu[key] / n * 1e6:.0f} us/event, "
                      f"WAL {runs[key][-1][3] / 1e6:.1f} MB, {runs[key][-1][2]:,} added")
            print(f"N={n:,} CPU per event B/A: {cpu['B'] / cpu['A']:.2f}x")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
