#include "caldav/client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <set>

namespace herald::caldav {
namespace {

// Why 200 hrefs per calendar-multiget (measured, docs/caldav-status.md): Radicale serves a
// resource in 0.14 ms in batches of 50 and 0.09-0.11 ms from 200 to 1,000, so larger batches gain
// nothing, while a batch's reply (about 110 KB at 200) stays small and each request shows
// progress to the low-speed timeout. Xandikos 0.2.8 looks every href up in its whole git index
// (115 ms per href at 10,000 resources, at any batch size): see kWholeFetch.
constexpr size_t kMultigetBatch = 200;
// Why fetch the whole collection (one calendar-query with calendar-data) once more than
// kMultigetBatch resources are wanted and they are at least a quarter of it: the server then
// reads every resource once (Xandikos: 10,000 in 3.6 s instead of about 19 minutes of multiget;
// Radicale: 0.8 s instead of 1.1 s), and its reply is at most four times what was wanted.
constexpr size_t kWholeFetchShare = 4;
const std::vector<std::string> kXml{"Content-Type: application/xml; charset=utf-8"};

std::vector<std::string> with(std::vector<std::string> headers, std::string more) {
    headers.push_back(std::move(more));
    return headers;
}

/// The multistatus of a 207 reply to `what`; a body that is not one is a protocol failure.
Multistatus read_multistatus(const std::string& what, const std::string& body) {
    try {
        return parse_multistatus(body);
    } catch (const std::exception& e) {
        throw CalDavError(Failure::protocol, what + ": " + e.what());
    }
}

std::string with_slash(std::string s) {
    if (s.empty() || s.back() != '/') s += '/';
    return s;
}

/// The last path segment of a collection ("/alice/office/" → "office").
std::string last_segment(const std::string& href) {
    std::string p = path_of(href);
    while (!p.empty() && p.back() == '/') p.pop_back();
    return p.substr(p.rfind('/') + 1);
}

}  // namespace

std::string path_of(const std::string& href) {
    auto scheme = href.find("://");
    if (scheme == std::string::npos) return href;
    auto slash = href.find('/', scheme + 3);
    return slash == std::string::npos ? "/" : href.substr(slash);
}

std::string origin_of(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos)
        throw CalDavError(Failure::protocol, "not an absolute URL: " + redact(url));
    auto slash = url.find('/', scheme + 3);
    return slash == std::string::npos ? url : url.substr(0, slash);
}

std::string absolute_url(const std::string& base, const std::string& href) {
    if (href.find("://") != std::string::npos) return href;
    return origin_of(base) + (href.empty() || href[0] != '/' ? "/" : "") + href;
}

std::string redact(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    auto end = url.find('/', scheme + 3);
    auto at = url.find('@', scheme + 3);
    if (at == std::string::npos || (end != std::string::npos && at > end)) return url;
    return url.substr(0, scheme + 3) + url.substr(at + 1);
}

