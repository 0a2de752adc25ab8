// iCalendar import: times and zones, recurrences, overrides, alarms, precision, bad components.
#include <catch2/catch.hpp>

#include "core/errors.hpp"
#include "core/ical_import.hpp"
#include "core/ical_zones.hpp"

using namespace herald;

namespace {

std::string cal(const std::string& body) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

std::string vevent(const std::string& uid, const std::string& props) {
    return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Event " + uid +
           "\r\n" + props + "END:VEVENT\r\n";
}

const Event& only(const IcalImport& r) {
    INFO((r.problems.empty() ? std::string() : r.problems.front().reason));
    REQUIRE(r.problems.empty());
    REQUIRE(r.events.size() == 1);
    return r.events.front();
}

LocalTime lt(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
    return LocalTime{date::local_days{date::year{y} / date::month{m} / date::day{d}}} +
           std::chrono::hours{hh} + std::chrono::minutes{mm};
}

}  // namespace

TEST_CASE("all-day events keep our inclusive end", "[ical]") {
    auto r = import_ical(
        cal(vevent("a", "DTSTART;VALUE=DATE:20250606\r\nDTEND;VALUE=DATE:20250609\r\n") +
            vevent("b", "DTSTART;VALUE=DATE:20250606\r\nDTEND;VALUE=DATE:20250607\r\n")));
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].start == CalTime{Precision::day, lt(2025, 6, 6), ""});
    REQUIRE(r.events[0].end);
    CHECK(r.events[0].end->local == lt(2025, 6, 8));
    CHECK_FALSE(r.events[1].end);  // a one-day event has no separate end
}

TEST_CASE("timed values - TZID UTC floating and DURATION", "[ical]") {
    auto e = only(import_ical(
        cal(vevent("a", "DTSTART;TZID=Asia/Tokyo:20221224T144000\r\nDURATION:PT30M\r\n"))));
    CHECK(e.start == CalTime{Precision::minute, lt(2022, 12, 24, 14, 40), "Asia/Tokyo"});
    CHECK(e.duration == Seconds{1800});
    e = only(
        import_ical(cal(vevent("b", "DTSTART:20250101T090000Z\r\nDTEND:20250101T100000Z\r\n"))));
    CHECK(e.start.tz == "UTC");
    REQUIRE(e.end);
    CHECK(e.end->local == lt(2025, 1, 1, 10));
    e = only(import_ical(cal(vevent("c", "DTSTART:20250101T090000\r\n"))));
    CHECK(e.start.tz.empty());
    CHECK(e.start.timed());
}

TEST_CASE("Windows zone names vendor prefixes and aliases map to IANA", "[ical]") {
    CHECK(windows_zone_to_iana("Tokyo Standard Time") == "Asia/Tokyo");
    // Not CLDR 41's Asia/Almaty: Almaty left UTC+6 in March 2024, the Windows zone did not.
    CHECK(windows_zone_to_iana("central asia standard time") == "Asia/Bishkek");
    CHECK(windows_zone_to_iana("Nowhere Time").empty());
    auto e =
        only(import_ical(cal(vevent("a", "DTSTART;TZID=Tokyo Standard Time:20250110T090000\r\n"))));
    CHECK(e.start.tz == "Asia/Tokyo");
    e = only(import_ical(cal(
        vevent("b", "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20250110T090000\r\n"))));
    CHECK(e.start.tz == "Europe/Berlin");
    e = only(import_ical(
        cal(vevent("c", "DTSTART;TZID=\"W. Europe Standard Time\":20250110T090000\r\n"))));
    CHECK(e.start.tz == "Europe/Berlin");
}

TEST_CASE("a TZID defined only by the file's VTIMEZONE maps to an IANA zone with the same rules",
          "[ical]") {
    const std::string vtz =
        "BEGIN:VTIMEZONE\r\nTZID:My Office (Berlin)\r\n"
        "BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\nEND:"
        "VTIMEZONE\r\n";
    auto e = only(
        import_ical(cal(vtz + vevent("a", "DTSTART;TZID=My Office (Berlin):20250710T090000\r\n"))));
    CHECK(e.start.tz == "Europe/Berlin");  // the city in the TZID breaks the tie among CET zones
    const std::string tokyo =
        "BEGIN:VTIMEZONE\r\nTZID:(UTC+09:00) Osaka\\, Sapporo\\, "
        "Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
        "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
    auto r = import_ical(
        cal(tokyo +
            vevent("b", "DTSTART;TZID=\"(UTC+09:00) Osaka, Sapporo, Tokyo\":20250710T090000\r\n")));
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].start.tz == "Asia/Tokyo");
}

