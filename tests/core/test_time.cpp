// Unit tests of core/time: ISO parsing, formatting, zones, RFC 5545 DST rules and spans.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "core/time.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

using herald::test::error_of;

LocalTime local(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
    return LocalTime{date::local_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + Seconds{ss};
}

Instant utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
    return Instant{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + Seconds{ss};
}

ParsedIso iso(std::string_view text) {
    auto parsed = parse_iso(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

std::string resolved(int y, int m, int d, int hh, int mm, const char* zone) {
    return format_instant(resolve_local(local(y, m, d, hh, mm), find_zone(zone)));
}

}  // namespace

TEST_CASE("parse_iso reads every precision", "[time][iso]") {
    SECTION("year") {
        auto p = iso("2023");
        CHECK(p.value.precision == Precision::year);
        CHECK(p.value.local == local(2023, 1, 1));
        CHECK(p.value.tz.empty());
        CHECK_FALSE(p.offset);
    }
    SECTION("month") {
        auto p = iso("2022-11");
        CHECK(p.value.precision == Precision::month);
        CHECK(p.value.local == local(2022, 11, 1));
    }
    SECTION("day") {
        auto p = iso("2025-06-06");
        CHECK(p.value.precision == Precision::day);
        CHECK(p.value.local == local(2025, 6, 6));
        CHECK_FALSE(p.offset);
    }
    SECTION("date-time with T, t or space separator") {
        for (const char* text : {"2022-12-24T14:40", "2022-12-24t14:40", "2022-12-24 14:40"}) {
            auto p = iso(text);
            CHECK(p.value.precision == Precision::minute);
            CHECK(p.value.local == local(2022, 12, 24, 14, 40));
            CHECK(p.value.tz.empty());
            CHECK_FALSE(p.offset);
        }
    }
    SECTION("seconds") {
        CHECK(iso("2022-12-24T14:40:05").value.local == local(2022, 12, 24, 14, 40, 5));
        CHECK(iso("2022-12-24T14:40:00").value.local == local(2022, 12, 24, 14, 40));
    }
    SECTION("Z and z are a zero offset; the wall time is kept as written") {
        auto p = iso("2025-06-06T09:00:00Z");
        REQUIRE(p.offset);
        CHECK(*p.offset == 0s);
        CHECK(p.value.local == local(2025, 6, 6, 9));
        CHECK(iso("2025-06-06T09:00z").offset == Seconds{0});
    }
    SECTION("positive and negative offsets, with or without the colon") {
        CHECK(iso("2025-06-06T09:00+05:30").offset == Seconds{5 * 3600 + 30 * 60});
        CHECK(iso("2025-06-06T09:00-03:00").offset == Seconds{-3 * 3600});
        CHECK(iso("2025-06-06T09:00:30+0600").offset == Seconds{6 * 3600});
        CHECK(iso("2025-06-06T09:00-00:30").offset == Seconds{-30 * 60});
        CHECK(iso("2025-06-06T09:00+14:00").offset == Seconds{14 * 3600});
    }
    SECTION("leap days exist in leap years only") {
        CHECK(iso("2024-02-29").value.local == local(2024, 2, 29));
        CHECK(iso("2000-02-29").value.precision == Precision::day);
    }
    SECTION("the extremes of the supported range") {
        CHECK(iso("0001-01-01").value.local == local(1, 1, 1));
        CHECK(iso("9999-12-31T23:59:59").value.local == local(9999, 12, 31, 23, 59, 59));
    }
}

TEST_CASE("parse_iso returns nullopt for text that is not ISO-shaped", "[time][iso]") {
    for (const char* text :
         {"", "tomorrow", "next friday", "+2h", "202", "20250606", "June 2025", "2025/06/06"})
        CHECK_FALSE(parse_iso(text).has_value());
}

TEST_CASE("parse_iso rejects impossible dates and times with invalid_time naming the field",
          "[time][iso]") {
    SECTION("30 February says how long the month is") {
        auto e = error_of([] { parse_iso("2025-02-30", "start"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "start");
        CHECK_THAT(e.what(), Catch::Contains("February 2025 has 28 days"));
    }
    SECTION("2100 is not a leap year") {
        auto e = error_of([] { parse_iso("2100-02-29", "end"); });
        CHECK(e.field() == "end");
        CHECK_THAT(e.what(), Catch::Contains("February 2100 has 28 days"));
    }
    SECTION("April has 30 days") {
        CHECK_THAT(error_of([] { parse_iso("2025-04-31"); }).what(),
                   Catch::Contains("April 2025 has 30 days"));
    }
    SECTION("month 13 and month 00") {
        auto e = error_of([] { parse_iso("2025-13-01", "at"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "at");
        CHECK_THAT(e.what(), Catch::Contains("month 13"));
        CHECK_THAT(error_of([] { parse_iso("2025-00"); }).what(), Catch::Contains("month 00"));
    }
    SECTION("24:00, minute 60 and second 60 are not times of day") {
        for (const char* text : {"2025-06-06T24:00", "2025-06-06T23:60", "2025-06-06T23:59:60"}) {
            auto e = error_of([&] { parse_iso(text); });
            CHECK(e.code() == ErrorCode::invalid_time);
            CHECK_THAT(e.what(), Catch::Contains("impossible time"));
        }
    }
    SECTION("year 0000") {
        auto e = error_of([] { parse_iso("0000-01-01"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK_THAT(e.what(), Catch::Contains("0000"));
    }
    SECTION("trailing junk and half-written parts") {
        for (const char* text :
             {"2025-06-06x", "2025-06-06T09:00x", "2025-06-06T09:00Zjunk", "2025-06-06T09:00:00.5Z",
              "2025-06-06T09:00+05:30:00", "2025-06-06T09:00 ", "2025-06-06T9:00", "2025-06-06T09",
              "2025-06-06T09:0", "2025-06-06T09:00:", "2025-6", "2025-06-6", "2025-06x06",
              "2025-"}) {
            INFO(text);
            auto e = error_of([&] { parse_iso(text, "when"); });
            CHECK(e.code() == ErrorCode::invalid_time);
            CHECK(e.field() == "when");
        }
    }
    SECTION("offsets beyond ±14:00 or with bad minutes") {
        for (const char* text :
             {"2025-06-06T09:00+15:00", "2025-06-06T09:00+05:60", "2025-06-06T09:00+5"}) {
            INFO(text);
            CHECK_THAT(error_of([&] { parse_iso(text); }).what(), Catch::Contains("offset"));
        }
    }
}

TEST_CASE("format_caltime gives the canonical form and round-trips through parse_iso",
          "[time][format]") {
    for (const char* text : {"2023", "0001", "2022-11", "2025-06-06", "2022-12-24T14:40",
                             "2022-12-24T14:40:05", "2024-02-29T00:00", "9999-12-31T23:59:59"}) {
        INFO(text);
        CHECK(format_caltime(iso(text).value) == text);
    }
    SECTION("zero seconds and the space separator are normalised") {
        CHECK(format_caltime(iso("2022-12-24 14:40:00").value) == "2022-12-24T14:40");
    }
    SECTION("undated is the empty string") {
        CHECK(format_caltime(CalTime{}).empty());
    }
    SECTION("precision names round-trip") {
        for (auto p : {Precision::none, Precision::year, Precision::month, Precision::day,
                       Precision::minute})
            CHECK(precision_from_string(to_string(p)) == p);
        CHECK_FALSE(precision_from_string("week"));
    }
}

TEST_CASE("find_zone knows IANA names and rejects unknown ones", "[time][zone]") {
    CHECK(find_zone("Asia/Tokyo")->name() == "Asia/Tokyo");
    CHECK(find_zone("UTC")->name() == "UTC");
    auto e = error_of([] { find_zone("Mars/Olympus_Mons", "end_tz"); });
    CHECK(e.code() == ErrorCode::invalid_time);
    CHECK(e.field() == "end_tz");
    CHECK_THAT(e.what(), Catch::Contains("Mars/Olympus_Mons"));
    CHECK(error_of([] { find_zone(""); }).field() == "tz");
}

TEST_CASE("resolve_local follows RFC 5545 for gaps and overlaps", "[time][dst]") {
    SECTION("an ordinary time in a zone without DST") {
        CHECK(resolved(2022, 12, 24, 14, 40, "Asia/Tokyo") == "2022-12-24T05:40:00Z");
        CHECK(resolved(2025, 6, 6, 0, 0, "Asia/Bishkek") == "2025-06-05T18:00:00Z");
    }
    SECTION("America/New_York: 02:30 on 2007-03-11 does not exist and moves forward by the gap") {
        CHECK(resolved(2007, 3, 11, 2, 30, "America/New_York") == "2007-03-11T07:30:00Z");
        auto ny = find_zone("America/New_York");
        auto t = resolve_local(local(2007, 3, 11, 2, 30), ny);
        CHECK(to_local(t, ny) == local(2007, 3, 11, 3, 30));
        CHECK(zone_abbrev(t, ny) == "EDT");
        // Either side of the gap is unique and unaffected.
        CHECK(resolved(2007, 3, 11, 1, 59, "America/New_York") == "2007-03-11T06:59:00Z");
        CHECK(resolved(2007, 3, 11, 3, 0, "America/New_York") == "2007-03-11T07:00:00Z");
    }
    SECTION("America/New_York: 01:30 on 2007-11-04 happens twice and means the first (EDT)") {
        CHECK(resolved(2007, 11, 4, 1, 30, "America/New_York") == "2007-11-04T05:30:00Z");
        auto ny = find_zone("America/New_York");
        CHECK(zone_abbrev(resolve_local(local(2007, 11, 4, 1, 30), ny), ny) == "EDT");
    }
    SECTION("Europe/Berlin: 02:30 on 2025-03-30 is in the gap, giving 03:30 CEST") {
        CHECK(resolved(2025, 3, 30, 2, 30, "Europe/Berlin") == "2025-03-30T01:30:00Z");
        auto berlin = find_zone("Europe/Berlin");
        CHECK(to_local(resolve_local(local(2025, 3, 30, 2, 30), berlin), berlin) ==
              local(2025, 3, 30, 3, 30));
    }
    SECTION("Europe/Berlin: 02:30 on 2025-10-26 is ambiguous and means the CEST one") {
        CHECK(resolved(2025, 10, 26, 2, 30, "Europe/Berlin") == "2025-10-26T00:30:00Z");
    }
    SECTION("Australia/Lord_Howe shifts by 30 minutes, so the gap is 30 minutes long") {
        auto lh = find_zone("Australia/Lord_Howe");
        // +10:30 before, +11:00 after 02:00 local on 2025-10-05.
        CHECK(resolved(2025, 10, 5, 1, 59, "Australia/Lord_Howe") == "2025-10-04T15:29:00Z");
        auto t = resolve_local(local(2025, 10, 5, 2, 15), lh);
        CHECK(format_instant(t) == "2025-10-04T15:45:00Z");
        CHECK(to_local(t, lh) == local(2025, 10, 5, 2, 45));
        CHECK(resolved(2025, 10, 5, 2, 30, "Australia/Lord_Howe") == "2025-10-04T15:30:00Z");
    }
}

TEST_CASE("span_of covers a day, month or year in the viewer's zone", "[time][span]") {
    auto bishkek = find_zone("Asia/Bishkek");
    auto utc_zone = find_zone("UTC");
    SECTION("a timed value is one instant, in its own zone whatever the viewer") {
        CalTime tokyo{Precision::minute, local(2022, 12, 24, 14, 40), "Asia/Tokyo"};
        auto s = span_of(tokyo, bishkek);
        CHECK(s.begin == utc(2022, 12, 24, 5, 40));
        CHECK(s.end == s.begin);
    }
    SECTION("a floating time is read in the viewer's zone") {
        CalTime t{Precision::minute, local(2025, 6, 6, 9), ""};
        CHECK(span_of(t, bishkek).begin == utc(2025, 6, 6, 3));
        CHECK(span_of(t, utc_zone).begin == utc(2025, 6, 6, 9));
    }
    SECTION("a day") {
        auto s = span_of(iso("2025-06-06").value, bishkek);
        CHECK(s.begin == utc(2025, 6, 5, 18));
        CHECK(s.end == utc(2025, 6, 6, 18));
    }
    SECTION("a month, including a DST change in the viewer's zone") {
        auto s = span_of(iso("2025-03").value, find_zone("Europe/Berlin"));
        CHECK(s.begin == utc(2025, 2, 28, 23));
        CHECK(s.end == utc(2025, 3, 31, 22));
        CHECK(period_end(iso("2025-12").value) == local(2026, 1, 1));
    }
    SECTION("a year") {
        auto s = span_of(iso("2023").value, bishkek);
        CHECK(s.begin == utc(2022, 12, 31, 18));
        CHECK(s.end == utc(2023, 12, 31, 18));
    }
}

TEST_CASE("format_instant and parse_instant speak RFC 3339", "[time][instant]") {
    CHECK(format_instant(utc(2025, 6, 6)) == "2025-06-06T00:00:00Z");
    CHECK(format_instant(utc(2022, 12, 24, 5, 40, 7)) == "2022-12-24T05:40:07Z");
    CHECK(format_instant(utc(1969, 12, 31, 23, 59, 59)) == "1969-12-31T23:59:59Z");
    CHECK(format_instant(utc(1, 1, 1)) == "0001-01-01T00:00:00Z");
    CHECK(format_instant(utc(9999, 12, 31, 23, 59, 59)) == "9999-12-31T23:59:59Z");
    SECTION("Z and offsets give the same instant") {
        CHECK(parse_instant("2025-06-06T09:00:00Z", "at") == utc(2025, 6, 6, 9));
        CHECK(parse_instant("2025-06-06T15:00:00+06:00", "at") == utc(2025, 6, 6, 9));
        CHECK(parse_instant("2025-06-06T05:30-03:30", "at") == utc(2025, 6, 6, 9));
        CHECK(parse_instant("2025-06-06T00:30:00+05:30", "at") == utc(2025, 6, 5, 19));
    }
    SECTION("round trip") {
        for (auto t : {utc(1992, 1, 26), utc(2007, 3, 11, 7, 30), utc(2025, 12, 31, 23, 59, 59)})
            CHECK(parse_instant(format_instant(t), "t") == t);
    }
    SECTION("dates, zone-less times and words are rejected naming the field") {
        for (const char* text : {"2025-06-06", "2025-06", "2025", "2025-06-06T09:00", "now", ""}) {
            INFO(text);
            auto e = error_of([&] { parse_instant(text, "from"); });
            CHECK(e.code() == ErrorCode::invalid_time);
            CHECK(e.field() == "from");
        }
        CHECK_THAT(error_of([] { parse_instant("2025-06-06", "to"); }).what(),
                   Catch::Contains("RFC 3339"));
        CHECK(error_of([] { parse_instant("2025-02-30T00:00Z", "to"); }).field() == "to");
    }
}
