#!/usr/bin/env python3
"""Differential test of Herald's recurrence expansion against python3-dateutil.

Seeded random RRULEs (every FREQ, BYSETPOS, BYWEEKNO with WKST, BYYEARDAY, negative parts, COUNT,
UNTIL in UTC and local form, starts in DST gaps and overlaps, many zones) go through the test-only
tool `rrule_expand` (herald-core's validation and agenda code, no daemon); the same rules are
expanded by dateutil in wall time and resolved to instants by zoneinfo with RFC 5545's rules
(fold=0: a gap time moves forward by the gap, an ambiguous time is the first).

What the oracle encodes on top of dateutil (Herald's documented reading, docs/architecture.md):
- DTSTART is always the first instance, and COUNT counts it: when DTSTART is not an instance of
  the rule, the set is DTSTART plus the rule's first COUNT-1 instances.
- UNTIL in UTC (a zoned start) bounds instants; a local UNTIL bounds wall times; a DATE UNTIL
  (all-day start) bounds dates.
- One event lists an instant once (two wall times shifted onto the same instant by a gap).
- dateutil's BYWEEKNO mask is wrong for the days of a week that straddles the new year and
  belongs to the other year (see `week_of`); a rule that differs only there is counted apart.
- Rules RFC 5545 §3.3.10 forbids (BYWEEKNO outside YEARLY, BYYEARDAY with DAILY/WEEKLY/MONTHLY,
  BYMONTHDAY with WEEKLY, numeric BYDAY outside MONTHLY/YEARLY or with BYWEEKNO, BYSETPOS alone,
  COUNT with UNTIL, BYHOUR/BYMINUTE/BYSECOND or sub-daily FREQ on an all-day start) must be refused.

Usage: rrule_differential.py --tool build/dev/tests/core/rrule_expand [--rules N] [--seed S]
Exit status 1 when any rule differs.
"""
import argparse
import datetime
import random
import signal
import subprocess
import sys
import time
import warnings
from zoneinfo import ZoneInfo

import dateutil.rrule
from dateutil.rrule import rrulestr

UTC = datetime.timezone.utc
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo",
         "Pacific/Chatham", "Asia/Kathmandu", "UTC", "America/Sao_Paulo", "Pacific/Apia",
         "America/St_Johns", "Europe/London", "Asia/Tehran"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
FREQS = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"]
FREQ_WEIGHTS = [30, 25, 15, 15, 7, 5, 3]
# Times of day that land in or next to DST gaps and overlaps in the zones above.
TIMES = [(9, 0), (2, 30), (1, 30), (2, 0), (0, 0), (3, 0), (23, 15), (14, 40), (0, 30), (3, 30)]


def sample(rng, values, lo, hi):
    return rng.sample(values, rng.randint(lo, min(hi, len(values))))


def join(values):
    return ",".join(str(v) for v in values)


def signed(rng, hi, lo=1):
    n = rng.randint(lo, hi)
    return -n if rng.random() < 0.35 else n


