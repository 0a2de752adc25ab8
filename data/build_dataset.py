#!/usr/bin/env python3
"""Generate data/central-asia-japan.ics, the Herald "Central Asia + Japan" dataset.

Standard library only. The iCalendar text (RFC 5545) is written by hand:
CRLF line endings, TEXT escaping, and folding at 75 octets (UTF-8 bytes),
never splitting a multi-byte character.

Usage:
    python3 data/build_dataset.py             # (re)write data/central-asia-japan.ics
    python3 data/build_dataset.py --stdout    # print the calendar instead
    python3 data/build_dataset.py --markdown  # print the README event table

The output is deterministic: DTSTAMP is a fixed constant so that
regenerating the file without changing the data gives identical bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
import re
import sys

OUT_FILE = pathlib.Path(__file__).resolve().parent / "central-asia-japan.ics"
SOURCES_FILE = OUT_FILE.parent / "sources.csv"

PRODID = "-//Herald//Central Asia + Japan dataset//EN"
DTSTAMP = "20261123T000000Z"  # fixed: the day the dataset was compiled
UID_DOMAIN = "herald.dataset"

# --------------------------------------------------------------------------
# Sources (the five seed articles), kept in data/sources.csv: the citation a
# reader sees (author or outlet, title as printed, place and date; none of the
# articles prints a URL) and the seed file it comes from, which is
# maintainers' bookkeeping only and never written to the calendar.
# No citation may contain ";" because " ; " is the list separator.
# --------------------------------------------------------------------------
with open(SOURCES_FILE, encoding="utf-8", newline="") as _f:
    _rows = list(csv.DictReader(_f))
SOURCES = {r["seed"]: r["citation"] for r in _rows}
SEED_FILES = {r["seed"]: r["file"] for r in _rows}

# What an event's X-HERALD-INFERRED may list: the parts of it that are inferred, not stated.
INFERABLE = ("date", "year", "end", "location")

PRECISIONS = ("minute", "day", "month", "year", "none")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")

D = dt.date

# --------------------------------------------------------------------------
# Events. Fields:
#   uid         local part; "@herald.dataset" is appended
#   summary     SUMMARY (may contain the Herald template "{ordinal}")
#   start       datetime.date (all-day) or datetime.datetime (local time in tzid)
#   end         datetime.date, exclusive (all-day only); default start + 1 day
#   duration    RFC 5545 duration for timed events, e.g. "PT30M"
#   tzid        TZID for timed events
#   rrule       optional RRULE value
#   precision   X-HERALD-PRECISION
#   status      STATUS
#   categories  list of category strings
#   location    optional LOCATION
#   description DESCRIPTION (plain text, "\n" for paragraph breaks)
#   sources     list of SOURCES keys
#   inferred    optional: which of INFERABLE are inferred rather than stated
#               (X-HERALD-INFERRED); the DESCRIPTION then says "Inferred: ..."
# --------------------------------------------------------------------------
EVENTS = [
    dict(
        uid="kg-jp-relations-1992",
        # The first occurrence (1992) is the founding itself, not a "0th anniversary": Herald
        # shows the {first:...} form for it (docs/protocol.md, anniversary titles).
        summary="{ordinal} anniversary of Kyrgyzstan–Japan diplomatic relations"
                "{first:Kyrgyzstan–Japan diplomatic relations established}",
        start=D(1992, 1, 26),
        rrule="FREQ=YEARLY",
        precision="day",
        inferred=["date"],
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "anniversary"],
        description=(
            "Kyrgyzstan and Japan established diplomatic relations on "
            "26 January 1992. Recurs yearly on 26 January; the n-th "
            "anniversary falls in year 1992 + n.\n"
            "The Japan Times column (2022) reports that on 26 January the "
            "Kyrgyz Republic and Japan celebrated the 30th anniversary of the "
            "establishment of diplomatic relations; that celebration is the "
            "2022 occurrence of this series.\n"
            "Inferred: the sources do not state the establishment date. "
            "26 January 1992 is derived from the date of the 30th-anniversary "
            "celebration in 2022."
        ),
        sources=["000"],
    ),
    dict(
        uid="uz-jp-digital-university-2020",
        summary="Japanese Digital University established in Tashkent",
        start=D(2020, 1, 1),
        precision="year",
        status="CONFIRMED",
        categories=["uzbekistan-japan", "education"],
        location="Tashkent, Uzbekistan",
        description=(
            "The Japanese Digital University was established in Tashkent in "
            "2020. At the 8th Central Asia + Japan foreign "
            "ministers' meeting (15 April 2022) Uzbekistan proposed turning "
            "it into a Central Asian Digital University to widen training "
            "and professional development across the region. Only the year "
            "is given."
        ),
        sources=["003"],
    ),
    dict(
        uid="un-iysmd-resolution-2021",
        summary="UN General Assembly declares 2022 the International Year of "
                "Sustainable Mountain Development",
        start=D(2021, 1, 1),
        precision="year",
        status="CONFIRMED",
        categories=["un", "kyrgyzstan-japan"],
        location="UN Headquarters, New York, United States",
        inferred=["location"],
        description=(
            "In 2021 the 76th session of the UN General Assembly, on the "
            "initiative of the Kyrgyz Republic and with support from Japan, "
            "adopted the resolution declaring 2022 the International Year of "
            "Sustainable Mountain Development. Only the year of adoption is "
            "given.\n"
            "Inferred: the place. The sources name the session, not the "
            "venue. The General Assembly sits at UN Headquarters in New York."
        ),
        sources=["000"],
    ),
    dict(
        uid="un-iysmd-2022",
        summary="International Year of Sustainable Mountain Development 2022",
        start=D(2022, 1, 1),
        end=D(2023, 1, 1),
        # A period with known bounds (the calendar year 2022): day precision, not "sometime
        # in 2022", so Herald lists it on every day it covers.
        precision="day",
        status="CONFIRMED",
        categories=["un"],
        description=(
            "UN international year addressing global issues facing mountains "
            "and people living in mountainous areas, declared by the 76th UN "
            "General Assembly in 2021 on the initiative of the Kyrgyz "
            "Republic with support from Japan. Covers the whole of 2022 "
            "(1 January to 31 December inclusive)."
        ),
        sources=["000"],
    ),
    dict(
        uid="ca-jp-fmm-8-2022",
        summary="8th Foreign Ministers' Meeting of the Central Asia + Japan "
                "Dialogue",
        start=D(2022, 4, 15),
        precision="day",
        status="CONFIRMED",
        categories=["central-asia-japan", "ministerial"],
        # The sources disagree on the venue; the DESCRIPTION spells it out (data/README.md).
        location="Videoconference",
        description=(
            "Meeting of the foreign ministers and government representatives "
            "of Japan, Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and "
            "Uzbekistan. Agenda: countering COVID-19, border control, "
            "regional security and the Sustainable Development Goals. "
            "Uzbekistan was represented by Deputy Prime Minister - Minister "
            "of Investment and Foreign Trade S. Umurzakov, who proposed a "
            "joint poverty-reduction programme based on One Village - One "
            "Product, a regional Green Agenda for Central Asia and a Central "
            "Asian Digital University.\n"
            "Sources disagree on the venue: the Uzbek report of 17 April 2022 "
            "says the meeting was held by videoconference, and The Japan "
            "Times column (2022) says it was held in Bishkek. Neither "
            "reconciles the two (a videoconference hosted from Bishkek would "
            "fit both). The location shown is the Uzbek report's, the more "
            "detailed account of the meeting."
        ),
        sources=["000", "003"],
    ),
    dict(
        uid="kg-jp-honey-contract-2022",
        summary="Contract signed to export 400 t of Kyrgyz honey to Japan",
        start=D(2022, 8, 10),
        precision="day",
        inferred=["year"],
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "trade"],
        location="Tokyo, Japan",
        description=(
            "A contract was signed in Tokyo for the export of Kyrgyz honey to "
            "Japan in the amount of 400 tons. For comparison, 43 tons of "
            "honey were exported to Japan in 2021.\n"
            "Inferred: the year. The Japan Times column gives \"Aug. 10\" "
            "without a year. 2022 follows from its context (it was written "
            "in 2022, before the November meeting it calls upcoming)."
        ),
        sources=["000"],
    ),
    dict(
        uid="jp-kg-emergency-grant-aid-2022-10",
        summary="Japanese emergency grant aid for the Kyrgyz–Tajik border "
                "humanitarian situation",
        start=D(2022, 10, 1),
        precision="month",
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "aid"],
        location="Kyrgyzstan (border with Tajikistan)",
        description=(
            "Japan provided emergency grant aid via international "
            "organizations in October 2022 in response to the deteriorating "
            "humanitarian situation near Kyrgyzstan's border with "
            "Tajikistan. Foreign Minister Kulubaev thanked Japan for it on "
            "24 December 2022. Only the month is given."
        ),
        sources=["001"],
    ),
    dict(
        uid="jp-kg-cooperation-program-signing-2022",
        summary="Signing of the Japan–Kyrgyz MFA Cooperation Program for "
                "2023–2025",
        start=D(2022, 12, 24),
        precision="day",
        inferred=["date", "location"],
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "ministerial", "agreement"],
        location="Tokyo, Japan",
        description=(
            "Signing ceremony of the Cooperation Program between the Ministry "
            "of Foreign Affairs of Japan and the Ministry of Foreign Affairs "
            "of the Kyrgyz Republic for 2023-2025, signed by the two "
            "ministers (Hayashi, Kulubaev).\n"
            "Inferred: the day and the city. The Japanese MFA release of "
            "24 December 2022 says the programme was signed \"prior to\" the "
            "ministers' 14:40 meeting that day, without giving the signing "
            "date, and names no city. Tokyo is the venue of the 9th Central "
            "Asia + Japan meeting Kulubaev came to attend."
        ),
        sources=["001"],
    ),
    dict(
        uid="jp-kg-cooperation-program-2023-2025",
        summary="Japan–Kyrgyz MFA Cooperation Program period (2023–2025)",
        start=D(2023, 1, 1),
        end=D(2026, 1, 1),
        # The text gives years (2023-2025). Herald has no multi-year imprecise span (a year
        # precision date is one year at most), so the bounds are the first and last day of
        # those years, at day precision, and marked inferred (data/README.md).
        precision="day",
        inferred=["date", "end"],
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "agreement"],
        description=(
            "Period covered by the Cooperation Program between the Ministry "
            "of Foreign Affairs of Japan and the Ministry of Foreign Affairs "
            "of the Kyrgyz Republic for 2023-2025, signed on 24 December "
            "2022.\n"
            "Inferred: the first and last day. The programme's title gives "
            "only the years 2023-2025. The period is shown as 1 January 2023 "
            "to 31 December 2025."
        ),
        sources=["001"],
    ),
    dict(
        uid="ca-jp-fmm-9-2022",
        summary="9th Foreign Ministers' Meeting of the Central Asia + Japan "
                "Dialogue",
        start=D(2022, 12, 24),
        precision="day",
        inferred=["date"],
        status="CONFIRMED",
        categories=["central-asia-japan", "ministerial"],
        location="Tokyo, Japan",
        description=(
            "Foreign ministers of Japan, Kazakhstan (Deputy PM - Foreign "
            "Minister Mukhtar Tileuberdi), Kyrgyzstan (Zheenbek Kulubaev), "
            "Tajikistan, Turkmenistan and Uzbekistan. Topics: transit and "
            "transport links, regional security, digitalization, human "
            "resources, tourism, climate change. Kazakhstan proposed a Joint "
            "Action Plan and a list of joint investment projects based on "
            "the Astana International Financial Center. A Joint Statement "
            "was adopted. The next (10th, anniversary) meeting is to be held "
            "in Kazakhstan, which chairs the Dialogue from 2023.\n"
            "Inferred: the day. The Japanese MFA release of 24 December 2022 "
            "has Kulubaev in Japan that day to attend this meeting, and "
            "Kazinform (Tokyo, 25 December 2022) reports it as held. Neither "
            "states the day outright.\n"
            "The plan changed: The Japan Times column (2022) said the ninth "
            "meeting was planned for November 2022 in Tokyo. It was held in "
            "December."
        ),
        sources=["000", "001", "004"],
    ),
    dict(
        uid="jp-kg-fm-meeting-2022-12-24",
        summary="Japan–Kyrgyz Foreign Ministers' Meeting (Hayashi–Kulubaev)",
        start=dt.datetime(2022, 12, 24, 14, 40),
        tzid="Asia/Tokyo",
        duration="PT30M",
        precision="minute",
        inferred=["location"],
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "ministerial"],
        location="Tokyo, Japan",
        description=(
            "Foreign Minister HAYASHI Yoshimasa met Kyrgyz Foreign Minister "
            "Zheenbek Kulubaev from 2:40 p.m. for about 30 minutes. They "
            "welcomed the active role of Kyrgyz people who studied in Japan, "
            "the One Village One Product (OVOP) project and the JDS "
            "scholarship, and agreed to build on the 2023-2025 cooperation "
            "program signed before the meeting. Kulubaev thanked Japan for "
            "30 years of assistance and the October 2022 emergency grant "
            "aid, and hoped for closer economic ties (human resources, "
            "decarbonization). They discussed Ukraine and East Asia. The "
            "release also spells the name Kulbayev.\n"
            "Inferred: the city. The release names none. Tokyo is the venue "
            "of the 9th Central Asia + Japan meeting Kulubaev came to attend."
        ),
        sources=["001"],
    ),
    dict(
        uid="kz-jp-fm-talks-2022-12-24",
        summary="Kazakhstan–Japan foreign ministers' talks (Tileuberdi–Hayashi)",
        start=D(2022, 12, 24),
        precision="day",
        inferred=["date", "location"],
        status="CONFIRMED",
        categories=["kazakhstan-japan", "ministerial"],
        location="Tokyo, Japan",
        description=(
            "Separate bilateral talks of Kazakh Deputy PM - Foreign Minister "
            "Mukhtar Tileuberdi and Japanese Foreign Minister Yoshimasa "
            "Hayashi on the margins of the 9th Central Asia + Japan "
            "ministerial meeting: the expanded strategic partnership built "
            "over 30 years of diplomatic relations and topical international "
            "issues.\n"
            "Inferred: the day and the city. Kazinform (Tokyo, 25 December "
            "2022) gives no date. The talks were on the margins of the 9th "
            "meeting, held in Tokyo on 24 December."
        ),
        sources=["004"],
    ),
    dict(
        uid="ca-jp-chair-kazakhstan-2023",
        summary="Kazakhstan takes over the chairmanship of the Central Asia + "
                "Japan Dialogue",
        start=D(2023, 1, 1),
        precision="year",
        status="CONFIRMED",
        categories=["central-asia-japan"],
        location="Kazakhstan",
        description=(
            "According to Kazinform (25 December 2022) the chairmanship of "
            "the Dialogue passes to Kazakhstan from 2023. Only the year is given."
        ),
        sources=["004"],
    ),
    dict(
        uid="ca-jp-fmm-10-2023",  # UID kept stable although the event is now undated
        summary="10th (anniversary) Foreign Ministers' Meeting of the Central "
                "Asia + Japan Dialogue",
        # Undated: only the chairmanship is dated ("from 2023"), not the meeting. DTSTART is
        # the date of the article that mentions it, as for every undated event.
        start=D(2022, 12, 25),
        precision="none",
        status="TENTATIVE",
        categories=["central-asia-japan", "ministerial", "anniversary"],
        location="Kazakhstan",
        description=(
            "Date to be announced. Kazinform (25 December 2022) says the "
            "next, 10th anniversary meeting of the format will be held in "
            "Kazakhstan, since the chairmanship passes to Kazakhstan from "
            "2023. No date or city is given for the meeting: it is expected "
            "during Kazakhstan's chairmanship."
        ),
        sources=["004"],
    ),
    dict(
        uid="kg-jp-zhaparov-visit-2023",
        summary="President Sadyr Zhaparov's official visit to Japan",
        start=D(2023, 1, 1),
        precision="year",
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "visit"],
        location="Japan",
        description=(
            "Official visit of Kyrgyz President Sadyr Zhaparov to Japan in "
            "2023, which, Chairman Kasymaliev said on 3 February 2025, gave a "
            "significant boost to bilateral relations. Only the year is "
            "given."
        ),
        sources=["002"],
    ),
    dict(
        uid="kg-jp-nagashima-visit-2025-02-03",
        summary="Special Advisor Akihisa Nagashima meets Chairman Adylbek "
                "Kasymaliev",
        start=D(2025, 2, 3),
        precision="day",
        inferred=["date", "location"],
        status="CONFIRMED",
        categories=["kyrgyzstan-japan", "visit"],
        location="Bishkek, Kyrgyzstan",
        description=(
            "Akihisa Nagashima, Special Advisor to the Prime Minister of "
            "Japan, on a working trip to Kyrgyzstan (his first visit), met "
            "Adylbek Kasymaliev, Chairman of the Cabinet of Ministers, who "
            "invited PM Shigeru Ishiba to visit Kyrgyzstan in 2025. They "
            "discussed political, economic, programmatic and regional "
            "cooperation, the upcoming first Central Asia + Japan summit and "
            "EXPO 2025 Osaka. Kasymaliev predicted 9% growth in 2024 and "
            "invited Japanese business. Nagashima voiced interest in energy, "
            "tourism and education.\n"
            "Inferred: the day and the city, from the report's dateline "
            "(Bishkek, 3 February 2025). The report does not date or place "
            "the meeting itself."
        ),
        sources=["002"],
    ),
    dict(
        uid="kg-jp-ishiba-visit-invitation-2025",
        summary="Invited visit of Prime Minister Shigeru Ishiba to Kyrgyzstan",
        start=D(2025, 1, 1),
        precision="year",
        status="TENTATIVE",
        categories=["kyrgyzstan-japan", "visit"],
        location="Kyrgyzstan",
        description=(
            "On 3 February 2025 Chairman Kasymaliev invited Japanese Prime "
            "Minister Shigeru Ishiba to visit Kyrgyzstan in 2025. Invitation "
            "only. Date to be announced."
        ),
        sources=["002"],
    ),
    dict(
        uid="expo2025-kyrgyzstan-national-day-2025-06-06",
        summary="Kyrgyzstan National Day at EXPO 2025 Osaka",
        start=D(2025, 6, 6),
        precision="day",
        status="CONFIRMED",
        categories=["expo2025", "kyrgyzstan-japan"],
        location="EXPO 2025, Osaka, Japan",
        description=(
            "Kyrgyzstan's National Day at EXPO 2025 in Osaka is to be "
            "celebrated on 6 June 2025, as mentioned by Chairman Kasymaliev "
            "on 3 February 2025 while describing Kyrgyzstan's preparations "
            "for the Expo."
        ),
        sources=["002"],
    ),
    dict(
        uid="ca-jp-summit-1",
        summary="First Central Asia + Japan Summit of Heads of State",
        start=D(2025, 2, 3),
        precision="none",
        status="TENTATIVE",
        categories=["central-asia-japan", "summit"],
        description=(
            "Date to be announced. The first Summit of Heads of State of the "
            "Central Asia + Japan Dialogue was described on 3 February 2025 "
            "as set to take place in the near future. The start kept in the "
            "generator is the article's date, for ordering only: the file "
            "has no date for it."
        ),
        sources=["002"],
    ),
]

VTIMEZONES = {
    "Asia/Tokyo": [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ],
    "Asia/Bishkek": [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Bishkek",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0600",
        "TZOFFSETTO:+0600",
        "TZNAME:+06",
        "END:STANDARD",
        "END:VTIMEZONE",
    ],
}


# --------------------------------------------------------------------------
# RFC 5545 helpers
# --------------------------------------------------------------------------
def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 section 3.3.11)."""
    return (value.replace("\\", "\\\\")
                 .replace(";", "\\;")
                 .replace(",", "\\,")
                 .replace("\r\n", "\\n")
                 .replace("\n", "\\n"))


