// Alarm scheduling rules with fixed instants and named zones.
#include <catch2/catch.hpp>

#include "core/alarms.hpp"
#include "core/errors.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

Instant at(const char* text) {
    return parse_instant(text, "t");
}

Event timed(const char* local, const char* tz, std::vector<Alarm> alarms) {
    Event e;
    e.id = 7;
    e.uid = "e7@test";
    e.title = "Meeting";
    e.start = parse_iso(local)->value;
    e.start.tz = tz;
    e.alarms = std::move(alarms);
    return e;
}

Alarm before(Seconds s) {
    return {Alarm::Related::start, -s, {}};
}

const date::time_zone* zone(const char* name) {
    return date::locate_zone(name);
}

}  // namespace

TEST_CASE("alarms relative to start and end of a timed event") {
    Event e =
        timed("2022-12-24T14:40", "Asia/Tokyo", {before(15min), {Alarm::Related::end, 0s, {}}});
    e.duration = 30min;
    auto first = next_alarm_occurrence(e, 0, at("2022-12-01T00:00:00Z"), zone("UTC"));
    REQUIRE(first);
    CHECK(first->due == at("2022-12-24T05:25:00Z"));
    CHECK(first->occurrence == at("2022-12-24T05:40:00Z"));
    auto end = next_alarm_occurrence(e, 1, at("2022-12-01T00:00:00Z"), zone("UTC"));
    REQUIRE(end);
    CHECK(end->due == at("2022-12-24T06:10:00Z"));
}

TEST_CASE("the next occurrence of an alarm is due at or after not_before") {
    Event e = timed("2025-06-06T09:00", "Europe/Berlin", {before(1h), before(24h)});
    CHECK(next_alarm_occurrence(e, 1, at("2025-01-01T00:00:00Z"), zone("UTC"))->due ==
          at("2025-06-05T07:00:00Z"));
    CHECK_FALSE(next_alarm_occurrence(e, 1, at("2025-06-05T07:00:01Z"), zone("UTC")));
    // due == not_before counts (at or after); afterwards nothing is left.
    CHECK(next_alarm_occurrence(e, 0, at("2025-06-06T06:00:00Z"), zone("UTC"))->due ==
          at("2025-06-06T06:00:00Z"));
    CHECK_FALSE(next_alarm_occurrence(e, 0, at("2025-06-06T06:00:01Z"), zone("UTC")));
}

TEST_CASE("all-day events take alarms from the start of their day in the viewer's zone") {
    Event e;
    e.id = 3;
    e.start = parse_iso("2025-06-06")->value;
    e.alarms = {before(24h), {Alarm::Related::start, 9h, {}}};
    auto bishkek = next_alarm_occurrence(e, 0, at("2025-01-01T00:00:00Z"), zone("Asia/Bishkek"));
    REQUIRE(bishkek);
    CHECK(bishkek->due == at("2025-06-04T18:00:00Z"));  // 2025-06-05 00:00 +06
    auto tokyo = next_alarm_occurrence(e, 1, at("2025-01-01T00:00:00Z"), zone("Asia/Tokyo"));
    REQUIRE(tokyo);
    CHECK(tokyo->due == at("2025-06-06T00:00:00Z"));  // 09:00 JST on the day
}

TEST_CASE("absolute alarms fire once at their instant") {
    Event e = timed("2025-06-06T09:00", "UTC",
                    {{Alarm::Related::absolute, 0s, at("2025-06-01T12:00:00Z")}});
    auto a = next_alarm_occurrence(e, 0, at("2025-05-01T00:00:00Z"), zone("UTC"));
    REQUIRE(a);
    CHECK(a->due == at("2025-06-01T12:00:00Z"));
    CHECK(a->occurrence == at("2025-06-06T09:00:00Z"));
    CHECK_FALSE(next_alarm_occurrence(e, 0, at("2025-06-01T12:00:01Z"), zone("UTC")));
}

