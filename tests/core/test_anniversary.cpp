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

TEST_CASE("a founding form titles the first occurrence and anniversaries count from year 1") {
    const std::string title =
        "{ordinal} anniversary of Kyrgyzstan–Japan diplomatic relations"
        "{first:Kyrgyzstan–Japan diplomatic relations established}";
    auto first = caltime_from_string("1992-01-26", "", "start");
    auto founding = expand_title(title, first, first);
    CHECK(founding.title == "Kyrgyzstan–Japan diplomatic relations established");
    CHECK(founding.n == 0);
    auto one = expand_title(title, first, caltime_from_string("1993-01-26", "", "start"));
    CHECK(one.title == "1st anniversary of Kyrgyzstan–Japan diplomatic relations");
    CHECK(one.n == 1);
    auto thirty = expand_title(title, first, caltime_from_string("2022-01-26", "", "start"));
    CHECK(thirty.title == "30th anniversary of Kyrgyzstan–Japan diplomatic relations");
    // The founding form ends at its first "}"; an unterminated form is plain text.
    CHECK(expand_title("{n} years{first:Day one}", first, first).title == "Day one");
    auto open = expand_title("{ordinal} year {first:no end", first,
                             caltime_from_string("1994-01-26", "", "start"));
    CHECK(open.title == "2nd year {first:no end");
    // A founding form alone still makes the title an anniversary title (n is reported).
    CHECK(has_anniversary_placeholder("Founded{first:Founded today}"));
    CHECK(expand_title("Founded{first:Founded today}", first,
                       caltime_from_string("2000-01-26", "", "start"))
              .title == "Founded");
}
