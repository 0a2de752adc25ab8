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
    std::chrono::seconds catchup_window{24 * 3600};  ///< late alarms younger than this are delivered, older missed
    std::string default_alarm;  ///< alarm for new events without alarms: a duration before start ("15m"); empty = none
    std::chrono::seconds stall_timeout{30};  ///< a subscriber whose queue does not drain this long is dropped
    std::string zone;           ///< zone for all-day and floating alarms; empty = $TZ or the system's
};

}  // namespace herald
