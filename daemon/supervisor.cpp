#include "daemon/supervisor.hpp"

#include <time.h>

#include <spdlog/spdlog.h>

#include "daemon/authz.hpp"
#include "daemon/config.hpp"
#include "daemon/server.hpp"
#include "daemon/store.hpp"
#include "daemon/systemd.hpp"

namespace herald {
namespace {

/// CLOCK_MONOTONIC in µs, for RELOADING=1's MONOTONIC_USEC (systemd 253's Type=notify-reload).
uint64_t monotonic_usec() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace

Supervisor::Supervisor(asio::io_context& io, Server& server, Store& store, Settings& settings,
                       Loader loader)
    : io_(io),
      server_(server),
      store_(store),
      settings_(settings),
      loader_(std::move(loader)),
      stop_signals_(io, SIGINT, SIGTERM),
      hup_(io, SIGHUP),
      tick_(io),
      refresh_(io) {}

Supervisor::~Supervisor() {
    server_.on_request(nullptr);  // the server outlives us and may still deliver replies
}

std::string Supervisor::status_line() {
    std::string s = "serving " + std::to_string(store_.count()) + " events";
    if (status_hook_)
        if (std::string extra = status_hook_(); !extra.empty()) s += "; " + extra;
    return s;
}

void Supervisor::start() {
    wait_signals();
    last_status_ = status_line();
    systemd::notify("READY=1\nSTATUS=" + last_status_);
    if (!systemd::supervised()) return;
    supervised_ = true;
    server_.on_request([this] { status_changed(); });
    auto interval = systemd::watchdog_interval();
    watchdog_ = interval.has_value();
    if (!watchdog_) {
        // Why no periodic tick: with no watchdog to ping, a timer that only re-sends STATUS= would
        // wake an idle daemon for nothing; STATUS= follows requests and alarms instead.
        refresh_status();
        return;
    }
    // Why half: sd_watchdog_enabled(3) asks for pings well within the interval; half leaves room
    // for a slow SQLite commit on the same thread without a false restart.
    tick_period_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*interval / 2);
    spdlog::info("watchdog: pinging every {} ms",
                 std::chrono::duration_cast<std::chrono::milliseconds>(tick_period_).count());
    systemd::notify("WATCHDOG=1");
    arm_tick();
}

void Supervisor::status_changed() {
    // With a watchdog the tick re-sends STATUS= anyway.
    if (!supervised_ || watchdog_) return;
    // Why a second's delay: a burst of requests costs one STATUS= (and one count query), not one
    // each.
    refresh_at(std::chrono::steady_clock::now() + std::chrono::seconds(1));
}

void Supervisor::refresh_at(std::chrono::steady_clock::time_point at) {
    if (refresh_at_ && *refresh_at_ <= at) return;  // an earlier refresh is already due
    refresh_at_ = at;
    refresh_.expires_at(at);
    refresh_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;  // cancelled, or moved earlier by another refresh_at()
        refresh_at_.reset();
        refresh_status();
    });
}

void Supervisor::refresh_status() {
    if (std::string s = status_line(); s != last_status_) {
        last_status_ = s;
        systemd::notify("STATUS=" + s);
    }
    if (!next_change_) return;
    // The next alarm changes "next alarm ..." by itself: refresh just after it, and not before.
    if (auto next = next_change_()) {
        auto ahead = *next - std::chrono::system_clock::now();
        if (ahead > std::chrono::system_clock::duration::zero())
            refresh_at(std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(ahead) +
                       std::chrono::seconds(1));
    }
}

void Supervisor::arm_tick() {
    tick_.expires_after(tick_period_);
    tick_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;
        // The ping comes from the loop itself: if a handler hangs the loop, pings stop and
        // systemd restarts the service, which is the point of the watchdog.
        systemd::notify("WATCHDOG=1\nSTATUS=" + status_line());
        arm_tick();
    });
}

void Supervisor::wait_signals() {
    stop_signals_.async_wait([this](const asio::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("signal {}: stopping", sig);
        systemd::notify("STOPPING=1");
        tick_.cancel();
        refresh_.cancel();
        hup_.cancel();
        server_.stop();
        io_.stop();
    });
    wait_hup();
}

void Supervisor::wait_hup() {
    hup_.async_wait([this](const asio::error_code& ec, int) {
        if (ec) return;
        reload();
        wait_hup();
    });
}

void Supervisor::reload() {
    systemd::notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()) +
                    "\nSTATUS=reloading");
    try {
        Settings loaded = loader_();
        for (const auto& key : apply_reload(settings_, loaded))
            spdlog::warn("reload: {} changed; it takes effect after a restart", key);
        spdlog::set_level(spdlog::level::from_str(settings_.log_level));
        resolve_admin_group(settings_);
        server_.settings_changed();
        spdlog::info("configuration reloaded from {}", settings_.config_path);
        last_status_ = status_line();
        systemd::notify("READY=1\nSTATUS=" + last_status_);
    } catch (const std::exception& e) {
        // Why keep running: a typo in a reloaded file must not take down a working service.
        spdlog::error("reload failed, keeping the running configuration: {}", e.what());
        systemd::notify("READY=1\nSTATUS=reload failed: " + std::string(e.what()));
    }
}

}  // namespace herald
