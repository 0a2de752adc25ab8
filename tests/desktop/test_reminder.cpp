// What a reminder says on the desktop and what the answers mean (desktop/reminder), from the
// protocol's reminder params, with named zones.
#include <catch2/catch.hpp>

#include "desktop/reminder.hpp"

using namespace herald;

namespace {

/// A reminder of an event at 14:40:30 in Tokyo (05:40:30Z) due at `due`, alarm as `set`.
nlohmann::json params(const char* due, nlohmann::json set, bool snoozed = false) {
    nlohmann::json p{{"id", 12},           {"event_id", 3},
                     {"title", "Talks"},   {"start", "2022-12-24T14:40:30"},
                     {"tz", "Asia/Tokyo"}, {"occurrence", "2022-12-24T05:40:30Z"},
                     {"due", due},         {"snoozed", snoozed}};
    if (!set.is_null()) p["set"] = std::move(set);
    return p;
}

std::string alarm_of(const nlohmann::json& p) {
    return desktop_reminder(p, date::locate_zone("Asia/Tokyo")).alarm;
}

nlohmann::json trigger(const char* t, const char* related = "start") {
    return {{"trigger", t}, {"related", related}};
}

}  // namespace

TEST_CASE("the alarm is shown as set and humanely rather than as due minus start") {
    // Due 2 h before a start with seconds: the set alarm says 2 h, not "119 min".
    CHECK(alarm_of(params("2022-12-24T03:40:30Z", trigger("-PT2H"))) == "2 h before");
    CHECK(alarm_of(params("2022-12-24T04:10:30Z", trigger("-PT1H30M"))) == "1 h 30 min before");
    CHECK(alarm_of(params("2022-12-23T05:40:30Z", trigger("-P1D"))) == "1 day before");
    CHECK(alarm_of(params("2022-12-10T05:40:30Z", trigger("-P2W"))) == "2 weeks before");
    CHECK(alarm_of(params("2022-12-24T05:40:30Z", trigger("PT0S"))) == "at start");
    CHECK(alarm_of(params("2022-12-24T06:30:30Z", trigger("-PT10M", "end"))) ==
          "10 min before the end");
    CHECK(alarm_of(params("2022-12-24T06:45:30Z", trigger("PT5M", "end"))) ==
          "5 min after the end");
    // An absolute alarm, and params from a daemon that does not send `set`: to the nearest
    // minute, so one second short of two hours is still "2 h".
    CHECK(alarm_of(params("2022-12-24T03:40:31Z", {{"at", "2022-12-24T03:40:31Z"}})) ==
          "2 h before");
    CHECK(alarm_of(params("2022-12-24T05:11:00Z", nullptr)) == "30 min before");
}

TEST_CASE("a snoozed reminder says it was snoozed") {
    CHECK(alarm_of(params("2022-12-24T05:25:30Z", trigger("-PT15M"), true)) ==
          "snoozed (set 15 min before)");
}

TEST_CASE("the body gives the viewer's own time only when the offset differs") {
    auto p = params("2022-12-24T05:25:30Z", trigger("-PT15M"));
    auto bishkek = desktop_reminder(p, date::locate_zone("Asia/Bishkek"));
    CHECK(desktop_body(bishkek) ==
          "Sat 2022-12-24 14:40 JST · your time 11:40 +06\nReminder: 15 min before");
    auto tokyo = desktop_reminder(p, date::locate_zone("Asia/Tokyo"));
    CHECK(desktop_body(tokyo) == "Sat 2022-12-24 14:40 JST\nReminder: 15 min before");
}

TEST_CASE("which answers acknowledge and which snooze") {
    CHECK(desktop_answer("default") == DesktopAnswer::acknowledge);
    CHECK(desktop_answer("dismiss") == DesktopAnswer::acknowledge);
    CHECK(desktop_answer("snooze") == DesktopAnswer::snooze);
    CHECK(desktop_answer("other") == DesktopAnswer::none);
    // Closed by the user acknowledges, unless an action answered it first; expiring or being
    // closed by a call (replaced) does not.
    CHECK(desktop_closed_answer(2, false) == DesktopAnswer::acknowledge);
    CHECK(desktop_closed_answer(2, true) == DesktopAnswer::none);
    CHECK(desktop_closed_answer(1, false) == DesktopAnswer::none);
    CHECK(desktop_closed_answer(3, false) == DesktopAnswer::none);
    CHECK(desktop_alarm_id("alarm-12") == 12);
    CHECK_FALSE(desktop_alarm_id("digest-4"));
}
