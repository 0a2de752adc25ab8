#pragma once
/// The subscription of `herald watch --desktop` / `--exec` on an Asio loop: the socket is
/// watched next to the session bus and child processes, reconnects with `since` when heraldd
/// restarts (nothing lost or shown twice), and requests (alarm.ack, alarm.snooze) go over the
/// same connection without waiting, their replies handed to a callback.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "client/connection.hpp"

namespace herald::client {

/// A subscription that survives daemon restarts, driven by an io_context.
class WatchLoop {
  public:
    /// A pushed message: its method ("reminder", "digest", "change") and params (with `seq`).
    using MessageHandler = std::function<void(const std::string& method, const Json& params)>;
    /// A request's outcome: the result, or an error text (the daemon's, or the connection lost).
    using ReplyHandler = std::function<void(const Json* result, const std::string& error)>;

    /// Subscribes to `topics` at `socket` once run; `since` >= 0 replays what came after it.
    WatchLoop(asio::io_context& io, std::string socket, std::vector<std::string> topics,
              int64_t since);
    ~WatchLoop();
    WatchLoop(const WatchLoop&) = delete;
    WatchLoop& operator=(const WatchLoop&) = delete;

    /// Where pushed messages go, each once, in `seq` order.
    void on_message(MessageHandler h) { on_message_ = std::move(h); }
    /// Connects (retrying every 0.5 s while heraldd is down) and starts reading.
    void start();
    /// Sends a request on the subscription; `done` gets the reply (or the loss of the connection).
    void request(const std::string& method, const Json& params, ReplyHandler done);

  private:
    void connect();
    void disconnect(const std::string& why);
    void wait_readable();
    void drain();
    void dispatch(const Json& msg);

    asio::io_context& io_;
    std::string socket_;
    std::vector<std::string> topics_;
    int64_t last_;
    std::unique_ptr<Connection> conn_;
    asio::posix::stream_descriptor fd_;
    asio::steady_timer retry_;
    std::map<int64_t, ReplyHandler> pending_;  ///< request id -> its reply handler
    MessageHandler on_message_;
    bool told_ = false;  ///< the daemon's absence was reported (once per outage)
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace herald::client
