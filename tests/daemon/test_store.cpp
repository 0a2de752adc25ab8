// Unit tests of daemon/store: schema, idempotent writes, revisions, window and text queries.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/agenda.hpp"
#include "core/event_json.hpp"
#include "daemon/sqlite.hpp"
#include "daemon/store.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

using herald::test::error_of;
using herald::test::TempDb;

Instant utc(int y, int m, int d, int hh = 0, int mm = 0) {
    return Instant{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm};
}

const Instant kNow = utc(2025, 1, 15, 10);

/// A validated event owned by uid 1000, from its JSON form.
Event event(const std::string& uid, Json j) {
    j["uid"] = uid;
    Event e = event_from_json(j);
    e.owner = 1000;
    validate(e);
    return e;
}

Event meeting(const std::string& uid = "fm9@herald.test") {
    return event(uid, Json{{"title", "9th foreign ministers meeting"},
                           {"description", "Central Asia plus Japan dialogue, videoconference"},
                           {"start", "2022-12-24T14:40"},
                           {"tz", "Asia/Tokyo"},
                           {"duration", "PT30M"}});
}

std::string pragma_text(sql::Db& db, const char* pragma) {
    sql::Statement st(db, pragma);
    REQUIRE(st.step());
    return st.column_text(0);
}

std::vector<std::string> uids(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.uid);
    std::sort(out.begin(), out.end());
    return out;
}

using Uids = std::vector<std::string>;

}  // namespace

TEST_CASE("a new store has the schema, the application id and WAL", "[store][schema]") {
    TempDb tmp;
    Store store(tmp.path());
    CHECK(store.schema_version() == kSchemaVersion);
    CHECK(store.db().query_int("PRAGMA application_id") == kApplicationId);
    CHECK(pragma_text(store.db(), "PRAGMA journal_mode") == "wal");
    CHECK(store.db().query_int("PRAGMA synchronous") == 2);  // FULL
    CHECK(store.db().query_int("PRAGMA temp_store") == 2);   // MEMORY: no files in /var/tmp
    CHECK(store.count() == 0);
}

TEST_CASE("a cache boost raises the page cache and restores it", "[store][cache]") {
    TempDb tmp;
    Store store(tmp.path());
    int64_t before = store.db().query_int("PRAGMA cache_size");
    {
        sql::CacheBoost boost(store.db(), 65536);
        CHECK(store.db().query_int("PRAGMA cache_size") == -65536);
    }
    CHECK(store.db().query_int("PRAGMA cache_size") == before);
}

TEST_CASE("add, get and idempotent retries", "[store][add]") {
    TempDb tmp;
    Store store(tmp.path());
    auto added = store.add(meeting(), kNow);
    CHECK(added.created);
    CHECK(added.event.id > 0);
    CHECK(added.event.revision == 1);
    CHECK(added.event.created == kNow);
    CHECK(added.event.updated == kNow);
    CHECK(added.event.owner == 1000);
    CHECK(store.count() == 1);

    SECTION("get and get_by_uid return the stored event") {
        auto by_id = store.get(added.event.id);
        REQUIRE(by_id);
        CHECK(*by_id == added.event);
        auto by_uid = store.get_by_uid("fm9@herald.test");
        REQUIRE(by_uid);
        CHECK(*by_uid == added.event);
        CHECK_FALSE(store.get(added.event.id + 100));
        CHECK_FALSE(store.get_by_uid("nobody@herald.test"));
    }
    SECTION("the same uid and content is a retry: nothing new is stored") {
        auto again = store.add(meeting(), kNow + 1h);
        CHECK_FALSE(again.created);
        CHECK(again.event == added.event);
        CHECK(store.count() == 1);
    }
    SECTION("the same uid with other content is a revision conflict") {
        Event other = meeting();
        other.title = "Something else";
        auto err = error_of([&] { store.add(other, kNow); });
        CHECK(err.code() == ErrorCode::revision_conflict);
        CHECK(err.field() == "uid");
        CHECK(store.get(added.event.id)->title == "9th foreign ministers meeting");
    }
    SECTION("ids are distinct") {
        auto second = store.add(meeting("fm10@herald.test"), kNow);
        CHECK(second.event.id != added.event.id);
        CHECK(store.count() == 2);
    }
}

