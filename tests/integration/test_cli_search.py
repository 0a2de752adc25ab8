"""herald search (events of every date, each with its next occurrence), until with several
matches, and list --today/--week/--month (issue 16, item 7), against the real daemon."""
import datetime
import unittest
import zoneinfo

from harness import DaemonTestCase

ZONE = zoneinfo.ZoneInfo("Asia/Bishkek")  # the harness's TZ for herald


class Search(DaemonTestCase):
    def test_every_word_is_a_prefix_and_never_fts_syntax(self):
        self.d.cli("add", "Kyrgyzstan National Day", "--at", "2030-08-31", "--location", "Bishkek")
        self.d.cli("add", "Honey export", "--at", "2030-09-01", "--description", "Kyrgyz honey")
        titles = lambda q: sorted(e["title"] for e in self.d.cli_json("search", q))
        self.assertEqual(titles("kyrg"), ["Honey export", "Kyrgyzstan National Day"])
        self.assertEqual(titles("kyrg bish"), ["Kyrgyzstan National Day"])
        self.assertEqual(titles('"kyrg" OR'), [])  # quotes and OR are words, not syntax
        self.assertEqual(titles("hon*"), ["Honey export"])
        p = self.d.cli("search", "kyrg\x01", check=False)
        self.assertEqual(p.returncode, 65, p.stderr)

    def test_search_finds_past_and_future_with_the_next_occurrence(self):
        self.d.cli("add", "Kyrgyz foreign ministers' meeting", "--at", "2022-12-24 14:40", "--tz",
                   "Asia/Tokyo")
        self.d.cli("add", "Kyrgyz National Day", "--at", "1991-08-31", "--anniversary")
        self.d.cli("add", "Kyrgyz summit", "--tba")
        self.d.cli("add", "Unrelated", "--at", "2030-01-01")
        today = datetime.datetime.now(ZONE).date()
        next_day = datetime.date(today.year, 8, 31)
        if next_day < today:
            next_day = datetime.date(today.year + 1, 8, 31)
        out = self.d.cli("search", "kyrgyz").stdout
        lines = out.splitlines()
        self.assertEqual(len(lines), 3, out)
        self.assertNotIn("Unrelated", out)
        day_row = next(l for l in lines if "National Day" in l)
        self.assertIn(next_day.strftime("%a %Y-%m-%d"), day_row)
        self.assertIn("all day", day_row)
        past_row = next(l for l in lines if "ministers" in l)
        self.assertIn("Sat 2022-12-24", past_row)
        self.assertIn("past", past_row)
        self.assertIn("to be announced", next(l for l in lines if "summit" in l))

        found = self.d.cli_json("search", "kyrgyz")
        self.assertEqual(len(found), 3)
        nd = next(e for e in found if "National Day" in e["title"])
        self.assertEqual(nd["next_occurrence"]["occurrence_local"], next_day.isoformat())
        p = self.d.cli("search", "nothing-like-this")
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "No event matches 'nothing-like-this'.\n")

    def test_until_names_the_other_matches(self):
        a = self.d.cli_json("add", "Expo opening", "--at", "2031-04-13")["event"]["id"]
        b = self.d.cli_json("add", "Expo closing", "--at", "2031-10-13")["event"]["id"]
        p = self.d.cli("until", "expo")
        self.assertEqual(len(p.stdout.splitlines()), 1)
        self.assertIn("Expo opening", p.stdout)
        self.assertEqual(p.stderr, f"herald: 2 events match 'expo'; this is #{a}, the one that comes "
                         f"first; also #{b} Expo closing on 2031-10-13\n")
        j = self.d.cli_json("until", "expo")
        self.assertEqual(j["id"], a)
        self.assertEqual([o["id"] for o in j["others"]], [b])
        self.assertEqual(self.d.cli("until", "closing").stderr, "")


class CalendarWindows(DaemonTestCase):
    def test_today_week_and_month(self):
        today = datetime.datetime.now(ZONE).date()
        monday = today - datetime.timedelta(days=today.weekday())
        first = today.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        days = {"today": today, "monday": monday, "sunday": monday + datetime.timedelta(days=6),
                "before monday": monday - datetime.timedelta(days=1),
                "after sunday": monday + datetime.timedelta(days=7),
                "first": first, "last": last, "before first": first - datetime.timedelta(days=1),
                "after last": last + datetime.timedelta(days=1),
                "tomorrow": today + datetime.timedelta(days=1)}
        for name, day in days.items():
            self.d.cli("add", name, "--at", day.isoformat())

        def listed(flag):
            rows = self.d.cli_json("list", flag)
            return {r["title"] for r in rows if r["section"] == "dated"}

        self.assertEqual(listed("--today"), {"today"} | {n for n, d in days.items() if d == today})
        self.assertEqual(listed("--week"), {n for n, d in days.items() if monday <= d <= days["sunday"]})
        self.assertEqual(listed("--month"), {n for n, d in days.items() if first <= d <= last})
        p = self.d.cli("list", "--week", "--from", "2030-01-01", check=False)
        self.assertEqual(p.returncode, 64, p.stderr)


if __name__ == "__main__":
    unittest.main()
