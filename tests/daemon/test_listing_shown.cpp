// Unit tests of the encoded listing rows (schema 11, docs/architecture.md "Listing"): a brief
// listing that copies the rows' encoded occurrences replies byte for byte what the listing that
// decodes every event replies, for every caller, viewer zone, window, page and cursor; the
// migration from schema 10 and a change of zone data write the rows anew.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/event_json.hpp"
#include "core/protocol.hpp"
#include "daemon/commands.hpp"
#include "daemon/sqlite.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

using herald::test::TempDb;

const Instant kNow = date::sys_days{date::year{2025} / 3 / 1};
constexpr int64_t kAlice = 1001, kBob = 1002;

Settings system_settings(size_t queue_bytes) {
    Settings s;
    s.system_mode = true;
    s.admin_group = "herald-adm";
    s.admin_gid = 4000;
    s.max_queue_bytes = queue_bytes;
    return s;
}

/// Events of every kind a listing meets, most of them zoned or all-day ones that do not recur
/// (the rows that keep their occurrence encoded): many zones (DST changes, half-hour offsets),
/// instants, spans across midnight, ends in another zone, a repeated and a skipped wall time, a
/// day whose midnight a viewer's zone skips, anniversary titles, several at one instant, text
/// that needs escaping, every status; Alice's and Bob's, private and public.
std::vector<Event> sample() {
    const char* zones[] = {"UTC",
                           "Asia/Tokyo",
                           "America/New_York",
                           "Europe/Berlin",
                           "Asia/Kathmandu",
                           "America/St_Johns",
                           "Australia/Lord_Howe"};
    const char* titles[] = {"Talk", "{ordinal} meeting", "Say \"hi\" \\ to Café ✓",
                            "{n} years of it{first:Founding}"};
    const char* statuses[] = {"confirmed", "tentative", "cancelled"};
    std::vector<Event> out;
    auto add = [&](Json j, int k) {
        j["uid"] = "e" + std::to_string(k);
        j["status"] = statuses[k % 3];
        j["visibility"] = k % 4 == 0 ? "public" : "private";
        if (k % 5 == 0) j["location"] = "Room \"" + std::to_string(k) + "\" ünï";
        if (k % 7 == 0) j["categories"] = {"work"};
        Event e = event_from_json(j);
        e.owner = k % 2 == 0 ? kAlice : kBob;
        validate(e);
        out.push_back(std::move(e));
    };
    for (int k = 0; k < 420; ++k) {
        char start[40];
        // Whole and half hours over March: several events share each instant.
        std::snprintf(start, sizeof start, "2025-03-%02dT%02d:%02d", 1 + (k * 7) % 31, (k * 5) % 24,
                      k % 3 == 0 ? 30 : 0);
        Json j{{"title", std::string(titles[k % 4]) + " " + std::to_string(k)},
               {"start", start},
               {"tz", zones[k % 7]}};
        switch (k % 12) {
            case 0:
            case 1:
                j["duration"] = "PT45M";
                break;
            case 2:
                j["duration"] = "PT26H";  // across midnight in every zone
                break;
            case 3:  // ends in another zone, after its start in any of them
                j["end"] = std::string(start).substr(0, 10) + "T23:59";
                j["end_tz"] = "Pacific/Pago_Pago";
                break;
            case 4:
                j["duration"] = "P1D";
                break;
            case 5:
                j.erase("tz");  // floating: the viewer's zone places it
                break;
            case 6:
                j["start"] = std::string(start).substr(0, 10);  // all-day
                if (k % 24 == 18) j["end"] = j["start"];        // its last day, inclusive
                j.erase("tz");
                break;
            case 7:
                j["rrule"] = "FREQ=DAILY;COUNT=3";
                break;
            case 8:
                j["start"] = "1990" + std::string(start).substr(4);
                j["rrule"] = "FREQ=YEARLY";
                break;
            case 10:
                j["rrule"] = "FREQ=HOURLY;COUNT=3";  // a series in one listing row
                break;
            default:
                break;  // an instant
        }
        add(j, k);
    }
    // A repeated wall time (the later one) and a skipped one (taken forward).
    add({{"title", "fold"}, {"start", "2025-11-02T01:30-05:00"}, {"tz", "America/New_York"}}, 1000);
    add({{"title", "gap"}, {"start", "2025-03-09T02:30"}, {"tz", "America/New_York"}}, 1001);
    add({{"title", "late fold"},
         {"start", "2025-11-02T01:00"},
         {"tz", "America/New_York"},
         {"duration", "PT2H"}},
        1002);
    // A day whose midnight America/Havana skips; an all-day series in one listing row.
    add({{"title", "day of the change"}, {"start", "2025-03-09"}}, 1003);
    add({{"title", "once"}, {"start", "2025-03-10"}, {"rrule", "FREQ=DAILY;COUNT=1"}}, 1004);
    return out;
}

