"""System mode as a hostile local user would try it (issue 14, items 1-6): a real `heraldd --system`,
three throw-away accounts and clients run under their uids with setpriv.

Needs root (to create the users and run clients as them)."""
import datetime
import json
import os
import queue
import subprocess
import sys
import threading
import time
import unittest

from harness import HERALD
from system_harness import SystemModeCase, skip_reason


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ics(*events):
    """A VCALENDAR of VEVENT bodies (lists of content lines)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//herald tests//EN"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def vevent(uid, summary, start="20300501T090000Z", cls=None, alarm=False):
    body = [f"UID:{uid}", "DTSTAMP:20250101T000000Z", f"DTSTART:{start}", f"SUMMARY:{summary}"]
    if cls:
        body.append(f"CLASS:{cls}")
    if alarm:
        body += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:r", "TRIGGER:-PT15M", "END:VALARM"]
    return body


# One request as a user, on a connection of its own: prints the response line.
RPC = ("import json,socket,sys\n"
       "s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
       "s.sendall((json.dumps({'jsonrpc':'2.0','id':1,'method':sys.argv[2],"
       "'params':json.loads(sys.argv[3])})+'\\n').encode())\n"
       "buf=b''\n"
       "while not buf.endswith(b'\\n'):\n"
       "    d=s.recv(1<<20)\n"
       "    if not d: break\n"
       "    buf+=d\n"
       "print(buf.decode().strip())\n")


class UserWatcher:
    """`herald watch --json` run as a user; messages are collected as parsed objects."""

    def __init__(self, case, uid):
        cmd = case.user_cmd(uid, [HERALD, "--socket", case.d.socket, "watch", "--json"])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": "/"})
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def take(self, timeout):
        """The next message, or None when nothing arrives within `timeout` seconds."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@unittest.skipIf(skip_reason() is not None, skip_reason() or "")
