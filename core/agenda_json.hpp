#pragma once
/// The JSON of agenda occurrences (docs/protocol.md "agenda"): whole, or brief for listings.

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

}  // namespace herald
