#include "client/cli_schema.hpp"

#include <string>

namespace herald::client {
namespace {

/// The fixed values of an option ("TEXT:{a,b,c}" in CLI11's type name), else empty.
Json choices_of(const CLI::Option& opt) {
    Json out = Json::array();
    std::string type = opt.get_type_name();
    auto open = type.find('{'), close = type.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open) return out;
    std::string list = type.substr(open + 1, close - open - 1);
    for (size_t pos = 0; pos <= list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        out.push_back(list.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return out;
}

/// The options and positionals of `app` (one command, or the global ones).
void put_options(const CLI::App& app, Json& options, Json* positionals) {
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_positional()) {
            if (positionals != nullptr)
                positionals->push_back({{"name", opt->get_name()},
                                        {"required", opt->get_required()},
                                        {"repeatable", opt->get_expected_max() > 1},
                                        {"description", opt->get_description()}});
            continue;
        }
        Json names = Json::array();
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
        Json o{{"names", names},
               {"value", !opt->get_type_name().empty()},  // a flag has no type name
               {"repeatable", opt->get_expected_max() > 1},
               {"description", opt->get_description()}};
        if (Json c = choices_of(*opt); !c.empty()) o["choices"] = c;
        // A value that may be left out (list --month [MONTH]): completion must not insist on it.
        if (o["value"] == true && opt->get_expected_min() == 0) o["optional_value"] = true;
        options.push_back(o);
    }
}

}  // namespace

void define_cli(CLI::App& app, Cli& cli) {
    app.set_version_flag("--version", std::string("herald ") + HERALD_VERSION);
    app.add_option("--socket", cli.socket,
                   "heraldd socket (default: $HERALD_SOCKET or the user socket)");
    app.add_flag("--json", cli.json, "Machine-readable JSON output");
    app.add_option("--color", cli.color,
                   "Colour human output: auto (on a terminal, unless NO_COLOR is set or "
                   "TERM=dumb), always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    app.add_flag("--no-pager", cli.no_pager,
                 "Never send long output through $HERALD_PAGER or $PAGER (default less -FRX)");
    app.require_subcommand(1);
    app.fallthrough();
    register_event_commands(app, cli);
    register_list_command(app, cli);
    register_status_command(app, cli);
    register_until_command(app, cli);
    register_search_command(app, cli);
    register_ics_commands(app, cli);
    register_month_command(app, cli);
    register_alarm_commands(app, cli);
    register_watch_command(app, cli);
    register_sync_command(app, cli);
}

Json cli_definition(const CLI::App& app) {
    Json out{{"options", Json::array()}, {"commands", Json::array()}};
    put_options(app, out["options"], nullptr);
    for (const CLI::App* sub : app.get_subcommands({})) {
        Json c{{"name", sub->get_name()},
               {"description", sub->get_description()},
               {"options", Json::array()},
               {"positionals", Json::array()}};
        put_options(*sub, c["options"], &c["positionals"]);
        out["commands"].push_back(c);
    }
    return out;
}

}  // namespace herald::client
