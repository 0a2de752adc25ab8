"""An idle heraldd sleeps until something happens: no timer ticks for a subscribed watcher, for an
idle timeout that cannot expire, or for STATUS= without a watchdog; STATUS= still follows requests
and alarms. Wake-ups are counted as the context switches of all the daemon's threads (a process
blocked in epoll_wait makes none). bench/idle.py measures the same with strace and 100,000 events.
"""
import datetime
import os
import shutil
import tempfile
import time
import unittest

from harness import Daemon, wait_for
from test_systemd import ANALYZE, NotifyListener


def context_switches(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            total += sum(int(line.split()[1]) for line in f if "ctxt_switches:" in line)
    return total


def settled_switches(pid, quiet=1.0, limit=20.0):
    """The context-switch count once it has not moved for `quiet` seconds."""
    deadline = time.monotonic() + limit
    last, since = context_switches(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = context_switches(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"heraldd never stopped switching for {quiet} s")


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Idle(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-idle-")
        self.config = os.path.join(self.root, "heraldd.toml")
        # Why 1 s: were a subscriber's idle deadline still re-armed, it would fire in the window.
        with open(self.config, "w") as f:
            f.write("[server]\nidle_timeout = 1\n")
        self.d = None

    def tearDown(self):
        if self.d is not None:
            for c in self.d.clients:
                c.close()
            self.d.stop()
            log = self.d.log_text()
            for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
                self.assertNotIn(marker, log, "sanitizer report in heraldd log")
        shutil.rmtree(self.root, ignore_errors=True)

    def start(self, env=None):
        self.d = Daemon(self.root, ("--config", self.config), env)
        return self.d

    def assert_sleeps(self, seconds=3.0):
        before = settled_switches(self.d.proc.pid)
        time.sleep(seconds)
        woke = context_switches(self.d.proc.pid) - before
        self.assertEqual(woke, 0, f"heraldd woke up {woke} times in {seconds:g} s of idleness")

    def test_subscriber_connected_daemon_sleeps(self):
        self.start().start()
        writer = self.d.connect()
        writer.result("event.add", {"event": {"title": "in a day", "start": iso(time.time() + 86400),
                                              "alarms": [{"trigger": "-PT15M"}]}})
        watcher = self.d.connect()
        watcher.result("subscribe", {"topics": ["reminders", "changes"]})
        # The plain client's idle timeout is a real deadline: it fires once and closes it.
        self.assertIsNone(writer.read(timeout=10), "idle client was not disconnected")
        self.assert_sleeps()
        # The watcher outlived many idle timeouts and is still served.
        other = self.d.connect()
        other.result("event.add", {"event": {"title": "after the nap", "start": "2030-01-01T10:00",
                                             "tz": "Asia/Tokyo"}})
        msg = watcher.read(timeout=10)
        self.assertEqual(msg["method"], "change")
        self.assertEqual(msg["params"]["event"]["title"], "after the nap")

    @unittest.skipIf(ANALYZE is None, "no systemd tools (Debian package systemd)")
    def test_supervised_without_watchdog_status_follows_changes_not_a_tick(self):
        n = NotifyListener(self.root)
        self.start(env={"NOTIFY_SOCKET": n.path}).start(wait=False)
        n.wait("READY=1")
        wait_for(self.d.serving, what="heraldd to serve")
        c = self.d.connect()
        due = int(time.time()) + 3
        c.result("event.add", {"event": {"title": "soon", "start": iso(due + 3600), "alarms": [{"at": iso(due)}]}})
        c.close()
        self.d.clients.remove(c)
        n.wait(f"STATUS=serving 1 events; next alarm {iso(due)}", timeout=5)
        # After the alarm fired, STATUS= says so without any request.
        n.wait("STATUS=serving 1 events; no alarm due", timeout=10)
        self.assert_sleeps()
        self.assertNotIn("WATCHDOG=1", "\n".join(n.messages))
        n.close()


if __name__ == "__main__":
    unittest.main()
