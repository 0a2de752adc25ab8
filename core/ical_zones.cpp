#include "core/ical_zones.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "core/time.hpp"
#include "core/vtimezone_rule.hpp"

namespace herald {
namespace {

struct ZonePair {
    std::string_view windows;
    std::string_view iana;
};

constexpr ZonePair kWindowsZones[] = {
#include "core/windows_zones.inc"
};

// Names seen in the wild that are neither IANA nor CLDR Windows names.
constexpr ZonePair kAliases[] = {
    {"GMT", "Etc/UTC"},
    {"Z", "Etc/UTC"},
    {"UT", "Etc/UTC"},
    {"Universal", "Etc/UTC"},
    {"Coordinated Universal Time", "Etc/UTC"},
    {"Eastern Time", "America/New_York"},
    {"Central Time", "America/Chicago"},
    {"Mountain Time", "America/Denver"},
    {"Pacific Time", "America/Los_Angeles"},
    {"Japan", "Asia/Tokyo"},
    {"JST", "Asia/Tokyo"},
    {"CET", "Europe/Paris"},
};

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_iana(const std::string& name) {
    if (name.empty()) return false;
    try {
        date::locate_zone(name);
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Why these bounds: the years a TZID is checked in are the event's own (clamped here): wide
// enough to tell rule sets apart, and inside the range both libical and the compiled zoneinfo
// describe exactly.
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2040;
// Why at most 20 years per check: an open-ended series is checked from its start on; two decades
// cover what a file's rules were written for and keep one check to ~7,000 samples.
constexpr int kMaxYears = 20;

// Why a budget: libical expands every STANDARD/DAYLIGHT rule from its DTSTART and keeps each
// change; a 300-byte VTIMEZONE with FREQ=DAILY from 1601 becomes ~300,000 changes (seconds and
// ~500 MB). Real zones change at most twice a year: from 1601 (Outlook's usual DTSTART) that is
// under 900 changes, so 8192 leaves room for any real zone.
constexpr size_t kMaxZoneChanges = 8192;
// Why a cap: matching one VTIMEZONE samples every day of the event's years against every IANA
// zone, which costs milliseconds; a file defining thousands of zones under made-up names (or
// thousands of events in different years) would hold the daemon. Past the cap the file's rules
// are used directly, which is always right for single events.
constexpr size_t kMaxMatches = 64;

/// The zone changes libical would expand `comp`'s rules into up to kLastYear, counted
/// up to `limit` (so a rule that changes daily costs `limit` steps here, not its full expansion).
size_t count_changes(icalcomponent* comp, size_t limit) {
    size_t count = 0;
    for (icalcomponent* sub = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT);
         sub != nullptr && count <= limit;
         sub = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
        count += static_cast<size_t>(icalcomponent_count_properties(sub, ICAL_RDATE_PROPERTY));
        icalproperty* start = icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY);
        if (start == nullptr) continue;
        for (icalproperty* p = icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY);
             p != nullptr && count <= limit;
             p = icalcomponent_get_next_property(sub, ICAL_RRULE_PROPERTY)) {
            icalrecur_iterator* it =
                icalrecur_iterator_new(icalproperty_get_rrule(p), icalproperty_get_dtstart(start));
            if (it == nullptr) continue;
            for (icaltimetype t = icalrecur_iterator_next(it);
                 !icaltime_is_null_time(t) && t.year <= kLastYear + 1 && count <= limit;
                 t = icalrecur_iterator_next(it))
                ++count;
            icalrecur_iterator_free(it);
        }
    }
    return count;
}

}  // namespace

std::string_view windows_zone_to_iana(std::string_view name) {
    for (const auto& z : kWindowsZones)
        if (iequal(z.windows, name)) return z.iana;
    return {};
}

struct TzidResolver::FileZones {
    std::map<std::string, icaltimezone*> zones;
    std::map<std::string, std::string> tznames;  ///< TZID -> first TZNAME, for tie-breaks
    ~FileZones() {
        for (auto& [_, z] : zones) icaltimezone_free(z, 1);
    }
};

namespace {

std::pair<int, int> clamp_years(int first, int last) {
    first = std::clamp(first, kFirstYear, kLastYear);
    last = std::clamp(last, first, std::min(kLastYear, first + kMaxYears - 1));
    return {first, last};
}

/// The VTIMEZONE's UTC offset at noon UTC of every day of the years first..last.
std::vector<std::pair<Instant, int>> sample_offsets(icaltimezone* zone, int first, int last) {
    std::vector<std::pair<Instant, int>> samples;
    for (auto day = date::sys_days{date::year{first} / 1 / 1};
         day < date::sys_days{date::year{last + 1} / 1 / 1}; day += date::days{1}) {
        Instant t = day + std::chrono::hours{12};
        icaltimetype tt = icaltime_from_timet_with_zone(
            static_cast<time_t>(t.time_since_epoch().count()), 0, icaltimezone_get_utc_timezone());
        int is_daylight = 0;
        samples.emplace_back(t, icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &is_daylight));
    }
    return samples;
}

