#pragma once
/// Where the socket, database and config live, from the environment systemd or the session gives.
/// Pure: the environment is passed in as a lookup function.

#include <functional>
#include <optional>
#include <string>

namespace herald {

/// Looks up an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment as an EnvLookup.
EnvLookup process_env();

/// Paths the daemon uses in one mode.
struct Paths {
    std::string socket;
    std::string database;
    std::string config;
};

/// Default paths: $RUNTIME_DIRECTORY/$STATE_DIRECTORY/$CONFIGURATION_DIRECTORY first (systemd),
/// then XDG (user mode) or /run, /var/lib, /etc (system mode).
Paths default_paths(bool system_mode, const EnvLookup& env, unsigned uid);

}  // namespace herald