class HostileUsers(SystemModeCase):
    USERS = ("herald-az-a", "herald-az-b", "herald-az-c")
    ADMIN_GROUP = "herald-az-adm"
    CONFIG = "max_events_per_user = 5\n"

    def setUp(self):
        super().setUp()
        self.a, self.b, self.c = self.uids
        self.watchers = []

    def tearDown(self):
        for w in self.watchers:
            w.stop()
        super().tearDown()

    def rpc(self, uid, method, params=None):
        """One JSON-RPC request as `uid`; the whole response object."""
        cmd = self.user_cmd(uid, [sys.executable, "-c", RPC, self.d.socket, method, json.dumps(params or {})])
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def result(self, uid, method, params=None):
        r = self.rpc(uid, method, params)
        self.assertIn("result", r, r)
        return r["result"]

    def add_at(self, uid, title, at, *extra):
        """Adds an event at `at` as `uid` through the CLI; returns the stored event."""
        return json.loads(self.as_user(uid, "--json", "add", title, "--at", at, *extra, check=0).stdout)["event"]

    def import_as(self, uid, text, admin=False):
        return self.as_user(uid, "--json", "import", "-", input=text, admin=admin)

    def watch(self, uid):
        w = UserWatcher(self, uid)
        self.watchers.append(w)
        time.sleep(0.5)  # the subscription is live once the watcher has connected
        return w

    # Item 1: import applies the rules of event.add/event.update, per component.
    def test_import_cannot_publish_without_the_admin_group(self):
        w = self.watch(self.b)
        soon = datetime.datetime.fromtimestamp(time.time() + 15 * 60 + 2, datetime.timezone.utc)
        text = ics(vevent("phish@evil", "URGENT: IT says run this", soon.strftime("%Y%m%dT%H%M%SZ"), "PUBLIC",
                          alarm=True),
                   vevent("diary@a", "A's diary", cls="PRIVATE"))
        p = self.import_as(self.a, text)
        out = json.loads(p.stdout)
        self.assertEqual((out["added"], len(out["errors"])), (1, 1), out)
        self.assertEqual(out["errors"][0]["uid"], "phish@evil")
        self.assertIn(self.ADMIN_GROUP, out["errors"][0]["reason"])
        self.assertNotIn("URGENT", self.listed(self.b))
        self.assertEqual(self.result(0, "event.search", {"query": "URGENT"})["events"], [])
        # Nobody is reminded of the refused event (its alarm would be due in 2 s).
        msg = w.take(4)
        self.assertTrue(msg is None or "URGENT" not in json.dumps(msg), msg)
        # Re-importing one's own private event as CLASS:PUBLIC does not publish it.
        out = json.loads(self.import_as(self.a, ics(vevent("diary@a", "A's diary", cls="PUBLIC"))).stdout)
        self.assertEqual((out["updated"], len(out["errors"])), (0, 1), out)
        self.assertNotIn("diary", self.listed(self.b))
        # A member of the admin group may publish by import.
        out = json.loads(self.import_as(self.a, ics(vevent("notice@a", "Office notice", cls="PUBLIC")),
                                        admin=True).stdout)
        self.assertEqual(out["added"], 1, out)
        self.assertIn("Office notice", self.listed(self.b))

    # Item 2: import counts against max_events_per_user.
    def test_import_respects_the_event_quota(self):
        self.add(self.a, "Already mine")
        out = json.loads(self.import_as(self.a, ics(*[vevent(f"q{i}@a", f"Q {i}") for i in range(8)])).stdout)
        self.assertEqual(out["added"], 4, out)
        self.assertEqual(len(out["errors"]), 4, out)
        self.assertIn("max_events_per_user", out["errors"][0]["reason"])
        self.assertEqual(self.result(0, "status")["events"], 5)

    # Item 3: the visibility filter comes before the limit.
    def test_limits_apply_after_the_visibility_filter(self):
        start = time.time() + 3600
        for i in range(60):
            self.rootc.result("event.add", {"event": {"title": f"meeting root {i}", "start": iso(start + i),
                                                      "alarms": [{"trigger": "-PT30M"}]}})
        mine = self.add_at(self.a, "meeting of A", iso(start + 600), "--remind", "30m")
        found = self.result(self.a, "event.search", {"query": "meeting"})["events"]
        self.assertEqual([e["id"] for e in found], [mine["id"]])
        p = self.as_user(self.a, "until", "meeting", check=0)
        self.assertNotIn("root", p.stdout)
        nxt = self.result(self.a, "alarm.next", {"limit": 1})["alarms"]
        self.assertEqual([e["event_id"] for e in nxt], [mine["id"]])
        self.assertIn("meeting of A", self.as_user(self.a, "next", check=0).stdout)

    def test_missed_limit_applies_after_the_visibility_filter(self):
        due = int(time.time()) + 6  # every add is in before its alarm is due
        for i in range(5):
            self.rootc.result("event.add", {"event": {"title": f"root's {i}", "start": iso(due + 3600),
                                                      "alarms": [{"trigger": "-PT1H"}]}})
        mine = self.add_at(self.a, "A's missed", iso(due + 3600), "--remind", "1h")
        self.d.kill()
        time.sleep(max(0, due - time.time()) + 3)
        self.d.extra_args += ["--catchup", "1s"]
        self.d.start()
        self.rootc = self.d.connect()
        self.assertEqual(len(self.rootc.result("alarm.missed", {})["alarms"]), 6)
        missed = self.result(self.a, "alarm.missed", {"limit": 1})["alarms"]
        self.assertEqual([e["event_id"] for e in missed], [mine["id"]])

    # Item 4: another user's uid is no oracle; uids are per owner.
    def test_another_users_uid_reveals_nothing(self):
        secret = self.result(self.a, "event.add", {"event": {"uid": "secret@a", "title": "A's interview",
                                                             "start": "2030-05-01"}})["event"]
        r = self.rpc(self.b, "event.add", {"event": {"uid": "secret@a", "title": "B's own", "start": "2030-06-01"}})
        self.assertIn("result", r, r)
        self.assertTrue(r["result"]["created"])
        self.assertNotEqual(r["result"]["event"]["id"], secret["id"])
        # Each sees their own under the uid; A's event is unchanged.
        self.assertEqual(self.result(self.b, "event.get", {"uid": "secret@a"})["event"]["title"], "B's own")
        self.assertEqual(self.result(self.a, "event.get", {"uid": "secret@a"})["event"]["title"], "A's interview")
        # The same answer as for a uid nobody has: a user's event.add never tells another's uid apart.
        r2 = self.rpc(self.b, "event.add", {"event": {"uid": "nobody@x", "title": "B's own", "start": "2030-06-01"}})
        self.assertEqual(set(r2["result"]), set(r["result"]))

    # Item 5: status shows a user their own figures.
    def test_status_shows_the_callers_own_figures(self):
        self.add(self.a, "A one")
        self.add(self.a, "A two")
        for i in range(3):
            self.rootc.result("event.add", {"event": {"title": f"root {i}", "start": "2030-01-01"}})
        mine = self.result(self.a, "status")
        self.assertEqual(mine["events"], 2)
        self.assertNotIn(self.d.db, json.dumps(mine))
        self.assertNotIn("database", mine)
        admin = json.loads(self.as_user(self.b, "--json", "status", admin=True, check=0).stdout)
        self.assertEqual(admin["events"], 5)
        self.assertIn("database", admin)

    # Item 6: ids are never reused; removing an event retires its ledger rows.
    def test_snoozed_reminder_of_a_removed_event_never_shows_anothers_event(self):
        w = self.watch(self.a)
        due = int(time.time()) + 4
        ev = self.result(self.a, "event.add", {"event": {"title": "A's call", "start": iso(due + 3600),
                                                         "alarms": [{"trigger": "-PT1H"}]}})["event"]
        fired = w.take(10)
        self.assertIsNotNone(fired)
        # Long enough for the removal and B's add to land first on a loaded machine.
        self.as_user(self.a, "snooze", str(fired["id"]), "8s", check=0)
        self.as_user(self.a, "rm", str(ev["id"]), check=0)
        other = self.result(self.b, "event.add", {"event": {"title": "B's secret", "location": "B-SECRET-LOC",
                                                            "start": "2030-05-01"}})["event"]
        self.assertNotEqual(other["id"], ev["id"])
        msg = w.take(10)
        self.assertTrue(msg is None or "B-SECRET" not in json.dumps(msg), msg)
        self.assertIsNone(msg, "a removed event's snooze fired")
        self.assertEqual(self.rpc(self.a, "alarm.ack", {"id": fired["id"]})["error"]["data"]["kind"], "not_found")

    # The alarm handlers and the hub ask the same rule: another user's private alarm is not_found.
    def test_another_users_private_alarm_is_not_found_nor_heard(self):
        wa, wb = self.watch(self.a), self.watch(self.b)
        due = int(time.time()) + 3
        ev = self.result(self.a, "event.add", {"event": {"title": "A's private call", "start": iso(due + 3600),
                                                         "alarms": [{"trigger": "-PT1H"}]}})["event"]
        [entry] = self.result(self.a, "alarm.next", {"event_id": ev["id"]})["alarms"]
        self.assertEqual(self.result(self.b, "alarm.next", {"limit": 10})["alarms"], [])
        self.assertNotIn("private call", self.as_user(self.b, "next", check=0).stdout)
        mine = wa.take(10)
        self.assertIsNotNone(mine, "A did not hear their own reminder")
        self.assertEqual((mine["type"], mine["event_id"]), ("reminder", ev["id"]))
        self.assertIsNone(wb.take(1), "B heard of A's private event")
        for method, params in [("alarm.next", {"event_id": ev["id"]}),
                               ("alarm.ack", {"id": entry["id"]}),
                               ("alarm.ack", {"event_id": ev["id"], "occurrence": entry["occurrence"]}),
                               ("alarm.snooze", {"id": entry["id"], "for": "10m"})]:
            err = self.rpc(self.b, method, params).get("error")
            self.assertIsNotNone(err, f"B's {method} {params} of A's alarm succeeded")
            self.assertEqual(err["data"]["kind"], "not_found", (method, params, err))
            self.assertNotIn("another user", err["message"])
        # A's alarm is untouched by B's attempts: A can still snooze it.
        self.assertEqual(self.result(self.a, "alarm.snooze", {"id": entry["id"], "for": "10m"})["alarms"][0]["state"],
                         "snoozed")

    def test_ids_are_never_reused_across_restarts(self):
        ids = [self.add(self.a, f"A {i}")["id"] for i in range(3)]
        self.as_user(self.a, "rm", str(ids[-1]), check=0)
        self.d.stop()
        self.d.start()
        self.rootc = self.d.connect()
        again = self.add(self.a, "A again")["id"]
        self.assertGreater(again, max(ids))


