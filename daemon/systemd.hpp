#pragma once
/// systemd glue: socket activation and sd_notify messages. Harmless when not run by systemd.

#include <chrono>
#include <optional>
#include <string_view>

namespace herald::systemd {

/// The listening socket passed by systemd (sd_listen_fds), if any.
std::optional<int> activated_socket();
/// Sends a state string (READY=1, STATUS=..., STOPPING=1) to the service manager, if any.
void notify(std::string_view state);
/// True when a service manager listens for notifications ($NOTIFY_SOCKET is set).
bool supervised();
/// The watchdog interval the manager expects pings within (sd_watchdog_enabled), if enabled.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace herald::systemd
