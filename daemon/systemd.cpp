#include "daemon/systemd.hpp"

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

void notify(std::string_view state) { sd_notify(0, std::string(state).c_str()); }

}  // namespace herald::systemd
