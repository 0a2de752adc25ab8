// Unit tests of daemon/commands: the command table and dispatch_line with a real store.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/ical_export.hpp"
#include "core/protocol.hpp"
#include "daemon/commands.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

/// The daemon's services on a temporary file and a request context with a fixed "now" and caller.
class Fixture {
  public:
    Fixture()
        : daemon_(db_.path(), Settings{}, TimePoint(now())),
          ctx_(daemon_.context(PeerCred{1, 1000, 1000, {}})) {}

    static Instant now() {
        return date::sys_days{date::year{2025} / 1 / 15} + std::chrono::hours{10};
    }

    /// Sends one request and returns the decoded response.
    Json call(const std::string& method, const Json& params, const Json& id = 1) {
        std::string line = encode_request(id, method, params);
        line.pop_back();  // the session hands dispatch_line lines without their newline
        std::string reply = dispatch_line(ctx_, line);
        REQUIRE_FALSE(reply.empty());
        CHECK(reply.back() == '\n');
        Json j = Json::parse(reply);
        CHECK(j["id"] == id);
        return j;
    }
    /// The result of a call that must succeed.
    Json result(const std::string& method, const Json& params) {
        Json j = call(method, params);
        INFO(j.dump());
        REQUIRE(j.contains("result"));
        return j["result"];
    }
    /// The error of a call that must fail.
    Json error(const std::string& method, const Json& params) {
        Json j = call(method, params);
        INFO(j.dump());
        REQUIRE(j.contains("error"));
        return j["error"];
    }

    Context& ctx() { return ctx_; }
    ServerState& state() { return daemon_.server().state(); }
    Store& store() { return daemon_.store(); }
    test::Daemon& daemon() { return daemon_; }

  private:
    test::TempDb db_;
    test::Daemon daemon_;
    Context ctx_;
};

const Json kMeeting{
    {"uid", "fm9@herald.test"},    {"title", "9th CA+Japan foreign ministers' meeting"},
    {"start", "2022-12-24T14:40"}, {"tz", "Asia/Tokyo"},
    {"duration", "PT30M"},         {"categories", {"diplomacy"}}};

}  // namespace

TEST_CASE("the command table is sorted and every name is found", "[commands][table]") {
    auto names = command_names();
    REQUIRE_FALSE(names.empty());
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    for (const auto& name : names) {
        INFO(name);
        const Command* cmd = find_command(name);
        REQUIRE(cmd != nullptr);
        CHECK(cmd->name == name);
        CHECK(cmd->handler != nullptr);
    }
    for (const char* name : {"hello", "status", "agenda", "event.add", "event.get", "event.update",
                             "event.remove", "event.search"})
        CHECK(find_command(name) != nullptr);
    for (const char* name : {"", "event", "event.", "Hello", "zzz", "aaa", "event.add.x"})
        CHECK(find_command(name) == nullptr);
}

