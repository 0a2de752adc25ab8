// heraldd: wires settings, config, store, server and supervisor together, then runs the io_context.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iterator>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "core/exit_codes.hpp"
#include "core/duration.hpp"
#include "core/paths.hpp"
#include "core/when.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/authz.hpp"
#include "daemon/checkpointer.hpp"
#include "daemon/config.hpp"
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
#include "daemon/sync_engine.hpp"

namespace {

using herald::Exit;

/// A command-line option that overrides a config key: one table, so the flag is checked exactly
/// as the key is (config.cpp's types and ranges).
struct Option {
    const char* flag;
    const char* key;
    const char* help;
    bool integer;  ///< read as a signed integer ("-1" is refused, not wrapped to "unlimited")
};

constexpr Option kOptions[] = {
    {"--socket", "server.socket", "Unix socket path to listen on", false},
    {"--db", "storage.database", "SQLite database path", false},
    {"--log-level", "log.level", "trace, debug, info, warn, error, critical, off", false},
    {"--max-line", "server.max_line", "Maximum request line length in bytes", true},
    {"--max-clients", "server.max_clients", "Maximum concurrent clients", true},
    {"--max-import", "server.max_import_bytes", "Maximum size of one calendar.import in bytes",
     true},
    {"--catchup", "reminders.catchup_window",
     "Catch-up window for alarms missed while down (e.g. 24h, 30m, 0s)", false},
    {"--default-alarm", "reminders.default_alarm",
     "Alarm for new events without alarms, before start (e.g. 15m)", false},
    {"--stall-timeout", "server.stall_timeout",
     "Seconds a subscriber may leave its queue undrained before it is dropped", true},
    {"--max-queue", "server.max_queue_bytes",
     "Maximum bytes queued for a client that does not read", true},
};
constexpr size_t kOptionCount = std::size(kOptions);

/// The command line: the mode, the config file and the values that override its keys.
struct Flags {
    bool system_mode = false;
    std::string config;
    std::vector<herald::FlagValue> values;  ///< only the options given, in kOptions order
};

/// Test-only (docs/testing.md) whole number from 0 to `max` (`what` it counts) from environment
/// variable `name`, if set; anything else is refused.
std::optional<long long> test_number(const char* name, long long max, const char* what) {
    const char* text = std::getenv(name);
    if (text == nullptr) return std::nullopt;
    char* end = nullptr;
    long long n = std::strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || n < 0 || n > max)
        herald::bad_param(name, "expected whole " + std::string(what) + " from 0 to " +
                                    std::to_string(max) + ", got '" + std::string(text) + "'");
    return n;
}

