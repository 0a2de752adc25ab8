"""Load: 1,000 connections held at once, refusal beyond --max-clients, bounded buffering of a line
with no newline, and 50 clients issuing mixed requests with zero errors while a watcher still
gets its reminders on time (each exactly once, never before due, within a generous bound).

CI runs the mixed load for 30 s; HERALD_LONG_TESTS=1 runs it for 120 s (HERALD_LOAD_SECONDS=n
sets any duration).
"""
import datetime
import os
import random
import resource
import socket
import statistics
import threading
import time
import unittest

from harness import DaemonTestCase, RawClient

LONG = os.environ.get("HERALD_LONG_TESTS") == "1"
MIXED_SECONDS = float(os.environ.get("HERALD_LOAD_SECONDS", "120" if LONG else "30"))
HELD = 1000
ALARM_EVERY = 2  # seconds between the alarms that come due during the mixed load
# Behaviour, not speed: a reminder must arrive, once, not early, and not absurdly late even on a
# loaded 2-core CI machine under a sanitizer. The bench (bench/reminder_latency.py) measures speed.
LATE_BOUND = 5.0


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        target = n if hard == resource.RLIM_INFINITY else min(n, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Connections(DaemonTestCase):
    daemon_args = ("--max-clients", str(HELD))

    def setUp(self):
        if raise_nofile(HELD + 200) < HELD + 100:
            self.skipTest("RLIMIT_NOFILE hard limit too low for 1,000 connections")
        super().setUp()

    def test_thousand_connections_held_and_one_more_refused(self):
        clients = [self.d.connect(timeout=30) for _ in range(HELD)]
        # Every held connection is served: pipeline a request on each, then read every reply.
        for c in clients:
            c.request("hello", {"client": "load"})
        for c in clients:
            reply = c.read()
            self.assertEqual(reply["result"]["server"], "heraldd")
        self.assertEqual(clients[0].result("status")["clients"], HELD)
        # One more is refused with a clear busy error, then closed.
        extra = RawClient(self.d.socket, timeout=10)
        reply = extra.read()
        self.assertEqual(reply["error"]["data"]["kind"], "busy")
        self.assertIn("too many clients", reply["error"]["message"])
        self.assertIsNone(extra.read())
        extra.close()
        # A slot freed is a slot usable again.
        clients[-1].close()
        self.d.clients.remove(clients[-1])
        deadline = time.monotonic() + 10
        while True:
            c = RawClient(self.d.socket, timeout=10)
            reply = c.call("hello", {})
            if "result" in reply or time.monotonic() > deadline:
                break
            c.close()
            time.sleep(0.05)
        self.assertIn("result", reply)
        c.close()


class Buffering(DaemonTestCase):
    daemon_args = ("--max-line", "65536")

    def test_line_without_newline_is_not_buffered_beyond_the_limit(self):
        c = self.d.connect(timeout=30)
        self.assertEqual(c.result("hello")["server"], "heraldd")
        before = self.d.rss_kib()
        chunk = b"x" * (1 << 20)
        for _ in range(64):  # 64 MiB with no newline
            c.send_raw(chunk)
        reply = c.read()
        self.assertEqual(reply["error"]["data"]["kind"], "too_large")
        c.send_raw(b"\n")  # ends the discarded line; the session goes on
        self.assertIn("events", c.result("status"))
        growth = self.d.rss_kib() - before
        self.assertLess(growth, 16 * 1024, f"heraldd grew by {growth} KiB while discarding a 64 MiB line")

    def test_session_usable_after_an_overlong_line(self):
        c = self.d.connect(timeout=30)
        c.send_raw(b"y" * 200000 + b"\n")
        self.assertEqual(c.read()["error"]["data"]["kind"], "too_large")
        self.assertEqual(c.result("hello")["server"], "heraldd")


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class Watcher(threading.Thread):
    """A reminders subscriber recording (arrival time, params) of each reminder line."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client, self.got, self.stop, self.error = client, [], threading.Event(), None

    def run(self):
        try:
            while not self.stop.is_set():
                try:
                    msg = self.client.read(timeout=0.5)
                except socket.timeout:
                    continue
                if msg is None:
                    raise ConnectionError("heraldd closed the watcher's connection")
                if msg.get("method") == "reminder":
                    self.got.append((time.time(), msg["params"]))
        except Exception as e:  # reported by the test
            self.error = e


class MixedLoad(DaemonTestCase):
    CLIENTS = 50

    def worker(self, n, stop, counts, errors):
        rng = random.Random(n)
        try:
            c = self.d.connect(timeout=60)
            mine = []  # [id, revision] of this client's events
            i = 0
            while not stop.is_set():
                op = rng.choice(["add", "add", "get", "update", "agenda", "search", "status"])
                if op == "get" and mine:
                    ev = c.result("event.get", {"id": rng.choice(mine)[0]})["event"]
                    assert ev["title"].startswith(f"load {n} "), ev
                elif op == "update" and mine:
                    entry = rng.choice(mine)
                    ev = c.result("event.update", {"id": entry[0], "revision": entry[1],
                                                   "changes": {"location": f"room {i}"}})["event"]
                    assert ev["revision"] == entry[1] + 1
                    entry[1] = ev["revision"]
                elif op == "agenda":
                    c.result("agenda", {"from": "2025-06-01T00:00:00Z", "to": "2025-07-01T00:00:00Z",
                                        "tz": "Asia/Bishkek", "limit": 50})
                elif op == "search":
                    c.result("event.search", {"query": f"load {n}", "limit": 5})
                elif op == "status":
                    c.result("status")
                else:
                    ev = c.result("event.add", {"event": {
                        "uid": f"load-{n}-{i}@test", "title": f"load {n} {i}",
                        "start": f"2025-06-{1 + i % 28:02d}T{i % 24:02d}:00", "tz": "Asia/Tokyo",
                        "duration": "PT45M"}})["event"]
                    mine.append([ev["id"], ev["revision"]])
                    op = "add"
                counts[op] = counts.get(op, 0) + 1
                i += 1
        except Exception as e:
            errors.append(f"client {n}: {e!r}")

    def add_alarms(self):
        """One event per alarm, due every ALARM_EVERY s while the load runs; returns {event id: due}."""
        c = self.d.connect()
        first = int(time.time()) + 4
        dues = {}
        for k in range(max(1, int((MIXED_SECONDS - 6) // ALARM_EVERY) + 1)):
            due = first + k * ALARM_EVERY
            ev = c.result("event.add", {"event": {"title": f"due during load {k}", "start": iso(due + 3600),
                                                  "alarms": [{"at": iso(due)}]}})["event"]
            dues[ev["id"]] = due
        return dues

    def test_fifty_clients_mixed_requests_without_errors(self):
        stop, errors = threading.Event(), []
        watcher = Watcher(self.d.connect(timeout=60))
        watcher.client.result("subscribe", {"topics": ["reminders"]})
        watcher.start()
        dues = self.add_alarms()
        counts = [dict() for _ in range(self.CLIENTS)]
        threads = [threading.Thread(target=self.worker, args=(n, stop, counts[n], errors))
                   for n in range(self.CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(MIXED_SECONDS)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        # The last alarm was due a few seconds before the load ended; give stragglers the bound.
        wait_until = max(dues.values()) + LATE_BOUND + 1
        while len(watcher.got) < len(dues) and time.time() < wait_until:
            time.sleep(0.1)
        time.sleep(0.5)  # a duplicate would arrive now
        watcher.stop.set()
        watcher.join(timeout=10)
        total = {}
        for cnt in counts:
            for k, v in cnt.items():
                total[k] = total.get(k, 0) + v
        print(f"\nmixed load {MIXED_SECONDS:.0f} s, {self.CLIENTS} clients: {total}, errors: {len(errors)}")
        self.assertEqual(errors, [])
        for op in ("add", "get", "update", "agenda", "search", "status"):
            self.assertGreater(total.get(op, 0), 0, op)
        self.check_reminders(watcher, dues)
        status = self.d.connect().result("status")
        self.assertEqual(status["events"], total["add"] + len(dues))
        self.assertLess(status["commits"], status["committed_requests"], "group commit batched nothing")

    def check_reminders(self, watcher, dues):
        self.assertIsNone(watcher.error)
        seen = {}
        late = []
        for arrived, params in watcher.got:
            self.assertIn(params["event_id"], dues, params)
            self.assertNotIn(params["event_id"], seen, f"reminder delivered twice: {params}")
            seen[params["event_id"]] = arrived
            due = dues[params["event_id"]]
            self.assertEqual(epoch(params["due"]), due, params)
            late.append(arrived - due)
        self.assertEqual(sorted(seen), sorted(dues), "reminders missing during the load")
        print(f"reminders during the load: {len(late)}, lateness median {statistics.median(late) * 1000:.0f} ms, "
              f"max {max(late) * 1000:.0f} ms (bound {LATE_BOUND:.0f} s)")
        self.assertGreaterEqual(min(late), 0.0, "a reminder arrived before it was due")
        self.assertLess(max(late), LATE_BOUND, "a reminder arrived long after it was due")


if __name__ == "__main__":
    unittest.main()
