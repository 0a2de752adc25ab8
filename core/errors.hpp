#pragma once
/// Error codes and the exception type shared by daemon, client and core.

#include <stdexcept>
#include <string>
#include <string_view>

namespace herald {

/// Stable error codes: JSON-RPC's own plus Herald's application codes (docs/protocol.md).
enum class ErrorCode : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    not_found = 1001,
    revision_conflict = 1002,
    permission_denied = 1003,
    invalid_time = 1004,
    too_large = 1005,
    busy = 1006,
    storage_error = 1007,
};

/// Short stable name of an error code ("not_found"), used in JSON `data.kind`.
std::string_view error_kind(ErrorCode code);

/// Where an error was found: in this process, or in the daemon that answered a request. The
/// client needs it: invalid_params it finds itself is a bad command line, the daemon's is bad data.
enum class ErrorOrigin { local, daemon };

/// An error a person can act on: which field was wrong and what was expected.
class HeraldError : public std::runtime_error {
  public:
    /// Creates an error with a code, a message, optionally the offending field and its origin.
    HeraldError(ErrorCode code, std::string message, std::string field = {},
                ErrorOrigin origin = ErrorOrigin::local)
        : std::runtime_error(std::move(message)),
          code_(code),
          field_(std::move(field)),
          origin_(origin) {}
    /// The stable error code.
    ErrorCode code() const noexcept { return code_; }
    /// The request field the error is about, or empty.
    const std::string& field() const noexcept { return field_; }
    /// Whether this process found the error or a daemon's reply carried it.
    ErrorOrigin origin() const noexcept { return origin_; }

  private:
    ErrorCode code_;
    std::string field_;
    ErrorOrigin origin_;
};

/// Throws an invalid_params error about `field`.
[[noreturn]] inline void bad_param(std::string field, std::string message) {
    throw HeraldError(ErrorCode::invalid_params, std::move(message), std::move(field));
}

/// Throws an invalid_time error about `field`.
[[noreturn]] inline void bad_time(std::string field, std::string message) {
    throw HeraldError(ErrorCode::invalid_time, std::move(message), std::move(field));
}

}  // namespace herald
