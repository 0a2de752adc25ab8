// Natural date input (parse_when) against a fixed "now": Wednesday 2025-06-04 16:00 in Bishkek
// (+06).
#include <catch2/catch.hpp>

#include "core/errors.hpp"
#include "core/when.hpp"

using namespace herald;

namespace {

WhenContext ctx(const std::string& event_tz = {}) {
    return {parse_instant("2025-06-04T10:00:00Z", "now"), find_zone("Asia/Bishkek"), event_tz};
}

std::string when(const std::string& text, const std::string& event_tz = {}) {
    CalTime t = parse_when(text, ctx(event_tz));
    return format_caltime(t) + (t.tz.empty() ? "" : " " + t.tz);
}

}  // namespace

TEST_CASE("day words resolve in the viewer's zone") {
    CHECK(when("today") == "2025-06-04");
    CHECK(when("tomorrow") == "2025-06-05");
    CHECK(when("Yesterday") == "2025-06-03");
    CHECK(when("fri") == "2025-06-06");
    CHECK(when("wednesday") == "2025-06-04");  // this coming one includes today
    CHECK(when("next friday") == "2025-06-06");
    CHECK(when("next wed") == "2025-06-11");  // strictly after today
    CHECK(when("in 3 weeks") == "2025-06-25");
    CHECK(when("in 1 month") == "2025-07-04");
    CHECK(when("+3d") == "2025-06-07");
    // At 23:30 UTC it is already the next day in Bishkek: "today" follows the viewer, not UTC.
    WhenContext late{parse_instant("2025-06-04T20:30:00Z", "now"), find_zone("Asia/Bishkek"), {}};
    CHECK(format_caltime(parse_when("today", late)) == "2025-06-05");
}

TEST_CASE("times of day, alone and after a day") {
    // now is 16:00: a time alone already past is tomorrow's (upcoming), one still ahead today's
    CHECK(when("noon") == "2025-06-05T12:00 Asia/Bishkek");
    CHECK(when("midnight") == "2025-06-05T00:00 Asia/Bishkek");
    CHECK(when("9:30pm") == "2025-06-04T21:30 Asia/Bishkek");
    CHECK(when("16:00") == "2025-06-04T16:00 Asia/Bishkek");  // now itself is not past
    CHECK(when("12am") == "2025-06-05T00:00 Asia/Bishkek");
    CHECK(when("12pm") == "2025-06-05T12:00 Asia/Bishkek");
    CHECK(when("today noon") == "2025-06-04T12:00 Asia/Bishkek");  // a day given: that day
    CHECK(when("tomorrow 9am") == "2025-06-05T09:00 Asia/Bishkek");
    CHECK(when("tomorrow at 9 am") == "2025-06-05T09:00 Asia/Bishkek");
    CHECK(when("fri 14:00") == "2025-06-06T14:00 Asia/Bishkek");
    CHECK(when("2025-06-06 9am") == "2025-06-06T09:00 Asia/Bishkek");
    // --tz sets the event's zone: the wall time is read there, the day still comes from the viewer.
    CHECK(when("tomorrow 14:40", "Asia/Tokyo") == "2025-06-05T14:40 Asia/Tokyo");
}

TEST_CASE("relative instants are expressed in the event's zone") {
    CHECK(when("+2h") == "2025-06-04T18:00 Asia/Bishkek");
    CHECK(when("+90m") == "2025-06-04T17:30 Asia/Bishkek");
    CHECK(when("in 3 hours", "Asia/Tokyo") == "2025-06-04T22:00 Asia/Tokyo");
    CHECK(when("+2 hours", "UTC") == "2025-06-04T12:00 UTC");
    CHECK(when("now") == "2025-06-04T16:00 Asia/Bishkek");
}

TEST_CASE("ISO forms still work") {
    CHECK(when("2023") == "2023");
    CHECK(when("2022-11") == "2022-11");
    CHECK(when("2025-06-06") == "2025-06-06");
    CHECK(when("2022-12-24 14:40", "Asia/Tokyo") == "2022-12-24T14:40 Asia/Tokyo");
    CHECK(when("2022-12-24T05:40Z", "Asia/Tokyo") == "2022-12-24T14:40 Asia/Tokyo");
}

TEST_CASE("unreadable input names the part and lists the accepted forms") {
    auto check_bad = [](const std::string& text, const std::string& part) {
        try {
            parse_when(text, ctx(), "--at");
            FAIL("accepted " << text);
        } catch (const HeraldError& e) {
            CHECK(e.code() == ErrorCode::invalid_time);
            CHECK(e.field() == "--at");
            CHECK_THAT(e.what(), Catch::Contains("cannot read \"" + part + "\""));
            CHECK_THAT(e.what(), Catch::Contains("tomorrow 9:00"));
        }
    };
    check_bad("next blursday", "next");
    check_bad("tomorrow 25:00", "25:00");
    check_bad("13pm", "13pm");
    check_bad("+2 fortnights", "+2");
    check_bad("fri at tea-time", "tea-time");
    CHECK_THROWS_WITH(parse_when("+2h tomorrow", ctx()), Catch::Contains("mixes a relative time"));
    CHECK_THROWS_WITH(parse_when("2025-02-30 9am", ctx()), Catch::Contains("impossible date"));
}

TEST_CASE("contradictory words are refused, not resolved by the last one") {
    for (const char* text : {"tomorrow 9am 10am", "noon midnight", "today tomorrow", "fri mon",
                             "+2h +3h", "in 2 days tomorrow", "now +1h", "9 am 14:00"}) {
        INFO(text);
        try {
            parse_when(text, ctx(), "--at");
            FAIL("accepted " << text);
        } catch (const HeraldError& e) {
            CHECK(e.code() == ErrorCode::invalid_time);
            CHECK(e.field() == "--at");
            CHECK_THAT(e.what(), Catch::Contains("names more than one"));
        }
    }
    CHECK(when("on fri at 9am") == "2025-06-06T09:00 Asia/Bishkek");  // one day, one time
}
