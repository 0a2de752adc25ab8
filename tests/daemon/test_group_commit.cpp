// Unit tests of daemon/group_commit and the savepoint nesting of sql::Transaction it relies on.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <asio/io_context.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/event_json.hpp"
#include "core/protocol.hpp"
#include "daemon/group_commit.hpp"
#include "daemon/store.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

using TempPath = herald::test::TempDb;

const Instant kNow = date::sys_days{date::year{2025} / 1 / 15};

Event event(const std::string& uid) {
    Event e =
        event_from_json(Json{{"uid", uid}, {"title", "meeting " + uid}, {"start", "2025-06-06"}});
    e.owner = 1000;
    validate(e);
    return e;
}

/// A request that adds `uid` and then succeeds or fails as told.
std::function<Reply()> add_request(Store& store, const std::string& uid, bool ok, int id) {
    return [&store, uid, ok, id] {
        store.add(event(uid), kNow);
        return Reply{encode_result(id, Json{{"uid", uid}}), id, ok};
    };
}

/// Collects delivered replies in order.
struct Inbox {
    std::vector<std::string> lines;
    ReplySink deliver() {
        return [this](std::string line) { lines.push_back(std::move(line)); };
    }
};

}  // namespace

TEST_CASE("a Transaction nests as a savepoint inside an open transaction", "[group][sqlite]") {
    TempPath tmp;
    Store store(tmp.path());
    sql::Transaction outer(store.db());
    {
        sql::Transaction inner(store.db());
        store.db().exec("PRAGMA user_version = 1");  // harmless statement inside the savepoint
        store.add(event("kept@test"), kNow);         // itself nested one level deeper
        inner.commit();
    }
    {
        sql::Transaction inner(store.db());
        store.add(event("dropped@test"), kNow);
    }  // rolled back: only this savepoint
    outer.commit();
    CHECK(store.get_by_uid("kept@test"));
    CHECK_FALSE(store.get_by_uid("dropped@test"));
    CHECK_FALSE(store.db().in_transaction());
}

TEST_CASE("group commit holds write replies until the batch commits", "[group]") {
    TempPath tmp;
    Store store(tmp.path());
    asio::io_context io;
    GroupCommit group(io.get_executor(), store.db());
    Inbox inbox;

    // A read with no batch open is answered at once.
    group.run([] { return Reply{"read\n", 1, true}; }, inbox.deliver());
    REQUIRE(inbox.lines.size() == 1);
    CHECK(inbox.lines[0] == "read\n");
    CHECK_FALSE(store.db().batch_open());
    inbox.lines.clear();

    group.run(add_request(store, "a@test", true, 2), inbox.deliver());
    group.run(add_request(store, "b@test", false, 3), inbox.deliver());
    group.run(add_request(store, "c@test", true, 4), inbox.deliver());
    // A read after a write in the same batch is held too: it may see uncommitted writes.
    group.run([] { return Reply{"late read\n", 5, true}; }, inbox.deliver());
    CHECK(store.db().batch_open());
    CHECK(inbox.lines.empty());

    // Nothing is visible to another connection before the commit.
    Store other(tmp.path());
    CHECK(other.count() == 0);

    io.run();  // the posted commit
    CHECK_FALSE(store.db().batch_open());
    CHECK(group.commits() == 1);
    REQUIRE(inbox.lines.size() == 4);
    CHECK(Json::parse(inbox.lines[0])["id"] == 2);
    CHECK(Json::parse(inbox.lines[1])["id"] == 3);
    CHECK(Json::parse(inbox.lines[2])["id"] == 4);
    CHECK(inbox.lines[3] == "late read\n");

    // The failed request's writes were rolled back; the others are durable and visible.
    CHECK(other.get_by_uid("a@test"));
    CHECK_FALSE(other.get_by_uid("b@test"));
    CHECK(other.get_by_uid("c@test"));
    CHECK(other.count() == 2);
}

