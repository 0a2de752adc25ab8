#pragma once
/// JSON form of events (docs/protocol.md "Event object").

#include <nlohmann/json.hpp>

#include "core/event.hpp"

namespace herald {

using Json = nlohmann::json;

/// The full JSON object of an event, with derived fields (precision, all_day).
Json to_json(const Event& e);

/// Reads an event from JSON sent by a client; unknown keys and wrong types are errors naming the
/// key; read-only keys (id, revision, owner, created, updated, precision, all_day) are ignored.
/// Does not validate() the result.
Event event_from_json(const Json& j);

/// Applies a partial update (`changes` keys replace the event's; null clears) and returns the
/// result.
Event apply_changes(const Event& base, const Json& changes);

/// Reads a calendar value from its string form ("2023", "2025-06-06", "2022-12-24T14:40") and a
/// zone.
CalTime caltime_from_string(std::string_view text, std::string_view tz, std::string_view field);

/// Reads an alarm object ({"trigger":"-PT15M","related":"start"} or {"at":"...Z"}).
Alarm alarm_from_json(const Json& j, std::string_view field);
/// The JSON object of an alarm.
Json to_json(const Alarm& a);

}  // namespace herald
