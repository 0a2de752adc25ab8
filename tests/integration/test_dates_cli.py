"""Date input and editing from the command line (issue 16, items 8 and 12), with the real heraldd
and herald: the echo after add/edit, the one-line error for an unreadable date, edit --tz keeping
the wall time (and saying so) or, with --keep-instant, the instant; TZ given as a path. Expected
times come from Python's zoneinfo, not from Herald."""
import datetime
import unittest
from zoneinfo import ZoneInfo

from harness import Daemon, DaemonTestCase, finish_daemon

BERLIN = {"TZ": "Europe/Berlin"}


def wall(y, mo, d, h, mi, zone):
    return datetime.datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone))


class Echo(DaemonTestCase):
    def test_add_echoes_the_resolved_time_in_the_event_zone_and_the_viewers(self):
        p = self.d.cli("add", "Standup with Tokyo team", "--at", "Dec 8 2026 9:30", "--tz", "Asia/Tokyo",
                       env=BERLIN)
        t = wall(2026, 12, 8, 9, 30, "Asia/Tokyo")
        mine = t.astimezone(ZoneInfo("Europe/Berlin"))
        self.assertEqual(p.stdout, f"Added event #1: Standup with Tokyo team \u2014 {t:%a %Y-%m-%d %H:%M} "
                                   f"{t:%Z} \u00b7 {mine:%H:%M} {mine:%Z}\n")
        self.assertEqual(p.stderr, "")

    def test_show_names_the_event_zone_on_its_own_line(self):
        self.d.cli("add", "Standup with Tokyo team", "--at", "Dec 8 2026 9:30", "--tz", "Asia/Tokyo")
        self.d.cli("add", "Dentist", "--at", "Dec 20 2026 10:00", "--tz", "UTC")
        t = wall(2026, 12, 8, 9, 30, "Asia/Tokyo")
        mine = t.astimezone(ZoneInfo("Europe/Berlin"))
        lines = self.d.cli("show", "1", env=BERLIN).stdout.splitlines()
        self.assertIn(f"when        {t:%a %Y-%m-%d %H:%M} {t:%Z} \u00b7 {mine:%H:%M} {mine:%Z}", lines)
        self.assertIn("zone        Asia/Tokyo", lines)
        lines = self.d.cli("show", "2", env={"TZ": "UTC"}).stdout.splitlines()
        self.assertIn("when        Sun 2026-12-20 10:00 UTC", lines)  # not "UTC UTC"
        self.assertIn("zone        UTC", lines)

    def test_same_zone_shows_one_time(self):
        p = self.d.cli("add", "Dentist", "--at", "20 December 2026 10:00", env=BERLIN)
        self.assertEqual(p.stdout, "Added event #1: Dentist \u2014 Sun 2026-12-20 10:00 CET\n")

    def test_all_day_month_and_tba_print_their_form(self):
        self.assertEqual(self.d.cli("add", "Holiday", "--at", "20.12.2026").stdout,
                         "Added event #1: Holiday \u2014 Sun 2026-12-20, all day\n")
        self.assertEqual(self.d.cli("add", "Harvest", "--at", "2027-09").stdout,
                         "Added event #2: Harvest \u2014 September 2027 (month precision, date not fixed)\n")
        self.assertEqual(self.d.cli("add", "Summit", "--tba").stdout,
                         "Added event #3: Summit \u2014 to be announced\n")
        self.assertEqual(self.d.cli("add", "Holiday", "--at", "12/20/2026", "--uid", "h1").stdout,
                         "Added event #4: Holiday \u2014 Sun 2026-12-20, all day\n")
        self.assertEqual(self.d.cli("add", "Holiday", "--at", "12/20/2026", "--uid", "h1").stdout,
                         "Already had event #4: Holiday \u2014 Sun 2026-12-20, all day\n")

    def test_an_end_time_alone_is_on_the_start_day(self):
        ev = self.d.cli_json("add", "Talk", "--at", "Dec 20 2030 9:00", "--end", "10:30")["event"]
        self.assertEqual((ev["start"], ev["end"]), ("2030-12-20T09:00", "2030-12-20T10:30"))
        ev = self.d.cli_json("edit", str(ev["id"]), "--end", "01:00")
        self.assertEqual(ev["end"], "2030-12-21T01:00")

    def test_edit_echoes_the_new_time_and_json_is_unchanged(self):
        ev = self.d.cli_json("add", "Standup", "--at", "2026-12-08 09:30", env=BERLIN)["event"]
        self.assertEqual(set(ev), set(self.d.cli_json("show", "1")))  # --json: the event, as before
        p = self.d.cli("edit", "1", "--at", "Dec 9 2026 10:15", env=BERLIN)
        self.assertEqual(p.stdout, "Updated event #1 (revision 2): Standup \u2014 Wed 2026-12-09 10:15 CET\n")
        out = self.d.cli_json("edit", "1", "--title", "Daily", env=BERLIN)
        self.assertEqual((out["title"], out["start"], out["revision"]), ("Daily", "2026-12-09T10:15", 3))