std::string resource_url(const std::string& collection, const std::string& uid) {
    // Why not percent-encode the uid: servers write an encoded href back in their own spelling
    // (one encodes '@', another not), and an href must compare equal to the one we wrote. A
    // name of unreserved characters only is spelt one way; other uids are named by a hash.
    bool plain = !uid.empty() && uid.size() <= 200;
    for (char ch : uid) {
        const auto c = static_cast<unsigned char>(ch);
        plain = plain && (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~');
    }
    if (plain) return with_slash(collection) + uid + ".ics";
    uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
    for (char c : uid) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    char name[32];
    std::snprintf(name, sizeof name, "herald-%016llx", static_cast<unsigned long long>(h));
    return with_slash(collection) + name + ".ics";
}

void fail_on(const std::string& what, const HttpResponse& r) {
    std::string msg = what + ": the server answered " +
                      (r.status_line.empty() ? std::to_string(r.status) : r.status_line);
    if (r.status == 401 || r.status == 403)
        throw CalDavError(Failure::denied, msg + " (check username and password_file)");
    if (r.status == 429 || r.status == 503) throw CalDavError(Failure::busy, msg);
    if (r.status >= 500) throw CalDavError(Failure::unavailable, msg);
    throw CalDavError(Failure::protocol, msg);
}

HttpResponse CalDavClient::send(const std::string& method, const std::string& url,
                                const std::string& body, const std::vector<std::string>& headers) {
    return http_.request(method, url, body, headers);
}

std::optional<Multistatus> CalDavClient::propfind(const std::string& url, int depth,
                                                  bool principal) {
    HttpResponse r = send("PROPFIND", url, propfind_discovery_body(principal),
                          with(kXml, "Depth: " + std::to_string(depth)));
    if (r.status == 404) return std::nullopt;
    if (r.status != 207) fail_on("PROPFIND " + redact(url), r);
    return read_multistatus("PROPFIND " + redact(url), r.body);
}

Multistatus CalDavClient::report(const std::string& url, const std::string& body) {
    HttpResponse r = send("REPORT", url, body, with(kXml, "Depth: 1"));
    if (r.status != 207) fail_on("REPORT " + redact(url), r);
    return read_multistatus("REPORT " + redact(url), r.body);
}

void CalDavClient::make_calendar(const std::string& url, const std::string& name) {
    HttpResponse r = send("MKCALENDAR", url, mkcalendar_body(name), kXml);
    if (r.status == 409) {
        // RFC 4791 §5.3.1: 409 when a parent collection is missing (Radicale without a login
        // has no principal collection yet): make the parent, then the calendar.
        std::string parent = url.substr(0, url.rfind('/', url.size() - 2) + 1);
        HttpResponse p = send("MKCOL", parent, "", {});
        if (p.status != 201 && p.status != 405) fail_on("MKCOL " + redact(parent), p);
        r = send("MKCALENDAR", url, mkcalendar_body(name), kXml);
    }
    if (r.status != 201) fail_on("MKCALENDAR " + redact(url), r);
}

std::optional<std::string> CalDavClient::well_known(const std::string& url) {
    std::string at = origin_of(url) + "/.well-known/caldav";
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        HttpResponse r =
            send("PROPFIND", at, propfind_discovery_body(true), with(kXml, "Depth: 0"));
        const bool redirect = r.status == 301 || r.status == 302 || r.status == 303 ||
                              r.status == 307 || r.status == 308;
        // Why 207 only: a server without the well-known URL answers 404 (or a web page), and then
        // the URL given is the context itself.
        if (!redirect || r.location.empty())
            return r.status == 207 ? std::optional<std::string>(at) : std::nullopt;
        std::string next = absolute_url(at, r.location);
        // Why never from https to http: the credentials go with the next request.
        if (at.rfind("https:", 0) == 0 && next.rfind("https:", 0) != 0)
            throw CalDavError(Failure::protocol, redact(at) + " redirects to " + redact(next) +
                                                     ", which is not https: refused");
        at = next;
    }
    throw CalDavError(Failure::protocol, "more than " + std::to_string(kMaxRedirects) +
                                             " redirects from " + redact(origin_of(url)) +
                                             "/.well-known/caldav");
}

std::string CalDavClient::find_collection(const std::string& given, const std::string& name,
                                          bool create) {
    // RFC 6764 §6: a server's bare URL ("https://dav.example.org/") is discovered from its
    // well-known URL, which redirects to the context path (a server's root is often a web page).
    const std::string url = path_of(given) == "/" ? well_known(given).value_or(given) : given;
    std::optional<Multistatus> self;
    try {
        self = propfind(url, 0);
    } catch (const CalDavError& e) {
        // Radicale without a login (the README's recipe) answers 401 to an anonymous request for
        // current-user-principal, yet serves the collection: a machine joining a collection
        // another one made asks for the collection's own properties.
        if (e.kind() != Failure::denied) throw;
        auto plain = propfind(url, 0, false);
        if (!plain || plain->resources.empty() || !plain->resources.front().calendar) throw;
        return with_slash(url);
    }
    if (self && !self->resources.empty() && self->resources.front().calendar)
        return with_slash(url);
    std::string principal;
    if (self && !self->resources.empty())
        principal = self->resources.front().current_user_principal;
    if (principal.empty() && !self) {
        if (create) {
            make_calendar(with_slash(url), name);
            return with_slash(url);
        }
        throw CalDavError(Failure::protocol,
                          "no calendar at " + redact(url) +
                              " (404); set create = true to make it, or give an existing one");
    }
    std::string base = url;
    if (principal.empty()) {
        // RFC 6764: a collection that names no principal; the context the server's well-known
        // URL leads to may.
        if (auto context = well_known(url)) {
            base = *context;
            auto known = propfind(base, 0);
            if (known && !known->resources.empty())
                principal = known->resources.front().current_user_principal;
        }
    }
    if (principal.empty())
        throw CalDavError(Failure::protocol, redact(url) +
                                                 " is not a calendar and names no "
                                                 "current-user-principal to discover one from");
    std::string found = in_home(base, principal, name, create);
    if (found.empty())
        throw CalDavError(Failure::protocol, "no calendar named \"" + name + "\" under " +
                                                 redact(url) + " (set create = true to make it)");
    return found;
}