TEST_CASE("update and remove check revisions", "[store][revision]") {
    TempDb tmp;
    Store store(tmp.path());
    Event stored = store.add(meeting(), kNow).event;
    SECTION("update bumps the revision and keeps created") {
        Event next = stored;
        next.title = "9th CA+Japan foreign ministers meeting";
        Event updated = store.update(next, 1, kNow + 1h);
        CHECK(updated.revision == 2);
        CHECK(updated.updated == kNow + 1h);
        CHECK(updated.created == kNow);
        CHECK(*store.get(stored.id) == updated);
        auto err = error_of([&] { store.update(next, 1, kNow + 2h); });
        CHECK(err.code() == ErrorCode::revision_conflict);
        CHECK(err.field() == "revision");
        CHECK(store.get(stored.id)->revision == 2);
    }
    SECTION("update of a missing event is not_found") {
        Event ghost = stored;
        ghost.id = stored.id + 10;
        auto err = error_of([&] { store.update(ghost, 1, kNow); });
        CHECK(err.code() == ErrorCode::not_found);
        CHECK(err.field() == "id");
    }
    SECTION("remove with a stale revision conflicts, with the right one deletes") {
        CHECK(error_of([&] { store.remove(stored.id, 7, kNow); }).code() ==
              ErrorCode::revision_conflict);
        CHECK(store.count() == 1);
        store.remove(stored.id, 1, kNow);
        CHECK_FALSE(store.get(stored.id));
        CHECK(store.count() == 0);
        CHECK(error_of([&] { store.remove(stored.id, std::nullopt, kNow); }).code() ==
              ErrorCode::not_found);
    }
    SECTION("remove without a revision") {
        store.remove(stored.id, std::nullopt, kNow);
        CHECK_FALSE(store.get_by_uid(stored.uid));
        // The uid is free again.
        CHECK(store.add(meeting(), kNow).created);
    }
}

TEST_CASE("data persists across closing and reopening", "[store][durability]") {
    TempDb tmp;
    Event first;
    {
        Store store(tmp.path());
        first = store.add(meeting(), kNow).event;
        store.add(event("expo@herald.test", Json{{"title", "EXPO day"}, {"start", "2025-06-06"}}),
                  kNow);
        first.location = "Tokyo";
        first = store.update(first, 1, kNow + 1min);
    }
    Store reopened(tmp.path());
    CHECK(reopened.count() == 2);
    CHECK(reopened.schema_version() == kSchemaVersion);
    REQUIRE(reopened.get(first.id));
    CHECK(*reopened.get(first.id) == first);
    CHECK(reopened.get_by_uid("expo@herald.test")->title == "EXPO day");
    CHECK(reopened.search("videoconference", 10).size() == 1);
    CHECK(reopened.in_window(utc(2025, 6, 6), utc(2025, 6, 7)).size() == 1);
}