TEST_CASE("an unknown TZID without VTIMEZONE is read as floating time with a warning", "[ical]") {
    auto r = import_ical(cal(vevent("bad", "DTSTART;TZID=Mars/Olympus:20250110T090000\r\n") +
                             vevent("good", "DTSTART;VALUE=DATE:20250110\r\n")));
    REQUIRE(r.events.size() == 2);
    CHECK(r.problems.empty());
    CHECK(r.events[0].start == CalTime{Precision::minute, lt(2025, 1, 10, 9), ""});
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].uid == "bad");
    CHECK(r.warnings[0].line == 8);  // the DTSTART line
    CHECK(r.warnings[0].property == "DTSTART");
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("Mars/Olympus"));
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("floating"));
}

TEST_CASE("RRULE EXDATE and RDATE are kept in the event's zone", "[ical]") {
    auto e = only(import_ical(cal(
        vevent("a",
               "DTSTART;TZID=Asia/Tokyo:20250106T090000\r\nRRULE:FREQ=WEEKLY;COUNT=5;BYDAY=MO\r\n"
               "EXDATE:20250113T000000Z\r\nRDATE;TZID=Asia/Tokyo:20250108T090000\r\n"))));
    CHECK(e.rrule == "FREQ=WEEKLY;COUNT=5;BYDAY=MO");
    REQUIRE(e.exdates.size() == 1);
    CHECK(e.exdates[0] ==
          CalTime{Precision::minute, lt(2025, 1, 13, 9), "Asia/Tokyo"});  // 00:00Z = 09:00 JST
    REQUIRE(e.rdates.size() == 1);
    CHECK(e.rdates[0].local == lt(2025, 1, 8, 9));
}

TEST_CASE("RECURRENCE-ID overrides become an EXDATE plus their own event", "[ical]") {
    auto r = import_ical(
        cal(vevent("s",
                   "RECURRENCE-ID;TZID=Europe/Berlin:20250113T090000\r\nDTSTART;TZID=Europe/"
                   "Berlin:20250113T110000\r\n") +
            vevent("s",
                   "DTSTART;TZID=Europe/Berlin:20250106T090000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n")));
    REQUIRE(r.problems.empty());
    REQUIRE(r.events.size() == 2);
    const Event& master = r.events[1].uid == "s" ? r.events[1] : r.events[0];
    const Event& over = r.events[1].uid == "s" ? r.events[0] : r.events[1];
    CHECK(over.uid == "s#20250113T090000");
    CHECK(over.start.local == lt(2025, 1, 13, 11));
    REQUIRE(master.exdates.size() == 1);
    CHECK(master.exdates[0] == CalTime{Precision::minute, lt(2025, 1, 13, 9), "Europe/Berlin"});
}

TEST_CASE("VALARMs - relative to start or end absolute - EMAIL ignored - duplicates merged",
          "[ical]") {
    auto e = only(import_ical(cal(
        vevent("a",
               "DTSTART:20250101T090000Z\r\nDTEND:20250101T100000Z\r\n"
               "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
               "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
               "BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=END:PT5M\r\nEND:VALARM\r\n"
               "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER;VALUE=DATE-TIME:"
               "20241231T120000Z\r\nEND:VALARM\r\n"
               "BEGIN:VALARM\r\nACTION:EMAIL\r\nTRIGGER:-P1D\r\nEND:VALARM\r\n"))));
    REQUIRE(e.alarms.size() == 3);
    CHECK(e.alarms[0] == Alarm{Alarm::Related::start, Seconds{-900}, {}});
    CHECK(e.alarms[1] == Alarm{Alarm::Related::end, Seconds{300}, {}});
    CHECK(e.alarms[2].related == Alarm::Related::absolute);
    CHECK(e.alarms[2].at == date::sys_days{date::year{2024} / 12 / 31} + std::chrono::hours{12});
}

