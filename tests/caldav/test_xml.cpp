// WebDAV/CalDAV XML (caldav/xml) and the pure URL helpers of caldav/client, with
// multistatus bodies written here in the shapes Radicale, Xandikos, Nextcloud (sabre/dav) and
// Google send: default namespaces, generated prefixes, 404 members, CDATA, escaped data.
#include <catch2/catch.hpp>
#include <pugixml.hpp>

#include "caldav/client.hpp"
#include "caldav/xml.hpp"

using namespace herald::caldav;

namespace {

/// True when `xml` is well-formed and its root element has this name.
bool root_is(const std::string& xml, const char* name) {
    pugi::xml_document doc;
    return doc.load_string(xml.c_str()) && std::string(doc.document_element().name()) == name;
}

}  // namespace

TEST_CASE("caldav: a Radicale-style sync report (default DAV namespace) gives etags and token",
          "[caldav]") {
    Multistatus ms = parse_multistatus(R"(<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <response>
    <href>/alice/office/meeting.ics</href>
    <propstat><prop><getetag>"4f1c"</getetag></prop><status>HTTP/1.1 200 OK</status></propstat>
  </response>
  <response>
    <href>/alice/office/gone.ics</href>
    <status>HTTP/1.1 404 Not Found</status>
  </response>
  <sync-token>http://radicale.org/ns/sync/9a0b</sync-token>
</multistatus>)");
    REQUIRE(ms.resources.size() == 2);
    CHECK(ms.resources[0].href == "/alice/office/meeting.ics");
    CHECK(ms.resources[0].etag == "\"4f1c\"");
    CHECK(ms.resources[0].status == 200);
    CHECK(ms.resources[1].status == 404);
    CHECK(ms.sync_token == "http://radicale.org/ns/sync/9a0b");
}

TEST_CASE("caldav: Xandikos-style generated prefixes and escaped calendar-data", "[caldav]") {
    Multistatus ms = parse_multistatus(
        R"(<ns0:multistatus xmlns:ns0="DAV:" xmlns:ns1="urn:ietf:params:xml:ns:caldav">)"
        R"(<ns0:response><ns0:href>/user/calendars/calendar/x.ics</ns0:href>)"
        R"(<ns0:propstat><ns0:status>HTTP/1.1 200 OK</ns0:status><ns0:prop>)"
        R"(<ns0:getetag>"e1"</ns0:getetag><ns1:calendar-data>BEGIN:VCALENDAR&#13;
SUMMARY:R&amp;D &lt;review&gt;&#13;
END:VCALENDAR&#13;
</ns1:calendar-data></ns0:prop></ns0:propstat>)"
        R"(<ns0:propstat><ns0:status>HTTP/1.1 404 Not Found</ns0:status><ns0:prop>)"
        R"(<ns0:displayname>should not be read</ns0:displayname></ns0:prop></ns0:propstat>)"
        R"(</ns0:response></ns0:multistatus>)");
    REQUIRE(ms.resources.size() == 1);
    const DavResource& r = ms.resources[0];
    CHECK(r.etag == "\"e1\"");
    CHECK(r.calendar_data == "BEGIN:VCALENDAR\r\nSUMMARY:R&D <review>\r\nEND:VCALENDAR\r\n");
    CHECK(r.displayname.empty());  // its propstat says 404
}

TEST_CASE("caldav: elements are matched by namespace URI, not by prefix", "[caldav]") {
    // sabre/dav (Nextcloud) declares many prefixes; the getetag and sync-token of other
    // namespaces (after DAV's, so a match by local name would take them) are not DAV's.
    Multistatus ms = parse_multistatus(
        R"(<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" )"
        R"(xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:oc="http://owncloud.org/ns">)"
        R"(<d:response><d:href>/remote.php/dav/calendars/alice/office/A.ics</d:href>)"
        R"(<d:propstat><d:prop><d:getetag>&quot;yes&quot;</d:getetag>)"
        R"(<x:getetag xmlns:x="http://example.org/not-dav">"no"</x:getetag>)"
        R"(<oc:getetag>"no"</oc:getetag></d:prop>)"
        R"(<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>)"
        R"(<d:sync-token>http://sabre.io/ns/sync/42</d:sync-token>)"
        R"(<s:sync-token>not DAV's</s:sync-token></d:multistatus>)");
    REQUIRE(ms.resources.size() == 1);
    CHECK(ms.resources[0].etag == "\"yes\"");
    CHECK(ms.sync_token == "http://sabre.io/ns/sync/42");
}