def fold(line: str, limit: int = 75) -> list[str]:
    """Fold one content line into physical lines of at most `limit` octets.

    Continuation lines begin with a single space, which counts towards the
    limit. Multi-byte UTF-8 characters are never split. A physical line never
    ends in a space (trailing spaces move to the next physical line), so
    editors that trim trailing whitespace cannot corrupt the unfolded text.
    A TEXT escape sequence ("\\,", "\\;", "\\n", "\\\\") is never split
    either, which RFC 5545 would allow but naive readers may mishandle.
    """
    tokens: list[str] = []
    i = 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            tokens.append(line[i:i + 2])
            i += 2
        else:
            tokens.append(line[i])
            i += 1
    out: list[str] = []
    current = ""
    for ch in tokens:
        if len((current + ch).encode("utf-8")) > limit:
            head = current.rstrip(" ")
            if head.strip(" ") == "":  # nothing but spaces: cannot avoid it
                head = current
            tail = current[len(head):]
            out.append(head)
            current = " " + tail
        current += ch
    out.append(current)
    return out


def fmt_date(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def fmt_local_datetime(t: dt.datetime) -> str:
    return t.strftime("%Y%m%dT%H%M%S")


def validate(events: list[dict]) -> None:
    uids = set()
    for ev in events:
        uid = ev["uid"]
        assert uid not in uids, f"duplicate UID {uid}"
        uids.add(uid)
        assert ev["precision"] in PRECISIONS, uid
        assert ev["status"] in STATUSES, uid
        assert ev["sources"] and all(s in SOURCES for s in ev["sources"]), uid
        start = ev["start"]
        if isinstance(start, dt.datetime):
            assert ev.get("tzid") in VTIMEZONES, uid
            assert "end" not in ev, uid
        else:
            assert "tzid" not in ev and "duration" not in ev, uid
            if ev["precision"] == "year":
                assert (start.month, start.day) == (1, 1), uid
                # Herald reads a year-precision date as "sometime in that year": no longer span.
                assert ev.get("end", start + dt.timedelta(days=1)) <= dt.date(start.year + 1, 1, 1), uid
            if ev["precision"] == "month":
                assert start.day == 1, uid
                assert "end" not in ev, uid
            assert ev.get("end", start + dt.timedelta(days=1)) > start, uid
        if ev["precision"] == "none":
            assert "Date to be announced" in ev["description"], uid
        check_reader_text(ev)
    for key, text in SOURCES.items():
        assert ";" not in text, key


def check_reader_text(ev: dict) -> None:
    """What a reader sees names no seed file or "article NNN" and marks every inference."""
    uid = ev["uid"]
    inferred = ev.get("inferred", [])
    assert all(i in INFERABLE for i in inferred), uid
    # Why both ways: an inference must be visible to a reader and to a program alike.
    assert ("Inferred:" in ev["description"]) == bool(inferred), uid
    shown = " ".join([ev["summary"], ev["description"], ev.get("location", ""),
                      source_string(ev)])
    assert not re.search(r"\barticle \d{3}\b|\d{3}_[0-9a-f]{16}", shown, re.I), uid


def sort_key(ev: dict):
    s = ev["start"]
    d = s.date() if isinstance(s, dt.datetime) else s
    # all-day before timed on the same day, then by title for stability
    return (d, isinstance(s, dt.datetime), ev["summary"])


def source_string(ev: dict) -> str:
    return " ; ".join(SOURCES[k] for k in ev["sources"])


# The sentence Herald's export appends to DESCRIPTION for an imprecise or undated date (its
# import strips it again): core/ical_export.cpp precision_note().
PRECISION_NOTES = {
    "year": "[Herald: only the year is known; the day shown is a placeholder.]",
    "month": "[Herald: only the month is known; the day shown is a placeholder.]",
    "none": "[Herald: the date is to be announced.]",
}


def period_end(ev: dict) -> dt.date:
    """DTEND (exclusive): the given end, else the day, month or year after the start."""
    start = ev["start"]
    if "end" in ev:
        return ev["end"]
    if ev["precision"] == "year":
        return dt.date(start.year + 1, 1, 1)
    if ev["precision"] == "month":
        return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + dt.timedelta(days=1)


def vevent_lines(ev: dict) -> list[str]:
    """The component Herald's export writes for the event (docs/protocol.md, calendar.export):
    a year or month is an all-day span of the whole period, and an undated event is a VTODO
    (a VEVENT needs a DTSTART, and any date would be made up)."""
    kind = "VTODO" if ev["precision"] == "none" else "VEVENT"
    lines = [f"BEGIN:{kind}",
             f"UID:{ev['uid']}@{UID_DOMAIN}",
             f"DTSTAMP:{DTSTAMP}"]
    start = ev["start"]
    if isinstance(start, dt.datetime):
        lines.append(f"DTSTART;TZID={ev['tzid']}:{fmt_local_datetime(start)}")
        lines.append(f"DURATION:{ev['duration']}")
    elif kind == "VEVENT":
        lines.append(f"DTSTART;VALUE=DATE:{fmt_date(start)}")
        lines.append(f"DTEND;VALUE=DATE:{fmt_date(period_end(ev))}")
    if ev.get("rrule"):
        lines.append(f"RRULE:{ev['rrule']}")
    lines.append(f"SUMMARY:{escape_text(ev['summary'])}")
    description = ev["description"]
    if ev["precision"] in PRECISION_NOTES:
        description += "\n\n" + PRECISION_NOTES[ev["precision"]]
    lines.append(f"DESCRIPTION:{escape_text(description)}")
    if ev.get("location"):
        lines.append(f"LOCATION:{escape_text(ev['location'])}")
    lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in ev["categories"]))
    if ev.get("inferred"):
        lines.append("X-HERALD-INFERRED:" + ",".join(ev["inferred"]))
    if kind == "VEVENT":
        lines.append(f"STATUS:{ev['status']}")
        lines.append("TRANSP:TRANSPARENT")
    elif ev["status"] == "CANCELLED":
        lines.append("STATUS:CANCELLED")
    elif ev["status"] == "TENTATIVE":  # a VTODO has no TENTATIVE
        lines.append("X-HERALD-STATUS:TENTATIVE")
    lines.append(f"X-HERALD-SOURCE:{escape_text(source_string(ev))}")
    lines.append(f"X-HERALD-PRECISION:{ev['precision']}")
    lines.append(f"END:{kind}")
    return lines


