"""Pre-staged firing against the real daemon: a reminder is committed a lead ahead of its due
instant and pushed at that instant, never before; kill -9 inside the lead or after the instant
still delivers exactly once; a change logged inside the lead waits for it, nothing is skipped.

The lead is 250 ms in production; these tests widen it to 3 s with the test-only environment
variable HERALDD_TEST_FIRE_LEAD_MS so the window can be hit deterministically."""
import datetime
import tempfile
import time
import unittest

from harness import Daemon, DaemonTestCase, wait_for

LEAD_S = 3


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class StagingTestCase(DaemonTestCase):
    env = {"HERALDD_TEST_FIRE_LEAD_MS": str(LEAD_S * 1000)}

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-it-")
        self.d = Daemon(self.root, self.daemon_args, env=self.env).start()
        self.c = self.d.connect()

    def add_alarm(self, title, due):
        ev = {"title": title, "start": iso(due + 3600), "alarms": [{"at": iso(due)}]}
        return self.c.result("event.add", {"event": ev})["event"]

    def subscriber(self, topics=("reminders",), since=None):
        """A raw subscriber; returns (client, seq of the subscribe reply)."""
        c = self.d.connect()
        params = {"topics": list(topics)}
        if since is not None:
            params["since"] = since
        return c, c.result("subscribe", params)["seq"]

    def take(self, client, n, timeout=15):
        """The next n notifications with the time each arrived."""
        out = []
        while len(out) < n:
            msg = client.read(timeout=timeout)
            self.assertIsNotNone(msg, "the daemon closed the subscription")
            out.append((time.time(), msg))
        return out

    def assert_quiet(self, client, seconds):
        client.sock.settimeout(seconds)
        try:
            data = client.sock.recv(65536)
        except TimeoutError:
            return
        finally:
            client.sock.settimeout(10)
        self.fail(f"unexpected message: {data[:300]!r}")

    def wait_staged(self, event_id):
        """Until the event's alarm left `pending`: it is fired in the ledger, not yet pushed."""
        wait_for(lambda: self.c.result("alarm.next", {"event_id": event_id})["alarms"] == [],
                 interval=0.05, what="the alarm to be staged")

    def replay(self, since=0, topics=("reminders",)):
        c = self.d.connect()
        c.result("subscribe", {"topics": list(topics), "since": since})
        marker = c.request("status")
        out = []
        while (msg := c.read(timeout=10)).get("id") != marker:
            out.append(msg)
        c.close()
        return out


