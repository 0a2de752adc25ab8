#!/usr/bin/env python3
"""Writes the same synthetic event set in each tool's format.

N events over 2020-2030: ~45% timed events in one of several zones (with a duration), ~45%
all-day events, ~10% yearly anniversaries. Deterministic for a given N and seed.

Outputs in OUT_DIR: events.ics (Herald import, calcurse -i), events.rem (remind),
calcurse/apts (calcurse's own data directory), vdir/ (khal: one .ics per event).
"""
import argparse
import datetime as dt
import os
import random
from zoneinfo import ZoneInfo

ZONES = ["Asia/Tokyo", "Asia/Bishkek", "Europe/Berlin", "America/New_York", "Asia/Almaty"]
LOCAL = ZoneInfo("Asia/Bishkek")  # remind and calcurse have no per-event zones: convert to this one
START = dt.date(2020, 1, 1)
DAYS = (dt.date(2030, 12, 31) - START).days


def events(n, seed=42):
    rng = random.Random(seed)
    for i in range(n):
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        kind = rng.random()
        title = f"Event {i} meeting {rng.choice(['tokyo', 'bishkek', 'almaty', 'tashkent', 'osaka'])}"
        if kind < 0.10:
            yield {"kind": "yearly", "date": day, "title": title, "uid": f"bench-{i}@herald"}
        elif kind < 0.55:
            yield {"kind": "allday", "date": day, "title": title, "uid": f"bench-{i}@herald"}
        else:
            zone = rng.choice(ZONES)
            start = dt.datetime(day.year, day.month, day.day, rng.randrange(8, 19), rng.choice([0, 15, 30, 45]),
                                tzinfo=ZoneInfo(zone))
            yield {"kind": "timed", "start": start, "zone": zone, "minutes": rng.choice([30, 60, 90]),
                   "title": title, "uid": f"bench-{i}@herald"}


def vevent_lines(e):
    """The VEVENT of one event, as lines without line ends."""
    lines = ["BEGIN:VEVENT", f"UID:{e['uid']}", "DTSTAMP:20260101T000000Z", f"SUMMARY:{e['title']}"]
    if e["kind"] == "timed":
        lines.append(f"DTSTART;TZID={e['zone']}:{e['start'].strftime('%Y%m%dT%H%M%S')}")
        lines.append(f"DURATION:PT{e['minutes']}M")
    else:
        lines.append(f"DTSTART;VALUE=DATE:{e['date'].strftime('%Y%m%d')}")
        end = e["date"] + dt.timedelta(days=1)
        lines.append(f"DTEND;VALUE=DATE:{end.strftime('%Y%m%d')}")
        if e["kind"] == "yearly":
            lines.append("RRULE:FREQ=YEARLY")
    lines.append("END:VEVENT")
    return lines


def write_calendar(path, vevents):
    with open(path, "w", newline="") as f:
        f.write("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Herald//bench generator//EN", *vevents,
                              "END:VCALENDAR", ""]))


def write_ics(path, evs):
    write_calendar(path, [line for e in evs for line in vevent_lines(e)])


def write_vdir(dir_, evs):
    # khal reads a vdir: one .ics per event, named after its UID (as vdirsyncer stores a CalDAV
    # calendar). TZID names an Olson zone without a VTIMEZONE, as in events.ics.
    os.makedirs(dir_, exist_ok=True)
    for e in evs:
        write_calendar(os.path.join(dir_, e["uid"].replace("@", "_") + ".ics"), vevent_lines(e))


def write_rem(path, evs):
    with open(path, "w") as f:
        for e in evs:
            if e["kind"] == "timed":
                local = e["start"].astimezone(LOCAL)
                f.write(f"REM {local:%Y-%m-%d} AT {local:%H:%M} DURATION {e['minutes'] // 60}:{e['minutes'] % 60:02d} "
                        f"MSG {e['title']}\n")
            elif e["kind"] == "allday":
                f.write(f"REM {e['date']:%Y-%m-%d} MSG {e['title']}\n")
            else:
                f.write(f"REM {e['date'].day} {e['date']:%b} MSG {e['title']}\n")


def calcurse_key(e):
    # calcurse saves recurring items first, then all-day events, then appointments, each sorted.
    group = {"yearly": 0, "allday": 1, "timed": 2}[e["kind"]]
    if e["kind"] == "timed":
        return group, e["start"].astimezone(LOCAL).replace(tzinfo=None)
    return group, dt.datetime(e["date"].year, e["date"].month, e["date"].day)


def write_calcurse(dir_, evs):
    # In the order calcurse itself saves its apts file: it appends to its sorted lists in O(1)
    # when the input is in that order, and a file in random order makes every load far slower
    # (147 s instead of ~4.5 s for `calcurse -Q` at 100,000 events on the bench machine).
    os.makedirs(dir_, exist_ok=True)
    with open(os.path.join(dir_, "apts"), "w") as f:
        for e in sorted(evs, key=calcurse_key):
            if e["kind"] == "timed":
                a = e["start"].astimezone(LOCAL)
                b = a + dt.timedelta(minutes=e["minutes"])
                f.write(f"{a:%m/%d/%Y} @ {a:%H:%M} -> {b:%m/%d/%Y} @ {b:%H:%M} |{e['title']}\n")
            elif e["kind"] == "allday":
                f.write(f"{e['date']:%m/%d/%Y} [1] |{e['title']}\n")
            else:
                f.write(f"{e['date']:%m/%d/%Y} [1] {{1Y}} |{e['title']}\n")
    open(os.path.join(dir_, "todo"), "w").close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--formats", default="ics,rem,calcurse")
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    evs = list(events(args.n, args.seed))
    formats = args.formats.split(",")
    if "ics" in formats:
        write_ics(os.path.join(args.out_dir, "events.ics"), evs)
    if "rem" in formats:
        write_rem(os.path.join(args.out_dir, "events.rem"), evs)
    if "calcurse" in formats:
        write_calcurse(os.path.join(args.out_dir, "calcurse"), evs)
    if "khal" in formats:
        write_vdir(os.path.join(args.out_dir, "vdir"), evs)


if __name__ == "__main__":
    main()
