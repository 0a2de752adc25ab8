"""`herald watch --exec CMD` (issue 16, item 2) with the real heraldd, herald and real child
processes: the command gets the reminder in HERALD_* variables and its words split as a shell
would (without one); a reminder is acknowledged in the ledger (the SQLite file) only after its
command exited 0; a failing or hung command (killed at --exec-timeout) leaves it unacknowledged
and never holds up the next reminder; a watch killed while the command runs runs it again when
it starts next."""
import datetime
import json
import os
import signal
import sqlite3
import subprocess
import time
import unittest
import zoneinfo

from harness import HERALD, DaemonTestCase, wait_for
from test_desktop_watch import Lines
from test_reminders import iso, next_second

# The command under test: records its environment and argv, then behaves as its title's first
# word says (ok, fail, hang, slow).
SCRIPT = r"""
import json, os, sys, time
out = sys.argv[1]
env = {k: v for k, v in os.environ.items() if k.startswith("HERALD_")}
alarm = env["HERALD_ALARM_ID"]
with open(os.path.join(out, alarm + ".started"), "a") as f:
    f.write("x")
kind = env["HERALD_TITLE"].split()[0]
if kind == "hang":
    time.sleep(120)
if kind == "slow":
    time.sleep(3)
with open(os.path.join(out, alarm + ".json"), "a") as f:
    f.write(json.dumps({"env": env, "argv": sys.argv[2:]}) + "\n")
sys.exit(3 if kind == "fail" else 0)
"""


