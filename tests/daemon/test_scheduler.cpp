// Unit tests of daemon/scheduler: the one reminder timer is re-armed to the next change. The real
// Scheduler, AlarmStore and Hub over a real SQLite file; "now" is the fixture's clock, at fixed
// instants. Those instants are in the real past, so an armed timerfd expires as soon as the loop
// runs: a test that runs the loop sees what a wake-up at (or after) the armed instant does.
#include <catch2/catch.hpp>

#include <chrono>

#include "daemon/alarm_store.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/alarm_support.hpp"
#include "tests/daemon/daemon_fixture.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;
using herald::test::alarmed;

namespace {

const Instant kNow = parse_instant("2025-01-15T10:00:00Z", "t");
constexpr std::chrono::milliseconds kLead = kFireLead;

/// When the timer must wake for an alarm due at `due`: a lead before it, to stage its firing.
TimePoint wake_for(Instant due) {
    return TimePoint(due) - kLead;
}

/// A daemon at kNow with its reminder timer started.
struct Started {
    test::TempDb db;
    test::Daemon daemon{db.path(), Settings{}, TimePoint(kNow)};
    Started() { daemon.scheduler().start(); }
    /// Stores an event with one alarm at `due`, as a request would, and re-arms as serve() does.
    int64_t add(const std::string& uid, Instant due) {
        int64_t id = daemon.store().add(alarmed(uid, due), kNow).event.id;
        daemon.scheduler().rearm_if_changed();
        return id;
    }
    /// Removes event `id` and re-arms.
    void remove(int64_t id) {
        daemon.store().remove(id, std::nullopt, kNow);
        daemon.scheduler().rearm_if_changed();
    }
    std::optional<TimePoint> armed() { return daemon.scheduler().armed_for(); }
};

}  // namespace

TEST_CASE("scheduler: with nothing due no timer is armed", "[scheduler]") {
    Started s;
    CHECK_FALSE(s.armed());
    CHECK(s.daemon.scheduler().status_text() == "no alarm due");
    // An event without alarms leaves it so.
    s.daemon.store().add(event_from_json(Json{{"title", "note"}, {"start", "2025-02-01"}}), kNow);
    s.daemon.scheduler().rearm_if_changed();
    CHECK_FALSE(s.armed());
}

TEST_CASE("scheduler: an add earlier than the armed instant re-arms for it", "[scheduler]") {
    Started s;
    s.add("later@t", kNow + 2h);
    REQUIRE(s.armed() == wake_for(kNow + 2h));
    s.add("earlier@t", kNow + 1h);
    CHECK(s.armed() == wake_for(kNow + 1h));
    CHECK(s.daemon.scheduler().status_text() == "next alarm 2025-01-15T11:00:00Z");
    // One after the armed instant changes nothing.
    s.add("last@t", kNow + 3h);
    CHECK(s.armed() == wake_for(kNow + 1h));
}

TEST_CASE("scheduler: removing the armed alarm re-arms for the next one, then for none",
          "[scheduler]") {
    Started s;
    int64_t first = s.add("first@t", kNow + 1h);
    int64_t second = s.add("second@t", kNow + 2h);
    REQUIRE(s.armed() == wake_for(kNow + 1h));
    s.remove(first);
    CHECK(s.armed() == wake_for(kNow + 2h));
    s.remove(second);
    CHECK_FALSE(s.armed());
    CHECK(s.daemon.scheduler().status_text() == "no alarm due");
}

TEST_CASE("scheduler: a past-due alarm fires at once when the timer wakes", "[scheduler]") {
    Started s;
    int64_t id = s.add("due@t", kNow + 1h);
    REQUIRE(s.armed() == wake_for(kNow + 1h));
    int64_t before = s.daemon.log().last_seq();
    // The loop was held up (a suspend, a long request) until half a minute past the due instant.
    s.daemon.set_now(TimePoint(kNow + 1h + 30s));
    REQUIRE(s.daemon.io().run_one_for(5s) == 1);  // the timerfd's expiry: one wake-up
    auto msgs = s.daemon.log().messages_after(before, 10);
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].method == "reminder");
    CHECK(msgs[0].params()["event_id"] == id);
    CHECK(msgs[0].params()["due"] == format_instant(kNow + 1h));
    CHECK(s.daemon.hub().pushed() == msgs[0].seq);  // published, not held for later
    CHECK(s.daemon.alarms().pending_of(id).empty());
    CHECK_FALSE(s.armed());  // nothing left to wait for
}

TEST_CASE("scheduler: an alarm already past at start fires in the catch-up", "[scheduler]") {
    test::TempDb db;
    test::Daemon d(db.path(), Settings{}, TimePoint(kNow));
    int64_t id = d.store().add(alarmed("missed-start@t", kNow + 1h), kNow).event.id;
    d.set_now(TimePoint(kNow + 3h));  // the daemon was down over the due instant
    int64_t before = d.log().last_seq();
    d.scheduler().start();
    auto msgs = d.log().messages_after(before, 10);
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].method == "reminder");
    CHECK(msgs[0].params()["event_id"] == id);
    CHECK_FALSE(d.scheduler().armed_for());
}

TEST_CASE("scheduler: a staged reminder arms the timer for its due instant, then the next alarm",
          "[scheduler]") {
    Started s;
    int64_t id = s.add("staged@t", kNow + 1h);
    s.add("next@t", kNow + 2h);
    REQUIRE(s.armed() == wake_for(kNow + 1h));
    // The wake-up a lead before the instant stages the reminder: committed, not yet visible.
    s.daemon.set_now(wake_for(kNow + 1h));
    REQUIRE(s.daemon.io().run_one_for(5s) == 1);
    int64_t staged = s.daemon.log().last_seq();
    REQUIRE(s.daemon.log().messages_after(staged - 1, 1).at(0).params()["event_id"] == id);
    CHECK(s.daemon.hub().pushed() < staged);
    CHECK(s.armed() == TimePoint(kNow + 1h));  // its instant, before the next alarm's wake-up
    // At the instant it is published from memory, and the timer moves on to the next alarm.
    s.daemon.set_now(TimePoint(kNow + 1h));
    REQUIRE(s.daemon.io().run_one_for(5s) == 1);
    CHECK(s.daemon.hub().pushed() == staged);
    CHECK(s.armed() == wake_for(kNow + 2h));
}
