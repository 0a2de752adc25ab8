#pragma once
/// The command table: one sorted list of methods with their params, and the dispatcher.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/context.hpp"
#include "daemon/reply.hpp"

namespace herald {

using Json = nlohmann::json;

struct Result;

/// What became of a sliced request's earlier slices when its next one starts.
enum class Earlier {
    pending,    ///< not known to be committed yet
    committed,  ///< all of them are durable
    lost,       ///< a commit failed: those since the last `committed` are not stored
};

/// Long work a handler leaves to run in slices between other clients' requests (a big import).
/// Each call runs one slice of a few milliseconds, in its own request scope, and is told what
/// became of the earlier ones. Returns the result once the work is done, nullopt while more
/// remains. Throws HeraldError as a handler does.
using Continuation = std::function<std::optional<Result>(Context&, Earlier earlier)>;

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
    /// No result yet: `work` runs in slices and gives it (see Continuation).
    static Result later(Continuation work) {
        Result r{Json()};
        r.later_ = std::move(work);
        return r;
    }
    /// The response line for request `id`.
    std::string encode(const Json& id) const;
    /// The work still to run, when the handler returned later().
    Continuation& continuation() { return later_; }

  private:
    Json value_;
    Continuation later_;
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

/// What dispatch did with one line: the reply (empty while `more` remains to run).
struct Dispatched {
    Reply reply;
    Continuation more;          ///< unfinished work (Result::later), run by resume()
    bool notification = false;  ///< no reply is sent, even when the work finishes
};

/// Decodes one request line, checks its params against the table, runs the handler and returns
/// the response and whether it succeeded. Never throws.
Dispatched dispatch(Context& ctx, std::string_view line);

/// Runs the next slice of `d.more` (a dispatched request's unfinished work) and returns what it
/// left: the final reply, or more work. Never throws.
Dispatched resume(Context& ctx, Dispatched d, Earlier earlier);

/// dispatch() reduced to the response line (empty for notifications), unfinished work run to its
/// end at once (tests and tools without a server). Never throws.
std::string dispatch_line(Context& ctx, std::string_view line);

}  // namespace herald