TEST_CASE("dispatch_line: hello, unknown methods and bad params", "[commands][dispatch]") {
    Fixture f;
    SECTION("hello says who we are and who the caller is") {
        Json r = f.result("hello", Json{{"client", "unit-test"}, {"protocol", kProtocolVersion}});
        CHECK(r["server"] == "heraldd");
        CHECK(r["protocol"] == kProtocolVersion);
        CHECK(r["mode"] == "user");
        CHECK(r["you"] == Json{{"uid", 1000}, {"gid", 1000}, {"pid", 1}});
        CHECK(r["methods"] == Json(command_names()));
        CHECK(r["version"].is_string());
        CHECK(f.error("hello", Json{{"protocol", 99}})["data"]["field"] == "protocol");
    }
    SECTION("an unknown method is -32601") {
        Json e = f.error("event.frobnicate", Json::object());
        CHECK(e["code"] == -32601);
        CHECK(e["data"]["kind"] == "method_not_found");
        CHECK_THAT(e["message"].get<std::string>(), Catch::Contains("event.frobnicate"));
    }
    SECTION("an unknown param is -32602 naming it") {
        Json e = f.error("event.get", Json{{"id", 1}, {"colour", "red"}});
        CHECK(e["code"] == -32602);
        CHECK(e["data"]["field"] == "colour");
        CHECK(f.error("status", Json{{"verbose", true}})["data"]["field"] == "verbose");
    }
    SECTION("a missing param is -32602 naming it") {
        Json e = f.error("event.remove", Json::object());
        CHECK(e["code"] == -32602);
        CHECK(e["data"]["field"] == "id");
        CHECK(f.error("agenda", Json{{"from", "2025-01-01T00:00:00Z"}})["data"]["field"] == "to");
        CHECK(f.error("event.add", Json::object())["data"]["field"] == "event");
    }
    SECTION("a param of the wrong type is -32602 naming it") {
        CHECK(f.error("event.get", Json{{"id", "seven"}})["data"]["field"] == "id");
        CHECK(f.error("event.add", Json{{"event", "x"}})["data"]["field"] == "event");
    }
    SECTION("notifications get no reply, even when they fail") {
        uint64_t before = f.state().requests;
        CHECK(dispatch_line(f.ctx(), R"({"jsonrpc":"2.0","method":"hello"})").empty());
        CHECK(dispatch_line(f.ctx(), R"({"jsonrpc":"2.0","method":"no.such"})").empty());
        CHECK(dispatch_line(f.ctx(), R"({"jsonrpc":"2.0","method":"event.add","params":{}})")
                  .empty());
        CHECK(f.state().requests == before + 3);
        CHECK(f.store().count() == 0);
    }
    SECTION("undecodable lines are answered with the decode error") {
        Json j = Json::parse(dispatch_line(f.ctx(), "{not json"));
        CHECK(j["error"]["code"] == -32700);
        CHECK(j["id"].is_null());
        j = Json::parse(
            dispatch_line(f.ctx(), R"({"jsonrpc":"2.0","id":4,"method":"hello","params":[]})"));
        CHECK(j["error"]["code"] == -32602);
        CHECK(j["id"] == 4);
    }
}

