#include "client/exit_status.hpp"

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

}  // namespace

Exit exit_for(const HeraldError& error) {
    if (error.code() == ErrorCode::invalid_params && error.origin() == ErrorOrigin::local)
        return Exit::usage;
    for (const auto& [code, exit] : kExitOfCode)
        if (code == error.code()) return exit;
    return Exit::software;
}

}  // namespace herald::client
