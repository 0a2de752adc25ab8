#pragma once
/// heraldd.toml: parsing and validation into Settings (pure: a string in, Settings out), and
/// loading the file from its path. Every key is documented in config/heraldd.toml.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/settings.hpp"

namespace herald {

/// An invalid configuration: syntax error, wrong type or bad value. The message names the source,
/// line and key ("heraldd.toml:12: server.max_clients: expected an integer >= 1").
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Result of parsing: the settings and the warnings (unknown keys, with their line).
struct ConfigResult {
    Settings settings;
    std::vector<std::string> warnings;
};

/// Parses TOML `text` on top of `base`; `source` names the file in messages. Throws ConfigError.
ConfigResult parse_config(std::string_view text, const Settings& base,
                          std::string_view source = "heraldd.toml");

/// Reads and parses the file at `path` on top of `base`. A missing file yields `base` unless
/// `required` (given with --config). Throws ConfigError.
ConfigResult load_config(const std::string& path, const Settings& base, bool required);

/// Every documented key as "section.key", in the order of config/heraldd.toml.
std::vector<std::string> config_keys();

/// Options that take effect only at start (socket, database, mode): a reload that changes them
/// keeps the running values and says so in the returned messages.
std::vector<std::string> restart_only_changes(const Settings& running, const Settings& loaded);

/// Applies a reloaded configuration to the running settings: everything except the restart-only
/// options and the command-line-only mode. Returns the restart-only keys that differ (kept as is).
std::vector<std::string> apply_reload(Settings& running, const Settings& loaded);

}  // namespace herald
