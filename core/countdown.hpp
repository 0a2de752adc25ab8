#pragma once
/// "How long until": days to an occurrence and the countdown text (next_occurrence: agenda.hpp).

#include <optional>
#include <string>

#include "core/agenda.hpp"

namespace herald {

/// Whole calendar days from `now`'s date to the occurrence's date, both in `viewer`.
int64_t days_until(const Occurrence& occ, Instant now, const date::time_zone* viewer);

/// "Kyrgyzstan National Day at EXPO 2025: 196 days, Friday 2025-06-06" ("today", "tomorrow",
/// "1 day" likewise); the title has its anniversary placeholders filled in.
std::string countdown_text(const Occurrence& occ, Instant now, const date::time_zone* viewer);

}  // namespace herald
