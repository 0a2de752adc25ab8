"""Reminders on the desktop, with real components: a private session bus (dbus-run-session, set up
by ctest), dunst under xvfb-run as the notification server, dbus-monitor capturing the calls.

An alarm due in 2 s produces exactly one Notify whose summary is the event's title; invoking the
notification's Snooze action snoozes the alarm in the ledger; with no notification server the
daemon keeps running and a watcher still gets the reminder.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time
import unittest

from harness import DaemonTestCase, wait_for
from test_reminders import Watcher, iso, next_second

TOOLS = ["dbus-monitor", "dbus-send", "dunst", "dunstctl", "xvfb-run", "xauth"]
MISSING = [t for t in TOOLS if shutil.which(t) is None]
ON_BUS = "DBUS_SESSION_BUS_ADDRESS" in os.environ


def has_server():
    p = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/",
                        "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"],
                       capture_output=True, text=True)
    return "boolean true" in p.stdout


def notify_calls(monitor_log):
    """How many Notify calls dbus-monitor saw."""
    with open(monitor_log) as f:
        return f.read().count("member=Notify")


def monitor_blocks(monitor_log):
    """dbus-monitor's log split into messages (a message starts at its type; bodies have newlines)."""
    with open(monitor_log) as f:
        return re.split(r"\n(?=(?:method call|method return|signal|error) )", f.read())


def notification_ids(monitor_log):
    """The ids the server returned for Notify calls (matched by reply_serial), in order."""
    blocks = monitor_blocks(monitor_log)
    serials = {re.search(r"serial=(\d+)", b).group(1) for b in blocks
               if b.startswith("method call") and "member=Notify" in b and re.search(r"serial=(\d+)", b)}
    ids = []
    for b in blocks:
        m = re.search(r"reply_serial=(\d+)", b)
        if b.startswith("method return") and m and m.group(1) in serials:
            ids.append(int(re.search(r"uint32 (\d+)", b).group(1)))
    return ids


def notify_calls_text(monitor_log):
    """The Notify calls as dbus-monitor printed them, in order."""
    return [b for b in monitor_blocks(monitor_log) if b.startswith("method call") and "member=Notify" in b]


def notify_strings(block):
    """The string arguments of one Notify call: app, icon, summary, body, then the actions."""
    return re.findall(r'string "((?:[^"\\]|\\.)*)"', block, re.S)


def notify_actions(monitor_log, index=0):
    """The (key, label) pairs of a Notify call's actions (its first `as` argument)."""
    block = notify_calls_text(monitor_log)[index]
    first_array = block.split("array [", 1)[1].split("]", 1)[0]
    strings = re.findall(r'string "([^"]*)"', first_array)
    return list(zip(strings[0::2], strings[1::2]))


class BusTestCase(DaemonTestCase):
    """Starts dbus-monitor (and, when `server`, dunst) before the daemon."""

    server = True
    daemon_args = ("--log-level", "debug")

    def setUp(self):
        if MISSING or not ON_BUS:
            self.skipTest(f"needs a session bus and {', '.join(MISSING) or 'dbus-run-session'}")
        self.procs = []
        self.monitor_log = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"herald-monitor-{os.getpid()}.log")
        log = open(self.monitor_log, "w")
        self.procs.append(subprocess.Popen(
            start_new_session=True, args=["dbus-monitor", "--session"],
            stdout=log, stderr=subprocess.STDOUT))
        if self.server:
            # Own process group: xvfb-run's children (Xvfb, dunst) must go when the test ends.
            self.procs.append(subprocess.Popen(["xvfb-run", "-a", "dunst"], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, start_new_session=True))
            wait_for(has_server, timeout=15, what="dunst to own org.freedesktop.Notifications")
        else:
            os.environ.pop("DISPLAY", None)  # no D-Bus activation of an installed server
            self.assertFalse(has_server())
        time.sleep(0.3)  # let dbus-monitor subscribe
        super().setUp()

    def tearDown(self):
        super().tearDown()
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                p.terminate()
            p.wait()
        wait_for(lambda: not has_server(), timeout=10, what="the notification server to leave the bus")
        os.unlink(self.monitor_log)

    def notify_calls(self):
        return notify_calls(self.monitor_log)

    def notification_ids(self):
        return notification_ids(self.monitor_log)

    def notify_actions(self):
        return notify_actions(self.monitor_log)

    def add_with_alarm(self, title):
        due = next_second(2)
        c = self.d.connect()
        ev = c.result("event.add", {"event": {"title": title, "start": iso(due + 3600), "tz": "UTC",
                                              "alarms": [{"at": iso(due)}]}})["event"]
        return c, ev, due