class WatchExec(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.out = os.path.join(self.root, "out")
        os.makedirs(self.out)
        self.script = os.path.join(self.root, "record.py")
        with open(self.script, "w") as f:
            f.write(SCRIPT)
        self.c = self.d.connect()
        self.watches = []

    def tearDown(self):
        for w in self.watches:
            if w.poll() is None:
                w.kill()
            w.wait()
        super().tearDown()

    def command(self):
        return f"python3 {self.script} {self.out} 'two words' \"say \\\"hi\\\"\""

    def start_watch(self, *args, command=None):
        env = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="Asia/Bishkek",
                   XDG_STATE_HOME=os.path.join(self.root, "state"), HERALD_TITLE="inherited, not passed on")
        w = subprocess.Popen([HERALD, "--json", "watch", "--exec", command or self.command(), *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        self.watches.append(w)
        self.stdout, self.stderr = Lines(w.stdout), Lines(w.stderr)
        time.sleep(0.7)  # let it subscribe
        self.assertIsNone(w.poll(), "watch --exec exited")
        return w

    def add(self, title, due, start, tz="UTC", location=""):
        return self.c.result("event.add", {"event": {"title": title, "start": start, "tz": tz,
                                                     "location": location, "alarms": [{"at": iso(due)}]}})["event"]

    def alarm_of(self, event):
        return wait_for(lambda: self.ledger(event["id"]), what="the alarm's ledger row")[0][0]

    def ledger(self, event_id):
        with sqlite3.connect(f"file:{self.d.db}?mode=ro", uri=True) as db:
            return db.execute("SELECT id, state FROM alarm_ledger WHERE event_id = ?", (event_id,)).fetchall()

    def state(self, event_id):
        return self.ledger(event_id)[0][1]

    def records(self, alarm_id):
        path = os.path.join(self.out, f"{alarm_id}.json")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(l) for l in f]

    def test_command_gets_the_reminder_in_its_environment_then_it_is_acknowledged(self):
        self.start_watch()
        due = next_second(2)
        start = due + 1800
        local = datetime.datetime.fromtimestamp(start, zoneinfo.ZoneInfo("Asia/Tokyo"))
        ev = self.add("ok Visit of the Kyrgyz delegation", due, local.strftime("%Y-%m-%dT%H:%M:%S"),
                      tz="Asia/Tokyo", location="Osaka, EXPO 2025")
        alarm = self.alarm_of(ev)
        self.stderr.wait(lambda l: f"reminder a{alarm}: the command exited 0; acknowledged" in l,
                         what="the acknowledgement")
        [rec] = self.records(alarm)
        self.assertEqual(rec["argv"], ["two words", 'say "hi"'])
        self.assertEqual(rec["env"], {
            "HERALD_ALARM_ID": str(alarm), "HERALD_EVENT_ID": str(ev["id"]),
            "HERALD_TITLE": "ok Visit of the Kyrgyz delegation", "HERALD_LOCATION": "Osaka, EXPO 2025",
            "HERALD_START": iso(start), "HERALD_EVENT_START": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "HERALD_TZ": "Asia/Tokyo", "HERALD_WHEN": local.strftime("%a %Y-%m-%d %H:%M JST"),
            "HERALD_DUE": iso(due), "HERALD_ALARM": "30 min before", "HERALD_SNOOZED": "0",
            "HERALD_SEQ": rec["env"]["HERALD_SEQ"]})
        self.assertEqual(self.state(ev["id"]), "acknowledged")

    def test_failing_command_leaves_the_reminder_unacknowledged(self):
        self.start_watch()
        due = next_second(2)
        ev = self.add("fail Call the embassy", due, iso(due + 600))
        alarm = self.alarm_of(ev)
        self.stderr.wait(lambda l: f"reminder a{alarm}: the command exited with status 3; not acknowledged" in l,
                         what="the failure reported")
        time.sleep(0.5)
        self.assertEqual(self.state(ev["id"]), "fired")

    def test_hung_command_is_stopped_at_the_timeout_and_does_not_hold_up_the_next(self):
        self.start_watch("--exec-timeout", "3s")
        due = next_second(2)
        hung = self.add("hang Forever", due, iso(due + 600))
        quick = self.add("ok Right after", due + 1, iso(due + 600))
        hung_alarm, quick_alarm = self.alarm_of(hung), self.alarm_of(quick)
        self.stderr.wait(lambda l: f"reminder a{quick_alarm}: the command exited 0; acknowledged" in l,
                         what="the second reminder's command while the first hangs")
        self.assertTrue(os.path.exists(os.path.join(self.out, f"{hung_alarm}.started")))
        self.assertEqual(self.state(hung["id"]), "fired")
        self.stderr.wait(lambda l: f"reminder a{hung_alarm}: the command timed out after 3 s" in l
                         and "not acknowledged" in l, what="the timeout reported")
        self.assertEqual(self.records(hung_alarm), [])
        self.assertEqual((self.state(hung["id"]), self.state(quick["id"])), ("fired", "acknowledged"))

    def test_watch_killed_while_the_command_runs_runs_it_again_next_time(self):
        w = self.start_watch()
        due = next_second(2)
        ev = self.add("slow Takes three seconds", due, iso(due + 600))
        alarm = self.alarm_of(ev)
        started = os.path.join(self.out, f"{alarm}.started")
        wait_for(lambda: os.path.exists(started), timeout=10, what="the command to start")
        w.send_signal(signal.SIGKILL)
        w.wait()
        time.sleep(3.5)  # the orphaned command ends; nobody acknowledges it
        self.assertEqual(self.state(ev["id"]), "fired")
        self.start_watch()
        self.stderr.wait(lambda l: f"reminder a{alarm}: the command exited 0; acknowledged" in l,
                         what="the reminder run again by the next watch")
        with open(started) as f:
            self.assertEqual(f.read(), "xx")
        self.assertEqual(self.state(ev["id"]), "acknowledged")

    def test_keeps_running_commands_across_a_daemon_restart(self):
        self.start_watch()
        self.d.restart()
        self.stderr.wait(lambda l: "reconnected to heraldd" in l, what="the watch to reconnect")
        self.c = self.d.connect()
        due = next_second(2)
        ev = self.add("ok After the restart", due, iso(due + 600))
        alarm = self.alarm_of(ev)
        self.stderr.wait(lambda l: f"reminder a{alarm}: the command exited 0; acknowledged" in l,
                         what="the command of a reminder after the restart")
        self.assertEqual(self.state(ev["id"]), "acknowledged")

    def test_exec_shell_runs_through_sh(self):
        target = os.path.join(self.out, "shell.txt")
        self.start_watch("--exec-shell", command=f'printf "%s|%s" "$HERALD_TITLE" "$0" > {target}')
        due = next_second(2)
        ev = self.add("ok Through a shell", due, iso(due + 600))
        wait_for(lambda: os.path.exists(target) and os.path.getsize(target) > 0, what="the shell's output")
        with open(target) as f:
            self.assertEqual(f.read(), "ok Through a shell|/bin/sh")
        wait_for(lambda: self.state(ev["id"]) == "acknowledged", what="the acknowledgement")

    def test_bad_commands_are_data_errors(self):
        # The client's exit rule (herald(1), EXIT STATUS): a value that cannot be read is 65.
        for cmd, says in (("'unterminated", "unterminated '"), ("  ", "expected a command")):
            p = self.d.cli("watch", "--exec", cmd, check=False)
            self.assertEqual(p.returncode, 65, p.stderr)
            self.assertIn("--exec", p.stderr)
            self.assertIn(says, p.stderr)


if __name__ == "__main__":
    unittest.main()
