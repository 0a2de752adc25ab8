#include "caldav/xml.hpp"

#include <cstring>
#include <stdexcept>

#include <pugixml.hpp>

namespace herald::caldav {
namespace {

constexpr const char* kDav = "DAV:";
constexpr const char* kCalDav = "urn:ietf:params:xml:ns:caldav";

/// The local part of an element name ("d:href" → "href").
std::string_view local_name(const pugi::xml_node& n) {
    std::string_view name = n.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

/// The namespace URI of an element: its prefix's xmlns declaration on it or an ancestor.
std::string_view namespace_of(const pugi::xml_node& n) {
    std::string_view name = n.name();
    auto colon = name.find(':');
    std::string attr = colon == std::string_view::npos
                           ? std::string("xmlns")
                           : "xmlns:" + std::string(name.substr(0, colon));
    for (pugi::xml_node p = n; p; p = p.parent())
        if (pugi::xml_attribute a = p.attribute(attr.c_str())) return a.value();
    return {};
}

bool is(const pugi::xml_node& n, const char* ns, std::string_view local) {
    return n.type() == pugi::node_element && local_name(n) == local && namespace_of(n) == ns;
}

/// The first child element `ns`:`local`, or a null node.
pugi::xml_node child(const pugi::xml_node& n, const char* ns, std::string_view local) {
    for (pugi::xml_node c : n.children())
        if (is(c, ns, local)) return c;
    return {};
}

/// The text of an element (text and CDATA children together), trimmed of surrounding blanks.
std::string text_of(const pugi::xml_node& n) {
    std::string out;
    for (pugi::xml_node c : n.children())
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
}

/// The text of the first DAV:href child, or "".
std::string href_in(const pugi::xml_node& n) {
    pugi::xml_node h = child(n, kDav, "href");
    return h ? text_of(h) : std::string();
}

void read_prop(const pugi::xml_node& prop, DavResource& r) {
    for (pugi::xml_node p : prop.children()) {
        if (is(p, kDav, "getetag")) {
            r.etag = text_of(p);
        } else if (is(p, kCalDav, "calendar-data")) {
            // Why not trimmed: the iCalendar text is handed on as the server sent it.
            for (pugi::xml_node c : p.children())
                if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
                    r.calendar_data += c.value();
        } else if (is(p, kDav, "displayname")) {
            r.displayname = text_of(p);
        } else if (is(p, kDav, "resourcetype")) {
            r.collection = static_cast<bool>(child(p, kDav, "collection"));
            r.calendar = static_cast<bool>(child(p, kCalDav, "calendar"));
        } else if (is(p, kDav, "current-user-principal")) {
            r.current_user_principal = href_in(p);
        } else if (is(p, kCalDav, "calendar-home-set")) {
            r.calendar_home_set = href_in(p);
        } else if (is(p, kDav, "supported-report-set")) {
            for (pugi::xml_node sr : p.children())
                for (pugi::xml_node report : child(sr, kDav, "report").children())
                    if (is(report, kDav, "sync-collection")) r.sync_collection = true;
        }
    }
}

DavResource read_response(const pugi::xml_node& response) {
    DavResource r;
    r.href = href_in(response);
    if (pugi::xml_node st = child(response, kDav, "status")) r.status = status_code(text_of(st));
    for (pugi::xml_node ps : response.children()) {
        if (!is(ps, kDav, "propstat")) continue;
        pugi::xml_node st = child(ps, kDav, "status");
        int code = st ? status_code(text_of(st)) : 200;
        if (code < 200 || code > 299) continue;
        if (pugi::xml_node prop = child(ps, kDav, "prop")) read_prop(prop, r);
    }
    return r;
}

/// Escapes text for an XML element's content.
std::string escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

constexpr const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

}  // namespace

int status_code(std::string_view line) {
    // "HTTP/1.1 404 Not Found": the code is the second word.
    auto space = line.find(' ');
    if (space == std::string_view::npos || line.size() < space + 4) return 0;
    int code = 0;
    for (size_t i = space + 1; i < space + 4; ++i) {
        if (line[i] < '0' || line[i] > '9') return 0;
        code = code * 10 + (line[i] - '0');
    }
    return code;
}

Multistatus parse_multistatus(std::string_view xml) {
    pugi::xml_document doc;
    pugi::xml_parse_result ok = doc.load_buffer(xml.data(), xml.size());
    if (!ok)
        throw std::runtime_error(std::string("the server's multistatus is not XML (") +
                                 ok.description() + " at byte " + std::to_string(ok.offset) + ")");
    pugi::xml_node root = doc.document_element();
    if (!is(root, kDav, "multistatus"))
        throw std::runtime_error("expected a DAV:multistatus reply, got <" +
                                 std::string(root.name()) + ">");
    Multistatus out;
    for (pugi::xml_node n : root.children()) {
        if (is(n, kDav, "response"))
            out.resources.push_back(read_response(n));
        else if (is(n, kDav, "sync-token"))
            out.sync_token = text_of(n);
    }
    return out;
}

std::string propfind_discovery_body(bool principal) {
    return std::string(kXmlHead) +
           "<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop>"
           "<d:resourcetype/><d:displayname/>" +
           (principal ? "<d:current-user-principal/><c:calendar-home-set/>" : "") +
           "<d:supported-report-set/></d:prop></d:propfind>\n";
}

std::string sync_collection_body(std::string_view token) {
    return std::string(kXmlHead) + "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token>" +
           escape(token) +
           "</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>"
           "</d:sync-collection>\n";
}

std::string calendar_query_body(bool calendar_data) {
    return std::string(kXmlHead) +
           "<c:calendar-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
           "<d:prop><d:getetag/>" +
           (calendar_data ? "<c:calendar-data/>" : "") +
           "</d:prop><c:filter><c:comp-filter name=\"VCALENDAR\">"
           "<c:comp-filter name=\"VEVENT\"/></c:comp-filter></c:filter></c:calendar-query>\n";
}

std::string multiget_body(const std::vector<std::string>& hrefs) {
    std::string out = std::string(kXmlHead) +
                      "<c:calendar-multiget xmlns:d=\"DAV:\" "
                      "xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><d:getetag/>"
                      "<c:calendar-data/></d:prop>";
    for (const auto& h : hrefs) out += "<d:href>" + escape(h) + "</d:href>";
    return out + "</c:calendar-multiget>\n";
}

std::string mkcalendar_body(std::string_view displayname) {
    return std::string(kXmlHead) +
           "<c:mkcalendar xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:set>"
           "<d:prop><d:displayname>" +
           escape(displayname) +
           "</d:displayname><c:supported-calendar-component-set><c:comp name=\"VEVENT\"/>"
           "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>\n";
}

}  // namespace herald::caldav
