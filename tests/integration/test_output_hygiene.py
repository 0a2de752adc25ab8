"""Input and output hygiene (issue 14, items 15 and 18) against the real daemon and client: text
fields refuse control and bidi characters, nothing from stored or imported data reaches a
terminal raw (herald runs on a real pseudo-terminal here), and a TBA event can be edited."""
import json
import os
import sqlite3
import subprocess
import tempfile
import unittest

from harness import HERALD, DaemonTestCase, run_on_tty

# Bytes a terminal must never be sent from data: ESC, BEL, C1 CSI (U+009B) and NEL (U+0085) in
# UTF-8, RLO (U+202E) and LINE SEPARATOR (U+2028).
RAW = [b"\x1b", b"\x07", b"\x7f", b"\xc2\x9b", b"\xc2\x85", "\u202e".encode(), "\u2028".encode()]
# The SGR sequences herald(1) says it writes with colour on.
PALETTE = [b"\x1b[%sm" % code for code in (b"0", b"1;33", b"36", b"2", b"33", b"9", b"7", b"1")]
HOSTILE = ["bad\x1b]0;TITLE-HIJACK\x07", "csi\u009b2J", "nel\u0085x", "rlo\u202etxt.exe", "ls\u2028x", "del\x7f"]



def store_raw(db_path, event_id, title, location):
    """Writes a title and location into the database behind the daemon's back, in the event and in
    its listing rows (schema 8 keeps a brief copy there), as text stored before the checks was.
    A row's encoded occurrence (schema 11, which has no brief) is cleared: a listing then reads
    the event."""
    db = sqlite3.connect(db_path)
    for table, column, key in (("events", "data", "id"), ("list_rows", "brief", "row / 1024")):
        db.execute(f"UPDATE {table} SET {column} = json_set({column}, '$.title', ?, '$.location', ?) "
                   f"WHERE {key} = ? AND {column} <> ''", (title, location, event_id))
    db.execute("UPDATE list_rows SET shown = '', shown_at = 0 WHERE row / 1024 = ?", (event_id,))
    db.commit()
    db.close()

