#pragma once
/// ISO 8601 / RFC 5545 durations ("-P1D", "PT15M", "P1W", "PT1H30M").

#include <string>
#include <string_view>

#include "core/time.hpp"

namespace herald {

/// Parses a signed RFC 5545 duration into seconds (a day counts 86400 s);
/// throws HeraldError(invalid_params) naming `field` with the expected form.
Seconds parse_duration(std::string_view text, std::string_view field);

/// Parses a human duration ("15m", "1h30m", "2d", "1w", "90s") or an RFC 5545 one; throws
/// HeraldError(invalid_params) naming `field` with the accepted forms.
Seconds parse_human_duration(std::string_view text, std::string_view field);

/// Formats seconds as the shortest RFC 5545 duration ("-PT15M", "P1D", "PT0S").
std::string format_duration(Seconds d);

}  // namespace herald
