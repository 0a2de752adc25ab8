#pragma once
/// Reading events back as the store keeps them: the JSON object to_json writes, bookkeeping
/// fields included.

#include <string_view>

#include "core/event.hpp"

namespace herald {

/// Decodes a stored event (to_json(e).dump()) with simdjson's On Demand parser, id, revision,
/// owner, created and updated included; equal to what event_from_json reads from the same text.
/// Why a second reader: a month of a big calendar decodes a thousand stored events per listing,
/// and building an nlohmann document for each first was most of the listing's time.
/// Keys left out keep their defaults (the store's listing rows hold a subset of the keys).
/// Throws HeraldError(storage_error) when the text is not such an object.
Event event_from_stored(std::string_view json);

}  // namespace herald
