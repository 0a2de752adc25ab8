// Unit tests of core/tz_rule: POSIX TZ strings (RFC 8536 §3.3.1), their transitions, and the
// TZif footer reader. Expected instants were computed independently with Python's zoneinfo.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "core/tz_rule.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

HeraldError rule_error(std::string_view text) {
    try {
        parse_tz_rule(text);
    } catch (const HeraldError& e) {
        return e;
    }
    FAIL("expected a HeraldError for '" << text << "'");
    throw std::logic_error("unreachable");
}

Instant utc(const char* s) {
    return parse_instant(s, "t");
}

std::string transitions_text(const TzRule& rule, int year) {
    auto t = tz_transitions(rule, year);
    REQUIRE(t.has_value());
    return format_instant((*t)[0].at) + ((*t)[0].to_dst ? " dst " : " std ") +
           format_instant((*t)[1].at) + ((*t)[1].to_dst ? " dst" : " std");
}

/// A minimal TZif file: v1 header with empty data, v2 header with the given counts, data, footer.
std::string tzif(char version, const std::string& footer_line, uint32_t timecnt = 0) {
    auto header = [&](uint32_t times) {
        std::string h = "TZif";
        h += version;
        h += std::string(15, '\0');
        for (uint32_t count : {0u, 0u, 0u, times, 1u, 4u})
            for (int shift = 24; shift >= 0; shift -= 8)
                h += static_cast<char>((count >> shift) & 0xFF);
        return h;
    };
    std::string type_and_chars = std::string(6, '\0') + std::string("UTC\0", 4);
    std::string out = header(0) + type_and_chars;
    if (version == '\0') return out;
    out += header(timecnt) + std::string(timecnt * 9, '\0') + type_and_chars;
    return out + "\n" + footer_line + "\n";
}

}  // namespace