/// Test-only milliseconds (0-60000) from environment variable `name`, if set.
std::optional<std::chrono::milliseconds> test_ms(const char* name) {
    if (auto n = test_number(name, 60'000, "milliseconds")) return std::chrono::milliseconds(*n);
    return std::nullopt;
}

/// Test-only, not user settings: HERALDD_TEST_FIRE_LEAD_MS widens the staging lead so a test can
/// kill the daemon between a reminder's staging and its due instant; HERALDD_TEST_COMMIT_DELAY_MS
/// holds each batch open so the crash test can kill it between a request and its COMMIT.
void apply_test_timing(herald::Settings& s) {
    if (auto ms = test_ms("HERALDD_TEST_FIRE_LEAD_MS")) s.fire_lead = *ms;
    if (auto ms = test_ms("HERALDD_TEST_COMMIT_DELAY_MS")) s.commit_delay = *ms;
    // The checkpointer's pause and backlog: a test sees long writers wait for a checkpointer that
    // falls behind on any machine (daemon/checkpointer.hpp).
    if (auto ms = test_ms("HERALDD_TEST_CHECKPOINT_DELAY_MS")) s.checkpoint_delay = *ms;
    if (auto n = test_number("HERALDD_TEST_WAL_BACKLOG_FRAMES", 1'000'000, "frames"))
        s.wal_backlog_frames = static_cast<int>(*n);
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
    apply_flags(r.settings, flags.values);
    resolve_admin_group(r.settings);
    apply_test_timing(r.settings);
    return r.settings;
}

/// The daemon's zone, for all-day and floating alarms and the desktop's times: the setting, else
/// $TZ, else the system's, else UTC.
const date::time_zone* alarm_zone(const std::string& configured) {
    std::string name = configured;
    if (const char* tz = std::getenv("TZ"); name.empty() && tz != nullptr && *tz != '\0')
        name = herald::zone_name_of_tz_variable(tz);
    try {
        return name.empty() ? date::current_zone() : date::locate_zone(name);
    } catch (const std::exception&) {
        spdlog::warn("unknown time zone '{}' for all-day alarms; using UTC", name);
        return date::locate_zone("UTC");
    }
}

/// Reads the command line into `flags`; an exit code when heraldd stops here (--help, --version,
/// a malformed or out-of-range option, named on stderr).
std::optional<Exit> parse_command_line(int argc, char** argv, Flags& flags) {
    CLI::App app{"heraldd - event schedule and reminder daemon", "heraldd"};  // not argv[0]: a path
    app.set_version_flag("--version", std::string("heraldd ") + HERALD_VERSION);
    app.add_flag("--system", flags.system_mode, "Run as the system-wide service");
    app.add_option("--config", flags.config, "Configuration file (TOML)");
    std::optional<int64_t> integers[kOptionCount];
    std::optional<std::string> texts[kOptionCount];
    for (size_t i = 0; i < kOptionCount; ++i) {
        const Option& o = kOptions[i];
        if (o.integer)
            app.add_option(o.flag, integers[i], o.help);
        else
            app.add_option(o.flag, texts[i], o.help);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? Exit::ok : Exit::usage;
    }
    for (size_t i = 0; i < kOptionCount; ++i) {
        if (integers[i]) flags.values.push_back({kOptions[i].flag, kOptions[i].key, *integers[i]});
        if (texts[i]) flags.values.push_back({kOptions[i].flag, kOptions[i].key, *texts[i]});
    }
    try {
        // Checked before anything starts, on the defaults: the same check applies them later.
        herald::Settings scratch;
        herald::apply_flags(scratch, flags.values);
    } catch (const herald::FlagError& e) {
        std::fprintf(stderr, "heraldd: %s\n", e.what());
        return Exit::usage;
    }
    return std::nullopt;
}

/// The log level the command line asks for until the configuration is read.
std::string flag_log_level(const Flags& flags) {
    for (const auto& v : flags.values)
        if (v.key == std::string_view("log.level")) return std::get<std::string>(v.value);
    return "info";
}

/// The settings, or the exit code of an invalid configuration (logged, naming file, line, key).
std::optional<Exit> load_or_refuse(const Flags& flags, herald::Settings& settings) {
    try {
        settings = load_settings(flags);
    } catch (const herald::ConfigError& e) {
        spdlog::critical("invalid configuration: {}", e.what());
        return Exit::config;
    } catch (const herald::HeraldError& e) {
        spdlog::critical("{}: {}", e.field(), e.what());
        return Exit::config;
    }
    spdlog::set_level(spdlog::level::from_str(settings.log_level));
    return std::nullopt;
}

/// Creates the database's directory (0700) when missing.
void make_db_dir(const std::string& db_path) {
    auto db_dir = std::filesystem::path(db_path).parent_path();
    if (!db_dir.empty() && !std::filesystem::exists(db_dir)) {
        std::filesystem::create_directories(db_dir);
        ::chmod(db_dir.c_str(), 0700);
    }
}

/// True (with the recovery commands logged) when the database file is damaged.
bool refuse_damaged(const std::string& db_path) {
    if (herald::sql::Damage damage = herald::sql::quick_check(db_path); !damage.problems.empty()) {
        // Why .dump and not .recover: Debian 12's sqlite3 (3.40) fails every .recover. A dump
        // stops at the first unreadable table with ROLLBACK; the sed keeps what it read.
        spdlog::critical(
            "the database {0} is damaged ({1}); heraldd will not write to it. Save what can be "
            "read: sqlite3 {0} .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | "
            "sqlite3 {0}.recovered && sqlite3 {0}.recovered 'PRAGMA user_version={2}; PRAGMA "
            "application_id={3}', then move {0} (and any {0}-wal, {0}-shm) aside and "
            "{0}.recovered to {0}, and start heraldd again (heraldd(8), RECOVERY)",
            db_path, damage.problems, damage.user_version, damage.application_id);
        return true;
    }
    return false;
}

/// Builds the services on one io_context over `store` and runs it until SIGTERM/SIGINT.
void serve(herald::Store& store, herald::Settings& settings, const Flags& flags) {
    using namespace herald;
    asio::io_context io(1);
    auto now = std::chrono::system_clock::now();
    // WAL checkpoints run on a thread of their own from here on (daemon/checkpointer.hpp).
    Checkpointer checkpointer(store.db(), settings.db_path, Checkpointer::kDefaultThreshold,
                              settings.wal_backlog_frames.value_or(Checkpointer::kBacklogFrames),
                              settings.checkpoint_delay);
    store.set_wal_backlog([&checkpointer] { return checkpointer.backlogged(); });
    struct Unset {  // the store outlives the checkpointer
        Store& store;
        ~Unset() { store.set_wal_backlog(nullptr); }
    } unset{store};
    MessageLog log(store.db(), date::floor<Seconds>(now));
    AlarmStore alarms(store, log, [&settings] { return alarm_zone(settings.zone); });
    store.set_observer(&alarms);
    Hub hub(log, settings, system_now);
    Scheduler scheduler(io, alarms, hub, settings, system_now);
    // CalDAV sync (user mode): the engine puts itself in front of the alarm store as the store's
    // observer, so local changes of synced events are queued with them.
    std::optional<sync::Engine> sync;
    if (!settings.system_mode) {
        sync.emplace(io, store, alarms, settings, static_cast<int64_t>(::getuid()),
                     [&hub, &scheduler] {
                         hub.flush();
                         scheduler.rearm_if_changed();
                     });
    } else if (!settings.caldav.empty()) {
        spdlog::warn("[[caldav]] is ignored in system mode: CalDAV sync runs in user mode only");
    }
    Server server(io, store, settings, alarms, hub, scheduler, sync ? &*sync : nullptr);
    // Constructed before listening: its signal set catches a SIGTERM that arrives as soon as
    // the socket accepts.
    Supervisor supervisor(io, server, store, settings, [&flags] { return load_settings(flags); });
    supervisor.set_status_hook([&scheduler] { return scheduler.status_text(); });
    supervisor.set_next_change_hook(
        [&scheduler]() -> std::optional<std::chrono::system_clock::time_point> {
            if (auto at = scheduler.armed_for()) return *at;
            return std::nullopt;
        });
    std::optional<DesktopNotifier> desktop;
    if (!settings.system_mode && settings.desktop) {
        desktop.emplace(
            io, [&settings] { return desktop_options(settings); }, desktop_log());
        wire_desktop(*desktop, hub, alarms, scheduler, settings, alarm_zone(settings.zone));
    }
    server.state().desktop = [&desktop, &settings] {
        return desktop_status(desktop ? &*desktop : nullptr, settings);
    };
    server.listen();
    scheduler.start();
    std::signal(SIGPIPE, SIG_IGN);
    spdlog::info("heraldd {} ready: {} events in {}", HERALD_VERSION, store.count(),
                 settings.db_path);
    supervisor.start();
    io.run();
    spdlog::info("stopped");
}

/// Opens the database and serves; the exit code of a failure to start.
Exit run(herald::Settings& settings, const Flags& flags) {
    using namespace herald;
    if (uint64_t fds = raise_fd_limit(); fds < settings.max_clients + 16)
        spdlog::warn(
            "open file limit {} is below --max-clients {}: clients beyond it are refused late", fds,
            settings.max_clients);
    try {
        make_db_dir(settings.db_path);
        if (refuse_damaged(settings.db_path)) return Exit::data;
        Store store(settings.db_path);
        if (size_t n = store.refresh_index(date::floor<Seconds>(std::chrono::system_clock::now()));
            n > 0)
            spdlog::info("re-indexed {} recurring events for the current horizon", n);
        store.db().set_busy_timeout(kServeBusyTimeout);
        serve(store, settings, flags);
        return Exit::ok;
    } catch (const HeraldError& e) {
        spdlog::critical("{}", e.what());
        // busy: another heraldd serves the socket.
        return e.code() == ErrorCode::busy ? Exit::temp_fail : Exit::os_err;
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return Exit::os_err;
    }
}

}  // namespace

// The phases in order: command line, logging, configuration, database, serving.
int main(int argc, char** argv) {
    Flags flags;
    if (auto done = parse_command_line(argc, argv, flags)) return herald::exit_code(*done);
    herald::setup_logging(flag_log_level(flags));
    herald::Settings settings;
    if (auto done = load_or_refuse(flags, settings)) return herald::exit_code(*done);
    return herald::exit_code(run(settings, flags));
}