/// Lists with the daemon's agenda handler and keeps every reply line as sent.
class Lister {
  public:
    Lister(test::Daemon& daemon, const PeerCred& peer, const Settings& settings)
        : ctx_(daemon.context(peer, settings)) {
        // A clock that stands still: no page is cut by its work budget, so pages are the same
        // in both runs.
        auto fixed = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
        ctx_.work_clock = [fixed] { return fixed; };
    }

    /// The reply lines of a listing with `params`, following next_cursor to its end.
    std::vector<std::string> pages(Json params) {
        std::vector<std::string> out;
        for (int n = 0; n < 2000; ++n) {
            std::string line = encode_request(1, "agenda", params);
            line.pop_back();
            out.push_back(dispatch_line(ctx_, line));
            Json j = Json::parse(out.back());
            if (!j.contains("result") || !j["result"].contains("next_cursor")) return out;
            params["cursor"] = j["result"]["next_cursor"];
        }
        FAIL("a listing that never ends");
        return out;
    }

  private:
    Context ctx_;
};

/// The queries compared: every viewer zone over windows of a month, a day (an instant at its
/// start, spans begun before it), limits and offsets, whole events and a filter (which take the
/// decoding path either way).
std::vector<Json> queries(bool all) {
    std::vector<Json> out;
    for (const char* tz : {"UTC", "Pacific/Kiritimati", "America/Havana", "America/Los_Angeles",
                           "Asia/Kolkata", "Europe/Berlin", "Australia/Lord_Howe"}) {
        if (!all && out.size() >= 12) break;  // the first three zones
        out.push_back({{"from", "2025-03-01"}, {"to", "2025-04-10"}, {"tz", tz}, {"brief", true}});
        out.push_back({{"from", "2025-03-09T07:00:00Z"},
                       {"to", "2025-03-10T07:00:00Z"},
                       {"tz", tz},
                       {"brief", true}});
        out.push_back({{"from", "2025-03-20"},
                       {"to", "2025-03-25"},
                       {"tz", tz},
                       {"brief", true},
                       {"limit", 7},
                       {"offset", 5}});
        out.push_back({{"from", "2025-10-30"}, {"to", "2025-11-05"}, {"tz", tz}, {"brief", true}});
    }
    out.push_back({{"from", "2025-03-01"}, {"to", "2025-03-08"}, {"tz", "Asia/Tokyo"}});
    out.push_back({{"from", "2025-03-01"},
                   {"to", "2025-03-20"},
                   {"tz", "UTC"},
                   {"brief", true},
                   {"status", "tentative"}});
    return out;
}

/// Every reply of every query for Alice, Bob and root; and of the month's listings in pages of a
/// few occurrences each (many cursors). Not `all`: the month's listings in three zones.
std::vector<std::string> listings(test::Daemon& daemon, bool all = true) {
    std::vector<std::string> out;
    const Settings ample = system_settings(4 * 1024 * 1024), tiny = system_settings(6000);
    for (int64_t uid : {kAlice, kBob, int64_t{0}}) {
        Lister lister(daemon, PeerCred{1, uid, uid, {}}, ample),
            paged(daemon, PeerCred{1, uid, uid, {}}, tiny);
        for (const Json& q : queries(all)) {
            if (!all && q["to"] != "2025-04-10") continue;
            for (auto& page : lister.pages(q)) out.push_back(std::move(page));
            if (!all || q.contains("limit") || q["to"] != "2025-04-10") continue;
            for (auto& page : paged.pages(q)) out.push_back(std::move(page));
        }
    }
    return out;
}

int64_t encoded_rows(test::Daemon& daemon) {
    return daemon.store().db().query_int("SELECT count(*) FROM list_rows WHERE shown <> ''");
}

/// Makes every listing decode its events, as before schema 11.
void forget_encoded(test::Daemon& daemon) {
    daemon.store().db().exec("UPDATE list_rows SET shown = '', shown_at = 0");
}

/// Compares two runs' replies one by one.
void check_same(const std::vector<std::string>& fast, const std::vector<std::string>& slow) {
    for (size_t i = 0; i < std::min(fast.size(), slow.size()); ++i) {
        if (fast[i] == slow[i]) continue;
        // The first difference is the one to read: where the two replies part.
        size_t at = 0;
        while (at < fast[i].size() && at < slow[i].size() && fast[i][at] == slow[i][at]) ++at;
        const size_t from = at < 300 ? 0 : at - 300;
        INFO("reply " << i << " at byte " << at << "\nfast: " << fast[i].substr(from, 500)
                      << "\nslow: " << slow[i].substr(from, 500));
        REQUIRE(fast[i] == slow[i]);
    }
    CHECK(fast.size() == slow.size());
}

}  // namespace

TEST_CASE("a listing of encoded rows replies byte for byte what decoding every event replies",
          "[listing][shown]") {
    TempDb tmp;
    test::Daemon daemon(tmp.path(), system_settings(4 * 1024 * 1024), TimePoint(kNow));
    daemon.store().refresh_index(kNow);  // the yearly series get a listing row per instance
    std::vector<Event> events = sample();
    for (auto& e : events) daemon.store().add(e, kNow);
    // Most rows are encoded ones (the zoned events that do not recur), not all.
    const int64_t encoded = encoded_rows(daemon);
    CHECK(encoded > 200);
    CHECK(encoded < daemon.store().db().query_int("SELECT count(*) FROM list_rows"));
    std::vector<std::string> fast = listings(daemon);
    CHECK(fast.size() > 500);
    forget_encoded(daemon);
    check_same(fast, listings(daemon));
}

