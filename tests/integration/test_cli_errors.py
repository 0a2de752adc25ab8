"""One exit-code rule for every command (issue 16, item 9): 64 when the command line is wrong
(an unknown command or option, a missing argument, a value not among the choices, options that
contradict), 65 when a value cannot be read (a date, month, duration, zone, rule) or names
nothing (an exception that is no occurrence). Each error is one line that names an option, never
an internal name (query:, FILE:, MONTH:, a protocol field)."""
import re
import unittest

from harness import DaemonTestCase

# Names that are the code's, not the user's: a line must never show one as its subject.
INTERNAL = re.compile(r"^herald: (query|FILE|MONTH|month|snooze|until|edit|when|instant|start|end|"
                      r"tz|exdates|rrule|alarms|changes|event|params|from|to|since|occurrence\w*)[:.]")
DOUBLED = re.compile(r"^herald: (--[a-z-]+): \1\b")

USAGE, DATA, NOT_FOUND = 64, 65, 66


class OneExitRule(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.id = str(self.d.cli_json("add", "Standup", "--at", "2030-01-07 09:30", "--repeat",
                                      "weekly")["event"]["id"])

    def cases(self):
        i = self.id
        return [
            # (arguments, exit code, text the line must contain)
            ([], USAGE, "expected a command"),
            (["serach", "x"], USAGE, "unknown command 'serach'"),
            (["--bogus", "list"], USAGE, "--bogus"),
            (["add"], USAGE, "title is required"),
            (["add", "x"], USAGE, "--at WHEN is required"),
            (["add", "x", "--bogus"], USAGE, "--bogus"),
            (["add", "x", "--at"], USAGE, "--at needs a value"),
            (["add", "x", "--at", "2030-01-01", "--tba"], USAGE, "--tba"),
            (["add", "x", "--at", "2030-01-01", "--no-remind", "--remind", "1d"], USAGE, "--no-remind"),
            (["add", "x", "--at", "2030-01-01", "--repeat", "weekly", "--rrule", "FREQ=DAILY"], USAGE,
             "only one of"),
            (["add", "x", "--at", "2030-01-01", "--status", "maybe"], USAGE, "--status"),
            (["add", "x", "--at", "2030-01-01", "--repeat", "hourly"], USAGE, "--repeat"),
            (["add", "x", "--at", "next blursday"], DATA, "--at"),
            (["add", "x", "--at", "2030-02-30"], DATA, "impossible date"),
            (["add", "x", "--at", "2030-01-01 10:00", "--end", "soonish"], DATA, "--end"),
            (["add", "x", "--at", "2030-01-01 10:00", "--duration", "5x"], DATA, "--duration"),
            (["add", "x", "--at", "2030-01-01", "--remind", "5x"], DATA, "--remind"),
            (["add", "x", "--at", "2030-01-01", "--remind-at", "whenever"], DATA, "--remind-at"),
            (["add", "x", "--at", "2030-01-01 10:00", "--tz", "Mars/Olympus"], DATA, "--tz"),
            (["add", "x", "--at", "2030-01-01", "--rrule", "FREQ=FORTNIGHTLY"], DATA, "--rrule"),
            (["add", "x", "--at", "2030-01-01", "--repeat", "weekly", "--except", "someday"], DATA,
             "--except"),
            (["show"], USAGE, "is required"),
            (["show", "abc"], USAGE, "expected an event id such as #12 or 12"),
            (["show", "4242"], NOT_FOUND, "no event with id 4242"),
            (["edit", i], USAGE, "nothing to change"),
            (["edit", i, "--at", "tomorrowish"], DATA, "--at"),
            (["edit", i, "--except", "2030-01-08"], DATA, "matches no occurrence"),
            (["edit", i, "--no-except", "2030-01-14"], DATA, "no exception on 2030-01-14"),
            (["rm"], USAGE, "is required"),
            (["rm", i, "--on", "whenever"], DATA, "--on"),
            (["list", "--from", "whenever"], DATA, "--from"),
            (["list", "--to", "whenever"], DATA, "--to"),
            (["list", "--from", "2030-02-01", "--to", "2030-01-01"], DATA, "--to must be after --from"),
            (["list", "--days", "0"], USAGE, "--days"),
            (["list", "--days", "x"], USAGE, "--days"),
            (["list", "--status", "maybe"], USAGE, "--status"),
            (["list", "--format", "xml"], USAGE, "--format"),
            (["list", "--limit", "x"], USAGE, "--limit"),
            (["list", "--tz", "Mars/Olympus"], DATA, "--tz"),
            (["cal", "2027"], DATA, "expected a month such as 2026-12"),
            (["cal", "2026-13"], DATA, "2026-13"),
            (["cal", "junember"], DATA, "expected a month such as 2026-12"),
            (["cal", "2026-06", "extra"], DATA, "2026-06 extra"),
            (["cal", "June", "2026", "extra"], USAGE, "extra"),
            (["export", "--from", "whenever"], DATA, "--from"),
            (["export", "--to", "whenever"], DATA, "--to"),
            (["export", "/nonexistent-dir/out.ics"], 73, "cannot write /nonexistent-dir/out.ics"),
            (["import"], USAGE, "is required"),
            (["import", "/nonexistent-dir/in.ics"], 66, "cannot read /nonexistent-dir/in.ics"),
            (["next", "--limit", "x"], USAGE, "--limit"),
            (["next", "-n", "0"], USAGE, "--limit"),
            (["next", "-n", "99999"], USAGE, "--limit"),
            (["list", "--limit", "-5"], USAGE, "--limit"),
            (["list", "--limit", "0"], USAGE, "--limit"),
            (["next", "--event", "x"], USAGE, "--event"),
            (["missed", "--since", "whenever"], DATA, "--since"),
            (["until"], USAGE, "is required"),
            (["search"], USAGE, "is required"),
            (["search", "x", "--limit", "0"], USAGE, "--limit"),
            (["list", "--week", "--from", "2030-01-01"], USAGE, "--week"),
            (["list", "--today", "--month"], USAGE, "one of --today, --week and --month"),
            (["until", "nothing-matches"], NOT_FOUND, "no event matches 'nothing-matches'"),
            (["snooze", "1"], USAGE, "is required"),
            (["snooze", "1", "5x"], DATA, "5x"),
            (["snooze", "1", "until"], USAGE, "until needs a WHEN"),
            (["snooze", "1", "10m", "5m"], USAGE, "expected one duration"),
            (["snooze", "x", "10m"], USAGE, "expected an alarm id such as a12"),
            (["ack"], USAGE, "is required"),
            (["ack", "x"], USAGE, "expected an alarm id such as a12"),
            (["status", "extra"], USAGE, "extra"),
        ]

    def test_each_command_and_option(self):
        for args, code, text in self.cases():
            with self.subTest(args=args):
                p = self.d.cli(*args, check=False)
                self.assertEqual(p.returncode, code, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertTrue(p.stderr.startswith("herald: "), p.stderr)
                self.assertIn(text, p.stderr)
                self.assertIsNone(INTERNAL.match(p.stderr), p.stderr)
                self.assertIsNone(DOUBLED.match(p.stderr), p.stderr)
        # Nothing was stored by the refused commands.
        self.assertEqual(self.d.cli_json("status")["events"], 1)

    def test_a_bad_value_is_reported_without_a_daemon(self):
        self.d.stop()
        for args in (["add", "x", "--at", "blursday"], ["snooze", "1", "5x"],
                     ["list", "--format", "ics", "--from", "whenever"], ["cal", "2027"]):
            with self.subTest(args=args):
                p = self.d.cli(*args, check=False)
                self.assertEqual(p.returncode, DATA, p.stderr)
                self.assertNotIn("not running", p.stderr)

    def test_exported_count_is_singular_or_plural(self):
        out = self.root + "/one.ics"
        p = self.d.cli("export", out)
        self.assertEqual(p.stderr, f"Exported 1 event to {out}\n")
        self.d.cli("add", "Another", "--at", "2030-02-01")
        p = self.d.cli("export", out)
        self.assertEqual(p.stderr, f"Exported 2 events to {out}\n")


if __name__ == "__main__":
    unittest.main()
