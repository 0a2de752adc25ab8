"""Crash test: clients add events as fast as they can while heraldd is killed with SIGKILL at
random moments. After each kill the database must pass PRAGMA integrity_check, hold every
acknowledged event, and retries of unacknowledged adds (same uid) must create no duplicates.

CI runs 20 kills; HERALD_LONG_TESTS=1 runs 200 (HERALD_CRASH_KILLS overrides the count).

Every other round runs heraldd with HERALDD_TEST_COMMIT_DELAY_MS, which holds each group-commit
batch open for a while with the loop still serving: a kill then almost always lands between a
batch's requests and its COMMIT, so a reply sent before COMMIT (instead of held until it) shows
up as an acknowledged-but-lost add. Without it that window is a few microseconds wide (a planted
reply-before-COMMIT passed 20 plain rounds and lost 3,692 acknowledged adds with the delay).
"""
import os
import random
import shutil
import sqlite3
import tempfile
import threading
import time
import unittest

from harness import Daemon, wait_for

LONG = os.environ.get("HERALD_LONG_TESTS") == "1"
KILLS = int(os.environ.get("HERALD_CRASH_KILLS", "200" if LONG else "20"))
WRITERS = 4


def event(uid):
    # The title repeats the uid so duplicates under another uid would be visible too.
    return {"uid": uid, "title": f"crash {uid}", "start": "2025-03-21T09:00", "tz": "Asia/Tashkent",
            "duration": "PT1H", "categories": ["crash"]}


class Writer(threading.Thread):
    """Adds events with fresh uids until the connection breaks; records what was acknowledged."""

    def __init__(self, daemon, prefix):
        super().__init__(daemon=True)
        self.d, self.prefix = daemon, prefix
        self.acked, self.in_flight, self.errors, self.n = [], None, [], 0

    def run(self):
        try:
            c = self.d.connect(timeout=30)
        except OSError:
            return
        try:
            while True:
                uid = f"{self.prefix}-{self.n}@crash.test"
                self.in_flight = uid
                reply = c.call("event.add", {"event": event(uid)})
                if "error" in reply:
                    self.errors.append(reply["error"])
                    return
                self.acked.append(uid)
                self.in_flight = None
                self.n += 1
        except (OSError, ConnectionError, ValueError):
            pass  # the daemon was killed under us: in_flight is unacknowledged
        finally:
            c.close()


class Crash(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-crash-")
        self.d = Daemon(self.root)

    def tearDown(self):
        self.d.stop()
        log = self.d.log_text()
        shutil.rmtree(self.root, ignore_errors=True)
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
            self.assertNotIn(marker, log, "sanitizer report in heraldd log")

    def check_database(self):
        """With the daemon stopped: integrity, and the uid -> row count of every crash event."""
        db = sqlite3.connect(self.d.db)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            rows = db.execute("SELECT uid, json_extract(data, '$.title') FROM events").fetchall()
        finally:
            db.close()
        titles = [t for _, t in rows]
        self.assertEqual(len(titles), len(set(titles)), "the same event was stored twice")
        return {uid for uid, _ in rows}

    def test_sigkill_during_adds_loses_no_acknowledged_event(self):
        rng = random.Random(os.environ.get("HERALD_CRASH_SEED"))
        acked, lost, retried = set(), 0, 0
        for round_no in range(KILLS):
            if round_no % 2:
                self.d.env["HERALDD_TEST_COMMIT_DELAY_MS"] = "25"
            else:
                self.d.env.pop("HERALDD_TEST_COMMIT_DELAY_MS", None)
            self.d.start()
            # Retries of the last round's unacknowledged adds, with the same uid: exactly once.
            c = self.d.connect()
            for uid in self.pending:
                reply = c.call("event.add", {"event": event(uid)})
                self.assertIn("result", reply, reply)
                acked.add(uid)
                retried += 1
            c.close()
            writers = [Writer(self.d, f"r{round_no}w{w}") for w in range(WRITERS)]
            for w in writers:
                w.start()
            wait_for(lambda: any(w.acked for w in writers), timeout=30, what="a first acknowledged add")
            time.sleep(rng.uniform(0.0, 0.4))
            self.d.kill()
            for w in writers:
                w.join(timeout=30)
                self.assertEqual(w.errors, [])
                acked.update(w.acked)
            self.pending = [w.in_flight for w in writers if w.in_flight]
            stored = self.check_database()
            lost += len(acked - stored)
        self.d.start()
        c = self.d.connect()
        for uid in self.pending:
            self.assertIn("result", c.call("event.add", {"event": event(uid)}))
            acked.add(uid)
        count = c.result("status")["events"]
        c.close()
        self.d.stop()
        stored = self.check_database()
        lost += len(acked - stored)
        print(f"\nkills: {KILLS}, acknowledged: {len(acked)}, retried: {retried}, stored: {count}")
        print(f"acknowledged-but-lost: {lost}")
        self.assertEqual(lost, 0)
        self.assertEqual(count, len(stored))
        self.assertEqual(stored, acked, "every stored crash event was acknowledged once retried")
        self.assertGreater(len(acked), KILLS)

    pending = []


if __name__ == "__main__":
    unittest.main()
