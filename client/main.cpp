// herald: the command-line client. Wires global options, the subcommands and error reporting.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "client/cli.hpp"
#include "client/cli_schema.hpp"
#include "client/exit_status.hpp"
#include "client/terminal.hpp"
#include "client/text_width.hpp"
#include "core/errors.hpp"
#include "core/paths.hpp"

using namespace herald;
using namespace herald::client;

namespace {

/// Runs the command line; the exit code before stdout is checked.
int run(int argc, char** argv) {
    Cli cli;
    cli.now = date::floor<Seconds>(std::chrono::system_clock::now());
    auto env = process_env();
    cli.socket = env("HERALD_SOCKET").value_or(default_paths(false, env, ::getuid()).socket);

    // Named here: from argv[0], --help printed the whole path the binary was run by.
    CLI::App app{"herald - event schedule and reminders (client of heraldd)", "herald"};
    define_cli(app, cli);
    // Hidden (not in --help): the definition the docs and completions are checked against.
    if (argc == 2 && std::string_view(argv[1]) == "--dump-cli") {
        print_json(cli_definition(app));
        return 0;
    }
    try {
        app.parse(argc, argv);
        return static_cast<int>(cli.exit_code);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        std::fprintf(stderr, "herald: %s\n", parse_error_line(app, e).c_str());
        return static_cast<int>(Exit::usage);
    } catch (const OutputLost& e) {
        std::fprintf(stderr, "herald: cannot write the output: %s\n", e.what());
        std::clearerr(stdout);  // said once, here: not again by the check of stdout in main
        return static_cast<int>(Exit::io_err);
    } catch (const Unavailable& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return static_cast<int>(Exit::unavailable);
    } catch (const HeraldError& e) {  // found here or carried by the daemon's reply
        std::fprintf(stderr, "herald: %s\n", error_line(e).c_str());
        return static_cast<int>(exit_for(e));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "herald: %s\n", e.what());
        return static_cast<int>(Exit::software);
    }
}

}  // namespace

int main(int argc, char** argv) {
    use_utf8_ctype();  // display widths (wcwidth) of titles in any script
    filter_terminal_output();
    int code = run(argc, argv);
    // Why here, once: every command prints through stdout, and output that did not arrive (a
    // full disk, a closed pipe) must not look like success to a script; no command can forget.
    if (auto failure = stdout_failure()) {
        std::fprintf(stderr, "herald: cannot write the output: %s\n", failure->c_str());
        if (code == 0) code = static_cast<int>(Exit::io_err);
    }
    return code;
}
