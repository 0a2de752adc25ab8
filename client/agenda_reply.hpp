#pragma once
/// The brief agenda reply (`agenda` with brief: true) decoded for `herald list`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/connection.hpp"

namespace herald::client {

using Json = nlohmann::json;

/// Wall time of an occurrence in one zone, as the daemon computed it ("2022-12-24T14:40", "JST").
struct WallTime {
    std::string local;   ///< empty when the reply had none
    std::string abbrev;  ///< zone abbreviation
    int64_t offset = 0;  ///< UTC offset in seconds, east positive
};

/// One row of a brief agenda (docs/protocol.md "agenda").
struct ListedOccurrence {
    int64_t id = 0;
    std::string title, status, location, precision, start, end, tz, occurrence_local;
    bool all_day = false;
    WallTime zone;    ///< in the event's zone (timed events with a zone)
    WallTime viewer;  ///< in the viewer's zone (every timed event)
};

/// The brief agenda: the rows, and the imprecise and undated events whole.
struct ListedAgenda {
    std::string from, to, tz;
    int64_t total = 0;
    bool total_exact = true;  ///< false: the daemon stopped counting past the limit at its cap
    bool truncated = false;
    std::string next_cursor;  ///< where the next page starts; empty on the last page
    std::vector<ListedOccurrence> occurrences;
    Json imprecise = Json::array();
    Json undated = Json::array();
};

/// Decodes the result object of a brief agenda with simdjson (a month of a big calendar is
/// thousands of rows; an nlohmann document of them cost more than the rest of `herald list`).
/// Throws std::runtime_error when the text is not such an object.
ListedAgenda decode_listed_agenda(std::string result_json);

/// The whole agenda for `params` (no cursor): the first page and every page its `next_cursor`
/// leads to, merged (docs/protocol.md, "Limits"). Throws HeraldError (too_large) past the cap.
Json fetch_agenda(Connection& conn, Json params);

/// fetch_agenda() for the brief agenda (`params` has brief: true), decoded.
ListedAgenda fetch_listed_agenda(Connection& conn, Json params);

}  // namespace herald::client
