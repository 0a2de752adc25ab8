"""Raw protocol over the socket: every error of docs/protocol.md, limits, and concurrent clients."""
import json
import os
import socket
import threading
import time
import unittest

from harness import DaemonTestCase, RawClient

EVENT = {"title": "9th CA+Japan foreign ministers' meeting", "start": "2022-12-24", "location": "Tokyo"}


class Errors(DaemonTestCase):
    def test_malformed_json_keeps_session_usable(self):
        c = self.d.connect()
        c.send_raw(b'{"jsonrpc": "2.0", "id": 1, "method": \n')
        reply = c.read()
        self.assertEqual(reply["error"]["code"], -32700)
        self.assertIsNone(reply["id"])
        self.assertEqual(c.result("hello")["server"], "heraldd")

    def test_invalid_requests(self):
        c = self.d.connect()
        c.send_raw(b'[1,2]\n')
        self.assertEqual(c.read()["error"]["code"], -32600)
        c.send_raw(b'{"id": 5, "method": "hello"}\n')
        reply = c.read()
        self.assertEqual((reply["id"], reply["error"]["code"]), (5, -32600))
        c.send_raw(b'{"jsonrpc":"2.0","id":6,"method":"hello","params":[1]}\n')
        self.assertEqual(c.read()["error"]["code"], -32602)

    def test_unknown_method(self):
        reply = self.d.connect().call("event.frobnicate", {})
        self.assertEqual(reply["error"]["code"], -32601)
        self.assertIn("event.frobnicate", reply["error"]["message"])

    def test_invalid_params_name_the_field(self):
        c = self.d.connect()
        cases = [
            ("event.add", {}, "event"),
            ("event.add", {"event": {"title": "x"}}, "start"),
            ("event.add", {"event": {"title": "a\u0001b", "start": "2025-01-01"}}, "title"),
            ("event.add", {"event": {"title": "x", "start": "2025-01-01", "colour": "red"}}, "colour"),
            ("event.add", {"event": {"title": "x", "start": "2025-01-01", "status": "maybe"}}, "status"),
            ("event.get", {"id": "seven"}, "id"),
            ("agenda", {"from": "2025-01-01T00:00:00Z"}, "to"),
            ("event.update", {"id": 1, "revision": 1, "changes": {}, "extra": 1}, "extra"),
        ]
        for method, params, field in cases:
            with self.subTest(method=method, params=params):
                err = c.call(method, params)["error"]
                self.assertEqual(err["code"], -32602, err)
                self.assertEqual(err["data"]["field"], field, err)

    def test_invalid_times(self):
        c = self.d.connect()
        for start, tz, needle in [("2025-02-30", "", "February 2025 has 28 days"),
                                  ("2025-13-01", "", "month 13"),
                                  ("2025-06-06T24:00", "", "impossible time"),
                                  ("2025-06-06T10:00", "Europe/Atlantis", "unknown time zone"),
                                  ("tomorrow-ish", "", "expected YYYY")]:
            with self.subTest(start=start):
                ev = {"title": "x", "start": start}
                if tz:
                    ev["tz"] = tz
                err = c.call("event.add", {"event": ev})["error"]
                self.assertEqual(err["code"], 1004, err)
                self.assertIn(needle, err["message"])
        self.assertEqual(c.result("status")["events"], 0)

    def test_not_found_and_revision_conflict(self):
        c = self.d.connect()
        self.assertEqual(c.call("event.get", {"id": 999})["error"]["code"], 1001)
        ev = c.result("event.add", {"event": EVENT})["event"]
        ok = c.result("event.update", {"id": ev["id"], "revision": 1, "changes": {"location": "Tokyo, Japan"}})
        self.assertEqual(ok["event"]["revision"], 2)
        err = c.call("event.update", {"id": ev["id"], "revision": 1, "changes": {"location": "Osaka"}})["error"]
        self.assertEqual(err["code"], 1002)
        self.assertEqual(c.result("event.get", {"id": ev["id"]})["event"]["location"], "Tokyo, Japan")
        self.assertEqual(c.call("event.remove", {"id": ev["id"], "revision": 1})["error"]["code"], 1002)
        self.assertTrue(c.result("event.remove", {"id": ev["id"], "revision": 2})["removed"])


