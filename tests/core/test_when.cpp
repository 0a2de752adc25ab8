// Unit tests of core/when: WHEN arguments resolved against a fixed "now" and named zones.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "core/when.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

using herald::test::error_of;

LocalTime local(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
    return LocalTime{date::local_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + Seconds{ss};
}

/// now = 2026-11-23T12:00:00Z, the user in Bishkek, no event zone given.
WhenContext context(std::string event_tz = {}) {
    WhenContext ctx;
    ctx.now = date::sys_days{date::year{2026} / 11 / 23} + std::chrono::hours{12};
    ctx.viewer = find_zone("Asia/Bishkek");
    ctx.event_tz = std::move(event_tz);
    return ctx;
}

}  // namespace

TEST_CASE("parse_when: dates keep their precision and stay zone-less", "[when]") {
    auto ctx = context("Asia/Tokyo");
    CHECK(parse_when("2023", ctx) == CalTime{Precision::year, local(2023, 1, 1), ""});
    CHECK(parse_when("2022-11", ctx) == CalTime{Precision::month, local(2022, 11, 1), ""});
    CHECK(parse_when("2025-06-06", ctx) == CalTime{Precision::day, local(2025, 6, 6), ""});
    CHECK(parse_when("  2025-06-06 ", ctx) == CalTime{Precision::day, local(2025, 6, 6), ""});
}

TEST_CASE("parse_when: timed values get the event's zone, else the viewer's", "[when]") {
    SECTION("no event zone: the viewer's zone name") {
        auto ctx = context();
        CHECK(parse_when("2025-06-06 09:00", ctx) ==
              CalTime{Precision::minute, local(2025, 6, 6, 9), "Asia/Bishkek"});
        CHECK(parse_when("2025-06-06T09:00:30", ctx) ==
              CalTime{Precision::minute, local(2025, 6, 6, 9, 0, 30), "Asia/Bishkek"});
    }
    SECTION("an event zone wins") {
        auto ctx = context("Asia/Tokyo");
        CHECK(parse_when("2022-12-24 14:40", ctx) ==
              CalTime{Precision::minute, local(2022, 12, 24, 14, 40), "Asia/Tokyo"});
    }
    SECTION("the wall time is kept as typed, even in a DST gap") {
        auto ctx = context("Europe/Berlin");
        CHECK(parse_when("2025-03-30T02:30", ctx) ==
              CalTime{Precision::minute, local(2025, 3, 30, 2, 30), "Europe/Berlin"});
    }
    SECTION("the result does not depend on now for ISO input") {
        auto later = context();
        later.now += date::days{400};
        CHECK(parse_when("2025-06-06 09:00", later) == parse_when("2025-06-06 09:00", context()));
    }
}

TEST_CASE("parse_when: explicit offsets are converted into the event zone", "[when][offset]") {
    SECTION("Z into the viewer's zone") {
        CHECK(parse_when("2025-06-06T09:00Z", context()) ==
              CalTime{Precision::minute, local(2025, 6, 6, 15), "Asia/Bishkek"});
    }
    SECTION("Z into the event's zone") {
        CHECK(parse_when("2025-06-06T09:00Z", context("Asia/Tokyo")) ==
              CalTime{Precision::minute, local(2025, 6, 6, 18), "Asia/Tokyo"});
    }
    SECTION("an offset into a zone with DST") {
        CHECK(parse_when("2025-06-06T09:00+02:00", context("Europe/Berlin")) ==
              CalTime{Precision::minute, local(2025, 6, 6, 9), "Europe/Berlin"});
        CHECK(parse_when("2025-06-06T09:00+02:00", context("America/New_York")) ==
              CalTime{Precision::minute, local(2025, 6, 6, 3), "America/New_York"});
        CHECK(parse_when("2025-03-30T01:30Z", context("Europe/Berlin")) ==
              CalTime{Precision::minute, local(2025, 3, 30, 3, 30), "Europe/Berlin"});
    }
    SECTION("an offset that moves the date") {
        CHECK(parse_when("2025-06-06T23:30-05:00", context()) ==
              CalTime{Precision::minute, local(2025, 6, 7, 10, 30), "Asia/Bishkek"});
    }
}

TEST_CASE("parse_when: errors name the field and the usual forms in one line", "[when][errors]") {
    auto ctx = context();
    SECTION("text that is not a date") {
        for (const char* text : {"", "soon", "2025.06.06", "13/06/2025", "Junetember 6"}) {
            INFO(text);
            auto e = error_of([&] { parse_when(text, ctx, "--at"); });
            CHECK(e.code() == ErrorCode::invalid_time);
            CHECK(e.field() == "--at");
            CHECK_THAT(e.what(), Catch::Contains(std::string(when_forms())));
            if (*text != '\0')
                CHECK_THAT(e.what(), Catch::Contains(std::string("\"") + text + "\""));
            else
                CHECK_THAT(e.what(), Catch::Contains("empty"));
            CHECK(std::string(e.what()).size() < 140);  // one short line, not the whole grammar
            CHECK(std::string(e.what()).find('\n') == std::string::npos);
        }
    }
    SECTION("impossible dates and times") {
        auto e = error_of([&] { parse_when("2025-02-30", ctx, "--end"); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "--end");
        CHECK_THAT(e.what(), Catch::Contains("February 2025 has 28 days"));
        CHECK(error_of([&] { parse_when("2025-06-06 24:00", ctx, "--at"); }).field() == "--at");
        CHECK(error_of([&] { parse_when("2025-13", ctx, "--from"); }).field() == "--from");
    }
    SECTION("the default field is 'when'") {
        CHECK(error_of([&] { parse_when("whenever", ctx); }).field() == "when");
    }
    SECTION("the usual forms are named, and where to read the rest") {
        std::string forms(when_forms());
        for (const char* form : {"2026-12-20", "Dec 20", "tomorrow 9:00", "+2h", "herald(1) DATES"})
            CHECK_THAT(forms, Catch::Contains(form));
    }
}
