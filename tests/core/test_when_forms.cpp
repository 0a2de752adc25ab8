// Issue 16 item 8: month names, numeric dates, last/next weekdays, "ago", seconds, HHMM, and a
// time alone already past. Now: Thursday 2026-12-03 10:00:20 UTC, 11:00:20 CET in Berlin.
#include <catch2/catch.hpp>

#include "core/errors.hpp"
#include "core/when.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

WhenContext ctx(const std::string& event_tz = {}, bool upcoming = true) {
    return {parse_instant("2026-12-03T10:00:20Z", "now"), find_zone("Europe/Berlin"), event_tz,
            upcoming};
}

std::string when(const std::string& text, const std::string& event_tz = {}, bool upcoming = true) {
    CalTime t = parse_when(text, ctx(event_tz, upcoming));
    return format_caltime(t) + (t.tz.empty() ? "" : " " + t.tz);
}

}  // namespace

TEST_CASE("month names before or after the day, with or without a year and a time") {
    CHECK(when("Dec 20") == "2026-12-20");
    CHECK(when("20 Dec") == "2026-12-20");
    CHECK(when("December 20 2026 10:00") == "2026-12-20T10:00 Europe/Berlin");
    CHECK(when("20 December 2026 10:00") == "2026-12-20T10:00 Europe/Berlin");
    CHECK(when("Dec 20, 2026") == "2026-12-20");
    CHECK(when("sept 1st 2027 9am") == "2027-09-01T09:00 Europe/Berlin");
    CHECK(when("10:00 20 Dec") == "2026-12-20T10:00 Europe/Berlin");
    CHECK(when("Dec 3") == "2026-12-03");  // today is still the next Dec 3
    // Without a year: the next such day when upcoming, this year's for a window's bound.
    CHECK(when("Mar 1") == "2027-03-01");
    CHECK(when("Mar 1", {}, false) == "2026-03-01");
    CHECK(when("Feb 29") == "2028-02-29");
}

