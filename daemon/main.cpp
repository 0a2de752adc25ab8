// heraldd: wires settings, store, server and signals together, then runs the io_context.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "core/paths.hpp"
#include "daemon/limits.hpp"
#include "daemon/logging.hpp"
#include "daemon/server.hpp"
#include "daemon/settings.hpp"
#include "daemon/store.hpp"
#include "daemon/systemd.hpp"

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
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 64;
    }
    setup_logging(settings.log_level);
    Paths defaults = default_paths(settings.system_mode, process_env(), ::getuid());
    settings.socket_path = socket.empty() ? defaults.socket : socket;
    settings.db_path = db.empty() ? defaults.database : db;
    settings.config_path = config.empty() ? defaults.config : config;

    if (uint64_t fds = raise_fd_limit(); fds < settings.max_clients + 16)
        spdlog::warn("open file limit {} is below --max-clients {}: clients beyond it are refused late", fds,
                     settings.max_clients);
    try {
        auto db_dir = std::filesystem::path(settings.db_path).parent_path();
        if (!db_dir.empty() && !std::filesystem::exists(db_dir)) {
            std::filesystem::create_directories(db_dir);
            ::chmod(db_dir.c_str(), 0700);
        }
        Store store(settings.db_path);
        asio::io_context io(1);
        Server server(io, store, settings);
        server.listen();
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const asio::error_code& ec, int sig) {
            if (ec) return;
            spdlog::info("signal {}: stopping", sig);
            systemd::notify("STOPPING=1");
            server.stop();
            io.stop();
        });
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
