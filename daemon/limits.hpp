#pragma once
/// Process resource limits heraldd adjusts at start.

#include <cstdint>

namespace herald {

/// Raises the soft RLIMIT_NOFILE to the hard limit, so the configured number of clients is not
/// capped by the (often 1024) default; returns the soft limit now in force.
uint64_t raise_fd_limit();

}  // namespace herald
