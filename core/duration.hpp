#pragma once
/// ISO 8601 / RFC 5545 durations ("-P1D", "PT15M", "P1W", "PT1H30M") as written: a nominal part
/// (weeks, days: the same wall time that many days later) and an exact part (hours, minutes,
/// seconds), applied by the rules of RFC 5545 §3.3.6.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace herald {

/// A signed RFC 5545 duration keeping its nominal and exact parts apart ("P1D" is not "PT24H").
struct Duration {
    Duration() = default;
    /// An exact duration of `d` (negative when `d` is). Implicit: a length of time is exact.
    template <class Rep, class Period>
    Duration(std::chrono::duration<Rep, Period> d)  // NOLINT(google-explicit-constructor)
        : negative(d.count() < 0),
          exact(std::chrono::duration_cast<Seconds>(d.count() < 0 ? -d : d)) {}

    bool negative = false;  ///< the whole duration counts backwards ("-P1D")
    int64_t weeks = 0;      ///< nominal weeks (RFC 5545 writes a week alone: "P2W")
    int64_t days = 0;       ///< nominal days
    Seconds exact{0};       ///< hours, minutes and seconds: elapsed time

    bool operator==(const Duration&) const = default;
    /// True when every part is zero.
    bool zero() const { return weeks == 0 && days == 0 && exact.count() == 0; }
    /// True when the duration has a nominal (week or day) part.
    bool nominal() const { return weeks != 0 || days != 0; }
};

/// The same duration counted the other way ("P1D" -> "-P1D").
Duration negated(Duration d);

/// The length in seconds with a nominal day counted as 86400 s: for bounds and for settings that
/// are not tied to a calendar (snooze, catch-up window); never for a due instant.
Seconds approx_seconds(const Duration& d);

/// `anchor` moved by `d` per RFC 5545 §3.3.6: the nominal part moves the wall time in `zone` by
/// whole days (resolved by resolve_local: the first of a repeated time, forward across a gap),
/// then the exact part adds elapsed seconds.
Instant add_duration(Instant anchor, const Duration& d, const date::time_zone* zone);

/// Parses a signed RFC 5545 duration, keeping nominal and exact parts; throws
/// HeraldError(invalid_params) naming `field` with the expected form.
Duration parse_duration(std::string_view text, std::string_view field);

/// Parses a human duration ("15m", "1h30m", "2d", "1w", "24h", "90s") or an RFC 5545 one for a
/// calendar use (event length, reminder offset): d and w are nominal, h, m and s exact. Throws
/// HeraldError(invalid_params) naming `field` with the accepted forms.
Duration parse_calendar_duration(std::string_view text, std::string_view field);

/// The same forms as a plain length of time (snooze, catch-up window: a day is 86400 s); throws
/// like parse_calendar_duration.
Seconds parse_human_duration(std::string_view text, std::string_view field);

/// The RFC 5545 text of `d` ("-PT15M", "P1D", "PT24H", "P2W", "PT0S"); the exact part is written
/// in H, M and S, so "PT90M" comes back as "PT1H30M" (the same exact length).
std::string format_duration(const Duration& d);

}  // namespace herald
