#pragma once
/// Anniversary titles: `{n}` and `{ordinal}` in a title count the whole years since the event's
/// first occurrence ("{ordinal} anniversary" on 2022-01-26 of a 1992-01-26 event → "30th
/// anniversary").

#include <optional>
#include <string>

#include "core/time.hpp"

namespace herald {

/// A title with its placeholders filled in for one occurrence.
struct ExpandedTitle {
    std::string title;
    std::optional<int> n;  ///< set when the title had a placeholder
};

/// True when `title` contains `{n}`, `{ordinal}` or a `{first:…}` founding form.
bool has_anniversary_placeholder(const std::string& title);

/// Whole years from `first` to `occurrence` (calendar dates; 0 on the first occurrence itself).
int years_between(const CalTime& first, const CalTime& occurrence);

/// English ordinal of n: 0th, 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 112th.
std::string ordinal(int n);

/// Fills `{n}` and `{ordinal}` in `title` for the occurrence starting at `occurrence`.
/// Policy: the first occurrence itself is year 0, so the count is never shifted and `n` in JSON
/// always equals the years elapsed. A founding date is not an anniversary: when the title holds
/// `{first:TEXT}`, year 0 shows TEXT alone and later years drop the `{first:…}` part; without
/// it, year 0 shows "0"/"0th".
ExpandedTitle expand_title(const std::string& title, const CalTime& first,
                           const CalTime& occurrence);

}  // namespace herald
