#pragma once
/// The exit code herald returns for an error, and the line it prints (docs/man/herald.1.scd,
/// "EXIT STATUS").

#include <string>

#include "core/errors.hpp"
#include "core/exit_codes.hpp"

namespace herald::client {

/// A command line wrong as a whole: options that contradict, a required one missing, nothing
/// to do. It exits 64 (usage); a value that cannot be read (a date, month, duration, zone) is
/// bad data, 65, like every invalid_params error.
class UsageError : public HeraldError {
  public:
    /// A usage error about `field` (an option, or empty).
    explicit UsageError(std::string message, std::string field = {})
        : HeraldError(ErrorCode::invalid_params, std::move(message), std::move(field)) {}
};

/// The sysexits code for an error: a UsageError is 64; the protocol codes map through one table
/// (invalid_params, wherever found, is bad data: 65).
Exit exit_for(const HeraldError& error);

/// The line printed after "herald: " for `error`: its message, after the command-line option it
/// is about when the message does not name it already. Internal names (a protocol field, a
/// positional argument's name) are never shown: the daemon's fields are shown as the option
/// that sets them, or not at all.
std::string error_line(const HeraldError& error);

}  // namespace herald::client
