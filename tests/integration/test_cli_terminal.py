"""herald on a terminal (issue 16, item 10), with the real daemon and the real client: colour under
a real pseudo-terminal (auto) and never into a pipe, NO_COLOR, TERM=dumb and --color; rows cut to
the terminal's width and aligned by display width (Python's unicodedata as the oracle); the pager
for long output; durations and alarms as people write them; the month grid."""
import datetime
import os
import re
import subprocess
import tempfile
import unicodedata
import unittest

from harness import HERALD, DaemonTestCase, run_on_tty

ESC = b"\x1b"
# The SGR sequences herald(1) lists, and only these may appear.
SGR = {"reset": b"\x1b[0m", "date": b"\x1b[36m", "today": b"\x1b[1;33m", "past": b"\x1b[2m",
       "tentative": b"\x1b[33m", "cancelled": b"\x1b[9m", "reverse": b"\x1b[7m", "heading": b"\x1b[1m"}
# Japanese and Kazakh titles (wide characters, Cyrillic with Kazakh letters), an emoji and a
# combining mark (e + U+0301).
JAPANESE = "東京でのオンライン会議：中央アジア＋日本対話"
KAZAKH = "Қазақстан–Жапония сыртқы істер министрлерінің кездесуі"
MIXED = "Cafe\u0301 meeting 🎌 with the Osaka team"


def display_width(text):
    """Columns on a terminal by Unicode's East Asian Width (the oracle): W and F take 2, combining
    marks (Mn, Me) and zero-width format characters none."""
    width = 0
    for c in text:
        if unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return width


def strip_sgr(data):
    for code in SGR.values():
        data = data.replace(code, b"")
    return data


