#pragma once
/// One client connection: a reader and a writer coroutine on the io_context thread, a bounded
/// outgoing queue, and an idle timeout for clients that are not subscribed.

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <asio.hpp>

#include "core/protocol.hpp"
#include "daemon/context.hpp"

namespace herald {

class Server;

/// A connected client.
class Session : public std::enable_shared_from_this<Session> {
  public:
    /// Wraps an accepted socket; `peer` comes from SO_PEERCRED.
    Session(asio::local::stream_protocol::socket socket, Server& server, PeerCred peer);
    /// Starts the reader, writer and idle coroutines.
    void start();
    /// Queues one line to send; a client whose queue exceeds the limit is dropped.
    void send(std::string line);
    /// Closes the connection; idempotent.
    void close(std::string_view why = {});
    /// The peer's credentials.
    const PeerCred& peer() const { return peer_; }
    /// Marks the session as subscribed (exempt from the idle timeout).
    void set_subscribed(bool on) {
        subscribed_ = on;
        idle_timer_.cancel();  // the idle watch re-evaluates: a subscriber has no deadline
    }
    /// Re-evaluates timeouts after a configuration reload.
    void settings_changed() { idle_timer_.cancel(); }
    /// True once close() ran.
    bool closed() const { return closed_; }
    /// True when the peer has closed its end (checked without reading: the reader may be busy
    /// in a long request).
    bool peer_hung_up();
    /// State kept between requests of a chunked import or export.
    SessionScratch& scratch() { return scratch_; }
    /// Bytes queued and not yet written.
    size_t queued_bytes() const { return outbox_bytes_; }
    /// How long queued bytes have waited without any write completing (zero when nothing is
    /// queued).
    std::chrono::steady_clock::duration stalled_for() const;
    /// Called by the writer whenever its queue has drained below a quarter of the limit
    /// (subscribers refill from the message log).
    void set_drain_hook(std::function<void()> hook) { drain_hook_ = std::move(hook); }

  private:
    asio::awaitable<void> reader();
    asio::awaitable<void> writer();
    asio::awaitable<void> idle_watch();
    /// Waits while more than half the queue limit is queued (the writer wakes it as it drains).
    asio::awaitable<void> wait_for_room();
    /// Writes what is queued now, without blocking, unless the writer has a write in flight.
    void write_through();
    /// Drops the first `n` queued bytes, which were written.
    void consume(size_t n);

    asio::local::stream_protocol::socket socket_;
    asio::steady_timer signal_;
    asio::steady_timer idle_timer_;
    asio::steady_timer room_;  ///< the reader waits on it for the outbox to drain
    Server& server_;
    PeerCred peer_;
    LineDecoder decoder_;
    std::deque<std::string> outbox_;
    size_t outbox_bytes_ = 0;
    std::chrono::steady_clock::time_point last_activity_;
    SessionScratch scratch_;
    std::chrono::steady_clock::time_point last_progress_;
    std::function<void()> drain_hook_;
    bool subscribed_ = false;
    bool closed_ = false;
    bool writing_ = false;          ///< the writer has an async_write in flight
    bool drained_through_ = false;  ///< write_through wrote: the writer owes the drain hook a call
};

}  // namespace herald
