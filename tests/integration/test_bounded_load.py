"""Bounded work on the one thread (issue 14, items 7 and 8): long listings arrive whole in pages,
a window over the occurrence cap is refused with what to narrow, a reply too long for the queue is
an error rather than a dropped connection, and a hostile client pipelining huge agendas holds
neither another client's requests nor the reminders, nor any work once it is gone.

The hostile-load figures (p99 of the ordinary client's requests, reminder lateness) are printed;
HERALD_LOAD_SECONDS sets how long the load runs (default 8 s)."""
import datetime
import json
import os
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import unittest

from harness import Daemon, DaemonTestCase, RawClient, finish_daemon
from test_load import Watcher, epoch, iso

LOAD_SECONDS = float(os.environ.get("HERALD_LOAD_SECONDS", "8"))
UTC = {"TZ": "UTC"}


def weekly_count(start, begin, end):
    """Weekly instances of `start` in [begin, end): the oracle, by plain date arithmetic."""
    n, t = 0, start
    while t < end:
        if t >= begin:
            n += 1
        t += datetime.timedelta(weeks=1)
    return n


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class PagedListings(DaemonTestCase):
    """Item 8: listings within the cap arrive whole, beyond it a clear error."""

    def add(self, c, title, start, rule):
        c.result("event.add", {"event": {"title": title, "start": start, "tz": "UTC", "rrule": rule,
                                         "location": "Room " + "x" * 60}})

    def test_century_of_three_weekly_events_is_listed_whole(self):
        c = self.d.connect()
        starts = ["2026-01-05T09:00", "2026-01-06T12:30", "2026-01-07T18:15"]
        for k, s in enumerate(starts):
            self.add(c, f"Weekly {k}", s, "FREQ=WEEKLY")
        begin = datetime.datetime(2026, 1, 1)
        end = begin + datetime.timedelta(days=36600)
        expected = sum(weekly_count(datetime.datetime.fromisoformat(s), begin, end) for s in starts)
        self.assertGreater(expected, 15000)
        p = self.d.cli("list", "--from", "2026-01-01", "--days", "36600", env=UTC, timeout=300)
        rows = [l for l in p.stdout.splitlines() if "Weekly " in l]
        self.assertEqual(len(rows), expected, p.stderr)
        self.assertNotIn("more not shown", p.stdout)
        listed = self.d.cli_json("list", "--from", "2026-01-01", "--days", "36600", env=UTC, timeout=300)
        dated = [(o["id"], o["occurrence_start"]) for o in listed if o["section"] == "dated"]
        self.assertEqual(len(dated), expected)
        self.assertEqual(len(set(dated)), expected, "an occurrence listed twice across pages")
        self.assertEqual(dated, sorted(dated, key=lambda x: (x[1], x[0])), "pages out of order")

    def test_window_over_the_cap_is_refused_with_what_to_narrow(self):
        c = self.d.connect()
        for k in range(3):
            self.add(c, f"Daily {k}", f"2026-01-01T0{k}:00", "FREQ=DAILY")
        p = self.d.cli("list", "--from", "2026-01-01", "--days", "36600", check=False, env=UTC, timeout=300)
        self.assertEqual(p.returncode, 65, p.stdout + p.stderr)  # data error, not "daemon not running"
        self.assertIn("more than 100000 occurrences", p.stderr)
        self.assertIn("narrow", p.stderr)
        self.assertEqual(p.stdout, "", "nothing printed of a refused listing")

    def test_a_reply_too_long_for_the_queue_is_an_error_not_a_drop(self):
        c = self.d.connect(timeout=60)
        for k in range(100):  # 6 MB of descriptions, over the 4 MiB queue limit
            c.result("event.add", {"event": {"title": f"Report {k}", "start": "2030-05-01",
                                             "description": "findings " * 6600}})
        reply = c.call("event.search", {"query": "findings", "limit": 10000})
        self.assertEqual(reply["error"]["data"]["kind"], "too_large", str(reply)[:300])
        self.assertIn("ask for less", reply["error"]["message"])
        self.assertEqual(c.result("hello")["server"], "heraldd")


