#pragma once
/// herald watch: its options and the printing every mode shares; the desktop and command modes
/// (watch_desktop.cpp, watch_exec.cpp) run on an Asio loop (watch_loop.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include "client/cli.hpp"
#include "client/watch_exec.hpp"

namespace herald::client {

/// The options of `herald watch`.
struct WatchOptions {
    std::vector<std::string> topics{"reminders"};
    int64_t since = -1;
    int64_t count = 0;
    bool changes = false;
    bool desktop = false;            ///< --desktop: raise freedesktop notifications
    std::string snooze = "10m";      ///< --snooze: what the Snooze action postpones by
    std::string urgency = "normal";  ///< --urgency: low, normal or critical
    ExecOptions exec;                ///< --exec and its options
};

/// Prints one pushed message as `herald watch` does (a line per reminder, or JSON with --json).
void print_message(Cli& cli, const std::string& method, const Json& params);

/// `herald watch --desktop`: notifications on the user's session bus, answers through the socket.
Exit run_watch_desktop(Cli& cli, const WatchOptions& o);

/// `herald watch --exec CMD`: CMD for each reminder, acknowledged once it exited 0.
Exit run_watch_exec(Cli& cli, const WatchOptions& o);

}  // namespace herald::client