TEST_CASE("text properties CLASS and Herald's own properties", "[ical]") {
    auto e = only(import_ical(cal(vevent(
        "a",
        "DTSTART;VALUE=DATE:20250606\r\nDESCRIPTION:Line one\\nLine\\, two\\; "
        "three\r\nLOCATION:Osaka\\, Japan\r\n"
        "URL:https://example.org/x\r\nCATEGORIES:expo2025,kyrgyzstan-japan\r\nCATEGORIES:un\r\n"
        "STATUS:TENTATIVE\r\nCLASS:PUBLIC\r\nX-HERALD-SOURCE:002.txt: Trend\\, 3 Feb 2025\r\n"))));
    CHECK(e.description == "Line one\nLine, two; three");
    CHECK(e.location == "Osaka, Japan");
    CHECK(e.url == "https://example.org/x");
    CHECK(e.categories == std::vector<std::string>{"expo2025", "kyrgyzstan-japan", "un"});
    CHECK(e.status == Status::tentative);
    CHECK(e.visibility == Visibility::public_);
    CHECK(e.source == "002.txt: Trend, 3 Feb 2025");
    e = only(
        import_ical(cal(vevent("b", "DTSTART;VALUE=DATE:20250606\r\nCLASS:CONFIDENTIAL\r\n"))));
    CHECK(e.visibility == Visibility::private_);
}

TEST_CASE("X-HERALD-PRECISION makes dates imprecise or undated", "[ical]") {
    auto r =
        import_ical(cal(vevent("y",
                               "DTSTART;VALUE=DATE:20230101\r\nDTEND;VALUE=DATE:20230102\r\nX-"
                               "HERALD-PRECISION:year\r\n") +
                        vevent("m",
                               "DTSTART;VALUE=DATE:20221001\r\nX-HERALD-PRECISION:month\r\n"
                               "DESCRIPTION:Aid.\\n\\n[Herald: only the month is known; the day "
                               "shown is a placeholder.]\r\n") +
                        vevent("n", "DTSTART;VALUE=DATE:20250203\r\nX-HERALD-PRECISION:none\r\n") +
                        vevent("u", "")));
    REQUIRE(r.problems.empty());
    REQUIRE(r.events.size() == 4);
    CHECK(r.events[0].start.precision == Precision::year);
    CHECK_FALSE(r.events[0].end);
    CHECK(r.events[1].start == CalTime{Precision::month, lt(2022, 10, 1), ""});
    CHECK(r.events[1].description == "Aid.");
    CHECK_FALSE(r.events[2].start.dated());
    CHECK_FALSE(r.events[3].start.dated());  // no DTSTART at all: undated
}

TEST_CASE("bad components are reported with line and reason - good ones import", "[ical]") {
    std::string text =
        cal(vevent("ok1", "DTSTART;VALUE=DATE:20250101\r\n") +
            vevent("baddate", "DTSTART:20250231T100000Z\r\n") +
            vevent("garbage", "DTSTART:tomorrow\r\n") +
            vevent("badrule", "DTSTART:20250101T100000Z\r\nRRULE:FREQ=SOMETIMES\r\n") +
            "BEGIN:VEVENT\r\nUID:noend\r\nDTSTART;VALUE=DATE:20250101\r\n" +
            vevent("ok2", "DTSTART;VALUE=DATE:20250102\r\n"));
    auto r = import_ical(text);
    REQUIRE(r.events.size() == 3);
    CHECK(r.events[0].uid == "ok1");
    CHECK(r.events[1].uid == "badrule");  // kept without its RRULE
    CHECK(r.events[1].rrule.empty());
    CHECK(r.events[2].uid == "ok2");
    REQUIRE(r.problems.size() == 3);
    CHECK(r.problems[0].uid == "baddate");
    CHECK_THAT(r.problems[0].reason, Catch::Contains("2025-02-31"));
    CHECK(r.problems[1].uid == "garbage");
    CHECK(r.problems[2].uid == "noend");
    CHECK_THAT(r.problems[2].reason, Catch::Contains("END:VEVENT"));
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].uid == "badrule");
    CHECK(r.warnings[0].property == "RRULE");
    CHECK(r.components == 6);
}