class WindowBounds(DaemonTestCase):
    def test_a_time_alone_in_a_window_bound_is_today(self):
        # "list --from 00:00" is this morning, not tomorrow's midnight (what --at would mean).
        self.d.cli("add", "Today's errand", "--at", "today")
        got = self.d.cli_json("list", "--from", "00:00", "--days", "1")
        self.assertEqual([o["title"] for o in got], ["Today's errand"])


class Months(DaemonTestCase):
    """A month as "Dec 2026", "December 2026" or a name alone, wherever a month is taken."""

    def setUp(self):
        super().setUp()
        for day in ("2026-11-30", "2026-12-01", "2026-12-31", "2027-01-01"):
            self.d.cli("add", f"On {day}", "--at", day)

    def titles(self, *args):
        return [o["title"] for o in self.d.cli_json("list", *args)]

    def test_cal_takes_a_month_name_and_year_quoted_or_not(self):
        for args in (["Dec", "2026"], ["December 2026"], ["dec.", "2026"], ["2026-12"]):
            out = self.d.cli("cal", *args).stdout
            self.assertEqual(out.splitlines()[0].strip(), "December 2026", args)
            self.assertIn("On 2026-12-31", out)
            self.assertNotIn("On 2027-01-01", out)
        # A name alone is this year's, as cal(1) reads it.
        year = datetime.datetime.now(ZoneInfo("Asia/Bishkek")).year  # the harness's TZ
        self.assertEqual(self.d.cli("cal", "March").stdout.splitlines()[0].strip(), f"March {year}")

    def test_list_month_takes_a_month_or_defaults_to_this_one(self):
        self.assertEqual(self.titles("--month", "Dec 2026"), ["On 2026-12-01", "On 2026-12-31"])
        self.assertEqual(self.titles("--month", "January 2027"), ["On 2027-01-01"])
        self.assertEqual(self.titles("--from", "Nov 2026", "--to", "Dec 2026"),
                         ["On 2026-11-30", "On 2026-12-01", "On 2026-12-31"])
        self.d.cli("add", "This month", "--at", "today")  # herald's today: the same zone as --month
        self.assertIn("This month", self.titles("--month"))

    def test_a_month_where_a_day_is_needed_or_a_day_for_a_month_is_refused(self):
        for args in (["cal", "Dec 20"], ["cal", "Smarch", "2026"], ["list", "--month", "Dec 20 2026"]):
            p = self.d.cli(*args, check=False)
            self.assertEqual(p.returncode, 65, (args, p.stderr))
            self.assertRegex(p.stderr, r"^herald: (--month: )?expected a month such as 2026-12, "
                                       r"Dec 2026 or December, got \"[^\n]*\"\n$")
        p = self.d.cli("add", "x", "--at", "Dec 2026 10:00", check=False)
        self.assertEqual(p.returncode, 65, p.stderr)
        self.assertIn("names a whole month", p.stderr)
        self.assertEqual(self.d.cli("add", "Harvest", "--at", "Sept 2027").stdout,
                         "Added event #5: Harvest \u2014 September 2027 (month precision, date not fixed)\n")


class Errors(DaemonTestCase):
    def test_an_unreadable_date_is_one_short_line_exit_65(self):
        self.d.cli("add", "x", "--at", "2026-12-20")
        for args in (["add", "x", "--at", "20th of smarch"], ["edit", "1", "--at", "smarch 20"],
                     ["list", "--from", "someday"], ["snooze", "1", "until", "teatime"]):
            with self.subTest(args=args):
                p = self.d.cli(*args, check=False)
                self.assertEqual(p.returncode, 65, p.stderr)
                self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
                self.assertLess(len(p.stderr), 160, p.stderr)
                self.assertIn("expected a date like 2026-12-20, Dec 20, tomorrow 9:00, +2h "
                              "(see herald(1) DATES)", p.stderr)
        p = self.d.cli("add", "x", "--at", "20th of smarch", check=False)
        self.assertEqual(p.stderr, 'herald: --at: cannot read "20th" in "20th of smarch"; expected a date '
                                   "like 2026-12-20, Dec 20, tomorrow 9:00, +2h (see herald(1) DATES)\n")


