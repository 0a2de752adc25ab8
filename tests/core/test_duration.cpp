// Unit tests of core/duration: RFC 5545 durations, human durations and their canonical form.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/time.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

using herald::test::error_of;

Duration nominal(int64_t weeks, int64_t days, Seconds exact = Seconds{0}, bool negative = false) {
    Duration d;
    d.weeks = weeks;
    d.days = days;
    d.exact = exact;
    d.negative = negative;
    return d;
}

constexpr Seconds kDay = 24h;
constexpr Seconds kWeek = 7 * kDay;

}  // namespace

TEST_CASE("parse_duration reads RFC 5545 durations", "[duration]") {
    CHECK(parse_duration("PT15M", "trigger") == 15min);
    CHECK(parse_duration("-PT15M", "trigger") == -15min);
    CHECK(parse_duration("+PT15M", "trigger") == 15min);
    CHECK(parse_duration("-P1D", "trigger") == nominal(0, 1, 0s, true));
    CHECK(parse_duration("P1W", "trigger") == nominal(1, 0));
    CHECK(parse_duration("P2W", "trigger") == nominal(2, 0));
    CHECK(parse_duration("PT1H30M", "trigger") == 90min);
    CHECK(parse_duration("PT90S", "trigger") == 90s);
    CHECK(parse_duration("P1DT2H3M4S", "trigger") == nominal(0, 1, 2h + 3min + 4s));
    CHECK(parse_duration("PT1H1S", "trigger") == 1h + 1s);
    CHECK(parse_duration("P15D", "trigger") == nominal(0, 15));
    CHECK(parse_duration("PT0S", "trigger") == 0s);
    CHECK(parse_duration("P999999999W", "trigger") == nominal(999999999, 0));
    CHECK(approx_seconds(parse_duration("P999999999W", "trigger")) == 999999999 * kWeek);
}

TEST_CASE("nominal and exact durations stay apart (RFC 5545 3.3.6)", "[duration][nominal]") {
    CHECK(parse_duration("PT24H", "d") == 24h);
    CHECK_FALSE(parse_duration("PT24H", "d") == parse_duration("P1D", "d"));
    CHECK(parse_duration("PT24H", "d").nominal() == false);
    CHECK(parse_duration("P1D", "d").nominal());
    CHECK(format_duration(parse_duration("PT24H", "d")) == "PT24H");
    CHECK(format_duration(parse_duration("P7D", "d")) == "P7D");
    CHECK(format_duration(parse_duration("P1W", "d")) == "P1W");
    CHECK(format_duration(parse_calendar_duration("24h", "d")) == "PT24H");
    CHECK(format_duration(parse_calendar_duration("1d", "d")) == "P1D");
    CHECK(format_duration(parse_calendar_duration("1w2d", "d")) == "P9D");
    CHECK(format_duration(parse_calendar_duration("1d12h", "d")) == "P1DT12H");
    CHECK(format_duration(negated(parse_calendar_duration("1d", "d"))) == "-P1D");

    const auto* ny = find_zone("America/New_York");
    // The instant `from` plus `duration` read in `zone`, as RFC 3339.
    auto plus = [](const char* from, const char* duration, const date::time_zone* zone) {
        return format_instant(
            add_duration(parse_instant(from, "t"), parse_duration(duration, "d"), zone));
    };
    SECTION("a nominal day keeps the wall time across the spring change (23 h)") {
        // 2027-03-13 10:00 EST = 15:00Z; the next day 10:00 EDT = 14:00Z.
        CHECK(plus("2027-03-13T15:00:00Z", "P1D", ny) == "2027-03-14T14:00:00Z");
        CHECK(plus("2027-03-14T14:00:00Z", "-P1D", ny) == "2027-03-13T15:00:00Z");
    }
    SECTION("an exact 24 hours does not") {
        CHECK(plus("2027-03-13T15:00:00Z", "PT24H", ny) == "2027-03-14T15:00:00Z");
    }
    SECTION("a nominal week across the autumn change is 7 days and one hour") {
        CHECK(plus("2025-10-30T13:00:00Z", "P1W", ny) == "2025-11-06T14:00:00Z");
    }
    SECTION("days then exact hours: P1DT1H from 2025-11-01 01:30 EDT") {
        // Nominal day: 2025-11-02 01:30, the first (EDT) one = 05:30Z; then one exact hour.
        CHECK(plus("2025-11-01T05:30:00Z", "P1DT1H", ny) == "2025-11-02T06:30:00Z");
    }
    SECTION("a nominal day landing in a gap moves forward by the gap") {
        // 2027-03-13 02:30 EST + P1D = 2027-03-14 02:30, which does not exist: 03:30 EDT = 07:30Z.
        CHECK(plus("2027-03-13T07:30:00Z", "P1D", ny) == "2027-03-14T07:30:00Z");
    }
    SECTION("in UTC a nominal day is 24 hours") {
        CHECK(plus("2027-03-13T15:00:00Z", "P1D", find_zone("UTC")) == "2027-03-14T15:00:00Z");
    }
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

TEST_CASE("format_duration gives the RFC 5545 form of what was written", "[duration]") {
    CHECK(format_duration(0s) == "PT0S");
    CHECK(format_duration(-15min) == "-PT15M");
    CHECK(format_duration(15min) == "PT15M");
    CHECK(format_duration(kDay) == "PT24H");  // exact seconds stay exact
    CHECK(format_duration(nominal(0, 1)) == "P1D");
    CHECK(format_duration(nominal(0, 1, 0s, true)) == "-P1D");
    CHECK(format_duration(nominal(1, 0)) == "P1W");
    CHECK(format_duration(nominal(3, 0)) == "P3W");
    CHECK(format_duration(nominal(0, 8)) == "P8D");
    CHECK(format_duration(90min) == "PT1H30M");
    CHECK(format_duration(1h + 1s) == "PT1H1S");
    CHECK(format_duration(nominal(0, 1, 1h + 1min + 1s)) == "P1DT1H1M1S");
    CHECK(format_duration(nominal(0, 1, 30min, true)) == "-P1DT30M");
    CHECK(format_duration(59s) == "PT59S");

    SECTION("every formatted duration parses back to the same value") {
        for (Duration d :
             {Duration(0s), Duration(1s), Duration(59s), Duration(61s), Duration(3599s),
              Duration(Seconds{86399}), Duration(kDay), Duration(kDay + 1s), Duration(kWeek),
              Duration(Seconds{-86401}), Duration(Seconds{123456789}), nominal(0, 1),
              nominal(0, 1, 1s), nominal(1, 0), nominal(13, 0, 0s, true), nominal(0, 9, 1h)}) {
            INFO(format_duration(d));
            CHECK(parse_duration(format_duration(d), "d") == d);
        }
    }
    SECTION("canonical inputs are printed back unchanged") {
        for (const char* text : {"-PT15M", "P1D", "P1W", "PT1H30M", "P1DT2H3M4S", "-P2DT12H",
                                 "PT24H", "P7D", "PT168H"}) {
            CHECK(format_duration(parse_duration(text, "d")) == text);
        }
    }
}

TEST_CASE("parse_human_duration reads the short forms people type", "[duration][human]") {
    // parse_human_duration: a plain length (snooze, settings), a day counted as 24 hours.
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
        auto e = error_of([&] { parse_calendar_duration(text, "--duration"); });
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
