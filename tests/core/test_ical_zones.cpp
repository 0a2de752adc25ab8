// A file's VTIMEZONE that matches no IANA zone: kept as a rule zone (core/vtimezone_rule), so each
// instance of a series gets its own offset, and exported back as the same VTIMEZONE rules.
// Expected instants come from the files' own rules, worked out by hand (dates in the comments).
#include <catch2/catch.hpp>

#include "core/ical_export.hpp"
#include "core/ical_import.hpp"
#include "core/tz_rule.hpp"
#include "core/vtimezone_rule.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

/// A calendar of `vtimezone` and one event `uid` with DTSTAMP, SUMMARY and `props`.
std::string file_of(const std::string& vtimezone, const std::string& uid,
                    const std::string& props) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + vtimezone +
           "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:" + uid +
           "\r\n" + props + "END:VEVENT\r\nEND:VCALENDAR\r\n";
}

/// A VTIMEZONE with a STANDARD and a DAYLIGHT observance: `standard`/`daylight` are their
/// DTSTART, RRULE and offset lines.
std::string vtimezone(const std::string& tzid, const std::string& standard,
                      const std::string& daylight) {
    return "BEGIN:VTIMEZONE\r\nTZID:" + tzid + "\r\nBEGIN:STANDARD\r\n" + standard +
           "END:STANDARD\r\n" +
           (daylight.empty() ? "" : "BEGIN:DAYLIGHT\r\n" + daylight + "END:DAYLIGHT\r\n") +
           "END:VTIMEZONE\r\n";
}

// Outlook's "(UTC-03:00) Brasília" before 2019: DST from the third Sunday of October to the
// third Sunday of February, changes at 00:00, no TZNAME.
const std::string kBrasilia =
    vtimezone("(UTC-03:00) Brasília",
              "DTSTART:16010101T000000\r\nRRULE:FREQ=YEARLY;BYDAY=3SU;BYMONTH=2\r\n"
              "TZOFFSETFROM:-0200\r\nTZOFFSETTO:-0300\r\n",
              "DTSTART:16010101T000000\r\nRRULE:FREQ=YEARLY;BYDAY=3SU;BYMONTH=10\r\n"
              "TZOFFSETFROM:-0300\r\nTZOFFSETTO:-0200\r\n");

Instant utc(int y, unsigned m, unsigned d, int hh, int mm = 0) {
    return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} +
           std::chrono::hours{hh} + std::chrono::minutes{mm};
}

/// The instant of `local` (y-m-d hh:mm) in the zone of `e`'s start.
Instant at(const Event& e, int y, unsigned m, unsigned d, int hh, int mm = 0) {
    LocalTime l{date::local_days{date::year{y} / date::month{m} / date::day{d}}};
    return resolve_local(l + std::chrono::hours{hh} + std::chrono::minutes{mm},
                         find_zone(e.start.tz));
}

const Event& only(const IcalImport& r) {
    INFO((r.problems.empty() ? std::string() : r.problems.front().reason));
    REQUIRE(r.problems.empty());
    REQUIRE(r.events.size() == 1);
    return r.events.front();
}

}  // namespace

TEST_CASE("a VTIMEZONE no IANA zone matches is kept as a rule zone with each year's changes",
          "[ical]") {
    auto r = import_ical(file_of(kBrasilia, "br",
                                 "DTSTART;TZID=\"(UTC-03:00) Brasília\":"
                                 "20251001T090000\r\nRRULE:FREQ=WEEKLY\r\n"));
    const Event& e = only(r);
    CHECK(e.start.tz == "vtimezone:<-03>3<-02>,M10.3.0/0,M2.3.0/0 (UTC-03:00) Brasília");
    CHECK(e.start.local == LocalTime{date::local_days{date::year{2025} / 10 / 1}} + 9h);
    CHECK(e.rrule == "FREQ=WEEKLY");
    // 2025-10-19 is the third Sunday of October: 09:00 is 12:00Z before, 11:00Z after; the DST
    // ends on 2026-02-15 (third Sunday of February).
    CHECK(at(e, 2025, 10, 15, 9) == utc(2025, 10, 15, 12));
    CHECK(at(e, 2025, 10, 22, 9) == utc(2025, 10, 22, 11));
    CHECK(at(e, 2026, 2, 11, 9) == utc(2026, 2, 11, 11));
    CHECK(at(e, 2026, 2, 18, 9) == utc(2026, 2, 18, 12));
    REQUIRE(r.warnings.size() == 1);
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("no IANA zone has the file's VTIMEZONE"));
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("kept in the file's own zone"));
    CHECK_THAT(r.warnings[0].reason, !Catch::Contains("other rules"));
}

