// Unit tests of daemon/window_reader and the store's listing rows (schema 8): a listing from the
// brief rows equals the listing computed from whole events, after every kind of write and after
// the migration from schema 7, and each row is read once over a request's windows.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/agenda.hpp"
#include "core/agenda_json.hpp"
#include "core/event_json.hpp"
#include "core/index_spans.hpp"
#include "daemon/sqlite.hpp"
#include "daemon/store.hpp"
#include "daemon/window_reader.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

using herald::test::TempDb;

Instant utc(int y, int m, int d, int hh = 0) {
    return Instant{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{hh};
}

const Instant kNow = utc(2025, 1, 15, 10);

Event event(const std::string& uid, Json j) {
    j["uid"] = uid;
    j["title"] = j.value("title", uid);
    j["description"] = "the description of " + uid;
    j["source"] = "https://example.org/" + uid;
    Event e = event_from_json(j);
    e.owner = 1000;
    validate(e);
    return e;
}

/// Timed, all-day, floating, sparse and dense series, short recurring, multi-day, imprecise.
std::vector<Event> sample() {
    return {
        event("tokyo", {{"start", "2025-03-03T14:40"},
                        {"tz", "Asia/Tokyo"},
                        {"duration", "PT30M"},
                        {"location", "Tokyo"},
                        {"categories", {"diplomacy"}}}),
        event("allday", {{"start", "2025-03-04"}, {"location", "Bishkek"}}),
        event("floating", {{"start", "2025-03-05T09:00"}, {"status", "tentative"}}),
        event("anniversary", {{"title", "{ordinal} anniversary"},
                              {"start", "1992-03-06"},
                              {"rrule", "FREQ=YEARLY"}}),
        event("monthly", {{"start", "2024-11-07T10:00"},
                          {"tz", "Europe/Berlin"},
                          {"rrule", "FREQ=MONTHLY"},
                          {"exdates", {"2025-04-07T10:00"}}}),
        event("twice",
              {{"start", "2025-03-08T20:00"}, {"tz", "UTC"}, {"rrule", "FREQ=DAILY;COUNT=2"}}),
        event("multiday", {{"start", "2025-03-09"}, {"end", "2025-03-12"}}),
        event("weekly",
              {{"start", "2025-01-06T08:00"}, {"tz", "Asia/Bishkek"}, {"rrule", "FREQ=WEEKLY"}}),
        event("year", {{"start", "2025"}}),
        event("edge", {{"start", "2025-03-31T23:30"}, {"duration", "PT1H"}}),
    };
}

/// What a listing prints of [from, to): each dated occurrence as the brief reply writes it, then
/// each imprecise event whole.
std::vector<std::string> printed(const std::vector<const Event*>& candidates, Instant from,
                                 Instant to, const date::time_zone* viewer) {
    AgendaQuery q;
    q.from = from;
    q.to = to;
    q.viewer = viewer;
    q.include_undated = false;
    Agenda a = build_agenda(candidates, q);
    std::vector<std::string> out;
    for (const auto& occ : a.dated) append_brief_occurrence(out.emplace_back(), occ, viewer);
    for (const Event* e : a.imprecise) out.push_back(to_json(*e).dump());
    return out;
}

/// Every day of March and early April 2025 in four viewer zones, each zone's days read by one
/// reader (as a listing's slices are), against the same days computed from every whole event.
void check_listing(Store& store) {
    std::vector<Event> all = store.all();
    std::vector<const Event*> whole;
    for (const auto& e : all) whole.push_back(&e);
    for (const char* zone : {"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Bishkek"}) {
        const date::time_zone* viewer = find_zone(zone);
        WindowReader brief(store, false), full(store, true);
        for (Instant day = utc(2025, 2, 27); day < utc(2025, 4, 10); day += date::days{1}) {
            INFO(zone << " " << format_instant(day));
            auto expected = printed(whole, day, day + date::days{1}, viewer);
            CHECK(printed(brief.window(day, day + date::days{1}), day, day + date::days{1},
                          viewer) == expected);
            CHECK(printed(full.window(day, day + date::days{1}), day, day + date::days{1},
                          viewer) == expected);
        }
    }
}

}  // namespace

