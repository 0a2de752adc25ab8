// Recurrence expansion: RRULE parts, EXDATE/RDATE, windows, far dates and validation errors.
#include <catch2/catch.hpp>

#include "core/agenda.hpp"
#include "core/errors.hpp"
#include "core/event_json.hpp"
#include "core/recurrence.hpp"

using namespace herald;

namespace {

Event make(const std::string& start, const std::string& tz, const std::string& rrule) {
    Event e;
    e.id = 1;
    e.uid = "r@test";
    e.title = "r";
    e.start = caltime_from_string(start, tz, "start");
    e.rrule = rrule;
    return e;
}

LocalTime at(const std::string& s) {
    return caltime_from_string(s, "", "t").local;
}

/// The nominal local starts in [from, to) as canonical strings of the event's precision.
std::vector<std::string> expand(const Event& e, const std::string& from, const std::string& to) {
    std::vector<std::string> out;
    for (LocalTime l : expand_local(e, at(from), at(to))) {
        CalTime t = e.start;
        t.local = l;
        out.push_back(format_caltime(t));
    }
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("monthly on the 31st skips shorter months") {
    auto e = make("2025-01-31", "", "FREQ=MONTHLY");
    CHECK(expand(e, "2025-01-01", "2026-01-01") == Strings{"2025-01-31", "2025-03-31", "2025-05-31",
                                                           "2025-07-31", "2025-08-31", "2025-10-31",
                                                           "2025-12-31"});
}

TEST_CASE("29 February recurs only in leap years, and 2100 is not one") {
    auto e = make("2024-02-29", "", "FREQ=YEARLY");
    auto got = expand(e, "2090-01-01", "2110-01-01");
    CHECK(got == Strings{"2092-02-29", "2096-02-29", "2104-02-29", "2108-02-29"});
    auto m = make("2024-02-29", "", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1");
    CHECK(expand(m, "2099-01-01", "2101-01-01") == Strings{"2099-02-28", "2100-02-28"});
}

TEST_CASE("BYDAY with ordinals, negative BYMONTHDAY and BYSETPOS") {
    auto second_tuesday = make("2025-01-14T10:00", "Europe/Berlin", "FREQ=MONTHLY;BYDAY=2TU");
    CHECK(expand(second_tuesday, "2025-01-01", "2025-04-01") ==
          Strings{"2025-01-14T10:00", "2025-02-11T10:00", "2025-03-11T10:00"});
    auto last_day = make("2025-01-31", "", "FREQ=MONTHLY;BYMONTHDAY=-1");
    CHECK(expand(last_day, "2025-01-01", "2025-04-01") ==
          Strings{"2025-01-31", "2025-02-28", "2025-03-31"});
    auto last_workday = make("2024-01-31", "", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1");
    CHECK(expand(last_workday, "2024-03-01", "2024-07-01") ==
          Strings{"2024-03-29", "2024-04-30", "2024-05-31", "2024-06-28"});
    auto thanksgiving = make("2023-11-23", "", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH");
    CHECK(expand(thanksgiving, "2024-01-01", "2026-01-01") == Strings{"2024-11-28", "2025-11-27"});
}

TEST_CASE("WKST changes which weeks an INTERVAL=2 rule uses (RFC 5545 example)") {
    auto mo = make("1997-08-05T09:00", "America/New_York",
                   "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO");
    CHECK(expand(mo, "1997-01-01", "1998-01-01") ==
          Strings{"1997-08-05T09:00", "1997-08-10T09:00", "1997-08-19T09:00", "1997-08-24T09:00"});
    auto su = make("1997-08-05T09:00", "America/New_York",
                   "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU");
    CHECK(expand(su, "1997-01-01", "1998-01-01") ==
          Strings{"1997-08-05T09:00", "1997-08-17T09:00", "1997-08-19T09:00", "1997-08-31T09:00"});
}

TEST_CASE("COUNT and UNTIL bound the series, windows inside the series start mid-way") {
    auto counted = make("2025-01-01T09:00", "Asia/Tokyo", "FREQ=DAILY;COUNT=10");
    CHECK(expand(counted, "2025-01-09", "2025-02-01") ==
          Strings{"2025-01-09T09:00", "2025-01-10T09:00"});
    CHECK(*last_local_start(counted) == at("2025-01-10T09:00"));
    // UNTIL in UTC is read in the event's zone: 00:00Z is 09:00 JST, so the 5th is the last.
    auto until = make("2025-01-01T09:00", "Asia/Tokyo", "FREQ=DAILY;UNTIL=20250105T000000Z");
    CHECK(expand(until, "2025-01-03", "2025-02-01") ==
          Strings{"2025-01-03T09:00", "2025-01-04T09:00", "2025-01-05T09:00"});
    auto every_third = make("2000-03-15", "", "FREQ=YEARLY;INTERVAL=3");
    CHECK(expand(every_third, "2024-01-01", "2031-01-01") ==
          Strings{"2024-03-15", "2027-03-15", "2030-03-15"});
    CHECK_FALSE(last_local_start(every_third).has_value());
}

TEST_CASE("EXDATE removes instances, RDATE adds them, DTSTART is always the first") {
    auto e = make("2025-06-02T10:00", "Europe/Berlin", "FREQ=WEEKLY;BYDAY=WE");
    e.exdates = {caltime_from_string("2025-06-11", "Europe/Berlin", "exdates")};
    e.rdates = {caltime_from_string("2025-06-13T15:00", "Europe/Berlin", "rdates")};
    CHECK(expand(e, "2025-06-01", "2025-06-20") ==
          Strings{"2025-06-02T10:00", "2025-06-04T10:00", "2025-06-13T15:00", "2025-06-18T10:00"});
    auto* utc = date::locate_zone("UTC");
    auto occ = occurrences_in(e, Instant{date::sys_days{date::year{2025} / 6 / 1}},
                              Instant{date::sys_days{date::year{2025} / 6 / 20}}, utc);
    REQUIRE(occ.size() == 4);
    CHECK(format_instant(occ[2].begin) == "2025-06-13T13:00:00Z");
    CHECK(format_caltime(occ[2].start) == "2025-06-13T15:00");
}

TEST_CASE("dates beyond libical's horizon, up to 9999-12-31") {
    auto leap = make("2024-02-29", "", "FREQ=YEARLY");
    CHECK(expand(leap, "9990-01-01", "9999-12-31T23:59:59") == Strings{"9992-02-29", "9996-02-29"});
    auto friday13 =
        make("2026-02-13T12:00", "Europe/Berlin", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13");
    CHECK(expand(friday13, "9999-01-01", "9999-12-31T23:59:59") == Strings{"9999-08-13T12:00"});
    auto daily = make("3000-01-01T09:00", "Asia/Tokyo", "FREQ=DAILY");
    auto got = expand(daily, "9999-12-30", "9999-12-31T23:59:59");
    CHECK(got == Strings{"9999-12-30T09:00", "9999-12-31T09:00"});
    auto biweekly = make("2025-01-06", "", "FREQ=WEEKLY;INTERVAL=2");
    // 2025-01-06 + k*14 days: 9999-12-27 is a Monday in phase ((days between) % 14 == 0).
    auto weeks = expand(biweekly, "9999-12-01", "9999-12-31T23:59:59");
    REQUIRE(!weeks.empty());
    CHECK(weeks.back() == "9999-12-27");
    CHECK(weeks == Strings{"9999-12-13", "9999-12-27"});
    // Crossing a frame boundary (2550) gives every year exactly once.
    auto yearly = make("2020-07-01", "", "FREQ=YEARLY");
    CHECK(expand(yearly, "2548-01-01", "2553-01-01").size() == 5);
    // An INTERVAL keeps its phase across a window far from DTSTART (libical's set_start loses it).
    auto every_seventh = make("1825-01-06", "", "FREQ=YEARLY;INTERVAL=7");
    CHECK(expand(every_seventh, "9990-01-01", "9999-12-31T23:59:59") == Strings{"9994-01-06"});
    auto biweekly_old = make("1825-01-06", "", "FREQ=WEEKLY;INTERVAL=2");
    CHECK(expand(biweekly_old, "1999-12-01", "1999-12-20") == Strings{"1999-12-02", "1999-12-16"});
    auto medieval = make("1225-01-06", "", "FREQ=WEEKLY;INTERVAL=2");  // a Monday
    CHECK(expand(medieval, "1999-12-01", "1999-12-20") == Strings{"1999-12-13"});
}

TEST_CASE("bad rrules are rejected naming rrule and what was expected") {
    auto check_bad = [](const std::string& start, const std::string& rrule,
                        const std::string& needle) {
        Event e = make(start, start.size() > 10 ? "UTC" : "", rrule);
        try {
            validate(e);
            FAIL("accepted " << rrule);
        } catch (const HeraldError& err) {
            CHECK(err.field() == "rrule");
            CHECK_THAT(err.what(), Catch::Contains(needle));
        }
    };
    check_bad("2025-01-01", "FREQ=FORTNIGHTLY", "expected RFC 5545 rule parts");
    check_bad("2025-01-01", "BYDAY=MO", "expected RFC 5545 rule parts");
    check_bad("2025-01-01", "FREQ=DAILY;COUNT=3;UNTIL=20250105", "cannot read rrule");
    check_bad("2025-01-01T10:00", "FREQ=HOURLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY");
    check_bad("2025-01-01T10:00", "FREQ=DAILY;BYHOUR=9,17", "BYHOUR");
    check_bad("2025-01-01", "FREQ=DAILY;COUNT=1000000", "COUNT must be between 1 and 100000");
    check_bad("2025-01-01", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BY parts can ever match");
    check_bad("2025-01-01", "FREQ=YEARLY;INTERVAL=101", "INTERVAL must be at most 100");
    check_bad("2304-02-29", "FREQ=YEARLY;COUNT=100", "reaches past the year 2582");
    Event ok = make("2025-01-01", "", "FREQ=YEARLY;INTERVAL=7;UNTIL=21000101");
    CHECK_NOTHROW(validate(ok));
    Event year_precision = make("2023", "", "FREQ=YEARLY");
    CHECK_THROWS_WITH(validate(year_precision),
                      Catch::Contains("needs a start with a day or a time"));
}

TEST_CASE("plain yearly and monthly rules expand as libical does", "[recurrence][plain]") {
    // The plain path (date arithmetic) against libical's iterator, which the same rule with its
    // implied BYMONTH/BYMONTHDAY spelled out goes through; seeded random starts and windows,
    // including windows past 2400 where the libical path shifts frames.
    uint32_t seed = 20261123;
    auto next = [&seed](uint32_t n) {
        seed = seed * 1664525u + 1013904223u;
        return (seed >> 8) % n;
    };
    // Days 29-31 included: the plain path skips the months (and years) without that date.
    for (int i = 0; i < 600; ++i) {
        unsigned y = 1990 + next(60), m = 1 + next(12),
                 d = next(3) == 0 ? 29 + next(3) : 1 + next(28);
        if (!date::year_month_day{date::year(static_cast<int>(y)), date::month{m}, date::day{d}}
                 .ok())
            continue;
        bool yearly = next(2) == 0;
        unsigned interval = 1 + next(4);
        char start[32];
        bool timed = next(2) == 0;
        std::snprintf(start, sizeof start, timed ? "%04u-%02u-%02uT%02u:30" : "%04u-%02u-%02u", y,
                      m, d, next(24));
        std::string rule = std::string(yearly ? "FREQ=YEARLY" : "FREQ=MONTHLY") +
                           ";INTERVAL=" + std::to_string(interval);
        if (next(3) == 0) rule += ";UNTIL=" + std::to_string(y + 5 + next(30)) + "0101";
        std::string spelled = rule + (yearly ? ";BYMONTH=" + std::to_string(m) : "") +
                              ";BYMONTHDAY=" + std::to_string(d);
        std::string tz = timed ? "Asia/Tokyo" : "";
        Event plain = make(start, tz, rule);
        Event explicit_rule = make(start, tz, spelled);
        int from_year = static_cast<int>(next(3) == 0 ? 2380 + next(200) : 1985 + next(80));
        LocalTime from =
            LocalTime{date::local_days{date::year{from_year} / date::month{1 + next(12)} / 1}};
        LocalTime to = from + date::days{1 + next(3000)};
        INFO(start << " " << rule << " window from " << from_year);
        CHECK(expand_local(plain, from, to) == expand_local(explicit_rule, from, to));
    }
}
