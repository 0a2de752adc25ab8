// iCalendar export: RFC 5545 shape (CRLF, folding, escaping, VTIMEZONE) and the round trip.
#include <catch2/catch.hpp>

#include "core/ical_export.hpp"
#include "core/ical_import.hpp"

using namespace herald;

namespace {

LocalTime lt(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
    return LocalTime{date::local_days{date::year{y} / date::month{m} / date::day{d}}} +
           std::chrono::hours{hh} + std::chrono::minutes{mm};
}

const Instant kNow = date::sys_days{date::year{2025} / 3 / 1};

Event base(const std::string& uid) {
    Event e;
    e.uid = uid;
    e.title = "Event " + uid;
    e.start = CalTime{Precision::day, lt(2025, 6, 6), ""};
    return e;
}

/// Event fields that must survive export → import (ids and timestamps are the store's).
void same(const Event& a, const Event& b) {
    CHECK(a.uid == b.uid);
    CHECK(a.title == b.title);
    CHECK(a.description == b.description);
    CHECK(a.location == b.location);
    CHECK(a.url == b.url);
    CHECK(a.source == b.source);
    CHECK(a.categories == b.categories);
    CHECK(a.status == b.status);
    CHECK(a.visibility == b.visibility);
    CHECK(a.start == b.start);
    CHECK(a.end == b.end);
    CHECK(a.duration == b.duration);
    CHECK(a.rrule == b.rrule);
    CHECK(a.exdates == b.exdates);
    CHECK(a.rdates == b.rdates);
    CHECK(a.alarms == b.alarms);
}

}  // namespace

TEST_CASE("folding keeps lines within 75 octets and never splits UTF-8", "[ical]") {
    std::string line =
        "SUMMARY:" + std::string(70, 'a') + "–Kyrgyzstan–Japan–" + std::string(100, 'b');
    std::string folded = ical_fold(line);
    size_t pos = 0;
    std::string unfolded;
    while (pos < folded.size()) {
        size_t crlf = folded.find("\r\n", pos);
        REQUIRE(crlf != std::string::npos);
        std::string phys = folded.substr(pos, crlf - pos);
        CHECK(phys.size() <= 75);
        CHECK((static_cast<unsigned char>(phys.back()) & 0xC0) != 0xC0);  // no dangling lead byte
        unfolded += pos == 0 ? phys : phys.substr(1);
        pos = crlf + 2;
    }
    CHECK(unfolded == line);
}

