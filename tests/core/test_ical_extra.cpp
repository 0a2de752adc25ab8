// Unmodelled iCalendar content (core/ical_extra.hpp): other clients' properties and alarms are
// kept through import → edit → export; Herald's own output leaves nothing extra.
#include <catch2/catch.hpp>

#include "core/ical_export.hpp"
#include "core/ical_extra.hpp"
#include "core/ical_import.hpp"

using namespace herald;

namespace {

const Instant kNow = date::sys_days{date::year{2025} / 3 / 1};

// As Thunderbird or python3-caldav would write a meeting: attendees, an attachment, their own
// X- properties, an e-mail alarm and a display alarm of their own.
const char* kThirdParty =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1\r\nDTSTAMP:20250101T000000Z\r\n"
    "CREATED:20241201T080000Z\r\nSEQUENCE:3\r\n"
    "DTSTART:20250610T090000Z\r\nDTEND:20250610T100000Z\r\nSUMMARY:Board meeting\r\n"
    "ORGANIZER;CN=Alice:mailto:alice@example.org\r\n"
    "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bob@example.org\r\n"
    "ATTENDEE;CN=\"Carol; Jr.\";PARTSTAT=NEEDS-ACTION:mailto:carol@example.org\r\n"
    "ATTACH;FMTTYPE=application/pdf:https://example.org/agenda.pdf\r\n"
    "X-OTHER-CLIENT-COLOR:#ff0000\r\nTRANSP:TRANSPARENT\r\n"
    "BEGIN:VALARM\r\nACTION:EMAIL\r\nTRIGGER:-P1D\r\nSUMMARY:Tomorrow\r\n"
    "DESCRIPTION:Board meeting tomorrow\r\nATTENDEE:mailto:alice@example.org\r\nEND:VALARM\r\n"
    "BEGIN:VALARM\r\nUID:alarm-7\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DURATION:-P0DT0H15M0S\r\n"
    "DESCRIPTION:Soon\r\nX-OTHER-SNOOZE:1\r\nEND:VALARM\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n";

Event only_event(const std::string& text) {
    IcalImport imp = import_ical(text);
    REQUIRE(imp.events.size() == 1);
    return imp.events.front();
}

/// `text` unfolded (RFC 5545 §3.1), so a kept line is found whole.
std::string unfolded(std::string text) {
    for (size_t at = text.find("\r\n "); at != std::string::npos; at = text.find("\r\n ", at))
        text.erase(at, 3);
    return text;
}

bool has_line(const std::string& text, const std::string& line) {
    return unfolded(text).find("\r\n" + line + "\r\n") != std::string::npos;
}

}  // namespace

TEST_CASE("other clients' properties and alarms survive a Herald edit and export") {
    Event e = only_event(kThirdParty);
    CHECK(e.alarms.size() == 1);  // the display alarm is a Herald reminder; e-mail is not
    e.title = "Board meeting (moved room)";
    std::string out = export_ical({e}, kNow);
    for (const char* line :
         {"CREATED:20241201T080000Z", "SEQUENCE:3", "ORGANIZER;CN=Alice:mailto:alice@example.org",
          "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bob@example.org",
          "ATTENDEE;CN=\"Carol; Jr.\";PARTSTAT=NEEDS-ACTION:mailto:carol@example.org",
          "ATTACH;FMTTYPE=application/pdf:https://example.org/agenda.pdf",
          "X-OTHER-CLIENT-COLOR:#ff0000", "TRANSP:TRANSPARENT", "ACTION:EMAIL", "SUMMARY:Tomorrow",
          "UID:alarm-7", "TRIGGER;VALUE=DURATION:-P0DT0H15M0S", "X-OTHER-SNOOZE:1",
          "SUMMARY:Board meeting (moved room)"})
        CHECK_THAT(unfolded(out), Catch::Contains("\r\n" + std::string(line) + "\r\n"));
    // Each once: the kept display alarm stands for the reminder, Herald adds no second one.
    auto count = [&out](const std::string& s) {
        size_t n = 0;
        for (size_t at = out.find(s); at != std::string::npos; at = out.find(s, at + 1)) ++n;
        return n;
    };
    CHECK(count("BEGIN:VALARM") == 2);
    CHECK(count("CREATED:") == 1);
    // And the export reads back as the same event, extra content included.
    Event back = only_event(out);
    CHECK(back.ical_extra == e.ical_extra);
    CHECK(back.alarms == e.alarms);
}