class EditZone(DaemonTestCase):
    def add_berlin(self):
        return self.d.cli_json("add", "Call", "--at", "2026-12-08 09:30", "--end", "2026-12-08 10:00",
                               env=BERLIN)["event"]

    def test_tz_keeps_the_wall_time_and_says_so(self):
        ev = self.add_berlin()
        p = self.d.cli("edit", str(ev["id"]), "--tz", "Asia/Tokyo", env=BERLIN)
        self.assertEqual(p.stderr, "herald: --tz: kept the wall time 09:30 (now in Asia/Tokyo, was in "
                                   "Europe/Berlin); --keep-instant keeps the instant instead\n")
        t = wall(2026, 12, 8, 9, 30, "Asia/Tokyo")
        mine = t.astimezone(ZoneInfo("Europe/Berlin"))
        self.assertEqual(p.stdout, f"Updated event #1 (revision 2): Call \u2014 Tue 2026-12-08 09:30 JST \u00b7 "
                                   f"{mine:%H:%M} {mine:%Z}\n")
        got = self.d.cli_json("show", str(ev["id"]))
        self.assertEqual((got["start"], got["tz"], got["end"]), ("2026-12-08T09:30", "Asia/Tokyo", "2026-12-08T10:00"))

    def test_keep_instant_moves_the_wall_time(self):
        ev = self.add_berlin()
        p = self.d.cli("edit", str(ev["id"]), "--tz", "Asia/Tokyo", "--keep-instant", env=BERLIN)
        self.assertEqual(p.stderr, "")
        start = wall(2026, 12, 8, 9, 30, "Europe/Berlin").astimezone(ZoneInfo("Asia/Tokyo"))
        end = wall(2026, 12, 8, 10, 0, "Europe/Berlin").astimezone(ZoneInfo("Asia/Tokyo"))
        got = self.d.cli_json("show", str(ev["id"]))
        self.assertEqual((got["start"], got["tz"], got["end"]),
                         (f"{start:%Y-%m-%dT%H:%M}", "Asia/Tokyo", f"{end:%Y-%m-%dT%H:%M}"))
        # Across a DST change: the instant of a summer time in New York, read in Berlin.
        ev = self.d.cli_json("add", "NY", "--at", "2027-03-20 08:00", "--tz", "America/New_York")["event"]
        self.d.cli("edit", str(ev["id"]), "--tz", "Europe/Berlin", "--keep-instant")
        want = wall(2027, 3, 20, 8, 0, "America/New_York").astimezone(ZoneInfo("Europe/Berlin"))
        self.assertEqual(self.d.cli_json("show", str(ev["id"]))["start"], f"{want:%Y-%m-%dT%H:%M}")

    def test_keep_instant_needs_tz_alone(self):
        ev = self.add_berlin()
        for extra in ([], ["--tz", "UTC", "--at", "2026-12-09 10:00"], ["--tz", "UTC", "--floating"]):
            p = self.d.cli("edit", str(ev["id"]), "--keep-instant", *extra, check=False)
            self.assertEqual(p.returncode, 64, p.stderr)
            self.assertIn("--keep-instant", p.stderr)
        floating = self.d.cli_json("add", "Wake", "--at", "2026-12-08 07:00", "--floating")["event"]
        p = self.d.cli("edit", str(floating["id"]), "--tz", "UTC", "--keep-instant", check=False)
        self.assertEqual(p.returncode, 64, p.stderr)
        self.assertIn("floating", p.stderr)


class TzVariable(DaemonTestCase):
    def test_tz_as_a_path_or_with_a_colon_is_the_zone(self):
        for tz in ("/usr/share/zoneinfo/Asia/Tokyo", ":Asia/Tokyo", ":/usr/share/zoneinfo/Asia/Tokyo"):
            with self.subTest(tz=tz):
                p = self.d.cli("--json", "add", "x", "--at", "2026-12-20 10:00", env={"TZ": tz})
                self.assertEqual(p.stderr, "")
                self.assertIn('"tz": "Asia/Tokyo"', p.stdout.replace('":"', '": "'))


class DaemonTzVariable(DaemonTestCase):
    def test_daemon_reads_tz_as_a_path(self):
        # An all-day event's reminder is due at the daemon's midnight: Tokyo's, 15:00Z the day before.
        for tz in ("/usr/share/zoneinfo/Asia/Tokyo", ":/usr/share/zoneinfo/Asia/Tokyo", ":Asia/Tokyo"):
            with self.subTest(tz=tz):
                finish_daemon(self, self.d, self.root)
                self.d = Daemon(self.root, env={"TZ": tz}).start()
                self.d.cli("add", "Holiday", "--at", "2030-01-10", "--remind", "0m")
                fires = self.d.cli_json("next")["alarms"][0]["fires_at"]
                want = datetime.datetime(2030, 1, 10, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(
                    datetime.timezone.utc)
                self.assertEqual(fires, f"{want:%Y-%m-%dT%H:%M:%SZ}")
                self.assertNotIn("unknown time zone", self.d.log_text())


if __name__ == "__main__":
    unittest.main()
