"""Reminders against the real daemon: firing once, kill -9 before and after firing, reconnecting
watchers, slow subscribers, 1,000 alarms in one second, ack, snooze, catch-up and missed."""
import datetime
import json
import os
import queue
import socket
import subprocess
import threading
import time
import unittest

from harness import HERALD, DaemonTestCase, wait_for


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_second(delay):
    """A whole-second epoch at least `delay` seconds from now (alarms have second resolution)."""
    return int(time.time() + delay) + 1


class Watcher:
    """`herald watch --json` in the background; lines are collected as parsed objects."""

    def __init__(self, daemon, *args):
        env = dict(daemon.env, HERALD_SOCKET=daemon.socket, TZ="Asia/Bishkek")
        self.proc = subprocess.Popen([HERALD, "watch", "--json", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, text=True)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def take(self, n, timeout=20):
        """Waits for n more messages and returns them."""
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"watcher got {len(out)} of {n} messages: {out[-3:]}")
            try:
                out.append(self.lines.get(timeout=left))
            except queue.Empty:
                continue
        self.seen.extend(out)
        return out

    def quiet_for(self, seconds):
        """Asserts that nothing more arrives within `seconds`."""
        try:
            extra = self.lines.get(timeout=seconds)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected extra message: {extra}")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class RemindersTestCase(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.watchers = []
        self.c = self.d.connect()

    def tearDown(self):
        for w in self.watchers:
            w.stop()
        super().tearDown()

    def watch(self, *args):
        w = Watcher(self.d, *args)
        self.watchers.append(w)
        # The subscription is live once the daemon counts the watcher as a client.
        wait_for(lambda: self.c.result("status")["clients"] >= 1 + len(self.watchers), what="watcher to connect")
        time.sleep(0.2)
        return w

    def add_alarm(self, title, due, client=None, **extra):
        """An event an hour after `due` with an alarm one hour before its start (due at `due`)."""
        ev = {"title": title, "start": iso(due + 3600), "alarms": [{"trigger": "-PT1H"}], **extra}
        return (client or self.c).result("event.add", {"event": ev})["event"]

    def replay(self, since=0, topics=("reminders",)):
        """Everything the ledger holds after `since`, via a fresh subscription."""
        c = self.d.connect()
        self.assertIn("result", c.call("subscribe", {"topics": list(topics), "since": since}))
        # The replay is queued before the reply to any later request: read up to that reply.
        marker = c.request("status")
        out = []
        while True:
            msg = c.read(timeout=10)
            if msg.get("id") == marker:
                break
            out.append(msg)
        c.close()
        return out


def bishkek(epoch):
    """Local wall time in Asia/Bishkek (+06, no DST), as the CLI reads WHEN under TZ=Asia/Bishkek."""
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone(datetime.timedelta(hours=6))).strftime(
        "%Y-%m-%d %H:%M:%S")


class Firing(RemindersTestCase):
    def test_alarm_due_in_two_seconds_reaches_watch_once(self):
        w = self.watch()
        due = next_second(2)
        ev = self.add_alarm("Japan–Kyrgyz foreign ministers' meeting", due)
        [msg] = w.take(1, timeout=10)
        self.assertEqual(msg["type"], "reminder")
        self.assertEqual(msg["event_id"], ev["id"])
        self.assertEqual(msg["title"], "Japan–Kyrgyz foreign ministers' meeting")
        self.assertEqual(msg["due"], iso(due))
        self.assertGreaterEqual(time.time(), due)  # never early
        w.quiet_for(2.5)
        self.assertEqual(self.c.result("alarm.next")["alarms"], [])

    def test_human_watch_line_and_cli_remind(self):
        self.d.stop()
        self.d.env["TZ"] = "Asia/Bishkek"  # the daemon places all-day events in its zone
        self.d.start()
        self.c = self.d.connect()
        env = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="Asia/Bishkek")
        proc = subprocess.Popen([HERALD, "watch", "--count", "1"], stdout=subprocess.PIPE, env=env, text=True)
        time.sleep(0.5)
        due = next_second(2)
        self.d.cli("add", "National Day at EXPO 2025", "--at", "2030-06-06", "--remind", "1d",
                   "--remind-at", bishkek(due), "--location", "Osaka")
        out, _ = proc.communicate(timeout=15)
        self.assertRegex(out, r"^Reminder a\d+  Thu 2030-06-06 00:00 \+06  National Day at EXPO 2025 @ Osaka\n$")
        shown = self.d.cli_json("show", "1")
        self.assertEqual(shown["alarms"][0], {"trigger": "-P1D", "related": "start"})
        nxt = self.d.cli_json("next")["alarms"][0]
        self.assertEqual(nxt["due"], "2030-06-04T18:00:00Z")  # a day before 2030-06-06 00:00 in Bishkek

    def test_thousand_alarms_in_one_second_arrive_once_each(self):
        w = self.watch()
        due = next_second(25)  # room for 1,000 adds on a loaded machine or under ASan
        for i in range(1000):
            self.c.request("event.add", {"event": {"title": f"alarm {i}", "start": iso(due + 60),
                                                    "alarms": [{"at": iso(due)}]}})
        ids = set()
        while len(ids) < 1000:
            reply = self.c.read(timeout=30)
            if "id" in reply:
                self.assertIn("result", reply)
                ids.add(reply["result"]["event"]["id"])
        self.assertLess(time.time(), due, "adding took too long for this test's due instant")
        msgs = w.take(1000, timeout=60)
        self.assertEqual({m["event_id"] for m in msgs}, ids)
        self.assertTrue(all(m["type"] == "reminder" and m["due"] == iso(due) for m in msgs))
        seqs = [m["seq"] for m in msgs]
        self.assertEqual(seqs, sorted(set(seqs)))
        w.quiet_for(1.5)


