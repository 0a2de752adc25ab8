#include "core/ical_zones.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "core/time.hpp"

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

// Why these bounds: wide enough to tell rule sets apart (the US changed its rules in 2007), and
// inside the range both libical and the compiled zoneinfo describe exactly.
constexpr int kFirstSampleYear = 2010;
constexpr int kLastSampleYear = 2030;

// Why a budget: libical expands every STANDARD/DAYLIGHT rule from its DTSTART and keeps each
// change; a 300-byte VTIMEZONE with FREQ=DAILY from 1601 becomes ~300,000 changes (seconds and
// ~500 MB). Real zones change at most twice a year: from 1601 (Outlook's usual DTSTART) that is
// under 900 changes, so 8192 leaves room for any real zone.
constexpr size_t kMaxZoneChanges = 8192;
// Why a cap: matching one VTIMEZONE samples every day of kFirstSampleYear..kLastSampleYear, which
// costs tens of milliseconds; a file defining thousands of zones under made-up names would hold
// the daemon for minutes. Real files define a handful.
constexpr size_t kMaxMatchedZones = 8;

/// The zone changes libical would expand `comp`'s rules into up to the last sample year, counted
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
                 !icaltime_is_null_time(t) && t.year <= kLastSampleYear + 10 && count <= limit;
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
    cache_.erase(name);
    return name;
}

const std::string& TzidResolver::resolve(const std::string& tzid) {
    auto it = cache_.find(tzid);
    if (it == cache_.end()) it = cache_.emplace(tzid, resolve_uncached(tzid)).first;
    if (it->second.empty())
        bad_time(
            "TZID",
            "unknown TZID '" + tzid +
                "': not an IANA or Windows zone name, and the file's VTIMEZONE for it (if any) "
                "matches no IANA zone");
    return it->second;
}

std::string TzidResolver::resolve_uncached(const std::string& raw) {
    std::string tzid = raw;
    if (tzid.size() >= 2 && tzid.front() == '"' && tzid.back() == '"')
        tzid = tzid.substr(1, tzid.size() - 2);
    if (is_iana(tzid)) return std::string(date::locate_zone(tzid)->name());
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
    return match_vtimezone(raw);
}

std::string TzidResolver::match_vtimezone(const std::string& tzid) {
    auto it = file_->zones.find(tzid);
    if (it == file_->zones.end()) return {};
    if (++matched_ > kMaxMatchedZones)
        bad_time("TZID", "unknown TZID '" + tzid + "': the file defines more than " +
                             std::to_string(kMaxMatchedZones) +
                             " VTIMEZONEs whose names are not IANA or Windows zone names; only "
                             "the first are matched by their rules");
    std::vector<std::pair<Instant, int>> samples;
    for (auto day = date::sys_days{date::year{kFirstSampleYear} / 1 / 1};
         day < date::sys_days{date::year{kLastSampleYear + 1} / 1 / 1}; day += date::days{1}) {
        Instant t = day + std::chrono::hours{12};
        icaltimetype tt = icaltime_from_timet_with_zone(
            static_cast<time_t>(t.time_since_epoch().count()), 0, icaltimezone_get_utc_timezone());
        int is_daylight = 0;
        samples.emplace_back(
            t, icaltimezone_get_utc_offset_of_utc_time(it->second, &tt, &is_daylight));
    }
    const std::string needle = lower(tzid);
    const std::string tzname = file_->tznames.count(tzid) ? file_->tznames[tzid] : std::string();
    std::string best;
    int best_score = -1;
    for (const auto& zone : date::get_tzdb().zones) {
        bool same = std::all_of(samples.begin(), samples.end(), [&](const auto& s) {
            return zone.get_info(s.first).offset.count() == s.second;
        });
        if (!same) continue;
        // Prefer a zone whose city the TZID names ("(UTC+09:00) Osaka, Sapporo, Tokyo"), then one
        // whose abbreviation matches the VTIMEZONE's TZNAME; avoid the Etc/ offsets.
        std::string name(zone.name());
        std::string city = lower(name.substr(name.rfind('/') + 1));
        std::replace(city.begin(), city.end(), '_', ' ');
        int score = 0;
        if (needle.find(city) != std::string::npos) score += 4;
        if (!tzname.empty() && zone.get_info(samples.front().first).abbrev == tzname) score += 2;
        if (name.rfind("Etc/", 0) != 0) score += 1;
        if (score > best_score) best_score = score, best = name;
    }
    return best;
}

}  // namespace herald
