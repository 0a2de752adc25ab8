"""An independent oracle for what an iCalendar file means: Debian's python3-icalendar parses it,
python3-x-wr-timezone gives floating times the calendar's X-WR-TIMEZONE, and
python3-recurring-ical-events expands the occurrences. One correction: python-icalendar reads a
Windows TZID with its own (old) Windows→Olson table and ignores the file's VTIMEZONE, but a TZID
that is not an IANA name is defined by the file's VTIMEZONE (RFC 5545 §3.2.19), so such values are
re-read with python-icalendar's own VTIMEZONE evaluator (Timezone.to_tz). No Herald code is used."""
import datetime as dt
import zoneinfo

from dateutil.rrule import rrulestr
import icalendar
import recurring_ical_events
import x_wr_timezone

UTC = dt.timezone.utc
TIME_PROPS = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


def _is_iana(name):
    try:
        zoneinfo.ZoneInfo(name)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False


def _relocalize(value, zones):
    """A vDDDTypes value re-read in the file's VTIMEZONE when its TZID is not an IANA name."""
    tzid = value.params.get("TZID")
    if not tzid or tzid not in zones or _is_iana(tzid) or not isinstance(value.dt, dt.datetime):
        return
    value.dt = zones[tzid].localize(value.dt.replace(tzinfo=None))


def parse(data):
    """The calendar (or bare component) of `data` (bytes) with the corrections above applied."""
    cal = icalendar.Calendar.from_ical(data)
    zones = {str(tz["TZID"]): tz.to_tz() for tz in cal.walk("VTIMEZONE")}
    for ve in cal.walk("VEVENT"):
        for name in TIME_PROPS:
            values = ve.get(name)
            for v in values if isinstance(values, list) else [values] if values is not None else []:
                for one in getattr(v, "dts", [v]):
                    _relocalize(one, zones)
    if cal.name == "VCALENDAR":
        cal = x_wr_timezone.to_standard(cal)
    return cal


def key(value):
    """An occurrence start as text: UTC minutes for zoned times, local minutes when floating,
    the date for all-day values."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def _instances_on_until(cal, start, end):
    """Debian 12's recurring-ical-events 2.0.1 drops an instance that falls exactly on a UTC
    UNTIL; RFC 5545 makes UNTIL inclusive, so python3-dateutil finds those instances."""
    out = set()
    for ve in cal.walk("VEVENT"):
        rule = ve.get("RRULE")
        if rule is None or "UNTIL" not in rule or "RECURRENCE-ID" in ve:
            continue
        until = rule["UNTIL"][0]
        first = ve["DTSTART"].dt
        if not isinstance(until, dt.datetime) or until.tzinfo is None or not isinstance(first, dt.datetime):
            continue
        exdates = {key(d.dt) for v in (ve.get("EXDATE") if isinstance(ve.get("EXDATE"), list)
                                       else [ve.get("EXDATE")] if ve.get("EXDATE") else []) for d in v.dts}
        naive = until.astimezone(UTC).replace(tzinfo=None)
        if until in _instants(rule, first, until) and start <= naive < end and key(until) not in exdates:
            out.add((str(ve.get("SUMMARY", "")), key(until)))
    return out


def _instants(rule, first, until):
    """The instants of `rule` from `first` up to the UTC `until`: dateutil expands wall times;
    IANA zones resolve through zoneinfo, a file's own VTIMEZONE through python-icalendar's
    evaluator (pytz-like: localize)."""
    tz = first.tzinfo
    if hasattr(tz, "zone") and _is_iana(tz.zone):  # pytz zones from icalendar 4; dateutil needs zoneinfo
        return list(rrulestr(rule.to_ical().decode(), dtstart=first.replace(tzinfo=zoneinfo.ZoneInfo(tz.zone))))
    if not hasattr(tz, "localize"):
        return list(rrulestr(rule.to_ical().decode(), dtstart=first))
    text = ";".join(p for p in rule.to_ical().decode().split(";") if not p.startswith("UNTIL="))
    out = []
    for wall in rrulestr(text, dtstart=first.replace(tzinfo=None)):
        instant = tz.localize(wall)
        if instant > until:
            return out
        out.append(instant)
    return out


def occurrences(cal, start, end):
    """{(summary, start key)} of every occurrence between start and end (naive UTC datetimes)."""
    return {(str(o.get("SUMMARY", "")), key(o["DTSTART"].dt))
            for o in recurring_ical_events.of(cal).between(start, end)} | _instances_on_until(cal, start, end)


def herald_occurrences(agenda):
    """The same set from a Herald agenda reply asked for in UTC."""
    out = set()
    for o in agenda["occurrences"]:
        if o["precision"] == "minute" and o.get("tz"):
            out.add((o["title"], o["occurrence_start"][:16]))
        else:
            out.add((o["title"], o["occurrence_local"][:16]))
    return out
