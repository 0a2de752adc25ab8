#!/usr/bin/env python3
"""Reminder delivery lateness: from an alarm's due instant to its line arriving in a watcher.

1. N alarms (default 1,000) spread evenly over S seconds (default 40), one watcher (a raw
   subscriber, as `herald watch --json` is): median, p99 and max lateness per alarm. Why spread:
   due instants have whole-second resolution, so alarms due in the same second arrive one after
   the other and the last one's lateness includes pushing all before it; 1,000 over 40 s is 25 per
   instant, close to per-alarm lateness, while the run stays under a minute.
2. One reminder fanned out to W watchers (default 1,000): lateness at the median, p99 and last
   watcher.

Usage: bench/reminder_latency.py [--heraldd PATH] [--alarms N] [--seconds S] [--watchers W]
                                 [--json PATH]
Uses build/release/daemon/heraldd when present, else build/dev. Everything lives in a temporary
directory under --dir (default build/, a real disk); nothing else is touched. --json writes
{"lateness_ms": {"median", "p99", "max", "n"}, "fanout_ms": {"median", "p99", "max", "watchers"}}
(bench/all.py reads it). Lateness is arrival time minus due instant; a negative value would mean
a reminder arrived early.
"""
import argparse
import datetime
import json
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def call(sock, buf, method, params, id=1):
    sock.sendall(json.dumps({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).encode() + b"\n")
    while True:
        while b"\n" not in buf[0]:
            buf[0] += sock.recv(1 << 16)
        line, buf[0] = buf[0].split(b"\n", 1)
        msg = json.loads(line)
        if msg.get("id") == id:
            return msg


def add_events(path, alarms):
    """Adds one event per due instant, pipelined in batches."""
    s, buf = connect(path), [b""]
    for start in range(0, len(alarms), 50):
        batch = alarms[start:start + 50]
        for i, due in enumerate(batch):
            ev = {"title": f"bench {start + i}", "start": iso(due + 3600), "alarms": [{"at": iso(due)}]}
            s.sendall(json.dumps({"jsonrpc": "2.0", "id": start + i + 1, "method": "event.add",
                                  "params": {"event": ev}}).encode() + b"\n")
        got = 0
        while got < len(batch):
            while b"\n" not in buf[0]:
                buf[0] += s.recv(1 << 16)
            line, buf[0] = buf[0].split(b"\n", 1)
            if "id" in json.loads(line):
                got += 1
    s.close()


def subscribe_many(path, n):
    socks = []
    for _ in range(n):
        s, buf = connect(path), [b""]
        call(s, buf, "subscribe", {"topics": ["reminders"]})
        s.setblocking(False)
        socks.append((s, buf))
    return socks


def collect(socks, expected, timeout):
    """Lateness (arrival time minus due instant) of each reminder line, until `expected` arrived.

    Why nothing but recv() and time.time() in the loop: with 1,000 watchers the collector reads
    the sockets one after another, so its own per-line work (JSON, strptime: tens of
    microseconds) would add up to tens of milliseconds for the last watcher and measure Python
    rather than heraldd. Lines are decoded after the wait; a line arrives when its newline does.
    """
    sel = selectors.DefaultSelector()
    for i, (s, _) in enumerate(socks):
        sel.register(s, selectors.EVENT_READ, i)
    chunks = []  # (arrival, socket index, bytes)
    newlines = sum(buf[0].count(b'"method":"reminder"') for _, buf in socks)
    deadline = time.time() + timeout
    while newlines < expected and time.time() < deadline:
        for key, _ in sel.select(timeout=0.5):
            data = key.fileobj.recv(1 << 16)
            chunks.append((time.time(), key.data, data))
            newlines += data.count(b'"method":"reminder"')
    sel.close()
    out, pending = [], [buf[0] for _, buf in socks]  # what came with the subscribe reply
    for now, i, data in chunks:
        pending[i] += data
        while b"\n" in pending[i]:
            line, pending[i] = pending[i].split(b"\n", 1)
            msg = json.loads(line)
            if msg.get("method") == "reminder":
                due = datetime.datetime.strptime(msg["params"]["due"], "%Y-%m-%dT%H:%M:%SZ")
                out.append(now - due.replace(tzinfo=datetime.timezone.utc).timestamp())
    return out


def timer_floor(samples=1000, step=0.005):
    """Lateness of a plain sleep to an absolute instant in this process: what the machine's timer
    and scheduler alone add (a VM's timer interrupts), measured side by side with heraldd's."""
    out = []
    for _ in range(samples):
        target = time.time() + step
        time.sleep(max(0.0, target - time.time()))
        out.append(time.time() - target)
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.path.join(ROOT, "build", "release", "daemon", "heraldd")
    if not os.path.exists(default):
        default = os.path.join(ROOT, "build", "dev", "daemon", "heraldd")
    ap.add_argument("--heraldd", default=default)
    ap.add_argument("--alarms", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=40)
    ap.add_argument("--watchers", type=int, default=1000)
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    ap.add_argument("--dir", default=os.path.join(ROOT, "build"),
                    help="where the database goes (a real disk: /tmp may be tmpfs, where fsync is free)")
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.watchers + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    os.makedirs(args.dir, exist_ok=True)
    root = tempfile.mkdtemp(prefix="herald-bench-", dir=args.dir)
    sock = os.path.join(root, "socket")
    log = open(os.path.join(root, "heraldd.log"), "wb")
    daemon = subprocess.Popen([args.heraldd, "--socket", sock, "--db", os.path.join(root, "herald.db"),
                               "--max-clients", str(args.watchers + 64), "--log-level", "warn"],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.02)
        time.sleep(0.1)
        # 1. Many alarms spread over a few seconds, one watcher.
        [watcher] = subscribe_many(sock, 1)
        first = int(time.time()) + 3 + args.alarms // 400
        dues = [first + i % args.seconds for i in range(args.alarms)]
        add_events(sock, dues)
        if time.time() >= first:
            sys.exit("adding the alarms took longer than planned; use fewer --alarms")
        late = collect([watcher], args.alarms, timeout=args.seconds + 30)
        # 2. One alarm to many watchers.
        socks = subscribe_many(sock, args.watchers)
        due = int(time.time()) + 2
        add_events(sock, [due])
        fan = collect(socks, args.watchers, timeout=30)
        floor = timer_floor()
    finally:
        daemon.terminate()
        daemon.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)

    if not late or not fan:
        sys.exit("no reminder arrived")
    ms = lambda v: f"{v * 1000:8.2f}"
    print(f"heraldd: {args.heraldd}")
    print(f"{'scenario':<44} {'n':>6} {'min ms':>8} {'median ms':>9} {'p99 ms':>8} {'max ms':>8}")
    print(f"{f'{args.alarms} alarms over {args.seconds} s, 1 watcher':<44} {len(late):>6} "
          f"{ms(min(late))} {ms(statistics.median(late)):>9} {ms(pct(late, 99))} {ms(max(late))}")
    print(f"{f'1 alarm fanned out to {args.watchers} watchers':<44} {len(fan):>6} "
          f"{ms(min(fan))} {ms(statistics.median(fan)):>9} {ms(pct(fan, 99))} {ms(max(fan))}")
    print(f"{'machine floor: a sleep to an absolute instant':<44} {len(floor):>6} "
          f"{ms(min(floor))} {ms(statistics.median(floor)):>9} {ms(pct(floor, 99))} {ms(max(floor))}")
    if args.json:
        r = lambda v: round(v * 1000, 3)
        with open(args.json, "w") as f:
            json.dump({"lateness_ms": {"median": r(statistics.median(late)), "p99": r(pct(late, 99)),
                                       "max": r(max(late)), "n": len(late)},
                       "fanout_ms": {"median": r(statistics.median(fan)), "p99": r(pct(fan, 99)),
                                     "max": r(max(fan)), "watchers": len(fan)},
                       "timer_floor_ms": {"median": r(statistics.median(floor)), "p99": r(pct(floor, 99)),
                                          "max": r(max(floor)), "n": len(floor)}}, f)
            f.write("\n")
    if len(late) != args.alarms or len(fan) != args.watchers:
        sys.exit("some reminders did not arrive")


if __name__ == "__main__":
    main()
