// Unit tests of core/agenda_json: the brief occurrence object written as text, with the wall
// times a client prints without a zone database.
#include <catch2/catch.hpp>

#include <string>

#include "core/agenda_json.hpp"
#include "core/event_json.hpp"

using namespace herald;

namespace {

Event ev(Json j) {
    j["uid"] = "agenda-json@herald.test";
    Event e = event_from_json(j);
    validate(e);
    e.id = 7;
    return e;
}

/// The brief object of the first occurrence of `e` in [from, to), parsed back.
Json brief(const Event& e, const char* from, const char* to, const char* viewer) {
    const auto* zone = find_zone(viewer);
    auto occs = occurrences_in(e, parse_instant(from, "from"), parse_instant(to, "to"), zone);
    REQUIRE_FALSE(occs.empty());
    std::string out;
    append_brief_occurrence(out, occs.front(), zone);
    return Json::parse(out);  // throws unless it is one JSON object
}

}  // namespace

TEST_CASE("a timed occurrence carries its wall time in the event's zone and the viewer's") {
    Event e = ev({{"title", "Japan–Kyrgyz meeting"},
                  {"start", "2022-12-24T14:40"},
                  {"tz", "Asia/Tokyo"},
                  {"duration", "PT30M"},
                  {"location", "Tokyo"}});
    Json j = brief(e, "2022-12-24T00:00:00Z", "2022-12-25T00:00:00Z", "Asia/Bishkek");
    CHECK(j["id"] == 7);
    CHECK(j["title"] == "Japan–Kyrgyz meeting");
    CHECK(j["occurrence_start"] == "2022-12-24T05:40:00Z");
    CHECK(j["occurrence_end"] == "2022-12-24T06:10:00Z");
    CHECK(j["occurrence_local"] == "2022-12-24T14:40");
    CHECK(j["zone_local"] == "2022-12-24T14:40");
    CHECK(j["zone_abbrev"] == "JST");
    CHECK(j["zone_offset"] == 9 * 3600);
    CHECK(j["viewer_local"] == "2022-12-24T11:40");
    CHECK(j["viewer_abbrev"] == "+06");
    CHECK(j["viewer_offset"] == 6 * 3600);
    CHECK(j["all_day"] == false);
    CHECK(j["end"].is_null());
    CHECK(j["recurring"] == false);
    CHECK_FALSE(j.contains("n"));
}

TEST_CASE("a DST-gap instance shows the wall time it really has, its identity stays nominal") {
    Event e = ev({{"title", "Early call"},
                  {"start", "2025-03-02T02:30"},
                  {"tz", "America/New_York"},
                  {"rrule", "FREQ=WEEKLY"}});
    Json j = brief(e, "2025-03-09T00:00:00Z", "2025-03-10T00:00:00Z", "UTC");
    CHECK(j["occurrence_local"] == "2025-03-09T02:30");
    CHECK(j["zone_local"] == "2025-03-09T03:30");
    CHECK(j["zone_abbrev"] == "EDT");
    CHECK(j["viewer_local"] == "2025-03-09T07:30");
    CHECK(j["recurring"] == true);
}

TEST_CASE("floating and all-day occurrences, anniversaries and escaped text") {
    Event floating = ev({{"title", "Call \"home\" \\ now"}, {"start", "2025-06-06T09:00"}});
    Json f = brief(floating, "2025-06-05T00:00:00Z", "2025-06-07T00:00:00Z", "Asia/Tokyo");
    CHECK(f["title"] == "Call \"home\" \\ now");
    CHECK(f["viewer_local"] == "2025-06-06T09:00");
    CHECK(f["viewer_abbrev"] == "JST");
    CHECK_FALSE(f.contains("zone_local"));

    Event day = ev({{"title", "EXPO"}, {"start", "2025-06-06"}, {"end", "2025-06-08"}});
    Json d = brief(day, "2025-06-01T00:00:00Z", "2025-06-30T00:00:00Z", "UTC");
    CHECK(d["all_day"] == true);
    CHECK(d["end"] == "2025-06-08");
    CHECK_FALSE(d.contains("viewer_local"));

    Event anniversary =
        ev({{"title", "{ordinal} anniversary"}, {"start", "1992-01-26"}, {"rrule", "FREQ=YEARLY"}});
    Json a = brief(anniversary, "2022-01-01T00:00:00Z", "2022-12-31T00:00:00Z", "UTC");
    CHECK(a["title"] == "30th anniversary");
    CHECK(a["n"] == 30);
}

TEST_CASE("occurrence_json is the whole event with the instance fields") {
    Event e = ev({{"title", "{n} years"}, {"start", "2000-05-01"}, {"rrule", "FREQ=YEARLY"}});
    auto occs = occurrences_in(e, parse_instant("2025-01-01T00:00:00Z", "from"),
                               parse_instant("2026-01-01T00:00:00Z", "to"), find_zone("UTC"));
    REQUIRE(occs.size() == 1);
    Json j = occurrence_json(occs.front());
    CHECK(j["title"] == "25 years");
    CHECK(j["n"] == 25);
    CHECK(j["occurrence_local"] == "2025-05-01");
    CHECK(j["uid"] == "agenda-json@herald.test");
    CHECK(j.contains("alarms"));
}
