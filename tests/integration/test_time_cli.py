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
        self.assertIn('cannot read "next"', p.stderr)
        self.assertIn("tomorrow 9:00", p.stderr)

    def test_remind_1d_across_dst_fires_at_the_same_wall_time_the_day_before(self):
        # RFC 5545 3.3.6: -P1D is nominal. 2027-03-14 10:00 EDT is 14:00Z; the day before, 10:00 is
        # EST, 15:00Z (an exact 24 hours would be 14:00Z). The daemon's own alarm.next says when.
        ev = self.d.cli_json("add", "R", "--at", "2027-03-14 10:00", "--tz", "America/New_York", "--remind", "1d",
                             "--duration", "24h")["event"]
        self.assertEqual(ev["alarms"], [{"related": "start", "trigger": "-P1D"}])
        self.assertEqual(ev["duration"], "PT24H")  # stored as written: exact, not P1D
        due = self.d.cli_json("next", "--event", str(ev["id"]))["alarms"]
        self.assertEqual([a["fires_at"] for a in due], ["2027-03-13T15:00:00Z"])
        self.assertEqual(due[0]["occurrence"], "2027-03-14T14:00:00Z")
        exact = self.d.cli_json("add", "E", "--at", "2027-03-14 10:00", "--tz", "America/New_York", "--remind",
                                "24h")["event"]
        self.assertEqual(self.d.cli_json("next", "--event", str(exact["id"]))["alarms"][0]["fires_at"],
                         "2027-03-13T14:00:00Z")
        # The event's end: PT24H is 24 hours later (11:00 EDT); 1d would be 10:00 EDT.
        occ = self.d.cli_json("list", "--from", "2027-03-14", "--to", "2027-03-15")
        self.assertEqual({o["title"]: o["occurrence_end"] for o in occ}["R"], "2027-03-15T14:00:00Z")
        nominal = self.d.cli_json("add", "N", "--at", "2027-03-13 10:00", "--tz", "America/New_York",
                                  "--duration", "1d")["event"]
        self.assertEqual(nominal["duration"], "P1D")
        occ = self.d.cli_json("list", "--from", "2027-03-13", "--to", "2027-03-14")
        self.assertEqual({o["title"]: o["occurrence_end"] for o in occ}["N"], "2027-03-14T14:00:00Z")

    def test_an_offset_in_the_repeated_hour_keeps_the_instant_given(self):
        # 2027-11-07 01:30 happens twice in New York: 05:30Z (EDT) then 06:30Z (EST).
        for given in ("2027-11-07T01:30-05:00", "2027-11-07T06:30Z"):
            ev = self.d.cli_json("add", "Later " + given, "--at", given, "--tz", "America/New_York", "--remind",
                                 "15m")["event"]
            self.assertEqual(ev["start"], "2027-11-07T01:30-05:00")
            self.assertEqual(ev["tz"], "America/New_York")
            due = self.d.cli_json("next", "--event", str(ev["id"]))["alarms"]
            self.assertEqual([a["fires_at"] for a in due], ["2027-11-07T06:15:00Z"])
        first = self.d.cli_json("add", "Earlier", "--at", "2027-11-07T01:30-04:00", "--tz", "America/New_York")
        self.assertEqual(first["event"]["start"], "2027-11-07T01:30")
        occ = self.d.cli_json("list", "--from", "2027-11-07", "--to", "2027-11-08")
        self.assertEqual(sorted((o["occurrence_start"], o["title"]) for o in occ),
                         [("2027-11-07T05:30:00Z", "Earlier"),
                          ("2027-11-07T06:30:00Z", "Later 2027-11-07T01:30-05:00"),
                          ("2027-11-07T06:30:00Z", "Later 2027-11-07T06:30Z")])
        out = self.d.cli("list", "--from", "2027-11-07", "--to", "2027-11-08", "--tz", "America/New_York").stdout
        self.assertIn("01:30 EDT  Earlier", out)
        self.assertIn("01:30 EST  Later 2027-11-07T06:30Z", out)
        self.assertIn("01:30 EST", self.d.cli("show", str(occ[-1]["id"])).stdout)


if __name__ == "__main__":
    unittest.main()