TEST_CASE("dispatch_line: add, get, update, agenda, search and remove", "[commands][flow]") {
    Fixture f;
    const std::string now = format_instant(Fixture::now());

    Json added = f.result("event.add", Json{{"event", kMeeting}});
    CHECK(added["created"] == true);
    Json ev = added["event"];
    const int64_t id = ev["id"].get<int64_t>();
    CHECK(id > 0);
    CHECK(ev["revision"] == 1);
    CHECK(ev["owner"] == 1000);
    CHECK(ev["created"] == now);
    CHECK(ev["start"] == "2022-12-24T14:40");
    CHECK(ev["tz"] == "Asia/Tokyo");

    // A retry of the same add is not a second event.
    Json again = f.result("event.add", Json{{"event", kMeeting}});
    CHECK(again["created"] == false);
    CHECK(again["event"]["id"] == id);

    CHECK(f.result("event.get", Json{{"id", id}})["event"] == ev);
    CHECK(f.result("event.get", Json{{"uid", "fm9@herald.test"}})["event"] == ev);
    CHECK(f.error("event.get", Json{{"id", id}, {"uid", "fm9@herald.test"}})["code"] == -32602);
    Json missing = f.error("event.get", Json{{"id", id + 100}});
    CHECK(missing["code"] == 1001);
    CHECK(missing["data"]["kind"] == "not_found");

    Json updated = f.result(
        "event.update", Json{{"id", id},
                             {"revision", 1},
                             {"changes", {{"location", "Tokyo"}, {"duration", nullptr}}}})["event"];
    CHECK(updated["revision"] == 2);
    CHECK(updated["location"] == "Tokyo");
    CHECK(updated["duration"].is_null());
    CHECK(updated["created"] == now);

    Json stale = f.error("event.update",
                         Json{{"id", id}, {"revision", 1}, {"changes", {{"title", "Stale"}}}});
    CHECK(stale["code"] == 1002);
    CHECK(stale["data"]["field"] == "revision");
    CHECK(f.error("event.update", Json{{"id", id},
                                       {"revision", 2},
                                       {"changes", {{"uid", "other@t"}}}})["data"]["field"] ==
          "changes.uid");
    CHECK(f.error(
              "event.update",
              Json{{"id", id}, {"revision", 2}, {"changes", {{"revision", 9}}}})["data"]["field"] ==
          "changes.revision");
    CHECK(f.error("event.update", Json{{"id", id},
                                       {"revision", 2},
                                       {"changes", {{"title", "a\x01b"}}}})["data"]["field"] ==
          "title");
    CHECK(f.result("event.get", Json{{"id", id}})["event"]["revision"] == 2);

    f.result("event.add",
             Json{{"event", {{"title", "First Central Asia + Japan summit"}, {"start", nullptr}}}});
    Json agenda = f.result("agenda", Json{{"from", "2022-12-24T00:00:00+06:00"},
                                          {"to", "2022-12-25T00:00:00+06:00"},
                                          {"tz", "Asia/Bishkek"}});
    CHECK(agenda["tz"] == "Asia/Bishkek");
    CHECK(agenda["from"] == "2022-12-23T18:00:00Z");
    CHECK(agenda["total"] == 1);
    CHECK(agenda["truncated"] == false);
    REQUIRE(agenda["occurrences"].size() == 1);
    CHECK(agenda["occurrences"][0]["id"] == id);
    CHECK(agenda["occurrences"][0]["occurrence_start"] == "2022-12-24T05:40:00Z");
    CHECK(agenda["occurrences"][0]["occurrence_local"] == "2022-12-24T14:40");
    // The window is before the fixture's today (2025-01-15): no undated events unless asked for.
    CHECK(agenda["undated"].empty());
    Json asked = f.result("agenda", Json{{"from", "2022-12-24T00:00:00+06:00"},
                                         {"to", "2022-12-25T00:00:00+06:00"},
                                         {"undated", true}});
    REQUIRE(asked["undated"].size() == 1);
    CHECK(asked["undated"][0]["title"] == "First Central Asia + Japan summit");
    // A window reaching today lists them by default.
    CHECK(
        f.result("agenda", Json{{"from", "2025-01-15"}, {"to", "2025-01-16"}})["undated"].size() ==
        1);
    CHECK(f.result("agenda", Json{{"from", "2022-12-24T00:00:00Z"},
                                  {"to", "2022-12-25T00:00:00Z"},
                                  {"undated", false},
                                  {"category", "trade"}})["total"] == 0);
    CHECK(f.error("agenda", Json{{"from", "2022-12-25T00:00:00Z"},
                                 {"to", "2022-12-24T00:00:00Z"}})["data"]["field"] == "to");
    // A local bound is read in the viewer's zone (UTC here); a bound that is no time is refused.
    CHECK(f.result("agenda",
                   Json{{"from", "2022-12-24"}, {"to", "2022-12-25T00:00:00Z"}})["total"] == 1);
    CHECK(f.error("agenda", Json{{"from", "soon"}, {"to", "2022-12-25T00:00:00Z"}})["code"] ==
          1004);

    Json found = f.result("event.search", Json{{"query", "ministers"}});
    REQUIRE(found["events"].size() == 1);
    CHECK(found["events"][0]["id"] == id);
    CHECK(f.result("event.search", Json{{"query", "AND OR \""}})["events"].empty());

    Json conflict = f.error("event.remove", Json{{"id", id}, {"revision", 1}});
    CHECK(conflict["code"] == 1002);
    CHECK(f.result("event.remove", Json{{"id", id}, {"revision", 2}}) ==
          Json{{"removed", true}, {"id", id}});
    CHECK(f.error("event.get", Json{{"id", id}})["code"] == 1001);
    CHECK(f.error("event.remove", Json{{"id", id}})["code"] == 1001);
    CHECK(f.result("status", Json::object())["events"] == 1);
}

TEST_CASE("dispatch_line: impossible times are invalid_time (1004)", "[commands][time]") {
    Fixture f;
    Json e = f.error("event.add",
                     Json{{"event", {{"title", "Nonexistent day"}, {"start", "2025-02-30"}}}});
    CHECK(e["code"] == 1004);
    CHECK(e["data"]["kind"] == "invalid_time");
    CHECK(e["data"]["field"] == "start");
    CHECK_THAT(e["message"].get<std::string>(), Catch::Contains("February 2025 has 28 days"));
    Json zone = f.error(
        "event.add",
        Json{{"event", {{"title", "x"}, {"start", "2025-06-06T09:00"}, {"tz", "Mars/Base"}}}});
    CHECK(zone["code"] == 1004);
    CHECK(zone["data"]["field"] == "tz");
    CHECK(f.store().count() == 0);
}

