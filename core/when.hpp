#pragma once
/// User input for "when": ISO forms (and, in time, natural ones) resolved against a given "now".

#include <string>
#include <string_view>

#include "core/time.hpp"

namespace herald {

/// Everything parse_when needs besides the text: the moment and the zones.
struct WhenContext {
    Instant now{};                            ///< the moment the user typed the input
    const date::time_zone* viewer = nullptr;  ///< the user's zone: relative forms resolve here
    std::string event_tz;                     ///< zone for timed results (empty = viewer's zone)
};

/// Parses a WHEN argument into a calendar value; throws HeraldError(invalid_time) naming `field`,
/// the part it could not read and the accepted forms.
CalTime parse_when(std::string_view text, const WhenContext& ctx, std::string_view field = "when");

/// The accepted forms, for help and error texts.
std::string_view when_forms();

}  // namespace herald
