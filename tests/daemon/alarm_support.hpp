#pragma once
/// Helpers of the daemon's alarm unit tests (ledger, staging): events with one absolute alarm.

#include <chrono>
#include <string>

#include "core/event_json.hpp"
#include "core/time.hpp"

namespace herald::test {

/// The UTC zone, for AlarmStore's all-day alarms.
inline const date::time_zone* utc() {
    return date::locate_zone("UTC");
}

/// An event of owner 1000 that starts an hour after `due`, with one absolute alarm at `due`.
inline Event alarmed(const std::string& uid, Instant due) {
    using namespace std::chrono_literals;
    Event e = event_from_json(Json{{"uid", uid},
                                   {"title", "meeting " + uid},
                                   {"start", format_instant(due + 3600s)},
                                   {"alarms", Json::array({Json{{"at", format_instant(due)}}})}});
    e.owner = 1000;
    validate(e);
    return e;
}

}  // namespace herald::test
