#pragma once
/// The daemon's services wired as daemon/main.cpp wires them (message log, alarm ledger, hub,
/// reminder timer, server) over a real Store on a temporary SQLite file, and sessions over real
/// Unix socket pairs: what a unit test (or the protocol fuzzer) needs for a Context, a Session, the
/// Hub or the Scheduler, none of it null or faked. "Now" is a value the test sets (the hub's and
/// the timer's clock). No Catch2 here: tests/fuzz uses it too.

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <system_error>

#include <asio.hpp>

#include "daemon/alarm_store.hpp"
#include "daemon/context.hpp"
#include "daemon/hub.hpp"
#include "daemon/message_log.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/server.hpp"
#include "daemon/session.hpp"
#include "daemon/store.hpp"
#include "tests/daemon/alarm_support.hpp"

namespace herald::test {

/// A session on the daemon's end of a socket pair and the peer's end as a plain descriptor.
struct Connection {
    std::shared_ptr<Session> session;
    int peer_fd = -1;  ///< the client's end: write requests, read replies, close to hang up
};

/// The daemon's services on one io_context, at a settable "now".
class Daemon {
  public:
    /// Wires every service over the database file `db_path` under `settings`, the clock at `now`.
    explicit Daemon(const std::string& db_path, Settings settings = {},
                    TimePoint now = TimePoint(date::sys_days{date::year{2025} / 1 / 15}))
        : settings_(std::move(settings)),
          now_(now),
          store_(db_path),
          log_(store_.db(), date::floor<Seconds>(now)),
          alarms_(store_, log_, utc),
          hub_(log_, settings_, [this] { return now_; }),
          scheduler_(io_, alarms_, hub_, settings_, [this] { return now_; }),
          server_(io_, store_, settings_, alarms_, hub_, scheduler_) {
        store_.set_observer(&alarms_);
    }
    ~Daemon() {
        // Closed, and their coroutines run to their end, before the services they use go.
        for (auto& c : connections_) {
            c.session->close();
            if (c.peer_fd >= 0) ::close(c.peer_fd);
        }
        scheduler_.stop();
        io_.restart();
        io_.poll();
    }
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// A new session of `peer` over a socket pair, not started (start() runs its coroutines).
    Connection& connect(const PeerCred& peer) {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            throw std::system_error(errno, std::generic_category(), "socketpair");
        asio::local::stream_protocol::socket mine(io_, asio::local::stream_protocol(), fds[0]);
        connections_.push_back({std::make_shared<Session>(std::move(mine), server_, peer), fds[1]});
        return connections_.back();
    }
    /// A request context of `peer` in `session` at now(), under `settings`.
    Context context(Session& session, const PeerCred& peer, const Settings& settings) {
        return Context{store_,
                       settings,
                       server_.state(),
                       alarms_,
                       hub_,
                       session,
                       peer,
                       date::floor<Seconds>(now_),
                       {}};
    }
    /// A request context of `peer` at now(), in a session of its own, under `settings`.
    Context context(const PeerCred& peer, const Settings& settings) {
        return context(*connect(peer).session, peer, settings);
    }
    /// A request context of `peer` at now(), in a session of its own, under the daemon's settings.
    Context context(const PeerCred& peer) { return context(peer, settings_); }

    /// The clock of the hub and the timer.
    TimePoint now() const { return now_; }
    /// Moves the clock to `t`.
    void set_now(TimePoint t) { now_ = t; }

    asio::io_context& io() { return io_; }
    const Settings& settings() const { return settings_; }
    Store& store() { return store_; }
    MessageLog& log() { return log_; }
    AlarmStore& alarms() { return alarms_; }
    Hub& hub() { return hub_; }
    Scheduler& scheduler() { return scheduler_; }
    Server& server() { return server_; }

  private:
    Settings settings_;
    TimePoint now_;
    asio::io_context io_;
    Store store_;
    MessageLog log_;
    AlarmStore alarms_;
    Hub hub_;
    Scheduler scheduler_;
    Server server_;
    std::deque<Connection> connections_;  ///< after server_: sessions go first
};

}  // namespace herald::test