# B's private events matching A's word. A search ranking every user's matches (as before schema
# 9, and as root's still does) was refused by the 50 ms CPU budget in a Debug build from 42,000
# matches now and then and from 50,000 every time (2026-12-04, 2-core VM); 60,000 keeps the
# refusal of B's own search (and of A's, with the scope dropped) off the machine's speed.
BOBS_SECRETS = 60000


@unittest.skipIf(skip_reason() is not None, skip_reason() or "")
class SearchScope(SystemModeCase):
    """event.search works only on what its caller may see: another user's private matches change
    neither its answer nor its work (the CPU budget that refuses a search matching too many)."""
    USERS = ("herald-ss-a", "herald-ss-b")
    ADMIN_GROUP = "herald-ss-adm"
    CONFIG = f"max_events_per_user = {BOBS_SECRETS + 10}\n"

    rpc = HostileUsers.rpc
    result = HostileUsers.result

    def test_another_users_private_matches_are_no_oracle(self):
        a, b = self.uids
        mine = [self.result(a, "event.add", {"event": {"title": f"secret plan {i}", "start": "2030-05-01"}})["event"]
                for i in range(2)]
        text = ics(*[vevent(f"s{i}@b", f"secret report {i}", cls="PRIVATE") for i in range(BOBS_SECRETS)])
        # Its own timeout: 60,000 events take some 25 s in a Debug build, minutes under ctest -j4.
        cmd = self.user_cmd(b, [HERALD, "--socket", self.d.socket, "--json", "import", "-"])
        p = subprocess.run(cmd, capture_output=True, text=True, input=text, timeout=600,
                           env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": "/"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["added"], BOBS_SECRETS)
        # A's search answers with A's own matches, as if B's events were not there.
        found = self.result(a, "event.search", {"query": "secret"})["events"]
        self.assertEqual(sorted(e["id"] for e in found), sorted(e["id"] for e in mine))
        # B's own search over all B's matches is refused by the daemon's CPU budget, naming the query.
        err = self.rpc(b, "event.search", {"query": "secret"})["error"]
        self.assertEqual((err["data"]["kind"], err["data"]["field"]), ("too_large", "query"), err)
        self.assertIn("add words", err["message"])
        # Narrowed, B's search answers.
        self.assertEqual(len(self.result(b, "event.search", {"query": "secret report 12345"})["events"]), 1)


if __name__ == "__main__":
    unittest.main()
