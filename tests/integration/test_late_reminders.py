"""Reminders already due when their event is added or edited (issue 16, item 3), with the real
heraldd and herald: `herald add "Call in 10 min" --at <now+10m> --remind 15m` used to fire
nothing and list nothing. A late reminder of an occurrence still ahead now follows the catch-up
policy, as if the daemon had been down when it came due: it fires at once within the catch-up
window (once: editing the event again does not repeat it) and is recorded missed beyond it.
Every fired reminder is also logged at info level (the journal)."""
import datetime
import re
import time
import unittest
from zoneinfo import ZoneInfo

from harness import DaemonTestCase
from test_reminders import Watcher, iso


class LateWithinWindow(DaemonTestCase):
    def test_add_says_on_stderr_that_a_passed_reminder_fires_at_once(self):
        start = int(time.time()) + 600
        p = self.d.cli("add", "Call in 10 min", "--at", iso(start), "--remind", "15m")
        due = datetime.datetime.fromtimestamp(start - 900, ZoneInfo("Asia/Bishkek"))  # herald's TZ
        self.assertEqual(p.stderr, f"herald: the reminder due {due:%a %Y-%m-%d %H:%M} +06 had already "
                                   "passed: it fires at once (beyond heraldd's catch-up window, herald "
                                   "missed lists it instead)\n")
        # Still ahead, or an occurrence already begun: nothing to say.
        self.assertEqual(self.d.cli("add", "Later", "--at", iso(start), "--remind", "5m").stderr, "")
        self.assertEqual(self.d.cli("add", "Begun", "--at", iso(start - 1200), "--remind", "5m").stderr, "")

    def test_add_says_a_reminder_waits_while_the_date_is_not_fixed(self):
        for args, date in ((["--at", "Dec 2030"], "December 2030 (month precision, date not fixed)"),
                           (["--tba"], "to be announced")):
            p = self.d.cli("add", "Summit", *args, "--remind", "1d")
            eid = re.match(r"Added event #(\d+):", p.stdout).group(1)
            self.assertEqual(p.stderr, f"herald: no reminder fires yet: the date is {date}; they fire "
                                       f"once herald edit {eid} --at WHEN gives a day or a time\n")
            self.assertEqual(self.d.cli_json("next", "--limit", "100")["alarms"], [])
        # Without --remind nothing to say (a daemon's default alarm joins every event).
        self.assertEqual(self.d.cli("add", "Harvest", "--at", "2031").stderr, "")
        # edit says it too, when it sets reminders.
        p = self.d.cli("edit", eid, "--remind", "2h")
        self.assertEqual(p.stderr, f"herald: no reminder fires yet: the date is to be announced; they "
                                   f"fire once herald edit {eid} --at WHEN gives a day or a time\n")
        self.assertEqual(self.d.cli("edit", eid, "--title", "Summit 2").stderr, "")

    def test_added_after_its_reminder_was_due_fires_at_once_and_once(self):
        w = Watcher(self.d)
        self.addCleanup(w.stop)  # watch reconnects forever: it must not outlive the test
        time.sleep(0.5)
        start = int(time.time()) + 600
        added = self.d.cli_json("add", "Call in 10 min", "--at", iso(start), "--remind", "15m")["event"]
        [msg] = w.take(1, timeout=5)
        self.assertEqual((msg["event_id"], msg["title"]), (added["id"], "Call in 10 min"))
        self.assertEqual(msg["due"], iso(start - 900))
        self.assertEqual(self.d.cli_json("next")["alarms"], [])
        log = self.d.log_text()
        self.assertRegex(log, rf'reminder #{msg["id"]} fired at \S+: "Call in 10 min"')
        # An edit after it fired does not fire that occurrence again.
        self.d.cli("edit", str(added["id"]), "--title", "Call Aibek in 10 min")
        w.quiet_for(1.5)

    def test_edited_so_that_its_reminder_is_past_fires_at_once(self):
        w = Watcher(self.d)
        self.addCleanup(w.stop)  # watch reconnects forever: it must not outlive the test
        time.sleep(0.5)
        start = int(time.time()) + 600
        added = self.d.cli_json("add", "Visa interview", "--at", iso(start), "--remind", "5m")["event"]
        w.quiet_for(1.0)
        self.d.cli("edit", str(added["id"]), "--remind", "1h")
        [msg] = w.take(1, timeout=5)
        self.assertEqual((msg["event_id"], msg["due"]), (added["id"], iso(start - 3600)))

    def test_an_occurrence_already_begun_gets_no_reminder(self):
        w = Watcher(self.d)
        self.addCleanup(w.stop)  # watch reconnects forever: it must not outlive the test
        time.sleep(0.5)
        self.d.cli("add", "Began a minute ago", "--at", iso(int(time.time()) - 60), "--remind", "15m")
        w.quiet_for(1.5)
        self.assertEqual(self.d.cli_json("missed")["alarms"], [])


class LateBeyondWindow(DaemonTestCase):
    daemon_args = ("--catchup", "30m")

    def test_due_longer_ago_than_the_catchup_window_is_listed_missed(self):
        w = Watcher(self.d)
        self.addCleanup(w.stop)  # watch reconnects forever: it must not outlive the test
        time.sleep(0.5)
        start = int(time.time()) + 7200
        added = self.d.cli_json("add", "Flight to Osaka", "--at", iso(start), "--remind", "3h")["event"]
        w.quiet_for(1.5)
        missed = self.d.cli_json("missed")["alarms"]
        self.assertEqual([(a["event_id"], a["due"], a["state"]) for a in missed],
                         [(added["id"], iso(start - 3 * 3600), "missed")])
        self.assertTrue(re.search(rf'reminder #{missed[0]["id"]} missed', self.d.log_text()), self.d.log_text())
        # In colour a missed row is painted as list paints a past one: dim, its date too unless
        # it is today's (bold yellow, as in list).
        out = self.d.cli("--color=always", "missed", env={"TZ": "UTC"}).stdout
        due = datetime.datetime.fromtimestamp(start - 3 * 3600, datetime.timezone.utc)
        today = datetime.datetime.now(datetime.timezone.utc).date()
        code = "\x1b[1;33m" if due.date() == today else "\x1b[2m"
        self.assertIn(f"{code}{due:%a %Y-%m-%d %H:%M} UTC\x1b[0m", out)
        self.assertIn("\x1b[2mmissed\x1b[0m  \x1b[2mFlight to Osaka\x1b[0m", out)


if __name__ == "__main__":
    unittest.main()