TEST_CASE("POSIX TZ strings: names, offsets and rules") {
    SECTION("no DST, quoted name, minutes") {
        TzRule r = parse_tz_rule("<+0545>-5:45");
        CHECK(r.std_abbrev == "+0545");
        CHECK(r.std_offset == 5h + 45min);
        CHECK_FALSE(r.has_dst());
        CHECK(parse_tz_rule("UTC0").std_offset == 0s);
        CHECK(parse_tz_rule("<-03>3").std_offset == -3h);
        CHECK(parse_tz_rule("JST-9").std_abbrev == "JST");
    }
    SECTION("US: default DST offset is std + 1 h, default time 02:00") {
        TzRule r = parse_tz_rule("EST5EDT,M3.2.0,M11.1.0");
        CHECK(r.std_offset == -5h);
        CHECK(r.dst_abbrev == "EDT");
        CHECK(r.dst_offset == -4h);
        CHECK(r.dst_start == TzRuleDate{TzRuleDate::Kind::month_week_day, 3, 2, 0, 0, 2h});
        CHECK(r.dst_end == TzRuleDate{TzRuleDate::Kind::month_week_day, 11, 1, 0, 0, 2h});
        CHECK(transitions_text(r, 2040) == "2040-03-11T07:00:00Z dst 2040-11-04T06:00:00Z std");
    }
    SECTION("New Zealand: southern hemisphere, DST ends in April and starts in September") {
        TzRule r = parse_tz_rule("NZST-12NZDT,M9.5.0,M4.1.0/3");
        CHECK(r.std_offset == 12h);
        CHECK(r.dst_offset == 13h);
        CHECK(r.dst_end.time == 3h);
        CHECK(transitions_text(r, 2050) == "2050-04-02T14:00:00Z std 2050-09-24T14:00:00Z dst");
        CHECK(tz_state_at(r, utc("2050-01-15T00:00:00Z")).abbrev == "NZDT");
        CHECK(tz_state_at(r, utc("2050-07-15T00:00:00Z")).offset == 12h);
    }
    SECTION("Lord Howe: half-hour offsets and a 30-minute DST") {
        TzRule r = parse_tz_rule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
        CHECK(r.std_abbrev == "+1030");
        CHECK(r.std_offset == 10h + 30min);
        CHECK(r.dst_abbrev == "+11");
        CHECK(r.dst_offset == 11h);
        CHECK(transitions_text(r, 2050) == "2050-04-02T15:00:00Z std 2050-10-01T15:30:00Z dst");
    }
    SECTION("Israel: the start at 26:00 of the fourth Thursday is Friday 02:00") {
        TzRule r = parse_tz_rule("IST-2IDT,M3.4.4/26,M10.5.0");
        CHECK(r.dst_start.time == 26h);
        CHECK(transitions_text(r, 2045) == "2045-03-24T00:00:00Z dst 2045-10-28T23:00:00Z std");
    }
    SECTION("Greenland: a negative time is the evening before") {
        TzRule r = parse_tz_rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
        CHECK(r.dst_start.time == -1h);
        CHECK(transitions_text(r, 2060) == "2060-03-28T01:00:00Z dst 2060-10-31T01:00:00Z std");
    }
    SECTION("Ireland: negative DST (winter is the daylight part)") {
        TzRule r = parse_tz_rule("IST-1GMT0,M10.5.0,M3.5.0/1");
        CHECK(r.dst_offset == 0s);
        CHECK(tz_state_at(r, utc("2080-07-01T12:00:00Z")).abbrev == "IST");
        CHECK(tz_state_at(r, utc("2080-12-01T12:00:00Z")).offset == 0s);
    }
    SECTION("explicit DST offset, seconds, Jn and n forms") {
        TzRule r = parse_tz_rule("AAA+3:30:15BBB2,J60/1:02:03,300/-167");
        CHECK(r.std_offset == -(3h + 30min + 15s));
        CHECK(r.dst_offset == -2h);
        CHECK(r.dst_start == TzRuleDate{TzRuleDate::Kind::julian, 0, 0, 0, 60, 1h + 2min + 3s});
        CHECK(r.dst_end == TzRuleDate{TzRuleDate::Kind::day_of_year, 0, 0, 0, 300, -167h});
        // J60 is 1 March in leap and common years; n = 59 is 29 February in a leap year.
        TzRule j = parse_tz_rule("XXX0YYY,J60/0,J300/0");
        CHECK(format_instant((*tz_transitions(j, 2048))[0].at) == "2048-03-01T00:00:00Z");
        CHECK(format_instant((*tz_transitions(j, 2049))[0].at) == "2049-03-01T00:00:00Z");
        TzRule n = parse_tz_rule("XXX0YYY,59/0,300/0");
        CHECK(format_instant((*tz_transitions(n, 2048))[0].at) == "2048-02-29T00:00:00Z");
        CHECK(format_instant((*tz_transitions(n, 2049))[0].at) == "2049-03-01T00:00:00Z");
    }
    SECTION("DST all year (RFC 8536 §3.3.1 example) stays DST across New Year") {
        TzRule r = parse_tz_rule("EST5EDT4,0/0,J365/25");
        for (const char* t : {"2050-01-01T05:00:00Z", "2050-06-01T00:00:00Z",
                              "2050-12-31T23:59:59Z", "9999-12-31T12:00:00Z"})
            CHECK(tz_state_at(r, utc(t)).abbrev == "EDT");
    }
}