TEST_CASE("dispatch_line: system mode hides private events of other users", "[commands][authz]") {
    Fixture f;
    Settings system;
    system.system_mode = true;
    Context owner = f.daemon().context(PeerCred{1, 1000, 1000, {}}, system);
    Context other = f.daemon().context(PeerCred{2, 1001, 1001, {}}, system);
    Context root = f.daemon().context(PeerCred{3, 0, 0, {}}, system);
    auto send = [](Context& ctx, const std::string& method, const Json& params) {
        std::string line = encode_request(1, method, params);
        line.pop_back();
        return Json::parse(dispatch_line(ctx, line));
    };
    Json priv = send(owner, "event.add",
                     Json{{"event", {{"title", "Private note"}, {"start", "2025-06-06"}}}});
    // Only root or the admin group may publish.
    CHECK(send(owner, "event.add",
               Json{{"event",
                     {{"title", "Mine public"},
                      {"start", "2025-06-06"},
                      {"visibility", "public"}}}})["error"]["code"] == 1003);
    Json pub =
        send(root, "event.add",
             Json{{"event",
                   {{"title", "Public day"}, {"start", "2025-06-06"}, {"visibility", "public"}}}});
    const int64_t priv_id = priv["result"]["event"]["id"].get<int64_t>();
    const int64_t pub_id = pub["result"]["event"]["id"].get<int64_t>();
    CHECK(send(other, "event.get", Json{{"id", priv_id}})["error"]["code"] == 1001);
    CHECK(send(other, "event.get", Json{{"id", pub_id}})["result"]["event"]["title"] ==
          "Public day");
    CHECK(send(other, "event.remove", Json{{"id", pub_id}})["error"]["code"] == 1003);
    Json agenda = send(other, "agenda",
                       Json{{"from", "2025-06-06T00:00:00Z"}, {"to", "2025-06-07T00:00:00Z"}});
    CHECK(agenda["result"]["total"] == 1);
    CHECK(send(owner, "event.remove", Json{{"id", pub_id}})["error"]["code"] == 1003);
    CHECK(send(root, "event.remove", Json{{"id", pub_id}})["result"]["removed"] == true);
}

TEST_CASE("commands: ids beyond 64 bits and control characters in a query are invalid_params") {
    Fixture f;
    // 2^63 and 2^64 - 1 would wrap to negative ids in the messages.
    for (const char* big : {"9223372036854775808", "18446744073709551615"}) {
        Json err = f.error("event.get", Json{{"id", Json::parse(big)}});
        CHECK(err["data"]["kind"] == "invalid_params");
        CHECK(err["data"]["field"] == "id");
        CHECK_THAT(err["message"].get<std::string>(), Catch::Contains(big));
        CHECK_THAT(err["message"].get<std::string>(), !Catch::Contains("-"
                                                                       "9223"));
    }
    CHECK(f.error("event.get", {{"id", INT64_MAX}})["data"]["kind"] == "not_found");
    for (std::string query : {std::string("a\0b", 3), std::string("meeting\x1b]0;x\x07")}) {
        Json err = f.error("event.search", {{"query", query}});
        CHECK(err["data"]["kind"] == "invalid_params");
        CHECK(err["data"]["field"] == "query");
        CHECK_THAT(err["message"].get<std::string>(), Catch::Contains("control characters"));
        CHECK_THAT(err["message"].get<std::string>(), !Catch::Contains("SELECT"));
    }
}

