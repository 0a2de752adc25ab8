#include "client/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/protocol.hpp"

namespace herald::client {

Connection::Connection(std::string path) : path_(std::move(path)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path) throw Unavailable("socket path too long: " + path_);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw Unavailable(std::string("cannot create a socket: ") + std::strerror(errno));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw Unavailable("heraldd is not running (" + path_ + ": " + std::strerror(err) +
                          "). Start it with 'heraldd &' or 'systemctl --user start heraldd', "
                          "or point --socket / HERALD_SOCKET at a running daemon.");
    }
}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
}

int64_t Connection::send(std::string_view method, const Json& params) {
    int64_t id = next_id_++;
    std::string line = encode_request(id, method, params);
    std::string_view rest = line;
    while (!rest.empty()) {
        ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Unavailable("heraldd closed the connection (" + path_ + ")");
        rest.remove_prefix(static_cast<size_t>(n));
    }
    return id;
}

std::optional<std::string> Connection::read_line(int timeout_ms) {
    for (;;) {
        if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        pollfd pfd{fd_, POLLIN, 0};
        int ready = ::poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) return std::nullopt;
        char chunk[65536];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Unavailable("heraldd closed the connection (" + path_ + ")");
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

std::optional<Json> Connection::read_message(int timeout_ms) {
    auto line = read_line(timeout_ms);
    if (!line) return std::nullopt;
    Json j = Json::parse(*line, nullptr, false);
    if (j.is_discarded()) throw Unavailable("heraldd sent a line that is not JSON");
    return j;
}

Json Connection::call(std::string_view method, const Json& params) {
    int64_t id = send(method, params);
    for (;;) {
        Json msg = *read_message(-1);
        if (!msg.contains("id")) continue;  // a notification for a subscriber
        if (msg.contains("error")) {
            const Json& err = msg["error"];
            std::string field = err.contains("data") && err["data"].contains("field")
                                    ? err["data"]["field"].get<std::string>()
                                    : "";
            if (msg["id"].is_null() || msg["id"] == id)
                throw RpcError(err.value("code", -32603), err.value("message", "unknown error"),
                               field);
        }
        if (msg["id"] == id) return std::move(msg["result"]);  // a long agenda is not copied
    }
}

}  // namespace herald::client
