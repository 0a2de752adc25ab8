#!/usr/bin/env python3
"""Herald against remind, calcurse and khal, side by side in one run.

For each size N: generate the same events for every tool (gen.py), import them, then time
listing the next 30 days as a user runs it (whole process) with the tools interleaved, and
print medians (min-max) with ratios. The machine is shared and noisy: only ratios measured in
the same run mean anything; no absolute time is a pass/fail threshold.

  python3 bench/run.py                         # N = 1,000 / 10,000 / 100,000
  python3 bench/run.py --sizes 10000,1000000 --peers none   # Herald's scaling alone
  python3 bench/run.py --sizes 10000,100000,1000000 --max-peer 100000 --json out.json

khal reads a vdir (one .ics per event) through a SQLite cache it builds on first use: its first
`khal list` (cache build) is set beside the imports, later runs beside the other listings.
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
sys.path.insert(0, HERE)
import gen  # noqa: E402

LIST_DAY = "2026-11-23"
KHAL_CONF = """[calendars]
[[bench]]
path = {vdir}
[locale]
local_timezone = Asia/Bishkek
default_timezone = Asia/Bishkek
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = {db}
"""


def khal_setup(work):
    """A private khal config, cache and environment (nothing read from or written to $HOME)."""
    conf = os.path.join(work, "khal.conf")
    with open(conf, "w") as f:
        f.write(KHAL_CONF.format(vdir=os.path.join(work, "vdir"), db=os.path.join(work, "khal.db")))
    env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=work, XDG_DATA_HOME=work, TZ="Asia/Bishkek",
               LC_ALL="C.UTF-8")
    # One line per event instance and no day headings, so the lines count the rows as herald's do
    # (--once: an event across midnight is one row, not one per day).
    cmd = ["khal", "-c", conf, "list", "--once", "--format", "{start} {title}", "--day-format", "",
           LIST_DAY, "30d"]
    return cmd, env


def timed(cmd, **kw):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode(errors='replace')[:500]}")
    return dt, p.stdout


def fmt(samples):
    if not samples:
        return "-"
    med = statistics.median(samples)
    return f"{med * 1000:9.1f} ms ({min(samples) * 1000:.1f}-{max(samples) * 1000:.1f})"


class Herald:
    """A release heraldd on a private socket and database."""

    def __init__(self, bindir, root):
        self.heraldd = os.path.join(bindir, "daemon", "heraldd")
        self.herald = os.path.join(bindir, "client", "herald")
        self.sock = os.path.join(root, "herald.sock")
        self.db = os.path.join(root, "herald.db")
        self.env = dict(os.environ, HERALD_SOCKET=self.sock, TZ="Asia/Bishkek")
        self.proc = subprocess.Popen([self.heraldd, "--socket", self.sock, "--db", self.db,
                                      "--log-level", "warn"], env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock)
                s.close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("heraldd did not start")

    def cmd(self, *args):
        return [self.herald, *args]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def evict(path):
    """Drops the database's pages from the page cache (as the kernel does to idle files)."""
    for f in (path, path + "-wal"):
        if os.path.exists(f):
            fd = os.open(f, os.O_RDONLY)
            try:
                os.fsync(fd)  # dirty pages (a fresh import's) are not dropped until written
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def herald_rows_costs(h, runs):
    """Issue 18 items 1 and 2: fixed-size answers, the minimal round trip, the CPU a listing costs
    the daemon and the client, and the first listing after the database's pages were evicted."""
    tick = os.sysconf("SC_CLK_TCK")

    def daemon_cpu():
        f = open(f"/proc/{h.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick

    def read_bytes():
        with open(f"/proc/{h.proc.pid}/io") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("read_bytes"))

    def run(cmd):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=h.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        if status != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.read().decode(errors='replace')[:500]}")
        p.stderr.close()
        return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime

    cmds = {"status": h.cmd("status"), "limit50": h.cmd("list", "--from", LIST_DAY, "--days", "30", "--limit", "50"),
            "next": h.cmd("next"), "listing": h.cmd("list", "--from", LIST_DAY, "--days", "30")}
    out = {f"herald_{k}": [] for k in cmds}
    cpu = {k: [0.0, 0.0] for k in cmds}  # daemon, client seconds over the runs
    for c in cmds.values():
        run(c)
    for _ in range(runs):
        for k, c in cmds.items():
            d0 = daemon_cpu()
            wall, client = run(c)
            out[f"herald_{k}"].append(wall)
            cpu[k][0] += daemon_cpu() - d0
            cpu[k][1] += client
    out["herald_cpu_ms"] = {k: {"daemon": v[0] / runs * 1e3, "client": v[1] / runs * 1e3} for k, v in cpu.items()}
    # Cold: every page of the database file evicted, then one listing; the warm run just before it
    # is its pair (same load), and the daemon's read_bytes count the pages it read from the disk.
    warm, cold, pages = [], [], []
    for _ in range(runs):
        warm.append(run(cmds["listing"])[0])
        evict(h.db)
        r0 = read_bytes()
        cold.append(run(cmds["listing"])[0])
        pages.append((read_bytes() - r0) / 4096)
    out.update(herald_warm=warm, herald_cold=cold, herald_cold_pages=pages)
    return out