TEST_CASE("invalid POSIX TZ strings name what was expected") {
    struct Bad {
        const char* text;
        const char* expected;
    };
    for (const Bad& b :
         {Bad{"", "standard time name"}, Bad{"CE-1", "at least 3 letters"},
          Bad{"<+05-5", "'>' closing"}, Bad{"<+5>-5", "inside <>"},
          Bad{"CET", "standard time offset"}, Bad{"CET-25", "at most 24"},
          Bad{"CET-1:60", "minutes (00-59)"}, Bad{"CET-1CEST", "DST start and end rules"},
          Bad{"CET-1CEST,M3.5.0", "DST end rule"}, Bad{"CET-1CEST,M13.5.0,M10.5.0", "M1-M12"},
          Bad{"CET-1CEST,M3.6.0,M10.5.0", "week"}, Bad{"CET-1CEST,M3.5.7,M10.5.0", "weekday"},
          Bad{"CET-1CEST,M3.5.0,J0", "J (1-365)"}, Bad{"CET-1CEST,366,M10.5.0", "0-365"},
          Bad{"CET-1CEST,M3.5.0/168,M10.5.0", "at most 167"},
          Bad{"CET-1CEST,M3.5.0,M10.5.0/3x", "the end of the rule"},
          Bad{"CET-1CEST,M3.5.0 M10.5.0", "DST end rule"}}) {
        INFO(b.text);
        HeraldError e = rule_error(b.text);
        CHECK(e.code() == ErrorCode::invalid_time);
        CHECK(e.field() == "tz");
        CHECK_THAT(e.what(),
                   Catch::Contains(b.expected) && Catch::Contains("invalid POSIX TZ rule"));
    }
    CHECK(rule_error("CET-1CEST,M3.5.0 M10.5.0").what() ==
          std::string("invalid POSIX TZ rule 'CET-1CEST,M3.5.0 M10.5.0' at position 17 (' '): "
                      "expected ',' and "
                      "the DST end rule (such as CET-1CEST,M3.5.0,M10.5.0/3 or <+0545>-5:45)"));
}

