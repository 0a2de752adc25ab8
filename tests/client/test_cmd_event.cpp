// Unit tests of client/cmd_event: `herald add` and `herald edit` flags to the requests they send.
#include <catch2/catch.hpp>

#include "client/cmd_event.hpp"
#include "tests/client/client_support.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace herald::client;
using herald::test::error_of;
using herald::test::fixed_cli;
using herald::test::parse_args;

namespace {

Json add(std::vector<std::string> args) {
    Cli cli = fixed_cli();
    EventOptions o;
    auto app = parse_args("add", add_add_options, o, std::move(args));
    return add_request(cli, o);
}

/// The event as event.get returns it: timed, in Tokyo, at revision 3.
Json stored() {
    return {{"id", 7},
            {"revision", 3},
            {"title", "Expo"},
            {"start", "2025-06-06T09:00"},
            {"tz", "Asia/Tokyo"},
            {"precision", "minute"}};
}

Json edit(std::vector<std::string> args) {
    Cli cli = fixed_cli();
    EventOptions o;
    auto app = parse_args("edit", add_edit_options, o, std::move(args));
    return edit_request(cli, o, stored());
}

}  // namespace

TEST_CASE("cmd_event: add sends the event its flags describe") {
    Json sent = add({"Expo",     "--at",       "2025-06-06 09:00",
                     "--tz",     "Asia/Tokyo", "--location",
                     "Osaka",    "-c",         "a",
                     "-c",       "b",          "--remind",
                     "1d",       "--remind",   "15m",
                     "--repeat", "yearly",     "--uid",
                     "u1",       "--public",   "--tentative"});
    CHECK(sent == Json{{"event",
                        {{"title", "Expo"},
                         {"location", "Osaka"},
                         {"categories", {"a", "b"}},
                         {"status", "tentative"},
                         {"start", "2025-06-06T09:00"},
                         {"tz", "Asia/Tokyo"},
                         {"rrule", "FREQ=YEARLY"},
                         {"alarms",
                          {{{"trigger", "-P1D"}, {"related", "start"}},
                           {{"trigger", "-PT15M"}, {"related", "start"}}}},
                         {"uid", "u1"},
                         {"visibility", "public"}}}});
}

TEST_CASE("cmd_event: add in the viewer's zone by default, with a duration, rule and exceptions") {
    Json ev = add({"Standup", "--at", "2026-11-24 09:30", "--duration", "90m", "--rrule",
                   "RRULE:FREQ=WEEKLY", "--except", "2026-12-01", "--remind-at",
                   "2026-11-24 09:00"})["event"];
    CHECK(ev["start"] == "2026-11-24T09:30");
    CHECK(ev["tz"] == "Asia/Bishkek");
    CHECK(ev["duration"] == "PT1H30M");
    CHECK(ev["rrule"] == "FREQ=WEEKLY");
    CHECK(ev["exdates"] == Json{"2026-12-01"});
    CHECK(ev["alarms"] == Json{{{"at", "2026-11-24T03:00:00Z"}}});
}

TEST_CASE("cmd_event: add --tba sends a null start, --no-remind no alarms") {
    CHECK(add({"Later", "--tba", "--no-remind"}) ==
          Json{{"event", {{"title", "Later"}, {"start", nullptr}, {"alarms", Json::array()}}}});
}

TEST_CASE("cmd_event: add refuses contradicting or missing flags, naming the flag") {
    auto field_of = [](std::vector<std::string> args) {
        auto e = error_of([&] { add(std::move(args)); });
        CHECK(e.code() == ErrorCode::invalid_params);
        return e.field();
    };
    CHECK(field_of({"X"}) == "--at");
    CHECK(field_of({"X", "--tba", "--at", "2026-12-01"}) == "--tba");
    CHECK(field_of({"X", "--at", "2026-12-01", "--repeat", "yearly", "--rrule", "FREQ=DAILY"}) ==
          "--rrule");
    CHECK(field_of({"X", "--at", "2026-12-01", "--no-remind", "--remind", "1d"}) == "--no-remind");
}

TEST_CASE("cmd_event: edit sends only what changes, against the stored revision") {
    CHECK(edit({"7", "--title", "New"}) ==
          Json{{"id", 7}, {"revision", 3}, {"changes", {{"title", "New"}}}});
    // A new start keeps the event's zone, not the viewer's.
    CHECK(edit({"7", "--at", "2025-06-07 10:00"})["changes"] ==
          Json{{"start", "2025-06-07T10:00"}, {"tz", "Asia/Tokyo"}});
    CHECK(edit({"7", "--floating"})["changes"] == Json{{"tz", ""}});
    CHECK(edit({"7", "--tba"})["changes"] ==
          Json{{"start", nullptr}, {"tz", ""}, {"end", nullptr}});
}

TEST_CASE("cmd_event: edit without a change is refused") {
    auto e = error_of([] { edit({"7"}); });
    CHECK(e.code() == ErrorCode::invalid_params);
    CHECK(e.field() == "edit");
}
