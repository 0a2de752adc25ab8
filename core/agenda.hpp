#pragma once
/// Which events fall in a time window, in what order: the logic behind `agenda` and `herald list`.

#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"

namespace herald {

/// What the caller asked for: a window, a viewer zone, filters and a page.
struct AgendaQuery {
    Instant from{};
    Instant to{};
    const date::time_zone* viewer = nullptr;  ///< zone for floating and all-day events
    std::string text;                         ///< case-insensitive substring filter
    std::string category;                     ///< exact category filter
    std::string calendar;                     ///< synced calendar filter (exact name)
    std::optional<Status> status;             ///< status filter
    size_t limit = 0;                         ///< 0 = no limit
    size_t offset = 0;
    bool include_undated = true;
};

/// One instance of an event in the window.
struct Occurrence {
    const Event* event = nullptr;
    Instant begin{};  ///< first instant of the occurrence
    Instant end{};    ///< end instant (== begin for an instant event)
    CalTime start;    ///< the occurrence's start as a calendar value in the event's zone
};

/// The answer: dated occurrences sorted by start, imprecise events overlapping the window, undated
/// ones.
struct Agenda {
    std::vector<Occurrence> dated;
    std::vector<const Event*> imprecise;  ///< year/month precision overlapping the window
    std::vector<const Event*> undated;
    size_t total = 0;        ///< dated occurrences before paging
    bool truncated = false;  ///< more dated occurrences exist after this page
};

/// True when `e` passes the query's text/category/status filters.
bool matches_filters(const Event& e, const AgendaQuery& q);

/// The occurrences of one event that overlap [from, to).
std::vector<Occurrence> occurrences_in(const Event& e, Instant from, Instant to,
                                       const date::time_zone* viewer);

/// The first occurrence of `e` that has not ended at `now` (an instant event: not before `now`);
/// nullopt when there is none up to 9999-12-31 or the event has no exact date.
std::optional<Occurrence> next_occurrence(const Event& e, Instant now,
                                          const date::time_zone* viewer);

/// Builds the agenda from candidate events (any superset of those in the window).
Agenda build_agenda(const std::vector<Event>& candidates, const AgendaQuery& q);
/// The same from pointers to the candidates (each at most once), which the answer points into.
Agenda build_agenda(const std::vector<const Event*>& candidates, const AgendaQuery& q);

}  // namespace herald
