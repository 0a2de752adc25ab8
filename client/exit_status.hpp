#pragma once
/// The exit code herald returns for an error (docs/man/herald.1.scd, "EXIT STATUS").

#include "core/errors.hpp"
#include "core/exit_codes.hpp"

namespace herald::client {

/// The sysexits code for an error: a protocol code maps through one table; invalid_params found
/// by the client itself means the command line was wrong (usage), from the daemon bad data.
Exit exit_for(const HeraldError& error);

}  // namespace herald::client
