// heraldd: wires settings, store, server and signals together, then runs the io_context.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "core/duration.hpp"
#include "core/paths.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/hub.hpp"
#include "daemon/logging.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/server.hpp"
#include "daemon/settings.hpp"
#include "daemon/store.hpp"
#include "daemon/systemd.hpp"

namespace {

/// The zone for all-day and floating alarms: the setting, else $TZ, else the system's, else UTC.
const date::time_zone* alarm_zone(const std::string& configured) {
    std::string name = configured;
    if (const char* tz = std::getenv("TZ"); name.empty() && tz != nullptr && *tz != '\0') name = tz[0] == ':' ? tz + 1 : tz;
    try {
        return name.empty() ? date::current_zone() : date::locate_zone(name);
    } catch (const std::exception&) {
        spdlog::warn("unknown time zone '{}' for all-day alarms; using UTC", name);
        return date::locate_zone("UTC");
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace herald;
    Settings settings;
    std::string socket, db, config;
    CLI::App app{"heraldd - event schedule and reminder daemon"};
    app.set_version_flag("--version", std::string("heraldd ") + HERALD_VERSION);
    app.add_flag("--system", settings.system_mode, "Run as the system-wide service");
    app.add_option("--socket", socket, "Unix socket path to listen on");
    app.add_option("--db", db, "SQLite database path");
    app.add_option("--config", config, "Configuration file (TOML)");
    app.add_option("--log-level", settings.log_level, "trace, debug, info, warn, error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    app.add_option("--max-line", settings.max_line, "Maximum request line length in bytes");
    app.add_option("--max-clients", settings.max_clients, "Maximum concurrent clients");
    std::string catchup;
    app.add_option("--catchup", catchup, "Catch-up window for alarms missed while down (e.g. 24h, 30m, 0s)");
    app.add_option("--default-alarm", settings.default_alarm, "Alarm for new events without alarms, before start (e.g. 15m)");
    int64_t stall = settings.stall_timeout.count();
    app.add_option("--stall-timeout", stall, "Seconds a subscriber may leave its queue undrained before it is dropped");
    app.add_option("--max-queue", settings.max_queue_bytes, "Maximum bytes queued for a client that does not read");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 64;
    }
    setup_logging(settings.log_level);
    try {
        if (!catchup.empty()) settings.catchup_window = parse_human_duration(catchup, "--catchup");
        if (settings.catchup_window.count() < 0) bad_param("--catchup", "the catch-up window must not be negative");
        if (stall < 1) bad_param("--stall-timeout", "the stall timeout must be at least 1 second");
        settings.stall_timeout = std::chrono::seconds(stall);
        if (!settings.default_alarm.empty()) parse_human_duration(settings.default_alarm, "--default-alarm");
    } catch (const HeraldError& e) {
        spdlog::critical("{}: {}", e.field(), e.what());
        return 78;  // EX_CONFIG
    }
    Paths defaults = default_paths(settings.system_mode, process_env(), ::getuid());
    settings.socket_path = socket.empty() ? defaults.socket : socket;
    settings.db_path = db.empty() ? defaults.database : db;
    settings.config_path = config.empty() ? defaults.config : config;

    try {
        auto db_dir = std::filesystem::path(settings.db_path).parent_path();
        if (!db_dir.empty() && !std::filesystem::exists(db_dir)) {
            std::filesystem::create_directories(db_dir);
            ::chmod(db_dir.c_str(), 0700);
        }
        Store store(settings.db_path);
        asio::io_context io(1);
        AlarmStore alarms(store, [&settings] { return alarm_zone(settings.zone); });
        store.set_observer(&alarms);
        Hub hub(alarms, settings);
        Scheduler scheduler(io, alarms, hub, settings);
        Server server(io, store, settings);
        server.attach(alarms, hub, scheduler);
        // Signals first: a SIGTERM that arrives as soon as the socket accepts must stop us cleanly.
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const asio::error_code& ec, int sig) {
            if (ec) return;
            spdlog::info("signal {}: stopping", sig);
            systemd::notify("STOPPING=1");
            scheduler.stop();
            server.stop();
            io.stop();
        });
        server.listen();
        scheduler.start();
        std::signal(SIGPIPE, SIG_IGN);
        spdlog::info("heraldd {} ready: {} events in {}", HERALD_VERSION, store.count(), settings.db_path);
        systemd::notify("READY=1\nSTATUS=serving " + std::to_string(store.count()) + " events");
        io.run();
        spdlog::info("stopped");
        return 0;
    } catch (const HeraldError& e) {
        spdlog::critical("{}", e.what());
        return e.code() == ErrorCode::busy ? 75 : 71;  // EX_TEMPFAIL / EX_OSERR
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return 71;
    }
}
