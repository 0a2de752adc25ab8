#pragma once
/// Life under a service manager: READY=1 once serving, STATUS= with the event count (and whatever
/// the status hook adds, e.g. the next due alarm), WATCHDOG=1 at half the interval from an Asio
/// timer on the main loop, SIGHUP reloads (RELOADING=1 ... READY=1), SIGTERM/SIGINT stop
/// (STOPPING=1). Without a watchdog nothing ticks: STATUS= is refreshed only after requests
/// (status_changed()) and when the next alarm comes due, so an idle daemon never wakes up.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <asio.hpp>

#include "daemon/settings.hpp"

namespace herald {

class Server;
class Store;

/// Owns the signal set and the watchdog/status timer.
class Supervisor {
  public:
    /// Re-reads the configuration; throws ConfigError when it is invalid.
    using Loader = std::function<Settings()>;
    /// Extra text for STATUS= (e.g. "next alarm ..."); empty for none.
    using StatusHook = std::function<std::string()>;
    /// The next instant STATUS= will change by itself (the next alarm), if any.
    using NextChangeHook = std::function<std::optional<std::chrono::system_clock::time_point>()>;

    /// Watches `server`/`store`; `settings` is the running configuration that reloads update.
    Supervisor(asio::io_context& io, Server& server, Store& store, Settings& settings,
               Loader loader);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;
    /// Installs the hook whose text is appended to STATUS= (reminders: the next due alarm).
    void set_status_hook(StatusHook hook) { status_hook_ = std::move(hook); }
    /// Installs the hook giving the instant STATUS= changes by itself (reminders: next alarm).
    void set_next_change_hook(NextChangeHook hook) { next_change_ = std::move(hook); }
    /// Something STATUS= shows may have changed (a request ran): refresh it within a second.
    void status_changed();
    /// Call once the socket serves: sends READY=1, starts signals and the watchdog.
    void start();
    /// Re-reads the configuration and applies it (what SIGHUP does).
    void reload();
    /// The STATUS= text now.
    std::string status_line();

  private:
    void wait_signals();
    void wait_hup();
    void arm_tick();
    void refresh_status();
    void refresh_at(std::chrono::steady_clock::time_point at);

    asio::io_context& io_;
    Server& server_;
    Store& store_;
    Settings& settings_;
    Loader loader_;
    StatusHook status_hook_;
    NextChangeHook next_change_;
    asio::signal_set stop_signals_;
    asio::signal_set hup_;
    asio::steady_timer tick_;
    std::chrono::steady_clock::duration tick_period_{};
    bool watchdog_ = false;
    bool supervised_ = false;
    asio::steady_timer refresh_;
    std::optional<std::chrono::steady_clock::time_point> refresh_at_;
    std::string last_status_;
};

}  // namespace herald