class Hygiene(DaemonTestCase):
    def on_tty(self, *args):
        """Runs herald with stdout and stderr on a pseudo-terminal; returns (exit code, bytes)."""
        env = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="UTC", TERM="xterm")
        env.pop("NO_COLOR", None)  # colour on, as on most terminals: the filter must cope
        return run_on_tty([HERALD, *args], env)

    def assert_clean(self, out):
        # herald's own colour (auto: on a terminal) is the only escape allowed: exactly the SGR
        # sequences herald(1) lists; anything else with ESC left over came from data.
        for sgr in PALETTE:
            out = out.replace(sgr, b"")
        for raw in RAW:
            self.assertNotIn(raw, out, out)

    def test_text_fields_refuse_control_and_bidi_characters(self):
        c = self.d.connect()
        for text in HOSTILE:
            for field in ("title", "location"):
                ev = {"title": "ok", "start": "2030-01-01", field: text}
                err = c.call("event.add", {"event": ev})["error"]
                self.assertEqual(err["data"], {"kind": "invalid_params", "field": field}, text)
                self.assertIn("expected a single line of text", err["message"])
        # Multi-line text keeps its newlines and tabs, but no C1 or bidi controls.
        ok = c.result("event.add", {"event": {"title": "ok", "start": "2030-01-01", "description": "a\n\tb\u2028c"}})
        self.assertEqual(ok["event"]["description"], "a\n\tb\u2028c")
        err = c.call("event.add", {"event": {"title": "ok", "start": "2030-01-01", "description": "x\u202ey"}})["error"]
        self.assertEqual(err["data"]["field"], "description")
        self.assertIn("U+202E", err["message"])

    def test_import_error_lines_reach_a_terminal_without_raw_controls(self):
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN"]
        for i, text in enumerate(HOSTILE):
            lines += ["BEGIN:VEVENT", f"UID:{text}@x", "DTSTART:20300101", f"SUMMARY:{text}", "END:VEVENT"]
        lines += ["BEGIN:VEVENT", "UID:fine@x", "DTSTART:20300101", "SUMMARY:fine", "END:VEVENT", "END:VCALENDAR"]
        with tempfile.NamedTemporaryFile("w", suffix=".ics", delete=False, dir=self.root, encoding="utf-8") as f:
            f.write("\r\n".join(lines) + "\r\n")
        code, out = self.on_tty("import", f.name)
        # Import is lenient (issue 13): each event is kept with a derived UID and no bad title, and
        # the warning quotes the UID it replaced, made harmless on the terminal.
        self.assertEqual(code, 0, out)
        self.assertIn(b"7 added", out)
        self.assertIn(b"TITLE-HIJACK", out)
        self.assertIn("\ufffd".encode(), out)
        self.assert_clean(out)
        code, out = self.on_tty("--json", "import", f.name)
        self.assert_clean(out)
        self.assertIn(b"\\u202E", out)  # --json keeps the value, escaped
        self.assertIn(b"\\u007F", out)
        # Piped output is data: byte-exact.
        p = self.d.cli("--json", "import", f.name, check=False)
        reply = json.loads(p.stdout)
        self.assertEqual(reply["errors"], [])
        self.assertEqual(len([w for w in reply["warnings"] if w["property"] == "UID"]), len(HOSTILE))

    def test_stored_text_is_never_printed_raw(self):
        # Text stored before the input checks existed (written into the database directly).
        ev = self.d.cli_json("add", "placeholder", "--at", "2030-01-01", "--location", "here")["event"]
        store_raw(self.d.db, ev["id"], HOSTILE[0] + HOSTILE[1] + HOSTILE[5],
                  HOSTILE[3] + HOSTILE[4] + HOSTILE[2])
        for args in (["list", "--from", "2030-01-01", "--to", "2030-01-02"], ["show", str(ev["id"])],
                     ["--json", "show", str(ev["id"])], ["until", "placeholder"]):
            code, out = self.on_tty(*args)
            self.assert_clean(out)
        code, out = self.on_tty("list", "--from", "2030-01-01", "--to", "2030-01-02")
        self.assertEqual(code, 0, out)
        self.assertIn(b"TITLE-HIJACK", out)

    def test_stored_colour_codes_do_not_pass_as_herald_colour(self):
        # A stored title holding exactly the sequences herald's colour uses (which the filter lets
        # through for herald's own output): on a coloured row they still show as U+FFFD.
        ev = self.d.cli_json("add", "placeholder", "--at", "2030-01-01")["event"]
        store_raw(self.d.db, ev["id"], "hide\x1b[2mme\x1b[0m", "loud\x1b[1;33m")
        code, out = self.on_tty("list", "--from", "2030-01-01", "--to", "2030-01-02")
        self.assertEqual(code, 0, out)
        self.assertIn(b"\x1b[36m", out)  # the row is coloured (auto, on a terminal)
        self.assertIn("hide\ufffd[2mme\ufffd[0m".encode(), out)
        self.assertIn("loud\ufffd[1;33m".encode(), out)

    def test_edit_a_tba_event(self):
        ev = self.d.cli_json("add", "EXPO opening", "--tba")["event"]
        self.assertIsNone(ev["start"])
        for args in (["--title", "EXPO 2025 opening"], ["--location", "Osaka"], ["--at", "2025-04-13"]):
            self.d.cli("edit", str(ev["id"]), *args)
        got = self.d.cli_json("show", str(ev["id"]))
        self.assertEqual((got["title"], got["location"], got["start"]), ("EXPO 2025 opening", "Osaka", "2025-04-13"))
        self.d.cli("edit", str(ev["id"]), "--tba")
        self.assertIsNone(self.d.cli_json("show", str(ev["id"]))["start"])


if __name__ == "__main__":
    unittest.main()
