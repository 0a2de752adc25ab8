"""Time behaviours of the CLI against the real daemon: zones beside each other, anniversaries,
imprecise dates, repeats with exceptions, --tz, --tba, natural input and `herald until`."""
import datetime
import unittest

from harness import DaemonTestCase


class TimeCli(DaemonTestCase):
    def test_tokyo_meeting_shows_viewer_time_beside_it(self):
        self.d.cli("add", "Japan–Kyrgyz foreign ministers' meeting", "--at", "2022-12-24 14:40", "--tz", "Asia/Tokyo")
        out = self.d.cli("list", "--from", "2022-12-01", "--to", "2022-12-31").stdout
        self.assertIn("Sat 2022-12-24  14:40 JST · 11:40 +06", out)
        # --tz shows the list as seen from another zone.
        out = self.d.cli("list", "--from", "2022-12-01", "--to", "2022-12-31", "--tz", "Europe/Berlin").stdout
        self.assertIn("14:40 JST · 06:40 CET", out)
        p = self.d.cli("list", "--tz", "Mars/Olympus", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("unknown time zone", p.stderr)

    def test_yearly_anniversary_lists_as_30th(self):
        self.d.cli("add", "{ordinal} anniversary of Kyrgyzstan–Japan diplomatic relations", "--at", "1992-01-26",
                   "--anniversary")
        out = self.d.cli("list", "--from", "2022-01-01", "--to", "2022-12-31").stdout
        self.assertIn("Wed 2022-01-26  all day  30th anniversary of Kyrgyzstan–Japan diplomatic relations", out)
        occ = self.d.cli_json("list", "--from", "2032-01-01", "--to", "2032-12-31")
        self.assertEqual(len(occ), 1)
        self.assertEqual(occ[0]["n"], 40)
        self.assertEqual(occ[0]["title"], "40th anniversary of Kyrgyzstan–Japan diplomatic relations")
        self.assertEqual(occ[0]["occurrence_local"], "2032-01-26")
        self.assertEqual(occ[0]["rrule"], "FREQ=YEARLY")

    def test_year_precision_event_only_in_its_year(self):
        self.d.cli("add", "10th Central Asia + Japan foreign ministers' meeting", "--at", "2023")
        out = self.d.cli("list", "--from", "2023-03-01", "--to", "2023-04-01").stdout
        self.assertIn("Date not fixed:", out)
        self.assertIn("2023  10th Central Asia + Japan", out)
        self.assertNotIn("2023-01-01", out)  # never shown as if on 1 January
        out = self.d.cli("list", "--from", "2024-01-01", "--to", "2024-12-31").stdout
        self.assertNotIn("10th Central Asia", out)

    def test_repeat_with_exceptions_and_rrule(self):
        self.d.cli("add", "Weekly sync", "--at", "2025-06-02 10:00", "--tz", "Europe/Berlin", "--repeat", "weekly",
                   "--except", "2025-06-09")
        self.d.cli("add", "Last Friday review", "--at", "2025-06-27", "--rrule", "FREQ=MONTHLY;BYDAY=-1FR")
        occ = self.d.cli_json("list", "--from", "2025-06-01", "--to", "2025-07-31")
        starts = [(o["title"], o["occurrence_local"]) for o in occ]
        self.assertEqual(starts, [("Weekly sync", "2025-06-02T10:00"), ("Weekly sync", "2025-06-16T10:00"),
                                  ("Weekly sync", "2025-06-23T10:00"), ("Last Friday review", "2025-06-27"),
                                  ("Weekly sync", "2025-06-30T10:00"), ("Weekly sync", "2025-07-07T10:00"),
                                  ("Weekly sync", "2025-07-14T10:00"), ("Weekly sync", "2025-07-21T10:00"),
                                  ("Last Friday review", "2025-07-25"), ("Weekly sync", "2025-07-28T10:00")])
        self.assertEqual(occ[0]["occurrence_start"], "2025-06-02T08:00:00Z")
        p = self.d.cli("add", "Bad", "--at", "2025-06-02", "--rrule", "FREQ=FORTNIGHTLY", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("rrule", p.stderr)
        self.assertIn("expected RFC 5545 rule parts", p.stderr)
        p = self.d.cli("add", "Bad", "--at", "2025-06-02", "--repeat", "weekly", "--anniversary", check=False)
        self.assertEqual(p.returncode, 64)
        self.assertEqual(self.d.cli_json("status")["events"], 2)

    def test_tba_lists_only_undated(self):
        self.d.cli("add", "First Central Asia + Japan summit", "--tba")
        self.d.cli("add", "Dated", "--at", datetime.date.today().isoformat())
        out = self.d.cli("list", "--tba").stdout
        self.assertIn("To be announced:", out)
        self.assertIn("First Central Asia + Japan summit", out)
        self.assertNotIn("Dated", out)
        events = self.d.cli_json("list", "--tba")
        self.assertEqual([e["title"] for e in events], ["First Central Asia + Japan summit"])

    def test_natural_input_and_until(self):
        self.d.cli("add", "Kyrgyzstan National Day at EXPO 2025", "--at", "tomorrow")
        tomorrow = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=6))).date()
                    + datetime.timedelta(days=1))
        shown = self.d.cli_json("list", "--days", "3")
        self.assertEqual(shown[0]["start"], tomorrow.isoformat())
        out = self.d.cli("until", "EXPO", "national").stdout
        self.assertEqual(out.strip(), f"Kyrgyzstan National Day at EXPO 2025: tomorrow, {tomorrow:%A %Y-%m-%d}")
        far = tomorrow.replace(year=tomorrow.year + 1) if not (tomorrow.month == 2 and tomorrow.day == 29) else tomorrow + datetime.timedelta(days=366)
        self.d.cli("add", "Far away", "--at", far.isoformat())
        info = self.d.cli_json("until", "far")
        self.assertEqual(info["days"], (far - tomorrow).days + 1)
        p = self.d.cli("until", "nothing-like-this", check=False)
        self.assertEqual(p.returncode, 66)
        self.assertIn("no event matches", p.stderr)
        p = self.d.cli("add", "x", "--at", "next blursday", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("cannot read 'next'", p.stderr)
        self.assertIn("tomorrow 9am", p.stderr)


if __name__ == "__main__":
    unittest.main()
