"""GNU date as an oracle for Herald's date input (issue 16 item 8): each form both accept is
resolved by herald-core (tools when_probe, with a fixed "now") and by `date -d` (coreutils), in
UTC, Asia/Tokyo and Europe/Berlin on its spring-forward day, and must name the same instant (a
time) or the same day (a date). faketime is not available, so GNU's side gets "now" as an
absolute base in the text ("2026-03-29 00:30:00 2 hours"); weekday words, which GNU ignores
after a base date, are compared at the real now instead.

  when_gnu_oracle.py --tool build/dev/tests/core/when_probe
"""
import argparse
import datetime
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

# (zone, now as a local wall time): the Berlin one is 00:30 on the day the clocks skip 02:00-03:00.
NOWS = [("UTC", "2026-12-03 10:00:20"), ("Asia/Tokyo", "2026-12-03 08:00:00"),
        ("Europe/Berlin", "2026-03-29 00:30:00")]

# Herald's form -> GNU's (BASE: now's local date-time, DAY: its date).
FIXED = [
    ("Dec 20 2026", "Dec 20 2026"), ("20 Dec 2026", "20 Dec 2026"), ("Dec 20, 2026", "Dec 20, 2026"),
    ("December 20 2026 10:00", "December 20 2026 10:00"),
    ("20 December 2026 10:00", "20 December 2026 10:00"),
    ("Sept 1 2027 9am", "Sept 1 2027 9am"), ("12/20/2026", "12/20/2026"),
    ("12/20/2026 14:30", "12/20/2026 14:30"), ("20.12.2026", "2026-12-20"),
    ("1/2/2027", "1/2/2027"), ("2026-12-20 09:15", "2026-12-20 09:15"),
    ("2026-03-29 03:30", "2026-03-29 03:30"), ("2026-10-25 01:30", "2026-10-25 01:30"),
    ("2026-12-20T09:15Z", "2026-12-20T09:15Z"),
]
RELATIVE = [
    ("+2h", "BASE 2 hours"), ("-2h", "BASE 2 hours ago"), ("in 3 hours", "BASE 3 hours"),
    ("+10s", "BASE 10 seconds"), ("+1m", "BASE 1 minute"), ("90 minutes ago", "BASE 90 minutes ago"),
    ("+30 min", "BASE 30 minutes"), ("+3d", "BASE 3 days"), ("-3d", "BASE 3 days ago"),
    ("3 days ago", "BASE 3 days ago"), ("in 3 days", "BASE 3 days"), ("in 2 weeks", "BASE 2 weeks"),
    ("2 weeks ago", "BASE 2 weeks ago"), ("in 1 month", "BASE 1 month"), ("in 1 year", "BASE 1 year"),
    ("today", "DAY"), ("tomorrow", "DAY tomorrow"), ("yesterday", "DAY yesterday"),
    ("tomorrow 9:00", "DAY tomorrow 9:00"), ("tomorrow 1430", "DAY tomorrow 14:30"),
    ("1430", "DAY 14:30"), ("tomorrow 9:30pm", "DAY tomorrow 9:30pm"),
]
WEEKDAYS = ["monday", "next monday", "last monday", "fri", "next friday", "last friday",
            "thursday", "next thursday", "last thursday", "sunday", "last sunday"]


def probe(tool, now, zone, text):
    p = subprocess.run([tool, str(now), zone, text], capture_output=True, text=True)
    if p.returncode != 0:
        return ("refused", p.stderr.strip())
    kind, value = p.stdout.split()
    return ("instant", int(value)) if kind == "instant" else ("day", value)


def gnu(zone, text, kind):
    env = dict(os.environ, TZ=zone, LC_ALL="C")
    p = subprocess.run(["date", "-d", text, "+%s %F"], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return ("refused", p.stderr.strip())
    epoch, day = p.stdout.split()
    return ("instant", int(epoch)) if kind == "instant" else (kind, day)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    args = ap.parse_args()
    checked, differ = 0, []
    for zone, local in NOWS:
        now = int(datetime.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).timestamp())
        for mine, theirs in FIXED + RELATIVE:
            theirs = theirs.replace("BASE", local).replace("DAY", local[:10])
            h = probe(args.tool, now, zone, mine)
            g = gnu(zone, theirs, h[0])
            checked += 1
            if h != g:
                differ.append(f"{zone} now {local}: herald {mine!r} -> {h}; date -d {theirs!r} -> {g}")
        for text in WEEKDAYS:
            for _ in range(3):  # at midnight the two clocks may fall on different days: again
                before = datetime.datetime.now(ZoneInfo(zone)).date()
                h = probe(args.tool, int(datetime.datetime.now().timestamp()), zone, text)
                g = gnu(zone, text, h[0])
                if datetime.datetime.now(ZoneInfo(zone)).date() == before:
                    break
            checked += 1
            if h != g:
                differ.append(f"{zone} real now: herald {text!r} -> {h}; date -d {text!r} -> {g}")
    print(f"{checked} forms compared with GNU date, {len(differ)} differ")
    for d in differ:
        print("  " + d)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
