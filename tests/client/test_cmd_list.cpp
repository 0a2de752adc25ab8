// Unit tests of client/cmd_list: `herald list` flags to the agenda request it sends.
#include <catch2/catch.hpp>

#include "client/cmd_list.hpp"
#include "client/exit_status.hpp"
#include "tests/client/client_support.hpp"

using namespace herald;
using namespace herald::client;
using herald::test::fixed_cli;
using herald::test::parse_args;

namespace {

Json request(Cli& cli, std::vector<std::string> args) {
    ListOptions o;
    auto app = parse_args("list", add_list_options, o, std::move(args));
    return list_request(cli, o);
}

}  // namespace

TEST_CASE("cmd_list: the filters go as agenda params, the table asks for brief occurrences") {
    Cli cli = fixed_cli();
    CHECK(request(cli, {"--from", "2026-11-23", "--days", "7", "-c", "work", "--status",
                        "tentative", "--text", "expo", "--limit", "5"}) ==
          Json{{"from", "2026-11-23T00:00"},
               {"to", "2026-11-30T00:00"},
               {"tz", "Asia/Bishkek"},
               {"category", "work"},
               {"status", "tentative"},
               {"text", "expo"},
               {"limit", 5},
               {"brief", true}});
}

TEST_CASE("cmd_list: JSON output and --tba ask for whole occurrences, --tba the undated") {
    Cli cli = fixed_cli();
    Json window{
        {"from", "2026-11-23T12:00:00Z"}, {"to", "2026-12-23T12:00:00Z"}, {"tz", "Asia/Bishkek"}};
    CHECK(request(cli, {"--format", "json"}) == window);
    Json tba = window;
    tba["undated"] = true;
    CHECK(request(cli, {"--tba"}) == tba);
    cli.json = true;
    CHECK(request(cli, {}) == window);
}

TEST_CASE("cmd_list: --tz places the window and the listing in that zone") {
    Cli cli = fixed_cli();
    CHECK(request(cli, {"--tz", "Asia/Tokyo", "--from", "2026-11-23", "--to", "2026-11-23"}) ==
          Json{{"from", "2026-11-23T00:00"},
               {"to", "2026-11-24T00:00"},
               {"tz", "Asia/Tokyo"},
               {"brief", true}});
    // A natural --from goes as an instant: 10:00 in Tokyo (UTC+9) on 24 November.
    CHECK(request(cli, {"--tz", "Asia/Tokyo", "--from", "tomorrow 10:00", "--days", "1"}) ==
          Json{{"from", "2026-11-24T01:00:00Z"},
               {"to", "2026-11-25T01:00:00Z"},
               {"tz", "Asia/Tokyo"},
               {"brief", true}});
}

TEST_CASE("cmd_list: --format ics exports the window as instants") {
    Cli cli = fixed_cli();
    ListOptions o;
    auto app = parse_args("list", add_list_options, o,
                          {"--format", "ics", "--from", "2026-12-01", "-c", "x"});
    CHECK(list_ics_request(cli, o) == Json{{"from", "2026-11-30T18:00:00Z"},
                                           {"to", "2026-12-30T18:00:00Z"},
                                           {"category", "x"}});
}

TEST_CASE("cmd_list: flags outside their range are refused by the parser") {
    ListOptions o;
    CHECK_THROWS_AS((void)parse_args("list", add_list_options, o, {"--days", "0"}),
                    CLI::ValidationError);
    CHECK_THROWS_AS((void)parse_args("list", add_list_options, o, {"--status", "maybe"}),
                    CLI::ValidationError);
    CHECK_THROWS_AS((void)parse_args("list", add_list_options, o, {"--format", "csv"}),
                    CLI::ValidationError);
}

TEST_CASE("cmd_list: --today, --week and --month are the viewer's day, week and month") {
    Cli cli = fixed_cli();  // Monday 2026-11-23, 18:00 in Bishkek
    auto window = [&](std::vector<std::string> args) {
        Json r = request(cli, std::move(args));
        return r["from"].get<std::string>() + " " + r["to"].get<std::string>();
    };
    CHECK(window({"--today"}) == "2026-11-23T00:00 2026-11-24T00:00");
    CHECK(window({"--week"}) == "2026-11-23T00:00 2026-11-30T00:00");
    CHECK(window({"--month"}) == "2026-11-01T00:00 2026-12-01T00:00");
    // A Sunday evening in Bishkek is still that week (Monday the 23rd to Sunday the 29th).
    cli.now = herald::test::fixed_now() + std::chrono::hours{6 * 24 + 5};  // Sun 23:00 +06
    CHECK(window({"--week"}) == "2026-11-23T00:00 2026-11-30T00:00");
    cli.now = herald::test::fixed_now() + std::chrono::hours{6 * 24 + 6};  // Mon 00:00 +06
    CHECK(window({"--week"}) == "2026-11-30T00:00 2026-12-07T00:00");
}

TEST_CASE("cmd_list: --today, --week and --month exclude each other and an explicit window") {
    Cli cli = fixed_cli();
    for (auto args : std::vector<std::vector<std::string>>{{"--today", "--week"},
                                                           {"--month", "--from", "2026-11-01"},
                                                           {"--week", "--days", "3"},
                                                           {"--today", "--past"}}) {
        try {
            request(cli, args);
            FAIL("accepted " + args[0] + " " + args[1]);
        } catch (const HeraldError& e) {
            CHECK(exit_for(e) == Exit::usage);
        }
    }
}
