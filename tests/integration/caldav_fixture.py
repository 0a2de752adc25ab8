"""Large CalDAV collections written fast, for test_caldav's big sync and bench/sync.py.

Uploading 10,000 resources one PUT at a time takes minutes (Xandikos makes a git commit per PUT),
and one PUT of many VEVENTs is not valid CalDAV (a resource holds one UID). So the collection is
written the way each server stores it, before the server starts: Radicale's storage folder (one
`.ics` per resource plus `.Radicale.props`, which Radicale reads as its own), Xandikos's git
tree (the files, `git add`, one commit: what Xandikos reads from its index). The servers serve
them like any uploaded resource; what Herald then does is ordinary CalDAV.
"""
import datetime
import json
import os
import subprocess

PRODID = "-//Herald tests//bulk collection//EN"


def bulk_resources(n, first_day=datetime.date(2026, 1, 5), prefix="bulk"):
    """n resources (file name, iCalendar text): one timed VEVENT each, a few per day from
    `first_day`, UIDs `<prefix>-<k>`."""
    out = []
    for k in range(n):
        day = first_day + datetime.timedelta(days=k // 8)
        start = datetime.datetime.combine(day, datetime.time(8 + k % 8, 15))
        end = start + datetime.timedelta(minutes=45)
        uid = f"{prefix}-{k}"
        text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                f"PRODID:{PRODID}\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
                "DTSTAMP:20250101T000000Z\r\n"
                f"DTSTART:{start:%Y%m%dT%H%M%S}Z\r\nDTEND:{end:%Y%m%dT%H%M%S}Z\r\n"
                f"SUMMARY:Bulk meeting {k}\r\n"
                f"DESCRIPTION:Generated resource {k} of {n}\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n")
        out.append((f"{uid}.ics", text))
    return out


def _write(folder, resources):
    os.makedirs(folder, exist_ok=True)
    for name, text in resources:
        with open(os.path.join(folder, name), "w", newline="") as f:
            f.write(text)


def fill_radicale(collections, path, resources):
    """Writes `resources` as the calendar collection at `path` ("alice/office") of the Radicale
    whose --storage-filesystem-folder is `collections` (the server must not be running)."""
    folder = os.path.join(collections, "collection-root", *path.strip("/").split("/"))
    _write(folder, resources)
    with open(os.path.join(folder, ".Radicale.props"), "w") as f:
        json.dump({"tag": "VCALENDAR", "D:displayname": os.path.basename(folder),
                   "C:supported-calendar-component-set": "VEVENT"}, f)


def fill_xandikos(dav, resources, collection="user/calendars/calendar"):
    """Writes `resources` into the calendar `collection` of the Xandikos whose -d is `dav`, which
    must have run once with --defaults (so the collection's git tree exists), and is not running."""
    folder = os.path.join(dav, collection)
    _write(folder, resources)
    git = ["git", "-C", folder, "-c", "user.name=Herald tests", "-c", "user.email=tests@invalid"]
    subprocess.run(git + ["add", "-A"], check=True, capture_output=True)
    subprocess.run(git + ["commit", "-q", "-m", f"{len(resources)} resources"], check=True,
                   capture_output=True)