TEST_CASE("a failed commit answers every held request with storage_error", "[group]") {
    TempPath tmp;
    Store store(tmp.path());
    // A deferred foreign key makes COMMIT itself fail, the way a full disk would.
    store.db().exec(
        "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
        "CREATE TABLE child(pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
    asio::io_context io;
    GroupCommit group(io.get_executor(), store.db());
    Inbox inbox;
    group.run(add_request(store, "a@test", true, 1), inbox.deliver());
    group.run(
        [&] {
            sql::Transaction tx(store.db());
            store.db().exec("INSERT INTO child(pid) VALUES (42)");
            tx.commit();
            return Reply{encode_result(2, true), 2, true};
        },
        inbox.deliver());
    CHECK(inbox.lines.empty());
    CHECK(group.failures() == 0);
    group.flush();
    CHECK(group.failures() == 1);
    REQUIRE(inbox.lines.size() == 2);
    for (const auto& line : inbox.lines) {
        Json j = Json::parse(line);
        CHECK(j["error"]["code"] == static_cast<int>(ErrorCode::storage_error));
    }
    CHECK(group.commits() == 0);
    CHECK_FALSE(store.db().in_transaction());
    CHECK(store.count() == 0);

    // The next batch works normally.
    group.run(add_request(store, "b@test", true, 3), inbox.deliver());
    group.flush();
    CHECK(store.count() == 1);
    CHECK(group.commits() == 1);
}

TEST_CASE("a write outside any request commits the open batch first and is durable by itself",
          "[group]") {
    TempPath tmp;
    Store store(tmp.path());
    asio::io_context io;
    GroupCommit group(io.get_executor(), store.db());
    Inbox inbox;
    group.run(add_request(store, "a@test", true, 1), inbox.deliver());
    REQUIRE(store.db().batch_open());
    REQUIRE(inbox.lines.empty());

    // The reminder timer writing while the batch is open (its commit is only posted).
    store.add(event("timer@test"), kNow);
    CHECK(inbox.lines.size() == 1);  // the batch was committed and its reply released first
    CHECK(group.commits() == 1);
    CHECK_FALSE(store.db().batch_open());
    CHECK_FALSE(store.db().in_transaction());
    // Both are durable now, seen by another connection without waiting for the posted commit.
    Store other(tmp.path());
    CHECK(other.get_by_uid("a@test"));
    CHECK(other.get_by_uid("timer@test"));
    io.run();  // the posted commit finds nothing left to do
    CHECK(group.commits() == 1);
    CHECK(inbox.lines.size() == 1);
}

TEST_CASE("after a batch of several writers the next one waits for as many, a lone writer never",
          "[group]") {
    TempPath tmp;
    Store store(tmp.path());
    asio::io_context io;
    // A long wait, so that a slow (sanitizer) build cannot run into it where it must not.
    const std::chrono::seconds wait{2};
    Inbox inbox;  // before the GroupCommit: its destructor may still deliver
    GroupCommit group(io.get_executor(), store.db(), wait);
    // Runs what is ready now (restart: a poll that ran out of work stops the io_context).
    auto poll = [&io] {
        io.restart();
        return io.poll();
    };
    int id = 1;
    auto add = [&](const std::string& uid) {
        group.run(add_request(store, uid, true, id++), inbox.deliver());
    };

    // A lone writer: its batch commits at the end of the loop turn, no timer involved.
    add("solo@test");
    CHECK(poll() > 0);
    CHECK(group.commits() == 1);
    REQUIRE(inbox.lines.size() == 1);

    // Three writers in one turn make one batch.
    add("a@test");
    add("b@test");
    add("c@test");
    poll();
    CHECK(group.commits() == 2);
    REQUIRE(inbox.lines.size() == 4);

    // The next batch waits for three: two are not enough within a turn...
    add("d@test");
    add("e@test");
    poll();
    CHECK(group.commits() == 2);
    CHECK(inbox.lines.size() == 4);
    CHECK(store.db().batch_open());
    // ...the third commits it at once (end of this turn), without waiting for the timer.
    add("f@test");
    auto t0 = std::chrono::steady_clock::now();
    poll();
    CHECK(group.commits() == 3);
    CHECK(inbox.lines.size() == 7);
    CHECK(std::chrono::steady_clock::now() - t0 < wait);

    // When the others do not come, the wait ends after `wait` and one commit is made.
    add("g@test");
    t0 = std::chrono::steady_clock::now();
    io.restart();
    io.run();
    CHECK(std::chrono::steady_clock::now() - t0 >= wait / 2);
    CHECK(group.commits() == 4);
    CHECK(inbox.lines.size() == 8);
    // That batch had one writer: the next commits at the end of its turn again.
    add("h@test");
    CHECK(poll() > 0);
    CHECK(group.commits() == 5);
    CHECK(Store(tmp.path()).count() == 9);
}

TEST_CASE("an add's text row waits for 64 adds, a search or the next start", "[group][search]") {
    TempPath tmp;
    auto text_rows = [](Store& s) { return s.db().query_int("SELECT count(*) FROM event_text"); };
    {
        Store store(tmp.path());
        asio::io_context io;
        GroupCommit group(io.get_executor(), store.db());
        Inbox inbox;
        auto run = [&](const std::function<Reply()>& request) {
            group.run(request, inbox.deliver());
            group.flush();
        };
        run(add_request(store, "a@test", true, 1));
        CHECK(store.count() == 1);
        CHECK(text_rows(store) == 0);
        // A search right after an add finds it: the pending rows are written first.
        std::vector<Event> found;
        run([&] {
            found = store.search("meeting", 10);
            return Reply{encode_result(2, true), 2, true};
        });
        REQUIRE(found.size() == 1);
        CHECK(found[0].uid == "a@test");
        CHECK(text_rows(store) == 1);
        // An edit of an event whose row is pending replaces the row (no second row for its id).
        run(add_request(store, "edited@test", true, 3));
        run([&] {
            Event e = *store.get_by_uid("edited@test");
            e.title = "renamed";
            store.update(e, e.revision, kNow);
            return Reply{encode_result(4, true), 4, true};
        });
        CHECK(text_rows(store) == 2);
        // The batch in which 64 rows are pending writes them all.
        for (int i = 0; i < 63; ++i)
            run(add_request(store, "b" + std::to_string(i) + "@test", true, 10 + i));
        CHECK(text_rows(store) == 2);
        run(add_request(store, "c@test", true, 99));
        CHECK(text_rows(store) == 66);
        CHECK(store.search("renamed", 10).size() == 1);
        CHECK(store.search("meeting", 100).size() == 65);
        run(add_request(store, "last@test", true, 100));
        CHECK(text_rows(store) == 66);  // left unwritten at the stop
    }
    Store reopened(tmp.path());
    CHECK(text_rows(reopened) == 67);
    auto last = reopened.search("last", 10);
    REQUIRE(last.size() == 1);
    CHECK(last[0].uid == "last@test");
}
