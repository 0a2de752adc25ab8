// Unit tests of pre-staged firing (daemon/alarm_fire.cpp, MessageLog::visible_through) on a real
// SQLite file, with fixed instants.
#include <catch2/catch.hpp>

#include <chrono>

#include "core/event_json.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/alarm_support.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;
using herald::test::alarmed;
using herald::test::utc;

namespace {

const Instant kDue = parse_instant("2040-03-01T09:00:00Z", "t");
// When each AlarmStore is opened: an hour before the first alarm is due.
const Instant kOpened = kDue - 3600s;
constexpr std::chrono::milliseconds kLead{250};
constexpr Seconds kWindow{24 * 3600};

Event plain(const std::string& uid) {
    Event e =
        event_from_json(Json{{"uid", uid}, {"title", "note " + uid}, {"start", "2040-03-02"}});
    e.owner = 1000;
    validate(e);
    return e;
}

TimePoint at(Instant t, std::chrono::milliseconds plus = 0ms) {
    return TimePoint(t.time_since_epoch()) + plus;
}

}  // namespace

TEST_CASE("a pass within the lead stages the reminder: fired now, visible at its due instant",
          "[alarms][staging]") {
    test::TempDb tmp;
    Store store(tmp.path());
    MessageLog log(store.db(), kOpened);
    AlarmStore alarms(store, log, utc);
    store.set_observer(&alarms);
    store.add(alarmed("a@test", kDue), kDue - 3600s);
    int64_t before = log.last_seq();  // the "added" change message

    // Nothing is staged before the horizon reaches the due instant.
    FireReport early = alarms.fire_due(kDue - 2s, kDue - 1s, kWindow, false);
    CHECK(early.delivered == 0);
    CHECK(log.last_seq() == before);

    // The pass at 08:59:59.75 (floor 08:59:59, horizon floor(09:00:00.00)) stages it.
    FireReport r = alarms.fire_due(kDue - 1s, kDue, kWindow, false);
    CHECK(r.delivered == 1);
    CHECK(r.staged == 1);
    CHECK_FALSE(store.db().in_transaction());  // committed
    int64_t seq = log.last_seq();
    REQUIRE(seq == before + 1);
    CHECK(alarms.pending_of(1).empty());  // no longer pending: fired ahead of time
    auto msgs = log.messages_after(before, 10);
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].method == "reminder");
    CHECK(msgs[0].params()["fired_at"] == format_instant(kDue));
    CHECK(msgs[0].params()["due"] == format_instant(kDue));
    auto fired = alarms.entry(msgs[0].params()["id"].get<int64_t>());
    REQUIRE(fired);
    CHECK(fired->state == AlarmState::fired);
    CHECK(fired->seq == seq);
    CHECK(fired->fired_at == kDue);

    // Hidden until the due instant, to the nanosecond; then visible, and forgotten.
    CHECK(log.next_visible() == kDue);
    CHECK(log.visible_through(seq, at(kDue, -1ms), kLead) == before);
    CHECK(log.visible_through(seq, at(kDue) - 1ns, kLead) == before);
    CHECK(log.visible_through(seq, at(kDue), kLead) == seq);
    CHECK_FALSE(log.next_visible());

    // A second pass finds nothing more to fire for it.
    CHECK(alarms.fire_due(kDue, kDue + 1s, kWindow, false).delivered == 0);
}

TEST_CASE("a message logged during the lead waits for the staged reminder before it",
          "[alarms][staging]") {
    test::TempDb tmp;
    Store store(tmp.path());
    MessageLog log(store.db(), kOpened);
    AlarmStore alarms(store, log, utc);
    store.set_observer(&alarms);
    store.add(alarmed("a@test", kDue), kDue - 3600s);
    int64_t before = log.last_seq();
    alarms.fire_due(kDue - 1s, kDue, kWindow, false);
    int64_t staged = log.last_seq();
    store.add(plain("b@test"), kDue - 1s);  // its change message comes after the staged one
    int64_t change = log.last_seq();
    REQUIRE(change == staged + 1);
    CHECK(log.visible_through(change, at(kDue, -100ms), kLead) == before);
    // Only committed messages count: a caller that knows fewer committed gets no more.
    CHECK(log.visible_through(before, at(kDue, -100ms), kLead) == before);
    CHECK(log.visible_through(change, at(kDue), kLead) == change);
}