def random_parts(rng, freq, all_day):
    """A valid rule's BY parts for `freq`, following RFC 5545 §3.3.10's table.

    Sub-daily rules get only day parts that match at least once a year and BYSETPOS positions
    that exist: dateutil never returns from a sub-daily rule without instances."""
    parts = []
    sub_daily = freq in ("HOURLY", "MINUTELY", "SECONDLY")
    has_weekno = freq == "YEARLY" and rng.random() < 0.2
    if has_weekno:
        parts.append("BYWEEKNO=" + join(signed(rng, 53) for _ in range(rng.randint(1, 3))))
    if rng.random() < (0.35 if freq != "YEARLY" else 0.3):
        parts.append("BYMONTH=" + join(sorted(sample(rng, list(range(1, 13)), 1, 4))))
    has_month = any(p.startswith("BYMONTH=") for p in parts)
    day_part = rng.random() if sub_daily else None
    if freq in ("YEARLY", "HOURLY", "MINUTELY", "SECONDLY") and (
            rng.random() < 0.2 if not sub_daily else day_part < 0.15 and not has_month):
        parts.append("BYYEARDAY=" + join(signed(rng, 365 if sub_daily else 366)
                                         for _ in range(rng.randint(1, 4))))
    if freq != "WEEKLY" and (rng.random() < 0.3 if not sub_daily else 0.15 <= day_part < 0.3):
        parts.append("BYMONTHDAY=" + join(signed(rng, 28 if sub_daily else 31)
                                          for _ in range(rng.randint(1, 3))))
    if rng.random() < 0.45 if not sub_daily else 0.3 <= day_part < 0.6:
        # All entries numbered or none: dateutil intersects plain and numbered entries (RFC 5545
        # unites them; test_recurrence.cpp pins that case by hand).
        numbered = freq in ("MONTHLY", "YEARLY") and not has_weekno and rng.random() < 0.5
        days = []
        for d in sample(rng, DAYS, 1, 4):
            ordinal = ""
            if numbered:
                ordinal = str(signed(rng, 5 if freq == "MONTHLY" or has_month else 53))
            days.append(ordinal + d)
        parts.append("BYDAY=" + join(days))
    per_period = 1  # instances in one DAILY or sub-daily period
    if not all_day:
        if rng.random() < (0.5 if sub_daily else 0.15):
            hours = sample(rng, list(range(24)), 1, 4)
            parts.append("BYHOUR=" + join(hours))
            per_period *= len(hours) if freq == "DAILY" else 1
        if rng.random() < (0.4 if sub_daily else 0.1):
            minutes = sample(rng, list(range(60)), 1, 3)
            parts.append("BYMINUTE=" + join(minutes))
            per_period *= len(minutes) if freq in ("DAILY", "HOURLY") else 1
        if rng.random() < (0.3 if sub_daily else 0.05):
            seconds = sample(rng, list(range(60)), 1, 3)
            parts.append("BYSECOND=" + join(seconds))
            per_period *= len(seconds) if freq in ("DAILY", "HOURLY", "MINUTELY") else 1
    # dateutil never returns from a rule whose BYSETPOS picks nothing in any period (it checks
    # UNTIL only on instances), so BYSETPOS goes only with parts that cannot contradict each
    # other, and DAILY and shorter periods get positions that exist.
    names = [p.split("=")[0] for p in parts]
    day_limits = sum(n in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY") for n in names) + any(
        any(c.isdigit() for c in p) for p in parts if p.startswith("BYDAY="))
    consistent = day_limits + ("BYMONTH" in names) <= 1
    if parts and consistent and rng.random() < 0.35:
        top = per_period if sub_daily or freq == "DAILY" else 1
        parts.append("BYSETPOS=" + join(signed(rng, top) for _ in range(rng.randint(1, 2))))
    if rng.random() < 0.3:
        parts.append("WKST=" + rng.choice(DAYS))
    rng.shuffle(parts)
    return parts


INVALID = [  # (rule, all-day start) pairs RFC 5545 rejects
    ("FREQ=DAILY;BYWEEKNO=3", False), ("FREQ=MONTHLY;BYWEEKNO=-1", False),
    ("FREQ=DAILY;BYYEARDAY=100", False), ("FREQ=WEEKLY;BYYEARDAY=1", False),
    ("FREQ=MONTHLY;BYYEARDAY=-1", False), ("FREQ=WEEKLY;BYMONTHDAY=1", False),
    ("FREQ=WEEKLY;BYDAY=2MO", False), ("FREQ=DAILY;BYDAY=-1FR", False),
    ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=1MO", False), ("FREQ=MONTHLY;BYSETPOS=1", False),
    ("FREQ=DAILY;COUNT=3;UNTIL=20300101T000000Z", False), ("FREQ=DAILY;BYHOUR=9", True),
    ("FREQ=HOURLY", True), ("FREQ=YEARLY;BYMONTH=13", False), ("FREQ=MONTHLY;BYMONTHDAY=0", False),
    ("FREQ=YEARLY;BYYEARDAY=367", False), ("FREQ=YEARLY;BYWEEKNO=54", False),
    ("FREQ=DAILY;INTERVAL=0", False), ("FREQ=DAILY;COUNT=0", False), ("BYDAY=MO", False),
    ("FREQ=FORTNIGHTLY", False), ("FREQ=DAILY;BYHOUR=24", False), ("FREQ=DAILY;BYMINUTE=60", False),
    ("FREQ=DAILY;FREQ=WEEKLY", False), ("FREQ=DAILY;WKST=XX", False), ("FREQ=DAILY;BYSETPOS=0", False),
]