def cpu_per_row(r):
    """The 30-day listing's CPU per printed row, in us, daemon and client: over the minimal round
    trip's (`herald status`), so process start and connection are not counted."""
    c = r["herald_cpu_ms"]
    return {w: (c["listing"][w] - c["status"][w]) * 1e3 / max(1, r["herald_rows"]) for w in ("daemon", "client")}


def bench_size(n, args, rows):
    work = tempfile.mkdtemp(prefix=f"herald-bench-{n}-")
    peers = [] if args.peers == "none" or n > args.max_peer else args.peers.split(",")
    try:
        if "khal" in peers and n > args.max_khal:
            print(f"... khal skipped at N = {n:,} (--max-khal {args.max_khal:,}: its first run would take "
                  "minutes)", file=sys.stderr)
            peers.remove("khal")
        gen_formats = "ics" + "".join("," + {"remind": "rem"}.get(p, p) for p in peers)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(n), work, "--formats", gen_formats],
                       check=True)
        ics = os.path.join(work, "events.ics")
        h = Herald(args.bindir, work)
        try:
            t_import, _ = timed(h.cmd("import", ics), env=h.env)
            row = {"n": n, "herald_import": t_import}
            cal_import_dir = os.path.join(work, "calcurse-import")
            if "calcurse" in peers and n <= args.max_import_peer:
                os.makedirs(cal_import_dir)
                open(os.path.join(cal_import_dir, "apts"), "w").close()
                open(os.path.join(cal_import_dir, "todo"), "w").close()
                row["calcurse_import"], _ = timed(["calcurse", "-D", cal_import_dir, "-i", ics])
            cmds = {"herald": (h.cmd("list", "--from", LIST_DAY, "--days", "30"), h.env)}
            if "remind" in peers:
                cmds["remind"] = (["remind", "-s+5", os.path.join(work, "events.rem"), LIST_DAY], h.env)
            if "calcurse" in peers:
                m, d, y = LIST_DAY[5:7], LIST_DAY[8:10], LIST_DAY[:4]
                cmds["calcurse"] = (["calcurse", "-D", os.path.join(work, "calcurse"), "-Q", "--from",
                                     f"{m}/{d}/{y}", "--days", "30"], h.env)
            if "khal" in peers:
                cmds["khal"] = khal_setup(work)
                # The first run builds khal's cache from the vdir: khal's counterpart of an import.
                row["khal_first"], out = timed(cmds["khal"][0], env=cmds["khal"][1])
                row["khal_rows"] = out.count(b"\n")
            samples = {k: [] for k in cmds}
            for k, (c, env) in cmds.items():  # warm-up: page cache, first-run costs
                out = timed(c, env=env)[1]
                if k == "herald":
                    row["herald_rows"] = out.count(b"\n")
            if "khal_rows" in row:
                print(f"... N = {n:,}: rows listed: herald {row['herald_rows']:,}, khal {row['khal_rows']:,}",
                      file=sys.stderr)
            for _ in range(args.runs):
                for k, (c, env) in cmds.items():
                    samples[k].append(timed(c, env=env)[0])
            row.update({f"{k}_list": v for k, v in samples.items()})
            row.update(herald_rows_costs(h, args.runs))
            rows.append(row)
        finally:
            h.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--peers", default="remind,calcurse,khal", help="comma list, or 'none'")
    ap.add_argument("--max-import-peer", type=int, default=100000, help="largest N for calcurse -i")
    ap.add_argument("--max-khal", type=int, default=10000,
                    help="largest N khal runs at (its first run, the cache build, took 13-44 s at 10,000)")
    ap.add_argument("--max-peer", type=int, default=10 ** 9, help="largest N the peers run at (Herald alone above)")
    ap.add_argument("--json", help="also write every sample as JSON to this path")
    ap.add_argument("--bindir", default=os.path.join(ROOT, "build", "release"))
    args = ap.parse_args()
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        print(f"... N = {n:,}", file=sys.stderr)
        bench_size(n, args, rows)

    print("\nList the next 30 days (whole process, median of %d, min-max)" % args.runs)
    print("khal: a warm `khal list` (its cache already built); 'rows' are herald's lines and khal's")
    print(f"{'N':>9} | {'rows':>6} | {'herald':>28} | {'remind -s+5':>28} | {'calcurse -Q':>28} | "
          f"{'khal list (warm)':>28} | {'khal rows':>9} | remind/herald | calcurse/herald | khal/herald")
    for r in rows:
        h = statistics.median(r["herald_list"])
        ratio = {p: f"{statistics.median(r[p + '_list']) / h:.1f}x" if p + "_list" in r else "-"
                 for p in ("remind", "calcurse", "khal")}
        print(f"{r['n']:>9,} | {r['herald_rows']:>6,} | {fmt(r['herald_list']):>28} | "
              f"{fmt(r.get('remind_list', [])):>28} | {fmt(r.get('calcurse_list', [])):>28} | "
              f"{fmt(r.get('khal_list', [])):>28} | {r.get('khal_rows', '-'):>9} | {ratio['remind']:>13} | "
              f"{ratio['calcurse']:>15} | {ratio['khal']:>11}")
    print("\nImport an N-event .ics (one run each); khal: its first `khal list`, which builds its cache from the vdir")
    print(f"{'N':>9} | {'herald import':>14} | {'calcurse -i':>14} | {'khal 1st list':>14} | calcurse/herald | "
          "khal/herald | herald per 1k events")
    for r in rows:
        hi = r["herald_import"]
        peer = {}
        for p in ("calcurse_import", "khal_first"):
            t = r.get(p)
            peer[p] = (f"{t:12.2f} s", f"{t / hi:.1f}x") if t else (f"{'-':>14}", "-")
        print(f"{r['n']:>9,} | {hi:12.2f} s | {peer['calcurse_import'][0]} | {peer['khal_first'][0]} | "
              f"{peer['calcurse_import'][1]:>15} | {peer['khal_first'][1]:>11} | {hi / r['n'] * 1000:.3f} s")
    if len(rows) > 1:
        lo, hi = min(rows, key=lambda r: r["n"]), max(rows, key=lambda r: r["n"])
        t_lo, t_hi = statistics.median(lo["herald_list"]), statistics.median(hi["herald_list"])
        # Why rows too: the window's row count grows with N, and printing them is linear in it;
        # an index shows as time that follows the rows printed, a scan as time that follows N.
        per_row = (t_hi - t_lo) / max(1, hi["herald_rows"] - lo["herald_rows"])
        print(f"\nHerald list scaling: {lo['n']:,} -> {hi['n']:,} events: x{t_hi / t_lo:.2f} time, "
              f"x{hi['herald_rows'] / max(1, lo['herald_rows']):.1f} rows printed "
              f"({per_row * 1e6:.1f} us per extra row)")
    print("\nHerald alone (issue 18 items 1-2): minimal round trip (`herald status`: process start, connect, one "
          "request), fixed-size answers, the 30-day listing's cost per row (CPU of daemon + client over the "
          "round trip's), and the first listing after the database's pages were evicted (posix_fadvise)")
    print(f"{'N':>9} | {'rows':>6} | {'status':>8} | {'list':>8} | {'list/status':>11} | {'CPU us/row d+c':>14} | "
          f"{'limit 50':>8} | {'next':>8} | {'warm':>8} | {'cold':>8} | cold/warm | pages read")
    for r in rows:
        med = {k: statistics.median(r["herald_" + k]) for k in ("status", "listing", "limit50", "next", "warm", "cold")}
        per_row = cpu_per_row(r)
        print(f"{r['n']:>9,} | {r['herald_rows']:>6,} | " + " | ".join(f"{med[k] * 1e3:6.1f}ms" for k in ("status", "listing"))
              + f" | {med['listing'] / med['status']:10.2f}x | {per_row['daemon']:6.1f}+{per_row['client']:<6.1f} | "
              + " | ".join(f"{med[k] * 1e3:6.1f}ms" for k in ("limit50", "next", "warm", "cold"))
              + f" | {med['cold'] / med['warm']:8.2f}x | {statistics.median(r['herald_cold_pages']):.0f}")
    if args.json:
        def stats(samples):
            return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
                    "samples": samples}
        out = []
        for r in rows:
            o = {"n": r["n"], "herald_import_s": r["herald_import"], "herald_rows": r["herald_rows"]}
            if "calcurse_import" in r:
                o["calcurse_import_s"] = r["calcurse_import"]
            if "khal_first" in r:
                o["khal_first_list_s"], o["khal_rows"] = r["khal_first"], r["khal_rows"]
            for k in ("status", "listing", "limit50", "next", "warm", "cold"):
                o[f"herald_{k}_s"] = stats(r[f"herald_{k}"])
            o["herald_cpu_ms"] = r["herald_cpu_ms"]
            o["herald_us_per_row"] = cpu_per_row(r)
            o["herald_cold_pages"] = statistics.median(r["herald_cold_pages"])
            for tool in ("herald", "remind", "calcurse", "khal"):
                if f"{tool}_list" in r:
                    o[f"{tool}_list_s"] = stats(r[f"{tool}_list"])
            out.append(o)
        with open(args.json, "w") as f:
            json.dump({"runs": args.runs, "list_day": LIST_DAY, "sizes": out}, f, indent=1)


if __name__ == "__main__":
    main()
