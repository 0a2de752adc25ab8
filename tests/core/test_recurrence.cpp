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

TEST_CASE("dates beyond 2582 (libical 3.0's horizon), up to 9999-12-31") {
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
    check_bad("2025-01-01", "FREQ=FORTNIGHTLY", "FREQ must be SECONDLY, MINUTELY, HOURLY");
    check_bad("2025-01-01", "BYDAY=MO", "FREQ is required");
    check_bad("2025-01-01", "FREQ=DAILY;COUNT=3;UNTIL=20250105", "either COUNT or UNTIL");
    check_bad("2025-01-01", "FREQ=HOURLY", "an all-day event repeats by days");
    check_bad("2025-01-01", "FREQ=DAILY;BYHOUR=9", "need a start with a time of day");
    check_bad("2025-01-01", "FREQ=DAILY;COUNT=1000000", "COUNT takes 1 to 100000");
    check_bad("2025-01-01", "FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice");
    check_bad("2025-01-01", "FREQ=DAILY;BYMONTH=13", "BYMONTH takes 1 to 12");
    check_bad("2025-01-01", "FREQ=DAILY;BYWEEKNO=1", "BYWEEKNO is allowed only with FREQ=YEARLY");
    check_bad("2025-01-01", "FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY is allowed with FREQ=YEARLY");
    check_bad("2025-01-01", "FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY is not allowed with");
    check_bad("2025-01-01", "FREQ=WEEKLY;BYDAY=2MO", "allowed only with FREQ=MONTHLY or YEARLY");
    check_bad("2025-01-01", "FREQ=YEARLY;BYWEEKNO=2;BYDAY=1MO", "not allowed together with");
    check_bad("2025-01-01", "FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another BYxxx part");
    check_bad("2025-01-01", "FREQ=DAILY;BYSETPOS=0", "BYSETPOS takes ±1 to ±366");
    check_bad("2025-01-01", "FREQ=DAILY;WKST=XX", "not a weekday");
    check_bad("2025-01-01", "FREQ=DAILY;UNTIL=2025-02-01", "UNTIL takes a date");
    check_bad("2025-01-01", "FREQ=DAILY;X-FOO=1", "unknown rule part");
    // What RFC 5545 allows is accepted, also rules whose BY parts never meet (only DTSTART).
    for (const char* rule : {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;INTERVAL=101",
                             "FREQ=YEARLY;BYYEARDAY=60;BYMONTH=3", "FREQ=YEARLY;BYWEEKNO=20"})
        CHECK_NOTHROW(validate(make("2025-01-01", "", rule)));
    CHECK_NOTHROW(validate(make("2304-02-29", "", "FREQ=YEARLY;COUNT=100")));
    CHECK_NOTHROW(
        validate(make("2025-01-01T10:00", "UTC", "FREQ=MINUTELY;BYHOUR=9;BYSECOND=0,30")));
    Event ok = make("2025-01-01", "", "FREQ=YEARLY;INTERVAL=7;UNTIL=21000101");
    CHECK_NOTHROW(validate(ok));
    Event year_precision = make("2023", "", "FREQ=YEARLY");
    CHECK_THROWS_WITH(validate(year_precision),
                      Catch::Contains("needs a start with a day or a time"));
}

