// Golden DST table: gaps and overlaps in zones with unusual shifts, recurring events kept at their
// local time across transitions, and far-future dates. Expected instants were computed
// independently (Python's zoneinfo, PEP 495 fold=0, which is RFC 5545's rule).
#include <catch2/catch.hpp>

#include "core/agenda.hpp"
#include "core/event_json.hpp"

using namespace herald;

namespace {

struct Golden {
    const char* zone;
    const char* local;
    const char* utc;
    const char* why;
};

constexpr Golden kTable[] = {
    {"Europe/Berlin", "2025-03-30T02:30", "2025-03-30T01:30:00Z",
     "gap: moved forward to 03:30 CEST"},
    {"Europe/Berlin", "2025-10-26T02:30", "2025-10-26T00:30:00Z",
     "overlap: first occurrence (CEST)"},
    {"Europe/Berlin", "2100-03-28T02:30", "2100-03-28T01:30:00Z", "gap in 2100, past 2038"},
    {"America/New_York", "2007-03-11T02:30", "2007-03-11T07:30:00Z",
     "gap: 03:30 EDT (RFC 5545 example)"},
    {"America/New_York", "2007-11-04T01:30", "2007-11-04T05:30:00Z",
     "overlap: first occurrence (EDT)"},
    {"America/New_York", "9999-12-31T12:00", "9999-12-31T17:00:00Z", "last representable day"},
    {"Australia/Lord_Howe", "2024-10-06T02:15", "2024-10-05T15:45:00Z", "30-minute gap: 02:45 +11"},
    {"Australia/Lord_Howe", "2025-04-06T01:45", "2025-04-05T14:45:00Z",
     "30-minute overlap: first (+11)"},
    {"Pacific/Chatham", "2024-09-29T03:00", "2024-09-28T14:15:00Z",
     "gap at 02:45 +1245: 04:00 +1345"},
    {"Pacific/Chatham", "2025-04-06T03:00", "2025-04-05T13:15:00Z", "overlap: first (+1345)"},
    {"Asia/Kathmandu", "1986-01-01T00:10", "1985-12-31T18:40:00Z",
     "the 15-minute jump from +0530 to +0545"},
    {"Asia/Kathmandu", "2025-06-06T12:00", "2025-06-06T06:15:00Z", "+0545"},
    {"Pacific/Apia", "2011-12-29T23:59", "2011-12-30T09:59:00Z",
     "last minute before the skipped day"},
    {"Pacific/Apia", "2011-12-30T09:00", "2011-12-30T19:00:00Z", "skipped day: moved forward 24 h"},
    // Past the TZif files' last explicit transition (2037): the zone's POSIX footer rule.
    {"Europe/Berlin", "2100-07-01T12:00", "2100-07-01T10:00:00Z",
     "summer 2100: CEST from the footer rule"},
    {"Europe/Berlin", "2037-10-25T02:30", "2037-10-25T00:30:00Z",
     "overlap at the last explicit transition: first (CEST)"},
    {"Europe/Berlin", "2038-03-28T02:30", "2038-03-28T01:30:00Z",
     "first gap computed from the footer: 03:30 CEST"},
    {"Europe/Berlin", "2050-03-27T02:30", "2050-03-27T01:30:00Z",
     "gap in 2050: moved forward to 03:30 CEST"},
    {"Europe/Berlin", "2050-10-30T02:30", "2050-10-30T00:30:00Z",
     "overlap in 2050: first occurrence (CEST)"},
    {"Europe/Berlin", "9999-12-31T12:00", "9999-12-31T11:00:00Z", "last representable day: CET"},
    {"America/New_York", "2040-03-11T02:30", "2040-03-11T07:30:00Z", "gap in 2040: 03:30 EDT"},
    {"America/New_York", "2040-07-04T12:00", "2040-07-04T16:00:00Z", "EDT in 2040"},
    {"America/New_York", "2040-11-04T01:30", "2040-11-04T05:30:00Z",
     "overlap in 2040: first occurrence (EDT)"},
    {"Australia/Lord_Howe", "2050-10-02T02:15", "2050-10-01T15:45:00Z",
     "30-minute gap in 2050: 02:45 +11"},
    {"Australia/Lord_Howe", "2050-04-03T01:45", "2050-04-02T14:45:00Z",
     "30-minute overlap in 2050: first (+11)"},
    {"Australia/Lord_Howe", "2050-07-15T12:00", "2050-07-15T01:30:00Z", "winter 2050: +1030"},
    {"Australia/Lord_Howe", "9999-12-31T12:00", "9999-12-31T01:00:00Z",
     "southern summer in 9999: +11"},
    {"Pacific/Chatham", "2060-09-26T03:00", "2060-09-25T14:15:00Z",
     "gap at 02:45 +1245 in 2060: 04:00 +1345"},
    {"Pacific/Chatham", "2060-04-04T03:00", "2060-04-03T13:15:00Z",
     "overlap in 2060: first (+1345)"},
    {"Pacific/Chatham", "9999-12-31T12:00", "9999-12-30T22:15:00Z",
     "southern summer in 9999: +1345"},
    {"America/Santiago", "2070-09-07T00:30", "2070-09-07T04:30:00Z",
     "gap at 24:00 on Saturday (M9.1.6/24)"},
    {"America/Santiago", "9999-12-31T12:00", "9999-12-31T15:00:00Z",
     "southern summer in 9999: -03"},
    {"Asia/Jerusalem", "2045-03-24T02:30", "2045-03-24T00:30:00Z",
     "gap at 26:00 on Thursday (M3.4.4/26)"},
    {"America/Nuuk", "2060-03-27T23:30", "2060-03-28T01:30:00Z",
     "gap at -1:00 (M3.5.0/-1): the evening before"},
    {"America/Nuuk", "2060-10-30T23:30", "2060-10-31T00:30:00Z",
     "overlap at 00:00 (M10.5.0/0): first (-01)"},
    {"Europe/Dublin", "2080-07-01T12:00", "2080-07-01T11:00:00Z",
     "negative DST: summer is standard time (IST)"},
    {"Europe/Dublin", "9999-12-31T12:00", "9999-12-31T12:00:00Z", "negative DST: winter is GMT"},
    {"Asia/Kathmandu", "2200-06-06T12:00", "2200-06-06T06:15:00Z", "no DST: +0545"},
};

/// An instant seen in a zone: local wall time and abbreviation (zoneinfo's values).
struct View {
    const char* zone;
    const char* utc;
    const char* local;
    const char* abbrev;
};

constexpr View kViews[] = {
    {"Europe/Berlin", "2100-07-01T10:00:00Z", "2100-07-01T12:00", "CEST"},
    {"Europe/Berlin", "2050-03-27T01:30:00Z", "2050-03-27T03:30", "CEST"},
    {"Europe/Berlin", "9999-12-31T12:00:00Z", "9999-12-31T13:00", "CET"},
    {"America/New_York", "2040-11-04T06:30:00Z", "2040-11-04T01:30", "EST"},
    {"Australia/Lord_Howe", "2050-10-01T15:45:00Z", "2050-10-02T02:45", "+11"},
    {"Pacific/Chatham", "2060-09-25T14:15:00Z", "2060-09-26T04:00", "+1345"},
    {"Europe/Dublin", "2080-07-01T11:00:00Z", "2080-07-01T12:00", "IST"},
    {"Asia/Kathmandu", "9999-12-31T12:00:00Z", "9999-12-31T17:45", "+0545"},
    {"America/Santiago", "2070-09-07T04:30:00Z", "2070-09-07T01:30", "-03"},
    {"Pacific/Auckland", "9999-12-31T06:00:00Z", "9999-12-31T19:00", "NZDT"},
    {"Asia/Tokyo", "9999-12-31T12:00:00Z", "9999-12-31T21:00", "JST"},
};

Event daily(const std::string& start, const std::string& tz,
            const std::string& rrule = "FREQ=DAILY") {
    Event e;
    e.id = 7;
    e.uid = "dst@test";
    e.title = "daily";
    e.start = caltime_from_string(start, tz, "start");
    e.rrule = rrule;
    return e;
}

Instant utc(const char* s) {
    return parse_instant(s, "t");
}

}  // namespace

