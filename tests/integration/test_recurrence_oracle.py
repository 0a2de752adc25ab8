"""Recurrence expansion checked against an independent implementation.

A few hundred seeded random RRULEs (with EXDATE/RDATE now and then) are added to the real daemon;
the occurrences `agenda` returns for a window are compared with python3-dateutil's rrule,
expanded in the same local time and converted to UTC with zoneinfo.

Deliberate differences, handled here rather than hidden:
- DTSTART is always an instance in Herald (RFC 5545 §3.8.5.3); dateutil omits a DTSTART that does
  not match the rule, so the oracle adds it. COUNT counts it: the rule then adds COUNT-1 more.
- A UTC UNTIL bounds instants (compared after the wall time is resolved in the zone).
- A local time in a DST gap: Herald moves it forward by the gap (RFC 5545 §3.3.5); zoneinfo with
  fold=0 gives the same instant, so no adjustment is needed.
- Windows run past 2037, where the system's TZif files have no explicit transitions left and
  both Herald (core/tz_rule) and zoneinfo follow the zone's POSIX TZ footer rule.
"""
import datetime
import random
import unittest
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from harness import DaemonTestCase

UTC = datetime.timezone.utc
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "Pacific/Chatham",
         "Asia/Kathmandu", "UTC", ""]  # "" = all-day event
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
N_RULES = 300


def random_rule(rng, all_day, zone, dtstart):
    freq = rng.choice(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.5:
        parts.append(f"INTERVAL={rng.randint(2, 4)}")
    if freq == "WEEKLY" and rng.random() < 0.6:
        parts.append("BYDAY=" + ",".join(sorted(rng.sample(DAYS, rng.randint(1, 3)), key=DAYS.index)))
    if freq in ("MONTHLY", "YEARLY"):
        kind = rng.random()
        if kind < 0.3:
            ordinal = rng.choice([1, 2, 3, 4, -1, -2])
            parts.append(f"BYDAY={ordinal}{rng.choice(DAYS)}")
        elif kind < 0.55:
            parts.append("BYMONTHDAY=" + ",".join(str(d) for d in rng.sample([1, 5, 15, 28, -1, -3, 31, 30], 2)))
        elif kind < 0.75:
            parts.append("BYDAY=MO,TU,WE,TH,FR;BYSETPOS=" + rng.choice(["1", "-1", "2", "-2,1"]))
    if freq == "YEARLY" and rng.random() < 0.4:
        parts.append("BYMONTH=" + ",".join(str(m) for m in sorted(rng.sample(range(1, 13), rng.randint(1, 3)))))
    if freq == "DAILY" and rng.random() < 0.3:
        parts.append("BYMONTH=" + ",".join(str(m) for m in sorted(rng.sample(range(1, 13), 3))))
    if rng.random() < 0.3:
        parts.append("WKST=" + rng.choice(DAYS))
    herald_parts, oracle_parts = list(parts), list(parts)
    end = rng.random()
    until = None
    if end < 0.3:
        count = rng.randint(1, 60)
        herald_parts.append(f"COUNT={count}")
        oracle_parts.append(f"COUNT={count}")
    elif end < 0.6:
        until_local = dtstart + datetime.timedelta(days=rng.randint(30, 4000))
        if all_day:
            herald_parts.append(until_local.strftime("UNTIL=%Y%m%d"))
            oracle_parts.append(until_local.strftime("UNTIL=%Y%m%dT000000"))
        else:
            # Herald gets UTC (as RFC 5545 requires for zoned times), which bounds instants; the
            # oracle filters its instants by it.
            until = until_local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
            herald_parts.append(until.strftime("UNTIL=%Y%m%dT%H%M%SZ"))
    return ";".join(herald_parts), ";".join(oracle_parts), until


def to_utc(local, zone):
    """RFC 5545 reading of a wall time: fold=0 is the first of an ambiguous pair and moves a gap forward."""
    return local.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)