TEST_CASE("structure - truncated unbalanced deep nesting long lines not iCalendar", "[ical]") {
    auto r = import_ical("BEGIN:VCALENDAR\r\n" + vevent("a", "DTSTART;VALUE=DATE:20250101\r\n") +
                         "BEGIN:VEVENT\r\nUID:cut\r\nDTSTART;VALU");
    CHECK(r.events.size() == 1);
    REQUIRE(r.warnings.size() == 1);  // no event is lost by it
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("without END:VCALENDAR"));
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].uid == "cut");
    CHECK(r.problems[0].line == 8);
    CHECK_THAT(r.problems[0].reason, Catch::Contains("no END:VEVENT"));

    std::string deep = "BEGIN:VEVENT\r\nUID:deep\r\nDTSTART;VALUE=DATE:20250101\r\n";
    for (int i = 0; i < 10000; ++i) deep += "BEGIN:X-NEST\r\n";
    for (int i = 0; i < 10000; ++i) deep += "END:X-NEST\r\n";
    deep += "END:VEVENT\r\n";
    r = import_ical(cal(deep + vevent("after", "DTSTART;VALUE=DATE:20250101\r\n")));
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].uid == "after");
    REQUIRE(r.problems.size() == 1);
    CHECK_THAT(r.problems[0].reason, Catch::Contains("nested deeper"));

    r = import_ical(cal(vevent("x", "DTSTART;VALUE=DATE:20250101\r\nEND:VALARM\r\n")));
    REQUIRE(r.problems.size() == 1);
    CHECK_THAT(r.problems[0].reason, Catch::Contains("END:VALARM"));

    std::string huge = "DESCRIPTION:" + std::string(10 * 1024 * 1024, 'x') + "\r\n";
    r = import_ical(cal(vevent("huge", "DTSTART;VALUE=DATE:20250101\r\n" + huge) +
                        vevent("small", "DTSTART;VALUE=DATE:20250101\r\n")));
    REQUIRE(r.events.size() == 1);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].uid == "huge");
    CHECK_THAT(r.problems[0].reason, Catch::Contains("longer than"));

    CHECK_THROWS_AS(import_ical("hello world"), HeraldError);
}

TEST_CASE("folded lines and LF-only files are read", "[ical]") {
    std::string text =
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:f\nDTSTART;VALUE=DATE:20250101\n"
        "SUMMARY:A long title that was folded \n by the exporter\nEND:VEVENT\nEND:VCALENDAR\n";
    auto e = only(import_ical(text));
    CHECK(e.title == "A long title that was folded by the exporter");
}

TEST_CASE("a day number beyond 31 is a problem of that component (found by fuzzing)", "[ical]") {
    // libical reads any two digits as the day; formatting day 81 used to throw
    // std::ios_base::failure out of import_ical.
    auto r =
        import_ical(cal(vevent("d81", "DTSTART;VALUE=DATE:20220181\r\n") +
                        vevent("x99", "DTSTART:20220101T090000Z\r\nEXDATE:20220199T090000Z\r\n") +
                        vevent("ok", "DTSTART;VALUE=DATE:20220101\r\n")));
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].uid == "x99");  // kept without the EXDATE
    CHECK(r.events[0].exdates.empty());
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].uid == "d81");
    CHECK_THAT(r.problems[0].reason, Catch::Contains("DTSTART is not a valid date"));
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].uid == "x99");
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("EXDATE dropped: EXDATE is not a valid date"));
}

namespace {

/// A VTIMEZONE named `tzid` with CET/CEST rules; `freq` replaces the STANDARD rule's FREQ=YEARLY.
std::string berlin_like(const std::string& tzid, const std::string& freq = "YEARLY") {
    return "BEGIN:VTIMEZONE\r\nTZID:" + tzid +
           "\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=" + freq +
           ";BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
           "BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
           "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
}

}  // namespace