def build_calendar(events: list[dict]) -> bytes:
    validate(events)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Central Asia + Japan",
        "X-WR-CALDESC:" + escape_text(
            "Herald dataset: events from five articles (2022-2025) on "
            "Central Asia + Japan relations, especially Kyrgyzstan-Japan. "
            "See data/README.md."),
    ]
    used_tzids = sorted({ev["tzid"] for ev in events if ev.get("tzid")})
    for tzid in used_tzids:
        lines.extend(VTIMEZONES[tzid])
    for ev in sorted(events, key=sort_key):
        lines.extend(vevent_lines(ev))
    lines.append("END:VCALENDAR")

    physical: list[str] = []
    for line in lines:
        physical.extend(fold(line))
    data = ("\r\n".join(physical) + "\r\n").encode("utf-8")
    for pl in data.split(b"\r\n"):
        assert len(pl) <= 75, pl
    return data


def markdown_table(events: list[dict]) -> str:
    rows = ["| # | Date (DTSTART) | End (excl.) | Precision | Title | Status | Source file(s) | UID |",
            "|---|---|---|---|---|---|---|---|"]
    for i, ev in enumerate(sorted(events, key=sort_key), 1):
        s = ev["start"]
        if isinstance(s, dt.datetime):
            date = s.strftime("%Y-%m-%d %H:%M") + f" {ev['tzid']}"
            end = ev["duration"]
        elif ev["precision"] == "none":
            date, end = "TBA (no date in the file)", ""
        else:
            date = s.isoformat()
            end = period_end(ev).isoformat()
        if ev.get("rrule"):
            date += f" ({ev['rrule']})"
        title = ev["summary"].replace("|", "\\|")
        files = ", ".join(SEED_FILES[k] for k in ev["sources"])
        rows.append(f"| {i} | {date} | {end} | {ev['precision']} | {title} | "
                    f"{ev['status']} | {files} | `{ev['uid']}@{UID_DOMAIN}` |")
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    if "--markdown" in argv:
        sys.stdout.write(markdown_table(EVENTS))
        return 0
    data = build_calendar(EVENTS)
    if "--stdout" in argv:
        sys.stdout.buffer.write(data)
        return 0
    OUT_FILE.write_bytes(data)
    print(f"wrote {OUT_FILE} ({len(EVENTS)} events, {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
