#pragma once
/// The command table: one sorted list of methods with their params, and the dispatcher.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/context.hpp"

namespace herald {

using Json = nlohmann::json;

/// What a handler returns: the JSON-RPC result as a value, or already encoded as JSON text.
/// Why both: a long agenda is written straight to text (core/agenda_json.hpp) instead of being
/// built as a document and then dumped; every other result stays a plain Json.
struct Result {
    /// A result value (the common case; `return Json{...}` and `return {{"k", v}}` both work).
    Result(Json value) : value_(std::move(value)) {}
    /// A result value from a braced list, as Json takes it.
    Result(Json::initializer_list_t init) : value_(init) {}
    /// A result already encoded as one JSON value.
    static Result encoded(std::string json_text) {
        Result r{Json()};
        r.text_ = std::move(json_text);
        r.is_text_ = true;
        return r;
    }
    /// The response line for request `id`.
    std::string encode(const Json& id) const;

  private:
    Json value_;
    std::string text_;
    bool is_text_ = false;
};

/// A handler takes validated params and returns the JSON-RPC result; it throws HeraldError.
using Handler = Result (*)(Context&, const Json& params);

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
