// Unit tests of client/cmd_event: `herald add` and `herald edit` flags to the requests they send.
#include <catch2/catch.hpp>

#include "client/cmd_event.hpp"
#include "client/exit_status.hpp"
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

Json edit(std::vector<std::string> args, const Json& current = stored()) {
    Cli cli = fixed_cli();
    EventOptions o;
    auto app = parse_args("edit", add_edit_options, o, std::move(args));
    return edit_request(cli, o, current);
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
        try {
            add(std::move(args));
        } catch (const HeraldError& e) {
            CHECK(exit_for(e) == Exit::usage);  // the command line, not a value, is wrong
            return e.field();
        }
        FAIL("expected an error");
        return std::string();
    };
    CHECK(field_of({"X"}) == "--at");
    CHECK(field_of({"X", "--tba", "--at", "2026-12-01"}) == "--tba");
    CHECK(field_of({"X", "--at", "2026-12-01", "--repeat", "yearly", "--rrule", "FREQ=DAILY"}) ==
          "--rrule");
    CHECK(field_of({"X", "--at", "2026-12-01", "--no-remind", "--remind", "1d"}) == "--no-remind");
}

TEST_CASE("cmd_event: a value that cannot be read is bad data (65), not usage") {
    for (auto args : std::vector<std::vector<std::string>>{
             {"X", "--at", "2026-12-01", "--remind", "5x"},
             {"X", "--at", "2026-12-01", "--duration", "soon"},
             {"X", "--at", "2026-13-01"},
             {"X", "--at", "2026-12-01", "--except", "someday"}}) {
        try {
            add(args);
            FAIL("accepted " + args[3]);
        } catch (const HeraldError& e) {
            CHECK(exit_for(e) == Exit::data);
        }
    }
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

namespace {

/// stored() as a weekly event with one exception already.
Json weekly() {
    Json e = stored();
    e["rrule"] = "FREQ=WEEKLY";
    e["exdates"] = {"2025-06-13T09:00"};
    return e;
}

Json edit_weekly(std::vector<std::string> args) {
    return edit(std::move(args), weekly());
}

}  // namespace

TEST_CASE("cmd_event: edit --except adds to the exceptions stored, once each") {
    CHECK(edit_weekly({"7", "--except", "2025-06-20"})["changes"] ==
          Json{{"exdates", {"2025-06-13T09:00", "2025-06-20"}}});
    CHECK(edit_weekly({"7", "--except", "2025-06-20 09:00", "--except", "2025-06-27"})["changes"] ==
          Json{{"exdates", {"2025-06-13T09:00", "2025-06-20T09:00", "2025-06-27"}}});
    CHECK(edit_weekly({"7", "--except", "2025-06-13 09:00"})["changes"] ==
          Json{{"exdates", {"2025-06-13T09:00"}}});
}

TEST_CASE("cmd_event: edit --no-except removes the exception it names, by day or date-time") {
    CHECK(edit_weekly({"7", "--no-except", "2025-06-13"})["changes"] ==
          Json{{"exdates", Json::array()}});
    CHECK(edit_weekly({"7", "--no-except", "2025-06-13 09:00", "--except",
                       "2025-06-20"})["changes"] == Json{{"exdates", {"2025-06-20"}}});
    auto e = error_of([] { edit_weekly({"7", "--no-except", "2025-06-27"}); });
    CHECK(e.field() == "--no-except");
    CHECK(std::string(e.what()) ==
          "no exception on 2025-06-27 to remove (it has: 2025-06-13T09:00)");
}

TEST_CASE("cmd_event: rm takes several ids, and rm --on adds that day's exception") {
    RmOptions o;
    auto app = parse_args("rm", add_rm_options, o, {"29", "31", "--on", "2025-06-20"});
    CHECK(o.ids == std::vector<int64_t>{29, 31});
    CHECK(o.on == "2025-06-20");
    Cli cli = fixed_cli();
    CHECK(rm_on_request(cli, "2025-06-20", weekly()) ==
          Json{{"id", 7},
               {"revision", 3},
               {"changes", {{"exdates", {"2025-06-13T09:00", "2025-06-20"}}}}});
    auto e = error_of([&] { rm_on_request(cli, "2025-06-13 09:00", weekly()); });
    CHECK(e.field() == "--on");
}