TEST_CASE("golden gap and overlap table (RFC 5545 §3.3.5)") {
    for (const auto& g : kTable) {
        INFO(g.zone << " " << g.local << ": " << g.why);
        CalTime t = caltime_from_string(g.local, g.zone, "start");
        CHECK(format_instant(resolve_local(t.local, find_zone(g.zone))) == g.utc);
    }
}

TEST_CASE("instants after 2037 seen in a zone: wall time and abbreviation") {
    for (const auto& v : kViews) {
        INFO(v.zone << " " << v.utc);
        const auto* zone = find_zone(v.zone);
        CHECK(date::format("%Y-%m-%dT%H:%M", to_local(utc(v.utc), zone)) == v.local);
        CHECK(zone_abbrev(utc(v.utc), zone) == v.abbrev);
    }
}

TEST_CASE("a daily 09:00 Europe/Berlin event stays at 09:00 across 2037-2039") {
    Event e = daily("2036-06-01T09:00", "Europe/Berlin");
    auto occ = occurrences_in(e, utc("2037-01-01T00:00:00Z"), utc("2040-01-01T00:00:00Z"),
                              find_zone("UTC"));
    REQUIRE(occ.size() == 365 * 3);
    const auto* berlin = find_zone("Europe/Berlin");
    for (const auto& o : occ) {
        LocalTime local = to_local(o.begin, berlin);
        REQUIRE(date::format("%H:%M", local) == "09:00");
        REQUIRE(local == o.start.local);
    }
    auto at = [&](const char* day) {
        for (const auto& o : occ)
            if (format_caltime(o.start).substr(0, 10) == day) return format_instant(o.begin);
        return std::string("missing");
    };
    CHECK(at("2037-07-01") == "2037-07-01T07:00:00Z");  // explicit transitions
    CHECK(at("2038-03-27") == "2038-03-27T08:00:00Z");  // the footer rule: CET until 28 March
    CHECK(at("2038-03-28") == "2038-03-28T07:00:00Z");  // CEST
    CHECK(at("2039-07-01") == "2039-07-01T07:00:00Z");
    CHECK(at("2039-10-30") == "2039-10-30T08:00:00Z");  // CET again after 30 October
}