class WorkCutPages(DaemonTestCase):
    """Item 7: pages cut by the daemon's work budget (4 ms) rather than by occurrences or bytes
    join into exactly the listing the oracle expects, each occurrence once, in order."""

    def test_dense_month_listed_in_pages_equals_the_oracle(self):
        c = self.d.connect(timeout=60)
        starts = {}
        for k in range(40):  # 40 daily events with long descriptions: costly rows to read
            start = datetime.datetime(2026, 3, 1, k % 24, k)
            ev = c.result("event.add", {"event": {"title": f"Standup {k}", "start": start.strftime("%Y-%m-%dT%H:%M"),
                                                  "tz": "UTC", "rrule": "FREQ=DAILY",
                                                  "description": "notes " * 800}})["event"]
            starts[ev["id"]] = start
        begin, end = datetime.datetime(2026, 3, 1), datetime.datetime(2026, 3, 31)
        expected = sorted((start + datetime.timedelta(days=d), i) for i, start in starts.items()
                          for d in range(31) if begin <= start + datetime.timedelta(days=d) < end)
        params = {"from": "2026-03-01", "to": "2026-03-31", "tz": "UTC", "brief": True}
        seen, sizes = [], []
        while True:
            result = c.result("agenda", params)
            sizes.append(len(result["occurrences"]))
            seen += [(datetime.datetime.strptime(o["occurrence_start"], "%Y-%m-%dT%H:%M:%SZ"), o["id"])
                     for o in result["occurrences"]]
            if "next_cursor" not in result:
                self.assertEqual(result["total"], len(expected))
                break
            params["cursor"] = result["next_cursor"]
        print(f"\n{len(expected)} occurrences in {len(sizes)} pages of {sizes}")
        self.assertEqual(seen, expected)
        cli = [l for l in self.d.cli("list", "--from", "2026-03-01", "--days", "30", env=UTC).stdout.splitlines()
               if "Standup" in l]
        self.assertEqual(len(cli), len(expected))


class SmallQueuePages(DaemonTestCase):
    """Pages follow the client's queue limit: each reply stays under half of it."""

    daemon_args = ("--max-queue", "65536")

    def test_pages_fit_the_queue_and_join_up(self):
        c = self.d.connect()
        for k in range(40):
            c.result("event.add", {"event": {"title": f"Standup {k}", "start": f"2026-03-01T{k % 24:02d}:{k % 60:02d}",
                                             "tz": "UTC", "rrule": "FREQ=DAILY"}})
        params = {"from": "2026-03-01", "to": "2026-03-31", "tz": "UTC", "brief": True}
        seen, pages = [], 0
        c.request("agenda", params)
        while True:
            while b"\n" not in c.buf:
                data = c.sock.recv(65536)
                if not data:
                    raise ConnectionError("heraldd closed the connection mid-listing")
                c.buf += data
            line, c.buf = c.buf.split(b"\n", 1)
            self.assertLessEqual(len(line), 32768, "a page longer than half the queue limit")
            result = json.loads(line)["result"]
            pages += 1
            seen += [(o["id"], o["occurrence_start"]) for o in result["occurrences"]]
            if "next_cursor" not in result:
                self.assertFalse(result["truncated"])
                self.assertEqual(result["total"], len(seen))
                break
            self.assertTrue(result["truncated"])
            c.request("agenda", {**params, "cursor": result["next_cursor"]})
        self.assertEqual(len(seen), 40 * 30)
        self.assertEqual(len(set(seen)), 40 * 30)
        self.assertGreater(pages, 3)
        rows = [l for l in self.d.cli("list", "--from", "2026-03-01", "--days", "30", env=UTC).stdout.splitlines()
                if "Standup" in l]
        self.assertEqual(len(rows), 40 * 30)


