// Unit tests of daemon/alarm_store.cpp (the delivery ledger) on a real SQLite file, fixed instants.
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

const Instant kDue = parse_instant("2030-05-01T09:00:00Z", "t");
constexpr Seconds kWindow{24 * 3600};

}  // namespace

TEST_CASE("every snooze is checked by the ledger, all or none (the desktop's Snooze action too)",
          "[alarms]") {
    test::TempDb tmp;
    Store store(tmp.path());
    MessageLog log(store.db(), kDue - 3600s);
    AlarmStore alarms(store, log, utc);
    store.set_observer(&alarms);
    int64_t a = store.add(alarmed("a@test", kDue), kDue - 3600s).event.id;
    int64_t b = store.add(alarmed("b@test", kDue), kDue - 3600s).event.id;
    int64_t later = store.add(alarmed("c@test", kDue + 3600s), kDue - 3600s).event.id;
    alarms.fire_due(kDue, kDue, kWindow, false);
    auto entry_of = [&](int64_t event_id) {
        auto v = alarms.entries(event_id, kDue + 3600s, std::nullopt);
        REQUIRE(v.size() == 1);
        return v.front();
    };
    LedgerEntry fired_a = entry_of(a);
    LedgerEntry fired_b = entry_of(b);
    REQUIRE(fired_a.state == AlarmState::fired);
    auto pending = alarms.pending_of(later);
    REQUIRE(pending.size() == 1);

    // A pending entry among them: nothing is snoozed, not even the fired one.
    CHECK(test::error_of([&] {
              alarms.snooze({fired_a, pending.front()}, kDue + 600s, kDue);
          }).field() == "id");
    CHECK(alarms.entry(fired_a.id)->state == AlarmState::fired);
    // An instant not after now, and an acknowledged entry, are refused.
    CHECK(test::error_of([&] { alarms.snooze({fired_a}, kDue, kDue); }).code() ==
          ErrorCode::invalid_time);
    alarms.acknowledge(fired_b, kDue);
    CHECK_THROWS_WITH(alarms.snooze({*alarms.entry(fired_b.id)}, kDue + 600s, kDue),
                      Catch::Contains("acknowledged"));
    CHECK(alarms.entry(fired_b.id)->state == AlarmState::acknowledged);
    // A fired entry with a future instant is snoozed.
    auto done = alarms.snooze({fired_a}, kDue + 600s, kDue);
    REQUIRE(done.size() == 1);
    CHECK(done.front().state == AlarmState::snoozed);
    CHECK(alarms.entry(fired_a.id)->snooze_until == kDue + 600s);
}