TEST_CASE("TEXT escaping", "[ical]") {
    CHECK(ical_escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne");
}

TEST_CASE("export has CRLF lines PRODID DTSTAMP and a VTIMEZONE per zone used", "[ical]") {
    Event tokyo = base("t");
    tokyo.start = CalTime{Precision::minute, lt(2022, 12, 24, 14, 40), "Asia/Tokyo"};
    tokyo.duration = Seconds{1800};
    Event berlin = base("b");
    berlin.start = CalTime{Precision::minute, lt(2025, 3, 10, 9), "Europe/Berlin"};
    berlin.rrule = "FREQ=WEEKLY";
    Event utc = base("u");
    utc.start = CalTime{Precision::minute, lt(2025, 3, 10, 9), "UTC"};
    std::string text = export_ical({tokyo, berlin, utc}, kNow);
    CHECK(text.find("\n") == text.find("\r\n") + 1);
    for (size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') REQUIRE(text[i - 1] == '\r');
    CHECK_THAT(text, Catch::StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    CHECK_THAT(text, Catch::Contains("DTSTAMP:20250301T000000Z"));
    CHECK_THAT(text, Catch::Contains("TZID:Asia/Tokyo"));
    CHECK_THAT(text, Catch::Contains("TZID:Europe/Berlin"));
    CHECK_THAT(text, Catch::Contains("TZOFFSETTO:+0200"));  // Berlin's summer time is described
    CHECK_THAT(text, Catch::Contains("DTSTART;TZID=Asia/Tokyo:20221224T144000"));
    CHECK_THAT(text, Catch::Contains("DTSTART:20250310T090000Z"));
    CHECK_THAT(text, Catch::Contains("RRULE:FREQ=WEEKLY"));
    CHECK(text.find("TZID:UTC") == std::string::npos);
}

TEST_CASE("round trip - import(export(events)) gives the same events", "[ical]") {
    Event a = base("anniv@x");
    a.title = "{ordinal} anniversary of Kyrgyzstan–Japan relations";
    a.start = CalTime{Precision::day, lt(1992, 1, 26), ""};
    a.rrule = "FREQ=YEARLY";
    a.categories = {"anniversary", "kyrgyzstan-japan", "a,b"};
    a.source = "000.txt: The Japan Times; column";
    a.alarms = {Alarm{Alarm::Related::start, Seconds{-86400}, {}}};
    Event m = base("meeting@x");
    m.start = CalTime{Precision::minute, lt(2025, 1, 6, 9), "Europe/Berlin"};
    m.end = CalTime{Precision::minute, lt(2025, 1, 6, 17), "Asia/Tokyo"};
    m.rrule = "FREQ=WEEKLY;UNTIL=20250301T000000Z";
    m.exdates = {CalTime{Precision::minute, lt(2025, 1, 13, 9), "Europe/Berlin"},
                 CalTime{Precision::minute, lt(2025, 1, 20, 9), "Europe/Berlin"}};
    m.rdates = {CalTime{Precision::minute, lt(2025, 1, 8, 9), "Europe/Berlin"}};
    m.alarms = {Alarm{Alarm::Related::end, Seconds{600}, {}},
                Alarm{Alarm::Related::absolute, {}, date::sys_days{date::year{2025} / 1 / 5}}};
    m.visibility = Visibility::public_;
    Event over = base("meeting@x#20250113T090000");
    over.start = CalTime{Precision::minute, lt(2025, 1, 13, 11), "Europe/Berlin"};
    over.duration = Seconds{3600};
    Event span = base("span");
    span.end = CalTime{Precision::day, lt(2025, 6, 9), ""};
    span.description = "Line 1\nLine 2; with, punctuation \\ and a backslash";
    span.status = Status::cancelled;
    span.location = "Osaka, Japan";
    span.url = "https://example.org/?a=1;b=2";
    Event year = base("year");
    year.start = CalTime{Precision::year, lt(2023, 1, 1), ""};
    year.status = Status::tentative;
    year.description = "Planned.";
    Event month = base("month");
    month.start = CalTime{Precision::month, lt(2022, 10, 1), ""};
    Event tba = base("tba");
    tba.start = CalTime{};
    Event floating = base("floating");
    floating.start = CalTime{Precision::minute, lt(2025, 2, 3, 10, 30), ""};
    std::vector<Event> events{a, m, over, span, year, month, tba, floating};

    std::string text = export_ical(events, kNow);
    CHECK_THAT(text, Catch::Contains("RECURRENCE-ID;TZID=Europe/Berlin:20250113T090000"));
    CHECK_THAT(text, Catch::Contains("X-HERALD-PRECISION:year"));
    CHECK_THAT(text, Catch::Contains("DTSTART;VALUE=DATE:20230101"));
    CHECK_THAT(text, Catch::Contains("DESCRIPTION:Planned.\\n\\n[Herald: only the year is known"));
    auto back = import_ical(text);
    INFO(text);
    REQUIRE(back.problems.empty());
    REQUIRE(back.events.size() == events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        INFO(events[i].uid);
        same(back.events[i], events[i]);
    }
    // And again: a second round gives the same text (apart from nothing: DTSTAMP is fixed).
    CHECK(export_ical(back.events, kNow) == text);
}

TEST_CASE("export writes what other programs read, and reads it back", "[ical][compat]") {
    SECTION("EXDATE and RDATE take DTSTART's value type") {
        Event w = base("weekly@x");
        w.start = CalTime{Precision::minute, lt(2025, 1, 6, 9), "Europe/Berlin"};
        w.rrule = "FREQ=WEEKLY;COUNT=5";
        w.exdates = {CalTime{Precision::day, lt(2025, 1, 13), ""}};
        w.rdates = {CalTime{Precision::day, lt(2025, 1, 8), ""}};
        std::string text = export_ical({w}, kNow);
        CHECK_THAT(text, !Catch::Contains(";VALUE=DATE"));
        CHECK_THAT(
            text, Catch::Contains("EXDATE;X-HERALD-VALUE=DATE;TZID=Europe/Berlin:20250113T090000"));
        CHECK_THAT(text,
                   Catch::Contains("RDATE;X-HERALD-VALUE=DATE;TZID=Europe/Berlin:20250108T090000"));
        auto back = import_ical(text);
        REQUIRE(back.events.size() == 1);
        same(back.events[0], w);  // Herald reads the days back as days
    }
    SECTION("a TBA event is a VTODO without dates that comes back undated") {
        Event tba = base("tba@x");
        tba.start = CalTime{};
        tba.status = Status::tentative;
        std::string text = export_ical({tba}, kNow);
        CHECK_THAT(text, Catch::Contains("BEGIN:VTODO"));
        CHECK_THAT(text, !Catch::Contains("BEGIN:VEVENT"));
        CHECK_THAT(text, !Catch::Contains("DTSTART"));
        CHECK_THAT(text, Catch::Contains("X-HERALD-PRECISION:none"));
        auto back = import_ical(text);
        REQUIRE(back.problems.empty());
        REQUIRE(back.events.size() == 1);
        same(back.events[0], tba);
    }
    SECTION("a year-only date covers its whole year as free time") {
        Event year = base("year@x");
        year.start = CalTime{Precision::year, lt(2023, 1, 1), ""};
        std::string text = export_ical({year}, kNow);
        CHECK_THAT(text,
                   Catch::Contains("DTSTART;VALUE=DATE:20230101\r\nDTEND;VALUE=DATE:20240101"));
        CHECK_THAT(text, Catch::Contains("TRANSP:TRANSPARENT"));
        auto back = import_ical(text);
        REQUIRE(back.events.size() == 1);
        same(back.events[0], year);
    }
    SECTION("CLASS only for a public event; an empty title is an empty SUMMARY and stays empty") {
        Event priv = base("private@x");
        priv.title.clear();
        Event pub = base("public@x");
        pub.visibility = Visibility::public_;
        std::string text = export_ical({priv, pub}, kNow);
        CHECK_THAT(text, !Catch::Contains("CLASS:PRIVATE"));
        CHECK_THAT(text, Catch::Contains("CLASS:PUBLIC"));
        CHECK_THAT(text, !Catch::Contains("no title"));
        CHECK_THAT(text, Catch::Contains("SUMMARY:\r\n"));
        auto back = import_ical(text);
        INFO((back.problems.empty() ? std::string() : back.problems[0].reason));
        REQUIRE(back.events.size() == 2);
        same(back.events[0], priv);
        same(back.events[1], pub);
    }
    SECTION("the later of a repeated hour is written in UTC and comes back folded") {
        Event late = base("late@x");
        late.start = CalTime{Precision::minute, lt(2025, 11, 2, 1, 30), "America/New_York"};
        late.start.fold = true;
        late.duration = parse_duration("P1D", "d");
        late.alarms = {Alarm{Alarm::Related::start, parse_duration("-P1D", "t"), {}}};
        std::string text = export_ical({late}, kNow);
        CHECK_THAT(text, Catch::Contains("DTSTART:20251102T063000Z"));
        CHECK_THAT(text, Catch::Contains("X-HERALD-TZ:America/New_York"));
        CHECK_THAT(text, Catch::Contains("DURATION:P1D"));
        CHECK_THAT(text, Catch::Contains("TRIGGER:-P1D"));
        auto back = import_ical(text);
        REQUIRE(back.problems.empty());
        REQUIRE(back.events.size() == 1);
        same(back.events[0], late);
    }
}
