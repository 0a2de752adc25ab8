// Unit tests of daemon/authz: the one rule of who may see and change what, the store's filtered
// queries agreeing with it, and event ids that are never reused (also across the migration of a
// schema-4 database).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/event_json.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/sqlite.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/support.hpp"

using namespace herald;

namespace {

using herald::test::error_of;
using herald::test::TempDb;

const Instant kNow = date::sys_days{date::year{2025} / 1 / 15};

constexpr int64_t kAdminGid = 4000;
constexpr int64_t kAlice = 1001, kBob = 1002, kAdmin = 1003;
// Enough of Bob's private matches that ranking them all takes some 45 ms in a Debug build, while
// a search by another user over them takes 3 ms (the prefix doclists are still merged).
constexpr int kBobsSecrets = 20000;

Settings system_settings() {
    Settings s;
    s.system_mode = true;
    s.admin_group = "herald-adm";
    s.admin_gid = kAdminGid;
    s.max_events_per_user = 3;
    return s;
}

Event event(const std::string& uid, int64_t owner, Visibility v, const std::string& title) {
    Event e = event_from_json(Json{{"uid", uid}, {"title", title}, {"start", "2030-05-01"}});
    e.owner = owner;
    e.visibility = v;
    validate(e);
    return e;
}

std::set<std::string> uids(const std::vector<Event>& events) {
    std::set<std::string> out;
    for (const auto& e : events) out.insert(e.uid + "/" + std::to_string(e.owner));
    return out;
}

}  // namespace

TEST_CASE("authz: who sees and changes what") {
    Settings sys = system_settings();
    Settings user;  // user mode: the socket admits only its owner
    Caller alice = caller_of(sys, PeerCred{1, kAlice, kAlice, {}});
    Caller admin = caller_of(sys, PeerCred{1, kAdmin, kAdmin, {kAdminGid}});
    Caller root = caller_of(sys, PeerCred{1, 0, 0, {}});
    Caller owner = caller_of(user, PeerCred{1, kAlice, kAlice, {}});
    CHECK_FALSE(alice.admin);
    CHECK(admin.admin);
    CHECK(caller_of(sys, PeerCred{1, kAdmin, kAdminGid, {}}).admin);  // primary group counts
    CHECK(root.admin);
    CHECK(owner.admin);

    // Own private, another's private, another's public.
    CHECK(may_see(alice, kAlice, false));
    CHECK_FALSE(may_see(alice, kBob, false));
    CHECK(may_see(alice, kBob, true));
    CHECK_FALSE(may_see(admin, kBob, false));  // the admin group publishes; it does not read all
    CHECK(may_see(root, kBob, false));
    CHECK(may_see(owner, kBob, false));

    CHECK(may_change(alice, kAlice, false) == Access::allowed);
    CHECK(may_change(alice, kBob, false) == Access::hidden);
    CHECK(may_change(alice, kBob, true) == Access::denied);
    CHECK(may_change(alice, kAlice, true) == Access::denied);  // own, but public
    CHECK(may_change(admin, kBob, true) == Access::allowed);
    CHECK(may_change(admin, kBob, false) == Access::hidden);
    CHECK(may_change(root, kBob, false) == Access::allowed);
    CHECK(may_change(owner, kBob, true) == Access::allowed);

    CHECK(may_act_on_alarm(alice, kAlice, false) == Access::allowed);
    CHECK(may_act_on_alarm(alice, kBob, false) == Access::hidden);
    CHECK(may_act_on_alarm(admin, kBob, true) == Access::denied);  // shared by everyone
    CHECK(may_act_on_alarm(root, kBob, false) == Access::allowed);

    CHECK_FALSE(may_publish(alice));
    CHECK(may_publish(admin));
    CHECK(has_quota(alice));
    CHECK(has_quota(admin));
    CHECK_FALSE(has_quota(root));
    CHECK_FALSE(has_quota(owner));
    CHECK(view_scope(alice) == kAlice);
    CHECK_FALSE(view_scope(root));
    CHECK_FALSE(view_scope(owner));
}