class Limits(DaemonTestCase):
    daemon_args = ("--max-line", "65536", "--max-clients", "8")

    def test_oversized_line_is_rejected_without_buffering_and_others_are_served(self):
        big = self.d.connect()
        other = self.d.connect()
        self.assertEqual(other.result("hello")["server"], "heraldd")
        # Growth, not absolute RSS: under ASan the instrumented binary alone is ~60 MiB resident.
        baseline = self.d.rss_kib()
        # 4 MiB with no newline: far over the limit; the daemon must answer before we finish.
        chunk = b"x" * 65536
        for _ in range(64):
            big.send_raw(chunk)
            self.assertEqual(other.result("hello")["server"], "heraldd")
        reply = big.read(timeout=5)
        self.assertEqual(reply["error"]["code"], 1005)
        big.send_raw(b"\n")
        self.assertEqual(big.result("hello")["server"], "heraldd")
        self.assertLess(self.d.rss_kib() - baseline, 3 * 1024, "daemon buffered the oversized line")

    def test_client_limit(self):
        clients = [self.d.connect() for _ in range(8)]
        for c in clients:
            c.result("hello")
        extra = RawClient(self.d.socket)
        self.d.clients.append(extra)
        reply = extra.read(timeout=5)
        self.assertEqual(reply["error"]["code"], 1006)
        self.assertIn("too many clients", reply["error"]["message"])
        clients[0].close()
        time.sleep(0.2)
        self.assertEqual(self.d.connect().result("hello")["server"], "heraldd")