TEST_CASE("listing rows list what whole events list, after every kind of write",
          "[store][listing]") {
    TempDb tmp;
    Store store(tmp.path());
    store.refresh_index(kNow);  // sparse series get a row per instance
    std::vector<Event> stored;
    for (auto& e : sample()) stored.push_back(store.add(e, kNow).event);
    check_listing(store);
    SECTION("update: new title, place and time") {
        Event tokyo = stored[0];
        tokyo.title = "Tokyo dialogue";
        tokyo.location = "Osaka";
        tokyo.start = caltime_from_string("2025-03-20T10:00", "Asia/Tokyo", "start");
        store.update(tokyo, tokyo.revision, kNow);
        Event anniversary = stored[3];
        anniversary.title = "{ordinal} jubilee";
        store.update(anniversary, anniversary.revision, kNow);
        check_listing(store);
    }
    SECTION("remove") {
        store.remove(stored[1].id, std::nullopt, kNow);
        store.remove(stored[3].id, std::nullopt, kNow);
        check_listing(store);
    }
    SECTION("upsert, as an import and a sync pull write") {
        auto no_veto = [](const Event&, const Event*) {};
        Event moved = sample()[2];
        moved.location = "Osh";
        moved.start = caltime_from_string("2025-03-25T18:00", "", "start");
        CHECK(store.upsert(moved, kNow, no_veto) == Store::Upsert::updated);
        CHECK(store.upsert(event("new", {{"start", "2025-03-26"}, {"location", "Naryn"}}), kNow,
                           no_veto) == Store::Upsert::added);
        check_listing(store);
    }
    SECTION("the horizon moves and the series are indexed again") {
        CHECK(store.refresh_index(utc(2031, 6, 1)) > 0);
        check_listing(store);
    }
}

TEST_CASE("a schema-7 database is upgraded to listing rows that list as before",
          "[store][schema][listing]") {
    TempDb tmp;
    size_t short_rows = 0;
    {
        // Schema 7 as Store wrote it: each span of at most two days in short_spans, longer ones
        // in the R*Tree (no horizon yet: one span per event).
        sql::Db raw(tmp.path());
        for (int64_t v = 0; v < 7; ++v) raw.exec(schema_migration(v));
        int64_t id = 0;
        for (auto e : sample()) {
            e.id = ++id;
            e.revision = 1;
            e.created = e.updated = kNow;
            sql::Statement ins(raw, "INSERT INTO events VALUES(?,?,?,?,?,?,?)");
            ins.bind(1, e.id)
                .bind(2, e.uid)
                .bind(3, e.owner)
                .bind(4, to_string(e.visibility))
                .bind(5, to_string(e.start.precision))
                .bind(6, e.revision)
                .bind(7, to_json(e).dump())
                .run();
            int64_t row = e.id * 1024;
            for (const auto& s : index_spans(e, IndexHorizon{}).spans) {
                int64_t lo = s.begin.time_since_epoch().count(),
                        hi = s.end.time_since_epoch().count();
                sql::Statement span(raw, hi - lo <= kShortSpan
                                             ? "INSERT INTO short_spans(row, lo, hi) VALUES(?,?,?)"
                                             : "INSERT INTO event_spans(id, lo, hi) VALUES(?,?,?)");
                span.bind(1, hi - lo <= kShortSpan ? row++ : e.id).bind(2, lo).bind(3, hi).run();
                short_rows += hi - lo <= kShortSpan;
            }
        }
        raw.exec("PRAGMA user_version=7; PRAGMA application_id=" + std::to_string(kApplicationId));
    }
    REQUIRE(short_rows == 5);  // tokyo, allday, floating, twice, edge
    Store store(tmp.path());
    CHECK(store.schema_version() == kSchemaVersion);
    CHECK(store.db().query_int("SELECT count(*) FROM list_rows") ==
          static_cast<int64_t>(short_rows));
    CHECK(store.db().query_int("SELECT count(*) FROM sqlite_master WHERE name = 'short_spans'") ==
          0);
    check_listing(store);
    // The rows the migration wrote are replaced like any other when their event changes.
    store.refresh_index(kNow);
    check_listing(store);
}

TEST_CASE("a reader reads each listing row once over a request's windows", "[store][listing]") {
    TempDb tmp;
    Store store(tmp.path());
    for (int h = 0; h < 24 * 20; h += 3)
        store.add(
            event("t" + std::to_string(h),
                  {{"start", format_instant(utc(2025, 3, 1) + std::chrono::hours{h}).substr(0, 16)},
                   {"tz", "UTC"}}),
            kNow);
    WindowReader reader(store, false);
    size_t listed = 0;
    for (Instant day = utc(2025, 3, 5); day < utc(2025, 3, 15); day += date::days{1}) {
        auto found = reader.window(day, day + date::days{1});
        listed += found.size();
    }
    // The windows' rows from the first one's slack (instants: an earlier one ends before it) to
    // the last one's, each read once.
    int64_t lo = utc(2025, 3, 5).time_since_epoch().count() - kZoneSlack;
    int64_t hi = utc(2025, 3, 15).time_since_epoch().count() + kZoneSlack;
    CHECK(reader.rows_read() == static_cast<size_t>(store.db().query_int(
                                    "SELECT count(*) FROM list_rows WHERE lo >= " +
                                    std::to_string(lo) + " AND lo < " + std::to_string(hi))));
    CHECK(listed == 10 * 8);                // every event of each day, once per day
    CHECK(reader.events_read() == 10 * 8);  // decoded once each, none of the slack's
}