TEST_CASE("imprecise and undated events never fire, and asking directly says why") {
    Event e;
    e.id = 9;
    e.start = parse_iso("2022-11")->value;
    e.alarms = {before(1h)};
    CHECK_FALSE(alarms_can_fire(e));
    try {
        next_alarm_occurrence(e, 0, at("2022-01-01T00:00:00Z"), zone("UTC"));
        FAIL("expected an error");
    } catch (const HeraldError& err) {
        CHECK(err.code() == ErrorCode::invalid_time);
        CHECK(std::string(err.what()).find("not fixed") != std::string::npos);
        CHECK(std::string(err.what()).find("2022-11") != std::string::npos);
    }
    e.start = CalTime{};
    CHECK_THROWS_WITH(require_fixed_date(e), Catch::Contains("to be announced"));
    // Firming the date up makes the alarm fire.
    e.start = parse_iso("2022-11-20T10:00")->value;
    e.start.tz = "UTC";
    CHECK(next_alarm_occurrence(e, 0, at("2022-01-01T00:00:00Z"), zone("UTC"))->due ==
          at("2022-11-20T09:00:00Z"));
}

TEST_CASE("recurring events repeat their alarms once recurrence expansion is in occurrences_in") {
    // Written against occurrences_in: with expansion merged, every yearly occurrence has its alarm;
    // without it, the first occurrence still does and later searches find none.
    Event e = timed("2022-01-26T10:00", "Asia/Bishkek", {before(1h)});
    e.rrule = "FREQ=YEARLY";
    auto first = next_alarm_occurrence(e, 0, at("2022-01-01T00:00:00Z"), zone("UTC"));
    REQUIRE(first);
    CHECK(first->due == at("2022-01-26T03:00:00Z"));
    auto later = next_alarm_occurrence(e, 0, first->due + 1s, zone("UTC"));
    auto expanded =
        occurrences_in(e, at("2023-01-01T00:00:00Z"), at("2024-01-01T00:00:00Z"), zone("UTC"));
    if (expanded.empty()) {
        CHECK_FALSE(later);
    } else {
        REQUIRE(later);
        CHECK(later->due == at("2023-01-26T03:00:00Z"));
        CHECK(later->occurrence == at("2023-01-26T04:00:00Z"));
    }
}

TEST_CASE("ledger states: acknowledge and snooze") {
    for (auto s : {AlarmState::pending, AlarmState::fired, AlarmState::snoozed, AlarmState::missed,
                   AlarmState::acknowledged})
        CHECK(acknowledge(s) == AlarmState::acknowledged);
    Instant now = at("2025-06-06T09:00:00Z");
    CHECK(check_snooze(AlarmState::fired, now + 10min, now) == now + 10min);
    CHECK(check_snooze(AlarmState::missed, now + 1s, now) == now + 1s);
    CHECK(check_snooze(AlarmState::snoozed, now + 5min, now) == now + 5min);
    CHECK_THROWS_WITH(check_snooze(AlarmState::pending, now + 10min, now),
                      Catch::Contains("not fired yet"));
    CHECK_THROWS_WITH(check_snooze(AlarmState::acknowledged, now + 10min, now),
                      Catch::Contains("acknowledged"));
    CHECK_THROWS_WITH(check_snooze(AlarmState::fired, now, now),
                      Catch::Contains("not in the future"));
    for (auto s : {AlarmState::pending, AlarmState::fired, AlarmState::acknowledged,
                   AlarmState::snoozed, AlarmState::missed})
        CHECK(alarm_state_from_string(to_string(s)) == s);
    CHECK_FALSE(alarm_state_from_string("done"));
}

