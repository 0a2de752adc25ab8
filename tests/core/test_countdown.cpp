// Countdown to the next occurrence, with a fixed "now".
#include <catch2/catch.hpp>

#include "core/countdown.hpp"
#include "core/event_json.hpp"

using namespace herald;

namespace {
Event event(const std::string& title, const std::string& start, const std::string& tz,
            const std::string& rrule = {}) {
    Event e;
    e.id = 3;
    e.uid = "c@test";
    e.title = title;
    e.start = caltime_from_string(start, tz, "start");
    e.rrule = rrule;
    return e;
}
}  // namespace

TEST_CASE("countdown to an all-day event in the viewer's calendar days") {
    auto* bishkek = find_zone("Asia/Bishkek");
    Event expo = event("Kyrgyzstan National Day at EXPO 2025", "2025-06-06", "");
    Instant now = parse_instant("2024-11-22T04:00:00Z", "now");  // 10:00 in Bishkek
    auto occ = next_occurrence(expo, now, bishkek);
    REQUIRE(occ);
    CHECK(countdown_text(*occ, now, bishkek) ==
          "Kyrgyzstan National Day at EXPO 2025: 196 days, Friday 2025-06-06");
    CHECK_FALSE(next_occurrence(expo, parse_instant("2025-06-07T00:00:00Z", "now"), bishkek));
}

TEST_CASE("countdown to the next anniversary of a yearly event") {
    auto* tokyo = find_zone("Asia/Tokyo");
    Event rel = event("{ordinal} anniversary of relations", "1992-01-26", "", "FREQ=YEARLY");
    Instant now = parse_instant("2022-01-25T03:00:00Z", "now");
    auto occ = next_occurrence(rel, now, tokyo);
    REQUIRE(occ);
    CHECK(countdown_text(*occ, now, tokyo) ==
          "30th anniversary of relations: tomorrow, Wednesday 2022-01-26");
    Event meeting = event("Ministerial", "2022-12-24T14:40", "Asia/Tokyo");
    now = parse_instant("2022-12-24T01:00:00Z", "now");
    occ = next_occurrence(meeting, now, find_zone("Asia/Bishkek"));
    REQUIRE(occ);
    CHECK(countdown_text(*occ, now, find_zone("Asia/Bishkek")) ==
          "Ministerial: today, Saturday 2022-12-24 14:40 JST");
}