class CrowdedInstantPages(DaemonTestCase):
    """Item 7: a day crowded with events at one instant (all-day ones, timed ones) is listed in
    pages whose slices are cut inside that instant (a slice reads at most a page of rows from
    where the listing stands); in every viewer zone the pages join into the listing the oracle
    expects, each occurrence once, in (start, id) order."""

    def test_pages_cut_inside_one_instant_equal_the_oracle(self):
        from zoneinfo import ZoneInfo
        n = 450
        parts = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//herald tests//crowd//EN\r\n"]
        for k in range(n):
            parts.append(f"BEGIN:VEVENT\r\nUID:day-{k}@test\r\nDTSTAMP:20250101T000000Z\r\n"
                         f"DTSTART;VALUE=DATE:20260304\r\nSUMMARY:Day {k}\r\nEND:VEVENT\r\n"
                         f"BEGIN:VEVENT\r\nUID:nine-{k}@test\r\nDTSTAMP:20250101T000000Z\r\n"
                         f"DTSTART:20260304T090000Z\r\nSUMMARY:Nine {k}\r\nEND:VEVENT\r\n")
        parts.append("END:VCALENDAR\r\n")
        path = os.path.join(self.root, "crowd.ics")
        with open(path, "w") as f:
            f.write("".join(parts))
        self.assertIn(f"{2 * n} added", self.d.cli("import", path, timeout=300).stdout)
        c = self.d.connect(timeout=60)
        c.result("event.add", {"event": {"title": "March", "start": "2026-03"}})  # imprecise
        for zone in ("UTC", "Asia/Tokyo", "America/New_York"):
            tz = ZoneInfo(zone)
            utc = datetime.timezone.utc
            day = datetime.datetime(2026, 3, 4, tzinfo=tz).astimezone(utc).replace(tzinfo=None)
            expected = sorted([(day, f"Day {k}") for k in range(n)] +
                              [(datetime.datetime(2026, 3, 4, 9), f"Nine {k}") for k in range(n)])
            params = {"from": "2026-03-01", "to": "2026-03-08", "tz": zone, "brief": True}
            seen, pages, imprecise = [], 0, []
            while True:
                result = c.result("agenda", params)
                pages += 1
                imprecise += [e["title"] for e in result["imprecise"]]
                seen += [(datetime.datetime.strptime(o["occurrence_start"], "%Y-%m-%dT%H:%M:%SZ"), o["id"],
                          o["title"]) for o in result["occurrences"]]
                if "next_cursor" not in result:
                    self.assertEqual(result["total"], 2 * n, zone)
                    break
                params["cursor"] = result["next_cursor"]
            self.assertEqual([s[:2] for s in seen], sorted(s[:2] for s in seen), zone)
            self.assertEqual(sorted((s[0], s[2]) for s in seen), expected, zone)
            self.assertGreaterEqual(pages, 5, zone)
            self.assertEqual(imprecise, ["March"], zone)  # once, over all the pages


class ImportBuffers(DaemonTestCase):
    """Item 9: one budget for buffered import chunks per uid over all its connections."""

    daemon_args = ("--max-import", str(8 << 20))

    def test_chunks_over_all_connections_share_one_budget(self):
        chunk = "X" * (512 << 10)
        conns = [self.d.connect(timeout=60) for _ in range(4)]
        received = []
        refused = None
        for i in range(14):  # 4 connections x 7 MiB, each under --max-import on its own
            for k, c in enumerate(conns):
                reply = c.call("calendar.import", {"chunk": chunk})
                if "error" in reply:
                    refused = (k, i, reply["error"])
                    break
                received.append(reply["result"]["received"])
            if refused:
                break
        self.assertIsNotNone(refused, "28 MiB of chunks buffered for one uid under an 8 MiB budget")
        self.assertEqual(refused[2]["data"]["kind"], "too_large")
        self.assertIn("all connections", refused[2]["message"])
        self.assertLessEqual(len(received), 16)
        # The budget freed (the refused connection's chunks were discarded, the others close),
        # an import fits again.
        for c in conns:
            c.close()
        self.d.clients.clear()
        c = self.d.connect(timeout=60)
        self.assertEqual(c.result("calendar.import", {"chunk": chunk})["received"], 512 << 10)