TEST_CASE("a daily 09:00 event stays at local 09:00 across two years of transitions") {
    for (const char* zone :
         {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham"}) {
        INFO(zone);
        Event e = daily("2024-01-01T09:00", zone);
        const auto* z = find_zone(zone);
        Instant from = resolve_local(caltime_from_string("2024-01-01T00:00", zone, "f").local, z);
        Instant to = resolve_local(caltime_from_string("2026-01-01T00:00", zone, "t").local, z);
        auto occ = occurrences_in(e, from, to, find_zone("UTC"));
        CHECK(occ.size() == 731);
        for (const auto& o : occ) {
            LocalTime local = to_local(o.begin, find_zone(zone));
            REQUIRE(date::format("%H:%M", local) == "09:00");
            REQUIRE(local == o.start.local);
        }
        for (size_t i = 1; i < occ.size(); ++i) REQUIRE(occ[i - 1].begin < occ[i].begin);
    }
}

TEST_CASE("recurrence instances in a DST gap move forward by the gap, overlaps occur once") {
    Event gap = daily("2007-03-09T02:30", "America/New_York");
    auto occ = occurrences_in(gap, utc("2007-03-10T00:00:00Z"), utc("2007-03-13T00:00:00Z"),
                              find_zone("UTC"));
    REQUIRE(occ.size() == 3);
    CHECK(format_instant(occ[1].begin) == "2007-03-11T07:30:00Z");  // 03:30 EDT
    CHECK(format_caltime(occ[1].start) ==
          "2007-03-11T02:30");  // nominal time is kept as its identity
    CHECK(format_instant(occ[2].begin) == "2007-03-12T06:30:00Z");  // back to 02:30 EDT

    Event overlap = daily("2007-11-01T01:30", "America/New_York");
    occ = occurrences_in(overlap, utc("2007-11-04T00:00:00Z"), utc("2007-11-05T00:00:00Z"),
                         find_zone("UTC"));
    REQUIRE(occ.size() == 1);
    CHECK(format_instant(occ[0].begin) == "2007-11-04T05:30:00Z");

    Event lord_howe = daily("2024-10-01T02:15", "Australia/Lord_Howe", "FREQ=WEEKLY;BYDAY=SU");
    occ = occurrences_in(lord_howe, utc("2024-10-05T00:00:00Z"), utc("2024-10-06T00:00:00Z"),
                         find_zone("UTC"));
    REQUIRE(occ.size() == 1);
    CHECK(date::format("%H:%M", to_local(occ[0].begin, find_zone("Australia/Lord_Howe"))) ==
          "02:45");
}

TEST_CASE("Pacific/Apia skipped 2011-12-30: a daily event has no instance that day") {
    Event e = daily("2011-12-27T09:00", "Pacific/Apia");
    auto occ = occurrences_in(e, utc("2011-12-27T00:00:00Z"), utc("2012-01-01T12:00:00Z"),
                              find_zone("UTC"));
    std::vector<std::string> days;
    for (const auto& o : occ)
        days.push_back(date::format("%F %H:%M", to_local(o.begin, find_zone("Pacific/Apia"))));
    CHECK(days == std::vector<std::string>{"2011-12-27 09:00", "2011-12-28 09:00",
                                           "2011-12-29 09:00", "2011-12-31 09:00",
                                           "2012-01-01 09:00"});
    Event all_day = daily("2011-12-27", "");
    occ = occurrences_in(all_day, utc("2011-12-27T00:00:00Z"), utc("2011-12-31T10:00:00Z"),
                         find_zone("Pacific/Apia"));
    days.clear();
    for (const auto& o : occ) days.push_back(format_caltime(o.start));
    CHECK(days == std::vector<std::string>{"2011-12-27", "2011-12-28", "2011-12-29", "2011-12-31"});
}

TEST_CASE("far dates: 29 February and the 31st in zoned recurring events") {
    Event leap = daily("2024-02-29T12:00", "Europe/Berlin", "FREQ=YEARLY");
    auto occ = occurrences_in(leap, utc("2096-01-01T00:00:00Z"), utc("2105-01-01T00:00:00Z"),
                              find_zone("UTC"));
    std::vector<std::string> got;
    for (const auto& o : occ) got.push_back(format_instant(o.begin));
    CHECK(got == std::vector<std::string>{"2096-02-29T11:00:00Z", "2104-02-29T11:00:00Z"});
    Event last = daily("2025-01-31T09:00", "America/New_York", "FREQ=MONTHLY;BYMONTHDAY=31");
    occ = occurrences_in(last, utc("9999-01-01T00:00:00Z"), utc("9999-12-31T23:59:59Z"),
                         find_zone("UTC"));
    CHECK(occ.size() == 7);
    CHECK(format_instant(occ.back().begin) == "9999-12-31T14:00:00Z");
}