TEST_CASE("catch-up window: deliver recent alarms, mark older ones missed, digest when many") {
    Instant now = at("2025-06-06T12:00:00Z");
    CHECK(firing_of(now - 24h, now, now, 24h) == Firing::now);
    CHECK(firing_of(now - 24h - 1s, now, now, 24h) == Firing::missed);
    CHECK(plan_catch_up({now + 5s}, now, 24h).deliver == std::vector<size_t>{0});
    CHECK(firing_of(now - 1h, now, now, 0s) == Firing::missed);

    auto few = plan_catch_up({now - 1h, now - 48h, now - 2h}, now, 24h);
    CHECK(few.deliver == std::vector<size_t>{0, 2});
    CHECK(few.missed == std::vector<size_t>{1});
    CHECK_FALSE(few.digest);

    std::vector<Instant> many;
    for (int i = 0; i < 6; ++i) many.push_back(now - std::chrono::minutes(i));
    auto plan = plan_catch_up(many, now, 24h);
    CHECK(plan.deliver.size() == 6);
    CHECK(plan.digest);
    CHECK_FALSE(plan_catch_up({many.begin(), many.begin() + 5}, now, 24h).digest);
}

TEST_CASE("a firing pass stages alarms due before its horizon and fires late ones now") {
    Instant now = at("2025-06-05T08:59:59Z");
    Instant horizon = at("2025-06-05T09:00:00Z");  // a pass at 08:59:59.75 with a 250 ms lead
    Seconds window = 24h;
    CHECK(firing_of(at("2025-06-05T09:00:01Z"), now, horizon, window) == Firing::later);
    CHECK(firing_of(at("2025-06-05T09:00:00Z"), now, horizon, window) == Firing::stage);
    CHECK(firing_of(now, now, horizon, window) == Firing::now);  // due this very second: late
    CHECK(firing_of(now - 24h, now, horizon, window) == Firing::now);
    CHECK(firing_of(now - 24h - 1s, now, horizon, window) == Firing::missed);
    // Without a lead (horizon == now) nothing is staged.
    CHECK(firing_of(now + 1s, now, now, window) == Firing::later);
}

TEST_CASE("a nominal -P1D fires at the same wall time the day before, -PT24H 24 hours before",
          "[alarms][nominal]") {
    // 2027-03-14 10:00 in New York is EDT (14:00Z); the day before, 10:00 is EST (15:00Z).
    Alarm day{Alarm::Related::start, parse_duration("-P1D", "trigger"), {}};
    Alarm hours{Alarm::Related::start, parse_duration("-PT24H", "trigger"), {}};
    Event e = timed("2027-03-14T10:00", "America/New_York", {day, hours});
    auto nominal = next_alarm_occurrence(e, 0, at("2027-01-01T00:00:00Z"), zone("UTC"));
    REQUIRE(nominal);
    CHECK(nominal->due == at("2027-03-13T15:00:00Z"));
    auto exact = next_alarm_occurrence(e, 1, at("2027-01-01T00:00:00Z"), zone("UTC"));
    REQUIRE(exact);
    CHECK(exact->due == at("2027-03-13T14:00:00Z"));
    SECTION("a search starting between the two still finds the nominal one") {
        auto late = next_alarm_occurrence(e, 0, at("2027-03-13T14:30:00Z"), zone("UTC"));
        REQUIRE(late);
        CHECK(late->due == at("2027-03-13T15:00:00Z"));
        CHECK_FALSE(next_alarm_occurrence(e, 0, at("2027-03-13T15:00:01Z"), zone("UTC")));
    }
    SECTION("relative to the end, in the end's zone: autumn, the day before is 25 hours") {
        // Ends 2025-11-02 10:00 EST (15:00Z); -P1D is 2025-11-01 10:00 EDT (14:00Z).
        Event f = timed("2025-11-02T09:00", "America/New_York",
                        {{Alarm::Related::end, parse_duration("-P1D", "trigger"), {}}});
        f.duration = 1h;
        auto due = next_alarm_occurrence(f, 0, at("2025-10-01T00:00:00Z"), zone("UTC"));
        REQUIRE(due);
        CHECK(due->due == at("2025-11-01T14:00:00Z"));
    }
    SECTION("a floating event takes the wall time in the viewer's zone") {
        Event g = timed("2027-03-14T10:00", "", {day});
        auto due =
            next_alarm_occurrence(g, 0, at("2027-01-01T00:00:00Z"), zone("America/New_York"));
        REQUIRE(due);
        CHECK(due->due == at("2027-03-13T15:00:00Z"));
    }
}

