"""Every herald command that prints fails with exit 74 (EX_IOERR) and one line on stderr when its
output cannot be written (stdout on /dev/full), instead of exiting 0 (issue 16, item 5)."""
import os
import subprocess
import time
import unittest

from harness import DaemonTestCase, HERALD

ICS = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT",
                   "UID:full@test", "DTSTAMP:20250101T000000Z", "DTSTART;VALUE=DATE:20301201",
                   "SUMMARY:Imported", "END:VEVENT", "END:VCALENDAR", ""])


class OutputToAFullDisk(DaemonTestCase):
    def to_full(self, *args, input=None):
        env = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="Asia/Bishkek")
        with open("/dev/full", "w") as full:
            return subprocess.run([HERALD, *args], stdout=full, stderr=subprocess.PIPE, text=True,
                                  input=input, env=env, timeout=60)

    def test_every_printing_command_fails_with_74(self):
        # An event with a reminder due in the future, so next has something to print.
        id = str(self.d.cli_json("add", "Expo", "--at", "2030-06-06 09:00", "--remind", "1d",
                                 "--repeat", "weekly")["event"]["id"])
        self.d.cli("add", "Later", "--tba")
        commands = [
            ["list", "--from", "2030-06-01", "--days", "30"], ["--json", "list"],
            ["list", "--format", "ics"], ["list", "--tba"], ["show", id], ["--json", "show", id],
            ["cal", "2030-06"], ["--json", "cal", "2030-06"], ["export"], ["next"], ["--json", "next"],
            ["missed"], ["until", "Expo"], ["search", "Expo"], ["--json", "search", "Expo"],
            ["list", "--month"], ["--json", "until", "Expo"], ["status"],
            ["--json", "status"], ["add", "Another", "--at", "2030-07-01"],
            ["edit", id, "--location", "Osaka"], ["rm", id, "--on", "2030-06-13"],
            ["--help"], ["list", "--help"], ["--version"],
        ]
        for args in commands:
            with self.subTest(args=args):
                p = self.to_full(*args)
                self.assertEqual(p.returncode, 74, p.stderr)
                self.assertEqual(p.stderr, "herald: cannot write the output: "
                                 + p.stderr.split(": ", 2)[2])
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        p = self.to_full("import", "-", input=ICS)
        self.assertEqual(p.returncode, 74, p.stderr)
        self.assertIn("cannot write the output", p.stderr)

    def test_watch_stops_with_74_at_the_first_failed_write(self):
        env = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="Asia/Bishkek")
        for extra in ([], ["--json"]):
            with self.subTest(extra=extra), open("/dev/full", "w") as full:
                watch = subprocess.Popen([HERALD, *extra, "watch", "--changes"], stdout=full,
                                         stderr=subprocess.PIPE, text=True, env=env)
                deadline = time.monotonic() + 10
                while watch.poll() is None and time.monotonic() < deadline:
                    self.d.cli("add", "Change", "--at", "2030-06-06")  # one "change" message each
                    time.sleep(0.3)
                if watch.poll() is None:
                    watch.kill()
                    watch.wait()
                    self.fail("herald watch kept running with its output on /dev/full")
                self.assertEqual(watch.returncode, 74)
                err = watch.stderr.read()
                watch.stderr.close()
                self.assertEqual(err.count("\n"), 1, err)
                self.assertIn("herald: cannot write the output: No space left on device", err)

    def test_a_failed_command_keeps_its_own_code(self):
        p = self.to_full("show", "4242")
        self.assertEqual(p.returncode, 66, p.stderr)

    def test_output_to_a_file_still_succeeds(self):
        self.d.cli("add", "Expo", "--at", "2030-06-06")
        with open(os.devnull, "w") as null:
            env = dict(self.d.env, HERALD_SOCKET=self.d.socket)
            self.assertEqual(subprocess.run([HERALD, "export"], stdout=null, env=env).returncode, 0)


if __name__ == "__main__":
    unittest.main()