TEST_CASE("VTIMEZONE rule shapes become POSIX rules - other shapes fall back to UTC", "[ical]") {
    auto zone_of = [](const std::string& std_part, const std::string& dst_part) {
        auto r = import_ical(file_of(vtimezone("Mine", std_part, dst_part), "x",
                                     "DTSTART;TZID=Mine:20250610T090000\r\n"));
        return only(r).start.tz;
    };
    // Fixed dates with TZNAMEs (15 April 02:00 to 21 September 03:00): Jn rules.
    CHECK(zone_of("DTSTART:20000921T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=21\r\n"
                  "TZOFFSETFROM:+0630\r\nTZOFFSETTO:+0530\r\nTZNAME:MYST\r\n",
                  "DTSTART:20000415T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=15\r\n"
                  "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0630\r\nTZNAME:MYDT\r\n") ==
          "vtimezone:MYST-5:30MYDT,J105,J264/3 Mine");
    // "The Sunday on or after the 8th" (older Apple files) is the second Sunday, the last seven
    // days of October the last Sunday; names with spaces become numeric ones.
    CHECK(zone_of("DTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=SU;"
                  "BYMONTHDAY=25,26,27,28,29,30,31\r\nTZOFFSETFROM:-0230\r\nTZOFFSETTO:-0330\r\n"
                  "TZNAME:My Standard\r\n",
                  "DTSTART:19700412T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=SU;"
                  "BYMONTHDAY=8,9,10,11,12,13,14\r\nTZOFFSETFROM:-0330\r\nTZOFFSETTO:-0230\r\n") ==
          "vtimezone:<-0330>3:30<-0230>,M4.2.0,M10.5.0 Mine");
    // No DST: the fixed offset.
    CHECK(zone_of("DTSTART:16010101T000000\r\nTZOFFSETFROM:+0317\r\nTZOFFSETTO:+0317\r\n", "") ==
          "vtimezone:<+0317>-3:17 Mine");
    // Every Sunday of March is no POSIX rule: the file's instant, in UTC (10:00 +0317 = 05:43Z).
    auto r = import_ical(
        file_of(vtimezone("Odd",
                          "DTSTART:20001029T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
                          "TZOFFSETFROM:+0417\r\nTZOFFSETTO:+0317\r\n",
                          "DTSTART:20000305T000000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU\r\n"
                          "TZOFFSETFROM:+0317\r\nTZOFFSETTO:+0417\r\n"),
                "odd", "DTSTART;TZID=Odd:20250110T090000\r\n"));
    CHECK(only(r).start.tz == "UTC");
    CHECK(only(r).start.local ==
          LocalTime{date::local_days{date::year{2025} / 1 / 10}} + 5h + 43min);
    CHECK_THAT(r.warnings.at(0).reason, Catch::Contains("not yearly rules a POSIX TZ rule states"));
}