class WithServer(BusTestCase):
    def test_one_notify_then_snooze_action(self):
        w = Watcher(self.d)
        time.sleep(0.5)
        c, ev, _ = self.add_with_alarm("Japan–Kyrgyz foreign ministers' meeting")
        [msg] = w.take(1)
        self.assertEqual(msg["title"], "Japan–Kyrgyz foreign ministers' meeting")
        wait_for(lambda: self.notify_calls() >= 1, what="a Notify call")
        time.sleep(1.0)
        self.assertEqual(self.notify_calls(), 1)
        with open(self.monitor_log) as f:
            self.assertIn("Japan–Kyrgyz foreign ministers' meeting", f.read())
        # The popup offers exactly the actions the daemon acts on (the Snooze label names the delay).
        actions = dict(self.notify_actions())
        self.assertEqual(sorted(actions), ["default", "dismiss", "snooze"], actions)
        self.assertTrue(actions["snooze"].startswith("Snooze"), actions)
        self.assertEqual(actions["dismiss"], "Dismiss")
        # Clicking acknowledges, and the label says so (it said "Open").
        self.assertEqual(actions["default"], "Acknowledge")
        # The notification the server shows, and its id, from dunst's own history of displayed ones.
        shown = json.loads(subprocess.run(["dunstctl", "history"], capture_output=True, text=True).stdout
                           or '{"data": [[]]}')
        displayed = int(subprocess.run(["dunstctl", "count", "displayed"], capture_output=True, text=True).stdout)
        self.assertEqual(displayed + len(shown["data"][0]), 1)
        entry = msg["id"]
        # Invoke Snooze as the server would: an ActionInvoked signal for the notification's id.
        [nid] = wait_for(self.notification_ids, what="the server's reply to Notify")
        subprocess.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/Notifications",
                        "org.freedesktop.Notifications.ActionInvoked", f"uint32:{nid}", "string:snooze"], check=True)
        state = wait_for(lambda: next((a for a in c.result("alarm.next")["alarms"]
                                       if a["id"] == entry and a["state"] == "snoozed"), None),
                         what="the alarm to be snoozed by the desktop action\n" + self.d.log_text())
        self.assertIn("snooze_until", state)
        time.sleep(0.2)
        self.assertIn("desktop: reminder", self.d.log_text())

    def test_closed_by_the_user_acknowledges(self):
        w = Watcher(self.d)
        time.sleep(0.5)
        c, ev, _ = self.add_with_alarm("Closed with the mouse")
        [msg] = w.take(1)
        [nid] = wait_for(self.notification_ids, what="the server's reply to Notify")
        subprocess.run(["dbus-send", "--session", "--type=signal", "/org/freedesktop/Notifications",
                        "org.freedesktop.Notifications.NotificationClosed", f"uint32:{nid}", "uint32:2"], check=True)
        wait_for(lambda: f"desktop: reminder {msg['id']} acknowledged (closed, reason 2)" in self.d.log_text(),
                 what="the acknowledgement\n" + self.d.log_text())
        # Acknowledged in the ledger: it can no longer be snoozed.
        err = c.call("alarm.snooze", {"id": msg["id"], "for": "10m"})
        self.assertIn("error", err, err)

    def test_status_says_notifications_work_and_names_the_next_reminder(self):
        due = next_second(30)
        c = self.d.connect()
        ev = c.result("event.add", {"event": {"title": "Next one", "start": iso(due + 3600), "tz": "UTC",
                                              "alarms": [{"at": iso(due)}]}})["event"]
        out = wait_for(lambda: (lambda o: "desktop:  working" in o and o)(self.d.cli("status").stdout),
                       what="status to say notifications work")
        self.assertRegex(out, r"desktop:  working \(dunst \d.*\)\n")
        alarm = c.result("alarm.next")["alarms"][0]
        self.assertEqual(alarm["event_id"], ev["id"])
        self.assertRegex(out, rf"next:     a{alarm['id']} .*  Next one\n")
        self.assertEqual(self.d.cli_json("status")["next_reminder"]["fires_at"], iso(due))


class WithoutServer(BusTestCase):
    server = False

    def test_reminder_still_reaches_watchers(self):
        w = Watcher(self.d)
        time.sleep(0.5)
        self.add_with_alarm("No server here")
        [msg] = w.take(1)
        self.assertEqual(msg["title"], "No server here")
        self.assertIsNone(self.d.proc.poll(), "heraldd must keep running")
        self.assertEqual(self.d.connect().result("hello")["server"], "heraldd")
        self.assertIn("desktop:  no notification server", self.d.cli("status").stdout)


if __name__ == "__main__":
    unittest.main()