TEST_CASE("caldav: a Google-style discovery reply names principal and home and reports",
          "[caldav]") {
    Multistatus ms = parse_multistatus(
        R"(<?xml version="1.0" encoding="UTF-8"?><D:multistatus xmlns:D="DAV:">)"
        R"(<D:response><D:href>/caldav/v2/alice%40example.org/events/</D:href><D:propstat>)"
        R"(<D:status>HTTP/1.1 200 OK</D:status><D:prop>)"
        R"(<D:resourcetype><D:collection/><caldav:calendar )"
        R"(xmlns:caldav="urn:ietf:params:xml:ns:caldav"/></D:resourcetype>)"
        R"(<D:displayname>Office</D:displayname>)"
        R"(<D:current-user-principal><D:href>/caldav/v2/alice%40example.org/user</D:href>)"
        R"(</D:current-user-principal><caldav:calendar-home-set )"
        R"(xmlns:caldav="urn:ietf:params:xml:ns:caldav"><D:href>/caldav/v2/alice%40example.org/)"
        R"(</D:href></caldav:calendar-home-set><D:supported-report-set><D:supported-report>)"
        R"(<D:report><D:sync-collection/></D:report></D:supported-report>)"
        R"(</D:supported-report-set><caldav:calendar-data )"
        R"(xmlns:caldav="urn:ietf:params:xml:ns:caldav"><![CDATA[BEGIN:VCALENDAR)"
        "\r\n"
        R"(END:VCALENDAR]]></caldav:calendar-data></D:prop></D:propstat></D:response>)"
        R"(</D:multistatus>)");
    REQUIRE(ms.resources.size() == 1);
    const DavResource& r = ms.resources[0];
    CHECK(r.collection);
    CHECK(r.calendar);
    CHECK(r.sync_collection);
    CHECK(r.displayname == "Office");
    CHECK(r.current_user_principal == "/caldav/v2/alice%40example.org/user");
    CHECK(r.calendar_home_set == "/caldav/v2/alice%40example.org/");
    // XML normalizes a raw CRLF to LF (XML 1.0 §2.11); the iCalendar reader takes either.
    CHECK(r.calendar_data == "BEGIN:VCALENDAR\nEND:VCALENDAR");
}

TEST_CASE("caldav: a plain collection is not a calendar and offers no sync report", "[caldav]") {
    Multistatus ms = parse_multistatus(
        R"(<multistatus xmlns="DAV:"><response><href>/alice/</href><propstat><prop>)"
        R"(<resourcetype><collection/></resourcetype><supported-report-set><supported-report>)"
        R"(<report><expand-property/></report></supported-report></supported-report-set>)"
        R"(</prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>)");
    REQUIRE(ms.resources.size() == 1);
    CHECK(ms.resources[0].collection);
    CHECK_FALSE(ms.resources[0].calendar);
    CHECK_FALSE(ms.resources[0].sync_collection);
}

TEST_CASE("caldav: what is not a multistatus is refused saying what was expected", "[caldav]") {
    CHECK_THROWS_WITH(parse_multistatus("<html><body>Login</body>"), Catch::Contains("not XML"));
    CHECK_THROWS_WITH(parse_multistatus("<html><body>Login</body></html>"),
                      Catch::Contains("expected a DAV:multistatus reply, got <html>"));
    CHECK_THROWS_WITH(parse_multistatus("<m:multistatus xmlns:m=\"urn:x\"/>"),
                      Catch::Contains("expected a DAV:multistatus"));
}

TEST_CASE("caldav: request bodies are well-formed and escape what they carry", "[caldav]") {
    CHECK(root_is(propfind_discovery_body(), "d:propfind"));
    CHECK(propfind_discovery_body().find("<d:current-user-principal/>") != std::string::npos);
    CHECK(root_is(propfind_discovery_body(false), "d:propfind"));
    CHECK(propfind_discovery_body(false).find("principal") == std::string::npos);
    std::string sync = sync_collection_body("http://x/sync?a=1&b=<2>");
    CHECK(root_is(sync, "d:sync-collection"));
    CHECK(sync.find("<d:sync-token>http://x/sync?a=1&amp;b=&lt;2&gt;</d:sync-token>") !=
          std::string::npos);
    CHECK(sync_collection_body("").find("<d:sync-token></d:sync-token>") != std::string::npos);
    std::string mget = multiget_body({"/a/1.ics", "/a/R&D.ics"});
    CHECK(root_is(mget, "c:calendar-multiget"));
    CHECK(mget.find("<d:href>/a/1.ics</d:href><d:href>/a/R&amp;D.ics</d:href>") !=
          std::string::npos);
    CHECK(root_is(calendar_query_body(false), "c:calendar-query"));
    CHECK(calendar_query_body(false).find("calendar-data") == std::string::npos);
    CHECK(root_is(calendar_query_body(true), "c:calendar-query"));
    CHECK(calendar_query_body(true).find("<d:getetag/><c:calendar-data/></d:prop>") !=
          std::string::npos);
    CHECK(root_is(mkcalendar_body("Office & co"), "c:mkcalendar"));
}

TEST_CASE("caldav: status lines and URLs and resource names", "[caldav]") {
    CHECK(status_code("HTTP/1.1 404 Not Found") == 404);
    CHECK(status_code("HTTP/2 207") == 207);
    CHECK(status_code("garbage") == 0);
    CHECK(redact("https://bob:pw@dav.example.org/cal/") == "https://dav.example.org/cal/");
    CHECK(redact("https://dav.example.org/a@b/") == "https://dav.example.org/a@b/");
    CHECK(origin_of("https://dav.example.org:8443/cal/x/") == "https://dav.example.org:8443");
    CHECK(absolute_url("http://h:1/cal/", "/cal/a.ics") == "http://h:1/cal/a.ics");
    CHECK(absolute_url("http://h:1/cal/", "https://other/a.ics") == "https://other/a.ics");
    CHECK(resource_url("http://h/cal", "abc-1.2_x") == "http://h/cal/abc-1.2_x.ics");
    // A uid servers could spell two ways in an href is named by its hash, always the same.
    std::string hashed = resource_url("http://h/cal/", "a@herald");
    CHECK(hashed.rfind("http://h/cal/herald-", 0) == 0);
    CHECK(hashed == resource_url("http://h/cal/", "a@herald"));
    CHECK(hashed != resource_url("http://h/cal/", "b@herald"));
}
