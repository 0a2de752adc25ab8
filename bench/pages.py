#!/usr/bin/env python3
"""The cost of one agenda page (issue 18 item 1): a 30-day brief listing, asked page by page over
the protocol (no client process), with the daemon's CPU per page and per listed row, and the cost
of a `limit: 50` request (the page plus counting past the limit for `total`).

  python3 bench/pages.py --sizes 10000,100000 --runs 20
  python3 bench/pages.py --heraldd A/heraldd --herald A/herald --sizes 100000   # another build

Generates the events with gen.py and imports them with the given build's `herald import`. The
daemon's CPU is read from /proc/<pid>/stat (clock ticks, so many runs are summed).
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
ROOT = os.path.dirname(HERE)
LIST_DAY = "2026-11-23"


class Conn:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.buf = b""
        self.id = 0

    def call(self, method, params):
        self.id += 1
        self.sock.sendall(json.dumps({"jsonrpc": "2.0", "id": self.id, "method": method,
                                      "params": params}).encode() + b"\n")
        while b"\n" not in self.buf:
            self.buf += self.sock.recv(1 << 20)
        line, self.buf = self.buf.split(b"\n", 1)
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]


def daemon_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def measure(heraldd, herald, n, runs):
    work = tempfile.mkdtemp(prefix=f"herald-pages-{n}-")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(n), work, "--formats", "ics"],
                       check=True)
        sock, db = os.path.join(work, "h.sock"), os.path.join(work, "h.db")
        env = dict(os.environ, HERALD_SOCKET=sock, TZ="Asia/Bishkek")
        proc = subprocess.Popen([heraldd, "--socket", sock, "--db", db, "--log-level", "warn"], env=env)
        try:
            for _ in range(400):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            subprocess.run([herald, "import", os.path.join(work, "events.ics")], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            c = Conn(sock)
            params = {"from": LIST_DAY, "to": "2026-12-23", "tz": "Asia/Bishkek", "brief": True}

            def listing():
                walls, rows, page = [], 0, c.call("agenda", params)
                pages = [page]
                while page.get("next_cursor"):
                    t0 = time.perf_counter()
                    page = c.call("agenda", {**params, "cursor": page["next_cursor"]})
                    walls.append(time.perf_counter() - t0)
                    pages.append(page)
                rows = sum(len(p["occurrences"]) for p in pages)
                return len(pages), rows, walls

            listing()  # warm-up
            cpu0, walls, npages, nrows = daemon_cpu(proc.pid), [], 0, 0
            for _ in range(runs):
                npages, nrows, w = listing()
                walls += w
            cpu = (daemon_cpu(proc.pid) - cpu0) / runs
            c.call("agenda", {**params, "limit": 50})
            cpu1, lwalls = daemon_cpu(proc.pid), []
            for _ in range(runs):
                t0 = time.perf_counter()
                c.call("agenda", {**params, "limit": 50})
                lwalls.append(time.perf_counter() - t0)
            lcpu = (daemon_cpu(proc.pid) - cpu1) / runs
            return {"n": n, "pages": npages, "rows": nrows, "cpu_per_listing_ms": cpu * 1e3,
                    "cpu_per_page_ms": cpu / npages * 1e3, "cpu_per_row_us": cpu / max(1, nrows) * 1e6,
                    "later_page_wall_ms": statistics.median(walls) * 1e3 if walls else None,
                    "limit50_cpu_ms": lcpu * 1e3, "limit50_wall_ms": statistics.median(lwalls) * 1e3}
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bindir", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--heraldd")
    ap.add_argument("--herald")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json")
    args = ap.parse_args()
    heraldd = args.heraldd or os.path.join(args.bindir, "daemon", "heraldd")
    herald = args.herald or os.path.join(args.bindir, "client", "herald")
    out = []
    print(f"{'N':>9} | pages | rows  | daemon CPU per listing | per page | per row | later page wall | "
          "limit 50: CPU | wall")
    for n in (int(s) for s in args.sizes.split(",")):
        r = measure(heraldd, herald, n, args.runs)
        out.append(r)
        wall = f"{r['later_page_wall_ms']:.2f} ms" if r["later_page_wall_ms"] else "-"
        print(f"{n:>9,} | {r['pages']:>5} | {r['rows']:>5} | {r['cpu_per_listing_ms']:>19.2f} ms | "
              f"{r['cpu_per_page_ms']:>5.2f} ms | {r['cpu_per_row_us']:>4.1f} us | {wall:>15} | "
              f"{r['limit50_cpu_ms']:>10.2f} ms | {r['limit50_wall_ms']:.2f} ms", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
