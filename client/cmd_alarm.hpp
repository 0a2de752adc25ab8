#pragma once
/// herald ack / snooze / next / missed: the snooze request and the time texts watch shares.

#include <cstdint>
#include <string>
#include <vector>

#include "client/cli.hpp"

namespace herald::client {

/// An instant as the viewer reads it: "Sat 2025-06-07 09:00 JST".
std::string local_time_text(const std::string& instant_text, const date::time_zone* viewer);

/// WHEN as an instant; it must name a day or a time (not a month or a year).
Instant when_instant(Cli& cli, const std::string& text, const char* field, bool upcoming = true);

/// The alarm.snooze params of `herald snooze ID REST...` (REST: a duration, or until WHEN).
Json snooze_request(Cli& cli, int64_t id, const std::vector<std::string>& rest);

}  // namespace herald::client
