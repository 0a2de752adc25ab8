#pragma once
/// HTTP for CalDAV through libcurl: one blocking easy handle, used only by the sync worker thread
/// (never by the loop). TLS with the system CA store plus an optional CA file.

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace herald::caldav {

/// Why a sync failed, as the client maps it to an exit status.
enum class Failure {
    unavailable,  ///< no connection, timeout, 5xx: the server is down (exit 69)
    busy,         ///< 503/429: the server asks to come back later (exit 75)
    denied,       ///< 401/403: the credentials are refused (exit 77)
    protocol,     ///< the server answered something CalDAV does not allow (exit 76)
};

/// A failure of one exchange, with a message quoting the server (never the credentials).
class CalDavError : public std::runtime_error {
  public:
    /// An error of `kind` saying `message`.
    CalDavError(Failure kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    /// What kind of failure this is.
    Failure kind() const { return kind_; }

  private:
    Failure kind_;
};

/// The stable name of a failure kind ("unavailable", "busy", "denied", "protocol").
const char* to_string(Failure kind);

/// One HTTP response.
struct HttpResponse {
    long status = 0;
    std::string status_line;  ///< "HTTP/1.1 412 Precondition Failed"
    std::string etag;         ///< the ETag header, when sent
    std::string location;     ///< the Location header, when sent (a redirect's target)
    std::string body;
};

/// How long an exchange may go without a byte either way before it is abandoned. Why a stall
/// bound and not a total: a large collection's reply takes as long as the server needs, and
/// Radicale 3.1 sends nothing until it has read every resource once (a cold 10,000-event
/// collection: 40 s of silence on an idle 2-core machine, over 60 s on a busy one). Why 300 s:
/// several times that; stopping heraldd does not wait for it (HttpOptions::cancel).
inline constexpr long kStallSeconds = 300;

/// How to reach a server.
struct HttpOptions {
    std::string username;  ///< empty: no authentication
    std::string password;
    std::string ca_file;                 ///< extra CA bundle; empty: the system's
    long stall_seconds = kStallSeconds;  ///< abandon an exchange silent this long
    /// When set and true, a transfer in progress is abandoned (heraldd is stopping).
    const std::atomic<bool>* cancel = nullptr;
};

/// A blocking HTTP client over one libcurl easy handle (connections are reused).
class HttpClient {
  public:
    /// A client authenticating with `options`.
    explicit HttpClient(HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends `method` to `url` with `body` and extra `headers` ("Depth: 1"). A transport failure
    /// throws CalDavError(unavailable); any HTTP status is returned.
    HttpResponse request(const std::string& method, const std::string& url, const std::string& body,
                         const std::vector<std::string>& headers);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::caldav
