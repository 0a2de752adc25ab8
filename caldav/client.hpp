#pragma once
/// A CalDAV client over HttpClient: finding the collection (RFC 6764 well-known,
/// current-user-principal, calendar-home-set, or the URL itself), listing changes (RFC 6578
/// sync-collection, else a calendar-query etag listing), fetching (calendar-multiget) and
/// conditional writes. Runs on the sync worker thread only.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caldav/http.hpp"
#include "caldav/xml.hpp"

namespace herald::caldav {

/// The path of an href or URL, percent-decoding nothing: the form hrefs are kept in, what two
/// spellings of one resource share ("https://h/a/b.ics" and "/a/b.ics").
std::string path_of(const std::string& href);
/// "https://host:port" of an absolute URL; throws CalDavError(protocol) when it has none.
std::string origin_of(const std::string& url);
/// An href (a path or an absolute URL) made absolute against `base`'s origin.
std::string absolute_url(const std::string& base, const std::string& href);
/// `url` without user information ("https://bob:pw@host/" → "https://host/"), for messages.
std::string redact(const std::string& url);
/// The href of a new resource for `uid` in `collection`: the uid percent-encoded + ".ics".
std::string resource_url(const std::string& collection, const std::string& uid);

/// What changed in a collection since a sync token (or, listed in full, what is there).
struct Changes {
    std::vector<DavResource> changed;  ///< href and etag of resources added or modified
    std::vector<std::string> removed;  ///< hrefs gone from the server
    std::string token;                 ///< the new sync token ("" without sync-collection)
    bool listed = false;               ///< a full listing: every href not in `changed` is gone
};

/// Outcome of a conditional PUT or DELETE.
struct WriteResult {
    enum class Kind { ok, conflict, gone } kind = Kind::ok;  ///< 2xx; 412; 404 on DELETE
    std::string etag;  ///< the new etag of a PUT, when the server sent one
    std::string status_line;
};

/// A CalDAV session with one server.
class CalDavClient {
  public:
    /// A client sending through `http`.
    explicit CalDavClient(HttpClient& http) : http_(http) {}

    /// The calendar collection for `url`: the URL itself when it is one; else discovered from it
    /// (or its server's /.well-known/caldav): the principal's calendar home and there the
    /// collection named `name` (last path segment or displayname), or the only one. With
    /// `create`, a missing collection is made (MKCALENDAR at `url`, or under the home).
    std::string find_collection(const std::string& url, const std::string& name, bool create);
    /// Changes in `collection` since `token` via sync-collection; a token the server no longer
    /// knows, or a server without the report, gives a full listing instead.
    Changes changes(const std::string& collection, const std::string& token);
    /// The resources at `hrefs` with etag and calendar data: calendar-multiget in batches, or,
    /// when they are many and at least a quarter of the `collection_size` resources, one
    /// calendar-query of the whole collection keeping those at `hrefs`.
    std::vector<DavResource> fetch(const std::string& collection,
                                   const std::vector<std::string>& hrefs,
                                   size_t collection_size = 0);
    /// PUT `ics` to `url`: If-Match `etag`, or If-None-Match * when `etag` is empty.
    WriteResult put(const std::string& url, const std::string& ics, const std::string& etag);
    /// DELETE `url` with If-Match `etag` (when known).
    WriteResult remove(const std::string& url, const std::string& etag);

  private:
    /// PROPFIND depth `depth` of the discovery properties (`principal`: with the principal's);
    /// nullopt on 404.
    std::optional<Multistatus> propfind(const std::string& url, int depth, bool principal = true);
    /// The context URL that `url`'s server's /.well-known/caldav leads to (RFC 6764 §5): its
    /// redirects followed, at most kMaxRedirects, never from https to http; nullopt when the
    /// server has no such URL (it neither redirects nor answers 207 there).
    std::optional<std::string> well_known(const std::string& url);
    /// Redirects followed from a well-known URL.
    static constexpr int kMaxRedirects = 5;
    /// REPORT `body` on `url` (depth 1) → its multistatus; throws on a non-207 status.
    Multistatus report(const std::string& url, const std::string& body);
    /// The collection under a principal's calendar home, or "" when none matches.
    std::string in_home(const std::string& base, const std::string& principal,
                        const std::string& name, bool create);
    void make_calendar(const std::string& url, const std::string& name);
    HttpResponse send(const std::string& method, const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers);

    HttpClient& http_;
};

/// Throws the CalDavError a failed response means: 401/403 denied, 429/503 busy, other 5xx
/// unavailable, anything else protocol; the message names the request and the status line.
[[noreturn]] void fail_on(const std::string& what, const HttpResponse& r);

}  // namespace herald::caldav
