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
