#pragma once
/// herald watch --exec CMD: runs CMD for each reminder as the user running watch, with the
/// reminder in HERALD_* variables; acknowledges it only after CMD exited 0 (docs/man/herald.1.scd).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/cli.hpp"

namespace herald::client {

/// The options of `watch --exec`.
struct ExecOptions {
    std::string command;          ///< --exec CMD
    bool shell = false;           ///< --exec-shell: run CMD with /bin/sh -c
    std::string timeout = "60s";  ///< --exec-timeout: then SIGTERM, 5 s later SIGKILL
    std::string state;            ///< --exec-state FILE: the cursor file (default under XDG)
};

/// CMD split into words as a POSIX shell splits them (blanks; '…' literal; "…" with \" \\ \$ \`
/// escapes; \ quotes the next character) without expanding anything; throws HeraldError
/// (invalid_params, field --exec) for an unterminated quote or no word at all.
std::vector<std::string> split_command(std::string_view cmd);

/// The HERALD_* variables of a reminder (the `reminder` params, or one of a digest's).
std::vector<std::pair<std::string, std::string>> reminder_env(const Json& reminder,
                                                              const date::time_zone* viewer);

/// Where watch --exec keeps its cursor by default: one file per socket and command, under
/// $XDG_STATE_HOME/herald (else ~/.local/state/herald).
std::string default_exec_state(const std::string& socket, const std::string& command);

}  // namespace herald::client
