#pragma once
/// herald add / edit: their options and the requests they make (cmd_event.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "client/cli.hpp"

namespace herald::client {

/// Options shared by add and edit; the option pointers tell what was given.
struct EventOptions {
    std::string title, at, end, tz, location, source, description, url, uid, duration, status,
        calendar;
    std::vector<std::string> categories;
    std::string repeat, rrule;
    std::vector<std::string> excepts, no_excepts;  ///< --except, --no-except (edit only)
    bool anniversary = false;
    CLI::Option *repeat_opt{}, *rrule_opt{};
    std::vector<std::string> remind, remind_at;
    bool no_remind = false;
    bool tentative = false, tba = false, floating = false, is_public = false, local = false;
    bool keep_instant = false;  ///< edit --tz ZONE --keep-instant: the instant, not the wall time
    CLI::Option *at_opt{}, *end_opt{}, *tz_opt{}, *location_opt{}, *source_opt{},
        *description_opt{}, *url_opt{}, *category_opt{}, *duration_opt{}, *status_opt{},
        *title_opt{}, *calendar_opt{};
    int64_t id = 0;
};

/// Adds add's title and options to the `add` subcommand, bound to `o`.
void add_add_options(CLI::App& add, EventOptions& o);

/// Adds edit's id and options to the `edit` subcommand, bound to `o`.
void add_edit_options(CLI::App& edit, EventOptions& o);

/// The event.add params for the given options.
Json add_request(Cli& cli, EventOptions& o);

/// The event.update params for the given options, against the event as stored (`current`).
Json edit_request(Cli& cli, EventOptions& o, const Json& current);

/// herald rm's ids and --on.
struct RmOptions {
    std::vector<int64_t> ids;  ///< one or more event ids
    std::string on;            ///< --on DATE: remove only that occurrence
};

/// Adds rm's ids and options to the `rm` subcommand, bound to `o`.
void add_rm_options(CLI::App& rm, RmOptions& o);

/// The event.update params of `herald rm ID --on DATE`: the stored exceptions plus DATE.
Json rm_on_request(Cli& cli, const std::string& date, const Json& current);

}  // namespace herald::client
