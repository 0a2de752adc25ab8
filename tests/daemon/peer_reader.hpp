#pragma once
/// The client's end of a test session: reads the lines the daemon wrote, running the daemon's loop
/// meanwhile (the session's writer runs there).

#include <sys/socket.h>

#include <string>
#include <vector>

#include <asio.hpp>
#include <nlohmann/json.hpp>

namespace herald::test {

/// Reads JSON lines from the peer's end of a socket pair.
class PeerReader {
  public:
    /// Reads from `fd`, running `io` between reads.
    PeerReader(asio::io_context& io, int fd) : io_(io), fd_(fd) {}

    /// Every complete line that arrives until the loop has nothing left to do and nothing more
    /// can be read; a partial line is kept for the next call.
    std::vector<nlohmann::json> read() {
        std::vector<nlohmann::json> out;
        for (int quiet = 0; quiet < 3;) {
            if (io_.stopped()) io_.restart();
            size_t ran = io_.poll();
            char chunk[64 * 1024];
            ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n > 0) buf_.append(chunk, static_cast<size_t>(n));
            quiet = n > 0 || ran > 0 ? 0 : quiet + 1;
        }
        for (size_t end; (end = buf_.find('\n')) != std::string::npos; buf_.erase(0, end + 1))
            out.push_back(nlohmann::json::parse(buf_.substr(0, end)));
        return out;
    }

  private:
    asio::io_context& io_;
    int fd_;
    std::string buf_;
};

}  // namespace herald::test