TEST_CASE("plain yearly and monthly rules expand as with their implied parts spelled out",
          "[recurrence][plain]") {
    // The parts RFC 5545 takes from DTSTART against the same rule with them written out;
    // seeded random starts and windows, including windows past 2400.
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

// Issue 13 (recurrence): each case found against dateutil, pinned with hand-checked instances.

TEST_CASE("DAILY with a negative BYMONTHDAY keeps the days counted from the month's end") {
    auto last = make("2025-01-31T09:00", "UTC", "FREQ=DAILY;BYMONTHDAY=-1");
    CHECK(expand(last, "2025-01-01", "2025-05-01") ==
          Strings{"2025-01-31T09:00", "2025-02-28T09:00", "2025-03-31T09:00", "2025-04-30T09:00"});
    auto both = make("2025-01-31T09:00", "UTC", "FREQ=DAILY;BYMONTHDAY=1,-1");
    CHECK(expand(both, "2025-01-01", "2025-03-02") ==
          Strings{"2025-01-31T09:00", "2025-02-01T09:00", "2025-02-28T09:00", "2025-03-01T09:00"});
    auto counted = make("2025-01-31T09:00", "UTC", "FREQ=DAILY;BYMONTHDAY=-2;COUNT=3");
    CHECK_NOTHROW(validate(counted));
    // DTSTART (not a -2nd day) counts first, then two instances of the rule.
    CHECK(expand(counted, "2025-01-01", "2026-01-01") ==
          Strings{"2025-01-31T09:00", "2025-02-27T09:00", "2025-03-30T09:00"});
}

TEST_CASE("BYSETPOS picks within each WEEKLY period") {
    auto e = make("2025-01-03T09:00", "UTC", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1;COUNT=4");
    CHECK(expand(e, "2025-01-01", "2025-03-01") ==
          Strings{"2025-01-03T09:00", "2025-01-10T09:00", "2025-01-17T09:00", "2025-01-24T09:00"});
}

TEST_CASE("BYWEEKNO follows WKST, keeps weeks that straddle the year, expands without BYDAY") {
    auto fri = make("2027-12-31T09:00", "UTC", "FREQ=YEARLY;BYWEEKNO=52;BYDAY=FR");
    CHECK(expand(fri, "2027-01-01", "2030-01-01") ==
          Strings{"2027-12-31T09:00", "2028-12-29T09:00", "2029-12-28T09:00"});
    // 2025 starts on a Wednesday: with weeks from Monday, week 1 is 2024-12-30..2025-01-05; from
    // Sunday it is 2024-12-29..2025-01-04.
    auto monday_weeks = make("2024-06-01", "", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=MO");
    CHECK(expand(monday_weeks, "2024-12-01", "2025-02-01") == Strings{"2025-01-05"});
    auto sunday_weeks = make("2024-06-01", "", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU");
    CHECK(expand(sunday_weeks, "2024-12-01", "2025-02-01") == Strings{"2024-12-29"});
    auto whole_week = make("2025-01-01", "", "FREQ=YEARLY;BYWEEKNO=20");
    CHECK(expand(whole_week, "2025-02-01", "2026-01-01") ==
          Strings{"2025-05-12", "2025-05-13", "2025-05-14", "2025-05-15", "2025-05-16",
                  "2025-05-17", "2025-05-18"});
}

TEST_CASE("BYYEARDAY with BYMONTH is accepted and limited by the month") {
    auto e = make("2025-01-01T09:00", "UTC", "FREQ=YEARLY;BYYEARDAY=60;BYMONTH=3");
    CHECK_NOTHROW(validate(e));
    // Day 60 is 1 March in common years and 29 February in leap years (2028: no instance).
    CHECK(expand(e, "2025-01-02", "2030-01-01") ==
          Strings{"2025-03-01T09:00", "2026-03-01T09:00", "2027-03-01T09:00", "2029-03-01T09:00"});
}

TEST_CASE("a UTC UNTIL bounds instants, also in a DST overlap") {
    // 2025-11-02 01:30 in New York is 05:30Z (EDT, the first of the two); UNTIL 06:15Z is after it.
    auto e = make("2025-10-30T01:30", "America/New_York", "FREQ=DAILY;UNTIL=20251102T061500Z");
    CHECK(expand(e, "2025-10-01", "2025-12-01") ==
          Strings{"2025-10-30T01:30", "2025-10-31T01:30", "2025-11-01T01:30", "2025-11-02T01:30"});
    auto before = make("2025-10-30T01:30", "America/New_York", "FREQ=DAILY;UNTIL=20251102T052959Z");
    CHECK(expand(before, "2025-10-01", "2025-12-01").size() == 3);
}

TEST_CASE("COUNT counts DTSTART first, also when DTSTART is not an instance of the rule") {
    auto e = make("2025-01-01T09:00", "UTC", "FREQ=WEEKLY;BYDAY=FR;COUNT=3");  // a Wednesday
    CHECK(expand(e, "2025-01-01", "2026-01-01") ==
          Strings{"2025-01-01T09:00", "2025-01-03T09:00", "2025-01-10T09:00"});
    CHECK(*last_local_start(e) == at("2025-01-10T09:00"));
}

TEST_CASE("BYDAY with and without ordinals unites them (RFC 5545), dateutil intersects") {
    auto e = make("2025-01-01", "", "FREQ=MONTHLY;BYDAY=1MO,FR");
    CHECK(expand(e, "2025-02-01", "2025-03-01") ==
          Strings{"2025-02-03", "2025-02-07", "2025-02-14", "2025-02-21", "2025-02-28"});
}

TEST_CASE("sub-daily FREQs and BYHOUR/BYMINUTE/BYSECOND, an instant listed once across a gap") {
    auto e = make("2025-03-09T01:15", "America/New_York", "FREQ=MINUTELY;INTERVAL=30;COUNT=5");
    CHECK(expand(e, "2025-03-09", "2025-03-10") == Strings{"2025-03-09T01:15", "2025-03-09T01:45",
                                                           "2025-03-09T02:15", "2025-03-09T02:45",
                                                           "2025-03-09T03:15"});
    auto* utc = date::locate_zone("UTC");
    const Instant day{date::sys_days{date::year{2025} / 3 / 9}};
    auto occ = occurrences_in(e, day, day + date::days{1}, utc);
    std::vector<std::string> begins;
    for (const auto& o : occ) begins.push_back(format_instant(o.begin));
    // 02:15 (in the gap) is 03:15 EDT, the same instant as the 03:15 instance: listed once.
    CHECK(begins == Strings{"2025-03-09T06:15:00Z", "2025-03-09T06:45:00Z", "2025-03-09T07:15:00Z",
                            "2025-03-09T07:45:00Z"});
    auto hours =
        make("2025-01-01T00:00", "UTC", "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30;BYSETPOS=-1");
    CHECK(expand(hours, "2025-01-02", "2025-01-04") ==
          Strings{"2025-01-02T17:30", "2025-01-03T17:30"});
}

TEST_CASE("EXDATE at the shown time of a gap-shifted instance removes it, unmatched is an error") {
    auto e = make("2025-03-02T02:30", "America/New_York", "FREQ=WEEKLY");
    e.exdates = {caltime_from_string("2025-03-09T03:30", "America/New_York", "exdates")};
    CHECK(expand(e, "2025-03-01", "2025-03-20") == Strings{"2025-03-02T02:30", "2025-03-16T02:30"});
    CHECK_NOTHROW(check_exdates_match(e));
    e.exdates = {caltime_from_string("2025-03-10T02:30", "America/New_York", "exdates")};
    try {
        check_exdates_match(e);
        FAIL("an EXDATE naming no occurrence was accepted");
    } catch (const HeraldError& err) {
        CHECK(err.field() == "exdates");
        CHECK_THAT(err.what(), Catch::Contains("exdate 2025-03-10T02:30 matches no occurrence"));
    }
    // An unmatched one already stored (imported) is kept; a new one is still checked.
    CHECK_NOTHROW(check_exdates_match(e, e.exdates));
    auto kept = e.exdates;
    e.exdates.push_back(caltime_from_string("2025-03-17T02:30", "America/New_York", "exdates"));
    CHECK_THROWS_AS(check_exdates_match(e, kept), HeraldError);
}

TEST_CASE(
    "an UNTIL that lands exactly on an instance keeps it, all-day and timed, plain and windowed") {
    // Plain yearly (the no-scan path) and monthly with a BY part, each listed whole and through
    // a window that starts mid-series (the windowed path).
    const std::pair<std::string, std::string> windows[] = {{"2000-01-01", "2040-01-01"},
                                                           {"2025-01-01", "2040-01-01"}};
    for (const auto& [from, to] : windows) {
        INFO("window from " << from);
        auto allday = make("2020-03-15", "", "FREQ=YEARLY;UNTIL=20250315");
        CHECK(expand(allday, from, to).back() == "2025-03-15");
        auto by_part = make("2020-03-15", "", "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20250315");
        CHECK(expand(by_part, from, to).back() == "2025-03-15");
        // UTC UNTIL on a zoned start: 09:00 CET is 08:00Z, compared as instants.
        auto utc = make("2020-03-15T09:00", "Europe/Berlin", "FREQ=YEARLY;UNTIL=20250315T080000Z");
        CHECK(expand(utc, from, to).back() == "2025-03-15T09:00");
        // A local UNTIL on a floating start and a date UNTIL on a timed one bound wall times.
        auto local = make("2020-03-15T09:00", "", "FREQ=YEARLY;UNTIL=20250315T090000");
        CHECK(expand(local, from, to).back() == "2025-03-15T09:00");
        auto date = make("2020-03-15T09:00", "Asia/Tokyo", "FREQ=MONTHLY;UNTIL=20250315");
        CHECK(expand(date, from, to).back() == "2025-03-15T09:00");
    }
}

// RFC 5545 §3.3.10: a YEARLY rule's set is the days of one calendar year, and BYWEEKNO names
// weeks of ISO 8601 numbering from WKST, week 1 being the first with four days in its year. A
// few days at each end of a calendar year lie in a week of the neighbouring year; each day has
// the number of its own week, counted from either end of that week's year, so those days belong
// to this year's set (and to BYSETPOS's choice within it). python-dateutil 2.8.2 misses them in
// two ways, which the differential counts apart (docs/testing.md, "Recurrence differential").
TEST_CASE("BYWEEKNO at the new year: the last week of the previous year in January") {
    // 2050-01-02 is a Sunday of week 52 of 2049 (a 52-week year): dateutil's week count for the
    // previous year is one too high in such years and drops it (dateutil PR #1537).
    auto e = make("2049-07-15", "", "FREQ=YEARLY;BYWEEKNO=52;BYDAY=TH,FR,WE,SU;UNTIL=20500814");
    CHECK(expand(e, "2049-07-01", "2050-09-01") ==
          Strings{"2049-07-15", "2049-12-29", "2049-12-30", "2049-12-31", "2050-01-02"});
    // The PR's own example: 2011-01-01 and -02 are week 52 of 2010.
    auto pr = make("2011-01-01T09:00", "UTC", "FREQ=YEARLY;COUNT=4;BYWEEKNO=52;BYDAY=SA,SU");
    CHECK(expand(pr, "2011-01-01", "2013-01-01") ==
          Strings{"2011-01-01T09:00", "2011-01-02T09:00", "2011-12-31T09:00", "2012-01-01T09:00"});
}

TEST_CASE("BYWEEKNO at the new year: a negative week of the next year in December, and BYSETPOS") {
    // 2040-12-31 is week 1 of 2041, a 52-week year: week -52. It is the last day of 2040's set,
    // so BYSETPOS=-1 picks it; dateutil checks only BYWEEKNO=1 there (its "TODO: Check
    // -numweeks for next year") and picks 2040-12-30.
    auto berlin = make("2040-05-23T09:00", "Europe/Berlin",
                       "FREQ=YEARLY;COUNT=15;BYSETPOS=1,-1;BYWEEKNO=-52,52,3");
    CHECK(expand(berlin, "2040-01-01", "2043-01-01") ==
          Strings{"2040-05-23T09:00", "2040-12-31T09:00", "2041-01-01T09:00", "2041-12-31T09:00",
                  "2042-01-01T09:00", "2042-12-28T09:00"});
    // 2002-12-30/31 are week 1 of 2003 (week -52): the last of 2002's set, not 2002-08-04.
    auto tehran = make("2002-06-11T00:30", "Asia/Tehran",
                       "FREQ=YEARLY;COUNT=36;INTERVAL=3;BYWEEKNO=-22,16,-52;WKST=MO;BYSETPOS=-1");
    CHECK(expand(tehran, "2002-01-01", "2012-01-01") ==
          Strings{"2002-06-11T00:30", "2002-12-31T00:30", "2005-08-07T00:30", "2008-08-03T00:30",
                  "2011-08-07T00:30"});
    // 2008-12-30 is week 1 of 2009, a 53-week year: week -53.
    auto all_day =
        make("2008-08-24", "", "FREQ=YEARLY;INTERVAL=2;BYWEEKNO=41,-53;BYDAY=SU,TU;BYSETPOS=-1,1");
    CHECK(expand(all_day, "2008-01-01", "2011-01-01") ==
          Strings{"2008-08-24", "2008-10-07", "2008-12-30", "2010-10-12", "2010-10-17"});
    // With times of day, BYSETPOS picks the last time of 2002-12-31 (week -52 of 2003).
    auto st_johns = make("2002-08-03T23:15", "America/St_Johns",
                         "FREQ=YEARLY;BYWEEKNO=-52,29,-3;BYHOUR=3,13;BYMINUTE=3,34;BYSETPOS=-1");
    CHECK(expand(st_johns, "2002-01-01", "2004-01-01") ==
          Strings{"2002-08-03T23:15", "2002-12-31T13:34", "2003-12-14T13:34"});
}

TEST_CASE("BYWEEKNO: week 53 only in 53-week years, -1 across the new year, WKST moves the weeks") {
    auto w53 = make("2015-12-28", "", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO");
    CHECK(expand(w53, "2015-01-01", "2034-01-01") ==
          Strings{"2015-12-28", "2020-12-28", "2026-12-28", "2032-12-27"});
    // The last week of 2020 (week 53) ends on 2021-01-03; 2023 starts in week 52 of 2022 and
    // ends in its own week 52, so 2023 holds two Sundays of a last week.
    auto last = make("2021-01-03", "", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU");
    CHECK(expand(last, "2021-01-01", "2024-01-01") ==
          Strings{"2021-01-03", "2022-01-02", "2023-01-01", "2023-12-31"});
    // Weeks from Sunday: 2025 has 53 of them, the last is 2025-12-28..2026-01-03; weeks from
    // Monday put 2026-01-03 in week 1 of 2026 and the last Saturday of 2026 on 2027-01-02; weeks
    // from Tuesday end 2026 on 2026-12-26 and give 2027 53 weeks, the last ending on 2028-01-03.
    auto sunday = make("2026-01-01", "", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SA;WKST=SU");
    CHECK(expand(sunday, "2026-01-01", "2028-01-01") ==
          Strings{"2026-01-01", "2026-01-03", "2027-01-02"});
    auto monday = make("2026-01-01", "", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SA;WKST=MO");
    CHECK(expand(monday, "2026-01-01", "2028-01-01") == Strings{"2026-01-01", "2027-01-02"});
    auto tuesday = make("2026-01-01", "", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SA;WKST=TU");
    CHECK(expand(tuesday, "2026-01-01", "2028-01-01") == Strings{"2026-01-01", "2026-12-26"});
}
