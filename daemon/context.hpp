#pragma once
/// What a command handler gets: the store, the settings, server state, the caller and "now".

#include <chrono>
#include <cstdint>

#include "core/time.hpp"
#include "daemon/settings.hpp"

namespace herald {

class Store;

/// Credentials of the connected peer (SO_PEERCRED).
struct PeerCred {
    int64_t pid = -1;
    int64_t uid = -1;
    int64_t gid = -1;
};

/// Server-wide counters shown by hello/status.
struct ServerState {
    Instant started{};
    size_t clients = 0;
    uint64_t requests = 0;
    uint64_t commits = 0;             ///< group-commit batches committed
    uint64_t committed_requests = 0;  ///< replies released by those batches
};

/// Per-request context for handlers.
struct Context {
    Store& store;
    const Settings& settings;
    ServerState& state;
    PeerCred peer;
    Instant now;
};

}  // namespace herald
