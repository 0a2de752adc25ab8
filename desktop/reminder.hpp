#pragma once
/// What a reminder looks like on the desktop and what the user's answers to it mean: one rule
/// for heraldd's own sink and for `herald watch --desktop`, built from the protocol's `reminder`
/// and `digest` params (docs/protocol.md), so both show the same text and act the same way.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace herald {

/// One reminder as the desktop shows it.
struct DesktopReminder {
    std::string key;  ///< identifies the occurrence's alarm; a reminder with the same key
                      ///< replaces its notification (a snoozed reminder re-fires in place)
    int64_t event_id = 0;
    std::string occurrence;  ///< the occurrence's start, as the protocol writes it
    std::string title;       ///< the summary
    std::string when_event;  ///< "Sat 2022-12-24 14:40 JST" (in the event's zone)
    std::string when_local;  ///< "11:40 +06" (the viewer's zone), empty when the same offset
    std::string where;       ///< location, may be empty
    std::string alarm;       ///< "15 min before", "at start", ...
    std::string urgency;     ///< low, normal, critical; empty = the notifier's default
};

/// The notification body: when (event zone and local), where and which alarm, one per line.
std::string desktop_body(const DesktopReminder& r);

/// The notification of one `reminder` message's params; times are shown in `viewer`.
DesktopReminder desktop_reminder(const nlohmann::json& params, const date::time_zone* viewer);

/// The one notification of a `digest` message (logged as `seq`): a count and the titles.
DesktopReminder desktop_digest(const nlohmann::json& params, int64_t seq);

/// What the user's answer to a notification does to the reminder's ledger entry.
enum class DesktopAnswer { none, acknowledge, snooze };

/// The rule both sinks follow for an ActionInvoked action key.
DesktopAnswer desktop_answer(const std::string& action);

/// The rule for NotificationClosed with `reason` (1 expired, 2 dismissed by the user, 3 closed
/// by a call, 4 other); `answered` when an action was invoked on it first.
DesktopAnswer desktop_closed_answer(uint32_t reason, bool answered);

/// The ledger id of a reminder's key ("alarm-12" -> 12); nullopt for a digest's key.
std::optional<int64_t> desktop_alarm_id(const std::string& key);

}  // namespace herald