TEST_CASE("a VTIMEZONE whose rules change too often is refused, not expanded (found by fuzzing)",
          "[ical]") {
    // FREQ=DAILY from 1601 used to expand into ~300,000 changes (seconds and ~500 MB per zone).
    std::string daily =
        "BEGIN:VTIMEZONE\r\nTZID:Daily\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16010101T030000\r\nRRULE:FREQ=DAILY\r\nTZOFFSETFROM:+0200\r\n"
        "TZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
    auto r = import_ical(cal(daily + vevent("a", "DTSTART;TZID=Daily:20250110T090000\r\n")));
    REQUIRE(r.events.size() == 1);  // kept, in floating time
    CHECK(r.events[0].start.tz.empty());
    CHECK(r.problems.empty());
    REQUIRE(r.warnings.size() == 2);
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("VTIMEZONE Daily changes offset more than"));
    CHECK(r.warnings[1].uid == "a");
    CHECK_THAT(r.warnings[1].reason, Catch::Contains("unknown TZID 'Daily'"));
}

TEST_CASE("only the first VTIMEZONEs with unknown names are matched - the rest use file rules",
          "[ical]") {
    std::string body;
    for (int i = 0; i < 66; ++i) {
        std::string name = "Office (Berlin) " + std::to_string(i);
        body += berlin_like(name) +
                vevent("e" + std::to_string(i), "DTSTART;TZID=" + name + ":20250710T090000\r\n");
    }
    auto r = import_ical(cal(body));
    REQUIRE(r.events.size() == 66);  // none is lost for its zone
    CHECK(r.problems.empty());
    for (size_t i = 0; i < 64; ++i) CHECK(r.events[i].start.tz == "Europe/Berlin");
    // Kept in the file's own rules (a rule zone): 09:00 CEST = 07:00 UTC.
    const CalTime& own = r.events[64].start;
    CHECK(own.tz == "vtimezone:<+01>-1<+02>,M3.5.0,M10.5.0/3 Office (Berlin) 64");
    CHECK(resolve_local(own.local, find_zone(own.tz)) ==
          date::sys_days{date::year{2025} / 7 / 10} + std::chrono::hours{7});
    REQUIRE(r.warnings.size() == 2);
    CHECK(r.warnings[0].uid == "e64");
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("too many VTIMEZONE matches"));
    // Zones named like IANA or Windows zones need no matching and are not limited.
    body.clear();
    for (int i = 0; i < 10; ++i)
        body += vevent("w" + std::to_string(i), "DTSTART;TZID=W. Europe Standard Time:2025071" +
                                                    std::to_string(i) + "T090000\r\n");
    CHECK(import_ical(cal(berlin_like("Mine") + body)).events.size() == 10);
}

TEST_CASE("exceptions take the event's zone so they survive a JSON round trip (found by fuzzing)",
          "[ical]") {
    auto r = import_ical(
        cal(vevent("m",
                   "DTSTART;TZID=Asia/Almaty:20250106T090000\r\nRRULE:FREQ=WEEKLY\r\n"
                   "EXDATE:20250113T090000\r\n") +
            vevent("m", "RECURRENCE-ID:20250120T090000\r\nDTSTART:20250120T110000\r\n") +
            vevent("f",
                   "DTSTART:20250106T090000\r\nRRULE:FREQ=DAILY\r\n"
                   "EXDATE;TZID=Asia/Tokyo:20250107T090000\r\n")));
    REQUIRE(r.events.size() == 3);
    const Event& master = r.events[0];
    REQUIRE(master.exdates.size() == 2);
    CHECK(master.exdates[0] == CalTime{Precision::minute, lt(2025, 1, 13, 9), "Asia/Almaty"});
    CHECK(master.exdates[1] == CalTime{Precision::minute, lt(2025, 1, 20, 9), "Asia/Almaty"});
    CHECK(r.events[1].uid == "m#20250120T090000");
    const Event& floating = r.events[2];
    REQUIRE(floating.exdates.size() == 1);
    CHECK(floating.exdates[0] == CalTime{Precision::minute, lt(2025, 1, 7, 9), ""});
}