class AckSnooze(RemindersTestCase):
    def test_snooze_refires_and_ack_stops_it(self):
        w = self.watch()
        self.add_alarm("Honey export contract", next_second(1))
        [first] = w.take(1)
        self.d.cli("snooze", str(first["id"]), "2s")
        [again] = w.take(1, timeout=10)
        self.assertEqual(again["id"], first["id"])
        self.assertTrue(again["snoozed"])
        self.assertGreater(again["seq"], first["seq"])
        # Snooze once more, then acknowledge before it comes back: it never fires again.
        self.d.cli("snooze", str(first["id"]), "until", bishkek(time.time() + 2))
        self.d.cli("ack", str(first["id"]))
        w.quiet_for(3.5)
        p = self.d.cli("snooze", str(first["id"]), "5m", check=False)
        self.assertEqual(p.returncode, 65)
        self.assertIn("acknowledged", p.stderr)

    def test_snooze_until_fires_at_the_instant_asked(self):
        w = self.watch()
        self.add_alarm("Snoozed to a second", next_second(1))
        [first] = w.take(1)
        until = next_second(3)
        snoozed = self.c.result("alarm.snooze", {"id": first["id"], "until": iso(until)})
        self.assertEqual(snoozed["until"], iso(until))
        [entry] = [a for a in self.c.result("alarm.next", {"limit": 10})["alarms"] if a["id"] == first["id"]]
        self.assertEqual((entry["state"], entry["fires_at"]), ("snoozed", iso(until)))
        [again] = w.take(1, timeout=10)
        arrived = time.time()
        self.assertEqual(again["id"], first["id"])
        # Never early; not a whole minute late either (a snooze shifted by a minute either way fails).
        self.assertGreaterEqual(arrived, until, "the snoozed reminder came before its instant")
        self.assertLess(arrived, until + 30)

    def test_ack_before_due_dismisses(self):
        w = self.watch()
        due = next_second(2)
        ev = self.add_alarm("Dismissed ahead", due)
        [entry] = self.c.result("alarm.next", {"event_id": ev["id"]})["alarms"]
        acked = self.c.result("alarm.ack", {"event_id": ev["id"], "occurrence": entry["occurrence"]})
        self.assertEqual(acked["alarms"][0]["state"], "acknowledged")
        w.quiet_for(due - time.time() + 1.5)

    def test_ack_before_due_survives_an_edit_of_the_event(self):
        # The edit re-schedules the event's alarms; the early acknowledgement must stay in the ledger.
        w = self.watch()
        due = next_second(3)
        ev = self.add_alarm("Acknowledged, then edited", due)
        [entry] = self.c.result("alarm.next", {"event_id": ev["id"]})["alarms"]
        self.c.result("alarm.ack", {"event_id": ev["id"], "occurrence": entry["occurrence"]})
        self.c.result("event.update", {"id": ev["id"], "revision": ev["revision"],
                                       "changes": {"location": "Osaka"}})
        w.quiet_for(due - time.time() + 1.5)

    def test_errors_name_the_field(self):
        ev = self.c.result("event.add", {"event": {"title": "Summit", "start": "2023",
                                                   "alarms": [{"trigger": "-P1D"}]}})["event"]
        err = self.c.call("alarm.next", {"event_id": ev["id"]})["error"]
        self.assertEqual(err["data"], {"kind": "invalid_time", "field": "event_id"})
        self.assertIn("not fixed", err["message"])
        err = self.c.call("alarm.snooze", {"id": 999, "for": "10m"})["error"]
        self.assertEqual(err["data"]["kind"], "not_found")
        err = self.c.call("alarm.snooze", {"id": 1})["error"]
        self.assertEqual(err["data"]["field"], "for")
        err = self.c.call("subscribe", {"topics": ["weather"]})["error"]
        self.assertEqual(err["data"]["field"], "topics")