class Terminal(DaemonTestCase):
    def env(self, **extra):
        e = dict(self.d.env, HERALD_SOCKET=self.d.socket, TZ="UTC", TERM="xterm")
        for name in ("NO_COLOR", "COLUMNS", "LINES", "PAGER", "HERALD_PAGER", "LESS"):
            e.pop(name, None)
        e.update(extra)
        return e

    def on_tty(self, *args, cols=0, rows=0, **env):
        """Runs herald with stdout and stderr on a pseudo-terminal of cols x rows (0: unset);
        returns (exit code, bytes with the terminal's \\r\\n made \\n)."""
        return run_on_tty([HERALD, *args], self.env(**env), cols, rows, onlcr=False)

    def piped(self, *args, **env):
        p = subprocess.run([HERALD, *args], capture_output=True, env=self.env(**env), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def add(self, title, *args):
        return self.d.cli_json("add", title, *args, env={"TZ": "UTC"})["event"]["id"]

    def today(self):
        return datetime.datetime.now(datetime.timezone.utc).date()

    def assert_only_palette(self, out):
        self.assertNotIn(ESC, strip_sgr(out), out)

    def day(self, offset):
        d = self.today() + datetime.timedelta(days=offset)
        return d.isoformat(), d.strftime("%a %Y-%m-%d").encode()

    def add_week(self):
        """Events yesterday, today, tomorrow, and a tentative and a cancelled one after that."""
        for offset, title, extra in ((-1, "Yesterday thing", ()), (0, "Today thing", ()),
                                     (1, "Upcoming thing", ()),
                                     (2, "Maybe", ("--status", "tentative")),
                                     (3, "Called off", ("--status", "cancelled"))):
            self.add(title, "--at", self.day(offset)[0], *extra)

    def test_colour_on_a_terminal_marks_today_dates_status_and_the_past(self):
        self.add_week()
        code, out = self.on_tty("list", "--from", self.day(0)[0], "--days", "5")
        self.assertEqual(code, 0, out)
        self.assertIn(SGR["today"] + self.day(0)[1] + SGR["reset"], out)
        self.assertIn(SGR["date"] + self.day(1)[1] + SGR["reset"], out)
        self.assertIn(SGR["tentative"] + b"Maybe (tentative)" + SGR["reset"], out)
        self.assertIn(SGR["cancelled"] + b"Called off (cancelled)" + SGR["reset"], out)
        self.assertNotIn(SGR["past"], out)
        self.assert_only_palette(out)
        # Without the escapes it is the piped table, byte for byte.
        self.assertEqual(strip_sgr(out), self.piped("list", "--from", self.day(0)[0], "--days", "5"))
        code, out = self.on_tty("list", "--past", "--days", "3")
        self.assertIn(SGR["past"] + self.day(-1)[1] + SGR["reset"], out)
        self.assertIn(SGR["past"] + b"Yesterday thing" + SGR["reset"], out)
        self.assert_only_palette(out)

    def test_no_colour_into_a_pipe_with_no_color_dumb_never_or_json(self):
        self.add_week()
        window = ("--from", self.day(0)[0], "--days", "5")
        self.assertNotIn(ESC, self.piped("list", *window))
        for args, env in ((("list",), {"NO_COLOR": "1"}), (("list",), {"TERM": "dumb"}),
                          (("--color=never", "list"), {}), (("list", "--color", "never"), {}),
                          (("--json", "list"), {})):
            code, out = self.on_tty(*args, *window, **env)
            self.assertEqual(code, 0, out)
            self.assertNotIn(ESC, out, (args, env))
            self.assertIn(b"Today thing", out)
        # NO_COLOR set but empty does not disable it (no-color.org); always colours a pipe and
        # wins over NO_COLOR.
        code, out = self.on_tty("list", *window, NO_COLOR="")
        self.assertIn(SGR["today"], out)
        out = self.piped("--color=always", "list", *window, NO_COLOR="1")
        self.assertIn(SGR["today"] + self.day(0)[1] + SGR["reset"], out)
        p = subprocess.run([HERALD, "--color=sometimes", "list"], capture_output=True, text=True,
                           env=self.env())
        self.assertEqual(p.returncode, 64, p.stderr)
        self.assertIn("--color", p.stderr)

    def add_wide_titles(self):
        at = self.day(1)[0] + " 10:00"
        for title in (JAPANESE, KAZAKH, MIXED, "Short"):
            self.add(title, "--at", at, "--location", "Osaka")

    def assert_aligned(self, text, limit=None):
        """Every row's location starts at the same display column (the oracle's count); no line
        is wider than `limit`."""
        rows = [line for line in text.splitlines() if line.startswith("#")]
        self.assertEqual(len(rows), 4, text)
        self.assertTrue(all("Osaka" in row for row in rows), text)
        starts = {display_width(row[:row.rindex("Osaka")]) for row in rows}
        self.assertEqual(len(starts), 1, text)
        if limit is not None:
            for line in text.splitlines():
                self.assertLessEqual(display_width(line), limit, line)
        return rows

    def test_columns_align_by_display_width_and_fit_the_width(self):
        self.add_wide_titles()
        window = ("--from", self.day(1)[0], "--days", "1")
        rows = self.assert_aligned(self.piped("list", *window).decode())
        for title in (JAPANESE, KAZAKH, MIXED):  # a pipe without COLUMNS is never cut
            self.assertTrue(any(title in row for row in rows), title)
        rows = self.assert_aligned(self.piped("list", *window, COLUMNS="60").decode(), 60)
        self.assertTrue(any(JAPANESE[:5] in row and "…" in row for row in rows), rows)
        self.assertFalse(any(KAZAKH in row for row in rows), rows)
        self.assertTrue(any("Short" in row for row in rows), rows)
        # On a terminal its own width counts (COLUMNS unset); colour does not change the layout.
        code, out = self.on_tty("list", *window, cols=70, rows=50)
        self.assertEqual(code, 0, out)
        self.assert_aligned(strip_sgr(out).decode(), 70)
        code, out = self.on_tty("list", *window, cols=200, rows=50)
        self.assertIn(JAPANESE.encode(), out)

    def pager_script(self, body):
        """A pager that records it ran (a line in MARK) and does `body`; returns (PAGER, MARK)."""
        d = tempfile.mkdtemp(dir=self.root)
        mark, script = os.path.join(d, "mark"), os.path.join(d, "pager.sh")
        with open(script, "w") as f:
            f.write(f'#!/bin/sh\necho "ran LESS=$LESS" >> {mark}\n{body}\n')
        return f"sh {script}", mark

    def runs(self, mark):
        try:
            with open(mark) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def test_long_output_on_a_terminal_goes_through_the_pager(self):
        self.add("Daily standup", "--at", self.day(0)[0] + " 23:59", "--repeat", "daily")
        out_file = os.path.join(self.root, "paged")
        pager, mark = self.pager_script(f"cat > {out_file}")
        code, out = self.on_tty("list", "--days", "20", cols=100, rows=10, PAGER=pager)
        self.assertEqual((code, self.runs(mark)), (0, ["ran LESS=FRX"]), out)
        self.assertNotIn(b"Daily standup", out)  # it all went to the pager
        with open(out_file, "rb") as f:
            self.assertEqual(strip_sgr(f.read()).count(b"Daily standup"), 20)
        # HERALD_PAGER wins over PAGER; LESS is the user's when set.
        other, other_mark = self.pager_script("cat > /dev/null")
        code, out = self.on_tty("list", "--days", "20", cols=100, rows=10, PAGER=pager,
                                HERALD_PAGER=other, LESS="S")
        self.assertEqual((code, self.runs(other_mark), len(self.runs(mark))), (0, ["ran LESS=S"], 1))
        # Not with --no-pager, PAGER=cat, output that fits, or into a pipe.
        for args, env, rows in ((("--no-pager", "list", "--days", "20"), {}, 10),
                                (("list", "--days", "20"), {"HERALD_PAGER": "cat"}, 10),
                                (("list", "--days", "5"), {}, 10),
                                (("list", "--days", "20"), {}, 0)):
            code, out = self.on_tty(*args, cols=100, rows=rows, PAGER=pager, **env)
            self.assertEqual(code, 0, out)
            self.assertIn(b"Daily standup", out, args)
        self.assertIn(b"Daily standup", self.piped("list", "--days", "20", PAGER=pager))
        self.assertEqual(len(self.runs(mark)), 1)

    def test_a_pager_quit_early_is_not_an_error_and_a_missing_one_is_skipped(self):
        self.add("Daily standup", "--at", self.day(0)[0] + " 23:59", "--repeat", "daily")
        # Quits after one line of far more than a pipe holds (herald's writes then fail: EPIPE).
        pager, mark = self.pager_script("read first; exit 0")
        code, out = self.on_tty("list", "--days", "4000", "--limit", "4000", cols=100, rows=10,
                                PAGER=pager)
        self.assertEqual((code, self.runs(mark)), (0, ["ran LESS=FRX"]), out[-500:])
        self.assertNotIn(b"herald:", out)
        code, out = self.on_tty("list", "--days", "20", cols=100, rows=10,
                                PAGER="no-such-pager-herald")
        self.assertEqual(code, 0, out)
        self.assertIn(b"the pager 'no-such-pager-herald' did not start", out)
        self.assertEqual(strip_sgr(out).count(b"Daily standup"), 20)

    def test_durations_and_alarms_read_as_people_write_them(self):
        eid = self.add("Planning", "--at", self.day(5)[0] + " 10:00", "--duration", "1h30m",
                       "--remind", "1d", "--remind", "15m")
        out = self.piped("show", str(eid)).decode()
        self.assertRegex(out, r"(?m)^duration +1 h 30 min$")
        self.assertRegex(out, r"(?m)^alarms +1 day before, 15 min before$")
        self.assertNotIn("PT", out)
        self.assertNotIn("P1D", out)

    def test_an_empty_window_is_named_in_the_viewers_zone(self):
        out = self.piped("list", "--from", "2030-01-01", "--to", "2030-01-05", TZ="Asia/Tokyo")
        self.assertEqual(out, b"No events from Tue 2030-01-01 through Sat 2030-01-05.\n")
        out = self.piped("list", "--from", "2030-01-01 09:30", "--days", "2", TZ="Asia/Tokyo")
        self.assertEqual(out, b"No events from Tue 2030-01-01 09:30 to Thu 2030-01-03 09:30 JST.\n")

    def test_cal_shows_today_reversed_and_a_year_long_event_apart(self):
        first = self.today().replace(day=1)
        self.add("International Year of Something", "--at", f"{first.year}-01-01", "--end",
                 f"{first.year}-12-31")
        self.add("Today thing", "--at", self.day(0)[0])
        code, out = self.on_tty("cal", cols=100, rows=60)
        self.assertEqual(code, 0, out)
        self.assertIn(SGR["reverse"] + str(self.today().day).encode() + SGR["reset"] + b"*", out)
        self.assert_only_palette(out)
        text = self.piped("cal").decode()
        marked = re.findall(r"(\d+)\*", text)
        self.assertEqual(marked, [str(self.today().day)], text)  # only today has an event of its own
        self.assertIn(f"All month:\n  {first.year}-01-01 – {first.year}-12-31  International Year of Something",
                      text)
        self.assertNotIn(ESC.decode(), text)
        self.add(JAPANESE + JAPANESE, "--at", self.day(0)[0])
        for line in self.piped("cal", COLUMNS="40").decode().splitlines():  # cut, not wrapped
            self.assertLessEqual(display_width(line), 40, line)

    def test_alarm_ids_and_event_ids_have_their_own_prefixes(self):
        eid = self.add("Board meeting", "--at", self.day(5)[0] + " 10:00", "--remind", "1d")
        alarm = self.d.cli_json("next", env={"TZ": "UTC"})["alarms"][0]["id"]
        out = self.piped("next").decode()
        self.assertRegex(out, rf"^a{alarm}  \S+ \S+ \S+ UTC  1 day before #{eid}  pending  Board meeting\n$")
        self.assertIn(f"#{eid}", self.piped("list", "--days", "7").decode())
        self.assertEqual(self.piped("show", f"#{eid}"), self.piped("show", str(eid)))
        self.assertEqual(self.piped("next", "--event", f"#{eid}"), self.piped("next"))
        for form in (f"a{alarm}", f"#{alarm}", str(alarm)):  # the new form and the old ones
            self.assertEqual(self.piped("ack", form), f"Acknowledged alarm a{alarm}\n".encode())
        for args, expected in ((("ack", "x1"), "expected an alarm id such as a12"),
                               (("show", f"a{alarm}"), f"'a{alarm}' is an alarm id; expected an event id")):
            p = subprocess.run([HERALD, *args], capture_output=True, text=True, env=self.env())
            self.assertEqual(p.returncode, 64, p.stderr)
            self.assertIn(expected, p.stderr)

    def test_search_rows_are_coloured_and_json_never_is(self):
        self.add_week()
        code, out = self.on_tty("search", "thing")
        self.assertEqual(code, 0, out)
        self.assertIn(SGR["date"] + self.day(1)[1] + SGR["reset"], out)
        self.assertIn(SGR["past"] + b"Yesterday thing" + SGR["reset"], out)
        self.assert_only_palette(out)
        for args in (("--color=always", "--json", "list"), ("--color=always", "--json", "search", "thing")):
            out = self.piped(*args, "--days", "5") if args[-1] == "list" else self.piped(*args)
            self.assertNotIn(ESC, out, args)
        self.assertRegex(self.piped("show", "#1").decode(), r"(?m)^id +#1 \(revision 1\)$")

    def date_code(self, instant):
        """The code list paints a date cell with: today's bold yellow, others cyan (TZ=UTC)."""
        day = datetime.datetime.fromisoformat(instant.replace("Z", "+00:00")).date()
        return SGR["today"] if day == self.today() else SGR["date"]

    def test_show_is_coloured_as_list_is(self):
        self.add_week()
        maybe = self.add("Maybe later", "--at", self.day(2)[0] + " 10:00", "--tentative")
        for eid, date_code, title_code, title in (
                (1, SGR["past"], SGR["past"], b"Yesterday thing"),  # over: dim
                (2, SGR["today"], b"", b"Today thing"),
                (3, SGR["date"], b"", b"Upcoming thing"),
                (5, SGR["date"], SGR["cancelled"], b"Called off"),
                (maybe, SGR["date"], SGR["tentative"], b"Maybe later")):
            code, out = self.on_tty("show", str(eid))
            self.assertEqual(code, 0, out)
            offset = {1: -1, 2: 0, 3: 1, 5: 3}.get(eid, 2)
            self.assertRegex(out, rb"(?m)^when +" + re.escape(date_code + self.day(offset)[1]) +
                             rb"[^\x1b\n]*" + re.escape(SGR["reset"]) + rb"$", eid)
            self.assertIn(b"title       " + (title_code + title + SGR["reset"] if title_code else title),
                          out)
            self.assert_only_palette(out)
            self.assertEqual(strip_sgr(out), self.piped("show", str(eid)))
        # A repeating event begun yesterday is not over: not dim.
        self.add("Daily thing", "--at", self.day(-1)[0] + " 08:00", "--repeat", "daily")
        code, out = self.on_tty("show", "7")
        self.assertIn(SGR["date"] + self.day(-1)[1], out)
        for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
            self.assertNotIn(ESC, self.on_tty("show", "2", **env)[1], env)
        self.assertNotIn(ESC, self.on_tty("--color=never", "show", "2")[1])
        self.assertIn(SGR["today"], self.piped("--color=always", "show", "2"))

    def test_next_is_coloured_as_list_is(self):
        soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2))
        self.add("Soon thing", "--at", soon.strftime("%Y-%m-%d %H:%M"), "--remind", "30m")
        self.add("Maybe thing", "--at", self.day(3)[0] + " 10:00", "--tentative", "--remind", "1h")
        alarms = self.d.cli_json("next", "-n", "2", env={"TZ": "UTC"})["alarms"]
        self.assertEqual([a["status"] for a in alarms], ["confirmed", "tentative"])
        code, out = self.on_tty("next", "-n", "2")
        self.assertEqual(code, 0, out)
        for a in alarms:
            t = datetime.datetime.fromisoformat(a["fires_at"].replace("Z", "+00:00"))
            self.assertIn(self.date_code(a["fires_at"]) + t.strftime("%a %Y-%m-%d %H:%M UTC").encode() +
                          SGR["reset"], out)
        self.assertIn(SGR["tentative"] + b"Maybe thing" + SGR["reset"], out)
        self.assertNotIn(SGR["tentative"] + b"Soon thing", out)
        self.assert_only_palette(out)
        self.assertEqual(strip_sgr(out), self.piped("next", "-n", "2"))
        self.assertNotIn(ESC, self.on_tty("next", "-n", "2", NO_COLOR="1")[1])
        self.assertNotIn(ESC, self.on_tty("--json", "next", "-n", "2")[1])