namespace {

Instant instant_of(const CalTime& t) {
    return resolve_local(t.local, find_zone(t.tz));
}

Instant utc(int y, unsigned m, unsigned d, int hh, int mm = 0) {
    return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} +
           std::chrono::hours{hh} + std::chrono::minutes{mm};
}

}  // namespace

TEST_CASE("a mapped zone name gives way to the file's VTIMEZONE where they disagree", "[ical]") {
    // Outlook's zone as Outlook defines it: UTC+6 all year (Almaty is UTC+5 since March 2024).
    const std::string central_asia =
        "BEGIN:VTIMEZONE\r\nTZID:Central Asia Standard Time\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16010101T000000\r\nTZOFFSETFROM:+0600\r\nTZOFFSETTO:+0600\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n";
    auto r = import_ical(
        cal(central_asia + vevent("ca",
                                  "DTSTART;TZID=Central Asia Standard Time:20250303T100000\r\n"
                                  "RRULE:FREQ=WEEKLY\r\n")));
    REQUIRE(r.events.size() == 1);
    CHECK(instant_of(r.events[0].start) == utc(2025, 3, 3, 4));
    // The same name with rules of its own (UTC+5): the file's rules decide, with a warning.
    std::string plus5 = central_asia;
    for (size_t at; (at = plus5.find("+0600")) != std::string::npos;) plus5.replace(at, 5, "+0500");
    r = import_ical(
        cal(plus5 + vevent("ca5", "DTSTART;TZID=Central Asia Standard Time:20250303T100000\r\n")));
    REQUIRE(r.events.size() == 1);
    CHECK(instant_of(r.events[0].start) == utc(2025, 3, 3, 5));
    REQUIRE(r.warnings.size() == 1);
    CHECK_THAT(r.warnings[0].reason, Catch::Contains("disagrees"));
    // Pre-2007 US rules under a Windows name: on 2025-03-20 the file says PST, not PDT.
    const std::string old_pacific =
        "BEGIN:VTIMEZONE\r\nTZID:Pacific Standard Time\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16011028T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
        "TZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
        "DTSTART:16010401T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\n"
        "TZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
    r = import_ical(
        cal(old_pacific + vevent("pst", "DTSTART;TZID=Pacific Standard Time:20250320T090000\r\n")));
    REQUIRE(r.events.size() == 1);
    CHECK(instant_of(r.events[0].start) == utc(2025, 3, 20, 17));
}

TEST_CASE("liberal reading - CATEGORIES BOM bare VEVENT RDATE before DTSTART", "[ical]") {
    auto e = only(
        import_ical(cal(vevent("c", "DTSTART;VALUE=DATE:20250101\r\nCATEGORIES:a,b\\,c,d\r\n"))));
    CHECK(e.categories == std::vector<std::string>{"a", "b,c", "d"});
    e = only(import_ical("\xEF\xBB\xBF" + cal(vevent("bom", "DTSTART;VALUE=DATE:20250101\r\n"))));
    CHECK(e.uid == "bom");
    e = only(import_ical(vevent("bare", "DTSTART;VALUE=DATE:20250101\r\n")));
    CHECK(e.uid == "bare");
    auto r = import_ical(cal(vevent(
        "rd", "DTSTART:20250320T090000Z\r\nDTEND:20250320T100000Z\r\nRDATE:20250317T090000Z\r\n")));
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].start == CalTime{Precision::minute, lt(2025, 3, 17, 9), "UTC"});
    REQUIRE(r.events[0].end);
    CHECK(r.events[0].end->local == lt(2025, 3, 17, 10));
    CHECK(r.events[0].rdates ==
          std::vector<CalTime>{{Precision::minute, lt(2025, 3, 20, 9), "UTC"}});
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].property == "RDATE");
}