class Changes(RemindersTestCase):
    def test_changes_topic_and_replay_since(self):
        w = self.watch("--changes")
        ev = self.c.result("event.add", {"event": {"title": "First Central Asia + Japan summit", "start": None,
                                                   "alarms": [{"trigger": "-P1D"}]}})["event"]
        self.c.result("event.update", {"id": ev["id"], "revision": 1, "changes": {"location": "Tokyo"}})
        self.c.result("event.update", {"id": ev["id"], "revision": 2,
                                       "changes": {"start": "2035-12-19T10:00", "tz": "Asia/Tokyo"}})
        self.c.result("event.remove", {"id": ev["id"]})
        msgs = w.take(4)
        self.assertEqual([m["kind"] for m in msgs], ["added", "updated", "firmed", "removed"])
        self.assertEqual(msgs[2]["event"]["start"], "2035-12-19T10:00")
        seqs = [m["seq"] for m in msgs]
        # A subscriber that saw up to the second message gets exactly the last two.
        replayed = self.replay(since=seqs[1], topics=("changes",))
        self.assertEqual([m["params"]["seq"] for m in replayed], seqs[2:])

    def test_imported_alarms_fire_and_the_import_is_one_change(self):
        """calendar.import schedules each event's VALARM like event.add does; subscribers get
        one change of kind "imported" with the counts, not one per event."""
        due = next_second(3)
        start = datetime.datetime.fromtimestamp(due + 900, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
               + "".join(f"BEGIN:VEVENT\r\nUID:imp-{i}@test\r\nDTSTAMP:20250101T000000Z\r\n"
                         f"DTSTART:{start}\r\nSUMMARY:Imported {i}\r\n"
                         + ("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:r\r\nTRIGGER:-PT15M\r\n"
                            "END:VALARM\r\n" if i == 0 else "")
                         + "END:VEVENT\r\n" for i in range(3))
               + "END:VCALENDAR\r\n")
        w = self.watch("--changes")
        self.assertEqual(self.c.result("calendar.import", {"ics": ics})["added"], 3)
        [change] = w.take(1, timeout=10)
        self.assertEqual((change["type"], change["kind"], change["added"], change["updated"]),
                         ("change", "imported", 3, 0))
        self.assertEqual([a["title"] for a in self.c.result("alarm.next")["alarms"]], ["Imported 0"])
        [reminder] = w.take(1, timeout=15)
        self.assertEqual((reminder["type"], reminder["title"], reminder["due"]), ("reminder", "Imported 0", iso(due)))
        # Re-importing the same file changes nothing and tells nobody.
        self.assertEqual(self.c.result("calendar.import", {"ics": ics})["unchanged"], 3)
        w.quiet_for(1.5)

    def test_default_alarm(self):
        self.d.stop()
        self.d.extra_args += ["--default-alarm", "15m"]
        self.d.start()
        c = self.d.connect()
        ev = c.result("event.add", {"event": {"title": "Default", "start": "2030-01-01T10:00"}})["event"]
        self.assertEqual(ev["alarms"], [{"trigger": "-PT15M", "related": "start"}])
        ev = c.result("event.add", {"event": {"title": "None", "start": "2030-01-01T10:00", "alarms": []}})["event"]
        self.assertEqual(ev["alarms"], [])
        self.assertEqual(self.d.cli_json("add", "No", "--at", "2030-01-02", "--no-remind")["event"]["alarms"], [])