TEST_CASE("a VTIMEZONE whose rules change over the years uses those in force at DTSTART, warned",
          "[ical]") {
    // Brasília as it really went: DST until February 2019, then UTC-3 all year. An event of 2017
    // gets the DST rules; the file differs from them from 2019 on, and the warning says so.
    const std::string history =
        "BEGIN:VTIMEZONE\r\nTZID:Brasília history\r\nBEGIN:STANDARD\r\nDTSTART:20080217T000000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=3SU;UNTIL=20190217T020000Z\r\nTZOFFSETFROM:-0200\r\n"
        "TZOFFSETTO:-0300\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:20081019T000000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=3SU;UNTIL=20181021T030000Z\r\nTZOFFSETFROM:-0300\r\n"
        "TZOFFSETTO:-0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
    auto r = import_ical(file_of(history, "h",
                                 "DTSTART;TZID=Brasília history:20171001T090000"
                                 "\r\nRRULE:FREQ=MONTHLY;COUNT=6\r\n"));
    const Event& e = only(r);
    CHECK(e.start.tz == "vtimezone:<-03>3<-02>,M10.3.0/0,M2.3.0/0 Brasília history");
    CHECK(at(e, 2017, 11, 1, 9) == utc(2017, 11, 1, 11));
    REQUIRE(r.warnings.size() == 1);
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("other rules in other years"));
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("2019-10-20"));
    // An event of 2020 gets the offset in force then, UTC-3 without DST (which IANA zones have).
    r = import_ical(file_of(history, "h2",
                            "DTSTART;TZID=Brasília history:20201001T090000"
                            "\r\nRRULE:FREQ=MONTHLY;COUNT=6\r\n"));
    CHECK(at(only(r), 2020, 11, 1, 9) == utc(2020, 11, 1, 12));
    // Its fixed-offset rule, as the rule zone would hold it had no IANA zone matched.
    icalcomponent* vtz = icalcomponent_new_from_string(history.c_str());
    CHECK(format_tz_rule(*vtimezone_rule(vtz, 2020)) == "<-03>3");
    CHECK(format_tz_rule(*vtimezone_rule(vtz, 2015)) == "<-03>3<-02>,M10.3.0/0,M2.3.0/0");
    icalcomponent_free(vtz);
}

TEST_CASE("a rule zone is exported as its VTIMEZONE rules and re-imported into the same event",
          "[ical]") {
    auto first = import_ical(file_of(kBrasilia, "br",
                                     "DTSTART;TZID=\"(UTC-03:00) Brasília\":"
                                     "20251001T090000\r\nRRULE:FREQ=WEEKLY;"
                                     "COUNT=8\r\nEXDATE;TZID=\"(UTC-03:00) "
                                     "Brasília\":20251022T090000\r\n"));
    const Event& e = only(first);
    const std::string text = export_ical({e}, utc(2025, 1, 1, 0));
    CHECK_THAT(text, Catch::Contains("DTSTART;TZID=\"(UTC-03:00) Brasília\":20251001T090000"));
    CHECK_THAT(text, Catch::Contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=3SU"));
    CHECK_THAT(text, Catch::Contains("RRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=3SU"));
    auto again = import_ical(text);
    const Event& back = only(again);
    CHECK(back.start == e.start);
    CHECK(back.exdates == e.exdates);
    CHECK(back.rrule == e.rrule);
    // The later 23:30 of 2026-02-14 (DST ends at midnight): written in UTC with X-HERALD-TZ
    // naming the TZID, read back into the rule zone, fold and all.
    Event late = e;
    late.exdates.clear();
    late.start = caltime_at(utc(2026, 2, 15, 2, 30), e.start.tz);
    REQUIRE(late.start.fold);
    CHECK(only(import_ical(export_ical({late}, utc(2025, 1, 1, 0)))).start == late.start);
    // A last-Sunday rule (BYDAY=-1SU) and a fixed-date one (BYMONTHDAY) come back the same too.
    for (const std::string tz : {"vtimezone:<-0330>3:30<-0230>,M4.2.0,M10.5.0 Mine",
                                 "vtimezone:MYST-5:30MYDT,J105,J264/3 MyTimezone"}) {
        Event other = e;
        other.start.tz = tz;
        other.exdates.clear();
        const std::string out = export_ical({other}, utc(2025, 1, 1, 0));
        INFO(out);
        CHECK(only(import_ical(out)).start == other.start);
    }
}
