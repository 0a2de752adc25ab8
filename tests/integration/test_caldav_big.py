"""CalDAV sync of a large collection (issue 15): the initial sync of a collection of
HERALD_BIG_SYNC_EVENTS resources (by default the issue's 10,000 on Xandikos, 2,000 on Radicale and
under the sanitizers) against Radicale and Xandikos, with the loop
serving requests and firing reminders while the pull is applied, and a daemon killed while
applying it resuming without doubling anything. Figures are printed."""
import os
import tempfile
import time
import unittest

from caldav_fixture import bulk_resources, fill_radicale, fill_xandikos
from harness import wait_for
from test_caldav import RADICALE, XANDIKOS, Server, ServerCase
from test_load import Watcher, iso


def events(issue_size):
    """The collection's size: HERALD_BIG_SYNC_EVENTS, else `issue_size`, else 2,000 under the
    sanitizers (the sanitizer pass is there for memory safety, which 2,000 exercise alike)."""
    if os.environ.get("HERALD_BIG_SYNC_EVENTS"):
        return int(os.environ["HERALD_BIG_SYNC_EVENTS"])
    return 2000 if "ASAN_OPTIONS" in os.environ else issue_size


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class BigSync(ServerCase):
    """Issue 15: a large collection's initial sync (written into the server's storage before it
    starts: tests/integration/caldav_fixture.py) while reminders fall due and a client asks for
    `status` and `calendar.sync_status`. Figures are printed.

    Why 2,000 on Radicale: the server takes most of the time (a cold Radicale reads every
    resource, with an fsync each, before its first reply: 40-150 s at 10,000), and the suite runs
    twice in CI; the loop's slices are the same at any size. Xandikos serves the issue's 10,000 in
    seconds. HERALD_BIG_SYNC_EVENTS=10000 runs the issue's size on both."""

    EVENTS = 2000

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-caldav-")
        self.server = Server(self.kind, os.path.join(self.root, "server"))
        resources = bulk_resources(self.EVENTS)
        if self.kind == "radicale":
            fill_radicale(os.path.join(self.server.root, "collections"), "alice/office", resources)
        else:  # the collection's git tree exists once Xandikos ran with --defaults
            self.server.start()
            self.server.stop()
            fill_xandikos(os.path.join(self.server.root, "dav"), resources)
        self.server.start()
        self.daemons = []

    def reminders(self, d, seconds):
        """Local events with a reminder due every second from 2 s on, for `seconds`; returns
        event id → due instant (Unix seconds), and a watcher recording them."""
        watcher = Watcher(d.connect(timeout=60))
        watcher.client.result("subscribe", {"topics": ["reminders"]})
        watcher.start()
        setup = d.connect(timeout=60)
        first, dues = int(time.time()) + 2, {}
        for k in range(seconds):
            ev = setup.result("event.add", {"event": {
                "title": f"due {k}", "start": iso(first + k + 3600),
                "alarms": [{"at": iso(first + k)}]}})["event"]
            dues[ev["id"]] = first + k
        return dues, watcher

    def test_large_collection_syncs_in_with_reminders_and_requests_on_time(self):
        # A slow checkpointer with a small backlog (test-only: docs/testing.md) falls behind on any
        # machine, so the pull's pauses for it are seen (the WAL bound below).
        a = self.machine("a", env={"HERALDD_TEST_CHECKPOINT_DELAY_MS": "300",
                                   "HERALDD_TEST_WAL_BACKLOG_FRAMES": "1500"})
        dues, watcher = self.reminders(a, max(60, self.EVENTS // 40))
        ordinary = a.connect(timeout=60)
        latencies = []  # (sent, seconds) of each request

        def ask(method):
            t0 = time.monotonic()
            reply = ordinary.call(method)
            latencies.append((t0, time.monotonic() - t0))
            self.assertIn("result", reply, reply)
            return reply["result"]

        # Start just before a reminder is due, so that one falls during the sync however fast
        # the machine is (Xandikos's 2,000 events can take well under a second when idle).
        upcoming = [d for d in dues.values() if d > time.time() + 0.5]
        time.sleep(max(0.0, min(upcoming) - 0.3 - time.time()))
        begin = time.time()
        a.connect().result("calendar.sync")
        t_begin = time.monotonic()
        wal = [0]
        while True:
            if os.path.exists(a.db + "-wal"):
                wal.append(os.path.getsize(a.db + "-wal"))
            ask("status")
            st = ask("calendar.sync_status")["calendars"][0]
            if st["runs"] >= 1:
                break
            self.assertLess(time.monotonic() - t_begin, 900, "the sync did not finish")
            time.sleep(0.01)
        end = time.time()
        self.assertEqual(st["last"], {"ok": True, "pulled": self.EVENTS, "pushed": 0,
                                      "conflicts": 0, "items_read": 0}, st)
        wait_for(lambda: all(d < time.time() - 1 for d in dues.values()) or end < time.time() - 1,
                 timeout=5)
        watcher.stop.set()
        watcher.join(10)
        self.assertIsNone(watcher.error)
        lateness = {dues[m["event_id"]]: arrived - dues[m["event_id"]]
                    for arrived, m in watcher.got if m["event_id"] in dues}
        due_during = [d for d in dues.values() if begin <= d <= end]
        late = sorted(lateness[d] for d in due_during if d in lateness)
        self.assertEqual(len(late), len(due_during), "reminders missing during the sync")
        self.assertGreaterEqual(len(late), 1, "the sync ended before a reminder was due")
        waits = sorted(s for _, s in latencies)
        print(f"\n{self.kind}: {self.EVENTS}-event initial sync in {end - begin:.1f} s; "
              f"{len(waits)} status/sync_status requests during it: p99 {p99(waits) * 1000:.1f} ms, "
              f"max {waits[-1] * 1000:.1f} ms; {len(late)} reminders due during it: lateness p99 "
              f"{p99(late) * 1000:.1f} ms, max {late[-1] * 1000:.1f} ms")
        # The pull's slices pause while the WAL's checkpoints catch up, as an import's do
        # (daemon/checkpointer.hpp): 1,500 frames (6 MiB), then what the slices add while a
        # pause gives up (2 s: the reminders' commits keep this slow checkpointer busy); 13.3 MiB
        # measured. Unbounded, 10,000 pulled events left a WAL of 35 MiB.
        print(f"largest WAL during the sync: {max(wal) / 2**20:.1f} MiB")
        self.assertLess(max(wal), 24 << 20)
        scale = 10 if "ASAN_OPTIONS" in os.environ else 1  # as test_bounded_load
        self.assertLess(p99(waits), 0.100 * scale)
        self.assertLess(waits[-1], 0.250 * scale)
        self.assertLess(p99(late), 0.250 * scale)
        self.assertGreaterEqual(late[0], 0.0)
        self.assertEqual(a.connect().result("status")["events"], self.EVENTS + len(dues))
        if self.kind == "xandikos":
            # Xandikos looks each multiget href up in its whole index (115 ms per href at
            # 10,000): a first sync asks for the collection in one calendar-query instead, so it
            # costs two REPORTs (the listing and the fetch), not one per batch of hrefs.
            with open(os.path.join(self.server.root, "server.log"), errors="replace") as f:
                reports = [line for line in f if '"REPORT ' in line]
            self.assertEqual(len(reports), 2, reports)
        self.assertEqual(self.sync_line(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")

    def sync_line(self, d):
        return d.cli("sync", timeout=900).stdout.strip()

    def test_killed_while_applying_resumes_without_doubling(self):
        a = self.machine("a")
        a.connect().result("calendar.sync")
        c = a.connect(timeout=60)
        # kill -9 once some of the pull is stored and not all: between two slices' commits.
        wait_for(lambda: 0 < c.result("status")["events"] < self.EVENTS, timeout=900,
                 interval=0.005, what="the pull to be partly applied")
        a.kill()
        a.start()
        stored = a.connect().result("status")["events"]
        self.assertLess(stored, self.EVENTS)
        # The next run starts from the token before the killed run (none: a full listing) and
        # fetches only what is not stored at the etag the server lists.
        self.assertEqual(self.sync_line(a),
                         f"{self.calendar}: {self.EVENTS - stored} pulled, 0 pushed, 0 conflicts")
        self.assertEqual(a.connect().result("status")["events"], self.EVENTS)
        self.assertEqual(self.sync_line(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")


@unittest.skipUnless(RADICALE, "radicale is not installed (scripts/deps.sh)")
class RadicaleBigSync(BigSync, unittest.TestCase):
    kind = "radicale"
    EVENTS = events(2000)


@unittest.skipUnless(XANDIKOS, "xandikos is not installed (scripts/deps.sh)")
class XandikosBigSync(BigSync, unittest.TestCase):
    kind = "xandikos"
    calendar = "calendar"
    EVENTS = events(10000)


if __name__ == "__main__":
    unittest.main()