def make_case(rng, i):
    """One random case: the line for the tool and what the oracle needs."""
    if rng.random() < 0.03:
        rule, all_day = rng.choice(INVALID)
        start = "2025-01-10" if all_day else "2025-01-10T09:00"
        return {"id": i, "rule": rule, "zone": "" if all_day else "UTC", "start": start,
                "invalid": True, "from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z"}
    freq = rng.choices(FREQS, FREQ_WEIGHTS)[0]
    sub_daily = freq in ("HOURLY", "MINUTELY", "SECONDLY")
    all_day = not sub_daily and rng.random() < 0.15
    zone = "" if all_day else rng.choice(ZONES)
    if rng.random() < 0.5:
        day = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randint(0, 11000))
    else:
        day = datetime.date(2030, 1, 1) + datetime.timedelta(days=rng.randint(0, 25000))
    if rng.random() < 0.05:  # far dates: the old libical path stopped at 2582
        day = datetime.date(rng.choice([2399, 2583, 4000, 9980]), 1, 1) + datetime.timedelta(
            days=rng.randint(0, 1000))
    hour, minute = (0, 0) if all_day else rng.choice(TIMES)
    dtstart = datetime.datetime.combine(day, datetime.time(hour, minute))
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.4:
        parts.append(f"INTERVAL={rng.choice([2, 3, 4, 5, 7, 10])}")
    parts += random_parts(rng, freq, all_day)
    # How far past DTSTART the oracle may have to iterate (dateutil walks from DTSTART).
    reach = {"SECONDLY": 0, "MINUTELY": 4, "HOURLY": 30, "DAILY": 200, "WEEKLY": 300}.get(freq, 400)
    end = rng.random()
    until = None
    if end < 0.3:
        parts.append(f"COUNT={rng.randint(1, 60)}")
    elif end < 0.6:
        span = datetime.timedelta(days=rng.randint(0, reach), seconds=rng.randint(0, 86400))
        u = dtstart + span
        if all_day:
            until = ("date", u.date())
            parts.append(u.strftime("UNTIL=%Y%m%d"))
        elif rng.random() < 0.8:
            # A UTC UNTIL: half the time exactly at an instance's instant near a DST change.
            if rng.random() < 0.5:
                u = u.replace(minute=dtstart.minute, second=0)
            instant = u.replace(tzinfo=ZoneInfo(zone), fold=rng.randint(0, 1)).astimezone(UTC)
            instant += datetime.timedelta(seconds=rng.choice([0, 0, -1, 1, 3600, -3600]))
            until = ("utc", instant)
            parts.append(instant.strftime("UNTIL=%Y%m%dT%H%M%SZ"))
        else:
            until = ("local", u)
            parts.append(u.strftime("UNTIL=%Y%m%dT%H%M%S"))
    rng.shuffle(parts)
    offset = datetime.timedelta(days=rng.randint(-3, reach), hours=rng.randint(0, 23))
    length = datetime.timedelta(days=rng.randint(1, 3) if sub_daily else rng.randint(10, 200))
    if freq == "SECONDLY":
        length = datetime.timedelta(minutes=rng.randint(5, 90))
        offset = datetime.timedelta(hours=hour, minutes=rng.randint(-30, 60))
    win_from = datetime.datetime.combine(day, datetime.time()) + offset
    win_to = win_from + length
    return {"id": i, "rule": ";".join(parts), "zone": zone, "all_day": all_day,
            "dtstart": dtstart, "until": until, "invalid": False,
            "start": dtstart.strftime("%Y-%m-%d" if all_day else "%Y-%m-%dT%H:%M"),
            "from": win_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "to": win_to.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "win": (win_from.replace(tzinfo=UTC), win_to.replace(tzinfo=UTC))}