class NeverEarly(StagingTestCase):
    def test_staged_reminder_arrives_at_its_due_instant_not_before(self):
        sub, _ = self.subscriber()
        due = int(time.time()) + LEAD_S + 3
        ev = self.add_alarm("Staged ahead", due)
        self.wait_staged(ev["id"])
        self.assertLess(time.time(), due - 0.5, "staged too late for this test to mean anything")
        # Durable in the ledger already, yet nobody hears of it before the due instant.
        self.assert_quiet(sub, max(0.0, due - time.time() - 0.2))
        [(arrived, msg)] = self.take(sub, 1)
        self.assertEqual(msg["method"], "reminder")
        self.assertEqual(msg["params"]["event_id"], ev["id"])
        self.assertGreaterEqual(arrived, due)
        self.assertEqual(msg["params"]["fired_at"], iso(due))
        self.assertEqual(msg["params"]["due"], iso(due))
        # The ledger agrees: fired at the due instant, by that message.
        [entry] = self.c.result("alarm.ack", {"id": msg["params"]["id"]})["alarms"]
        self.assertEqual((entry["fired_at"], entry["seq"]), (iso(due), msg["params"]["seq"]))

    def test_several_alarms_none_early_each_once(self):
        sub, _ = self.subscriber()
        base = int(time.time()) + 2
        events = {self.add_alarm(f"alarm {i}", base + i)["id"]: base + i for i in range(5)}
        got = self.take(sub, 5, timeout=20)
        for arrived, msg in got:
            due = events[msg["params"]["event_id"]]
            self.assertGreaterEqual(arrived, due)
            self.assertEqual(epoch(msg["params"]["fired_at"]), due)
        self.assertEqual(sorted(m["params"]["event_id"] for _, m in got), sorted(events))
        self.assert_quiet(sub, 1.5)

    def test_ack_inside_the_lead_acts_as_just_after_firing(self):
        sub, _ = self.subscriber()
        due = int(time.time()) + LEAD_S + 2
        ev = self.add_alarm("Acknowledged early", due)
        self.wait_staged(ev["id"])
        acked = self.c.result("alarm.ack", {"event_id": ev["id"], "occurrence": iso(due + 3600)})["alarms"]
        self.assertEqual([(a["state"], a["fired_at"]) for a in acked], [("acknowledged", iso(due))])
        [(arrived, msg)] = self.take(sub, 1)  # the staged message still goes out, on time
        self.assertGreaterEqual(arrived, due)
        self.assertEqual(msg["params"]["id"], acked[0]["id"])
        self.assert_quiet(sub, 1.5)

    def test_edit_inside_the_lead_does_not_fire_the_staged_occurrence_again(self):
        # The edit re-schedules the event's alarms while the ledger already says fired (staged):
        # the occurrence must go out once, at its instant, not once more after the edit.
        sub, _ = self.subscriber()
        due = int(time.time()) + LEAD_S + 2
        ev = self.add_alarm("Edited while staged", due)
        self.wait_staged(ev["id"])
        self.c.result("event.update", {"id": ev["id"], "revision": ev["revision"],
                                       "changes": {"location": "Bishkek"}})
        self.assertLess(time.time(), due, "too slow for this test's due instant")
        [(arrived, msg)] = self.take(sub, 1)
        self.assertGreaterEqual(arrived, due)
        self.assertEqual((msg["params"]["event_id"], msg["params"]["fired_at"]), (ev["id"], iso(due)))
        self.assert_quiet(sub, 2.5)
        self.assertEqual(len(self.replay(0)), 1)

    def test_event_moved_inside_the_lead_fires_once_at_the_new_time(self):
        # Moved while its reminder is staged: the staged message still goes out at its instant
        # (as if the edit came just after it fired), and the new time fires once, at that time.
        sub, _ = self.subscriber()
        due = int(time.time()) + LEAD_S + 2
        ev = {"title": "Moved while staged", "start": iso(due + 3600), "alarms": [{"trigger": "-PT1H"}]}
        ev = self.c.result("event.add", {"event": ev})["event"]
        self.wait_staged(ev["id"])
        moved = due + LEAD_S + 3
        self.c.result("event.update", {"id": ev["id"], "revision": ev["revision"],
                                       "changes": {"start": iso(moved + 3600)}})
        self.assertLess(time.time(), due, "too slow for this test's due instant")
        (t1, staged), (t2, again) = self.take(sub, 2, timeout=LEAD_S + 15)
        self.assertEqual(staged["params"]["due"], iso(due))
        self.assertGreaterEqual(t1, due)
        self.assertEqual((again["params"]["event_id"], again["params"]["due"]), (ev["id"], iso(moved)))
        self.assertEqual(again["params"]["occurrence"], iso(moved + 3600))
        self.assertGreaterEqual(t2, moved)
        self.assert_quiet(sub, 2.5)
        self.assertEqual([m["params"]["due"] for m in self.replay(0)], [iso(due), iso(moved)])