class Concurrency(DaemonTestCase):
    def test_two_clients_at_once(self):
        errors = []

        def worker(n):
            try:
                c = self.d.connect()
                for i in range(50):
                    c.result("event.add", {"event": {"title": f"c{n}-{i}", "start": f"2031-01-{i % 28 + 1:02d}",
                                                     "uid": f"c{n}-{i}@test"}})
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.d.connect().result("status")["events"], 100)

    def test_vanishing_client_mid_request_leaves_nothing_half_written(self):
        c = self.d.connect()
        c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"event.add","params":{"event":{"title":"half","start":"20')
        c.close()
        time.sleep(0.2)
        c2 = self.d.connect()
        self.assertEqual(c2.result("status")["events"], 0)
        # A complete request whose client hangs up before reading the reply is stored whole.
        c3 = self.d.connect()
        c3.request("event.add", {"event": {"title": "whole", "start": "2030-01-01"}})
        c3.close()
        time.sleep(0.3)
        self.assertEqual(c2.result("status")["events"], 1)
        self.d.kill()
        self.d.start()
        ev = self.d.connect().result("agenda", {"from": "2029-12-31T00:00:00Z", "to": "2030-01-03T00:00:00Z"})
        self.assertEqual([o["title"] for o in ev["occurrences"]], ["whole"])

    def test_search(self):
        c = self.d.connect()
        c.result("event.add", {"event": {"title": "Kyrgyz honey export contract", "start": "2022-08-10",
                                         "description": "400 tons of honey"}})
        c.result("event.add", {"event": {"title": "EXPO 2025 National Day", "start": "2025-06-06"}})
        found = c.result("event.search", {"query": "honey"})["events"]
        self.assertEqual([e["title"] for e in found], ["Kyrgyz honey export contract"])
        self.assertEqual(c.result("event.search", {"query": 'AND OR "'})["events"], [])

    def test_brief_agenda_carries_what_a_listing_shows(self):
        c = self.d.connect()
        c.result("event.add", {"event": {"title": "{ordinal} anniversary of relations", "start": "1992-01-26",
                                         "rrule": "FREQ=YEARLY", "description": "long text " * 50,
                                         "location": "Bishkek"}})
        window = {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z", "tz": "Asia/Bishkek"}
        full = c.result("agenda", window)["occurrences"][0]
        brief = c.result("agenda", dict(window, brief=True))["occurrences"][0]
        self.assertEqual(set(brief), {"id", "title", "status", "location", "start", "end", "tz", "precision",
                                      "all_day", "recurring", "occurrence_start", "occurrence_end",
                                      "occurrence_local", "n"})
        for key in brief:
            if key != "recurring":
                self.assertEqual(brief[key], full[key], key)
        self.assertEqual(brief["title"], "34th anniversary of relations")
        self.assertTrue(brief["recurring"])
        reply = c.call("agenda", dict(window, brief="yes"))
        self.assertEqual(reply["error"]["code"], -32602)
        self.assertIn("brief", reply["error"]["message"])

    def test_brief_timed_occurrence_carries_wall_times(self):
        c = self.d.connect()
        c.result("event.add", {"event": {"title": "Meeting", "start": "2022-12-24T14:40", "tz": "Asia/Tokyo",
                                         "duration": "PT30M"}})
        window = {"from": "2022-12-24", "to": "2022-12-25", "tz": "Asia/Bishkek", "brief": True}
        occ = c.result("agenda", window)["occurrences"][0]
        self.assertEqual((occ["zone_local"], occ["zone_abbrev"], occ["zone_offset"]),
                         ("2022-12-24T14:40", "JST", 32400))
        self.assertEqual((occ["viewer_local"], occ["viewer_abbrev"], occ["viewer_offset"]),
                         ("2022-12-24T11:40", "+06", 21600))
        # The whole (non-brief) reply of the same window is byte-for-byte a valid JSON-RPC line too.
        self.assertEqual(c.result("agenda", dict(window, brief=False))["occurrences"][0]["title"], "Meeting")

    def test_agenda_bounds_may_be_local_in_the_viewer_zone(self):
        c = self.d.connect()
        c.result("event.add", {"event": {"title": "Bishkek midnight", "start": "2026-11-23T00:00",
                                         "tz": "Asia/Bishkek"}})
        local = c.result("agenda", {"from": "2026-11-23", "to": "2026-11-24", "tz": "Asia/Bishkek"})
        self.assertEqual(local["from"], "2026-11-22T18:00:00Z")
        self.assertEqual(local["to"], "2026-11-23T18:00:00Z")
        self.assertEqual([o["title"] for o in local["occurrences"]], ["Bishkek midnight"])
        timed = c.result("agenda", {"from": "2026-11-23T06:30", "to": "2027", "tz": "UTC"})
        self.assertEqual(timed["from"], "2026-11-23T06:30:00Z")
        self.assertEqual(timed["to"], "2027-01-01T00:00:00Z")
        # In a DST gap the local bound moves forward like any local time (02:30 -> 03:30 EDT).
        gap = c.result("agenda", {"from": "2025-03-09T02:30", "to": "2025-03-10", "tz": "America/New_York"})
        self.assertEqual(gap["from"], "2025-03-09T07:30:00Z")
        for bad, needle in [("2026-02-30", "February 2026 has 28 days"), ("soon", "RFC 3339")]:
            err = c.call("agenda", {"from": bad, "to": "2027-01-01", "tz": "UTC"})["error"]
            self.assertEqual(err["code"], 1004, err)
            self.assertEqual(err["data"]["field"], "from")
            self.assertIn(needle, err["message"])

    def test_search_after_gives_next_occurrence(self):
        c = self.d.connect()
        c.result("event.add", {"event": {"title": "Relations anniversary", "start": "1992-01-26",
                                         "rrule": "FREQ=YEARLY"}})
        c.result("event.add", {"event": {"title": "Relations programme (past)", "start": "2020-01-01"}})
        found = c.result("event.search", {"query": "relations", "after": "2026-12-02T00:00:00Z",
                                          "tz": "Asia/Bishkek"})["events"]
        by_title = {e["title"]: e for e in found}
        self.assertEqual(by_title["Relations anniversary"]["next_occurrence"],
                         {"occurrence_start": "2027-01-25T18:00:00Z", "occurrence_end": "2027-01-26T18:00:00Z",
                          "occurrence_local": "2027-01-26"})
        self.assertIsNone(by_title["Relations programme (past)"]["next_occurrence"])
        plain = c.result("event.search", {"query": "relations"})["events"]
        self.assertTrue(all("next_occurrence" not in e for e in plain))
        err = c.call("event.search", {"query": "x", "after": "tomorrow"})["error"]
        self.assertEqual(err["data"]["field"], "after")


if __name__ == "__main__":
    unittest.main()
