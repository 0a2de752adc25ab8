"""CalDAV sync against real servers (docs/architecture.md "Sync"): Radicale and Xandikos, both
from Debian, started on free localhost ports with private storage. Two heraldd instances (two
XDG directory trees: two machines) sync one collection through the server."""
import datetime
import json
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import tempfile
import threading
import time
import unittest

from dav_proxy import PrefixProxy
from harness import Daemon, finish_daemon, wait_for
from test_load import Watcher

try:  # the third-party client and the independent reader (scripts/deps.sh)
    import caldav
    import icalendar
except ImportError:  # pragma: no cover
    caldav = icalendar = None

RADICALE = shutil.which("radicale")
XANDIKOS = shutil.which("xandikos")
PASSWORD = "s3cret-Pa55"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepting(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Server:
    """A CalDAV server process with its own storage under `root`."""

    def __init__(self, kind, root):
        self.kind, self.root, self.port, self.proc = kind, root, free_port(), None
        os.makedirs(root, exist_ok=True)
        if kind == "radicale-open":
            self.url = f"http://127.0.0.1:{self.port}/me/office/"
        elif kind == "radicale":
            self.users = os.path.join(root, "users")
            with open(self.users, "w") as f:
                f.write(f"alice:{PASSWORD}\n")
            self.url = f"http://127.0.0.1:{self.port}/alice/office/"
        else:
            # Discovery from the server's root: current-user-principal, calendar-home-set, and
            # the collection named like the calendar ("calendar", made by --defaults).
            self.url = f"http://127.0.0.1:{self.port}/"

    def start(self):
        self.log = open(os.path.join(self.root, "server.log"), "ab")
        if self.kind == "radicale-open":
            cmd = [RADICALE, "--config", "", "--server-hosts", f"127.0.0.1:{self.port}",
                   "--auth-type", "none",
                   "--storage-filesystem-folder", os.path.join(self.root, "collections")]
        elif self.kind == "radicale":
            cmd = [RADICALE, "--config", "", "--server-hosts", f"127.0.0.1:{self.port}",
                   "--auth-type", "htpasswd", "--auth-htpasswd-filename", self.users,
                   "--auth-htpasswd-encryption", "plain",
                   "--storage-filesystem-folder", os.path.join(self.root, "collections")]
        else:
            cmd = [XANDIKOS, "-d", os.path.join(self.root, "dav"), "-l", "127.0.0.1",
                   "-p", str(self.port), "--defaults"]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: accepting(self.port), timeout=20, what=f"{self.kind} on {self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.log.close()


def write_config(daemon, text):
    path = os.path.join(daemon.env["XDG_CONFIG_HOME"], "herald")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "heraldd.toml"), "w") as f:
        f.write(text)


def caldav_table(server, password_file, name, interval="0s", conflict="server"):
    auth = ""
    if server.kind == "radicale":
        auth = f'username = "alice"\npassword_file = "{password_file}"\n'
    return (f'[[caldav]]\nname = "{name}"\nurl = "{server.url}"\n{auth}'
            f'interval = "{interval}"\ncreate = true\nconflict = "{conflict}"\n')


# A meeting as another client writes it: attendees, an organizer, an attachment, its own X-
# properties, an e-mail alarm and a display alarm with its own properties.
THIRD_PARTY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Third party//python3-caldav test//EN
BEGIN:VEVENT
UID:third-party-meeting-1
DTSTAMP:20250101T000000Z
CREATED:20241201T080000Z
SEQUENCE:2
DTSTART:20250610T090000Z
DTEND:20250610T100000Z
SUMMARY:Board meeting
STATUS:CONFIRMED
ORGANIZER;CN=Alice Example:mailto:alice@example.org
ATTENDEE;CN=Bob Example;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bob@example.org
ATTENDEE;CN=Carol Example;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.org
ATTACH;FMTTYPE=application/pdf:https://example.org/board/agenda.pdf
X-THIRD-PARTY-COLOR:#ff8800
PRIORITY:1
BEGIN:VALARM
ACTION:EMAIL
TRIGGER:-P1D
SUMMARY:Board meeting tomorrow
DESCRIPTION:Bring the agenda
ATTENDEE:mailto:alice@example.org
END:VALARM
BEGIN:VALARM
UID:third-party-alarm-1
ACTION:DISPLAY
TRIGGER;RELATED=START:-PT15M
DESCRIPTION:Board meeting soon
X-THIRD-PARTY-SNOOZE:PT5M
END:VALARM
END:VEVENT
END:VCALENDAR
"""

# A weekly series with two moved instances (RECURRENCE-ID components).
SERIES = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Third party//python3-caldav test//EN
BEGIN:VEVENT
UID:weekly-briefing-1
DTSTAMP:20250101T000000Z
DTSTART:20250303T090000Z
DTEND:20250303T093000Z
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Weekly briefing
END:VEVENT
BEGIN:VEVENT
UID:weekly-briefing-1
DTSTAMP:20250101T000000Z
RECURRENCE-ID:20250310T090000Z
DTSTART:20250311T090000Z
DTEND:20250311T093000Z
SUMMARY:Weekly briefing (moved)
END:VEVENT
BEGIN:VEVENT
UID:weekly-briefing-1
DTSTAMP:20250101T000000Z
RECURRENCE-ID:20250317T090000Z
DTSTART:20250317T100000Z
DTEND:20250317T103000Z
SUMMARY:Weekly briefing (online)
END:VEVENT
END:VCALENDAR
"""