TEST_CASE("in_window returns every event that may overlap the window", "[store][window]") {
    TempDb tmp;
    Store store(tmp.path());
    store.add(meeting("tokyo@t"), kNow);  // 2022-12-24T05:40Z
    store.add(event("kiritimati@t", Json{{"title", "Line Islands"},
                                         {"start", "2025-06-06T01:00"},
                                         {"tz", "Pacific/Kiritimati"}}),
              kNow);  // UTC+14: 2025-06-05T11:00Z
    store.add(event("expo@t", Json{{"title", "EXPO day"}, {"start", "2025-06-06"}}), kNow);
    store.add(
        event("far@t", Json{{"title", "Far away"}, {"start", "2030-01-01T00:00"}, {"tz", "UTC"}}),
        kNow);
    store.add(event("year@t", Json{{"title", "Some day in 2023"}, {"start", "2023"}}), kNow);
    store.add(event("tba@t", Json{{"title", "Summit"}, {"start", nullptr}}), kNow);

    SECTION("a timed event in a zone far from UTC, and an all-day event seen from there") {
        // 10:00Z-12:00Z on 5 June is already 6 June in Kiritimati.
        CHECK(uids(store.in_window(utc(2025, 6, 5, 10), utc(2025, 6, 5, 12))) ==
              Uids{"expo@t", "kiritimati@t"});
    }
    SECTION("an all-day event is still a candidate for a viewer west of UTC") {
        // 6 June lasts until 10:00Z on 7 June in Honolulu.
        CHECK(uids(store.in_window(utc(2025, 6, 7, 9), utc(2025, 6, 7, 10))) == Uids{"expo@t"});
    }
    SECTION("events far from the window are not returned") {
        CHECK(uids(store.in_window(utc(2022, 12, 24, 5), utc(2022, 12, 24, 6))) == Uids{"tokyo@t"});
        CHECK(store.in_window(utc(2028, 1, 1), utc(2029, 1, 1)).empty());
        CHECK(uids(store.in_window(utc(2029, 12, 31, 23), utc(2030, 1, 1, 1))) == Uids{"far@t"});
    }
    SECTION("imprecise events cover their period; undated ones never appear") {
        CHECK(uids(store.in_window(utc(2023, 6, 1), utc(2023, 7, 1))) == Uids{"year@t"});
    }
    SECTION("undated() lists only the undated") {
        CHECK(uids(store.undated()) == Uids{"tba@t"});
    }
    SECTION("removing an event removes it from the index") {
        store.remove(store.get_by_uid("expo@t")->id, std::nullopt, kNow);
        CHECK(uids(store.in_window(utc(2025, 6, 5, 10), utc(2025, 6, 5, 12))) ==
              Uids{"kiritimati@t"});
    }
}

TEST_CASE("short spans are found from their start, up to two days before the window",
          "[store][window]") {
    // Spans of at most two days live in a B-tree by start (list_rows), longer ones in the
    // R*Tree; a window query looks back two days (and the 26 h zone slack) for short ones.
    TempDb tmp;
    Store store(tmp.path());
    auto timed = [&](const std::string& uid, const char* duration) {
        return store
            .add(event(uid, Json{{"title", uid},
                                 {"start", "2025-03-01T00:00"},
                                 {"tz", "UTC"},
                                 {"duration", duration}}),
                 kNow)
            .event;
    };
    Event two_days = timed("48h@t", "PT48H");
    timed("49h@t", "PT49H");
    // The window's start less the 26 h slack is the 48 h span's end: both are candidates.
    CHECK(uids(store.in_window(utc(2025, 3, 4, 2), utc(2025, 3, 4, 3))) == Uids{"48h@t", "49h@t"});
    // An hour later only the longer span reaches the widened window.
    CHECK(uids(store.in_window(utc(2025, 3, 4, 3), utc(2025, 3, 4, 4))) == Uids{"49h@t"});
    CHECK(uids(store.in_window(utc(2025, 2, 28), utc(2025, 2, 28, 1))) == Uids{"48h@t", "49h@t"});
    SECTION("rows written to the R*Tree before schema 7 stay found and are removed") {
        store.db().exec("DELETE FROM list_rows");
        store.db().exec("INSERT INTO event_spans(id, lo, hi) VALUES(" +
                        std::to_string(two_days.id) + ", 1740787200, 1740960000)");
        CHECK(uids(store.in_window(utc(2025, 3, 2), utc(2025, 3, 2, 1))) == Uids{"48h@t", "49h@t"});
        store.remove(two_days.id, std::nullopt, kNow);
        CHECK(uids(store.in_window(utc(2025, 3, 2), utc(2025, 3, 2, 1))) == Uids{"49h@t"});
        CHECK(store.db().query_int("SELECT count(*) FROM event_spans") == 1);
    }
}

