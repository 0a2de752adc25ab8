#pragma once
/// Runtime settings of heraldd: paths, limits and mode, from defaults, config and command line.

#include <chrono>
#include <cstddef>
#include <string>

namespace herald {

/// Everything the daemon can be configured with (see config/heraldd.toml).
struct Settings {
    bool system_mode = false;
    std::string socket_path;
    std::string db_path;
    std::string config_path;
    std::string log_level = "info";
    size_t max_line = 1024 * 1024;           ///< bytes per request line
    size_t max_clients = 1024;               ///< concurrent connections
    std::chrono::seconds idle_timeout{300};  ///< for clients that are not subscribed
    size_t max_queue_bytes = 4 * 1024 * 1024;  ///< outgoing bytes queued per client
    size_t max_import_bytes = 256 * 1024 * 1024;  ///< one calendar.import, all chunks together
};

}  // namespace herald