# What a Herald title edit changes: the title and the version stamps (the list).
CHANGED_BY_AN_EDIT = {"SUMMARY", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED"}


def properties(component, skip=()):
    """name → sorted (value, parameters) of every property, as python3-icalendar reads them."""
    out = {}
    for name, value in component.property_items(recursive=False):
        if name in ("BEGIN", "END") or name in skip:
            continue
        params = tuple(sorted((k, str(v)) for k, v in value.params.items())) \
            if hasattr(value, "params") else ()
        out.setdefault(name, []).append((value.to_ical(), params))
    return {k: sorted(v) for k, v in out.items()}


def alarms(component):
    return sorted(repr(sorted(properties(a).items())) for a in component.walk("VALARM"))


class ServerCase:
    """A server of the subclass's kind, started for each test, and machines syncing with it."""

    kind = None
    calendar = "office"

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-caldav-")
        self.server = Server(self.kind, os.path.join(self.root, "server"))
        self.server.start()
        self.daemons = []

    def tearDown(self):
        for d in self.daemons:
            finish_daemon(self, d, d.root)
        self.server.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def machine(self, label, password=PASSWORD, interval="0s", conflict="server", wrapper=(),
                host="127.0.0.1", url=None, env=None):
        """A heraldd with its own XDG tree syncing the server's collection (named `host`; or
        the one discovered from `url`), started under `wrapper` (an argv prefix)."""
        d = Daemon(os.path.join(self.root, label), env=env)
        d.wrapper = list(wrapper)
        os.makedirs(d.root, exist_ok=True)
        secret = os.path.join(d.root, "office.pass")
        with open(secret, "w") as f:
            f.write(password + "\n")
        os.chmod(secret, 0o600)
        table = caldav_table(self.server, secret, self.calendar, interval, conflict)
        if url:
            table = table.replace(self.server.url, url)
        write_config(d, table.replace("127.0.0.1", host))
        self.daemons.append(d)
        return d.start()


class SyncCase(ServerCase):
    """The scenarios, run against the server of each subclass (kind)."""

    def listed(self, d):
        out = d.cli_json("list", "--calendar", self.calendar, "--from", "2025-01-01",
                         "--to", "2026-12-31")
        return {e["title"]: e for e in out}

    def sync(self, d):
        p = d.cli("sync")
        return p.stdout.strip()

    def test_add_edit_delete_reach_the_other_machine(self):
        a, b = self.machine("a"), self.machine("b")
        a.cli("add", "Japan-Kyrgyz foreign ministers' meeting", "--at", "2025-12-24 14:40",
              "--tz", "Asia/Tokyo", "--duration", "30m", "--remind", "1h",
              "--source", "MOFA Japan press release", "--calendar", self.calendar)
        a.cli("add", "Local only", "--at", "2025-12-25")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        on_b = self.listed(b)
        self.assertEqual(list(on_b), ["Japan-Kyrgyz foreign ministers' meeting"])
        ev = on_b["Japan-Kyrgyz foreign ministers' meeting"]
        self.assertEqual((ev["start"], ev["tz"], ev["duration"], ev["source"], ev["calendar"]),
                         ("2025-12-24T14:40", "Asia/Tokyo", "PT30M", "MOFA Japan press release",
                          self.calendar))
        self.assertEqual(ev["alarms"], [{"trigger": "-PT1H", "related": "start"}])
        self.assertEqual(b.cli_json("list", "--from", "2025-12-25", "--to", "2025-12-26"), [])

        # An edit on B travels back to A.
        b.cli("edit", str(ev["id"]), "--title", "Foreign ministers' meeting (moved)",
              "--at", "2025-12-26 10:00")
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        on_a = self.listed(a)
        self.assertEqual(list(on_a), ["Foreign ministers' meeting (moved)"])
        self.assertEqual(on_a["Foreign ministers' meeting (moved)"]["start"], "2025-12-26T10:00")

        # A removal on A removes it on B.
        a.cli("rm", str(on_a["Foreign ministers' meeting (moved)"]["id"]))
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(self.listed(b), {})
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")

    def test_both_edited_keeps_the_server_version_and_the_local_one_aside(self):
        a, b = self.machine("a"), self.machine("b")
        a.cli("add", "Special Advisor's visit", "--at", "2025-02-03", "--calendar", self.calendar)
        self.sync(a)
        self.sync(b)
        a.cli("edit", str(self.listed(a)["Special Advisor's visit"]["id"]), "--title", "Visit (A)")
        b.cli("edit", str(self.listed(b)["Special Advisor's visit"]["id"]), "--title", "Visit (B)")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        # B's write carries If-Match with the etag B last saw: the server refuses it (412).
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 1 conflicts")
        self.assertEqual(list(self.listed(b)), ["Visit (A)"])
        st = b.cli_json("sync", "--status")["calendars"][0]
        self.assertEqual((st["conflicts"], st["pending"]), (1, 0))
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(a)), ["Visit (A)"])

    def third_party(self, d):
        """python3-caldav on the collection heraldd `d` synced with."""
        collection = d.cli_json("sync", "--status")["calendars"][0]["collection"]
        auth = {"username": "alice", "password": PASSWORD} if self.server.kind == "radicale" else {}
        client = caldav.DAVClient(collection, **auth)
        return caldav.Calendar(client=client, url=collection)

    @unittest.skipUnless(caldav, "python3-caldav is not installed (scripts/deps.sh)")
    def test_third_party_properties_survive_a_herald_edit(self):
        a = self.machine("a")
        self.sync(a)
        cal = self.third_party(a)
        cal.save_event(THIRD_PARTY)
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        ev = self.listed(a)["Board meeting"]
        self.assertEqual(ev["alarms"], [{"trigger": "-PT15M", "related": "start"}])
        a.cli("edit", str(ev["id"]), "--title", "Board meeting (room 2)")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        before = icalendar.Calendar.from_ical(THIRD_PARTY).walk("VEVENT")[0]
        after = icalendar.Calendar.from_ical(
            cal.event_by_uid("third-party-meeting-1").data).walk("VEVENT")[0]
        self.assertEqual(str(after["SUMMARY"]), "Board meeting (room 2)")
        self.assertEqual(properties(after, CHANGED_BY_AN_EDIT),
                         properties(before, CHANGED_BY_AN_EDIT))
        self.assertEqual(alarms(after), alarms(before))

    @unittest.skipUnless(caldav, "python3-caldav is not installed (scripts/deps.sh)")
    def test_third_party_edit_of_a_herald_event_is_pulled(self):
        a = self.machine("a")
        a.cli("add", "Ambassadors' lunch", "--at", "2025-05-20 12:30", "--tz", "Europe/Paris",
              "--calendar", self.calendar)
        self.sync(a)
        uid = self.listed(a)["Ambassadors' lunch"]["uid"]
        obj = self.third_party(a).event_by_uid(uid)
        doc = icalendar.Calendar.from_ical(obj.data)
        vevent = doc.walk("VEVENT")[0]
        vevent["SUMMARY"] = "Ambassadors' lunch (with the Minister)"
        vevent.add("ATTENDEE", "mailto:minister@example.org", parameters={"CN": "Minister"})
        obj.data = doc.to_ical().decode()
        obj.save()
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        ev = self.listed(a)["Ambassadors' lunch (with the Minister)"]
        self.assertEqual((ev["uid"], ev["start"], ev["tz"]),
                         (uid, "2025-05-20T12:30", "Europe/Paris"))
        self.assertIn("ATTENDEE;CN=Minister:mailto:minister@example.org", ev["ical_extra"])

    def edit_both(self, a, b, title_a, title_b, pause=0):
        """A and B edit the same synced event, A first (then `pause` seconds), neither synced."""
        a.cli("edit", str(list(self.listed(a).values())[0]["id"]), "--title", title_a)
        time.sleep(pause)
        b.cli("edit", str(list(self.listed(b).values())[0]["id"]), "--title", title_b)

    def test_policy_local_pushes_the_local_version_and_keeps_the_servers(self):
        a, b = self.machine("a"), self.machine("b", conflict="local")
        a.cli("add", "Special Advisor's visit", "--at", "2025-02-03", "--calendar", self.calendar)
        self.sync(a)
        self.sync(b)
        self.edit_both(a, b, "Visit (A)", "Visit (B)")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        # B's If-Match fails (412); policy local re-reads the server's version and writes over it.
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 1 pushed, 1 conflicts")
        self.assertEqual(list(self.listed(b)), ["Visit (B)"])
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(a)), ["Visit (B)"])
        kept = b.cli_json("sync", "--conflicts", self.calendar)["conflicts"]
        self.assertEqual([(c["calendar"], c["title"], c["lost"]) for c in kept],
                         [(self.calendar, "Visit (A)", "server")])
        # The kept version becomes the current one again, on B and through the server on A.
        self.assertIn(f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts",
                      b.cli("sync", "--restore", str(kept[0]["id"])).stdout)
        self.assertEqual(list(self.listed(b)), ["Visit (A)"])
        self.assertEqual(b.cli_json("sync", "--conflicts")["conflicts"], [])
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(a)), ["Visit (A)"])
        p = b.cli("sync", "--restore", str(kept[0]["id"]), check=False)
        self.assertEqual(p.returncode, 66, p.stderr)
        self.assertIn("no kept version with id", p.stderr)

    def test_policy_newest_keeps_the_later_edit(self):
        a = self.machine("a", conflict="newest")
        b = self.machine("b", conflict="newest")
        a.cli("add", "Special Advisor's visit", "--at", "2025-02-03", "--calendar", self.calendar)
        self.sync(a)
        self.sync(b)
        # B edited later but A syncs last: the server's (B's) version is newer and wins on A.
        self.edit_both(a, b, "Visit (A, earlier)", "Visit (B, later)", pause=1.2)
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 1 conflicts")
        self.assertEqual(list(self.listed(a)), ["Visit (B, later)"])
        kept = a.cli_json("sync", "--conflicts")["conflicts"]
        self.assertEqual([(c["title"], c["lost"]) for c in kept], [("Visit (A, earlier)", "local")])
        # A edits later this time and B syncs first: A's local version is newer and wins.
        self.edit_both(b, a, "Visit (B, earlier)", "Visit (A, later)", pause=1.2)
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 1 conflicts")
        self.assertEqual(list(self.listed(a)), ["Visit (A, later)"])
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(b)), ["Visit (A, later)"])

    def test_imprecise_dates_come_back_identical(self):
        a, b = self.machine("a"), self.machine("b")
        a.cli("add", "10th Central Asia + Japan meeting", "--at", "2026-03",
              "--calendar", self.calendar)
        a.cli("add", "National Day at EXPO 2025", "--at", "2025-06-06", "--anniversary",
              "--calendar", self.calendar)
        self.sync(a)
        self.sync(b)
        fields = ("start", "precision", "rrule", "title", "calendar")
        self.assertEqual({t: [e[k] for k in fields] for t, e in self.listed(a).items()},
                         {t: [e[k] for k in fields] for t, e in self.listed(b).items()})
        self.assertEqual(len(self.listed(b)), 2)

    def test_server_down_queues_the_change_until_it_is_back(self):
        a, b = self.machine("a"), self.machine("b")
        self.sync(a)
        self.server.stop()
        a.cli("add", "Summit (offline add)", "--at", "2025-08-01", "--calendar", self.calendar)
        p = a.cli("sync", check=False)
        self.assertEqual(p.returncode, 69, p.stderr)
        self.assertIn(f"sync {self.calendar}:", p.stderr)
        st = a.cli_json("sync", "--status")["calendars"][0]
        self.assertEqual((st["pending"], st["name"]), (1, self.calendar))
        self.assertNotEqual(st["last_error"], "")
        self.server.start()
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(a.cli_json("sync", "--status")["calendars"][0]["pending"], 0)
        self.sync(b)
        self.assertEqual(list(self.listed(b)), ["Summit (offline add)"])

    def test_queued_change_survives_kill_9_and_is_pushed_once(self):
        a, b = self.machine("a"), self.machine("b")
        self.sync(a)
        self.server.stop()
        a.cli("add", "Cooperation programme review", "--at", "2025-09-15", "--calendar",
              self.calendar)
        a.kill()  # SIGKILL: the outbox row was committed with the event
        a.start()
        self.assertEqual(a.cli_json("sync", "--status")["calendars"][0]["pending"], 1)
        self.server.start()
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(b)), ["Cooperation programme review"])

    def test_background_runs_sync_at_start_and_push_a_change_within_seconds(self):
        a, b = self.machine("a", interval="1h"), self.machine("b")
        status = lambda: a.cli_json("sync", "--status")["calendars"][0]
        wait_for(lambda: status()["last_success"], timeout=20, what="the sync run at start")
        a.cli("add", "Pushed without asking", "--at", "2025-10-01", "--calendar", self.calendar)
        wait_for(lambda: status()["runs"] >= 2 and status()["pending"] == 0, timeout=20,
                 what="the change to be pushed in the background")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")

    def test_reload_adds_and_removes_calendars(self):
        a = Daemon(os.path.join(self.root, "a"))
        os.makedirs(a.root, exist_ok=True)
        self.daemons.append(a.start())
        p = a.cli("sync", check=False)
        self.assertEqual(p.returncode, 66, p.stderr)
        self.assertIn("no calendar is synced: add a [[caldav]] table", p.stderr)
        secret = os.path.join(a.root, "office.pass")
        with open(secret, "w") as f:
            f.write(PASSWORD)
        os.chmod(secret, 0o600)
        write_config(a, caldav_table(self.server, secret, self.calendar))
        a.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: a.cli("sync", check=False).returncode == 0, timeout=20,
                 what="the reloaded [[caldav]] table")
        write_config(a, "")
        a.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: a.cli("sync", check=False).returncode == 66, timeout=20,
                 what="the removed [[caldav]] table")

    def test_default_calendar_takes_new_events_unless_kept_local(self):
        a, b = self.machine("a"), self.machine("b")
        config = os.path.join(a.env["XDG_CONFIG_HOME"], "herald", "heraldd.toml")
        with open(config) as f:
            tables = f.read()
        write_config(a, f'[sync]\ndefault_calendar = "{self.calendar}"\n' + tables)
        a.restart()
        a.cli("add", "Goes to the server", "--at", "2025-04-01")
        a.cli("add", "Kept local (--local)", "--at", "2025-04-02", "--local")
        a.cli("add", "Kept local (--calendar '')", "--at", "2025-04-03", "--calendar", "")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(b)), ["Goes to the server"])
        local = a.cli_json("list", "--from", "2025-04-02", "--to", "2025-04-04")
        self.assertEqual([e.get("calendar", "") for e in local], ["", ""])
        # A default naming no [[caldav]] table is refused at start, naming the configured ones.
        write_config(a, '[sync]\ndefault_calendar = "nowhere"\n' + tables)
        a.stop()
        a.start(wait=False)
        self.assertEqual(a.proc.wait(timeout=20), 78)
        a.log.close()
        self.assertIn(f'sync.default_calendar: expected the name of a [[caldav]] table '
                      f'(configured: {self.calendar}), not "nowhere"', a.log_text())
        self.daemons.remove(a)

    def test_changed_url_sends_every_event_to_the_new_collection(self):
        a = self.machine("a")
        a.cli("add", "Moves with the calendar", "--at", "2025-07-01", "--calendar", self.calendar)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        old = a.cli_json("sync", "--status")["calendars"][0]["collection"]
        # Another server of the same kind (another collection URL) under the same name.
        self.server.stop()
        self.server = Server(self.kind, os.path.join(self.root, "server2"))
        self.server.start()
        secret = os.path.join(a.root, "office.pass")
        write_config(a, caldav_table(self.server, secret, self.calendar))
        a.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: a.cli_json("sync", "--status")["calendars"][0]["url"] == self.server.url,
                 timeout=20, what="the reloaded url")
        self.assertEqual(a.cli_json("sync", "--status")["calendars"][0]["pending"], 1)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertNotEqual(a.cli_json("sync", "--status")["calendars"][0]["collection"], old)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        b = self.machine("b")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(b)), ["Moves with the calendar"])
        self.assertEqual(list(self.listed(a)), ["Moves with the calendar"])

    @unittest.skipUnless(caldav, "python3-caldav is not installed (scripts/deps.sh)")
    def test_override_removed_on_the_server_is_removed_locally(self):
        a = self.machine("a")
        self.sync(a)
        cal = self.third_party(a)
        series = icalendar.Calendar.from_ical(SERIES)
        cal.save_event(series.to_ical().decode())
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(sorted(self.listed(a)),
                         ["Weekly briefing", "Weekly briefing (moved)", "Weekly briefing (online)"])
        # The third party drops one override: that instance is the series' own again.
        obj = cal.event_by_uid("weekly-briefing-1")
        doc = icalendar.Calendar.from_ical(obj.data)
        doc.subcomponents = [c for c in doc.subcomponents
                             if str(c.get("SUMMARY", "")) != "Weekly briefing (online)"]
        obj.data = doc.to_ical().decode()
        obj.save()
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(sorted(self.listed(a)), ["Weekly briefing", "Weekly briefing (moved)"])
        occurrences = a.cli_json("list", "--calendar", self.calendar, "--from", "2025-03-17",
                                 "--to", "2025-03-18")
        self.assertEqual([e["title"] for e in occurrences], ["Weekly briefing"])

    def reminder_soon(self, d, title, lead=20, rrule=""):
        """Adds to `d` an event whose first reminder is due `lead` seconds from now (a trigger
        in seconds before a start on a minute); returns (event, the first occurrence, due)."""
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        due = now + datetime.timedelta(seconds=lead)
        start = (due + datetime.timedelta(minutes=2)).replace(second=0)
        before = int((start - due).total_seconds())
        ev = d.connect().result("event.add", {"event": {
            "title": title, "start": start.strftime("%Y-%m-%dT%H:%M"), "tz": "UTC",
            "rrule": rrule, "calendar": self.calendar,
            "alarms": [{"trigger": f"-PT{before}S"}]}})["event"]
        return ev, start.strftime("%Y-%m-%dT%H:%M:%SZ"), due

    @staticmethod
    def fired(d, title):
        """The journal lines of `d` saying the reminder of `title` fired or was staged to fire at
        its due instant (alarm_fire.cpp)."""
        return [l for l in d.log_text().splitlines()
                if (" fired at " in l or " fires at " in l) and f'"{title}"' in l]

    def test_ack_on_a_is_not_fired_on_b(self):
        # RFC 9074: A dismisses the first reminder of a daily series ahead of time; A pushes
        # ACKNOWLEDGED on the VALARM; B, after its sync, does not fire that occurrence but keeps
        # the next one. A second event, not dismissed, shows B fires what it should.
        a, b = self.machine("a"), self.machine("b")
        series, occurrence, due = self.reminder_soon(a, "Daily press briefing", rrule="FREQ=DAILY")
        self.reminder_soon(a, "Courtesy call", lead=20)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 2 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 2 pulled, 0 pushed, 0 conflicts")
        a.connect().result("alarm.ack", {"event_id": series["id"], "occurrence": occurrence})
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        on_b = self.listed(b)
        self.assertTrue(on_b["Daily press briefing"]["alarms"][0].get("acknowledged"), on_b)
        c = b.connect()
        nxt = c.result("alarm.next", {"event_id": on_b["Daily press briefing"]["id"]})["alarms"]
        self.assertNotEqual(nxt[0]["occurrence"], occurrence, nxt)  # the next day's is next
        wait = (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.assertGreater(wait, 0, "the reminder fell due before the test could sync")
        wait_for(lambda: self.fired(b, "Courtesy call"), timeout=wait + 10,
                 what="B to fire the reminder nobody dismissed")
        time.sleep(1)
        self.assertEqual(self.fired(b, "Daily press briefing"), [],
                         "B fired the reminder A acknowledged")
        self.assertEqual(len(self.fired(a, "Courtesy call")), 1)

    def test_snooze_on_a_fires_on_b_at_the_snoozed_time(self):
        # RFC 9074: A snoozes a reminder that fired on both machines; A pushes ACKNOWLEDGED on the
        # VALARM and a snooze VALARM (UID, RELATED-TO;RELTYPE=SNOOZE: the snoozed one's UID)
        # triggering at the snoozed time. B, after its sync, fires at that time; A fires it
        # from its own ledger, once.
        a, b = self.machine("a"), self.machine("b")
        ev, occurrence, due = self.reminder_soon(a, "Courtesy call", lead=12)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        wait_for(lambda: self.fired(a, "Courtesy call") and self.fired(b, "Courtesy call"),
                 timeout=40, what="both machines to fire the reminder")
        until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + \
            datetime.timedelta(seconds=15)
        a.connect().result("alarm.snooze", {"event_id": ev["id"], "occurrence": occurrence,
                                             "until": until.strftime("%Y-%m-%dT%H:%M:%SZ")})
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        on_b = self.listed(b)["Courtesy call"]
        extra = on_b["ical_extra"]
        parent = [l[len("UID:"):] for l in extra.splitlines() if l.startswith("UID:")]
        self.assertIn(f"RELATED-TO;RELTYPE=SNOOZE:{parent[0]}", extra)
        self.assertIn(f"TRIGGER;VALUE=DATE-TIME:{until.strftime('%Y%m%dT%H%M%SZ')}", extra)
        self.assertTrue(on_b["alarms"][0].get("acknowledged"), on_b)
        # A's ledger fires its snooze ("fires again after a snooze"), B the snooze alarm.
        fired = lambda d: self.fired(d, "Courtesy call") + [
            l for l in d.log_text().splitlines()
            if " fires again after a snooze at " in l and '"Courtesy call"' in l]
        wait_for(lambda: len(fired(b)) >= 2, timeout=40, what="B to fire the snoozed reminder")
        wait_for(lambda: len(fired(a)) >= 2, timeout=10, what="A to fire the snoozed reminder")
        time.sleep(1.5)
        on_time = [(until + datetime.timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%S")
                   for k in (0, 1)]
        for d in (a, b):
            self.assertTrue(any(t in fired(d)[1] for t in on_time), (until, fired(d)))
        self.assertEqual(len(fired(a)), 2, fired(a))
        self.assertEqual(len(fired(b)), 2, fired(b))
        # A's snooze alarm is its own ledger's snooze: nothing fires again after a later sync.
        self.sync(a)
        self.assertEqual(a.connect().result("alarm.next", {"event_id": ev["id"]})["alarms"], [])

    def test_subscribers_hear_of_pulled_changes(self):
        a, b = self.machine("a"), self.machine("b")
        watcher = b.connect()
        watcher.result("subscribe", {"topics": ["changes"]})

        def heard():
            p = watcher.read(timeout=10)["params"]
            return p["kind"], (p["event"] or {}).get("title", p.get("title"))

        a.cli("add", "Embassy reception", "--at", "2025-11-03 18:00", "--calendar", self.calendar)
        self.sync(a)
        self.sync(b)
        self.assertEqual(heard(), ("added", "Embassy reception"))
        a.cli("edit", str(self.listed(a)["Embassy reception"]["id"]), "--title", "Reception")
        self.sync(a)
        self.sync(b)
        self.assertEqual(heard(), ("updated", "Reception"))
        a.cli("rm", str(self.listed(a)["Reception"]["id"]))
        self.sync(a)
        self.sync(b)
        self.assertEqual(heard(), ("removed", "Reception"))

    def test_incremental_run_reads_only_the_changed_items(self):
        # Issue 15: an incremental sync costs O(changes). With sync-collection the server names
        # the changes, and heraldd reads the etags it holds for those hrefs only: `items_read`
        # counts the rows of caldav_items a run read (a full listing reads them all).
        a, b = self.machine("a"), self.machine("b")
        c = a.connect()
        for k in range(12):
            c.result("event.add", {"event": {"title": f"Consultation {k}", "tz": "UTC",
                                             "start": f"2025-03-{k + 1:02d}T10:00",
                                             "calendar": self.calendar}})
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 12 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 12 pulled, 0 pushed, 0 conflicts")
        last = lambda d: d.cli_json("sync", "--status")["calendars"][0]["last"]
        self.assertEqual(last(b)["items_read"], 0)  # the first run held nothing yet
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(last(b)["items_read"], 0)
        a.cli("edit", str(self.listed(a)["Consultation 5"]["id"]), "--title", "Consultation 5b")
        self.sync(a)
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(last(b)["items_read"], 1)
        self.assertIn("Consultation 5b", self.listed(b))

    def test_token_the_server_forgot_falls_back_to_a_full_listing(self):
        # RFC 6578 §3.2: a server may forget a sync token (Radicale drops old ones, a restored
        # backup has none of them) and refuses it with valid-sync-token. The run then lists the
        # collection's etags: what changed meanwhile is pulled, what the listing lacks is removed
        # locally, and what is unchanged is neither fetched again nor doubled.
        a, b = self.machine("a"), self.machine("b")
        for title in ("Senior officials' meeting", "Working lunch", "Press conference"):
            a.cli("add", title, "--at", "2025-06-10 10:00", "--calendar", self.calendar)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 3 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 3 pulled, 0 pushed, 0 conflicts")
        on_a = self.listed(a)
        a.cli("rm", str(on_a["Working lunch"]["id"]))
        a.cli("edit", str(on_a["Press conference"]["id"]), "--title", "Joint press conference")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 2 pushed, 0 conflicts")
        b.stop()
        with sqlite3.connect(b.db) as db:
            (token,) = db.execute("SELECT sync_token FROM caldav_calendars").fetchone()
            self.assertTrue(token, "B's first run recorded no sync token")
            # A token of the server's own form that it never gave (its last characters changed).
            forgotten = token[:-6] + ("000000" if not token.endswith("000000") else "111111")
            db.execute("UPDATE caldav_calendars SET sync_token = ?", (forgotten,))
        db.close()
        b.start()
        self.assertEqual(self.sync(b), f"{self.calendar}: 2 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(sorted(self.listed(b)), ["Joint press conference",
                                                  "Senior officials' meeting"])
        last = b.cli_json("sync", "--status")["calendars"][0]["last"]
        self.assertEqual(last["items_read"], 3)  # a full listing reads every href B held
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        a.cli("add", "Closing dinner", "--at", "2025-06-10 19:00", "--calendar", self.calendar)
        self.sync(a)
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(sorted(self.listed(b)), sorted(self.listed(a)))
        self.assertEqual(len(b.cli_json("list", "--from", "2025-06-10", "--to", "2025-06-11")), 3)

    def test_ack_of_a_local_event_is_not_pushed(self):
        # Only events of a synced calendar travel: dismissing the reminder of a local event
        # changes nothing on the server.
        a, b = self.machine("a"), self.machine("b")
        self.reminder_soon(a, "Shared briefing", lead=60)
        now = datetime.datetime.now(datetime.timezone.utc)
        start = (now + datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
        local = a.connect().result("event.add", {"event": {
            "title": "Private note", "start": start, "tz": "UTC",
            "alarms": [{"trigger": "-PT5M"}]}})["event"]
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        nxt = a.connect().result("alarm.next", {"event_id": local["id"]})["alarms"]
        a.connect().result("alarm.ack", {"event_id": local["id"],
                                         "occurrence": nxt[0]["occurrence"]})
        self.assertEqual(a.cli_json("sync", "--status")["calendars"][0]["pending"], 0)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        everything = b.cli_json("list", "--from", "2020-01-01", "--to", "2030-12-31")
        self.assertEqual([e["title"] for e in everything], ["Shared briefing"])
        # The ack holds on A: the dismissed occurrence is no longer next.
        after = a.connect().result("alarm.next", {"event_id": local["id"]})["alarms"]
        self.assertNotEqual([x["occurrence"] for x in after], [nxt[0]["occurrence"]])

    def test_url_changed_while_stopped_sends_every_event_once(self):
        # The url is compared with the one the sync state was built from, kept in the database:
        # a change made in heraldd.toml while heraldd was stopped is another collection too.
        # Every event is queued; the job is exported in slices (a loop turn each) and the new
        # collection gets each event once.
        a = self.machine("a")
        c = a.connect()
        events = 150
        for k in range(events):
            c.result("event.add", {"event": {"title": f"Protocol visit {k:03d}", "tz": "UTC",
                                             "start": f"2025-{k % 12 + 1:02d}-{k % 28 + 1:02d}"
                                                      f"T{k % 10 + 8:02d}:00",
                                             "calendar": self.calendar}})
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, {events} pushed, 0 conflicts")
        a.stop()
        self.server.stop()
        self.server = Server(self.kind, os.path.join(self.root, "server2"))
        self.server.start()
        write_config(a, caldav_table(self.server, os.path.join(a.root, "office.pass"),
                                     self.calendar))
        a.start()
        self.assertEqual(a.cli_json("sync", "--status")["calendars"][0]["pending"], events)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, {events} pushed, 0 conflicts")
        slices = [l for l in a.log_text().splitlines() if "local changes read in" in l]
        self.assertTrue(slices, "the job of 150 events was built in one loop turn")
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 0 pushed, 0 conflicts")
        b = self.machine("b")
        self.assertEqual(self.sync(b), f"{self.calendar}: {events} pulled, 0 pushed, 0 conflicts")
        self.assertEqual(sorted(self.listed(b)), sorted(self.listed(a)))

    def test_unknown_calendar_is_refused(self):
        a = self.machine("a")
        p = a.cli("add", "X", "--at", "2025-01-01", "--calendar", "nope", check=False)
        self.assertEqual(p.returncode, 65, p.stderr)
        self.assertIn('no calendar named "nope"', p.stderr)
        self.assertIn(f"configured: {self.calendar}", p.stderr)
        p = a.cli("sync", "nope", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('no calendar named "nope"', p.stderr)


@unittest.skipUnless(RADICALE, "radicale is not installed (scripts/deps.sh)")
class RadicaleSync(SyncCase, unittest.TestCase):
    kind = "radicale"

    def test_wrong_password_exits_77_without_showing_it(self):
        a = self.machine("a", password="not-the-password")
        p = a.cli("sync", check=False)
        self.assertEqual(p.returncode, 77, p.stderr)
        self.assertIn("401", p.stderr)
        self.assertIn("password_file", p.stderr)
        status = a.cli("--json", "sync", "--status").stdout
        self.assertEqual(json.loads(status)["calendars"][0]["last_error_code"], "denied")
        for text in (p.stderr, p.stdout, status, a.log_text()):
            self.assertNotIn("not-the-password", text)

    def test_readme_recipe_without_login_creates_the_collection_and_its_parent(self):
        # README "Sharing a calendar": Radicale with --auth-type none answers MKCALENDAR with 409
        # until the parent collection exists.
        self.server.stop()
        self.server = Server("radicale-open", os.path.join(self.root, "open"))
        self.server.start()
        a = Daemon(os.path.join(self.root, "a"))
        os.makedirs(a.root, exist_ok=True)
        write_config(a, f'[[caldav]]\nname = "office"\nurl = "{self.server.url}"\ncreate = true\n')
        self.daemons.append(a.start())
        a.cli("add", "EXPO 2025 National Day", "--at", "2025-06-06", "--calendar", "office")
        self.assertEqual(self.sync(a), "office: 0 pulled, 1 pushed, 0 conflicts")
        files = os.listdir(os.path.join(self.server.root, "collections", "collection-root",
                                        "me", "office"))
        self.assertEqual(len([f for f in files if f.endswith(".ics")]), 1)
        # The second machine of the recipe joins the collection the first one made: Radicale
        # answers its anonymous request for current-user-principal with 401.
        b = Daemon(os.path.join(self.root, "b"))
        os.makedirs(b.root, exist_ok=True)
        write_config(b, f'[[caldav]]\nname = "office"\nurl = "{self.server.url}"\ncreate = true\n')
        self.daemons.append(b.start())
        self.sync(b)  # the run at start (interval 5m) may have pulled it already
        self.assertEqual(list(self.listed(b)), ["EXPO 2025 National Day"])

    def test_a_server_url_is_discovered_through_its_well_known_url(self):
        # RFC 6764: given only the server's URL, whose root is a web page, Herald follows
        # /.well-known/caldav's redirect to the DAV context (/dav/), then current-user-principal
        # and calendar-home-set to the calendar named like the table.
        proxy = PrefixProxy(self.server.port, "/dav")
        self.addCleanup(proxy.stop)
        a = self.machine("a")
        a.cli("add", "Central Asia + Japan senior officials", "--at", "2025-09-01 10:00",
              "--calendar", self.calendar)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        b = self.machine("b", url=proxy.url)
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        st = b.cli_json("sync", "--status")["calendars"][0]
        self.assertEqual(st["collection"], proxy.url + "dav/alice/office/")
        self.assertIn(("PROPFIND", "/.well-known/caldav"), proxy.requests)
        b.cli("edit", str(self.listed(b)["Central Asia + Japan senior officials"]["id"]),
              "--title", "Senior officials' meeting")
        self.assertEqual(self.sync(b), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        self.assertEqual(self.sync(a), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        self.assertEqual(list(self.listed(a)), ["Senior officials' meeting"])

    def test_a_server_without_a_well_known_url_is_asked_at_its_root(self):
        # RFC 6764's well-known URL is optional for a server: one that answers it 404 and serves
        # DAV at its root is discovered from the root, as before the well-known step existed.
        proxy = PrefixProxy(self.server.port, "", well_known=False)
        self.addCleanup(proxy.stop)
        a = self.machine("a")
        a.cli("add", "Foreign ministers' meeting", "--at", "2025-12-24 14:40",
              "--calendar", self.calendar)
        self.assertEqual(self.sync(a), f"{self.calendar}: 0 pulled, 1 pushed, 0 conflicts")
        b = self.machine("b", url=proxy.url)
        self.assertEqual(self.sync(b), f"{self.calendar}: 1 pulled, 0 pushed, 0 conflicts")
        st = b.cli_json("sync", "--status")["calendars"][0]
        self.assertEqual(st["collection"], proxy.url + "alice/office/")
        self.assertIn(("PROPFIND", "/.well-known/caldav"), proxy.requests)

    def test_password_file_readable_by_others_is_refused_at_start(self):
        d = Daemon(os.path.join(self.root, "loose"))
        os.makedirs(d.root, exist_ok=True)
        secret = os.path.join(d.root, "office.pass")
        with open(secret, "w") as f:
            f.write(PASSWORD)
        os.chmod(secret, 0o644)
        write_config(d, caldav_table(self.server, secret, "office"))
        d.start(wait=False)
        self.assertEqual(d.proc.wait(timeout=20), 78)
        d.log.close()
        self.assertIn("chmod 600", d.log_text())
        self.assertNotIn(PASSWORD, d.log_text())


@unittest.skipUnless(XANDIKOS, "xandikos is not installed (scripts/deps.sh)")
class XandikosSync(SyncCase, unittest.TestCase):
    kind = "xandikos"
    calendar = "calendar"  # the collection `xandikos --defaults` makes, found by discovery


class StoppingDuringSync(unittest.TestCase):
    """heraldd stops promptly while its worker waits on a server that stopped answering."""

    def test_sigterm_during_a_stalled_exchange_stops_within_seconds(self):
        root = tempfile.mkdtemp(prefix="herald-caldav-")
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        held = []
        # Accepts and never answers: libcurl would wait for its whole 60 s timeout.
        accept = threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True)
        accept.start()
        d = Daemon(os.path.join(root, "a"))
        try:
            os.makedirs(d.root, exist_ok=True)
            write_config(d, f'[[caldav]]\nname = "office"\n'
                            f'url = "http://127.0.0.1:{listener.getsockname()[1]}/cal/"\n'
                            'interval = "0s"\n')
            d.start()
            d.connect().result("calendar.sync")
            wait_for(lambda: held, what="heraldd to connect to the stalled server")
            started = time.monotonic()
            self.assertEqual(d.stop(timeout=10), 0)
            self.assertLess(time.monotonic() - started, 5)
        finally:
            finish_daemon(self, d, root)
            for c in held:
                c.close()
            listener.close()


class SilentServer(unittest.TestCase):
    """A server that accepts connections and never answers, with the stall bound shortened
    through HERALD_CALDAV_STALL_SECONDS (heraldd(8): for tests)."""

    STALL = 4

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-caldav-")
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.held = []

        def accept():
            try:
                while True:
                    self.held.append(self.listener.accept()[0])
            except OSError:
                pass

        threading.Thread(target=accept, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/cal/"
        self.d = Daemon(os.path.join(self.root, "a"),
                        env={"HERALD_CALDAV_STALL_SECONDS": str(self.STALL)})
        os.makedirs(self.d.root, exist_ok=True)
        write_config(self.d, f'[[caldav]]\nname = "office"\nurl = "{self.url}"\n'
                             'interval = "0s"\n')
        self.d.start()

    def tearDown(self):
        finish_daemon(self, self.d, self.root)
        self.listener.close()
        for c in self.held:
            c.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def status(self):
        return self.d.cli_json("sync", "--status")["calendars"][0]

    def test_silent_server_ends_the_run_with_a_clear_error_while_reminders_fire(self):
        watcher = Watcher(self.d.connect())
        watcher.client.result("subscribe", {"topics": ["reminders"]})
        watcher.start()
        due = int(time.time()) + 2  # within the silent exchange, which lasts STALL s
        at = datetime.datetime.fromtimestamp(due, datetime.timezone.utc)
        self.d.connect().result("event.add", {"event": {
            "title": "Due while the server is silent", "tz": "UTC",
            "start": (at + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
            "alarms": [{"at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}]}})
        started = time.monotonic()
        p = self.d.cli("sync", check=False, timeout=30)
        took, ended = time.monotonic() - started, time.time()
        self.assertEqual(p.returncode, 69, p.stderr)
        self.assertIn(f"nothing received from the server for {self.STALL} s, the stall bound",
                      p.stderr)
        self.assertGreaterEqual(took, self.STALL - 0.5)
        self.assertLess(took, self.STALL + 10)
        self.assertTrue(self.held, "heraldd never connected")
        st = self.status()
        self.assertEqual(st["last_error_code"], "unavailable")
        self.assertIn("the stall bound", st["last_error"])
        # The reminder fell due during the silent exchange and came on time.
        watcher.stop.set()
        watcher.join(10)
        self.assertIsNone(watcher.error)
        self.assertEqual(len(watcher.got), 1, watcher.got)
        arrived = watcher.got[0][0]
        self.assertLess(arrived, ended, "the reminder came after the run")
        self.assertLess(arrived - due, 1.0)

    def test_run_abandoned_by_a_reload_is_recorded(self):
        # The run waits on the silent server; a reload gives the calendar another url meanwhile.
        runs = self.d.connect().result("calendar.sync")["calendars"][0]["run"]
        wait_for(lambda: self.held, what="heraldd to connect to the silent server")
        write_config(self.d, f'[[caldav]]\nname = "office"\nurl = "{self.url}other/"\n'
                             'interval = "0s"\n')
        self.d.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.status()["runs"] >= runs, timeout=self.STALL + 20,
                 what="the run to end")
        st = self.status()
        self.assertTrue(st["last_error"].startswith("abandoned by a reload"), st)
        self.assertEqual(st["last_error_code"], "reload")
        self.assertEqual(st["last"]["ok"], False)
        self.assertTrue(st["last"]["error"].startswith("abandoned by a reload"), st)


if __name__ == "__main__":
    unittest.main()
