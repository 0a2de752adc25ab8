// Unit tests of daemon/hub: the per-subscriber policy. Each subscriber hears the topics it asked
// for, of the events it may see (system mode), in seq order; one that stops reading is held at
// its queue's bound and dropped after the stall timeout, without delaying the others. The real Hub
// over a real MessageLog, subscribed Sessions on socket pairs, clients reading the other ends.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "daemon/hub.hpp"
#include "daemon/message_log.hpp"
#include "daemon/session.hpp"
#include "daemon/sqlite.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/daemon/peer_reader.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

const Instant kNow = parse_instant("2025-01-15T10:00:00Z", "t");

PeerCred user(int64_t uid) {
    return PeerCred{uid, uid, uid, {}};
}

/// A started session of `peer` subscribed to `topics` from now on, and its client's reader.
struct Subscriber {
    Subscriber(test::Daemon& d, const PeerCred& peer, Topics topics)
        : connection(d.connect(peer)), reader(d.io(), connection.peer_fd) {
        connection.session->start();
        d.hub().subscribe(connection.session, topics, std::nullopt);
    }
    /// The methods of the notifications received so far, each with its seq.
    std::vector<std::string> heard() {
        std::vector<std::string> out;
        for (const auto& j : reader.read())
            out.push_back(j["method"].get<std::string>() + " " +
                          std::to_string(j["params"]["seq"].get<int64_t>()));
        return out;
    }
    test::Connection& connection;
    test::PeerReader reader;
};

/// Logs a message about an event of `owner` (committed), as the ledger does.
int64_t log_message(test::Daemon& d, const char* topic, int64_t owner, bool is_public,
                    const std::string& text = "x") {
    const char* method =
        std::string_view(topic) == kTopicReminders ? kMethodReminder : kMethodChange;
    return d.log().append(topic, method, owner, is_public, Json{{"text", text}}.dump(), kNow);
}

std::string heard(const char* method, int64_t seq) {
    return std::string(method) + " " + std::to_string(seq);
}

}  // namespace

TEST_CASE("hub: a subscriber hears the topics it asked for, in seq order", "[hub]") {
    test::TempDb db;
    test::Daemon d(db.path(), Settings{}, TimePoint(kNow));
    Subscriber reminders(d, user(1000), Topics{true, false});
    Subscriber changes(d, user(1000), Topics{false, true});
    Subscriber both(d, user(1000), Topics{true, true});
    int64_t change = log_message(d, kTopicChanges, 1000, false);
    int64_t reminder = log_message(d, kTopicReminders, 1000, false);
    d.hub().flush();
    CHECK(reminders.heard() == std::vector{heard("reminder", reminder)});
    CHECK(changes.heard() == std::vector{heard("change", change)});
    CHECK(both.heard() == std::vector{heard("change", change), heard("reminder", reminder)});
    // Each message once: a later flush sends nothing again.
    d.hub().flush();
    CHECK(both.heard().empty());
}

TEST_CASE("hub: in system mode a subscriber hears of its own and public events only", "[hub]") {
    test::TempDb db;
    Settings system;
    system.system_mode = true;
    test::Daemon d(db.path(), system, TimePoint(kNow));
    Subscriber alice(d, user(1001), Topics{true, true});
    Subscriber bob(d, user(1002), Topics{true, true});
    Subscriber root(d, user(0), Topics{true, true});
    int64_t alices = log_message(d, kTopicReminders, 1001, false);
    int64_t bobs = log_message(d, kTopicChanges, 1002, false);
    int64_t shared = log_message(d, kTopicReminders, 0, true);
    d.hub().flush();
    CHECK(alice.heard() == std::vector{heard("reminder", alices), heard("reminder", shared)});
    CHECK(bob.heard() == std::vector{heard("change", bobs), heard("reminder", shared)});
    CHECK(root.heard() ==
          std::vector{heard("reminder", alices), heard("change", bobs), heard("reminder", shared)});
}

TEST_CASE(
    "hub: a subscriber that stops reading is held at its bound, then dropped, while the "
    "others hear everything",
    "[hub]") {
    test::TempDb db;
    Settings small;
    small.max_queue_bytes = 64 * 1024;
    small.stall_timeout = 1s;
    test::Daemon d(db.path(), small, TimePoint(kNow));
    Subscriber slow(d, user(1000), Topics{true, true});
    Subscriber fast(d, user(1000), Topics{true, true});
    // Far more than the slow client's socket buffer and queue hold (about 200 KiB and 64 KiB).
    const size_t n = 800;
    {
        sql::Transaction tx(d.store().db());
        for (size_t i = 0; i < n; ++i)
            log_message(d, kTopicChanges, 1000, false,
                        std::string(1000, static_cast<char>('a' + i % 26)));
        tx.commit();
    }
    d.hub().flush();
    std::vector<std::string> got;
    for (int rounds = 0; got.size() < n && rounds < 1000; ++rounds)
        for (auto& h : fast.heard()) got.push_back(std::move(h));
    REQUIRE(got.size() == n);
    for (size_t i = 0; i < n; ++i) CHECK(got[i] == heard("change", static_cast<int64_t>(i + 1)));
    // The slow one is held at the bound, not dropped, until it has stalled for the timeout.
    const Session& held = *slow.connection.session;
    CHECK_FALSE(held.closed());
    CHECK(held.queued_bytes() >= small.max_queue_bytes / 2);
    CHECK(held.queued_bytes() <= small.max_queue_bytes);
    CHECK(d.hub().size() == 2);
    std::this_thread::sleep_for(1100ms);
    d.hub().flush();  // the next pass finds it stalled
    CHECK(held.closed());
    CHECK(d.hub().size() == 1);
    CHECK_FALSE(fast.connection.session->closed());
}
