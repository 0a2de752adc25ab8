#pragma once
/// The natural-language half of parse_when (core/when.cpp): words such as "Dec 20", "tomorrow
/// 9am", "3 days ago" read into a day, a time of day or an instant. Internal to core/when.

#include <optional>
#include <string>
#include <string_view>

#include "core/when.hpp"

namespace herald::when_detail {

/// What the words of a WHEN said: each part may be given once.
struct Parts {
    std::optional<date::local_days> day;    ///< a day (today, Dec 20, 12/20/2026, next monday)
    std::optional<Seconds> time;            ///< a time of day since midnight (9am, 14:30, 1430)
    std::optional<Instant> instant;         ///< a relative instant (+2h, 3 hours ago, now)
    std::optional<date::year_month> month;  ///< a whole month (December 2026, Dec)
};

/// Reads `text` (already trimmed) word by word; throws HeraldError(invalid_time) naming `field`.
Parts read_words(std::string_view text, const WhenContext& ctx, std::string_view field);

/// Throws the one-line "cannot read" error: the unreadable part, the whole text if different,
/// and the short list of forms.
[[noreturn]] void unreadable(std::string_view field, std::string_view text, std::string_view part);

/// "1430" alone: a time (14:30) when below 1900 and a valid HHMM; from 1900 on a year stays a year.
bool is_bare_hhmm(std::string_view text);

}  // namespace herald::when_detail
