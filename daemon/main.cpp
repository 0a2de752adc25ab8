// heraldd: wires settings, config, store, server and supervisor together, then runs the io_context.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>

#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "core/duration.hpp"
#include "core/paths.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/config.hpp"
#include "daemon/desktop.hpp"
#include "daemon/desktop_sink.hpp"
#include "daemon/hub.hpp"
#include "daemon/limits.hpp"
#include "daemon/logging.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/server.hpp"
#include "daemon/settings.hpp"
#include "daemon/sqlite.hpp"
#include "daemon/store.hpp"
#include "daemon/supervisor.hpp"

namespace {

constexpr int kExConfig = 78;  // sysexits(3) EX_CONFIG
constexpr int kExUsage = 64;   // sysexits(3) EX_USAGE
constexpr int kExData = 65;    // sysexits(3) EX_DATAERR: the database file is damaged

/// Command-line values; each overrides the config file only when given.
struct Flags {
    bool system_mode = false;
    std::string socket, db, config, log_level;
    // Signed, so "-1" is read as -1 and refused rather than wrapped to "unlimited".
    std::optional<int64_t> max_line, max_clients, max_import_bytes, max_queue_bytes;
    std::optional<int64_t> stall_timeout;
    std::optional<std::string> catchup, default_alarm;

    void apply(herald::Settings& s) const {
        if (!socket.empty()) s.socket_path = socket;
        if (!db.empty()) s.db_path = db;
        if (!log_level.empty()) s.log_level = log_level;
        if (max_line) s.max_line = static_cast<size_t>(*max_line);
        if (max_clients) s.max_clients = static_cast<size_t>(*max_clients);
        if (max_import_bytes) s.max_import_bytes = static_cast<size_t>(*max_import_bytes);
        if (max_queue_bytes) s.max_queue_bytes = static_cast<size_t>(*max_queue_bytes);
        if (catchup) {
            s.catchup_window = herald::parse_human_duration(*catchup, "--catchup");
            if (s.catchup_window.count() < 0)
                herald::bad_param("--catchup", "the catch-up window must not be negative");
        }
        if (stall_timeout) s.stall_timeout = std::chrono::seconds(*stall_timeout);
        if (default_alarm) {
            if (!default_alarm->empty())
                herald::parse_human_duration(*default_alarm, "--default-alarm");
            s.default_alarm = *default_alarm;
        }
    }

    /// The first numeric flag outside the range heraldd.toml allows for the same setting, as a
    /// message naming the flag; empty when all are in range.
    std::string out_of_range() const {
        using namespace herald;
        const std::pair<const char*, std::pair<const std::optional<int64_t>*, Bounds>> checks[] = {
            {"--max-line", {&max_line, kMaxLineBounds}},
            {"--max-clients", {&max_clients, kMaxClientsBounds}},
            {"--max-import", {&max_import_bytes, kMaxImportBounds}},
            {"--max-queue", {&max_queue_bytes, kMaxQueueBounds}},
            {"--stall-timeout", {&stall_timeout, kStallTimeoutBounds}},
        };
        for (const auto& [flag, check] : checks) {
            const auto& [value, bounds] = check;
            if (*value && !bounds.contains(**value))
                return std::string(flag) + ": expected " + bounds.expected() + ", not " +
                       std::to_string(**value);
        }
        return {};
    }
};

/// Test-only (docs/testing.md) milliseconds from environment variable `name`, if set.
std::optional<std::chrono::milliseconds> test_ms(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) return std::nullopt;
    char* end = nullptr;
    long long ms = std::strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || ms < 0 || ms > 60'000)
        herald::bad_param(
            name, "expected whole milliseconds from 0 to 60000, got '" + std::string(text) + "'");
    return std::chrono::milliseconds(ms);
}

/// Test-only, not user settings: HERALDD_TEST_FIRE_LEAD_MS widens the staging lead so a test can
/// kill the daemon between a reminder's staging and its due instant; HERALDD_TEST_COMMIT_DELAY_MS
/// holds each batch open so the crash test can kill it between a request and its COMMIT.
void apply_test_timing(herald::Settings& s) {
    if (auto ms = test_ms("HERALDD_TEST_FIRE_LEAD_MS")) s.fire_lead = *ms;
    if (auto ms = test_ms("HERALDD_TEST_COMMIT_DELAY_MS")) s.commit_delay = *ms;
}

/// Defaults for the mode, then the config file, then the flags.
herald::Settings load_settings(const Flags& flags) {
    using namespace herald;
    Settings base;
    base.system_mode = flags.system_mode;
    Paths defaults = default_paths(flags.system_mode, process_env(), ::getuid());
    base.socket_path = defaults.socket;
    base.private_runtime_dir = defaults.private_runtime_dir;
    base.db_path = defaults.database;
    base.config_path = flags.config.empty() ? defaults.config : flags.config;
    ConfigResult r = load_config(base.config_path, base, !flags.config.empty());
    for (const auto& w : r.warnings) spdlog::warn("{}", w);
    flags.apply(r.settings);
    resolve_admin_group(r.settings);
    apply_test_timing(r.settings);
    return r.settings;
}

}  // namespace