class RecurrenceOracle(DaemonTestCase):
    def test_random_rules_match_dateutil(self):
        rng = random.Random(20250606)
        c = self.d.connect()
        checked = compared = late = 0
        for i in range(N_RULES):
            zone = rng.choice(ZONES)
            all_day = zone == ""
            # Half the series start 1995-2025, half 2030-2098 (past the TZif files' explicit data).
            if rng.random() < 0.5:
                day = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randint(0, 11000))
            else:
                day = datetime.date(2030, 1, 1) + datetime.timedelta(days=rng.randint(0, 25000))
            if all_day:
                dtstart = datetime.datetime.combine(day, datetime.time())
            else:
                hour, minute = rng.choice([(9, 0), (2, 30), (1, 30), (14, 40), (23, 15), (0, 0), (2, 15), (3, 0)])
                dtstart = datetime.datetime.combine(day, datetime.time(hour, minute))
            herald_rule, oracle_rule, until = random_rule(rng, all_day, zone, dtstart)
            event = {"uid": f"oracle-{i}@test", "title": f"rule {i}", "rrule": herald_rule,
                     "start": dtstart.strftime("%Y-%m-%d") if all_day else dtstart.strftime("%Y-%m-%dT%H:%M"),
                     "tz": zone}
            oracle = rrulestr(oracle_rule, dtstart=dtstart)
            if "COUNT=" in oracle_rule and not oracle.between(dtstart, dtstart, inc=True):
                # DTSTART (not an instance of the rule) counts as the first: COUNT-1 more.
                count = int(oracle_rule.split("COUNT=")[1].split(";")[0])
                oracle = oracle.replace(count=count - 1) if count > 1 else None
            # Now and then an EXDATE (a real instance) and an RDATE (an extra one).
            first = oracle.after(dtstart + datetime.timedelta(days=1)) if oracle else None
            if first is not None and until is not None and to_utc(first, zone) > until:
                first = None
            exdates, rdates = [], []
            if first is not None and rng.random() < 0.3:
                exdates.append(first)
                event["exdates"] = [first.strftime("%Y-%m-%d" if all_day else "%Y-%m-%dT%H:%M")]
            if rng.random() < 0.2:
                extra = dtstart + datetime.timedelta(days=rng.randint(1, 400), hours=0 if all_day else 5)
                rdates.append(extra)
                event["rdates"] = [extra.strftime("%Y-%m-%d" if all_day else "%Y-%m-%dT%H:%M")]
            reply = c.call("event.add", {"event": event})
            self.assertNotIn("error", reply, f"rule {i}: {herald_rule} refused")
            event_id = reply["result"]["event"]["id"]
            win_from = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
                days=rng.randint(-30, 3000))
            win_to = win_from + datetime.timedelta(days=rng.randint(20, 500))
            agenda = c.agenda_all({"from": win_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                         "to": win_to.strftime("%Y-%m-%dT%H:%M:%SZ"), "tz": "UTC",
                                         "text": f"rule {i}", "undated": False})
            got = [o["occurrence_start"] for o in agenda["occurrences"] if o["id"] == event_id]

            local_from, local_to = win_from - datetime.timedelta(days=2), win_to + datetime.timedelta(days=2)
            instances = set(oracle.between(local_from, local_to, inc=True)) if oracle else set()
            if until is not None:
                instances = {t for t in instances if to_utc(t, zone) <= until}
            instances |= {t for t in [dtstart, *rdates] if local_from <= t <= local_to}
            instances -= set(exdates)
            wf, wt = win_from.replace(tzinfo=UTC), win_to.replace(tzinfo=UTC)
            expected = []
            for t in sorted(instances):
                if all_day:  # an all-day occurrence spans its day in the viewer's zone (UTC here)
                    begin, end = t.replace(tzinfo=UTC), t.replace(tzinfo=UTC) + datetime.timedelta(days=1)
                    if begin < wt and end > wf:
                        expected.append(begin)
                else:
                    begin = to_utc(t, zone)
                    if wf <= begin < wt:
                        expected.append(begin)
            expected_text = sorted({e.strftime("%Y-%m-%dT%H:%M:%SZ") for e in expected})
            self.assertEqual(got, expected_text,
                             f"rule {i}: {herald_rule} from {event['start']} {zone} window {win_from}..{win_to}")
            checked += 1
            compared += len(got)
            late += sum(1 for t in got if t >= "2038")
        self.assertGreaterEqual(checked, N_RULES * 8 // 10, f"only {checked} rules checked")
        self.assertGreater(compared, 1000, "the windows should hold many occurrences")
        self.assertGreater(late, 500, "many occurrences should lie past 2037, where the TZ footer rules apply")


if __name__ == "__main__":
    unittest.main()
