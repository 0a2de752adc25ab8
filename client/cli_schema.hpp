#pragma once
/// The command line's definition as data (`herald --dump-cli`): what the man page and the
/// completions are checked against (tests/docs), so no command or option can be left out.

#include <CLI/CLI.hpp>

#include "client/cli.hpp"

namespace herald::client {

/// Builds herald's whole command line on `app`: the global options and every subcommand.
void define_cli(CLI::App& app, Cli& cli);

/// The definition of `app` as JSON: {"options": [...], "commands": [{"name", "description",
/// "options": [...], "positionals": [...]}]}; an option is {"names": ["--at", "-a"], "value":
/// bool, "repeatable": bool, "choices": [...] when it has a fixed set, "description"}.
Json cli_definition(const CLI::App& app);

}  // namespace herald::client