class ExternalLock(DaemonTestCase):
    """Item 10: a write waiting on another process's lock must not stall the loop."""

    def test_locked_database_answers_busy_and_others_are_served(self):
        c = self.d.connect(timeout=30)
        c.result("event.add", {"event": {"title": "Before the lock", "start": "2030-05-01"}})
        holder = sqlite3.connect(self.d.db, timeout=0, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            writer = self.d.connect(timeout=30)
            t0 = time.monotonic()
            writer.request("event.add", {"event": {"title": "While locked", "start": "2030-05-02"}})
            other = self.d.connect(timeout=30)
            t1 = time.monotonic()
            self.assertIn("events", other.result("status"))
            status_wait = time.monotonic() - t1
            reply = writer.read()
            add_wait = time.monotonic() - t0
            print(f"\nexternal lock: busy answer after {add_wait * 1000:.0f} ms, "
                  f"another client's status {status_wait * 1000:.0f} ms")
            self.assertEqual(reply["error"]["data"]["kind"], "busy", reply)
            self.assertLess(add_wait, 1.0)
            self.assertLess(status_wait, 1.0)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        # The lock gone, the same write succeeds.
        self.assertEqual(c.result("event.add", {"event": {"title": "While locked", "start": "2030-05-02"}})
                         ["event"]["title"], "While locked")


class ReaderSlice(DaemonTestCase):
    """A client pipelining cheap requests yields the thread every 5 ms (kReaderSlice), not once per
    64 KiB read: another client's request waits a slice, not a read's worth of the pipeline."""

    def test_pipelined_cheap_requests_leave_room_for_another_client(self):
        setup = self.d.connect(timeout=60)
        ev = setup.result("event.add", {"event": {"title": "Looked up", "start": "2030-05-01"}})["event"]
        line = (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "event.get", "params": {"id": ev["id"]}})
                + "\n").encode()
        per_read = 64 * 1024 // len(line)  # requests in one read of the session's 64 KiB buffer
        count = per_read * 20
        piper = RawClient(self.d.socket, timeout=60)
        got, done = [0], threading.Event()

        def drain():
            buf = b""
            while got[0] < count:
                data = piper.sock.recv(1 << 20)
                if not data:
                    break
                buf += data
                got[0] += buf.count(b"\n")
                buf = buf[buf.rfind(b"\n") + 1:]
            done.set()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        probe = self.d.connect(timeout=60)
        t0 = time.monotonic()
        sender = threading.Thread(target=lambda: piper.sock.sendall(line * count), daemon=True)
        sender.start()
        waits = []
        while not done.is_set() and got[0] < count * 0.8:
            t = time.monotonic()
            probe.result("hello")
            waits.append(time.monotonic() - t)
            time.sleep(0.02)
        self.assertTrue(done.wait(120), "the pipelined replies did not all arrive")
        per_read_seconds = (time.monotonic() - t0) * per_read / count
        median = statistics.median(waits[1:] or waits)
        print(f"\n{count} pipelined event.get: {per_read_seconds * 1000:.1f} ms of work per 64 KiB read; "
              f"another client's hello waited {median * 1000:.1f} ms (median of {len(waits)}), "
              f"max {max(waits) * 1000:.1f} ms")
        self.assertGreaterEqual(len(waits), 5, "the pipeline finished too fast to probe")
        # A slice is 5 ms; without slices a probe arriving mid-read waits for the rest of the read
        # (planted 5 s slices: a probe waited 1.9 s against 0.55 s of work per read, here 0.05-0.1 s).
        self.assertLess(max(waits), per_read_seconds / 2)


def hostile_pipeline(daemon, stop, count, holder=None, pause=0.01):
    """Pipelines `count` agenda requests over the whole calendar, reading the replies slowly (a
    `pause` between reads) or, with no pause, as fast as they come."""
    h = RawClient(daemon.socket, timeout=60)
    if holder is not None:
        holder.append(h)
    line = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "agenda",
                       "params": {"from": "0001-01-01", "to": "9999-12-31", "tz": "UTC"}}) + "\n"
    h.sock.sendall(line.encode() * count)
    while not stop.is_set():
        try:
            h.sock.recv(4096 if pause else 1 << 20)
        except socket.timeout:
            pass
        if pause:
            time.sleep(pause)
    return h


def hostile_setup(daemon):
    """A daily event since year 1 (what the hostile agendas list) and a reminders watcher:
    (setup client, started Watcher)."""
    setup = daemon.connect(timeout=60)
    setup.result("event.add", {"event": {"title": "Every day since year 1", "start": "0001-01-01T09:00",
                                         "tz": "UTC", "rrule": "FREQ=DAILY", "description": "d" * 2000}})
    watcher = Watcher(daemon.connect(timeout=60))
    watcher.client.result("subscribe", {"topics": ["reminders"]})
    watcher.start()
    return setup, watcher


