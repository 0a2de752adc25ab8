// Unit tests of core/index_spans: which spans the window index holds for an event, at fixed
// instants.
#include <catch2/catch.hpp>

#include <string>

#include "core/event_json.hpp"
#include "core/index_spans.hpp"

using namespace herald;

namespace {

Instant utc(int y, int m, int d) {
    return Instant{date::sys_days{date::year{y} / m / d}};
}

Event event(Json j) {
    j["uid"] = "x@t";
    j["title"] = "x";
    Event e = event_from_json(j);
    validate(e);
    return e;
}

const IndexHorizon kHorizon = index_horizon_at(utc(2026, 11, 23) + std::chrono::hours{17});

}  // namespace

TEST_CASE("the horizon is whole years around now and goes stale before it runs out",
          "[index_spans]") {
    CHECK(kHorizon.begin == utc(2024, 1, 1));
    CHECK(kHorizon.end == utc(2036, 1, 1));
    CHECK(horizon_fresh(kHorizon, utc(2026, 11, 23)));
    CHECK(horizon_fresh(kHorizon, utc(2025, 1, 1)));
    CHECK_FALSE(horizon_fresh(kHorizon, utc(2024, 12, 31)));
    CHECK_FALSE(horizon_fresh(kHorizon, utc(2031, 1, 1)));
    CHECK_FALSE(horizon_fresh(IndexHorizon{}, utc(2026, 11, 23)));
}

TEST_CASE("one span for one-off events, dense series and series outside the horizon",
          "[index_spans]") {
    SECTION("a one-off timed event") {
        auto s = index_spans(
            event({{"start", "2026-12-01T09:00"}, {"tz", "Asia/Tokyo"}, {"duration", "PT2H"}}),
            kHorizon);
        CHECK_FALSE(s.per_instance);
        REQUIRE(s.spans.size() == 1);
        CHECK(s.spans[0].begin == utc(2026, 12, 1));
        CHECK(s.spans[0].end == utc(2026, 12, 1) + std::chrono::hours{2});
    }
    SECTION("an undated event has no span") {
        CHECK(index_spans(event({{"start", nullptr}}), kHorizon).spans.empty());
    }
    SECTION("a weekly series is dense: one span to the far future") {
        auto s = index_spans(
            event({{"start", "2026-01-05T09:00"}, {"tz", "UTC"}, {"rrule", "FREQ=WEEKLY"}}),
            kHorizon);
        CHECK_FALSE(s.per_instance);
        REQUIRE(s.spans.size() == 1);
        CHECK(s.spans[0].end > utc(9999, 1, 1));
    }
    SECTION("a yearly series that ended before the horizon") {
        auto s = index_spans(
            event({{"start", "2001-03-01"}, {"rrule", "FREQ=YEARLY;UNTIL=20100301"}}), kHorizon);
        CHECK_FALSE(s.per_instance);
        REQUIRE(s.spans.size() == 1);
        CHECK(s.spans[0].end <= utc(2010, 3, 3));
    }
    SECTION("a monthly series with every day is too dense for instance rows") {
        auto s = index_spans(
            event({{"start", "2026-01-01"},
                   {"rrule", "FREQ=MONTHLY;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"}}),
            kHorizon);
        CHECK_FALSE(s.per_instance);
    }
}

TEST_CASE("a sparse series: each instance in the horizon, coarse spans outside", "[index_spans]") {
    auto s = index_spans(event({{"start", "1992-01-26"}, {"rrule", "FREQ=YEARLY"}}), kHorizon);
    REQUIRE(s.per_instance);
    // [1992, 2024), [2036, forever), then 2024..2035: twelve all-day instances.
    REQUIRE(s.spans.size() == 14);
    CHECK(s.spans[0].begin == utc(1992, 1, 26));
    CHECK(s.spans[0].end == kHorizon.begin);
    CHECK(s.spans[1].begin == kHorizon.end);
    CHECK(s.spans[1].end > utc(9999, 1, 1));
    CHECK(s.spans[2].begin == utc(2024, 1, 26));
    CHECK(s.spans[2].end == utc(2024, 1, 27));
    CHECK(s.spans[13].begin == utc(2035, 1, 26));

    SECTION("a series starting inside the horizon with a COUNT has no coarse spans") {
        auto c = index_spans(event({{"start", "2027-04-10T10:00"},
                                    {"tz", "Asia/Almaty"},
                                    {"duration", "PT1H"},
                                    {"rrule", "FREQ=MONTHLY;COUNT=3"}}),
                             kHorizon);
        REQUIRE(c.per_instance);
        REQUIRE(c.spans.size() == 3);
        CHECK(c.spans[2].begin == utc(2027, 6, 10) + std::chrono::hours{5});  // UTC+5
    }
}