TEST_CASE("numeric dates: the separator decides the order") {
    CHECK(when("12/20/2026") == "2026-12-20");  // "/" month/day/year
    CHECK(when("20.12.2026") == "2026-12-20");  // "." day.month.year
    CHECK(when("2026-12-20") == "2026-12-20");  // "-" ISO
    CHECK(when("1/2/2027") == "2027-01-02");
    CHECK(when("2.1.2027") == "2027-01-02");
    CHECK(when("12/20") == "2026-12-20");
    CHECK(when("12/20/2026 14:30") == "2026-12-20T14:30 Europe/Berlin");
    CHECK(when("9.30pm") == "2026-12-03T21:30 Europe/Berlin");  // a dotted time stays a time
    for (const char* bad : {"20/12/2026", "12.20.2026", "1/2/3", "31.02.2027", "20.12."}) {
        INFO(bad);
        auto e = test::error_of([&] { parse_when(bad, ctx(), "--at"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "--at");
    }
    CHECK_THROWS_WITH(parse_when("Feb 30 2027", ctx()), Catch::Contains("February has no day 30"));
}

TEST_CASE("last and next weekday are strictly before and after today") {
    CHECK(when("thursday") == "2026-12-03");  // this coming one, today included
    CHECK(when("next thursday") == "2026-12-10");
    CHECK(when("last thursday") == "2026-11-26");
    CHECK(when("last monday") == "2026-11-30");
    CHECK(when("next monday") == "2026-12-07");
    CHECK(when("last fri 9am") == "2026-11-27T09:00 Europe/Berlin");
}

TEST_CASE("relative forms: ago, minus, seconds kept") {
    CHECK(when("-3d") == "2026-11-30");
    CHECK(when("3 days ago") == "2026-11-30");
    CHECK(when("in 3 days") == "2026-12-06");
    CHECK(when("2 weeks ago") == "2026-11-19");
    CHECK(when("+10s") == "2026-12-03T11:00:30 Europe/Berlin");
    CHECK(when("+1m") == "2026-12-03T11:01:20 Europe/Berlin");  // not cut to the minute
    CHECK(when("-2h") == "2026-12-03T09:00:20 Europe/Berlin");
    CHECK(when("90 minutes ago", "UTC") == "2026-12-03T08:30:20 UTC");
    CHECK(when("+2 secs", "Asia/Tokyo") == "2026-12-03T19:00:22 Asia/Tokyo");
}

TEST_CASE("four digits: a time below 1900, a year from 1900") {
    CHECK(when("1430") == "2026-12-03T14:30 Europe/Berlin");
    CHECK(when("0930") == "2026-12-04T09:30 Europe/Berlin");  // past today: tomorrow
    CHECK(when("2026") == "2026");
    CHECK(when("1900") == "1900");
    CHECK(when("tomorrow 2030") == "2026-12-04T20:30 Europe/Berlin");  // after a day: a time
}

TEST_CASE("a time alone already past is tomorrow's when upcoming") {
    CHECK(when("noon") == "2026-12-03T12:00 Europe/Berlin");
    CHECK(when("11:00") == "2026-12-04T11:00 Europe/Berlin");  // 20 s ago
    CHECK(when("midnight") == "2026-12-04T00:00 Europe/Berlin");
    CHECK(when("midnight", {}, false) == "2026-12-03T00:00 Europe/Berlin");
    CHECK(when("11:00", {}, false) == "2026-12-03T11:00 Europe/Berlin");
    // Past is judged in the event's zone: 19:00 in Tokyo is 10:00 UTC, already gone.
    CHECK(when("19:00", "Asia/Tokyo") == "2026-12-04T19:00 Asia/Tokyo");
    CHECK(when("19:01", "Asia/Tokyo") == "2026-12-03T19:01 Asia/Tokyo");
}

TEST_CASE("contradictions in the new forms are refused") {
    for (const char* text : {"Dec 20 Dec 21", "Dec 20 tomorrow", "12/20/2026 20.12.2026",
                             "last monday next monday", "3 days ago +2d", "1430 noon"}) {
        INFO(text);
        auto e = test::error_of([&] { parse_when(text, ctx(), "--at"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK_THAT(e.what(), Catch::Contains("names more than one"));
    }
    CHECK_THROWS_WITH(parse_when("-2h tomorrow", ctx()), Catch::Contains("mixes a relative time"));
}

TEST_CASE("an unreadable date is one short line") {
    auto e = test::error_of([&] { parse_when("20th of smarch", ctx(), "--at"); });
    CHECK(std::string(e.what()) ==
          "cannot read \"20th\" in \"20th of smarch\"; expected a date like 2026-12-20, Dec 20, "
          "tomorrow 9:00, +2h (see herald(1) DATES)");
}

TEST_CASE("an end's time alone follows its start, not now") {
    auto end_after = [](const std::string& text, const std::string& start) {
        WhenContext c = ctx();
        c.after = parse_when(start, ctx()).local;
        return format_caltime(parse_when(text, c));
    };
    CHECK(end_after("10:00", "Dec 20 2026 9:00") == "2026-12-20T10:00");
    CHECK(end_after("01:00", "Dec 20 2026 23:00") == "2026-12-21T01:00");  // the next morning
    CHECK(end_after("11:30", "tomorrow 9:00") == "2026-12-04T11:30");  // not today (still ahead)
    CHECK(end_after("Dec 22 2026 10:00", "Dec 20 2026 9:00") == "2026-12-22T10:00");
}

TEST_CASE("a month and year, or a month name alone, is a whole month") {
    CHECK(when("December 2026") == "2026-12");
    CHECK(when("Dec 2026") == "2026-12");
    CHECK(when("dec. 2027") == "2027-12");
    CHECK(when("Sept 2027") == "2027-09");
    CHECK(parse_when("Dec 2026", ctx()).precision == Precision::month);
    // A name alone: this year's for a window's bound (as cal(1)), the next such when upcoming.
    CHECK(when("March", {}, false) == "2026-03");
    CHECK(when("March") == "2027-03");
    CHECK(when("December") == "2026-12");        // this month is still to come
    CHECK(when("Dec 20 2026") == "2026-12-20");  // a day stays a day
    for (const char* text : {"Dec 2026 10:00", "tomorrow December 2026", "Dec 2026 Jan 2027"}) {
        INFO(text);
        auto e = test::error_of([&] { parse_when(text, ctx(), "--at"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "--at");
    }
}