class HostileClient(DaemonTestCase):
    """Item 7: one client pipelining agendas over 0001-9999 holds nobody else, nor any work once gone."""

    def hostile(self, stop, count):
        return hostile_pipeline(self.d, stop, count)

    def test_ordinary_client_and_reminders_stay_on_time(self):
        setup, watcher = hostile_setup(self.d)
        first = int(time.time()) + 3
        dues = {}
        for k in range(int(LOAD_SECONDS)):
            due = first + k
            ev = setup.result("event.add", {"event": {"title": f"due {k}", "start": iso(due + 3600),
                                                      "alarms": [{"at": iso(due)}]}})["event"]
            dues[ev["id"]] = due
        stop = threading.Event()
        holder = {}
        t = threading.Thread(target=lambda: holder.update(h=self.hostile(stop, 900)), daemon=True)
        t.start()
        time.sleep(0.5)
        ordinary = self.d.connect(timeout=30)
        latencies = []
        end = first + LOAD_SECONDS + 0.5
        while time.time() < end:
            t0 = time.monotonic()
            self.assertIn("events", ordinary.result("status"))
            latencies.append(time.monotonic() - t0)
            time.sleep(0.01)
        stop.set()
        t.join(10)
        watcher.stop.set()
        watcher.join(10)
        late = sorted(arrived - dues[p["event_id"]] for arrived, p in watcher.got if p["event_id"] in dues)
        print(f"\nhostile pipeline of 900 agendas over 0001-9999: ordinary status p99 "
              f"{p99(latencies) * 1000:.1f} ms (median {statistics.median(latencies) * 1000:.1f} ms, "
              f"{len(latencies)} requests); reminders {len(late)}/{len(dues)}, lateness p99 "
              f"{p99(late) * 1000:.1f} ms, max {max(late) * 1000:.1f} ms")
        self.assertEqual(len(late), len(dues), "reminders missing under the hostile load")
        # The bounds are the issue's, in the build users run; under ASan+UBSan (the sanitizer pass
        # of scripts/test.sh sets ASAN_OPTIONS) every page costs several times more, so that pass
        # checks the same behaviour with bounds scaled by 10.
        scale = 10 if "ASAN_OPTIONS" in os.environ else 1
        self.assertLess(p99(latencies), 0.100 * scale)
        self.assertLess(p99(late), 0.050 * scale)
        self.assertGreaterEqual(late[0], 0.0)
        # Once the hostile client is gone, its remaining requests cost nothing.
        holder["h"].close()
        time.sleep(0.5)
        before = cpu_seconds(self.d.proc.pid)
        time.sleep(1.0)
        spent = cpu_seconds(self.d.proc.pid) - before
        print(f"daemon CPU in the second after the hostile client left: {spent * 1000:.0f} ms")
        self.assertLess(spent, 0.1, "the daemon kept working for a client that is gone")