TEST_CASE("versions of one UID - the highest SEQUENCE then the latest DTSTAMP wins", "[ical]") {
    auto r = import_ical(
        cal(vevent("s", "SEQUENCE:3\r\nDTSTART;VALUE=DATE:20250103\r\n") +
            vevent("s", "SEQUENCE:1\r\nDTSTART;VALUE=DATE:20250101\r\n") +
            vevent("t", "LAST-MODIFIED:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250101\r\n") +
            vevent("t", "LAST-MODIFIED:20250301T000000Z\r\nDTSTART;VALUE=DATE:20250105\r\n")));
    REQUIRE(r.events.size() == 2);
    CHECK(r.problems.empty());
    CHECK(r.events[0].start.local == lt(2025, 1, 3));
    CHECK(r.events[1].start.local == lt(2025, 1, 5));
    REQUIRE(r.warnings.size() == 2);
    CHECK(r.warnings[0].line == 11);  // the older "s"
    CHECK(r.warnings[1].line == 18);  // the older "t"
}

TEST_CASE("a VEVENT without UID gets a stable one derived from its content", "[ical]") {
    const std::string a = "BEGIN:VEVENT\r\nDTSTART:20250318T090000Z\r\nSUMMARY:A\r\nEND:VEVENT\r\n";
    const std::string b = "BEGIN:VEVENT\r\nDTSTART:20250318T090000Z\r\nSUMMARY:B\r\nEND:VEVENT\r\n";
    auto r1 = import_ical(cal(a + b + a));
    auto r2 =
        import_ical(cal("BEGIN:VEVENT\r\nDTSTART:20250318T090000Z\r\nSUMMARY:A\r\n"
                        "DESCRIPTION:edited\r\nEND:VEVENT\r\n"));
    REQUIRE(r1.events.size() == 3);  // the copy of A is kept too, as A-2
    REQUIRE(r2.events.size() == 1);
    CHECK(r1.events[0].uid.rfind("herald-", 0) == 0);
    CHECK(r1.events[0].uid != r1.events[1].uid);
    CHECK(r1.events[2].uid == r1.events[0].uid + "-2");
    CHECK(r2.events[0].uid == r1.events[0].uid);  // same start and title: the same event
    CHECK(r1.warnings.size() == 3);
}

TEST_CASE("an override that carries an RRULE stays one instance", "[ical]") {
    auto r =
        import_ical(cal(vevent("o", "DTSTART:20250407T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n") +
                        vevent("o",
                               "RECURRENCE-ID:20250414T090000Z\r\nDTSTART:20250415T090000Z\r\n"
                               "RRULE:FREQ=WEEKLY;COUNT=4\r\n")));
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].uid == "o#20250414T090000");
    CHECK(r.events[1].rrule.empty());
    CHECK(r.events[0].rrule == "FREQ=WEEKLY;COUNT=4");
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].property == "RRULE");
}

TEST_CASE("a higher SEQUENCE wins over a later DTSTAMP", "[ical]") {
    // RFC 5545 §3.8.7.4: SEQUENCE orders revisions; DTSTAMP/LAST-MODIFIED only break a tie.
    for (bool reversed : {false, true}) {
        INFO("newer revision " << (reversed ? "second" : "first") << " in the file");
        std::string revised = vevent("v", "SEQUENCE:3\r\nDTSTART;VALUE=DATE:20250107\r\n");
        std::string touched = vevent("v",
                                     "SEQUENCE:2\r\nLAST-MODIFIED:20250601T000000Z\r\n"
                                     "DTSTART;VALUE=DATE:20250101\r\n");
        auto r = import_ical(cal(reversed ? touched + revised : revised + touched));
        REQUIRE(r.events.size() == 1);
        CHECK(r.events[0].start.local == lt(2025, 1, 7));
        REQUIRE(r.warnings.size() == 1);
        CHECK_THAT(r.warnings[0].reason, Catch::Contains("SEQUENCE 3"));
    }
}

TEST_CASE("a byte order mark before the first BEGIN is skipped, also before a bare VEVENT",
          "[ical]") {
    // Windows editors write one; read as part of the first line it would hide that BEGIN.
    const std::string bom = "\xEF\xBB\xBF";
    CHECK(only(import_ical(bom + vevent("bare", "DTSTART;VALUE=DATE:20250101\r\n"))).uid == "bare");
    auto r = import_ical(bom + cal(vevent("in-cal", "DTSTART;VALUE=DATE:20250101\r\n")));
    CHECK(only(r).uid == "in-cal");
    CHECK(r.warnings.empty());
}
