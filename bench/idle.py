#!/usr/bin/env python3
"""Idle (issue 7, target 5): with 100,000 events and nothing due for an hour, heraldd makes no
wake-ups in 60 s and its resident memory stays under 16 MiB.

1. Starts the release heraldd on a temporary directory and imports N generated events (gen.py)
   with `herald import`, then adds a few events whose alarms are due between 2 hours and a year
   from now (so the reminder timer is armed, but for later than the window), and connects one
   watcher subscribed to reminders and changes, as a desktop session keeps `herald watch`.
2. Waits until the daemon has settled (its CPU time stops moving).
3. Attaches `strace -c -f -p PID` for --seconds (60) and counts the syscalls it made, and the
   context switches of all its threads over the same window (/proc/PID/task/*/status); every
   wake-up of a process sleeping in epoll_wait shows up in both.
4. Reads VmRSS, VmHWM, RssAnon and RssFile from /proc/PID/status (target: VmRSS < 16 MiB), and
   Pss from /proc/PID/smaps_rollup (shared library pages divided among their users).

With --peers calcurse, does the same for `calcurse --daemon` on the same events (its data
directory from gen.py), side by side. remind has no daemon (`remind -z` re-reads and sleeps, but
it is a foreground mode with no socket to compare): it is not measured.

  python3 bench/idle.py                       # 100,000 events, 60 s, calcurse alongside
  python3 bench/idle.py --events 10000 --seconds 10 --peers none --json /tmp/idle.json
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MIB = 1024 * 1024


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon, RssFile (bytes) of `pid`."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                out[key] = int(rest.split()[0]) * 1024
    return out


def proc_pss(pid):
    """Pss, Pss_Anon, Pss_File (bytes) of `pid`: resident pages divided among the processes
    sharing them (a shared library's pages count in full in VmRSS)."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("Pss", "Pss_Anon", "Pss_File"):
                out[key] = int(rest.split()[0]) * 1024
    return out


def context_switches(pid):
    """Voluntary + involuntary context switches summed over every thread of `pid`."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if "ctxt_switches:" in line:
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def settle(pid, quiet=2.0, limit=120.0):
    """Waits until the process's CPU time has not moved for `quiet` seconds."""
    deadline = time.monotonic() + limit
    last, since = cpu_ticks(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_ticks(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
    print(f"warning: pid {pid} still used CPU after {limit:.0f} s", file=sys.stderr)
    return False


def parse_strace_c(text):
    """(total calls, {syscall: calls}) from `strace -c` output."""
    total, calls = 0, {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 5 or not parts[3].isdigit():
            continue
        if parts[-1] == "total":
            total = int(parts[3])
        else:
            calls[parts[-1]] = int(parts[3])
    return total, calls


def observe(pid, seconds, workdir, tag):
    """Syscalls (strace -c -f) and context switches of `pid` over `seconds`, then its memory."""
    out = os.path.join(workdir, f"strace-{tag}.txt")
    ctx0 = context_switches(pid)
    st = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid), "-o", out],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(seconds)
    st.send_signal(signal.SIGINT)  # detaches and writes the summary
    _, err = st.communicate(timeout=30)
    ctx1 = context_switches(pid)
    if st.returncode not in (0, None) and not os.path.exists(out):
        raise SystemExit(f"strace failed: {err.decode(errors='replace')}")
    with open(out) as f:
        text = f.read()
    total, calls = parse_strace_c(text)
    mem = proc_status(pid)
    mem.update(proc_pss(pid))
    return {"syscalls": total, "breakdown": calls, "context_switches": ctx1 - ctx0,
            "threads": threads(pid), "seconds": seconds, "strace": text, **{k: v for k, v in mem.items()}}


# --- Herald ----------------------------------------------------------------------------------

def rpc(sock, buf, method, params, id):
    sock.sendall(json.dumps({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).encode() + b"\n")
    while True:
        while b"\n" not in buf[0]:
            data = sock.recv(1 << 16)
            if not data:
                raise SystemExit(f"heraldd closed the connection during {method}")
            buf[0] += data
        line, buf[0] = buf[0].split(b"\n", 1)
        msg = json.loads(line)
        if msg.get("id") == id:
            if "error" in msg:
                raise SystemExit(f"{method} failed: {msg['error']}")
            return msg["result"]


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def herald_idle(args, work):
    sock_path = os.path.join(work, "herald.sock")
    env = dict(os.environ, HERALD_SOCKET=sock_path, TZ="Asia/Bishkek")
    env.pop("NOTIFY_SOCKET", None)  # not under a service manager: no watchdog pings either
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    log = open(os.path.join(work, "heraldd.log"), "wb")
    daemon = subprocess.Popen([args.heraldd, "--socket", sock_path, "--db", os.path.join(work, "herald.db"),
                               "--log-level", "warn"], env=env, stdout=log, stderr=subprocess.STDOUT)
    watcher = None
    try:
        deadline = time.monotonic() + 20
        while not os.path.exists(sock_path):
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("heraldd did not start")
            time.sleep(0.02)
        t0 = time.perf_counter()
        subprocess.run([args.herald, "import", os.path.join(work, "events.ics")], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        t_import = time.perf_counter() - t0
        # Alarms exist, but the nearest is 2 hours away: the reminder timer is armed beyond the window.
        s, buf = socket.socket(socket.AF_UNIX), [b""]
        s.connect(sock_path)
        now = int(time.time())
        for i, ahead in enumerate([2 * 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400]):
            rpc(s, buf, "event.add", {"event": {"title": f"idle alarm {i}", "start": iso(now + ahead + 900),
                                                "alarms": [{"trigger": "-PT15M"}]}}, i + 1)
        rpc(s, buf, "event.add", {"event": {"title": "idle yearly", "start": time.strftime(
            "%Y-%m-%d", time.gmtime(now + 3 * 86400)), "rrule": "FREQ=YEARLY",
            "alarms": [{"trigger": "PT9H"}]}}, 100)
        nxt = rpc(s, buf, "alarm.next", {"limit": 1}, 101)["alarms"]
        status = rpc(s, buf, "status", {}, 102)
        s.close()
        fires_at = nxt[0]["fires_at"] if nxt else None
        if fires_at is not None:
            due = time.mktime(time.strptime(fires_at, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
            if due - time.time() < 3600:
                raise SystemExit(f"an alarm is due within the hour ({fires_at}): the idle window is not idle")
        if args.watcher:
            watcher, wbuf = socket.socket(socket.AF_UNIX), [b""]
            watcher.connect(sock_path)
            rpc(watcher, wbuf, "subscribe", {"topics": ["reminders", "changes"]}, 1)
        settle(daemon.pid)
        result = observe(daemon.pid, args.seconds, work, "herald")
        result.update({"events": status["events"], "import_s": t_import, "next_alarm": fires_at,
                       "watcher": bool(args.watcher)})
        if daemon.poll() is not None:
            raise SystemExit(f"heraldd exited with {daemon.returncode}")
        return result
    finally:
        if watcher is not None:
            watcher.close()
        daemon.terminate()
        daemon.wait()
        log.close()


# --- calcurse --daemon -----------------------------------------------------------------------

def calcurse_idle(args, work):
    data = os.path.join(work, "calcurse")
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, TZ="Asia/Bishkek")
    # calcurse 4.8's daemon exits at once without a configuration file; with one it forks into
    # the background, writes its pid to <data>/.daemon.pid and re-checks its next appointment
    # once a minute (a sleep(60) loop).
    with open(os.path.join(data, "conf"), "w") as f:
        f.write("daemon.enable=yes\ndaemon.log=no\n")
    subprocess.run(["calcurse", "-D", data, "--daemon"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    pid = None
    deadline = time.monotonic() + 120
    pidfile = os.path.join(data, ".daemon.pid")
    while pid is None and time.monotonic() < deadline:
        if os.path.exists(pidfile):
            with open(pidfile) as f:
                text = f.read().strip()
            if text.isdigit() and os.path.exists(f"/proc/{text}"):
                pid = int(text)
        time.sleep(0.1)
    if pid is None:
        return {"error": "calcurse --daemon did not start (no live pid in .daemon.pid)"}
    try:
        # Why a long limit: calcurse loads 100,000 appointments into a sorted list for minutes.
        settled = settle(pid, limit=args.peer_settle)
        return {**observe(pid, args.seconds, work, "calcurse"), "settled": settled}
    finally:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


# --- report ----------------------------------------------------------------------------------

def report(results, args):
    print(f"\nIdle for {args.seconds:g} s with {args.events:,} events, nothing due for an hour "
          f"(strace -c -f; context switches of all threads)")
    print(f"{'daemon':<18} {'syscalls':>9} {'ctx switches':>13} {'threads':>8} {'VmRSS':>10} {'VmHWM':>10} "
          f"{'RssAnon':>10} {'RssFile':>10} {'Pss':>10}")
    for name, r in results.items():
        if "error" in r:
            print(f"{name:<18} {r['error']}")
            continue
        mib = lambda k: f"{r.get(k, 0) / MIB:7.1f} MiB"  # noqa: E731
        if r.get("settled") is False:
            name += " (still loading)"
        print(f"{name:<18} {r['syscalls']:>9} {r['context_switches']:>13} {r['threads']:>8} {mib('VmRSS'):>10} "
              f"{mib('VmHWM'):>10} {mib('RssAnon'):>10} {mib('RssFile'):>10} {mib('Pss'):>10}")
    for name, r in results.items():
        if r.get("breakdown"):
            print(f"{name} syscalls: " + ", ".join(f"{k} {v}" for k, v in sorted(r["breakdown"].items(),
                                                                                 key=lambda kv: -kv[1])))
    h = results.get("heraldd")
    if h and "error" not in h:
        print(f"heraldd: {h['events']:,} events (import {h['import_s']:.1f} s), next alarm {h['next_alarm']}, "
              f"watcher {'connected' if h['watcher'] else 'none'}")
        print(f"wake-ups: {h['syscalls']} syscalls (target 0): {'met' if h['syscalls'] == 0 else 'missed'}; "
              f"VmRSS {h['VmRSS'] / MIB:.1f} MiB (target < 16 MiB): {'met' if h['VmRSS'] < 16 * MIB else 'missed'}")


def default_bin(name, sub):
    for preset in ("release", "dev"):
        p = os.path.join(ROOT, "build", preset, sub, name)
        if os.path.exists(p):
            return p
    return shutil.which(name) or name


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100000)
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the observed idle window")
    ap.add_argument("--peers", default="calcurse", help="'calcurse' or 'none'")
    ap.add_argument("--peer-settle", type=float, default=900.0,
                    help="seconds to wait for calcurse --daemon to finish loading")
    ap.add_argument("--no-watcher", dest="watcher", action="store_false",
                    help="no subscribed client during the window")
    ap.add_argument("--heraldd", default=os.environ.get("HERALDD") or default_bin("heraldd", "daemon"))
    ap.add_argument("--herald", default=os.environ.get("HERALD") or default_bin("herald", "client"))
    ap.add_argument("--json", help="also write the results as JSON to this path")
    args = ap.parse_args()
    if shutil.which("strace") is None:
        raise SystemExit("strace is not installed (apt-get install strace)")
    work = tempfile.mkdtemp(prefix="herald-idle-")
    results = {}
    try:
        formats = "ics" + (",calcurse" if args.peers == "calcurse" else "")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(args.events), work, "--formats", formats],
                       check=True)
        print(f"... heraldd idle, {args.events:,} events", file=sys.stderr)
        results["heraldd"] = herald_idle(args, work)
        if args.peers == "calcurse":
            print(f"... calcurse --daemon idle, {args.events:,} events", file=sys.stderr)
            results["calcurse --daemon"] = calcurse_idle(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"events": args.events, "seconds": args.seconds, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
