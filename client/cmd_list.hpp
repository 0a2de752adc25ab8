#pragma once
/// herald list: its options and the request they make (cmd_list.cpp).

#include <cstddef>
#include <string>

#include "client/cli.hpp"
#include "client/window.hpp"

namespace herald::client {

/// herald list's options.
struct ListOptions {
    ListWindow window;                                         ///< --from, --to, --days, --past
    std::string category, calendar, status, text, format, tz;  ///< filters, --format and --tz
    size_t limit = 0;                                          ///< --limit (0: none)
    bool tba = false;                                          ///< --tba: only the undated events
    CLI::Option* month_opt = nullptr;  ///< --month [MONTH], to tell it was given
    CLI::Option* days_opt = nullptr;   ///< --days, to tell it was given
};

/// Adds list's options to the `list` subcommand, bound to `o`.
void add_list_options(CLI::App& list, ListOptions& o);

/// The agenda params `herald list` sends (the viewer set to --tz first); brief for the table.
Json list_request(Cli& cli, const ListOptions& o);

/// The calendar.export params of `herald list --format ics` (the viewer set to --tz first).
Json list_ics_request(Cli& cli, const ListOptions& o);

}  // namespace herald::client
