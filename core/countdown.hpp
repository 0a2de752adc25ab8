#pragma once
/// "How long until": the next occurrence of an event after a given now, and the countdown text.

#include <optional>
#include <string>

#include "core/agenda.hpp"

namespace herald {

/// The first occurrence of `e` that has not ended at `now` (an instant event: not before `now`);
/// nullopt when there is none up to 9999-12-31 or the event has no exact date.
std::optional<Occurrence> next_occurrence(const Event& e, Instant now,
                                          const date::time_zone* viewer);

/// Whole calendar days from `now`'s date to the occurrence's date, both in `viewer`.
int64_t days_until(const Occurrence& occ, Instant now, const date::time_zone* viewer);

/// "Kyrgyzstan National Day at EXPO 2025: 196 days, Friday 2025-06-06" ("today", "tomorrow",
/// "1 day" likewise); the title has its anniversary placeholders filled in.
std::string countdown_text(const Occurrence& occ, Instant now, const date::time_zone* viewer);

}  // namespace herald
