#pragma once
/// heraldd.toml: parsing and validation into Settings (pure: a string in, Settings out), and
/// loading the file from its path. Every key is documented in config/heraldd.toml.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "daemon/settings.hpp"

namespace herald {

/// An invalid configuration: syntax error, wrong type or bad value. The message names the source,
/// line and key ("heraldd.toml:12: server.max_clients: expected an integer >= 1").
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A command-line value outside what heraldd.toml allows for the same key. The message names the
/// flag ("--max-line: expected an integer between 256 and ...").
class FlagError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Inclusive range of an integer setting: one table for heraldd.toml and the command line, so a
/// value refused in the file is refused as a flag too.
struct Bounds {
    int64_t min;
    int64_t max;
};

/// Largest byte count a size setting accepts (1 TiB).
inline constexpr int64_t kMaxSettingBytes = int64_t{1} << 40;
/// server.max_line / --max-line: below 256 bytes no request fits.
inline constexpr Bounds kMaxLineBounds{256, kMaxSettingBytes};
/// server.max_clients / --max-clients: 0 would refuse everyone.
inline constexpr Bounds kMaxClientsBounds{1, 1000000};
/// server.max_queue_bytes / --max-queue: 0 would drop every client at its first reply.
inline constexpr Bounds kMaxQueueBounds{4096, kMaxSettingBytes};
/// server.max_import_bytes / --max-import.
inline constexpr Bounds kMaxImportBounds{1024, kMaxSettingBytes};
/// server.stall_timeout / --stall-timeout, in seconds.
inline constexpr Bounds kStallTimeoutBounds{1, 86400};

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

/// A command-line flag's value and the config key it overrides.
struct FlagValue {
    std::string flag;                          ///< "--max-line"
    std::string key;                           ///< "server.max_line"
    std::variant<int64_t, std::string> value;  ///< as given on the command line
};

/// Applies command-line values on top of `settings` through the same table (types, ranges,
/// checks) as heraldd.toml, in order. Throws FlagError naming the flag.
void apply_flags(Settings& settings, const std::vector<FlagValue>& flags);

/// Why the file at `path` may not hold a secret (missing, not a regular file, not owned by the
/// effective user, readable by group or others), or "" when it may.
std::string secret_file_problem(const std::string& path);

/// Every documented key as "section.key", in the order of config/heraldd.toml.
std::vector<std::string> config_keys();

/// Options that take effect only at start (socket, database, mode): a reload that changes them
/// keeps the running values and says so in the returned messages.
std::vector<std::string> restart_only_changes(const Settings& running, const Settings& loaded);

/// Applies a reloaded configuration to the running settings: everything except the restart-only
/// options and the command-line-only mode. Returns the restart-only keys that differ (kept as is).
std::vector<std::string> apply_reload(Settings& running, const Settings& loaded);

}  // namespace herald