TEST_CASE("agenda: a page ends when its work budget is spent, and the pages join up",
          "[commands][agenda][budget]") {
    Fixture f;
    for (int k = 0; k < 30; ++k) {
        char start[32];
        std::snprintf(start, sizeof start, "2025-02-%02dT%02d:00", 1 + k % 9, k % 24);
        f.result("event.add",
                 Json{{"event",
                       {{"title", "Talk " + std::to_string(k)}, {"start", start}, {"tz", "UTC"}}}});
    }
    Json params{{"from", "2025-02-01T00:00:00Z"}, {"to", "2025-03-01T00:00:00Z"}, {"tz", "UTC"}};
    // A clock that stands still: the work budget is never spent, the listing is one page.
    auto fixed = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
    f.ctx().work_clock = [fixed] { return fixed; };
    Json whole = f.result("agenda", params);
    REQUIRE(whole["occurrences"].size() == 30);
    CHECK_FALSE(whole.contains("next_cursor"));
    // A clock that moves 2 ms each time it is read: the 4 ms budget is spent within a few slices
    // (a day each here), so the page ends early with a cursor, like a page cut by bytes.
    auto tick = std::make_shared<std::chrono::steady_clock::time_point>(fixed);
    f.ctx().work_clock = [tick] { return *tick += std::chrono::milliseconds{2}; };
    Json joined = Json::array();
    size_t pages = 0;
    for (Json p = params;; ++pages) {
        REQUIRE(pages < 100);
        Json page = f.result("agenda", p);
        // Every page but the last moves the listing on (the last may find nothing after its
        // cursor).
        if (page.contains("next_cursor")) CHECK_FALSE(page["occurrences"].empty());
        CHECK(page["occurrences"].size() < 30);
        for (auto& o : page["occurrences"]) joined.push_back(o);
        if (!page.contains("next_cursor")) {
            CHECK(page["truncated"] == false);
            CHECK(page["total"] == 30);
            break;
        }
        CHECK(page["truncated"] == true);
        p["cursor"] = page["next_cursor"];
    }
    CHECK(pages >= 3);
    CHECK(joined == whole["occurrences"]);
}

namespace {

/// The events a windowed calendar.export writes, as protocol.md states the rule: a series when
/// its first start is before `to`; an imprecise event when its year or month overlaps the
/// window; any other dated event when it overlaps it (an instant: at or after `from`). Zone-less
/// times are read in UTC.
bool export_touches(const Event& e, Instant from, Instant to) {
    if (!e.start.dated()) return false;
    const auto* utc = date::locate_zone("UTC");
    if (!e.rrule.empty() || !e.rdates.empty()) return span_of(e.start, utc).begin < to;
    if (e.start.precision == Precision::year || e.start.precision == Precision::month) {
        Span s = span_of(e.start, utc);
        return s.begin < to && s.end > from;
    }
    auto s = event_span(e, utc);
    return s && s->begin < to && (s->end > from || (s->begin == s->end && s->begin >= from));
}

}  // namespace

