// Unit tests of client/window: list's window from --from/--to/--days/--past, and its params.
#include <catch2/catch.hpp>

#include "client/window.hpp"
#include "tests/client/client_support.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace herald::client;
using herald::test::error_of;
using herald::test::fixed_cli;
using herald::test::fixed_now;

namespace {

Instant utc(int y, int m, int d, int hh = 0, int mm = 0) {
    return date::sys_days{date::year{y} / m / d} + std::chrono::hours{hh} +
           std::chrono::minutes{mm};
}

ListWindow window(std::string from, std::string to, int days = 30, bool past = false) {
    return {std::move(from), std::move(to), days, past};
}

}  // namespace

TEST_CASE("window: without --from or --to the window is the next (or last) --days days") {
    Cli cli = fixed_cli();
    auto [from, to] = list_window(cli, window("", ""));
    CHECK(from == fixed_now());
    CHECK(to == fixed_now() + date::days{30});
    auto [pfrom, pto] = list_window(cli, window("", "", 7, true));
    CHECK(pfrom == fixed_now() - date::days{7});
    CHECK(pto == fixed_now());
}

TEST_CASE("window: a --from date starts at its midnight in the viewer's zone") {
    Cli cli = fixed_cli();
    auto [from, to] = list_window(cli, window("2026-12-01", "", 10));
    CHECK(from == utc(2026, 11, 30, 18));  // Bishkek is UTC+6
    CHECK(to == utc(2026, 12, 10, 18));
}

TEST_CASE("window: a --to date means through that day, a --to time is the end itself") {
    Cli cli = fixed_cli();
    auto [from, to] = list_window(cli, window("", "2026-11-30"));
    CHECK(from == utc(2026, 10, 31, 18));  // --days before it, as that is before now
    CHECK(list_window(cli, window("", "2026-11-30", 3)).first == fixed_now());  // else now
    CHECK(to == utc(2026, 11, 30, 18));
    CHECK(window_end(cli, "2026-11", "--to") == utc(2026, 11, 30, 18));
    CHECK(window_end(cli, "2026-11-30 09:00", "--to") == utc(2026, 11, 30, 3));
    CHECK(window_start(cli, "2026-11-30", "--from") == utc(2026, 11, 29, 18));
}

TEST_CASE("window: --to with --past reaches --days back from it") {
    Cli cli = fixed_cli();
    auto [from, to] = list_window(cli, window("", "2026-11-10", 5, true));
    CHECK(to == utc(2026, 11, 10, 18));
    CHECK(from == utc(2026, 11, 5, 18));
}

TEST_CASE("window: an end before the start is refused on --to") {
    Cli cli = fixed_cli();
    for (const auto& w :
         {window("2026-12-01", "2026-11-30 10:00"), window("2026-12-01", "2026-11-30")}) {
        auto e = error_of([&] { list_window(cli, w); });
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "--to");
        auto p = error_of([&] { list_window_params(cli, w); });
        CHECK(p.code() == ErrorCode::invalid_time);
        CHECK(p.field() == "--to");
    }
}

TEST_CASE("window: local dates go as local times for the daemon to place in the viewer's zone") {
    Cli cli = fixed_cli();
    CHECK(list_window_params(cli, window("2026-11-23", "", 7)) ==
          Json{{"from", "2026-11-23T00:00"}, {"to", "2026-11-30T00:00"}, {"tz", "Asia/Bishkek"}});
    CHECK(list_window_params(cli, window("2026-11-23", "2026-11-25")) ==
          Json{{"from", "2026-11-23T00:00"}, {"to", "2026-11-26T00:00"}, {"tz", "Asia/Bishkek"}});
    CHECK(list_window_params(cli, window("2026-11-23T09:00", "2026-11-23T17:30")) ==
          Json{{"from", "2026-11-23T09:00"}, {"to", "2026-11-23T17:30"}, {"tz", "Asia/Bishkek"}});
}

TEST_CASE("window: other ends go as instants") {
    Cli cli = fixed_cli();
    CHECK(list_window_params(cli, window("", "")) == Json{{"from", "2026-11-23T12:00:00Z"},
                                                          {"to", "2026-12-23T12:00:00Z"},
                                                          {"tz", "Asia/Bishkek"}});
    CHECK(list_window_params(cli, window("2026-11-23T00:00:00Z", "", 1)) ==
          Json{{"from", "2026-11-23T00:00:00Z"},
               {"to", "2026-11-24T00:00:00Z"},
               {"tz", "Asia/Bishkek"}});
}
