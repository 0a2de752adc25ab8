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
    /// The directory Herald owns for the socket in user mode ($XDG_RUNTIME_DIR/herald or
    /// /tmp/herald-<uid>); empty in system mode and under systemd's $RUNTIME_DIRECTORY.
    std::string private_runtime_dir;
    std::string database;
    std::string config;
};

/// Default paths: $RUNTIME_DIRECTORY/$STATE_DIRECTORY/$CONFIGURATION_DIRECTORY first (systemd),
/// then XDG (user mode) or /run, /var/lib, /etc (system mode).
Paths default_paths(bool system_mode, const EnvLookup& env, unsigned uid);

/// Why `dir` may not hold `uid`'s socket, or empty when it may: it must be owned by `uid` and
/// closed to group and others (0700), since whoever controls it can receive the user's requests.
/// Pure: `owner` and `mode` are what stat(2) reported for it.
std::string private_dir_problem(const std::string& dir, unsigned uid, unsigned owner,
                                unsigned mode);

/// Whether a daemon running as `peer_uid` may be sent `uid`'s requests: one of the user's own or
/// root's (the system daemon). Anyone else listening on the path is an impostor.
bool trusted_peer(unsigned uid, unsigned peer_uid);

}  // namespace herald
