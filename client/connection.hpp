#pragma once
/// A blocking client connection to heraldd speaking line-delimited JSON-RPC.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace herald::client {

using Json = nlohmann::json;

/// The daemon is not reachable (no socket, refused, or it hung up).
class Unavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// One connection; requests are answered in order.
class Connection {
  public:
    /// Connects to the socket at `path`; throws Unavailable with advice when it cannot.
    explicit Connection(std::string path);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Sends a request and waits for its result; server notifications in between are skipped.
    /// An error reply is thrown as a HeraldError of origin daemon.
    Json call(std::string_view method, const Json& params = Json::object());
    /// call() returning the result as JSON text, for results too long to build as a document.
    /// The text has spare capacity after it, as simdjson wants.
    std::string call_encoded(std::string_view method, const Json& params);
    /// Reads the next message (a notification or reply); nullopt on timeout. -1 waits forever.
    std::optional<Json> read_message(int timeout_ms);
    /// The socket, for a caller that waits on it with others (herald watch --desktop); bytes
    /// already buffered are read by read_message(0) first.
    int fd() const { return fd_; }
    /// Sends a request without waiting; returns its id.
    int64_t send(std::string_view method, const Json& params);

  private:
    /// Refuses (HeraldError permission_denied) a daemon running as neither this uid nor root.
    void check_peer();
    std::optional<std::string> read_line(int timeout_ms);

    std::string path_;
    int fd_ = -1;
    static constexpr size_t kMinRead = 64 * 1024;  ///< free buffer space asked of each recv
    std::string buffer_;
    size_t scanned_ = 0;  ///< bytes of buffer_ known to hold no newline
    int64_t next_id_ = 1;
};

}  // namespace herald::client
