// Anniversary titles: {n} and {ordinal} count whole years since the first occurrence.
#include <catch2/catch.hpp>

#include "core/anniversary.hpp"
#include "core/event_json.hpp"

using namespace herald;

TEST_CASE("ordinals") {
    CHECK(ordinal(0) == "0th");
    CHECK(ordinal(1) == "1st");
    CHECK(ordinal(2) == "2nd");
    CHECK(ordinal(3) == "3rd");
    CHECK(ordinal(4) == "4th");
    CHECK(ordinal(11) == "11th");
    CHECK(ordinal(12) == "12th");
    CHECK(ordinal(13) == "13th");
    CHECK(ordinal(21) == "21st");
    CHECK(ordinal(30) == "30th");
    CHECK(ordinal(102) == "102nd");
    CHECK(ordinal(112) == "112th");
}

TEST_CASE("the 30th anniversary of 1992-01-26 is on 2022-01-26") {
    auto first = caltime_from_string("1992-01-26", "", "start");
    auto x = expand_title("{ordinal} anniversary of Kyrgyzstan–Japan diplomatic relations", first,
                          caltime_from_string("2022-01-26", "", "start"));
    CHECK(x.title == "30th anniversary of Kyrgyzstan–Japan diplomatic relations");
    CHECK(x.n == 30);
    auto zero = expand_title("{n} years ({ordinal})", first, first);
    CHECK(zero.title == "0 years (0th)");
    CHECK(zero.n == 0);
    auto plain = expand_title("No placeholder", first, first);
    CHECK_FALSE(plain.n.has_value());
    // A monthly event counts whole years: the day before the anniversary is still 29.
    CHECK(years_between(first, caltime_from_string("2022-01-25", "", "start")) == 29);
    auto leap = caltime_from_string("2024-02-29", "", "start");
    CHECK(years_between(leap, caltime_from_string("2028-02-29", "", "start")) == 4);
}
