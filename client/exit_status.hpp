#pragma once
/// The exit code herald returns for an error, and the line it prints (docs/man/herald.1.scd,
/// "EXIT STATUS").

#include <string>

#include <CLI/CLI.hpp>

#include "core/errors.hpp"
#include "core/exit_codes.hpp"

namespace herald::client {

/// An error the client finds that has its own exit code (a file it cannot create: 73).
class ClientError : public HeraldError {
  public:
    /// An error about `field` (an option, or empty) that exits `exit`.
    ClientError(Exit exit, std::string message, std::string field = {})
        : HeraldError(ErrorCode::invalid_params, std::move(message), std::move(field)),
          exit_(exit) {}
    /// The exit code.
    Exit exit() const noexcept { return exit_; }

  private:
    Exit exit_;
};

/// A command line wrong as a whole: options that contradict, a required one missing, nothing
/// to do. It exits 64 (usage); a value that cannot be read (a date, month, duration, zone) is
/// bad data, 65, like every invalid_params error.
class UsageError : public ClientError {
  public:
    /// A usage error about `field` (an option, or empty).
    explicit UsageError(std::string message, std::string field = {})
        : ClientError(Exit::usage, std::move(message), std::move(field)) {}
};

/// Thrown by a command that writes for as long as it runs (watch) when a write to stdout failed;
/// main stops there, says why and exits 74.
class OutputLost : public std::exception {
  public:
    /// `reason`: strerror of the failed write ("No space left on device").
    explicit OutputLost(std::string reason) : reason_(std::move(reason)) {}
    /// The reason.
    const char* what() const noexcept override { return reason_.c_str(); }

  private:
    std::string reason_;
};

/// The sysexits code for an error: a ClientError's own (UsageError 64); the protocol codes map
/// through one table (invalid_params, wherever found, is bad data: 65).
Exit exit_for(const HeraldError& error);

/// The line printed after "herald: " for a command line CLI11 refused (exit 64): one line,
/// naming the unknown command or option and the --help to read.
std::string parse_error_line(const CLI::App& app, const CLI::ParseError& error);

/// The line printed after "herald: " for `error`: its message, after the command-line option it
/// is about when the message does not name it already. Internal names (a protocol field, a
/// positional argument's name) are never shown: the daemon's fields are shown as the option
/// that sets them, or not at all.
std::string error_line(const HeraldError& error);

}  // namespace herald::client