TEST_CASE("calendar.export: built in work-budget slices, the text is the one-piece export's",
          "[commands][export][budget]") {
    Fixture f;
    const char* zones[] = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"};
    for (int k = 0; k < 300; ++k) {
        char start[32];
        std::snprintf(start, sizeof start, "20%02d-%02d-%02dT%02d:%02d", 25 + k % 5, 1 + k % 12,
                      1 + k % 28, k % 24, k % 60);
        Json ev{{"title", "Meeting " + std::to_string(k)},
                {"start", start},
                {"tz", zones[k % 4]},
                {"categories", Json::array({k % 3 == 0 ? "work" : "home"})}};
        if (k % 7 == 0) ev["rrule"] = "FREQ=WEEKLY;COUNT=10";
        if (k % 5 == 0) ev["alarms"] = Json::array({Json{{"trigger", "-PT15M"}}});
        f.result("event.add", Json{{"event", ev}});
    }
    auto run = [&](const Json& params, size_t& slices) {
        std::string line = encode_request(1, "calendar.export", params);
        line.pop_back();
        Dispatched d = dispatch(f.ctx(), line);
        for (slices = 0; d.more; ++slices) {
            REQUIRE(slices < 10000);
            d = resume(f.ctx(), std::move(d), Earlier::committed);
        }
        Json j = Json::parse(d.reply.line);
        INFO(j.dump().substr(0, 300));
        REQUIRE(j.contains("result"));
        // The text's later parts, joined as herald export joins them.
        Json whole = j["result"];
        for (Json part = whole; part["more"] == true;) {
            part = f.result("calendar.export", {{"offset", part["next_offset"]}});
            whole["ics"] = whole["ics"].get<std::string>() + part["ics"].get<std::string>();
        }
        CHECK(whole["ics"].get<std::string>().size() == whole["size"]);
        return whole;
    };
    // A clock that stands still: one slice builds the whole text, as one piece did before.
    auto fixed = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
    f.ctx().work_clock = [fixed] { return fixed; };
    size_t whole_slices = 0;
    Json whole = run(Json::object(), whole_slices);
    CHECK(whole_slices == 1);
    CHECK(whole["events"] == 300);
    CHECK(whole["more"] == true);  // over one 64 KiB part
    CHECK(whole["ics"].get<std::string>() == export_ical(f.store().all(), Fixture::now()));
    size_t window_slices = 0;
    Json window_params{
        {"from", "2026-01-01T00:00:00Z"}, {"to", "2027-06-01T00:00:00Z"}, {"category", "work"}};
    Json window = run(window_params, window_slices);
    REQUIRE(window["events"] > 10);
    CHECK(window["events"] < 100);
    // A clock that moves 2 ms each time it is read: every slice ends after a page or a few parts.
    auto tick = std::make_shared<std::chrono::steady_clock::time_point>(fixed);
    f.ctx().work_clock = [tick] { return *tick += std::chrono::milliseconds{2}; };
    size_t sliced = 0;
    Json cut = run(Json::object(), sliced);
    CHECK(sliced >= 10);
    CHECK(cut["ics"] == whole["ics"]);
    CHECK(cut["events"] == whole["events"]);
    Json cut_window = run(window_params, sliced);
    CHECK(cut_window == window);

    // A windowed export reads only the window's candidates (the series, then the window index
    // part by part) and writes what the rule of protocol.md selects from every event: the events
    // at the window's edges, across parts of it and around it included, each once.
    const char* edge_events[][4] = {
        // title, start, end or rrule, tz
        {"across from", "2025-12-30T10:00", "2026-01-02T10:00", "Asia/Tokyo"},
        {"around the window", "2025-06-01", "2028-01-01", ""},
        {"instant at from", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "UTC"},
        {"instant at to", "2027-06-01T00:00:00Z", "2027-06-01T00:00:00Z", "UTC"},
        {"floating before from", "2025-12-31T23:00", "2026-01-01T01:00", ""},
        {"floating at the end", "2027-05-31T23:30", "", ""},
        {"ended before from", "2025-03-01T09:00", "FREQ=DAILY;COUNT=3", "Europe/Berlin"},
        {"starts after to", "2027-06-01T09:00", "FREQ=DAILY", "UTC"},
        {"a year", "2026", "", ""},
        {"a month at the end", "2027-05", "", ""},
        {"a month after", "2027-06", "", ""},
        {"undated", "", "", ""},
        {"day before from", "2025-12-31", "", ""},
        {"mid window", "2026-08-15T12:00", "2026-08-15T13:00", "America/New_York"},
    };
    for (const auto& [title, start, end_or_rule, tz] : edge_events) {
        Json ev{{"title", title}, {"categories", Json::array({"work"})}};
        ev["start"] = *start ? Json(start) : Json(nullptr);
        if (*tz) ev["tz"] = tz;
        if (std::string(end_or_rule).starts_with("FREQ"))
            ev["rrule"] = end_or_rule;
        else if (*end_or_rule)
            ev["end"] = end_or_rule;
        f.result("event.add", Json{{"event", ev}});
    }
    const Instant from = parse_instant("2026-01-01T00:00:00Z", "from"),
                  to = parse_instant("2027-06-01T00:00:00Z", "to");
    std::vector<Event> selected = f.store().all();
    std::erase_if(selected, [&](const Event& e) {
        const auto& c = e.categories;
        return std::find(c.begin(), c.end(), "work") == c.end() || !export_touches(e, from, to);
    });
    f.ctx().work_clock = [fixed] { return fixed; };
    Json edges = run(window_params, window_slices);
    CHECK(edges["events"] == selected.size());
    CHECK(edges["ics"].get<std::string>() == export_ical(selected, Fixture::now()));
    for (const char* title :
         {"across from", "around the window", "instant at from", "floating before from",
          "floating at the end", "ended before from", "a year", "a month at the end", "mid window"})
        CHECK(edges["ics"].get<std::string>().find(std::string("SUMMARY:") + title) !=
              std::string::npos);
    for (const char* title :
         {"instant at to", "starts after to", "a month after", "undated", "day before from"})
        CHECK(edges["ics"].get<std::string>().find(std::string("SUMMARY:") + title) ==
              std::string::npos);
    f.ctx().work_clock = [tick] { return *tick += std::chrono::milliseconds{2}; };
    CHECK(run(window_params, sliced) == edges);
}
