#pragma once
/// The JSON of agenda occurrences (docs/protocol.md "agenda"): whole, or brief for listings.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/agenda.hpp"

namespace herald {

using Json = nlohmann::json;

/// The whole occurrence object: the event's JSON plus occurrence_start, occurrence_end,
/// occurrence_local and, for anniversary titles, the filled-in title and n.
Json occurrence_json(const Occurrence& occ);

/// Appends the brief occurrence object (what a listing shows) to `out` as JSON text: a few event
/// fields, the occurrence fields, and for a timed occurrence its wall time, zone abbreviation and
/// UTC offset in the event's zone (zone_*) and in `viewer` (viewer_*), so a client can print the
/// row without a time zone database. Written as text, not built as a document: listing a month of
/// a big calendar writes a thousand of these.
void append_brief_occurrence(std::string& out, const Occurrence& occ,
                             const date::time_zone* viewer);

/// Appends the viewer_* fields of a timed occurrence beginning at `begin` (each with its ','):
/// the part of a brief occurrence that depends on who lists it.
void append_viewer_wall(std::string& out, Instant begin, const date::time_zone* viewer);

/// A brief occurrence without the parts that depend on the viewer: its viewer_* fields, which
/// belong at `split`; or (`instants`) its occurrence_end and occurrence_start values, which belong
/// at `split` and `split2`.
struct BriefParts {
    std::string text;
    size_t split = 0;
    size_t split2 = 0;
    bool instants = false;
};
/// The parts of `occ` when nothing else of its brief text depends on the viewer: the occurrence
/// of an event that does not recur, zoned and timed, or all-day without a duration; nullopt
/// otherwise.
std::optional<BriefParts> brief_parts(const Occurrence& occ);
/// Appends the brief text of the occurrence of `parts` in [begin, end] for `viewer`: what
/// append_brief_occurrence writes for it.
void append_brief_parts(std::string& out, const BriefParts& parts, Instant begin, Instant end,
                        const date::time_zone* viewer);

}  // namespace herald