class Ordering(StagingTestCase):
    def test_change_inside_the_lead_waits_for_the_staged_reminder(self):
        sub, first = self.subscriber(topics=("reminders", "changes"))
        due = int(time.time()) + LEAD_S + 3
        ev = self.add_alarm("Staged", due)
        [(_, added)] = self.take(sub, 1)
        self.assertEqual(added["params"]["kind"], "added")
        self.wait_staged(ev["id"])
        # A change logged now comes after the staged reminder in seq order.
        other = self.c.result("event.add", {"event": {"title": "Logged inside the lead", "start": "2031-01-01"}})
        late_sub, seq = self.subscriber(topics=("reminders", "changes"), since=added["params"]["seq"])
        self.assertEqual(seq, added["params"]["seq"], "subscribe must not report unpublished messages")
        self.assertLess(time.time(), due, "too slow for this test's due instant")
        self.assert_quiet(sub, max(0.0, due - time.time() - 0.2))
        for client in (sub, late_sub):
            (t1, reminder), (t2, change) = self.take(client, 2)
            self.assertEqual(reminder["method"], "reminder")
            self.assertGreaterEqual(t1, due)
            self.assertEqual((change["method"], change["params"]["event_id"]), ("change", other["event"]["id"]))
            self.assertEqual([reminder["params"]["seq"], change["params"]["seq"]],
                             [added["params"]["seq"] + 1, added["params"]["seq"] + 2])
        # `since` replay is exact: everything after the first message, in order, nothing twice.
        replayed = self.replay(since=first, topics=("reminders", "changes"))
        self.assertEqual([m["params"]["seq"] for m in replayed], [first + 1, first + 2, first + 3])


class Crash(StagingTestCase):
    def test_killed_while_staged_restarted_before_due_delivers_once_at_due(self):
        due = int(time.time()) + LEAD_S + 3
        ev = self.add_alarm("Staged, then killed", due)
        sub, seen = self.subscriber()
        self.wait_staged(ev["id"])
        self.d.kill()
        self.d.start()
        self.c = self.d.connect()
        self.assertLess(time.time(), due - 0.3, "restart too slow for this test's due instant")
        sub, _ = self.subscriber(since=seen)
        self.assert_quiet(sub, max(0.0, due - time.time() - 0.2))
        [(arrived, msg)] = self.take(sub, 1)
        self.assertGreaterEqual(arrived, due)
        self.assertEqual((msg["params"]["event_id"], msg["params"]["fired_at"]), (ev["id"], iso(due)))
        self.assert_quiet(sub, 1.5)
        self.assertEqual([m["params"]["event_id"] for m in self.replay(0)], [ev["id"]])
        self.assertNotIn("caught up", self.d.log_text())  # it was in the log, not fired again

    def test_killed_while_staged_restarted_after_due_replays_once(self):
        due = int(time.time()) + LEAD_S + 2
        ev = self.add_alarm("Staged, down over its instant", due)
        self.wait_staged(ev["id"])
        self.d.kill()
        time.sleep(max(0.0, due - time.time()) + 0.5)
        self.d.start()
        self.c = self.d.connect()
        msgs = self.replay(0)
        self.assertEqual([(m["method"], m["params"]["event_id"]) for m in msgs], [("reminder", ev["id"])])
        time.sleep(1)
        self.assertEqual(len(self.replay(0)), 1)

    def test_killed_after_due_delivers_nothing_more(self):
        sub, _ = self.subscriber()
        due = int(time.time()) + LEAD_S + 1
        self.add_alarm("Pushed, then killed", due)
        [(_, msg)] = self.take(sub, 1)
        self.d.kill()
        self.d.start()
        self.c = self.d.connect()
        again, _ = self.subscriber(since=msg["params"]["seq"])
        self.assert_quiet(again, 1.5)
        self.assertEqual([m["params"]["seq"] for m in self.replay(0)], [msg["params"]["seq"]])


class BadLead(unittest.TestCase):
    def test_an_invalid_test_lead_is_refused_naming_the_variable(self):
        root = tempfile.mkdtemp(prefix="herald-it-")
        d = Daemon(root, env={"HERALDD_TEST_FIRE_LEAD_MS": "soon"})
        d.start(wait=False)
        self.assertEqual(d.proc.wait(timeout=10), 78)
        d.log.close()
        self.assertIn("HERALDD_TEST_FIRE_LEAD_MS", d.log_text())


if __name__ == "__main__":
    unittest.main()
