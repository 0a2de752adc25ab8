"""The CLI against the real daemon: add, list, restart, edit, remove, errors and exit codes."""
import datetime
import json
import os
import stat
import unittest
from zoneinfo import ZoneInfo

from harness import DaemonTestCase


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
        # Today where the CLI runs (harness: TZ=Asia/Bishkek), not where the test runs: from
        # 18:00 UTC on, the machine's date is already yesterday there and out of the window.
        today = datetime.datetime.now(ZoneInfo(self.d.env.get("TZ", "Asia/Bishkek"))).date()
        self.d.cli("add", "Soon", "--at", today.isoformat())
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


if __name__ == "__main__":
    unittest.main()
