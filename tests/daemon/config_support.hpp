#pragma once
// Shared by the config unit tests: the message a config text is refused with.
#include <string>
#include <string_view>

#include "daemon/config.hpp"

namespace herald::test {

/// The ConfigError's message for `text`, or "no error" when it parses.
inline std::string config_error_of(std::string_view text) {
    try {
        parse_config(text, Settings{}, "t.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace herald::test