def to_utc(local, zone):
    """RFC 5545 reading of a wall time: fold=0 is the first of an ambiguous pair, gaps move on."""
    return local.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)


def week_of(day, wkst):
    """RFC 5545 BYWEEKNO numbering of `day` with weeks from `wkst` (0 = Monday): its week number
    and the number of weeks of its week-numbering year, where week 1 is the first week with at
    least four days of the year. A few days at each end of a calendar year belong to a week of
    the neighbouring year (2040-12-31 is week 1 of 2041), and each day has its own number."""
    def week1(year):  # as a date.toordinal() (day 1 a Monday), also for years past 9999
        y = year - 1
        jan4 = y * 365 + y // 4 - y // 100 + y // 400 + 4
        return jan4 - (jan4 - 1 - wkst) % 7
    ordinal = day.toordinal()
    year = day.year - (ordinal < week1(day.year)) + (ordinal >= week1(day.year + 1))
    start = week1(year)
    return (ordinal - start) // 7 + 1, (week1(year + 1) - start) // 7


# week_of is checked against the ISO 8601 calendar of Python's datetime for WKST=MO.
assert all(week_of(d, 0)[0] == d.isocalendar()[1] for d in (
    datetime.date(1995, 1, 1) + datetime.timedelta(days=n) for n in range(0, 20000, 3)))


class NotAtTheNewYear(Exception):
    """The corrected BYWEEKNO mask differs from dateutil's away from the new year."""


class CorrectedWeekMask:
    """Within `with`: dateutil's yearly BYWEEKNO mask replaced by `week_of`'s, for the days at
    the ends of the year only. dateutil 2.8.2 numbers those days wrong in two known ways:
    - the days of the previous year's last week get that year's week count one too high in some
      years (`lnumweeks` computed from the current year's length; dateutil PR #1537): with
      BYWEEKNO=52, 2050-01-02 (week 52 of 2049) is dropped;
    - the days of the next year's week 1 match only BYWEEKNO=1, never the negative number that
      names the same week (its source: "TODO: Check -numweeks for next year"): with
      BYWEEKNO=-52, 2040-12-31 (week 1 of 2041, a 52-week year) is dropped.
    Herald and dateutil's own design (libical too, for positive numbers) number every day of the
    calendar year in its own week-numbering year (docs/testing.md, "Recurrence differential").
    Any change the correction makes to a day other than the first or last three of the year
    raises NotAtTheNewYear: that would not be one of these defects."""

    def __enter__(self):
        self.original = dateutil.rrule._iterinfo.rebuild
        original = self.original

        def rebuild(info, year, month):
            new_year = year != info.lastyear
            original(info, year, month)
            weeks = info.rrule._byweekno
            if not (new_year and weeks):
                return
            first = datetime.date(year, 1, 1)
            mask = [0] * (info.yearlen + 7)
            for i in range(info.yearlen):
                n, total = week_of(first + datetime.timedelta(days=i), info.rrule._wkst)
                mask[i] = int(n in weeks or n - total - 1 in weeks)
                if mask[i] != info.wnomask[i] and 3 <= i < info.yearlen - 3:
                    raise NotAtTheNewYear(f"{first + datetime.timedelta(days=i)}")
            info.wnomask = mask

        dateutil.rrule._iterinfo.rebuild = rebuild
        return self

    def __exit__(self, *exc):
        dateutil.rrule._iterinfo.rebuild = self.original
        return False


class OracleTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise OracleTimeout()


def oracle(case):
    """The sorted UTC instants (as text) Herald must list, from dateutil."""
    dtstart, zone, all_day = case["dtstart"], case["zone"], case["all_day"]
    wf, wt = case["win"]
    parts = [p for p in case["rule"].split(";") if not p.startswith(("UNTIL=", "COUNT="))]
    count = next((int(p[6:]) for p in case["rule"].split(";") if p.startswith("COUNT=")), None)
    base = ";".join(parts)
    # The wall-time window: the UTC window seen in the zone, widened by more than any offset
    # change (a day where a zone skipped one, Pacific/Apia 2011; 3 h elsewhere keeps dateutil's
    # walk through SECONDLY rules short).
    slack = datetime.timedelta(hours=26 if all_day or zone == "Pacific/Apia" else 3)
    tz = UTC if all_day else ZoneInfo(zone)
    lo = wf.astimezone(tz).replace(tzinfo=None) - slack
    hi = wt.astimezone(tz).replace(tzinfo=None) + slack
    start = dtstart
    if "FREQ=WEEKLY" in base:
        # dateutil's first WEEKLY period runs from DTSTART, not from the week's start, so BYSETPOS
        # there picks among fewer days than RFC 5545's week; the oracle starts dateutil at the
        # week's start (WKST) with DTSTART's weekday written out, and drops what is before DTSTART.
        wkst = next((DAYS.index(p[5:]) for p in parts if p.startswith("WKST=")), 0)
        start = dtstart - datetime.timedelta(days=(dtstart.weekday() - wkst) % 7)
        if not any(p.startswith("BYDAY=") for p in parts):
            base += ";BYDAY=" + DAYS[dtstart.weekday()]
    try:
        # UNTIL=hi bounds dateutil's walk (it would look for a next instance up to 9999).
        walls = [w for w in rrulestr(base, dtstart=start).replace(until=hi) if w >= dtstart]
    except ValueError as e:
        # dateutil refuses a sub-daily INTERVAL that can never reach the BYHOUR/BYMINUTE/BYSECOND
        # values; RFC 5545 allows the rule, which simply has no instances besides DTSTART.
        if "empty set" not in str(e):
            raise
        walls = []
    if count is not None:
        # DTSTART counts as the first instance: when it is not one of the rule's, the rule adds
        # only COUNT-1 more.
        walls = walls[:count if walls[:1] == [dtstart] else count - 1]
    walls = [w for w in walls if lo <= w]
    until = case["until"]
    if until is not None:
        kind, value = until
        if kind == "date":
            walls = [w for w in walls if w.date() <= value]
        elif kind == "local":
            walls = [w for w in walls if w <= value]
        else:
            walls = [w for w in walls if to_utc(w, zone) <= value]
    if lo <= dtstart <= hi:
        walls.append(dtstart)
    out = set()
    for w in walls:
        if all_day:
            begin = w.replace(tzinfo=UTC)
            if begin < wt and begin + datetime.timedelta(days=1) > wf:
                out.add(begin)
        else:
            begin = to_utc(w, zone)
            if wf <= begin < wt:
                out.add(begin)
    return sorted(b.strftime("%Y-%m-%dT%H:%M:%SZ") for b in out)


