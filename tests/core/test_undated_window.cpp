// Undated ("to be announced") events belong in windows that reach the viewer's today or later.
#include <catch2/catch.hpp>

#include "core/event_json.hpp"
#include "core/undated_window.hpp"

using namespace herald;

namespace {

Instant at(const char* local, const date::time_zone* zone) {
    return resolve_local(caltime_from_string(local, "", "t").local, zone);
}

}  // namespace

TEST_CASE("undated events belong in windows that reach today or later", "[undated]") {
    const auto* bishkek = find_zone("Asia/Bishkek");
    const Instant now = at("2026-12-03T15:00", bishkek);
    // A past window (all of 1992) does not show them.
    CHECK_FALSE(undated_belongs(at("1993-01-01", bishkek), now, bishkek));
    // A window ending at today's midnight ends before today: not shown.
    CHECK_FALSE(undated_belongs(at("2026-12-03", bishkek), now, bishkek));
    // A window ending now or later today reaches today (`herald list --past`): shown.
    CHECK(undated_belongs(at("2026-12-03T00:01", bishkek), now, bishkek));
    CHECK(undated_belongs(now, now, bishkek));
    // A future window is shown.
    CHECK(undated_belongs(at("2027-01-01", bishkek), now, bishkek));
}

TEST_CASE("today is the viewer's today", "[undated]") {
    // 2026-12-03 01:00 in Bishkek (+06) is still 2026-12-02 in UTC.
    const auto* bishkek = find_zone("Asia/Bishkek");
    const auto* utc = find_zone("UTC");
    const Instant now = at("2026-12-03T01:00", bishkek);
    const Instant window_to = at("2026-12-02T20:00", utc);  // 02:00 on 3 Dec in Bishkek
    CHECK(undated_belongs(window_to, now, bishkek));
    CHECK(undated_belongs(window_to, now, utc));
    const Instant earlier = at("2026-12-02T18:30", utc);  // 00:30 on 3 Dec in Bishkek
    CHECK(undated_belongs(earlier, now, bishkek));
    CHECK(undated_belongs(earlier, now, utc));
    const Instant before_midnight = at("2026-12-02T17:30", utc);  // 23:30 on 2 Dec in Bishkek
    CHECK_FALSE(undated_belongs(before_midnight, now, bishkek));
    CHECK(undated_belongs(before_midnight, now, utc));  // UTC's today is 2 Dec
}