class ManyHostileClients(DaemonTestCase):
    """The timer never waits behind queued pieces of work: with many clients each pipelining long
    paged listings, the loop's queue holds a piece of each, and a reminder due meanwhile goes out
    before the next client's piece (Scheduler::run_if_due), not after a round of all of them."""

    CLIENTS = 12

    def test_reminders_stay_on_time_behind_many_busy_clients(self):
        setup, watcher = hostile_setup(self.d)
        seconds = max(4, int(LOAD_SECONDS) - 2)
        first = int(time.time()) + 3
        dues = {}
        for k in range(seconds):
            ev = setup.result("event.add", {"event": {"title": f"due {k}", "start": iso(first + k + 3600),
                                                      "alarms": [{"at": iso(first + k)}]}})["event"]
            dues[ev["id"]] = first + k
        stop, clients = threading.Event(), []
        # Read at full speed, so that every client always has a piece of work queued on the loop.
        threads = [threading.Thread(target=hostile_pipeline, args=(self.d, stop, 400, clients, 0), daemon=True)
                   for _ in range(self.CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(first + seconds + 0.5 - time.time())
        stop.set()
        for t in threads:
            t.join(10)
        watcher.stop.set()
        watcher.join(10)
        for h in clients:
            h.close()
        late = sorted(arrived - dues[p["event_id"]] for arrived, p in watcher.got if p["event_id"] in dues)
        print(f"\n{self.CLIENTS} clients pipelining agendas over 0001-9999: reminders {len(late)}/{len(dues)}, "
              f"lateness p99 {p99(late) * 1000:.1f} ms, max {max(late) * 1000:.1f} ms, "
              f"median {statistics.median(late) * 1000:.1f} ms")
        self.assertEqual(len(late), len(dues), "reminders missing under the load")
        scale = 10 if "ASAN_OPTIONS" in os.environ else 1  # as in HostileClient
        self.assertLess(p99(late), 0.050 * scale)
        self.assertGreaterEqual(late[0], 0.0)


def bulk_calendar(n):
    """n plain timed events, one an hour from 2031 on: the 100,000-event import of issue 14."""
    base = datetime.datetime(2031, 1, 1, 9, 0)
    parts = ["BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//herald tests//bulk//EN\r\n"]
    for i in range(n):
        t = base + datetime.timedelta(hours=i)
        parts.append(f"BEGIN:VEVENT\r\nUID:bulk-{i}@test\r\nDTSTAMP:20250101T000000Z\r\n"
                     f"DTSTART:{t:%Y%m%dT%H%M%S}Z\r\nSUMMARY:Bulk event {i}\r\nEND:VEVENT\r\n")
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts)


class ImportInterrupted(DaemonTestCase):
    """Item 7/9: a client gone mid-import stops the import at a slice boundary: what was stored is
    whole events, an import run again completes it, and the connection's buffer is freed."""

    daemon_args = ("--max-import", str(8 << 20))
    EVENTS = 30000  # about 4.6 MB of text, several seconds of slices

    def test_client_gone_mid_import(self):
        text = bulk_calendar(self.EVENTS)
        self.assertLess(len(text), 6 << 20)
        c = RawClient(self.d.socket, timeout=60)
        for pos in range(0, len(text), 32 << 10):
            self.assertIn("result", c.call("calendar.import", {"chunk": text[pos:pos + (32 << 10)]}))
        c.request("calendar.import", {"chunk": "", "final": True})
        other = self.d.connect(timeout=60)
        deadline = time.monotonic() + 60
        while other.result("status")["events"] < 1000:  # the import is storing its slices
            self.assertLess(time.monotonic(), deadline, "the import stored nothing")
            time.sleep(0.05)
        c.close()
        deadline = time.monotonic() + 60
        while "left during a sliced request" not in self.d.log_text():
            self.assertLess(time.monotonic(), deadline, "the import went on for a client that is gone")
            time.sleep(0.1)
        stored = other.result("status")["events"]
        self.assertLess(stored, self.EVENTS, "the import ran to its end for a client that is gone")
        # The buffer is freed: 7 MiB more fits the uid's 8 MiB budget only without the 4.6 MB left.
        for k in range(1, 9):  # 8 chunks of 896 KiB, under the line limit
            self.assertEqual(other.result("calendar.import", {"chunk": "X" * (896 << 10)})["received"],
                             k * (896 << 10))
        other.close()
        self.d.clients.clear()
        # What was stored is whole events: the same import again adds exactly the rest.
        path = os.path.join(self.root, "bulk.ics")
        with open(path, "w") as f:
            f.write(text)
        p = self.d.cli("import", path, timeout=600)
        self.assertIn(f"{self.EVENTS - stored} added, 0 updated, {stored} unchanged", p.stdout)
        print(f"\nclient gone during a {self.EVENTS}-event import: {stored} stored, the rest added again")


class WalBound(unittest.TestCase):
    """The WAL stays bounded while a sliced import outruns the checkpoints: past 10,000 frames not
    yet copied the import waits between slices (daemon/checkpointer.hpp). The test's checkpointer
    is slowed and its backlog small (HERALDD_TEST_CHECKPOINT_DELAY_MS and
    HERALDD_TEST_WAL_BACKLOG_FRAMES, docs/testing.md) so that it falls behind on any machine, as
    a release build's does on its own at 10,000 frames: unbounded, these 20,000 events leave a
    WAL of ~24 MiB, and 100,000 events imported by a release build left 1.4 GB."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="herald-it-")
        self.d = Daemon(self.root, env={"HERALDD_TEST_CHECKPOINT_DELAY_MS": "300",
                                        "HERALDD_TEST_WAL_BACKLOG_FRAMES": "1500"}).start()

    def tearDown(self):
        finish_daemon(self, self.d, self.root)

    def test_an_import_waits_for_the_checkpoints(self):
        path = os.path.join(self.root, "bulk.ics")
        with open(path, "w") as f:
            f.write(bulk_calendar(20000))
        done, sizes = threading.Event(), [0]

        def sample():
            while not done.is_set():
                if os.path.exists(self.d.db + "-wal"):
                    sizes.append(os.path.getsize(self.d.db + "-wal"))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        p = self.d.cli("import", path, timeout=600)
        done.set()
        sampler.join()
        self.assertIn("20000 added", p.stdout)
        print(f"\nlargest WAL during the import: {max(sizes) / 2**20:.1f} MiB", file=sys.stderr)
        # 1,500 frames (6 MiB) not yet copied, and what the slices of one group commit add.
        self.assertLess(max(sizes), 14 << 20)
        # The daemon serves on while the import waits: nothing was lost or doubled.
        self.assertEqual(self.d.connect().result("status")["events"], 20000)


class BigImport(DaemonTestCase):
    """Item 7: a 100,000-event import runs in slices; another client's requests (status, list,
    add) and the reminders due meanwhile stay on time, within the issue's bounds (requests p99 <
    100 ms, reminders p99 < 50 ms; ten times those under the sanitizers). Figures are printed."""

    # Why fewer under the sanitizers: an ASan build imports ~10x slower, and the suite runs twice
    # in CI; the slicing is the same at any size. HERALD_BIG_IMPORT_EVENTS overrides both.
    EVENTS = int(os.environ.get("HERALD_BIG_IMPORT_EVENTS",
                                "10000" if "ASAN_OPTIONS" in os.environ else "100000"))

    def ordinary_requests(self, client, until, latencies, counts, by_method=None):
        """The ordinary client's mix (status, a week's agenda, an add) until `until()` is false;
        each latency also in `by_method[method]` when given."""
        while until():
            k = sum(counts.values())
            method, params = [("status", None),
                              ("agenda", {"from": "2030-01-01", "to": "2030-01-08", "tz": "UTC"}),
                              ("event.add", {"event": {"title": f"ordinary {k}", "start": "2030-01-02"}})][k % 3]
            t0 = time.monotonic()
            reply = client.call(method, params)
            latencies.append(time.monotonic() - t0)
            if by_method is not None:
                by_method.setdefault(method, []).append(latencies[-1])
            self.assertIn("result", reply, reply)
            counts[method] = counts.get(method, 0) + 1
            time.sleep(0.01)

    def test_ordinary_client_and_reminders_stay_on_time_during_a_big_import(self):
        path = os.path.join(self.root, "bulk.ics")
        with open(path, "w") as f:
            f.write(bulk_calendar(self.EVENTS))
        setup = self.d.connect(timeout=60)
        watcher = Watcher(self.d.connect(timeout=60))
        watcher.client.result("subscribe", {"topics": ["reminders"]})
        watcher.start()
        # A reminder due every second: the first four before the import, the rest during it.
        first = int(time.time()) + 2
        dues = {}
        for k in range(60):
            ev = setup.result("event.add", {"event": {"title": f"due {k}", "start": iso(first + k + 3600),
                                                      "alarms": [{"at": iso(first + k)}]}})["event"]
            dues[ev["id"]] = first + k
        ordinary = self.d.connect(timeout=30)
        before, before_counts = [], {}
        self.ordinary_requests(ordinary, lambda: time.time() < first + 4, before, before_counts)
        imported = {}

        def run_import():
            t0 = time.time()
            imported["process"] = self.d.cli("import", path, check=False, timeout=600)
            imported["span"] = (t0, time.time())

        importer = threading.Thread(target=run_import, daemon=True)
        importer.start()
        during, counts, by_method, wal = [], {}, {}, [0]

        def importing():
            try:
                wal.append(os.path.getsize(self.d.db + "-wal"))
            except OSError:
                pass
            return importer.is_alive()

        self.ordinary_requests(ordinary, importing, during, counts, by_method)
        importer.join()
        watcher.stop.set()
        watcher.join(10)
        self.assertIsNone(watcher.error)
        p = imported["process"]
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"{self.EVENTS} added", p.stdout)
        begin, end = imported["span"]
        lateness = {dues[m["event_id"]]: arrived - dues[m["event_id"]] for arrived, m in watcher.got
                    if m["event_id"] in dues}
        late_before = sorted(v for d, v in lateness.items() if d < begin)
        late = sorted(v for d, v in lateness.items() if begin <= d <= end)
        due_during = [d for d in dues.values() if begin <= d <= end]
        self.assertEqual(len(late), len(due_during), f"reminders missing during the import: {lateness}")
        self.assertGreaterEqual(len(due_during), 3, "the import ended before the reminders were due")
        self.assertGreater(len(late_before), 0, "no reminder was due before the import")
        print(f"\n{self.EVENTS}-event import in {end - begin:.1f} s; ordinary client before it: p99 "
              f"{p99(before) * 1000:.1f} ms ({len(before)} requests), during it: p99 "
              f"{p99(during) * 1000:.1f} ms, median {statistics.median(during) * 1000:.1f} ms, "
              f"max {max(during) * 1000:.1f} ms ({counts}); reminder lateness before it max "
              f"{max(late_before) * 1000:.1f} ms, during it ({len(late)}) p99 {p99(late) * 1000:.1f} ms, "
              f"max {max(late) * 1000:.1f} ms, median {statistics.median(late) * 1000:.1f} ms; "
              f"the five latest {[round(v * 1000) for v in late[-5:]]} ms; request p99 by method "
              f"{ {m: round(p99(v) * 1000, 1) for m, v in by_method.items()} } ms")
        self.assertGreater(min(counts.values()), 10, "too few ordinary requests during the import")
        scale = 10 if "ASAN_OPTIONS" in os.environ else 1  # as in HostileClient
        # The bounds: the ordinary client's requests p99 < 100 ms, its reminders p99 <
        # 50 ms. The test runs alone (RUN_SERIAL). Measured on the 2-core test machine, quiet, three
        # runs: requests p99 26.6-28.9 ms (agenda 28-30, status 19-21, add 22), reminders p99
        # 5.8-9.6 ms. On the same machine shared with three other builds (load 8.5) requests p99
        # were 118-136 ms: what is left there is the commits' fsync on the loop thread, which every
        # request held for a batch that carries an import slice waits for.
        self.assertLess(p99(during), 0.100 * scale)
        self.assertLess(p99(late), 0.050 * scale)
        self.assertGreaterEqual(late[0], 0.0)
        # The WAL stays bounded (daemon/checkpointer.hpp): about 40 MiB of frames not yet copied,
        # then the import pauses until a checkpoint copied them all. Unbounded, the passive
        # checkpoints never caught up and 100,000 events left a WAL of 1.4 GB (10,000: 140 MB).
        print(f"largest WAL during the import: {max(wal) / 2**20:.1f} MiB", file=sys.stderr)
        self.assertLess(max(wal), 80 << 20)
        added = sum(c.get("event.add", 0) for c in (before_counts, counts))
        self.assertEqual(self.d.connect().result("status")["events"], self.EVENTS + len(dues) + added)
        self.check_big_export(ordinary, self.EVENTS + len(dues) + added, scale)

    def check_big_export(self, ordinary, events, scale):
        """Exporting everything just imported (item 4 of the brief: export built in slices) leaves
        another client's status within the issue's 100 ms at the p99."""
        out = os.path.join(self.root, "export.ics")
        exported = {}

        def run_export():
            t0 = time.time()
            exported["process"] = self.d.cli("export", out, check=False, timeout=600)
            exported["seconds"] = time.time() - t0

        exporter = threading.Thread(target=run_export, daemon=True)
        exporter.start()
        waits = []
        while exporter.is_alive():
            t0 = time.monotonic()
            self.assertIn("events", ordinary.result("status"))
            waits.append(time.monotonic() - t0)
            time.sleep(0.01)
        exporter.join()
        p = exported["process"]
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read().count("BEGIN:VEVENT"), events)
        print(f"export of {events} events in {exported['seconds']:.1f} s; another client's status "
              f"p99 {p99(waits) * 1000:.1f} ms, max {max(waits) * 1000:.1f} ms ({len(waits)} requests)")
        self.assertGreater(len(waits), 10, "the export ended too fast to probe")
        self.assertLess(p99(waits), 0.100 * scale)

if __name__ == "__main__":
    unittest.main()
