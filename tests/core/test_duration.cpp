// Unit tests of core/duration: RFC 5545 durations, human durations and their canonical form.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

using herald::test::error_of;

constexpr Seconds kDay = 24h;
constexpr Seconds kWeek = 7 * kDay;

}  // namespace

TEST_CASE("parse_duration reads RFC 5545 durations", "[duration]") {
    CHECK(parse_duration("PT15M", "trigger") == 15min);
    CHECK(parse_duration("-PT15M", "trigger") == -15min);
    CHECK(parse_duration("+PT15M", "trigger") == 15min);
    CHECK(parse_duration("-P1D", "trigger") == -kDay);
    CHECK(parse_duration("P1W", "trigger") == kWeek);
    CHECK(parse_duration("P2W", "trigger") == 2 * kWeek);
    CHECK(parse_duration("PT1H30M", "trigger") == 90min);
    CHECK(parse_duration("PT90S", "trigger") == 90s);
    CHECK(parse_duration("P1DT2H3M4S", "trigger") == kDay + 2h + 3min + 4s);
    CHECK(parse_duration("PT1H1S", "trigger") == 1h + 1s);
    CHECK(parse_duration("P15D", "trigger") == 15 * kDay);
    CHECK(parse_duration("PT0S", "trigger") == 0s);
    CHECK(parse_duration("P999999999W", "trigger") == 999999999 * kWeek);
}

TEST_CASE("parse_duration rejects malformed durations with invalid_params naming the field",
          "[duration]") {
    for (const char* text :
         {"",       "P",      "-P",     "PT",     "15M",   "P15",    "PT15",
          "P1H",    "PT1D",   "PT1W",   "P1Y",    "P1M",   "PT-15M", "PTT1H",
          "P1D1D",  "PT1H1H", "PT1M1H", "P1DT",   "P1W2D", "P1WT1H", "P9999999999D",
          " PT15M", "PT15M ", "pt15m",  "--PT15M"}) {
        INFO("'" << text << "'");
        auto e = error_of([&] { parse_duration(text, "alarms[0].trigger"); });
        CHECK(e.code() == ErrorCode::invalid_params);
        CHECK(e.field() == "alarms[0].trigger");
        CHECK_THAT(e.what(), Catch::Contains("RFC 5545 duration"));
        CHECK_THAT(e.what(), Catch::Contains(std::string("'") + text + "'"));
    }
}

TEST_CASE("format_duration gives the shortest RFC 5545 form", "[duration]") {
    CHECK(format_duration(0s) == "PT0S");
    CHECK(format_duration(-15min) == "-PT15M");
    CHECK(format_duration(15min) == "PT15M");
    CHECK(format_duration(kDay) == "P1D");
    CHECK(format_duration(-kDay) == "-P1D");
    CHECK(format_duration(kWeek) == "P1W");
    CHECK(format_duration(3 * kWeek) == "P3W");
    CHECK(format_duration(8 * kDay) == "P8D");
    CHECK(format_duration(90min) == "PT1H30M");
    CHECK(format_duration(1h + 1s) == "PT1H1S");
    CHECK(format_duration(kDay + 1h + 1min + 1s) == "P1DT1H1M1S");
    CHECK(format_duration(-(kDay + 30min)) == "-P1DT30M");
    CHECK(format_duration(59s) == "PT59S");

    SECTION("every formatted duration parses back to the same value") {
        for (Seconds d :
             {0s, 1s, 59s, 60s, 61s, 3599s, 3600s, Seconds{86399}, kDay, kDay + 1s, kWeek,
              kWeek + 1s, Seconds{-86401}, -kWeek, 13 * kWeek, Seconds{123456789}}) {
            INFO(d.count());
            CHECK(parse_duration(format_duration(d), "d") == d);
        }
    }
    SECTION("canonical inputs are printed back unchanged") {
        for (const char* text : {"-PT15M", "P1D", "P1W", "PT1H30M", "P1DT2H3M4S", "-P2DT12H"}) {
            CHECK(format_duration(parse_duration(text, "d")) == text);
        }
    }
}

TEST_CASE("parse_human_duration reads the short forms people type", "[duration][human]") {
    CHECK(parse_human_duration("15m", "--duration") == 15min);
    CHECK(parse_human_duration("1h30m", "--duration") == 90min);
    CHECK(parse_human_duration("2d", "--duration") == 2 * kDay);
    CHECK(parse_human_duration("1w", "--duration") == kWeek);
    CHECK(parse_human_duration("90s", "--duration") == 90s);
    CHECK(parse_human_duration("1d12h", "--duration") == kDay + 12h);
    SECTION("RFC 5545 forms are accepted too") {
        CHECK(parse_human_duration("PT15M", "--duration") == 15min);
        CHECK(parse_human_duration("-PT15M", "--duration") == -15min);
        CHECK(parse_human_duration("+P1D", "--duration") == kDay);
    }
}

TEST_CASE("parse_human_duration errors name the field and list the accepted forms",
          "[duration][human]") {
    for (const char* text :
         {"", "15", "m", "15x", "1h30", "fifteen minutes", "15 m", "-15m", "1.5h", "15M"}) {
        INFO("'" << text << "'");
        auto e = error_of([&] { parse_human_duration(text, "--duration"); });
        CHECK(e.code() == ErrorCode::invalid_params);
        CHECK(e.field() == "--duration");
        CHECK_THAT(e.what(), Catch::Contains("15m, 1h30m, 2d, 1w, 90s or PT15M"));
    }
    SECTION("repeated parts that would overflow are refused, not wrapped") {
        std::string text;
        for (int i = 0; i < 16000; ++i) text += "999999999w";
        CHECK(error_of([&] { parse_human_duration(text, "d"); }).field() == "d");
        text.resize(100);
        CHECK(parse_human_duration(text, "d") == Seconds{int64_t{10} * 999999999 * 7 * 86400});
    }
    SECTION("a broken RFC 5545 form gets the RFC 5545 message") {
        auto e = error_of([] { parse_human_duration("PT15", "--remind"); });
        CHECK(e.field() == "--remind");
        CHECK_THAT(e.what(), Catch::Contains("RFC 5545 duration"));
    }
}
