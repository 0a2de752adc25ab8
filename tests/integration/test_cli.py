"""The CLI against the real daemon: add, list, restart, edit, remove, errors and exit codes."""
import json
import os
import stat
import subprocess
import unittest

from harness import DaemonTestCase, HERALD


class CliLifecycle(DaemonTestCase):
    def test_add_list_restart_edit_rm(self):
        self.d.cli("add", "Japan–Kyrgyz foreign ministers' meeting", "--at", "2022-12-24 14:40",
                   "--tz", "Asia/Tokyo", "--duration", "30m", "--location", "Tokyo", "--category", "ministerial")
        self.d.cli("add", "Kyrgyzstan National Day at EXPO 2025", "--at", "2025-06-06", "--location", "Osaka")
        out = self.d.cli("list", "--from", "2022-01-01", "--to", "2025-12-31").stdout
        self.assertIn("Sat 2022-12-24  14:40 JST · 11:40 +06", out)
        self.assertIn("Fri 2025-06-06  all day", out)
        self.assertLess(out.index("2022-12-24"), out.index("2025-06-06"))

        self.d.restart()
        events = self.d.cli_json("list", "--from", "2022-01-01", "--to", "2025-12-31")
        self.assertEqual([e["title"] for e in events],
                         ["Japan–Kyrgyz foreign ministers' meeting", "Kyrgyzstan National Day at EXPO 2025"])
        first = events[0]
        for key in ("id", "uid", "title", "start", "tz", "all_day", "precision", "status", "location",
                    "categories", "source"):
            self.assertIn(key, first)
        self.assertEqual(first["tz"], "Asia/Tokyo")
        self.assertEqual(first["occurrence_start"], "2022-12-24T05:40:00Z")

        self.d.cli("edit", str(first["id"]), "--location", "Iikura House, Tokyo", "--at", "2022-12-24 15:00")
        shown = self.d.cli_json("show", str(first["id"]))
        self.assertEqual(shown["location"], "Iikura House, Tokyo")
        self.assertEqual(shown["start"], "2022-12-24T15:00")
        self.assertEqual(shown["revision"], 2)

        self.d.cli("rm", str(first["id"]))
        p = self.d.cli("show", str(first["id"]), check=False)
        self.assertEqual(p.returncode, 66)
        self.assertIn("no event with id", p.stderr)

    def test_default_window_is_next_30_days_and_sections(self):
        # "today" as the CLI reads it (TZ=Asia/Bishkek in the harness), not the test's UTC date.
        self.d.cli("add", "Soon", "--at", "today")
        self.d.cli("add", "10th meeting in Kazakhstan", "--at", "2023", "--tentative")
        self.d.cli("add", "First Central Asia + Japan summit", "--tba")
        out = self.d.cli("list").stdout
        self.assertIn("Soon", out)
        self.assertIn("To be announced:", out)
        self.assertIn("First Central Asia + Japan summit", out)
        self.assertNotIn("10th meeting", out)  # 2023 is not in the next 30 days
        out = self.d.cli("list", "--from", "2023-01-01", "--to", "2023-12-31").stdout
        self.assertIn("Date not fixed:", out)
        self.assertIn("2023  10th meeting in Kazakhstan (tentative)", out)
        out = self.d.cli("list", "--from", "2024-01-01", "--to", "2024-12-31").stdout
        self.assertNotIn("10th meeting", out)

    def test_limit_says_when_capped(self):
        for day in range(1, 6):
            self.d.cli("add", f"Day {day}", "--at", f"2030-01-0{day}")
        out = self.d.cli("list", "--from", "2030-01-01", "--days", "10", "--limit", "2").stdout
        self.assertIn("Day 1", out)
        self.assertNotIn("Day 3", out)
        self.assertIn("3 more not shown", out)
        p = self.d.cli("--json", "list", "--from", "2030-01-01", "--days", "10", "--limit", "2")
        self.assertEqual(len(json.loads(p.stdout)), 2)
        self.assertIn("capped", p.stderr)

    def test_limit_says_at_least_when_the_count_stops(self):
        # Past a limit the daemon counts 200 occurrences more, then says total_exact: false; the
        # listing must not print that lower bound as the number left.
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
        for i in range(260):
            lines += ["BEGIN:VEVENT", f"UID:many-{i}@test", f"DTSTART:2030020{1 + i // 100}T{i % 100 // 5:02d}{i % 5 * 10:02d}00Z",
                      f"SUMMARY:Row {i}", "END:VEVENT"]
        path = os.path.join(self.d.root, "many.ics")
        with open(path, "w") as f:
            f.write("\r\n".join(lines + ["END:VCALENDAR"]) + "\r\n")
        self.d.cli("import", path)
        out = self.d.cli("list", "--from", "2030-02-01", "--days", "5", "--limit", "3").stdout
        self.assertIn("… at least 200 more not shown (raise --limit)", out)
        p = self.d.cli("--json", "list", "--from", "2030-02-01", "--days", "5", "--limit", "3")
        self.assertIn("capped at 3 of at least 203 occurrences", p.stderr)
        out = self.d.cli("list", "--from", "2030-02-01", "--days", "5", "--limit", "100").stdout
        self.assertIn("… 160 more not shown (raise --limit)", out)  # counted to the end: exact

    def test_bad_input_exit_codes(self):
        p = self.d.cli("add", "x", "--at", "2025-02-30", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("impossible date", p.stderr)
        self.assertIn("February 2025 has 28 days", p.stderr)
        p = self.d.cli("add", "x", "--at", "2025-02-03 10:00", "--tz", "Mars/Olympus", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("unknown time zone 'Mars/Olympus'", p.stderr)
        p = self.d.cli("add", "x", "--at", "next blursday", check=False)
        self.assertIn(p.returncode, (64, 65))
        self.assertIn("expected", p.stderr)
        p = self.d.cli("add", "x", check=False)
        self.assertEqual(p.returncode, 64)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        # Nothing was stored by the failed commands.
        self.assertEqual(self.d.cli_json("status")["events"], 0)

    def test_daemon_not_running(self):
        self.d.stop()
        p = self.d.cli("list", check=False)
        self.assertEqual(p.returncode, 69)
        self.assertIn("heraldd is not running", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)

    def test_socket_permissions(self):
        st = os.stat(self.d.socket)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(self.d.socket)).st_mode), 0o700)

    def test_idempotent_uid(self):
        for _ in range(3):
            self.d.cli("add", "Retry me", "--at", "2030-05-05", "--uid", "retry-1@test")
        self.assertEqual(self.d.cli_json("status")["events"], 1)
        p = self.d.cli("add", "Different", "--at", "2030-05-05", "--uid", "retry-1@test", check=False)
        self.assertEqual(p.returncode, 75)