TEST_CASE("a kept alarm whose reminder was removed in Herald is dropped, an e-mail one stays") {
    Event e = only_event(kThirdParty);
    e.alarms.clear();
    std::string out = export_ical({e}, kNow);
    CHECK(!has_line(out, "UID:alarm-7"));
    CHECK(has_line(out, "ACTION:EMAIL"));
    e.alarms.push_back(Alarm{Alarm::Related::start, parse_duration("-PT5M", "t"), {}});
    out = export_ical({e}, kNow);
    CHECK(!has_line(out, "UID:alarm-7"));
    CHECK(has_line(out, "TRIGGER:-PT5M"));
}

TEST_CASE("Herald's own export leaves nothing unmodelled, imprecise dates included") {
    Event e;
    e.uid = "own-1";
    e.title = "Summit";
    e.start = CalTime{Precision::month, LocalTime{date::local_days{date::year{2026} / 3 / 1}}, ""};
    e.source = "press release";
    e.created = kNow - std::chrono::hours{24};  // written as Herald's own CREATED
    e.alarms.push_back(Alarm{Alarm::Related::start, parse_duration("-P1D", "t"), {}});
    Event back = only_event(export_ical({e}, kNow));
    CHECK(back.ical_extra == "");
    Event timed = only_event(kThirdParty);
    timed.ical_extra.clear();
    CHECK(only_event(export_ical({timed}, kNow)).ical_extra.empty());
}

TEST_CASE("valarm_alarm reads the trigger forms other clients write") {
    auto alarm = [](std::vector<std::string> lines) {
        lines.insert(lines.begin(), "BEGIN:VALARM");
        lines.push_back("END:VALARM");
        return valarm_alarm(lines);
    };
    CHECK(alarm({"ACTION:DISPLAY", "TRIGGER;RELATED=END:-PT10M"}) ==
          Alarm{Alarm::Related::end, parse_duration("-PT10M", "t"), {}});
    CHECK(alarm({"TRIGGER;VALUE=DATE-TIME:20250610T083000Z"}) ==
          Alarm{Alarm::Related::absolute,
                {},
                date::sys_days{date::year{2025} / 6 / 10} + std::chrono::hours{8} +
                    std::chrono::minutes{30}});
    CHECK(!alarm({"ACTION:EMAIL", "TRIGGER:-PT10M"}));
    CHECK(!alarm({"ACTION:AUDIO", "TRIGGER:soon"}));
}

TEST_CASE("RFC 9074 ACKNOWLEDGED travels with its reminder, in Herald's VALARM and a kept one") {
    const Instant acked = date::sys_days{date::year{2025} / 6 / 10} + std::chrono::hours{9};
    // A kept (third-party) VALARM: read with its ACKNOWLEDGED, kept without it, written back
    // inside that VALARM with the reminder's current value.
    std::string text = kThirdParty;
    text.insert(text.find("X-OTHER-SNOOZE"), "ACKNOWLEDGED:20250610T085000Z\r\n");
    Event e = only_event(text);
    REQUIRE(e.alarms.size() == 1);
    CHECK(e.alarms[0].acknowledged == acked - std::chrono::minutes{10});
    CHECK(e.ical_extra.find("ACKNOWLEDGED") == std::string::npos);
    e.alarms[0].acknowledged = acked;
    std::string out = unfolded(export_ical({e}, kNow));
    CHECK(out.find("UID:alarm-7\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DURATION:-P0DT0H15M0S\r\n"
                   "DESCRIPTION:Soon\r\nX-OTHER-SNOOZE:1\r\nACKNOWLEDGED:20250610T090000Z\r\n"
                   "END:VALARM") != std::string::npos);
    CHECK(only_event(out).alarms[0].acknowledged == acked);
    // Herald's own VALARM: still plain (nothing kept), the acknowledgement read back.
    Event own;
    own.uid = "own-2";
    own.title = "Briefing";
    own.start = CalTime{
        Precision::minute,
        LocalTime{date::local_days{date::year{2025} / 6 / 10}} + std::chrono::hours{10}, "UTC"};
    Alarm hour_before{Alarm::Related::start, parse_duration("-PT1H", "t"), {}};
    hour_before.acknowledged = acked;
    own.alarms.push_back(hour_before);
    Event back = only_event(export_ical({own}, kNow));
    CHECK(back.ical_extra == "");
    REQUIRE(back.alarms.size() == 1);
    CHECK(back.alarms[0].acknowledged == acked);
    CHECK(back.alarms[0] == own.alarms[0]);
}