def dateutil_weekno_defect(case, have):
    """True when the oracle with dateutil's BYWEEKNO mask corrected at the ends of the year
    (CorrectedWeekMask) lists exactly `have`: the rule differs only by dateutil's known defects."""
    signal.alarm(3)
    try:
        with CorrectedWeekMask():
            return oracle(case) == have
    except (OracleTimeout, NotAtTheNewYear):
        return False
    finally:
        signal.alarm(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tool", required=True)
    ap.add_argument("--rules", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--show", type=int, default=15, help="differences printed in full")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, on_alarm)
    # COUNT with UNTIL (only the oracle's bound) is deprecated in dateutil, not wrong.
    warnings.simplefilter("ignore", DeprecationWarning)
    rng = random.Random(args.seed)
    cases = [make_case(rng, i) for i in range(args.rules)]
    t0 = time.monotonic()
    text = "".join(f"{c['id']}\t{c['start']}\t{c['zone']}\t{c['rule']}\t{c['from']}\t{c['to']}\n"
                   for c in cases)
    run = subprocess.run([args.tool], input=text, capture_output=True, text=True)
    got = {}
    if run.returncode != 0:
        # The tool crashed (libical did on some rules before Herald's own expander): one rule
        # per run, so each crash is counted against its rule.
        print(f"tool exited with {run.returncode}; running it once per rule")
        for c, line in zip(cases, text.splitlines(keepends=True)):
            one = subprocess.run([args.tool], input=line, capture_output=True, text=True)
            got[c["id"]] = ("CRASH", f"exit {one.returncode}") if one.returncode else None
            if one.returncode == 0:
                run.stdout += one.stdout
    t_tool = time.monotonic() - t0
    for line in run.stdout.splitlines():
        ident, status, rest = line.split("\t", 2)
        got[int(ident)] = (status, rest)
    diffs = refused_valid = accepted_invalid = instants = undecided = weekno_defects = 0
    shown = []
    for c in cases:
        status, rest = got[c["id"]]
        if c["invalid"]:
            if status != "ERROR":
                accepted_invalid += 1
                shown.append(f"accepted invalid rule {c['rule']}")
            continue
        if status == "CRASH":
            diffs += 1
            shown.append(f"crashed on {c['rule']} from {c['start']} {c['zone']}: {rest}")
            continue
        if status == "ERROR":
            refused_valid += 1
            shown.append(f"refused {c['rule']} from {c['start']} {c['zone']}: {rest}")
            continue
        have = sorted(rest.split(",")) if rest else []
        signal.alarm(3)  # a rule dateutil cannot finish is reported, not waited for
        try:
            want = oracle(c)
        except OracleTimeout:
            # dateutil checks UNTIL only on instances, so on a rule without any (BY parts that
            # never meet) it walks on to 9999: such a rule cannot be checked here.
            undecided += 1
            shown.append(f"dateutil did not return on {c['rule']} from {c['start']} {c['zone']}")
            continue
        finally:
            signal.alarm(0)
        instants += len(want)
        if have != want and "BYWEEKNO=" in c["rule"] and dateutil_weekno_defect(c, have):
            weekno_defects += 1
            shown.append(f"dateutil's BYWEEKNO defect at the new year on {c['rule']} from "
                         f"{c['start']} {c['zone'] or 'all-day'}: it lists {want}")
            continue
        if have != want:
            diffs += 1
            missing = [w for w in want if w not in have][:4]
            extra = [h for h in have if h not in want][:4]
            shown.append(f"differs {c['rule']} from {c['start']} {c['zone'] or 'all-day'} window "
                         f"{c['from']}..{c['to']}: missing {missing} extra {extra}")
    print(f"{args.rules} rules (seed {args.seed}): {diffs} differ, {refused_valid} valid rules "
          f"refused, {accepted_invalid} invalid rules accepted, {undecided} undecided (dateutil did not "
          f"return in 3 s), {weekno_defects} dateutil BYWEEKNO defects at the new year (agree with the "
          f"corrected week mask); {instants} instants compared; "
          f"tool {t_tool:.1f} s, total {time.monotonic() - t0:.1f} s")
    for s in shown[:args.show]:
        print("  " + s)
    # Undecided rules are few (BY parts that never meet); more would mean the oracle checks little.
    return 1 if diffs or refused_valid or accepted_invalid or undecided > args.rules // 200 else 0


if __name__ == "__main__":
    sys.exit(main())
