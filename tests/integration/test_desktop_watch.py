"""`herald watch --desktop` for a user of the system service (issue 16, item 1), end to end with
real components: `heraldd --system` run by root, a throw-away user whose own private session bus
(dbus-daemon), notification server (dunst under xvfb-run), dbus-monitor and `herald watch
--desktop` all run under the user's uid, as a desktop session would.

A reminder of the user's event arrives as one Notify with the title as summary, the body heraldd's
own sink writes and the actions Snooze and Dismiss; the Snooze action snoozes it in the ledger and
it fires again (replacing its notification), the Dismiss action acknowledges it.

Needs root (system mode, a test user); skipped without the desktop tools."""
import datetime
import json
import os
import pwd
import queue
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from harness import HERALD, wait_for
from system_harness import SystemModeCase, skip_reason
from test_desktop_reminders import MISSING, notification_ids, notify_actions, notify_calls_text, notify_strings
from test_reminders import iso, next_second
from test_system_authz import RPC

USER = "herald-it-dwatch"


def skip_why():
    if MISSING:
        return "needs " + ", ".join(MISSING)
    if shutil.which("dbus-daemon") is None:
        return "needs dbus-daemon"
    return skip_reason()


class UserDesktop:
    """A user's desktop session without a display manager: a private session bus owned by `uid`,
    dunst on it as the notification server and dbus-monitor logging its calls."""

    def __init__(self, case, uid):
        self.case, self.uid = case, uid
        self.dir = tempfile.mkdtemp(prefix="herald-desk-")
        os.chown(self.dir, uid, pwd.getpwuid(uid).pw_gid)
        self.address = f"unix:path={self.dir}/bus"
        self.env = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": self.dir, "TMPDIR": self.dir,
                    "DBUS_SESSION_BUS_ADDRESS": self.address}
        self.procs = []
        self.spawn(["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address={self.address}"])
        wait_for(lambda: os.path.exists(f"{self.dir}/bus"), what="the user's session bus")
        self.monitor_log = os.path.join(self.dir, "monitor.log")
        with open(self.monitor_log, "w") as log:  # the child keeps its own copy
            self.spawn(["dbus-monitor", "--session"], stdout=log)
        self.spawn(["xvfb-run", "-a", "dunst"])
        wait_for(self.has_server, timeout=15, what="dunst to own org.freedesktop.Notifications")
        time.sleep(0.3)  # let dbus-monitor subscribe

    def spawn(self, argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        # Own process group: xvfb-run's children (Xvfb, dunst) must go when the test ends.
        p = subprocess.Popen(self.case.user_cmd(self.uid, argv), env=self.env, stdout=stdout,
                             stderr=stderr, start_new_session=True, text=True)
        self.procs.append(p)
        return p

    def run(self, argv):
        return subprocess.run(self.case.user_cmd(self.uid, argv), env=self.env, capture_output=True,
                              text=True, timeout=30)

    def has_server(self):
        p = self.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/",
                      "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"])
        return "boolean true" in p.stdout

    def closed(self, nid, reason):
        """The server says notification `nid` closed for `reason` (1 expired, 2 by the user)."""
        p = self.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/Notifications",
                      "org.freedesktop.Notifications.NotificationClosed", f"uint32:{nid}", f"uint32:{reason}"])
        self.case.assertEqual(p.returncode, 0, p.stderr)

    def invoke(self, nid, action):
        """The user picks `action` on notification `nid`, as the server tells it: ActionInvoked."""
        p = self.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/Notifications",
                      "org.freedesktop.Notifications.ActionInvoked", f"uint32:{nid}", f"string:{action}"])
        self.case.assertEqual(p.returncode, 0, p.stderr)

    def close(self):
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                p.terminate()
            p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Lines:
    """A stream of a process read line by line in the background."""

    def __init__(self, stream):
        self.q = queue.Queue()
        self.all = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.q.put(line.rstrip("\n"))

    def wait(self, predicate, timeout=20, what="a line"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.all.append(line)
            if predicate(line):
                return line
        raise AssertionError(f"no {what} within {timeout} s; got {self.all[-5:]}")


@unittest.skipIf(skip_why() is not None, skip_why() or "")
class WatchDesktop(SystemModeCase):
    USERS = (USER,)
    ADMIN_GROUP = "herald-it-dwadm"

    def setUp(self):
        super().setUp()
        self.uid = self.uids[0]
        self.desk = UserDesktop(self, self.uid)
        self.watch = None

    def tearDown(self):
        if self.watch is not None:
            self.watch.kill()
            self.watch.wait()
        self.desk.close()
        super().tearDown()

    def start_watch(self, *args):
        self.watch = self.desk.spawn([HERALD, "--socket", self.d.socket, "--json", "watch", "--desktop",
                                      *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out, self.err = Lines(self.watch.stdout), Lines(self.watch.stderr)
        time.sleep(1.0)  # let it subscribe
        self.assertIsNone(self.watch.poll(), "watch --desktop exited")

    def add_as_user(self, title, due, start):
        p = subprocess.run(self.user_cmd(self.uid, ["python3", "-c", RPC, self.d.socket, "event.add", json.dumps(
            {"event": {"title": title, "start": iso(start), "tz": "UTC", "location": "Bishkek",
                       "alarms": [{"at": iso(due)}]}})]), env=self.desk.env, capture_output=True, text=True,
            check=True)
        return json.loads(p.stdout)["result"]["event"]

    def ledger_state(self, alarm_id):
        with sqlite3.connect(f"file:{self.d.db}?mode=ro", uri=True) as db:
            return db.execute("SELECT state FROM alarm_ledger WHERE id = ?", (alarm_id,)).fetchone()[0]

    def test_reminder_notifies_snooze_snoozes_dismiss_acknowledges(self):
        self.start_watch("--snooze", "3s")
        due = next_second(2)
        start = due + 3600
        title = "Japan–Kyrgyz foreign ministers' meeting"
        self.add_as_user(title, due, start)
        first = json.loads(self.out.wait(lambda l: '"reminder"' in l, what="the reminder on stdout"))
        self.assertEqual(first["title"], title)
        alarm = first["id"]
        wait_for(lambda: notification_ids(self.desk.monitor_log), what="the server's reply to Notify")
        [call] = notify_calls_text(self.desk.monitor_log)
        app, _icon, summary, body = notify_strings(call)[:4]
        # What heraldd's own sink shows (desktop/reminder): when, where, which alarm.
        when = datetime.datetime.fromtimestamp(start, datetime.timezone.utc).strftime("%a %Y-%m-%d %H:%M UTC")
        self.assertEqual((app, summary, body), ("Herald", title, f"{when}\nBishkek\nReminder: 1 h before"))
        self.assertEqual(notify_actions(self.desk.monitor_log),
                         [("default", "Acknowledge"), ("snooze", "Snooze 3 s"), ("dismiss", "Dismiss")])
        [nid] = notification_ids(self.desk.monitor_log)

        self.desk.invoke(nid, "snooze")
        self.err.wait(lambda l: f"reminder a{alarm} snoozed" in l, what="the snooze reported")
        self.assertEqual(self.ledger_state(alarm), "snoozed")
        again = json.loads(self.out.wait(lambda l: '"reminder"' in l, timeout=15, what="the snoozed reminder"))
        self.assertEqual((again["id"], again["snoozed"]), (alarm, True))
        wait_for(lambda: len(notification_ids(self.desk.monitor_log)) == 2, what="the second Notify's reply")
        second = notify_calls_text(self.desk.monitor_log)[1]
        self.assertIn(f"uint32 {nid}", second, "replaces its notification")
        self.assertEqual(notify_strings(second)[3], f"{when}\nBishkek\nReminder: snoozed (set 1 h before)")
        self.assertEqual(notification_ids(self.desk.monitor_log), [nid, nid])

        self.desk.invoke(nid, "dismiss")
        self.err.wait(lambda l: f"reminder a{alarm} acknowledged" in l, what="the dismissal reported")
        self.assertEqual(self.ledger_state(alarm), "acknowledged")

    def test_status_tells_a_system_user_to_run_watch_desktop(self):
        p = self.as_user(self.uid, "status", check=0)
        self.assertIn("desktop:  off (system mode: each user runs herald watch --desktop)", p.stdout)
        self.assertIn("next:     no reminder to come", p.stdout)

    def test_another_programs_notification_is_not_answered(self):
        self.start_watch()
        due = next_second(2)
        self.add_as_user("Mine", due, due + 600)
        alarm = json.loads(self.out.wait(lambda l: '"reminder"' in l, what="the reminder"))["id"]
        [nid] = wait_for(lambda: notification_ids(self.desk.monitor_log), what="the Notify reply")
        self.desk.invoke(nid + 1000, "dismiss")
        time.sleep(1.0)
        self.assertEqual(self.ledger_state(alarm), "fired")

    def test_closed_by_the_user_acknowledges_expired_does_not(self):
        self.start_watch()
        due = next_second(2)
        self.add_as_user("Expires unseen", due, due + 600)
        self.add_as_user("Closed by the user", due, due + 900)
        first = json.loads(self.out.wait(lambda l: '"reminder"' in l, what="a reminder"))
        second = json.loads(self.out.wait(lambda l: '"reminder"' in l, what="another reminder"))
        alarms = {first["title"]: first["id"], second["title"]: second["id"]}
        ids = wait_for(lambda: len(notification_ids(self.desk.monitor_log)) == 2
                       and notification_ids(self.desk.monitor_log), what="both Notify replies")
        by_title = {notify_strings(c)[2]: nid for c, nid in zip(notify_calls_text(self.desk.monitor_log), ids)}
        self.desk.closed(by_title["Expires unseen"], 1)
        self.desk.closed(by_title["Closed by the user"], 2)
        self.err.wait(lambda l: f'reminder a{alarms["Closed by the user"]} acknowledged' in l,
                      what="the closed one acknowledged")
        time.sleep(0.5)
        self.assertEqual(self.ledger_state(alarms["Expires unseen"]), "fired")
        self.assertEqual(self.ledger_state(alarms["Closed by the user"]), "acknowledged")


if __name__ == "__main__":
    unittest.main()
