#pragma once
/// systemd glue: socket activation and sd_notify messages. Harmless when not run by systemd.

#include <optional>
#include <string_view>

namespace herald::systemd {

/// The listening socket passed by systemd (sd_listen_fds), if any.
std::optional<int> activated_socket();
/// Sends a state string (READY=1, STATUS=..., STOPPING=1) to the service manager, if any.
void notify(std::string_view state);

}  // namespace herald::systemd
