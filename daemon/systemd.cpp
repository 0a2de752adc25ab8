#include "daemon/systemd.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

#include <systemd/sd-daemon.h>

namespace herald::systemd {

std::optional<int> activated_socket() {
    int n = sd_listen_fds(1);
    if (n < 1) return std::nullopt;
    int fd = SD_LISTEN_FDS_START;
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) <= 0) return std::nullopt;
    return fd;
}

void notify(std::string_view state) {
    sd_notify(0, std::string(state).c_str());
}

bool supervised() {
    const char* s = std::getenv("NOTIFY_SOCKET");
    return s != nullptr && *s != '\0';
}

std::optional<std::chrono::microseconds> watchdog_interval() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(static_cast<int64_t>(usec));
}

}  // namespace herald::systemd