TEST_CASE("in_window returns the stored content after every change, kept or rolled back",
          "[store][window]") {
    // in_window keeps the previous call's events so that overlapping slices of a listing are not
    // decoded again: a change, or a change rolled back, must make it read the rows again.
    TempDb tmp;
    Store store(tmp.path());
    Event e = store.add(event("expo@t", Json{{"title", "EXPO day"}, {"start", "2025-06-06"}}), kNow)
                  .event;
    store.add(
        event("gala@t", Json{{"title", "Gala"}, {"start", "2025-06-06T19:00"}, {"tz", "UTC"}}),
        kNow);
    auto titles = [&] {
        Uids out;
        for (const auto& x : store.in_window(utc(2025, 6, 6), utc(2025, 6, 7)))
            out.push_back(x.title);
        std::sort(out.begin(), out.end());
        return out;
    };
    REQUIRE(titles() == Uids{"EXPO day", "Gala"});
    SECTION("events given again from the memo equal the stored ones") {
        auto again = store.in_window(utc(2025, 6, 6), utc(2025, 6, 7));
        REQUIRE(again.size() == 2);
        for (const auto& x : again) CHECK(x == *store.get(x.id));
    }
    SECTION("an update") {
        e.title = "EXPO 2025 day";
        e = store.update(e, e.revision, kNow + 1min);
        CHECK(titles() == Uids{"EXPO 2025 day", "Gala"});
        CHECK(titles() == Uids{"EXPO 2025 day", "Gala"});
    }
    SECTION("an update rolled back") {
        {
            sql::Transaction tx(store.db());
            e.title = "Not kept";
            store.update(e, e.revision, kNow + 1min);
            CHECK(titles() == Uids{"Gala", "Not kept"});  // within the transaction
        }
        CHECK(titles() == Uids{"EXPO day", "Gala"});
    }
    SECTION("a change by another connection") {
        {
            sql::Db other(tmp.path());
            other.exec("UPDATE events SET data = json_set(data, '$.title', 'Renamed') WHERE id = " +
                       std::to_string(e.id));
        }
        CHECK(titles() == Uids{"Gala", "Renamed"});
    }
}

TEST_CASE("recurring events are always candidates after their start",
          "[store][window][recurrence]") {
    TempDb tmp;
    Store store(tmp.path());
    Event anniversary =
        store
            .add(event("relations@t",
                       Json{{"title", "{ordinal} anniversary of Kyrgyzstan-Japan relations"},
                            {"start", "1992-01-26"},
                            {"rrule", "FREQ=YEARLY"}}),
                 kNow)
            .event;
    store.add(event("once@t", Json{{"title", "Established"}, {"start", "1992-01-26"}}), kNow);
    CHECK(uids(store.in_window(utc(2022, 1, 26), utc(2022, 1, 27))) == Uids{"relations@t"});
    CHECK(uids(store.in_window(utc(2091, 3, 1), utc(2091, 3, 2))) == Uids{"relations@t"});
    CHECK(uids(store.in_window(utc(1992, 1, 26), utc(1992, 1, 27))) ==
          Uids{"once@t", "relations@t"});
    SECTION("dropping the rule shrinks the index entry") {
        anniversary.rrule.clear();
        store.update(anniversary, 1, kNow);
        CHECK(store.in_window(utc(2022, 1, 26), utc(2022, 1, 27)).empty());
    }
}