class Downtime(RemindersTestCase):
    def test_killed_before_due_delivers_once_after_restart(self):
        due = next_second(1)
        ev = self.add_alarm("Special Advisor's visit", due)
        self.d.kill()
        time.sleep(max(0, due - time.time()) + 1)
        self.d.start()
        self.c = self.d.connect()
        msgs = self.replay(0)
        self.assertEqual([(m["method"], m["params"]["event_id"]) for m in msgs], [("reminder", ev["id"])])
        time.sleep(1.5)
        self.assertEqual(len(self.replay(0)), 1)
        self.assertIn("caught up: 1 reminders delivered", self.d.log_text())

    def test_killed_after_firing_delivers_nothing_more(self):
        w = self.watch()
        self.add_alarm("Fired before the crash", next_second(1))
        [fired] = w.take(1)
        self.d.kill()
        self.d.start()
        self.c = self.d.connect()
        time.sleep(1)
        self.assertEqual([m["params"]["seq"] for m in self.replay(0)], [fired["seq"]])
        w.quiet_for(1.5)  # the watcher reconnected and got nothing new

    def test_reconnecting_watcher_gets_exactly_what_it_missed(self):
        w = self.watch()
        base = next_second(1)
        events = [self.add_alarm(f"alarm {i}", base + 2 * i) for i in range(3)]
        [a] = w.take(1)
        self.assertEqual(a["event_id"], events[0]["id"])
        self.d.kill()
        time.sleep(max(0, base + 2 - time.time()) + 0.5)  # B comes due while the daemon is down
        self.d.start()
        b, c = w.take(2, timeout=15)
        self.assertEqual([b["event_id"], c["event_id"]], [events[1]["id"], events[2]["id"]])
        self.assertEqual([a["seq"], b["seq"], c["seq"]], sorted({a["seq"], b["seq"], c["seq"]}))
        w.quiet_for(1.5)

    def test_many_late_alarms_become_one_digest(self):
        due = next_second(1)
        for i in range(7):
            self.add_alarm(f"late {i}", due)
        self.d.kill()
        time.sleep(max(0, due - time.time()) + 1)
        self.d.start()
        self.c = self.d.connect()
        [digest] = self.replay(0)
        self.assertEqual(digest["method"], "digest")
        self.assertEqual(digest["params"]["count"], 7)
        self.assertEqual(sorted(r["title"] for r in digest["params"]["reminders"]), [f"late {i}" for i in range(7)])

    def test_missed_beyond_catchup_window(self):
        self.d.stop()
        self.d.extra_args += ["--catchup", "1s"]
        self.d.start()
        self.c = self.d.connect()
        due = next_second(1)
        ev = self.add_alarm("Missed while away", due)
        self.d.kill()
        time.sleep(max(0, due - time.time()) + 3)
        self.d.start()
        self.c = self.d.connect()
        self.assertEqual(self.replay(0), [])
        missed = self.d.cli_json("missed")["alarms"]
        self.assertEqual([(m["event_id"], m["state"]) for m in missed], [(ev["id"], "missed")])
        self.assertIn("Missed while away", self.d.cli("missed", "--since", "2020-01-01").stdout)
        self.assertEqual(self.d.cli_json("missed", "--since", bishkek(time.time() + 86400))["alarms"], [])


class SlowSubscriber(RemindersTestCase):
    daemon_args = ("--max-queue", "65536", "--stall-timeout", "1")

    def test_subscriber_that_never_reads_is_dropped_without_delaying_others(self):
        stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(self.d.socket)
        stalled.sendall(b'{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{}}\n')
        w = self.watch()
        due = next_second(15)
        for batch in range(20):  # in batches: this client's own replies share the small queue limit
            for i in range(20):
                self.c.request("event.add", {"event": {"title": f"fan-out {batch}.{i} " + "x" * 200,
                                                        "start": iso(due + 60), "alarms": [{"at": iso(due)}]}})
            for _ in range(20):
                self.assertIn("result", self.c.read(timeout=30))
        self.assertLess(time.time(), due, "adding took too long for this test's due instant")
        msgs = w.take(400, timeout=30)
        self.assertEqual(len({m["event_id"] for m in msgs}), 400)
        # Any later request lets the hub look at the stalled subscriber again.
        wait_for(lambda: self.c.result("status") and "subscriber stopped reading" in self.d.log_text(),
                 interval=0.3, what="the stalled subscriber to be dropped")
        stalled.close()


if __name__ == "__main__":
    unittest.main()
