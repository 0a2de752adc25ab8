#pragma once
/// The listener: binds (or receives from systemd) the Unix socket, accepts clients within the
/// connection limit, and routes their request lines to the command table.

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <asio.hpp>

#include "daemon/commands.hpp"
#include "daemon/context.hpp"
#include "daemon/group_commit.hpp"
#include "daemon/memory_trim.hpp"
#include "daemon/settings.hpp"

namespace herald {

class Session;
class Store;
class AlarmStore;
class Hub;
class Scheduler;

/// Owns the listening socket and the set of sessions.
class Server {
  public:
    /// Creates a server on `io` that serves `store` under `settings`. Handlers get the ledger and
    /// the subscriber registry; after each request new messages are pushed through `hub` and the
    /// `scheduler` re-arms its timer if the schedule changed.
    Server(asio::io_context& io, Store& store, const Settings& settings, AlarmStore& alarms,
           Hub& hub, Scheduler& scheduler, sync::Engine* sync = nullptr);
    ~Server();
    /// Takes the systemd-passed socket if there is one, else binds settings.socket_path.
    void listen();
    /// Stops accepting and closes every session.
    void stop();
    /// Serves one request line of `session`: runs it (and any work it leaves, in slices between
    /// other clients' requests) and sends its reply through deliver() once its data is durable.
    /// Completes when the request has run to its end, so a session's replies keep their order.
    asio::awaitable<void> serve(Session& session, std::string line);
    /// Called by a session when it closes.
    void forget(Session* session);
    /// Tells every session that the settings changed (after a reload).
    void settings_changed();
    /// Settings in force.
    const Settings& settings() const { return settings_; }
    /// Counters for status.
    ServerState& state() { return state_; }
    /// Called after each request's reply is delivered (the supervisor refreshes STATUS=).
    void on_request(std::function<void()> hook) { on_request_ = std::move(hook); }

  private:
    /// Runs one step of a request (its dispatch, or a slice of its unfinished work) in the group
    /// commit's request scope; its reply, if any, goes to deliver() when it may leave. A slice
    /// (`commit_soon` false) without a reply leaves the batch open for serve() to commit.
    Dispatched run_in_batch(Session& session, const std::function<Dispatched(Context&)>& step,
                            bool commit_soon = true);
    /// The reply sink: sends `reply` to `session`, then runs what the request left for after its
    /// reply (`after`), pushes new messages and re-arms the reminder timer.
    void deliver(Session& session, const std::function<void()>& after, std::string reply);
    /// Waits while the WAL's checkpoints catch up with a sliced writer (at most a few seconds).
    asio::awaitable<void> wal_catch_up();
    asio::awaitable<void> accept_loop();
    void bind_socket();
    size_t connections_of(int64_t uid) const;

    asio::io_context& io_;
    Store& store_;
    const Settings& settings_;
    ServerState state_;
    GroupCommit group_;
    MemoryTrim trim_;
    asio::local::stream_protocol::acceptor acceptor_;
    std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;
    bool bound_path_ = false;
    AlarmStore& alarms_;
    Hub& hub_;
    Scheduler& scheduler_;
    sync::Engine* sync_;  ///< CalDAV sync: handlers get it, reloads reach it; null in system mode
    std::function<void()> on_request_;
};

}  // namespace herald