TEST_CASE("sparse series are indexed instance by instance inside the horizon",
          "[store][window][recurrence]") {
    TempDb tmp;
    Store store(tmp.path());
    CHECK(store.refresh_index(kNow) == 0);  // empty database: nothing to re-index
    Event yearly =
        store
            .add(event("relations@t", Json{{"title", "{ordinal} anniversary of relations"},
                                           {"start", "1992-01-26"},
                                           {"rrule", "FREQ=YEARLY"}}),
                 kNow)
            .event;
    store.add(event("weekly@t", Json{{"title", "Weekly call"},
                                     {"start", "2024-01-01T09:00"},
                                     {"tz", "Asia/Tashkent"},
                                     {"duration", "PT1H"},
                                     {"rrule", "FREQ=WEEKLY"}}),
              kNow);
    // Inside the horizon (2023-2035) a yearly series is found only near its instances.
    CHECK(uids(store.in_window(utc(2026, 1, 26), utc(2026, 1, 27))) ==
          Uids{"relations@t", "weekly@t"});
    CHECK(uids(store.in_window(utc(2026, 6, 1), utc(2026, 7, 1))) == Uids{"weekly@t"});
    // Outside it the coarse spans keep every instance findable.
    CHECK(uids(store.in_window(utc(2000, 6, 1), utc(2000, 7, 1))) == Uids{"relations@t"});
    CHECK(uids(store.in_window(utc(2091, 3, 1), utc(2091, 3, 2))) ==
          Uids{"relations@t", "weekly@t"});

    SECTION("an edit moves the instances, a removal drops them") {
        yearly.start = event("x@t", Json{{"title", "x"}, {"start", "1992-06-15"}}).start;
        Event moved = store.update(yearly, 1, kNow);
        CHECK(uids(store.in_window(utc(2026, 1, 26), utc(2026, 1, 27))) == Uids{"weekly@t"});
        CHECK(uids(store.in_window(utc(2026, 6, 1), utc(2026, 7, 1))) ==
              Uids{"relations@t", "weekly@t"});
        store.remove(moved.id, std::nullopt, kNow);
        CHECK(uids(store.in_window(utc(2026, 6, 1), utc(2026, 7, 1))) == Uids{"weekly@t"});
        CHECK(uids(store.in_window(utc(2000, 6, 1), utc(2000, 7, 1))).empty());
    }
    SECTION("the horizon persists, and moves when it goes stale") {
        Store reopened(tmp.path());
        CHECK(reopened.refresh_index(kNow) == 0);
        CHECK(reopened.refresh_index(utc(2031, 1, 1)) == 2);  // both series re-indexed
        CHECK(uids(reopened.in_window(utc(2040, 6, 1), utc(2040, 7, 1))) == Uids{"weekly@t"});
        CHECK(uids(reopened.in_window(utc(2040, 1, 26), utc(2040, 1, 27))) ==
              Uids{"relations@t", "weekly@t"});
    }
}

TEST_CASE("the window index is a superset of the events with an instance in the window",
          "[store][window][recurrence]") {
    // Seeded random series and windows: every event agenda would list must be a candidate.
    TempDb tmp;
    Store store(tmp.path());
    store.refresh_index(kNow);
    const char* rules[] = {"FREQ=YEARLY",
                           "FREQ=YEARLY;COUNT=5",
                           "FREQ=YEARLY;UNTIL=20270101T000000Z",
                           "FREQ=MONTHLY;BYMONTHDAY=31",
                           "FREQ=MONTHLY;INTERVAL=5",
                           "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
                           "FREQ=YEARLY;BYDAY=MO,FR;BYMONTH=3"};
    const char* zones[] = {"", "Asia/Tokyo", "Pacific/Kiritimati", "America/New_York"};
    uint32_t seed = 12345;
    auto next = [&seed](uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % n;
    };
    std::vector<Event> stored;
    for (int i = 0; i < 60; ++i) {
        std::string tz = zones[next(4)];
        char start[32];
        std::snprintf(start, sizeof start, tz.empty() ? "%04u-%02u-%02u" : "%04u-%02u-%02uT%02u:00",
                      2015 + next(20), 1 + next(12), 1 + next(28), next(24));
        Json j{{"title", "series"}, {"start", start}, {"rrule", rules[next(7)]}};
        if (!tz.empty()) j["tz"] = tz;
        stored.push_back(store.add(event("s" + std::to_string(i) + "@t", j), kNow).event);
    }
    for (int w = 0; w < 300; ++w) {
        Instant from = utc(2010 + static_cast<int>(next(40)), 1 + static_cast<int>(next(12)),
                           1 + static_cast<int>(next(28)), static_cast<int>(next(24)));
        Instant to = from + std::chrono::hours{1 + next(24 * 40)};
        auto found = uids(store.in_window(from, to));
        for (const auto& e : stored)
            for (const char* viewer : {"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"})
                if (!occurrences_in(e, from, to, date::locate_zone(viewer)).empty())
                    CHECK(std::find(found.begin(), found.end(), e.uid) != found.end());
    }
}

