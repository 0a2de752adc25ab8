#pragma once
/// What a command handler gets: the store, the settings, server state, the caller and "now".

#include <chrono>
#include <cstdint>
#include <vector>
#include <string>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "daemon/settings.hpp"
#include "daemon/work_budget.hpp"

namespace herald {

class Store;
class AlarmStore;
class Hub;
class Session;
namespace sync {
class Engine;
}

/// Credentials of the connected peer (SO_PEERCRED).
struct PeerCred {
    int64_t pid = -1;
    int64_t uid = -1;
    int64_t gid = -1;
    std::vector<int64_t> groups{};  ///< supplementary groups (SO_PEERGROUPS)
};

/// Server-wide counters shown by hello/status.
struct ServerState {
    Instant started{};
    size_t clients = 0;
    uint64_t requests = 0;
    uint64_t commits = 0;             ///< group-commit batches committed
    uint64_t committed_requests = 0;  ///< replies released by those batches
    /// Import chunks buffered over all sessions: of one uid, and in total (set by the server).
    std::function<std::pair<size_t, size_t>(int64_t uid)> buffered_imports{};
    /// The desktop sink's state for `status` (set by main when there is a sink).
    std::function<nlohmann::json()> desktop{};
};

/// Per-connection state of requests that span several lines (chunked calendar.import/export).
struct SessionScratch {
    std::string import_buffer;  ///< calendar.import chunks received so far
    std::string export_text;    ///< the calendar being sent by calendar.export in parts
};

/// Per-request context for handlers. Every service is a reference: the server gives each request
/// the real ones, and tests wire the same objects over a temporary database
/// (tests/daemon/daemon_fixture.hpp), so no handler checks for a missing part.
struct Context {
    Store& store;
    const Settings& settings;
    ServerState& state;
    AlarmStore& alarms;  ///< the alarm ledger
    Hub& hub;            ///< the subscriber registry
    Session& session;    ///< the calling session (its scratch, its subscription)
    PeerCred peer;
    Instant now;
    sync::Engine* sync = nullptr;  ///< CalDAV sync; null in system mode, where sync does not run
    std::function<void()> after_reply{};  ///< set by a handler to run once its reply is queued
    /// What the request's work budget is measured by (WorkBudget); unit tests set a fake clock.
    WorkClock work_clock = [] { return std::chrono::steady_clock::now(); };
};

}  // namespace herald