std::string strip_quotes(const std::string& tzid) {
    if (tzid.size() >= 2 && tzid.front() == '"' && tzid.back() == '"')
        return tzid.substr(1, tzid.size() - 2);
    return tzid;
}

/// The IANA zone a TZID names or is mapped to by name alone; `exact` tells an IANA name.
std::string map_by_name(const std::string& tzid, bool& exact) {
    exact = is_iana(tzid);
    if (exact) return std::string(date::locate_zone(tzid)->name());
    // Vendor prefixes: "/mozilla.org/20050126_1/Europe/Berlin",
    // "/citadel.org/.../America/New_York".
    for (size_t slash = tzid.find('/'); slash != std::string::npos;
         slash = tzid.find('/', slash + 1)) {
        std::string rest = tzid.substr(slash + 1);
        if (rest.find('/') != std::string::npos && is_iana(rest)) return rest;
    }
    if (auto w = windows_zone_to_iana(tzid); !w.empty()) return std::string(w);
    for (const auto& a : kAliases)
        if (iequal(a.windows, tzid)) return std::string(a.iana);
    return {};
}

/// A TZID as a rule zone's name: one line of at most 200 bytes (cut on a UTF-8 boundary).
std::string display_name(const std::string& tzid) {
    std::string out;
    for (char c : tzid)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    if (out.size() > 200) {
        size_t cut = 200;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    return out;
}

std::string years_text(int first, int last) {
    return first == last ? std::to_string(first)
                         : std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

TzidResolver::TzidResolver() : file_(std::make_unique<FileZones>()) {}
TzidResolver::~TzidResolver() = default;

std::string TzidResolver::add_vtimezone(std::string_view text) {
    std::string copy(text);
    icalcomponent* comp = icalcomponent_new_from_string(copy.c_str());
    if (comp == nullptr || icalcomponent_isa(comp) != ICAL_VTIMEZONE_COMPONENT) {
        if (comp) icalcomponent_free(comp);
        throw HeraldError(ErrorCode::invalid_time, "VTIMEZONE cannot be parsed", "VTIMEZONE");
    }
    icalproperty* tzid_prop = icalcomponent_get_first_property(comp, ICAL_TZID_PROPERTY);
    const char* tzid = tzid_prop ? icalproperty_get_tzid(tzid_prop) : nullptr;
    if (tzid == nullptr || *tzid == '\0') {
        icalcomponent_free(comp);
        throw HeraldError(ErrorCode::invalid_time, "VTIMEZONE has no TZID", "TZID");
    }
    std::string name = tzid;
    if (icalcomponent_get_first_component(comp, ICAL_XSTANDARD_COMPONENT) == nullptr &&
        icalcomponent_get_first_component(comp, ICAL_XDAYLIGHT_COMPONENT) == nullptr) {
        icalcomponent_free(comp);
        throw HeraldError(ErrorCode::invalid_time,
                          "VTIMEZONE " + name + " has no STANDARD or DAYLIGHT rules", "TZID");
    }
    for (icalcomponent* sub = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT);
         sub != nullptr; sub = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
        if (icalproperty* p = icalcomponent_get_first_property(sub, ICAL_TZNAME_PROPERTY)) {
            file_->tznames[name] = icalproperty_get_tzname(p);
            break;
        }
    if (count_changes(comp, kMaxZoneChanges) > kMaxZoneChanges) {
        icalcomponent_free(comp);
        throw HeraldError(ErrorCode::invalid_time,
                          "VTIMEZONE " + name + " changes offset more than " +
                              std::to_string(kMaxZoneChanges) +
                              " times; real zones change at most twice a year",
                          "TZID");
    }
    icaltimezone* zone = icaltimezone_new();
    if (icaltimezone_set_component(zone, comp) == 0) {
        icaltimezone_free(zone, 1);
        icalcomponent_free(comp);
        throw HeraldError(ErrorCode::invalid_time, "VTIMEZONE " + name + " is not usable", "TZID");
    }
    if (auto old = file_->zones.find(name); old != file_->zones.end())
        icaltimezone_free(old->second, 1);
    file_->zones[name] = zone;
    std::erase_if(cache_, [&](const auto& kv) { return std::get<0>(kv.first) == name; });
    return name;
}

const TzidChoice& TzidResolver::choose(const std::string& tzid, int first_year, int last_year) {
    auto [first, last] = clamp_years(first_year, last_year);
    auto key = std::make_tuple(tzid, first, last);
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, choose_uncached(tzid, first, last)).first;
    return it->second;
}

TzidChoice TzidResolver::choose_uncached(const std::string& raw, int first, int last) {
    bool exact = false;
    std::string mapped = map_by_name(strip_quotes(raw), exact);
    bool has_file_zone = file_->zones.count(raw) > 0;
    // Why an IANA name is not checked: the file's copy of an IANA zone is at best as current as
    // the system's tz database, often older.
    if (exact || (!mapped.empty() && !has_file_zone)) return {mapped, false, {}};
    if (!has_file_zone)
        return {{},
                false,
                "unknown TZID '" + raw +
                    "': not an IANA, Windows or common zone name and the file has no VTIMEZONE "
                    "for it"};
    std::string why;
    if (!mapped.empty()) {
        why = disagreement(raw, mapped, first, last);
        if (why.empty()) return {mapped, false, {}};
    }
    std::string years = years_text(first, last);
    if (++matched_ > kMaxMatches)
        return file_rule_choice(raw, first, last,
                                (why.empty() ? "TZID '" + raw + "' is not a zone name" : why) +
                                    "; too many VTIMEZONE matches in this file");
    std::string match = match_vtimezone(raw, first, last);
    if (why.empty() && !match.empty()) return {match, false, {}};
    if (match.empty())
        return file_rule_choice(raw, first, last,
                                (why.empty() ? "TZID '" + raw + "'" : why) +
                                    "; no IANA zone has the file's VTIMEZONE offsets in " + years);
    return {match, false, why + "; using " + match + ", which agrees with it in " + years};
}

TzidChoice TzidResolver::file_rule_choice(const std::string& tzid, int first, int last,
                                          const std::string& why) {
    icaltimezone* zone = file_->zones.at(tzid);
    auto rule = vtimezone_rule(icaltimezone_get_component(zone), first);
    if (!rule)
        return {{},
                true,
                why +
                    "; its rules are not yearly rules a POSIX TZ rule states, so they give the "
                    "instants stored in UTC (later instances of a series keep the first one's "
                    "offset)"};
    const std::string posix = format_tz_rule(*rule);
    std::string note = why + "; kept in the file's own zone (" + posix + ")";
    // Why compare: a VTIMEZONE may change its rules over the years (RDATEs, observances with
    // UNTIL); the rule holds those in force in the event's first year, used for every instance.
    // Past kMaxMatches checks (each samples decades) the warning is left out, not the zone.
    const int from = std::max(kFirstYear, first - kMaxYears);
    if (++compared_ > kMaxMatches)
        note += "; not compared with the VTIMEZONE's other years (too many zones in this file)";
    else if (auto day = first_difference(zone, *rule, from, last); !day.empty())
        note += "; the VTIMEZONE has other rules in other years (it differs on " + day +
                "): every instance uses those in force in " + std::to_string(first);
    return {rule_zone_text(posix, display_name(strip_quotes(tzid))), false, note};
}

std::string TzidResolver::disagreement(const std::string& tzid, const std::string& zone, int first,
                                       int last) {
    const date::time_zone* tz = find_zone(zone);
    for (const auto& [t, offset] : sample_offsets(file_->zones.at(tzid), first, last))
        if (utc_offset_at(tz, t).count() != offset)
            return "TZID '" + tzid + "' maps to " + zone +
                   ", but the file's VTIMEZONE disagrees on " +
                   date::format("%Y-%m-%d", date::floor<date::days>(t));
    return {};
}

Instant TzidResolver::file_instant(const std::string& tzid, LocalTime local) const {
    icaltimezone* zone = file_->zones.at(tzid);
    auto days = date::floor<date::days>(local);
    date::year_month_day ymd{days};
    date::hh_mm_ss<Seconds> hms{local - days};
    icaltimetype tt = icaltime_null_time();
    tt.year = static_cast<int>(ymd.year());
    tt.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    tt.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    tt.hour = static_cast<int>(hms.hours().count());
    tt.minute = static_cast<int>(hms.minutes().count());
    tt.second = static_cast<int>(hms.seconds().count());
    int is_daylight = 0;
    int offset = icaltimezone_get_utc_offset(zone, &tt, &is_daylight);
    return Instant{local.time_since_epoch()} - Seconds{offset};
}

std::string TzidResolver::match_vtimezone(const std::string& tzid, int first, int last) {
    auto samples = sample_offsets(file_->zones.at(tzid), first, last);
    const std::string needle = lower(tzid);
    const std::string tzname = file_->tznames.count(tzid) ? file_->tznames[tzid] : std::string();
    std::string best;
    int best_score = -1;
    for (const auto& zone : date::get_tzdb().zones) {
        bool same = std::all_of(samples.begin(), samples.end(), [&](const auto& s) {
            return utc_offset_at(&zone, s.first).count() == s.second;
        });
        if (!same) continue;
        // Prefer a zone whose city the TZID names ("(UTC+09:00) Osaka, Sapporo, Tokyo"), then one
        // whose abbreviation matches the VTIMEZONE's TZNAME, then one whose region it names
        // ("Western/Central Europe": not Africa/Ceuta); avoid the Etc/ offsets.
        std::string name(zone.name());
        std::string city = lower(name.substr(name.rfind('/') + 1));
        std::replace(city.begin(), city.end(), '_', ' ');
        int score = 0;
        if (needle.find(city) != std::string::npos) score += 8;
        if (!tzname.empty() && zone_abbrev(samples.front().first, &zone) == tzname) score += 4;
        if (needle.find(lower(name.substr(0, name.find('/')))) != std::string::npos) score += 2;
        if (name.rfind("Etc/", 0) != 0) score += 1;
        if (score > best_score) best_score = score, best = name;
    }
    return best;
}

}  // namespace herald
