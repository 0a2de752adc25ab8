#pragma once
/// Helpers of the client unit tests: a Cli at a fixed moment and zone, and parsing argv.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/cli.hpp"

namespace herald::test {

/// 2026-11-23T12:00:00Z, 18:00 in Bishkek.
inline Instant fixed_now() {
    return date::sys_days{date::year{2026} / 11 / 23} + std::chrono::hours{12};
}

/// A Cli at fixed_now() for a viewer in `zone` (Bishkek: UTC+6 all year, so expected instants are
/// plain arithmetic); it never connects.
inline client::Cli fixed_cli(const std::string& zone = "Asia/Bishkek") {
    client::Cli cli;
    cli.now = fixed_now();
    cli.set_viewer(find_zone(zone, "zone"));
    return cli;
}

/// Parses `args` (without the program name) with the options `add` puts on a subcommand `name`,
/// bound to `o`, as herald would parse `herald NAME ARGS...`. Keep the returned app while `o` is
/// used: options such as EventOptions hold pointers to its CLI::Option objects.
template <class Options, class Add>
[[nodiscard]] std::unique_ptr<CLI::App> parse_args(const char* name, Add add, Options& o,
                                                   std::vector<std::string> args) {
    auto app = std::make_unique<CLI::App>();
    auto* sub = app->add_subcommand(name);
    add(*sub, o);
    args.insert(args.begin(), name);
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app->parse(args);
    return app;
}

}  // namespace herald::test