TEST_CASE("authz: require_write is the rule of add, update and each imported component") {
    TempDb db;
    test::Daemon daemon(db.path(), system_settings(), TimePoint(kNow));
    Store& store = daemon.store();
    Context alice = daemon.context(PeerCred{1, kAlice, kAlice, {}});
    Context admin = daemon.context(PeerCred{1, kAdmin, kAdmin, {kAdminGid}});
    Event mine = store.add(event("d@a", kAlice, Visibility::private_, "diary"), kNow).event;
    Event bobs = store.add(event("b@b", kBob, Visibility::private_, "bob"), kNow).event;

    Event pub = event("p@a", kAlice, Visibility::public_, "URGENT");
    auto err = error_of([&] { require_write(alice, pub, nullptr, 0); });
    CHECK(err.code() == ErrorCode::permission_denied);
    CHECK(std::string(err.what()).find("herald-adm") != std::string::npos);
    // Making one's own private event public is publishing too.
    Event published = mine;
    published.visibility = Visibility::public_;
    CHECK(error_of([&] { require_write(alice, published, &mine, 0); }).code() ==
          ErrorCode::permission_denied);
    CHECK_NOTHROW(require_write(admin, pub, nullptr, 0));
    // Another's private event does not exist for the caller.
    CHECK(error_of([&] { require_write(alice, bobs, &bobs, 0); }).code() == ErrorCode::not_found);
    // The quota counts new events only.
    CHECK_NOTHROW(
        require_write(alice, event("n@a", kAlice, Visibility::private_, "n"), nullptr, 2));
    err = error_of(
        [&] { require_write(alice, event("n@a", kAlice, Visibility::private_, "n"), nullptr, 3); });
    CHECK(err.code() == ErrorCode::too_large);
    CHECK(std::string(err.what()).find("max_events_per_user") != std::string::npos);
    CHECK_NOTHROW(require_write(alice, mine, &mine, 3));
    CHECK(owned_count(alice) == 1);
}

TEST_CASE("authz: the store's filtered queries agree with may_see, before their limit") {
    TempDb db;
    Store store(db.path());
    // Other users' better matches first (ranked higher: the word twice), the caller's last.
    for (int i = 0; i < 20; ++i)
        store.add(event("r" + std::to_string(i) + "@x", kBob, Visibility::private_,
                        "meeting meeting " + std::to_string(i)),
                  kNow);
    store.add(event("pub@x", kAdmin, Visibility::public_, "meeting for all"), kNow);
    store.add(event("mine@x", kAlice, Visibility::private_, "meeting of alice"), kNow);
    // The same uid under two owners: uids are per owner.
    store.add(event("same@x", kBob, Visibility::private_, "bob's same"), kNow);
    store.add(event("same@x", kAlice, Visibility::private_, "alice's same"), kNow);

    Settings sys = system_settings();
    for (const PeerCred& peer : {PeerCred{1, kAlice, kAlice, {}}, PeerCred{1, kBob, kBob, {}},
                                 PeerCred{1, kAdmin, kAdmin, {kAdminGid}}, PeerCred{1, 0, 0, {}}}) {
        Caller c = caller_of(sys, peer);
        INFO("uid " << c.uid);
        std::vector<Event> expected = store.search("meeting", 1000);
        std::erase_if(expected, [&](const Event& e) {
            return !may_see(c, e.owner, e.visibility == Visibility::public_);
        });
        CHECK(uids(store.search("meeting", 1000, view_scope(c))) == uids(expected));
        CHECK(store.search("meeting", 2, view_scope(c)).size() ==
              std::min<size_t>(2, expected.size()));
        // By uid: the caller's own first, never one they may not see.
        auto same = store.get_by_uid("same@x", view_scope(c));
        if (c.uid == kAlice || c.uid == kBob) CHECK((same && same->owner == c.uid));
        if (c.uid == kAdmin) CHECK_FALSE(same);
        if (same) CHECK(may_see(c, same->owner, false));
    }
    CHECK(uids(store.search("meeting", 2, kAlice)) ==
          std::set<std::string>{"mine@x/1001", "pub@x/1003"});
    CHECK_FALSE(store.get_by_uid("r1@x", kAlice));
    CHECK(store.get_owned(kAlice, "same@x")->title == "alice's same");
}