std::string CalDavClient::in_home(const std::string& base, const std::string& principal,
                                  const std::string& name, bool create) {
    auto p = propfind(absolute_url(base, principal), 0);
    if (!p || p->resources.empty() || p->resources.front().calendar_home_set.empty())
        throw CalDavError(Failure::protocol,
                          "the principal " + principal + " names no calendar-home-set");
    std::string home = absolute_url(base, p->resources.front().calendar_home_set);
    auto listing = propfind(home, 1);
    std::vector<std::string> calendars;
    for (const auto& r : listing ? listing->resources : std::vector<DavResource>{}) {
        if (!r.calendar) continue;
        if (last_segment(r.href) == name || r.displayname == name)
            return with_slash(absolute_url(base, r.href));
        calendars.push_back(r.href);
    }
    if (create) {
        std::string url = with_slash(home) + name + "/";
        make_calendar(url, name);
        return url;
    }
    return calendars.size() == 1 ? with_slash(absolute_url(base, calendars.front())) : "";
}

Changes CalDavClient::changes(const std::string& collection, const std::string& token) {
    Changes out;
    HttpResponse r =
        send("REPORT", collection, sync_collection_body(token), with(kXml, "Depth: 1"));
    // Why fall back on 403/409/400/501: that is how servers say the token is no longer valid
    // (RFC 6578 §3.2 valid-sync-token) or that they do not offer the report.
    if (r.status == 207) {
        Multistatus ms = read_multistatus("REPORT sync-collection " + redact(collection), r.body);
        for (auto& res : ms.resources) {
            if (path_of(res.href) == path_of(collection)) continue;  // the collection itself
            if (res.status == 404)
                out.removed.push_back(res.href);
            else
                out.changed.push_back(std::move(res));
        }
        out.token = ms.sync_token;
        out.listed = token.empty();
        return out;
    }
    // Why a 500 to a token falls back too: Xandikos (0.2.8) answers a token it no longer knows
    // (a commit its repository lost) with 500 instead of valid-sync-token. A listing then costs
    // O(calendar) once, where failing would stop every later run for good; a server that is
    // really failing fails the listing as well.
    const bool token_refused = !token.empty() && r.status == 500;
    if (!token_refused && (r.status == 401 || r.status == 429 || r.status == 503 ||
                           (r.status >= 500 && r.status != 501)))
        fail_on("REPORT sync-collection " + redact(collection), r);
    Multistatus ms = report(collection, calendar_query_body(false));
    for (auto& res : ms.resources)
        if (path_of(res.href) != path_of(collection) && res.status / 100 == 2)
            out.changed.push_back(std::move(res));
    out.listed = true;
    return out;
}

std::vector<DavResource> CalDavClient::fetch(const std::string& collection,
                                             const std::vector<std::string>& hrefs,
                                             size_t collection_size) {
    std::vector<DavResource> out;
    if (hrefs.size() > kMultigetBatch && hrefs.size() * kWholeFetchShare >= collection_size) {
        std::set<std::string> wanted;
        for (const auto& h : hrefs) wanted.insert(path_of(h));
        for (auto& res : report(collection, calendar_query_body(true)).resources)
            if (res.status / 100 == 2 && !res.calendar_data.empty() &&
                wanted.count(path_of(res.href)))
                out.push_back(std::move(res));
        return out;
    }
    for (size_t i = 0; i < hrefs.size(); i += kMultigetBatch) {
        const size_t end = std::min(hrefs.size(), i + kMultigetBatch);
        std::vector<std::string> batch(hrefs.begin() + static_cast<std::ptrdiff_t>(i),
                                       hrefs.begin() + static_cast<std::ptrdiff_t>(end));
        for (auto& res : report(collection, multiget_body(batch)).resources)
            if (res.status / 100 == 2 && !res.calendar_data.empty()) out.push_back(std::move(res));
    }
    return out;
}

WriteResult CalDavClient::put(const std::string& url, const std::string& ics,
                              const std::string& etag) {
    HttpResponse r = send("PUT", url, ics,
                          {"Content-Type: text/calendar; charset=utf-8",
                           etag.empty() ? std::string("If-None-Match: *") : "If-Match: " + etag});
    WriteResult w{WriteResult::Kind::ok, r.etag, r.status_line};
    if (r.status == 412)
        w.kind = WriteResult::Kind::conflict;
    else if (r.status / 100 != 2)
        fail_on("PUT " + redact(url), r);
    return w;
}

WriteResult CalDavClient::remove(const std::string& url, const std::string& etag) {
    std::vector<std::string> headers;
    if (!etag.empty()) headers.push_back("If-Match: " + etag);
    HttpResponse r = send("DELETE", url, "", headers);
    WriteResult w{WriteResult::Kind::ok, "", r.status_line};
    if (r.status == 412)
        w.kind = WriteResult::Kind::conflict;
    else if (r.status == 404)
        w.kind = WriteResult::Kind::gone;
    else if (r.status / 100 != 2)
        fail_on("DELETE " + redact(url), r);
    return w;
}

}  // namespace herald::caldav
