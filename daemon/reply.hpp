#pragma once
/// A request's reply on its way out: the line, its request id and whether the request succeeded,
/// and the sink it leaves through. Shared by the dispatcher (which makes replies), the group
/// commit (which holds them until their batch is durable) and the server (which sends them).

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace herald {

/// One request's outcome.
struct Reply {
    std::string line;   ///< the response line; empty for a notification or unfinished work
    nlohmann::json id;  ///< the request id (null when absent or undecodable)
    bool ok = false;    ///< true when a handler ran and returned a result
};

/// Takes a reply line once it may leave: at once, or when its batch has committed.
using ReplySink = std::function<void(std::string line)>;

}  // namespace herald
