#include "client/exit_status.hpp"

#include <regex>
#include <string_view>
#include <utility>

namespace herald::client {
namespace {

/// Each protocol error code (docs/protocol.md) and what a script sees; any other is software.
constexpr std::pair<ErrorCode, Exit> kExitOfCode[] = {
    {ErrorCode::invalid_params, Exit::data},
    {ErrorCode::invalid_time, Exit::data},
    {ErrorCode::too_large, Exit::data},
    {ErrorCode::not_found, Exit::no_input},
    {ErrorCode::permission_denied, Exit::no_perm},
    // Why temp_fail: both pass by themselves; running the command again can succeed.
    {ErrorCode::revision_conflict, Exit::temp_fail},
    {ErrorCode::busy, Exit::temp_fail},
};

/// The option of add/edit/list that sets each field the daemon may name in an error.
constexpr std::pair<std::string_view, std::string_view> kOptionOfField[] = {
    {"start", "--at"},
    {"end", "--end"},
    {"end_tz", "--end"},
    {"tz", "--tz"},
    {"duration", "--duration"},
    {"rrule", "--rrule"},
    {"exdates", "--except"},
    {"alarms", "--remind"},
    {"location", "--location"},
    {"categories", "--category"},
    {"source", "--source"},
    {"description", "--description"},
    {"url", "--url"},
    {"status", "--status"},
    {"uid", "--uid"},
    {"from", "--from"},
    {"to", "--to"},
    {"since", "--since"},
};

/// The option a field names: itself when it is one ("--at"), the option that sets a daemon's
/// field ("changes.start" -> "--at"), else empty.
std::string_view option_of(const HeraldError& error) {
    std::string_view field = error.field();
    if (error.origin() == ErrorOrigin::local) return field.rfind("-", 0) == 0 ? field : "";
    for (std::string_view prefix : {"event.", "changes."})
        if (field.rfind(prefix, 0) == 0) field.remove_prefix(prefix.size());
    field = field.substr(0, field.find_first_of(".["));  // alarms[0].trigger -> alarms
    for (const auto& [name, option] : kOptionOfField)
        if (name == field) return option;
    return "";
}

}  // namespace

std::string error_line(const HeraldError& error) {
    std::string_view option = option_of(error);
    std::string message = error.what();
    if (option.empty() || message.find(option) != std::string::npos) return message;
    return std::string(option) + ": " + message;
}

Exit exit_for(const HeraldError& error) {
    // Why a type and not the code: the rule is 64 for a command line wrong as a whole, 65 for a
    // value that cannot be read, and both are invalid_params in the protocol's terms.
    if (const auto* own = dynamic_cast<const ClientError*>(&error)) return own->exit();
    for (const auto& [code, exit] : kExitOfCode)
        if (code == error.code()) return exit;
    return Exit::software;
}

}  // namespace herald::client

namespace herald::client {

std::string parse_error_line(const CLI::App& app, const CLI::ParseError& error) {
    std::string message = error.what();
    const CLI::App* command = nullptr;
    for (const auto* sub : app.get_subcommands()) command = sub;
    if (command == nullptr && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
        std::string names;
        for (const auto* sub : app.get_subcommands({}))
            names += (names.empty() ? "" : ", ") + sub->get_name();
        auto rest = app.remaining();
        message = (rest.empty() ? std::string("expected a command")
                                : "unknown command '" + rest.front() + "'") +
                  "; expected one of " + names;
    }
    // CLI11's wording for the two cases that name its internals ("TEXT", "convert").
    static const std::regex convert{"Could not convert: (\\S+) = (.*)"};
    static const std::regex missing{"(\\S+): \\d+ required \\S+ missing"};
    message = std::regex_replace(message, convert, "$1: expected a whole number, got '$2'");
    message = std::regex_replace(message, missing, "$1 needs a value");
    return message + " (see herald " + (command ? command->get_name() + " " : "") + "--help)";
}

}  // namespace herald::client