TEST_CASE("search finds words and never parses user text as FTS5 syntax", "[store][search]") {
    TempDb tmp;
    Store store(tmp.path());
    store.add(meeting("fm9@t"), kNow);
    store.add(event("honey@t", Json{{"title", "Export contract"},
                                    {"description", "Kyrgyz honey to Japan, signed in Tokyo"},
                                    {"start", "2022-08-10"}}),
              kNow);
    store.add(event("expo@t", Json{{"title", "National Day at EXPO 2025"},
                                   {"start", "2025-06-06"},
                                   {"location", "Osaka"},
                                   {"categories", {"expo", "culture"}}}),
              kNow);
    SECTION("by word in title or description, case-insensitively") {
        CHECK(uids(store.search("ministers", 10)) == Uids{"fm9@t"});
        CHECK(uids(store.search("HONEY", 10)) == Uids{"honey@t"});
        CHECK(uids(store.search("videoconference", 10)) == Uids{"fm9@t"});
        CHECK(uids(store.search("osaka", 10)) == Uids{"expo@t"});
        CHECK(uids(store.search("culture", 10)) == Uids{"expo@t"});
    }
    SECTION("every word is a prefix, quotes and stars in it are plain text") {
        CHECK(uids(store.search("kyrg", 10)) == Uids{"honey@t"});
        CHECK(uids(store.search("hon JAP", 10)) == Uids{"honey@t"});
        CHECK(uids(store.search("exp osa", 10)) == Uids{"expo@t"});
        CHECK(uids(store.search("\"kyrg\"", 10)) == Uids{"honey@t"});
        CHECK(store.search("yrgyz", 10).empty());  // a prefix, not any substring
    }
    SECTION("words are ANDed and the limit holds") {
        CHECK(uids(store.search("japan", 10)) == Uids{"fm9@t", "honey@t"});
        CHECK(uids(store.search("japan honey", 10)) == Uids{"honey@t"});
        CHECK(store.search("japan", 1).size() == 1);
        CHECK(store.search("japan nowhere", 10).empty());
    }
    SECTION("FTS5 operators and quotes are plain text") {
        for (const char* query :
             {"AND OR \"", "\"", "NOT", "honey OR osaka", "NEAR(honey", "honey*", "title:honey",
              "-honey", "(", ")", "^honey", "honey AND", "{title}: x", "'", "\"\"\"\""}) {
            INFO(query);
            std::vector<Event> found;
            REQUIRE_NOTHROW(found = store.search(query, 10));
            if (std::string(query).find("OR") != std::string::npos) CHECK(found.empty());
        }
        CHECK(store.search("AND OR \"", 10).empty());
    }
    SECTION("an empty query names the param") {
        auto err = error_of([&] { store.search("  ", 10); });
        CHECK(err.code() == ErrorCode::invalid_params);
        CHECK(err.field() == "query");
    }
    SECTION("updates and removals reach the text index") {
        Event honey = *store.get_by_uid("honey@t");
        honey.description = "Buckwheat honey";
        store.update(honey, 1, kNow);
        CHECK(uids(store.search("japan", 10)) == Uids{"fm9@t"});
        store.remove(honey.id, std::nullopt, kNow);
        CHECK(store.search("buckwheat", 10).empty());
    }
}