class CliListingWindow(DaemonTestCase):
    """herald list --from DATE sends local bounds the daemon reads in the viewer's zone; the
    result is the same as the instants the CLI used to compute, DST included."""

    def test_local_window_in_viewer_zone(self):
        # 23:30 on 22 November in Bishkek (UTC+6) is still 22 November there: outside the window.
        self.d.cli("add", "Late evening", "--at", "2026-11-22 23:30", "--tz", "Asia/Bishkek")
        self.d.cli("add", "First morning", "--at", "2026-11-23 00:30", "--tz", "Asia/Bishkek")
        self.d.cli("add", "Last day", "--at", "2026-12-22")
        self.d.cli("add", "Day after", "--at", "2026-12-23")
        out = self.d.cli("list", "--from", "2026-11-23", "--days", "30").stdout
        self.assertNotIn("Late evening", out)
        self.assertIn("Mon 2026-11-23  00:30 +06  First morning", out)
        self.assertIn("Last day", out)
        self.assertNotIn("Day after", out)
        # The same window through --to (a date means through that day).
        self.assertEqual(out, self.d.cli("list", "--from", "2026-11-23", "--to", "2026-12-22").stdout)
        # Seen from Tokyo the late evening (02:30 JST on the 23rd) is inside.
        out = self.d.cli("list", "--from", "2026-11-23", "--days", "30", "--tz", "Asia/Tokyo").stdout
        self.assertIn("Late evening", out)

    def test_window_across_a_dst_change(self):
        # New York: 2025-11-02 is 25 hours long; a local window keeps whole days.
        env = {"TZ": "America/New_York"}
        self.d.cli("add", "Sunday 23:30", "--at", "2025-11-02 23:30", "--tz", "America/New_York")
        self.d.cli("add", "Monday 00:30", "--at", "2025-11-03 00:30", "--tz", "America/New_York")
        out = self.d.cli("list", "--from", "2025-11-02", "--days", "1", env=env).stdout
        self.assertIn("Sunday 23:30", out)
        self.assertNotIn("Monday 00:30", out)

    def test_bad_windows(self):
        p = self.d.cli("list", "--from", "2026-11-23", "--to", "2026-11-01", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("--to must be after --from", p.stderr)
        p = self.d.cli("list", "--from", "2026-02-30", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("impossible date", p.stderr)

    def test_bad_tz_falls_back_to_the_system_zone(self):
        p = self.d.cli("list", "--from", "2026-11-23", env={"TZ": "Mars/Olympus"})
        self.assertIn("TZ=Mars/Olympus is not an IANA zone name", p.stderr)
        self.assertIn("No events from", p.stdout)

    def test_until_uses_the_daemons_next_occurrence(self):
        self.d.cli("add", "{ordinal} anniversary of relations", "--at", "1992-01-26", "--anniversary")
        out = self.d.cli("until", "anniversary").stdout
        self.assertRegex(out, r"^\d+(st|nd|rd|th) anniversary of relations: (\d+ days|today|tomorrow), ")
        self.assertIn("-01-26", out)
        p = self.d.cli("until", "nothing-matches", check=False)
        self.assertEqual(p.returncode, 66)


class CliStartup(unittest.TestCase):
    def test_client_does_not_load_libical(self):
        """recurrence and validation run in the daemon: loading libical and ICU cost every
        command 3 ms (docs/architecture.md, "Listing is per row")."""
        dynamic = subprocess.run(["readelf", "-d", HERALD], capture_output=True, text=True, check=True).stdout
        needed = [line for line in dynamic.splitlines() if "(NEEDED)" in line]
        self.assertTrue(needed)
        for lib in ("libical", "libicu"):
            self.assertFalse([n for n in needed if lib in n], needed)

    def test_client_does_not_load_libsystemd(self):
        """sd-bus is loaded by `watch --desktop` when it starts (desktop/sd_bus_api): linked,
        libsystemd and the libraries it needs cost every command about 5 ms."""
        dynamic = subprocess.run(["readelf", "-d", HERALD], capture_output=True, text=True, check=True).stdout
        needed = [line for line in dynamic.splitlines() if "(NEEDED)" in line]
        self.assertTrue(needed)
        self.assertFalse([n for n in needed if "libsystemd" in n], needed)


if __name__ == "__main__":
    unittest.main()
