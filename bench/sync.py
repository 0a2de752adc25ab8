#!/usr/bin/env python3
"""CalDAV sync (issue 15): Herald vs vdirsyncer against the same Radicale, side by side.

For each N (default 1,000 and 10,000): a Radicale collection of N events (written into its
storage: tests/integration/caldav_fixture.py), warmed by one listing so neither tool pays the
server's first read of every resource; then, for each tool, the initial sync, a sync with nothing
changed, and a sync after one resource was changed on the server (a PUT); and Herald's initial
sync on a second machine (Radicale builds its sync-collection history on the first one). Herald: a heraldd with
one [[caldav]] table, `herald sync` as a user runs it (the client polls every 100 ms) and the
daemon's own time (calendar.sync, then calendar.sync_status polled every 2 ms). vdirsyncer
(Debian 0.19): a caldav storage paired with a filesystem storage (the vdir khal reads),
`vdirsyncer sync` after `discover` (not timed), as a user runs it; its config, status and vdir in
a temporary directory. Runs repeated --runs times (medians, min-max); the initial syncs once.

Incremental sync must cost O(changes), not O(calendar): the one-change figures at 1,000 and
10,000 events and their ratio are printed last (heraldd's CPU is the daemon's own cost; its wall
time includes Radicale's, which reads its whole token state per sync-collection), with the rows
of its sync state heraldd read for the run (1: the changed resource).

  python3 bench/sync.py                    # N = 1,000 and 10,000
  python3 bench/sync.py --sizes 1000 --runs 3 --json out.json
"""
import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from caldav_fixture import bulk_resources, fill_radicale  # noqa: E402

VDIRSYNCER_CONF = """[general]
status_path = "{status}"

[pair bench]
a = "bench_server"
b = "bench_local"
collections = null
conflict_resolution = "a wins"

[storage bench_server]
type = "caldav"
url = "{url}"
username = "me"
password = "any"

[storage bench_local]
type = "filesystem"
path = "{vdir}"
fileext = ".ics"
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Radicale:
    """Radicale without a login, its storage holding `resources` at /me/office/."""

    def __init__(self, root, resources):
        self.collections = os.path.join(root, "collections")
        fill_radicale(self.collections, "me/office", resources)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/me/office/"
        self.log = open(os.path.join(root, "radicale.log"), "wb")
        self.proc = subprocess.Popen(
            ["radicale", "--config", "", "--server-hosts", f"127.0.0.1:{self.port}",
             "--auth-type", "none", "--storage-filesystem-folder", self.collections],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.port)

    def request(self, method, url, body=b"", headers=None):
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        with urllib.request.urlopen(req, timeout=3600) as r:
            return r.read()

    def warm(self):
        """One etag listing: Radicale reads (and caches) every resource on first access."""
        self.request("PROPFIND", self.url, b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop>'
                     b'<getetag/></prop></propfind>', {"Depth": "1"})

    def change_one(self, name, text):
        self.request("PUT", self.url + name, text.encode(), {"Content-Type": "text/calendar"})

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


class Herald:
    """A heraldd syncing the collection (interval 0s: only the runs asked for)."""

    def __init__(self, bindir, root, url):
        self.herald = os.path.join(bindir, "client", "herald")
        os.makedirs(root)
        self.sock = os.path.join(root, "herald.sock")
        config = os.path.join(root, "heraldd.toml")
        secret = os.path.join(root, "office.pass")
        with open(secret, "w") as f:
            f.write("any\n")
        os.chmod(secret, 0o600)
        with open(config, "w") as f:
            # Radicale without a login still wants a user name for current-user-principal.
            f.write(f'[[caldav]]\nname = "office"\nurl = "{url}"\ninterval = "0s"\n'
                    f'username = "me"\npassword_file = "{secret}"\n')
        self.env = dict(os.environ, HERALD_SOCKET=self.sock, XDG_CONFIG_HOME=root,
                        XDG_DATA_HOME=root, XDG_STATE_HOME=root)
        self.log = open(os.path.join(root, "heraldd.log"), "wb")
        self.proc = subprocess.Popen(
            [os.path.join(bindir, "daemon", "heraldd"), "--socket", self.sock, "--db",
             os.path.join(root, "herald.db"), "--config", config, "--log-level", "warn"],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while not os.path.exists(self.sock):
            if time.time() > deadline:
                raise RuntimeError("heraldd did not start")
            time.sleep(0.02)

    def call(self, method, params=None):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.sock)
            s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                   "params": params or {}}) + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(1 << 20)
                if not chunk:
                    raise RuntimeError(f"heraldd closed the connection during {method}")
                buf += chunk
        reply = json.loads(buf)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def daemon_sync(self):
        """calendar.sync, then calendar.sync_status every 2 ms until the run is done: seconds and
        what it moved."""
        t0 = time.perf_counter()
        runs = self.call("calendar.sync")["calendars"][0]["run"]
        while True:
            st = self.call("calendar.sync_status")["calendars"][0]
            if st["runs"] >= runs:
                break
            time.sleep(0.002)
        dt = time.perf_counter() - t0
        if not st["last"]["ok"]:
            raise RuntimeError(f"herald sync failed: {st['last']}")
        return dt, st["last"]

    def cli_sync(self):
        t0 = time.perf_counter()
        p = subprocess.run([self.herald, "sync"], env=self.env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"herald sync: {p.stderr}")
        return dt, p.stdout.strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


class Vdirsyncer:
    """vdirsyncer with a private config, status directory and vdir."""

    def __init__(self, root, url):
        self.vdir = os.path.join(root, "vdir")
        os.makedirs(self.vdir)  # and root
        self.conf = os.path.join(root, "vdirsyncer.conf")
        with open(self.conf, "w") as f:
            f.write(VDIRSYNCER_CONF.format(status=os.path.join(root, "status"), url=url,
                                           vdir=self.vdir))
        self.env = dict(os.environ, HOME=root, XDG_CONFIG_HOME=root)
        self.run("discover")

    def run(self, *args):
        t0 = time.perf_counter()
        p = subprocess.run(["vdirsyncer", "-c", self.conf, *args], env=self.env,
                           capture_output=True, text=True, input="y\n" * 4)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"vdirsyncer {' '.join(args)}: {p.stdout}{p.stderr}")
        return dt

    def files(self):
        return len([f for f in os.listdir(self.vdir) if f.endswith(".ics")])


def threads_cpu_s(pid):
    """CPU seconds of the live threads of `pid`, in nanoseconds' precision (schedstat): heraldd's
    loop and worker threads live as long as it does."""
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{t}/schedstat") as f:
            total += int(f.read().split()[0])
    return total / 1e9


def process_cpu_s(pid):
    """CPU seconds of `pid` with its ended threads (Radicale runs a thread per request), in
    clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def summary(samples):
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
            "runs": len(samples)}