TEST_CASE("files that are not Herald databases are refused and left alone", "[store][schema]") {
    TempDb tmp;
    SECTION("another application's SQLite database") {
        {
            sql::Db other(tmp.path());
            other.exec(
                "PRAGMA application_id=1234; CREATE TABLE notes(x TEXT); INSERT INTO notes "
                "VALUES('keep');");
        }
        auto err = error_of([&] { Store store(tmp.path()); });
        CHECK(err.code() == ErrorCode::storage_error);
        CHECK_THAT(err.what(), Catch::Contains("another application"));
        sql::Db other(tmp.path());
        CHECK(pragma_text(other, "PRAGMA journal_mode") == "delete");
        CHECK(other.query_int("PRAGMA application_id") == 1234);
        CHECK(other.query_int("SELECT count(*) FROM notes") == 1);
    }
    SECTION("a Herald database from a newer heraldd") {
        { Store store(tmp.path()); }
        {
            sql::Db db(tmp.path());
            db.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion + 1));
        }
        auto err = error_of([&] { Store store(tmp.path()); });
        CHECK(err.code() == ErrorCode::storage_error);
        CHECK_THAT(err.what(), Catch::Contains("upgrade heraldd"));
    }
    SECTION("a file that is not SQLite at all") {
        {
            std::ofstream out(tmp.path());
            out << "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n";
        }
        CHECK(error_of([&] { Store store(tmp.path()); }).code() == ErrorCode::storage_error);
    }
}

TEST_CASE("search stops reading at its byte budget with too_large, before the limit",
          "[store][search][budget]") {
    TempDb tmp;
    Store store(tmp.path());
    const std::string findings(20000, 'f');
    for (int k = 0; k < 10; ++k)
        store.add(
            event("r" + std::to_string(k) + "@t", Json{{"title", "Report " + std::to_string(k)},
                                                       {"description", "findings " + findings},
                                                       {"start", "2030-05-01"}}),
            kNow);
    // Ten rows of over 20,000 bytes each: all fit in 1 MB, three do not fit in 50,000 bytes.
    CHECK(store.search("findings", 100, std::nullopt, 1000000).size() == 10);
    CHECK(store.search("findings", 2, std::nullopt, 50000).size() == 2);
    try {
        store.search("findings", 100, std::nullopt, 50000);
        FAIL("a search over its byte budget returned");
    } catch (const HeraldError& e) {
        CHECK(e.code() == ErrorCode::too_large);
        CHECK(std::string(e.what()).find("ask for less") != std::string::npos);
        CHECK(std::string(e.what()).find("the 3 best matches") != std::string::npos);
    }
    // The statement was reset: the next search runs normally.
    CHECK(store.search("findings", 100).size() == 10);
}

TEST_CASE("search stops ranking at its CPU budget with too_large, then searches again",
          "[store][search][budget]") {
    TempDb tmp;
    Store store(tmp.path());
    {
        sql::Transaction tx(store.db());
        for (int k = 0; k < 2000; ++k)
            store.add(
                event("m" + std::to_string(k) + "@t",
                      Json{{"title", "Meeting " + std::to_string(k)}, {"start", "2030-05-01"}}),
                kNow);
        tx.commit();
    }
    // 2,000 matches to rank best first: far more than a microsecond of work, far less than a
    // second.
    CHECK(store.search("meeting", 50, std::nullopt, SIZE_MAX, std::chrono::seconds{1}).size() ==
          50);
    try {
        store.search("meeting", 50, std::nullopt, SIZE_MAX, std::chrono::microseconds{1});
        FAIL("a search over its CPU budget returned");
    } catch (const HeraldError& e) {
        CHECK(e.code() == ErrorCode::too_large);
        CHECK(e.field() == "query");
        CHECK(std::string(e.what()).find("add words") != std::string::npos);
    }
    // The statement and the connection are usable again: no budget is left installed.
    CHECK(store.search("meeting 1999", 50).size() == 1);
    CHECK(store.count() == 2000);
}
