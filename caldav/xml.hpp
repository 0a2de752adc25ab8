#pragma once
/// WebDAV/CalDAV XML: the request bodies heraldd sends and the multistatus replies it reads
/// (RFC 4918, 4791, 6578). Pure: text in, values out; namespaces are matched by URI, not prefix.

#include <string>
#include <string_view>
#include <vector>

namespace herald::caldav {

/// One <response> of a multistatus: a resource and the properties the server returned for it.
struct DavResource {
    std::string href;                    ///< as the server wrote it (percent-encoded path or URL)
    int status = 200;                    ///< the response's status (404: removed, in sync reports)
    std::string etag;                    ///< getetag, quotes kept (sent back in If-Match as is)
    std::string calendar_data;           ///< calendar-data, when asked for
    std::string displayname;             ///< displayname
    bool collection = false;             ///< resourcetype has DAV:collection
    bool calendar = false;               ///< resourcetype has CALDAV:calendar
    bool sync_collection = false;        ///< supported-report-set lists DAV:sync-collection
    std::string current_user_principal;  ///< current-user-principal's href
    std::string calendar_home_set;       ///< calendar-home-set's (first) href
};

/// A parsed multistatus body.
struct Multistatus {
    std::vector<DavResource> resources;
    std::string sync_token;  ///< the report's sync-token (RFC 6578), empty when none
};

/// Reads a 207 Multi-Status body; throws std::runtime_error saying what is wrong when the text is
/// not XML or its root is not DAV:multistatus. Properties of a propstat whose status is not 2xx
/// are ignored (a server lists the properties it does not have with 404).
Multistatus parse_multistatus(std::string_view xml);

/// PROPFIND body asking what discovery needs: resourcetype, displayname, supported-report-set,
/// and with `principal` current-user-principal and calendar-home-set.
std::string propfind_discovery_body(bool principal = true);
/// REPORT sync-collection (RFC 6578) for getetag since `token` ("" = initial sync), depth 1.
std::string sync_collection_body(std::string_view token);
/// REPORT calendar-query listing every VEVENT resource's getetag (the fallback without sync), and
/// with `calendar_data` its text too (fetching a whole collection at once).
std::string calendar_query_body(bool calendar_data);
/// REPORT calendar-multiget for the getetag and calendar-data of `hrefs`.
std::string multiget_body(const std::vector<std::string>& hrefs);
/// MKCALENDAR body naming the new calendar `displayname`, for VEVENTs.
std::string mkcalendar_body(std::string_view displayname);

/// The numeric code of a status line ("HTTP/1.1 404 Not Found" → 404); 0 when unreadable.
int status_code(std::string_view status_line);

}  // namespace herald::caldav