TEST_CASE("a listing's encoded rows follow edits, removals and visibility", "[listing][shown]") {
    TempDb tmp;
    test::Daemon daemon(tmp.path(), system_settings(4 * 1024 * 1024), TimePoint(kNow));
    std::vector<Event> events = sample();
    for (auto& e : events) e = daemon.store().add(e, kNow).event;
    for (size_t k = 0; k < events.size(); k += 3) {
        Event e = events[k];
        e.title += " (moved)";
        // (An all-day start stays a midnight, and its end with it.)
        const std::chrono::hours by{e.start.timed() ? (k % 5 == 0 ? 30 : 1) : 24};
        e.start.local += by;
        if (e.end) e.end->local += by;
        e.visibility =
            e.visibility == Visibility::public_ ? Visibility::private_ : Visibility::public_;
        if (k % 2 == 0) e.rrule = "FREQ=WEEKLY;COUNT=2";  // no longer a single occurrence
        daemon.store().update(e, e.revision, kNow);
    }
    for (size_t k = 1; k < events.size(); k += 10)
        daemon.store().remove(events[k].id, std::nullopt, kNow);
    // The month in three zones (every query and page size takes twice as long here: 100 s
    // under ASan, near ctest's timeout).
    std::vector<std::string> fast = listings(daemon, false);
    forget_encoded(daemon);
    check_same(fast, listings(daemon, false));
}

TEST_CASE("Alice's listing of encoded rows holds her events and public ones, none of Bob's private",
          "[listing][shown][authz]") {
    TempDb tmp;
    const Settings settings = system_settings(4 * 1024 * 1024);
    test::Daemon daemon(tmp.path(), settings, TimePoint(kNow));
    for (auto& e : sample()) daemon.store().add(e, kNow);
    REQUIRE(encoded_rows(daemon) > 0);
    Lister alice(daemon, PeerCred{1, kAlice, kAlice, {}}, settings);
    size_t listed = 0;
    for (const auto& line : alice.pages(
             {{"from", "2025-03-01"}, {"to", "2025-04-10"}, {"tz", "UTC"}, {"brief", true}})) {
        Json reply = Json::parse(line);
        for (const auto& o : reply["result"]["occurrences"]) {
            auto e = daemon.store().get(o["id"].get<int64_t>());
            REQUIRE(e);
            INFO(o.dump());
            CHECK((e->owner == kAlice || e->visibility == Visibility::public_));
            ++listed;
        }
    }
    CHECK(listed > 100);
}

TEST_CASE("schema 11 encodes the rows of a schema-10 database, and again for new zone data",
          "[listing][shown][migration]") {
    TempDb tmp;
    std::vector<std::string> before;
    int64_t encoded = 0;
    {
        test::Daemon daemon(tmp.path(), system_settings(4 * 1024 * 1024), TimePoint(kNow));
        for (auto& e : sample()) daemon.store().add(e, kNow);
        encoded = encoded_rows(daemon);
        before = listings(daemon, false);
    }
    {  // the database as schema 10 left it: every row with a brief (here the whole event's)
        sql::Db raw(tmp.path());
        raw.exec(
            "UPDATE list_rows SET brief = (SELECT data FROM events WHERE id = row / 1024) WHERE "
            "brief = ''; ALTER TABLE list_rows DROP COLUMN shown; ALTER TABLE list_rows DROP "
            "COLUMN shown_at; "
            "ALTER TABLE list_rows DROP COLUMN owner; ALTER TABLE list_rows DROP COLUMN public; "
            "DROP TABLE listing_zones; PRAGMA user_version=10");
    }
    {
        test::Daemon daemon(tmp.path(), system_settings(4 * 1024 * 1024), TimePoint(kNow));
        CHECK(daemon.store().schema_version() == kSchemaVersion);
        CHECK(encoded_rows(daemon) == encoded);
        check_same(listings(daemon, false), before);
        // Rows encoded with other zone data: a wrong text stays while the data is the same...
        daemon.store().db().exec(
            "UPDATE list_rows SET shown = replace(shown, '\"status\"', '\"STATUS\"')");
    }
    {
        test::Daemon daemon(tmp.path(), system_settings(4 * 1024 * 1024), TimePoint(kNow));
        CHECK(listings(daemon, false) != before);
        daemon.store().db().exec("UPDATE listing_zones SET version = '1999z'");
    }
    // ... and is written anew when it is not.
    test::Daemon daemon(tmp.path(), system_settings(4 * 1024 * 1024), TimePoint(kNow));
    CHECK(encoded_rows(daemon) == encoded);
    check_same(listings(daemon, false), before);
}