TEST_CASE("alarms of the later of a repeated hour are due from the instant given",
          "[alarms][fold]") {
    Event e = timed("2025-11-02T01:30", "America/New_York", {before(15min)});
    e.start.fold = true;  // 01:30 EST = 06:30Z, not the first 01:30 (05:30Z)
    auto due = next_alarm_occurrence(e, 0, at("2025-11-01T00:00:00Z"), zone("UTC"));
    REQUIRE(due);
    CHECK(due->occurrence == at("2025-11-02T06:30:00Z"));
    CHECK(due->due == at("2025-11-02T06:15:00Z"));
    SECTION("a recurring event's first instance keeps the fold, later ones are unique") {
        e.rrule = "FREQ=DAILY;COUNT=2";
        auto occ =
            occurrences_in(e, at("2025-11-01T00:00:00Z"), at("2025-11-05T00:00:00Z"), zone("UTC"));
        REQUIRE(occ.size() == 2);
        CHECK(occ[0].begin == at("2025-11-02T06:30:00Z"));
        CHECK(occ[1].begin == at("2025-11-03T06:30:00Z"));
    }
}

TEST_CASE("a reminder already due for an occurrence still ahead is scheduled late, once") {
    // "Call in 10 min", reminded 15 min before, added at 12:00: due 11:55, scheduled then.
    Event call = timed("2026-12-03T12:10", "UTC", {before(15min)});
    auto late = alarm_to_schedule(call, 0, at("2026-12-03T12:00:00Z"), zone("UTC"));
    REQUIRE(late);
    CHECK(late->due == at("2026-12-03T11:55:00Z"));
    CHECK(late->occurrence == at("2026-12-03T12:10:00Z"));
    // Once the occurrence has begun its reminder is void: nothing (no later occurrence).
    CHECK_FALSE(alarm_to_schedule(call, 0, at("2026-12-03T12:10:01Z"), zone("UTC")));
    // Not yet due: the usual next one.
    CHECK(alarm_to_schedule(call, 0, at("2026-12-03T11:00:00Z"), zone("UTC"))->due ==
          at("2026-12-03T11:55:00Z"));

    // An absolute alarm already past for an event still ahead is late too.
    Event fixed = timed("2026-12-03T18:00", "UTC", {Alarm{}});
    fixed.alarms[0].related = Alarm::Related::absolute;
    fixed.alarms[0].at = at("2026-12-03T09:00:00Z");
    CHECK(alarm_to_schedule(fixed, 0, at("2026-12-03T12:00:00Z"), zone("UTC"))->due ==
          at("2026-12-03T09:00:00Z"));
    CHECK_FALSE(alarm_to_schedule(fixed, 0, at("2026-12-03T18:00:01Z"), zone("UTC")));

    // A week's notice of a daily event: seven occurrences ahead are all late; the last due
    // (the one a week ahead) is taken, and the one after it is due in the future.
    Event daily = timed("2026-12-01T10:00", "UTC", {before(24h * 7)});
    daily.rrule = "FREQ=DAILY";
    auto one = alarm_to_schedule(daily, 0, at("2026-12-03T12:00:00Z"), zone("UTC"));
    REQUIRE(one);
    CHECK(one->due == at("2026-12-03T10:00:00Z"));
    CHECK(one->occurrence == at("2026-12-10T10:00:00Z"));
    CHECK(next_alarm_occurrence(daily, 0, one->due + 1s, zone("UTC"))->due ==
          at("2026-12-04T10:00:00Z"));
}