def show(label, s):
    return (f"{label:<44} {s['median_s'] * 1000:9.1f} ms "
            f"({s['min_s'] * 1000:.1f}-{s['max_s'] * 1000:.1f}, {s['runs']} runs)")


def changed(text, k):
    return text.replace("SUMMARY:Bulk meeting", f"SUMMARY:Changed ({k}) bulk meeting")


def bench_size(n, args, work):
    resources = bulk_resources(n)
    server = Radicale(os.path.join(work, "radicale"), resources)
    out = {"events": n}
    try:
        t0 = time.perf_counter()
        server.warm()
        out["radicale_first_listing_s"] = time.perf_counter() - t0
        herald = Herald(args.bindir, os.path.join(work, "herald"), server.url)
        vdir = Vdirsyncer(os.path.join(work, "vdirsyncer"), server.url)
        try:
            dt, last = herald.daemon_sync()
            assert last["pulled"] == n, last
            out["herald_initial_s"] = dt
            out["vdirsyncer_initial_s"] = vdir.run("sync")
            assert vdir.files() == n, vdir.files()
            # A second machine: Radicale built its sync-collection history (a cache file per
            # resource, each with an fsync) for the first one; this one finds it.
            second = Herald(args.bindir, os.path.join(work, "herald2"), server.url)
            try:
                dt, last = second.daemon_sync()
                assert last["pulled"] == n, last
                out["herald_second_initial_s"] = dt
            finally:
                second.stop()
            for key, sync in (("herald_daemon", lambda: herald.daemon_sync()[0]),
                              ("herald_cli", lambda: herald.cli_sync()[0]),
                              ("vdirsyncer", lambda: vdir.run("sync"))):
                out[f"{key}_nothing"] = summary([sync() for _ in range(args.runs)])
            one = {"herald_daemon": [], "herald_cli": [], "vdirsyncer": []}
            # CPU seconds of one change: each tool's own, and Radicale's while serving it.
            cpu = {"herald_daemon": [], "radicale_for_herald": [], "vdirsyncer": [],
                   "radicale_for_vdirsyncer": []}
            name, text = resources[n // 2]
            for k in range(args.runs):
                server.change_one(name, changed(text, k))
                dt, last = herald.daemon_sync()
                assert last["pulled"] == 1, last
                one["herald_daemon"].append(dt)
                v0, s0 = children_cpu_s(), process_cpu_s(server.proc.pid)
                one["vdirsyncer"].append(vdir.run("sync"))
                cpu["vdirsyncer"].append(children_cpu_s() - v0)
                cpu["radicale_for_vdirsyncer"].append(process_cpu_s(server.proc.pid) - s0)
                server.change_one(name, changed(text, f"{k}b"))
                # heraldd's CPU while `herald sync` (polling every 100 ms) runs: the 2 ms polls of
                # daemon_sync would add their own cost, proportional to the server's time.
                h0, s0 = threads_cpu_s(herald.proc.pid), process_cpu_s(server.proc.pid)
                dt, line = herald.cli_sync()
                cpu["herald_daemon"].append(threads_cpu_s(herald.proc.pid) - h0)
                cpu["radicale_for_herald"].append(process_cpu_s(server.proc.pid) - s0)
                assert line == "office: 1 pulled, 0 pushed, 0 conflicts", line
                one["herald_cli"].append(dt)
                # The rows of caldav_items the run read: O(changes) with sync-collection.
                out["herald_items_read"] = herald.call(
                    "calendar.sync_status")["calendars"][0]["last"]["items_read"]
                vdir.run("sync")  # the second change, for vdirsyncer too (not timed)
            for key, samples in one.items():
                out[f"{key}_one_change"] = summary(samples)
            for key, samples in cpu.items():
                out[f"{key}_one_change_cpu"] = summary(samples)
        finally:
            herald.stop()
    finally:
        server.stop()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bindir", default=None, help="build directory (default: build/release, "
                    "else build/dev)")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    if args.bindir is None:
        release = os.path.join(ROOT, "build", "release")
        args.bindir = release if os.path.exists(os.path.join(release, "daemon", "heraldd")) \
            else os.path.join(ROOT, "build", "dev")
    for tool in ("radicale", "vdirsyncer"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (bash scripts/deps.sh)")
    print(f"build: {args.bindir}; load average before: {open('/proc/loadavg').read().split()[:3]}")
    results = {"build": args.bindir, "sizes": {}}
    for n in [int(x) for x in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="herald-bench-sync-") as work:
            r = bench_size(n, args, work)
        results["sizes"][str(n)] = r
        print(f"\nN = {n:,} (Radicale's first listing, not timed for either tool: "
              f"{r['radicale_first_listing_s']:.1f} s)")
        print(f"{'initial sync: herald (daemon)':<44} {r['herald_initial_s'] * 1000:9.1f} ms")
        print(f"{'initial sync: herald, a second machine':<44} "
              f"{r['herald_second_initial_s'] * 1000:9.1f} ms")
        print(f"{'initial sync: vdirsyncer sync':<44} {r['vdirsyncer_initial_s'] * 1000:9.1f} ms")
        for what in ("nothing", "one_change"):
            for key, label in (("herald_daemon", "herald (daemon)"), ("herald_cli", "herald sync"),
                               ("vdirsyncer", "vdirsyncer sync")):
                print(show(f"{what.replace('_', ' ')}: {label}", r[f"{key}_{what}"]))
        for key, label in (("herald_daemon", "heraldd"), ("radicale_for_herald", "Radicale for it"),
                           ("vdirsyncer", "vdirsyncer"),
                           ("radicale_for_vdirsyncer", "Radicale for it")):
            print(show(f"one change, CPU: {label}", r[f"{key}_one_change_cpu"]))
        print(f"{'one change: caldav_items rows heraldd read':<44} {r['herald_items_read']:9d}")
    ns = sorted(int(k) for k in results["sizes"])
    if len(ns) > 1:
        lo, hi = results["sizes"][str(ns[0])], results["sizes"][str(ns[-1])]
        print(f"\none change, {ns[0]:,} -> {ns[-1]:,} events ({ns[-1] / ns[0]:.0f}x the calendar):")
        for key in ("herald_daemon", "herald_cli", "vdirsyncer", "herald_daemon_cpu",
                    "radicale_for_herald_cpu", "vdirsyncer_cpu", "radicale_for_vdirsyncer_cpu"):
            field = f"{key[:-4]}_one_change_cpu" if key.endswith("_cpu") else f"{key}_one_change"
            a, b = lo[field]["median_s"], hi[field]["median_s"]
            ratio = f"{b / a:.1f}x" if a > 0 else "-"
            print(f"  {key:<28} {a * 1000:8.1f} ms -> {b * 1000:8.1f} ms ({ratio})")
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
