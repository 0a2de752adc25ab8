#pragma once
/// JSON-RPC 2.0 over newline-delimited JSON: message types and the line codec. No I/O.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"

namespace herald {

using Json = nlohmann::json;

/// Protocol version spoken by this build (docs/protocol.md).
inline constexpr int kProtocolVersion = 1;
/// Default maximum length of one request line, in bytes.
inline constexpr size_t kDefaultMaxLine = 1024 * 1024;
/// Most occurrences one agenda window may hold, over all its pages; a larger window is refused
/// (too_large) with what to narrow (docs/protocol.md, "Limits").
inline constexpr int64_t kMaxAgendaOccurrences = 100000;
/// Most occurrences one agenda reply carries; the rest follow by `next_cursor`. Why 200: a page is
/// one request's work on the daemon's one thread, a few ms in a release build.
inline constexpr size_t kAgendaPageOccurrences = 200;
/// Most occurrences an agenda with a `limit` counts past it for `total`; beyond, `total` is a
/// lower bound and `total_exact` is false. Why one page's worth: counting is expansion, as costly
/// as listing, and `herald list --limit 50` should cost the same over 10,000 or 1,000,000 events
/// (5,000 made it cost as much as the whole month at 100,000).
inline constexpr size_t kAgendaCountPastLimit = kAgendaPageOccurrences;

/// A decoded JSON-RPC request or notification.
struct Request {
    Json id;  ///< null for notifications
    std::string method;
    Json params;  ///< always an object (absent params become {})
    bool notification = false;
};

/// A request that could not be decoded, with the reply to send.
struct DecodeError {
    Json id;  ///< the request id when it could be read, else null
    ErrorCode code;
    std::string message;
};

/// Decodes one line into a request, or the error to answer with.
std::variant<Request, DecodeError> decode_request(std::string_view line);

/// Encodes a successful response line (with trailing newline).
std::string encode_result(const Json& id, const Json& result);
/// Encodes a successful response line around a result already encoded as one JSON value.
std::string encode_encoded_result(const Json& id, std::string_view result_json);
/// Appends `s` to `out` as a JSON string literal, quotes included (what dump() writes; invalid
/// UTF-8 becomes U+FFFD).
void append_json_string(std::string& out, std::string_view s);
/// Encodes an error response line; `field` goes into data.field when non-empty.
std::string encode_error(const Json& id, ErrorCode code, std::string_view message,
                         std::string_view field = {});
/// Encodes a request line (client side).
std::string encode_request(const Json& id, std::string_view method, const Json& params);
/// Encodes a server notification line (no id).
std::string encode_notification(std::string_view method, const Json& params);

/// Splits a byte stream into lines without ever buffering more than the limit: an over-long line is
/// reported once as overflow and its remaining bytes are discarded up to the next newline.
class LineDecoder {
  public:
    /// Creates a decoder for lines of at most `max_line` bytes (excluding the newline).
    explicit LineDecoder(size_t max_line = kDefaultMaxLine) : max_line_(max_line) {}

    /// Feeds bytes; calls on_line for each complete line and on_overflow for each over-long one.
    void feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
              const std::function<void()>& on_overflow);
    /// Bytes currently held for an incomplete line.
    size_t buffered() const { return buffer_.size(); }
    /// True while the rest of an over-long line is being skipped.
    bool discarding() const { return discarding_; }

  private:
    size_t max_line_;
    std::string buffer_;
    bool discarding_ = false;
};

}  // namespace herald
