#pragma once
/// State shared by the subcommands: global options, the viewer's zone, "now", the connection.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "client/connection.hpp"
#include "client/render.hpp"
#include "client/style.hpp"
#include "core/exit_codes.hpp"
#include "core/time.hpp"
#include "core/when.hpp"

namespace herald::client {

/// Global options and lazily opened connection.
struct Cli {
    std::string socket;          ///< --socket / HERALD_SOCKET / default path
    bool json = false;           ///< --json
    std::string color = "auto";  ///< --color
    bool no_pager = false;       ///< --no-pager
    Instant now{};               ///< the moment the command started
    Exit exit_code = Exit::ok;   ///< set by the subcommand that ran

    /// The connection, opened on first use.
    Connection& conn();
    /// The user's zone ($TZ or /etc/localtime, else UTC), looked up on first use: date/tz loads
    /// its whole database then, which a command that needs only the name is spared.
    const date::time_zone* viewer();
    /// The name of the user's zone, without loading the tz database.
    const std::string& viewer_name();
    /// Views from another zone (list --tz).
    void set_viewer(const date::time_zone* zone);
    /// How human output is shown (colour, width, pager), decided on first use from the global
    /// options, the environment and stdout; --json output is never coloured.
    const Style& style();
    /// Writes human output (cli.style(): through the pager when long, on a terminal).
    void emit(std::string_view text);
    /// Context for parsing WHEN arguments; `event_tz` is the zone for timed results, `upcoming`
    /// false for a window's bounds (WhenContext::upcoming).
    WhenContext when(const std::string& event_tz = {}, bool upcoming = true) {
        return {now, viewer(), event_tz, upcoming};
    }

  private:
    std::unique_ptr<Connection> conn_;
    const date::time_zone* viewer_ = nullptr;
    std::string viewer_name_;
    bool name_looked_up_ = false;
    std::optional<Style> style_;
};

/// The context human rows are rendered in: the style, now and (with colour) the viewer's today.
RenderContext render_context(Cli& cli);

/// Prints a JSON value for --json output (one document, newline-terminated).
void print_json(const Json& j);

/// Registers each subcommand on `app` (cmd_*.cpp).
void register_event_commands(CLI::App& app, Cli& cli);  // add, show, edit, rm
void register_list_command(CLI::App& app, Cli& cli);    // list
void register_status_command(CLI::App& app, Cli& cli);  // status
void register_until_command(CLI::App& app, Cli& cli);   // until (cmd_until.cpp)
void register_search_command(CLI::App& app, Cli& cli);  // search (cmd_search.cpp)
void register_ics_commands(CLI::App& app, Cli& cli);    // import, export (cmd_ics.cpp)
void register_month_command(CLI::App& app, Cli& cli);   // cal (cmd_month.cpp)
void register_alarm_commands(CLI::App& app, Cli& cli);  // ack, snooze, next, missed
void register_watch_command(CLI::App& app, Cli& cli);   // watch
void register_sync_command(CLI::App& app, Cli& cli);    // sync (cmd_sync.cpp)

}  // namespace herald::client
