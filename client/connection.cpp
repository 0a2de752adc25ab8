#include "client/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <simdjson.h>

#include "core/errors.hpp"
#include "core/paths.hpp"
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
    check_peer();
}

void Connection::check_peer() {
    // Why before sending anything: whoever listens on the path gets the request, and another user
    // may have bound it (a /tmp/herald-<uid> they created first).
    ucred cred{};
    socklen_t len = sizeof cred;
    const bool known = ::getsockopt(fd_, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0;
    if (known && trusted_peer(::getuid(), cred.uid)) return;
    ::close(fd_);
    fd_ = -1;
    throw HeraldError(ErrorCode::permission_denied,
                      known ? path_ + " is served by uid " + std::to_string(cred.uid) +
                                  ", neither you nor root; nothing was sent. Remove its "
                                  "directory (or set XDG_RUNTIME_DIR) and start your heraldd"
                            : path_ + ": cannot tell who serves it (SO_PEERCRED failed: " +
                                  std::strerror(errno) + "); nothing was sent");
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
        if (auto nl = buffer_.find('\n', scanned_); nl != std::string::npos) {
            scanned_ = 0;
            if (nl + 1 == buffer_.size()) {  // the usual case, one whole line: hand it over
                std::string line = std::move(buffer_);
                line.pop_back();
                buffer_.clear();
                return line;
            }
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        scanned_ = buffer_.size();
        pollfd pfd{fd_, POLLIN, 0};
        int ready = ::poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) return std::nullopt;
        // Straight into the buffer, which grows geometrically: a long reply is copied once.
        const size_t used = buffer_.size();
        if (buffer_.capacity() - used < kMinRead)
            buffer_.reserve(std::max(2 * buffer_.capacity(), used + kMinRead));
        buffer_.resize(buffer_.capacity());
        ssize_t n = ::recv(fd_, buffer_.data() + used, buffer_.size() - used, 0);
        buffer_.resize(used + static_cast<size_t>(std::max<ssize_t>(n, 0)));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Unavailable("heraldd closed the connection (" + path_ + ")");
    }
}

std::optional<Json> Connection::read_message(int timeout_ms) {
    auto line = read_line(timeout_ms);
    if (!line) return std::nullopt;
    Json j = Json::parse(*line, nullptr, false);
    if (j.is_discarded()) throw Unavailable("heraldd sent a line that is not JSON");
    return j;
}

namespace {

[[noreturn]] void throw_rpc_error(const Json& err) {
    std::string field = err.contains("data") && err["data"].contains("field")
                            ? err["data"]["field"].get<std::string>()
                            : "";
    // The wire carries the code as a number; one the client does not know stays that number.
    throw HeraldError(static_cast<ErrorCode>(err.value("code", -32603)),
                      err.value("message", "unknown error"), field, ErrorOrigin::daemon);
}

}  // namespace

Json Connection::call(std::string_view method, const Json& params) {
    int64_t id = send(method, params);
    for (;;) {
        Json msg = *read_message(-1);
        if (!msg.contains("id")) continue;  // a notification for a subscriber
        if (msg.contains("error") && (msg["id"].is_null() || msg["id"] == id))
            throw_rpc_error(msg["error"]);
        if (msg["id"] == id) return std::move(msg["result"]);  // a long agenda is not copied
    }
}

std::string Connection::call_encoded(std::string_view method, const Json& params) {
    namespace od = simdjson::ondemand;
    int64_t id = send(method, params);
    od::parser parser;
    for (;;) {
        std::string line = *read_line(-1);
        line.reserve(line.size() + simdjson::SIMDJSON_PADDING);  // what simdjson reads past the end
        bool has_id = false, ours = false;
        std::string error;
        std::string_view result;
        try {
            od::document doc = parser.iterate(line.data(), line.size(), line.capacity());
            for (auto field : doc.get_object()) {
                std::string_view key = field.unescaped_key();  // before value(): read in order
                od::value v = field.value();
                if (key == "id") {
                    has_id = true;
                    ours =
                        v.is_null() || (v.type() == od::json_type::number && v.get_int64() == id);
                } else if (key == "error") {
                    od::object object = v.get_object();
                    error = std::string(std::string_view(object.raw_json()));
                } else if (key == "result") {
                    od::json_type type = v.type();
                    if (type == od::json_type::object) {
                        od::object object = v.get_object();
                        result = object.raw_json();
                    } else if (type == od::json_type::array) {
                        od::array array = v.get_array();
                        result = array.raw_json();
                    } else {
                        result = v.raw_json_token();
                    }
                }
            }
        } catch (const simdjson::simdjson_error&) {
            throw Unavailable("heraldd sent a line that is not JSON");
        }
        if (!has_id || !ours) continue;  // a notification, or a reply to an earlier request
        if (!error.empty()) throw_rpc_error(Json::parse(error));
        // The result in place of the line: a long agenda is not copied again.
        const size_t begin = static_cast<size_t>(result.data() - line.data());
        const size_t length = result.size();
        line.erase(0, begin);
        line.resize(length);
        return line;
    }
}

}  // namespace herald::client
