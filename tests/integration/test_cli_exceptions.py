"""herald edit --except/--no-except, show's exceptions, rm ID --on DATE and rm with several ids,
against the real daemon (issue 16, item 4)."""
import unittest

from harness import DaemonTestCase


class Exceptions(DaemonTestCase):
    def add_weekly(self, title="Standup"):
        out = self.d.cli_json("add", title, "--at", "2030-01-07 09:30", "--tz", "Asia/Bishkek",
                              "--repeat", "weekly")
        return str(out["event"]["id"])

    def listed_days(self, *extra):
        rows = self.d.cli_json("list", "--from", "2030-01-01", "--to", "2030-02-28", *extra)
        return [r["occurrence_local"][:10] for r in rows if r["section"] == "dated"]

    def test_except_adds_and_no_except_removes(self):
        id = self.add_weekly()
        self.d.cli("edit", id, "--except", "2030-01-14")
        self.d.cli("edit", id, "--except", "2030-01-28")
        self.assertEqual(self.d.cli_json("show", id)["exdates"], ["2030-01-14", "2030-01-28"])
        days = self.listed_days()
        self.assertIn("2030-01-21", days)
        self.assertNotIn("2030-01-14", days)
        self.assertNotIn("2030-01-28", days)
        shown = self.d.cli("show", id).stdout
        self.assertRegex(shown, r"except\s+2030-01-14, 2030-01-28")

        self.d.cli("edit", id, "--no-except", "2030-01-14")
        self.assertEqual(self.d.cli_json("show", id)["exdates"], ["2030-01-28"])
        self.assertIn("2030-01-14", self.listed_days())
        p = self.d.cli("edit", id, "--no-except", "2030-01-14", check=False)
        self.assertEqual(p.returncode, 65, p.stderr)
        self.assertIn("no exception on 2030-01-14 to remove (it has: 2030-01-28)", p.stderr)

    def test_an_exception_that_matches_no_occurrence_is_refused(self):
        id = self.add_weekly()
        p = self.d.cli("edit", id, "--except", "2030-01-15", check=False)  # a Tuesday
        self.assertEqual(p.returncode, 65, p.stderr)
        self.assertIn("matches no occurrence", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        self.assertNotIn("exdates", p.stderr)  # the protocol's name, not the option's
        self.assertEqual(self.d.cli_json("show", id)["exdates"], [])

    def test_an_imported_exception_that_matches_nothing_does_not_block_new_ones(self):
        ics = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT",
                           "UID:stray@test", "DTSTAMP:20250101T000000Z", "DTSTART;VALUE=DATE:20300107",
                           "RRULE:FREQ=WEEKLY", "EXDATE;VALUE=DATE:20300108", "SUMMARY:Imported",
                           "END:VEVENT", "END:VCALENDAR", ""])
        self.d.cli("import", "-", input=ics)
        id = str(self.d.cli_json("list", "--from", "2030-01-01", "--days", "10")[0]["id"])
        self.d.cli("edit", id, "--except", "2030-01-14")
        self.assertEqual(self.d.cli_json("show", id)["exdates"], ["2030-01-08", "2030-01-14"])

    def test_rm_on_removes_one_occurrence(self):
        id = self.add_weekly()
        out = self.d.cli("rm", id, "--on", "2030-01-21").stdout
        self.assertEqual(out, f"Removed the occurrence on 2030-01-21 of event #{id}: Standup\n")
        days = self.listed_days()
        self.assertNotIn("2030-01-21", days)
        self.assertIn("2030-01-14", days)
        self.assertIn("2030-01-28", days)
        p = self.d.cli("rm", id, "--on", "2030-01-22", check=False)
        self.assertEqual(p.returncode, 65, p.stderr)
        self.assertIn("matches no occurrence", p.stderr)

    def test_rm_several_ids_reports_each(self):
        a, b, c = self.add_weekly("A"), self.add_weekly("B"), self.add_weekly("C")
        out = self.d.cli("rm", a, b).stdout
        self.assertEqual(out, f"Removed event #{a}\nRemoved event #{b}\n")
        self.assertEqual(self.d.cli_json("status")["events"], 1)
        # A missing id is reported, the others are still removed, and the exit status says so.
        p = self.d.cli("rm", a, c, check=False)
        self.assertEqual(p.returncode, 66, p.stderr)
        self.assertEqual(p.stdout, f"Removed event #{c}\n")
        self.assertEqual(p.stderr, f"herald: #{a}: no event with id {a}\n")
        self.assertEqual(self.d.cli_json("status")["events"], 0)


if __name__ == "__main__":
    unittest.main()