TEST_CASE("a late pass fires at once and staged messages survive a restart", "[alarms][staging]") {
    test::TempDb tmp;
    int64_t staged_seq = 0;
    {
        Store store(tmp.path());
        MessageLog log(store.db(), kOpened);
        AlarmStore alarms(store, log, utc);
        store.set_observer(&alarms);
        store.add(alarmed("late@test", kDue - 10s), kDue - 3600s);
        store.add(alarmed("ahead@test", kDue), kDue - 3600s);
        // A pass 10 s after the first alarm was due: that one fires now, the other is staged.
        FireReport r = alarms.fire_due(kDue - 1s, kDue, kWindow, false);
        CHECK(r.delivered == 2);
        CHECK(r.staged == 1);
        auto msgs = log.messages_after(2, 10);
        REQUIRE(msgs.size() == 2);
        CHECK(msgs[0].params()["title"] == "meeting late@test");
        CHECK(msgs[0].params()["fired_at"] == format_instant(kDue - 1s));
        CHECK(msgs[1].params()["fired_at"] == format_instant(kDue));
        staged_seq = msgs[1].seq;
        CHECK(log.visible_through(staged_seq, at(kDue, -200ms), kLead) == staged_seq - 1);
    }
    // A daemon killed before the due instant: the reopened store still holds it back.
    Store store(tmp.path());
    MessageLog log(store.db(), kOpened);
    AlarmStore alarms(store, log, utc);
    CHECK(log.next_visible() == kDue);
    CHECK(log.visible_through(staged_seq, at(kDue, -200ms), kLead) == staged_seq - 1);
    CHECK(log.visible_through(staged_seq, at(kDue), kLead) == staged_seq);
}

TEST_CASE("a staged message further ahead than the lead is released (clock set back)",
          "[alarms][staging]") {
    test::TempDb tmp;
    Store store(tmp.path());
    MessageLog log(store.db(), kOpened);
    AlarmStore alarms(store, log, utc);
    store.set_observer(&alarms);
    store.add(alarmed("a@test", kDue), kDue - 3600s);
    alarms.fire_due(kDue - 1s, kDue, kWindow, false);
    int64_t seq = log.last_seq();
    // The wall clock went back an hour: holding the whole log for an hour would be worse.
    CHECK(log.visible_through(seq, at(kDue - 3600s), kLead) == seq);
    CHECK_FALSE(log.next_visible());
}

TEST_CASE("an expiring snooze is staged like an alarm", "[alarms][staging]") {
    test::TempDb tmp;
    Store store(tmp.path());
    MessageLog log(store.db(), kOpened);
    AlarmStore alarms(store, log, utc);
    store.set_observer(&alarms);
    store.add(alarmed("a@test", kDue), kDue - 3600s);
    alarms.fire_due(kDue, kDue, kWindow, false);  // no lead: fires at its instant
    auto msgs = log.messages_after(1, 10);
    REQUIRE(msgs.size() == 1);
    auto entry = alarms.entry(msgs[0].params()["id"].get<int64_t>());
    REQUIRE(entry);
    alarms.snooze({*entry}, kDue + 600s, kDue);
    CHECK(alarms.next_wake() == kDue + 600s);
    FireReport r = alarms.fire_due(kDue + 599s, kDue + 600s, kWindow, false);
    CHECK(r.staged == 1);
    auto again = log.messages_after(msgs[0].seq, 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].params()["snoozed"] == true);
    CHECK(again[0].params()["fired_at"] == format_instant(kDue + 600s));
    CHECK(log.next_visible() == kDue + 600s);
    CHECK(alarms.entry(entry->id)->state == AlarmState::fired);
}