TEST_CASE("TZif footer reader") {
    CHECK(tzif_footer(tzif('2', "CET-1CEST,M3.5.0,M10.5.0/3")) == "CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(tzif_footer(tzif('3', "<+0545>-5:45", 3)) == "<+0545>-5:45");
    CHECK(tzif_footer(tzif('2', "")) == "");
    CHECK(tzif_footer(tzif('\0', "ignored")) == "");  // v1 has no footer
    std::string good = tzif('2', "JST-9");
    CHECK_FALSE(tzif_footer("not a tzif file").has_value());
    CHECK_FALSE(tzif_footer(good.substr(0, good.size() - 1)).has_value());  // no closing newline
    CHECK_FALSE(tzif_footer(good.substr(0, 60)).has_value());               // cut in the v2 header
    std::string wrong_count = tzif('2', "JST-9", 2);
    wrong_count.erase(100, 1);  // a data block one byte shorter than its counts say
    CHECK_FALSE(tzif_footer(wrong_count).has_value());
}

TEST_CASE(
    "every system zone's footer parses and agrees with the explicit transitions before 2038") {
    size_t with_dst = 0, compared = 0;
    for (const auto& zone : date::get_tzdb().zones) {
        INFO(zone.name());
        auto footer = read_zone_footer(zone.name());
        REQUIRE(footer.has_value());
        if (footer->empty()) continue;
        TzRule rule = parse_tz_rule(*footer);
        if (!rule.has_dst()) continue;
        ++with_dst;
        // zic writes explicit transitions up to 2037 from the same rule the footer states: every
        // period of 2030-2037 must have the offset and abbreviation the rule computes. Zones whose
        // explicit data runs past 2037 (Asia/Gaza's Ramadan changes until 2086) follow other rules
        // until then.
        const Instant first = utc("2030-01-01T00:00:00Z"), last = utc("2037-12-31T00:00:00Z");
        if (zone.get_info(utc("9999-01-01T00:00:00Z")).begin > last) continue;
        auto info = zone.get_info(first);
        while (info.begin < last) {
            for (Instant t : {std::max(info.begin, first), std::min(info.end - 1s, last)}) {
                TzState s = tz_state_at(rule, t);
                REQUIRE(s.offset == info.offset);
                REQUIRE(s.abbrev == info.abbrev);
                ++compared;
            }
            if (info.end > last) break;
            info = zone.get_info(info.end);
        }
    }
    CHECK(with_dst > 50);
    CHECK(compared > 1000);
}

TEST_CASE("format_tz_rule writes what parse_tz_rule reads back, for every system footer") {
    CHECK(format_tz_rule(parse_tz_rule("<-03>3<-02>,M10.3.0/0,M2.3.0/0")) ==
          "<-03>3<-02>,M10.3.0/0,M2.3.0/0");
    CHECK(format_tz_rule(parse_tz_rule("CET-1CEST,M3.5.0,M10.5.0/3")) ==
          "CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(format_tz_rule(parse_tz_rule("<+0545>-5:45")) == "<+0545>-5:45");
    CHECK(format_tz_rule(parse_tz_rule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0")) ==
          "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
    CHECK(format_tz_rule(parse_tz_rule("EST5EDT4,0/0,J365/25")) == "EST5EDT,0/0,J365/25");
    size_t footers = 0;
    for (const auto& zone : date::get_tzdb().zones) {
        auto footer = read_zone_footer(zone.name());
        if (!footer || footer->empty()) continue;
        INFO(zone.name() << ": " << *footer);
        const TzRule rule = parse_tz_rule(*footer);
        REQUIRE(parse_tz_rule(format_tz_rule(rule)) == rule);
        ++footers;
    }
    CHECK(footers > 300);
}

TEST_CASE("a rule zone answers every offset question from its rule") {
    // Brasília's rules before 2019: DST from the third Sunday of October to the third Sunday of
    // February, both changes at 00:00 local time. Instants computed with Python's zoneinfo for
    // America/Sao_Paulo in 2017/2018, whose rules these are.
    const std::string tz = "vtimezone:<-03>3<-02>,M10.3.0/0,M2.3.0/0 (UTC-03:00) Brasília";
    const date::time_zone* zone = find_zone(tz);
    CHECK(zone == find_zone(tz));  // made once
    CHECK(zone->name() == tz);
    CHECK(rule_of_zone(zone) != nullptr);
    CHECK(rule_of_zone(find_zone("America/Sao_Paulo")) == nullptr);
    CHECK(zone_display_name(tz) == "(UTC-03:00) Brasília");
    CHECK(zone_display_name("Asia/Tokyo") == "Asia/Tokyo");
    CHECK(utc_offset_at(zone, utc("2017-10-15T02:59:59Z")) == -3h);
    CHECK(utc_offset_at(zone, utc("2017-10-15T03:00:00Z")) == -2h);
    CHECK(zone_abbrev(utc("2017-12-01T00:00:00Z"), zone) == "-02");
    CHECK(utc_offset_at(zone, utc("2018-02-18T01:59:59Z")) == -2h);
    CHECK(utc_offset_at(zone, utc("2018-02-18T02:00:00Z")) == -3h);
    CHECK(utc_offset_at(zone, utc("9999-12-01T00:00:00Z")) == -2h);  // no 2037 horizon
    const LocalTime gap = LocalTime{date::local_days{date::year{2017} / 10 / 15}} + 30min;
    CHECK(local_info(zone, gap).kind == LocalInfo::Kind::nonexistent);
    CHECK(resolve_local(gap, zone) == utc("2017-10-15T03:30:00Z"));  // moved forward by the gap
    const LocalTime overlap = LocalTime{date::local_days{date::year{2018} / 2 / 17}} + 23h + 30min;
    CHECK(local_info(zone, overlap).kind == LocalInfo::Kind::ambiguous);
    CHECK(resolve_local(overlap, zone) == utc("2018-02-18T01:30:00Z"));
    CHECK(resolve_local(overlap, zone, true) == utc("2018-02-18T02:30:00Z"));
    CalTime later = caltime_at(utc("2018-02-18T02:30:00Z"), tz);
    CHECK(later.fold);
    CHECK(format_caltime(later) == "2018-02-17T23:30-03:00");
}

TEST_CASE("a malformed rule zone is refused with what was expected") {
    auto message = [](const std::string& tz) -> std::string {
        try {
            find_zone(tz, "tz");
        } catch (const HeraldError& e) {
            CHECK(e.field() == "tz");
            return e.what();
        }
        FAIL("accepted " << tz);
        return {};
    };
    CHECK_THAT(message("vtimezone:"), Catch::Contains("invalid POSIX TZ rule"));
    CHECK_THAT(message("vtimezone:<-03>3<-02>,M13.3.0 Bad"), Catch::Contains("M1-M12"));
    CHECK_THAT(message("vtimezone:UTC0 two\nlines"), Catch::Contains("one line"));
    CHECK_THAT(message("vtimezone:UTC0 " + std::string(201, 'x')), Catch::Contains("200 bytes"));
}
