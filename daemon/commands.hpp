#pragma once
/// The command table: one sorted list of methods with their params, and the dispatcher.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/context.hpp"

namespace herald {

using Json = nlohmann::json;

/// A handler takes validated params and returns the JSON-RPC result; it throws HeraldError.
using Handler = Json (*)(Context&, const Json& params);

/// One method: its name, handler, and its required and optional params (comma-separated).
struct Command {
    std::string_view name;
    Handler handler;
    std::string_view required;
    std::string_view optional;
};

/// Finds a method by name in the sorted table; nullptr when unknown.
const Command* find_command(std::string_view name);

/// Names of all methods, sorted.
std::vector<std::string> command_names();

/// What dispatch did with one line.
struct Dispatched {
    std::string reply;  ///< the response line; empty for notifications
    Json id;            ///< the request id (null when absent or undecodable)
    bool ok = false;    ///< true when a handler ran and returned a result
};

/// Decodes one request line, checks its params against the table, runs the handler and returns
/// the response and whether it succeeded. Never throws.
Dispatched dispatch(Context& ctx, std::string_view line);

/// dispatch() reduced to the response line (empty for notifications). Never throws.
std::string dispatch_line(Context& ctx, std::string_view line);

}  // namespace herald
