// Unit tests of client/cmd_alarm: `herald snooze ID ...` to the alarm.snooze request.
#include <catch2/catch.hpp>

#include "client/cmd_alarm.hpp"
#include "tests/client/client_support.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace herald::client;
using herald::test::error_of;
using herald::test::fixed_cli;

TEST_CASE("cmd_alarm: snooze for a duration or until a time") {
    Cli cli = fixed_cli();
    CHECK(snooze_request(cli, 4, {"10m"}) == Json{{"id", 4}, {"for", "PT10M"}});
    CHECK(snooze_request(cli, 4, {"1h30m"}) == Json{{"id", 4}, {"for", "PT1H30M"}});
    CHECK(snooze_request(cli, 4, {"until", "2026-11-24", "09:00"}) ==
          Json{{"id", 4}, {"until", "2026-11-24T03:00:00Z"}});
}

TEST_CASE("cmd_alarm: snooze refuses what is neither a duration nor until WHEN") {
    Cli cli = fixed_cli();
    auto field_of = [&](std::vector<std::string> rest) {
        return error_of([&] { snooze_request(cli, 4, rest); }).field();
    };
    CHECK(field_of({}) == "snooze");
    CHECK(field_of({"until"}) == "until");
    CHECK(field_of({"10m", "5m"}) == "snooze");
    auto month = error_of([&] { snooze_request(cli, 4, {"until", "2026-12"}); });
    CHECK(month.code() == ErrorCode::invalid_time);
    CHECK(month.field() == "until");
}
