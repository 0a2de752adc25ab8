#pragma once
/// Durations and alarm offsets as people write them ("30 min", "1 day before"), never as
/// RFC 5545 text ("PT30M", "-P1D"): one wording for the client's output and the desktop's
/// notifications.

#include <string>

#include "core/duration.hpp"

namespace herald {

/// "1 day 2 h 30 min": the parts of `d`, largest first, without its sign ("0 min" when zero).
std::string humane_duration(const Duration& d);

/// An alarm trigger relative to the start (or the end, `related_end`): "2 h before", "at
/// start", "10 min before the end", "1 day after start".
std::string humane_trigger(const Duration& trigger, bool related_end);

/// An alarm due at `due` for an occurrence at `occurrence`, rounded to the minute (an alarm 1 s
/// short of 2 h says "2 h before", not "119 min"; whole days as days): "2 h before", "1 day
/// before", "at start", "5 min after start".
std::string humane_offset(Instant due, Instant occurrence);

}  // namespace herald