namespace {

/// The zone for all-day and floating alarms: the setting, else $TZ, else the system's, else UTC.
const date::time_zone* alarm_zone(const std::string& configured) {
    std::string name = configured;
    if (const char* tz = std::getenv("TZ"); name.empty() && tz != nullptr && *tz != '\0')
        name = tz[0] == ':' ? tz + 1 : tz;
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
    Flags flags;
    CLI::App app{"heraldd - event schedule and reminder daemon"};
    app.set_version_flag("--version", std::string("heraldd ") + HERALD_VERSION);
    app.add_flag("--system", flags.system_mode, "Run as the system-wide service");
    app.add_option("--socket", flags.socket, "Unix socket path to listen on");
    app.add_option("--db", flags.db, "SQLite database path");
    app.add_option("--config", flags.config, "Configuration file (TOML)");
    app.add_option("--log-level", flags.log_level, "trace, debug, info, warn, error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    app.add_option("--max-line", flags.max_line, "Maximum request line length in bytes");
    app.add_option("--max-clients", flags.max_clients, "Maximum concurrent clients");
    app.add_option("--max-import", flags.max_import_bytes,
                   "Maximum size of one calendar.import in bytes");
    app.add_option("--catchup", flags.catchup,
                   "Catch-up window for alarms missed while down (e.g. 24h, 30m, 0s)");
    app.add_option("--default-alarm", flags.default_alarm,
                   "Alarm for new events without alarms, before start (e.g. 15m)");
    app.add_option("--stall-timeout", flags.stall_timeout,
                   "Seconds a subscriber may leave its queue undrained before it is dropped");
    app.add_option("--max-queue", flags.max_queue_bytes,
                   "Maximum bytes queued for a client that does not read");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : kExUsage;
    }
    if (std::string bad = flags.out_of_range(); !bad.empty()) {
        std::fprintf(stderr, "heraldd: %s\n", bad.c_str());
        return kExUsage;
    }
    setup_logging(flags.log_level.empty() ? "info" : flags.log_level);
    Settings settings;
    try {
        settings = load_settings(flags);
    } catch (const ConfigError& e) {
        spdlog::critical("invalid configuration: {}", e.what());
        return kExConfig;
    } catch (const HeraldError& e) {
        spdlog::critical("{}: {}", e.field(), e.what());
        return kExConfig;
    }
    spdlog::set_level(spdlog::level::from_str(settings.log_level));

    if (uint64_t fds = raise_fd_limit(); fds < settings.max_clients + 16)
        spdlog::warn(
            "open file limit {} is below --max-clients {}: clients beyond it are refused late", fds,
            settings.max_clients);
    try {
        auto db_dir = std::filesystem::path(settings.db_path).parent_path();
        if (!db_dir.empty() && !std::filesystem::exists(db_dir)) {
            std::filesystem::create_directories(db_dir);
            ::chmod(db_dir.c_str(), 0700);
        }
        if (sql::Damage damage = sql::quick_check(settings.db_path); !damage.problems.empty()) {
            // Why .dump and not .recover: Debian 12's sqlite3 (3.40) fails every .recover. A dump
            // stops at the first unreadable table with ROLLBACK; the sed keeps what it read.
            spdlog::critical(
                "the database {0} is damaged ({1}); heraldd will not write to it. Save what can be "
                "read: sqlite3 {0} .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | "
                "sqlite3 {0}.recovered && sqlite3 {0}.recovered 'PRAGMA user_version={2}; PRAGMA "
                "application_id={3}', then move {0} (and any {0}-wal, {0}-shm) aside and "
                "{0}.recovered to {0}, and start heraldd again (heraldd(8), RECOVERY)",
                settings.db_path, damage.problems, damage.user_version, damage.application_id);
            return kExData;
        }
        Store store(settings.db_path);
        if (size_t n = store.refresh_index(date::floor<Seconds>(std::chrono::system_clock::now()));
            n > 0)
            spdlog::info("re-indexed {} recurring events for the current horizon", n);
        store.db().set_busy_timeout(kServeBusyTimeout);
        asio::io_context io(1);
        AlarmStore alarms(store, [&settings] { return alarm_zone(settings.zone); });
        store.set_observer(&alarms);
        Hub hub(alarms, settings);
        Scheduler scheduler(io, alarms, hub, settings);
        Server server(io, store, settings);
        server.attach(alarms, hub, scheduler);
        // Constructed before listening: its signal set catches a SIGTERM that arrives as soon as
        // the socket accepts.
        Supervisor supervisor(io, server, store, settings,
                              [&flags] { return load_settings(flags); });
        supervisor.set_status_hook([&scheduler] { return scheduler.status_text(); });
        supervisor.set_next_change_hook(
            [&scheduler]() -> std::optional<std::chrono::system_clock::time_point> {
                if (auto at = scheduler.armed_for()) return *at;
                return std::nullopt;
            });
        std::optional<DesktopNotifier> desktop;
        if (!settings.system_mode && settings.desktop) {
            desktop.emplace(io, settings);
            wire_desktop(*desktop, hub, alarms, scheduler, settings);
        }
        server.listen();
        scheduler.start();
        std::signal(SIGPIPE, SIG_IGN);
        spdlog::info("heraldd {} ready: {} events in {}", HERALD_VERSION, store.count(),
                     settings.db_path);
        supervisor.start();
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