TEST_CASE("store: an event id is never given again") {
    TempDb db;
    std::vector<int64_t> ids;
    {
        Store store(db.path());
        for (int i = 0; i < 3; ++i)
            ids.push_back(
                store
                    .add(event("e" + std::to_string(i) + "@x", kAlice, Visibility::private_, "e"),
                         kNow)
                    .event.id);
        store.remove(ids.back(), std::nullopt, kNow);  // the highest
        CHECK(store.add(event("f@x", kAlice, Visibility::private_, "f"), kNow).event.id == 4);
        store.remove(4, std::nullopt, kNow);
    }
    Store reopened(db.path());
    CHECK(reopened.add(event("g@x", kAlice, Visibility::private_, "g"), kNow).event.id == 5);
    // Imports take ids the same way.
    sql::Transaction tx(reopened.db());
    reopened.upsert(event("h@x", kAlice, Visibility::private_, "h"), kNow,
                    [](const Event&, const Event*) {});
    tx.commit();
    CHECK(reopened.get_owned(kAlice, "h@x")->id == 6);
}

TEST_CASE("store: migrating a schema-4 database keeps ids above every id still named") {
    TempDb db;
    {
        // The released schema 4 (migrations 1-4 of store.cpp) with event 1 stored, event 7 removed
        // (its ledger row left behind, as schema 4 did) and event 9 named by the log only.
        sql::Db raw(db.path());
        raw.exec(R"sql(
CREATE TABLE events (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, owner INTEGER NOT NULL,
    visibility TEXT NOT NULL, precision TEXT NOT NULL, revision INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX events_precision ON events(precision);
CREATE VIRTUAL TABLE event_spans USING rtree(id, lo, hi);
CREATE VIRTUAL TABLE event_text USING fts5(title, description, location, source, categories,
                                          tokenize = 'unicode61 remove_diacritics 2');
)sql");
        raw.exec(schema_migration(1));
        raw.exec(R"sql(
CREATE VIRTUAL TABLE instance_spans USING rtree(id, lo, hi);
CREATE TABLE index_horizon (id INTEGER PRIMARY KEY CHECK (id = 1), lo INTEGER NOT NULL,
    hi INTEGER NOT NULL);
)sql");
        raw.exec(schema_migration(3));
        Event kept = event("kept@x", kAlice, Visibility::private_, "kept");
        kept.id = 1;
        kept.revision = 1;
        raw.exec("INSERT INTO events VALUES(1, 'kept@x', 1001, 'private', 'day', 1, '" +
                 to_json(kept).dump() + "')");
        raw.exec(
            "INSERT INTO alarm_ledger(event_id, occurrence, alarm_index, due, state, owner, "
            "public, title) VALUES(7, 0, 0, 0, 'snoozed', 1001, 0, 'gone')");
        raw.exec(
            "INSERT INTO messages(topic, method, owner, public, params, created) "
            "VALUES('changes', 'change', 1001, 0, '{\"event_id\":9,\"kind\":\"removed\"}', 0)");
        raw.exec("PRAGMA user_version=4; PRAGMA application_id=" + std::to_string(kApplicationId));
    }
    Store store(db.path());
    CHECK(store.schema_version() == kSchemaVersion);
    CHECK(store.get(1)->uid == "kept@x");
    CHECK(store.db().query_int("SELECT count(*) FROM alarm_ledger") == 0);  // retired with event 7
    CHECK(store.add(event("new@x", kBob, Visibility::private_, "new"), kNow).event.id == 10);
    // The uid of another owner is free: uids are per owner.
    CHECK(store.add(event("kept@x", kBob, Visibility::private_, "bob's"), kNow).created);
}

TEST_CASE("store: a search's work and answer depend only on what its viewer may see",
          "[search][budget]") {
    TempDb db;
    Store store(db.path());
    for (int i = 0; i < 5; ++i)
        store.add(event("a" + std::to_string(i) + "@x", kAlice, Visibility::private_,
                        "secret plan " + std::to_string(i)),
                  kNow);
    store.add(event("pub@x", kAdmin, Visibility::public_, "secret santa for all"), kNow);
    {
        // Bob's private matches: ranking them all takes far more than the budget below.
        sql::Transaction tx(store.db());
        for (int i = 0; i < kBobsSecrets; ++i)
            store.upsert(event("b" + std::to_string(i) + "@x", kBob, Visibility::private_,
                               "secret " + std::to_string(i)),
                         kNow, [](const Event&, const Event*) {});
        tx.commit();
    }
    const auto budget = std::chrono::milliseconds{20};
    // Alice's search answers, with her own and the public matches only.
    CHECK(uids(store.search("secret", 50, kAlice, SIZE_MAX, budget)) ==
          std::set<std::string>{"a0@x/1001", "a1@x/1001", "a2@x/1001", "a3@x/1001", "a4@x/1001",
                                "pub@x/1003"});
    // A word of the scope column ("u1002", "public") finds nothing: words match the text only.
    CHECK(store.search("u1002", 50, kAlice).empty());
    CHECK(store.search("public", 50).empty());
    // Bob's own search over all his matches is still refused, naming the query.
    auto err = error_of([&] { store.search("secret", 50, kBob, SIZE_MAX, budget); });
    CHECK(err.code() == ErrorCode::too_large);
    CHECK(err.field() == "query");
    // A visibility change moves the event into Alice's scope.
    Event shared = *store.get_owned(kBob, "b7@x");
    shared.visibility = Visibility::public_;
    store.update(shared, shared.revision, kNow);
    CHECK(uids(store.search("secret 7", 50, kAlice)) == std::set<std::string>{"b7@x/1002"});
}

TEST_CASE("store: migrating a schema-8 database gives every text row its scope",
          "[search][schema]") {
    TempDb db;
    {
        // Schema 8 as Store wrote it: each event's text row without a scope.
        sql::Db raw(db.path());
        for (int64_t v = 0; v < 8; ++v) raw.exec(schema_migration(v));
        int64_t id = 0;
        for (auto e : {event("mine@x", kAlice, Visibility::private_, "budget review"),
                       event("bobs@x", kBob, Visibility::private_, "budget cuts"),
                       event("all@x", kAdmin, Visibility::public_, "budget talk")}) {
            e.id = ++id;
            e.revision = 1;
            e.created = e.updated = kNow;
            e.categories = {"finance", "q3"};
            sql::Statement ins(raw, "INSERT INTO events VALUES(?,?,?,?,?,?,?)");
            ins.bind(1, e.id)
                .bind(2, e.uid)
                .bind(3, e.owner)
                .bind(4, to_string(e.visibility))
                .bind(5, to_string(e.start.precision))
                .bind(6, e.revision)
                .bind(7, to_json(e).dump())
                .run();
            sql::Statement text(raw,
                                "INSERT INTO event_text(rowid, title, description, location, "
                                "source, categories) VALUES(?, ?, '', '', '', 'finance q3')");
            text.bind(1, e.id).bind(2, e.title).run();
        }
        raw.exec("PRAGMA user_version=8; PRAGMA application_id=" + std::to_string(kApplicationId));
    }
    Store store(db.path());
    CHECK(store.schema_version() == kSchemaVersion);
    CHECK(uids(store.search("budget", 10, kAlice)) ==
          std::set<std::string>{"mine@x/1001", "all@x/1003"});
    CHECK(uids(store.search("budget", 10, kBob)) ==
          std::set<std::string>{"bobs@x/1002", "all@x/1003"});
    CHECK(store.search("budget", 10).size() == 3);
    // The categories were copied as Store writes them: each a word.
    CHECK(store.search("q3 finance", 10, kAlice).size() == 2);
    // New rows are written with their scope like the migrated ones.
    store.add(event("new@x", kAlice, Visibility::private_, "budget plan"), kNow);
    CHECK(store.search("budget", 10, kAlice).size() == 3);
    CHECK(store.search("budget", 10, kBob).size() == 2);
}
