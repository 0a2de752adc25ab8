// herald: the command-line client. Wires global options, the subcommands and error reporting.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "client/cli.hpp"
#include "client/exit_status.hpp"
#include "client/terminal.hpp"
#include "core/errors.hpp"
#include "core/paths.hpp"

using namespace herald;
using namespace herald::client;

int main(int argc, char** argv) {
    filter_terminal_output();
    Cli cli;
    cli.now = date::floor<Seconds>(std::chrono::system_clock::now());
    auto env = process_env();
    cli.socket = env("HERALD_SOCKET").value_or(default_paths(false, env, ::getuid()).socket);

    CLI::App app{"herald - event schedule and reminders (client of heraldd)"};
    app.set_version_flag("--version", std::string("herald ") + HERALD_VERSION);
    app.add_option("--socket", cli.socket,
                   "heraldd socket (default: $HERALD_SOCKET or the user socket)");
    app.add_flag("--json", cli.json, "Machine-readable JSON output");
    app.require_subcommand(1);
    app.fallthrough();
    register_event_commands(app, cli);
    register_list_command(app, cli);
    register_status_command(app, cli);
    register_until_command(app, cli);
    register_ics_commands(app, cli);
    register_month_command(app, cli);
    register_alarm_commands(app, cli);
    register_watch_command(app, cli);
    register_sync_command(app, cli);
    try {
        app.parse(argc, argv);
        return static_cast<int>(cli.exit_code);
    } catch (const CLI::ParseError& e) {
        return static_cast<int>(app.exit(e) == 0 ? Exit::ok : Exit::usage);
    } catch (const Unavailable& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return static_cast<int>(Exit::unavailable);
    } catch (const HeraldError& e) {  // found here or carried by the daemon's reply
        std::fprintf(stderr, "herald: %s%s\n", e.field().empty() ? "" : (e.field() + ": ").c_str(),
                     e.what());
        return static_cast<int>(exit_for(e));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return static_cast<int>(Exit::software);
    }
}
