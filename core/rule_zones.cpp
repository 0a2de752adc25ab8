// Rule zones: zones given by a POSIX TZ rule (a file's VTIMEZONE that matches no IANA zone)
// rather than an IANA name. Each is a date::time_zone object used only for its address and name,
// so every `const date::time_zone*` call site keeps working; the offset questions go to the rule
// (zone_offsets.cpp asks rule_of_zone first).
#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>

// Why the private header: a date::time_zone object is destroyed here, which needs the complete
// types of its (unused, empty) transition tables.
#include <date/tz_private.h>

#include "core/errors.hpp"
#include "core/tz_rule.hpp"

namespace herald {
namespace {

struct RuleZone {
    date::time_zone zone;
    TzRule rule;
};

// Why a cap: zones are kept for the process like date/tz's; a client sending endless distinct
// rules must not grow the daemon without bound. Real calendars define a handful.
constexpr size_t kMaxRuleZones = 10000;
// Why a bound on the name: it is a TZID shown in listings; real ones are under 100 bytes.
constexpr size_t kMaxNameBytes = 200;

struct Registry {
    std::mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<RuleZone>> by_text;
    std::unordered_map<const date::time_zone*, const TzRule*> by_zone;
};

Registry& registry() {
    static Registry r;
    return r;
}

/// The name part of a rule zone's text, checked: one line of at most kMaxNameBytes.
void check_name(std::string_view name, std::string_view text, std::string_view field) {
    bool printable = std::all_of(name.begin(), name.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u != 0x7f;
    });
    if (name.size() > kMaxNameBytes || !printable)
        bad_time(std::string(field), "the zone name in '" + std::string(text.substr(0, 80)) +
                                         "' must be one line of at most " +
                                         std::to_string(kMaxNameBytes) + " bytes");
}

}  // namespace

bool is_rule_zone(std::string_view tz) {
    return tz.substr(0, kRuleZonePrefix.size()) == kRuleZonePrefix;
}

std::string rule_zone_text(std::string_view posix, std::string_view name) {
    std::string out = std::string(kRuleZonePrefix) + std::string(posix);
    if (!name.empty()) out += " " + std::string(name);
    return out;
}

std::string zone_display_name(std::string_view tz) {
    if (!is_rule_zone(tz)) return std::string(tz);
    std::string_view rest = tz.substr(kRuleZonePrefix.size());
    size_t space = rest.find(' ');
    return std::string(space == std::string_view::npos ? rest : rest.substr(space + 1));
}

const date::time_zone* find_rule_zone(std::string_view text, std::string_view field) {
    Registry& r = registry();
    {
        std::lock_guard lock(r.mutex);
        if (auto it = r.by_text.find(std::string(text)); it != r.by_text.end())
            return &it->second->zone;
    }
    std::string_view rest = text.substr(kRuleZonePrefix.size());
    size_t space = rest.find(' ');
    std::string_view posix = rest.substr(0, space);
    std::string_view name = space == std::string_view::npos ? "" : rest.substr(space + 1);
    check_name(name, text, field);
    TzRule rule = parse_tz_rule(posix, field);
    std::lock_guard lock(r.mutex);
    auto it = r.by_text.find(std::string(text));
    if (it == r.by_text.end()) {
        if (r.by_text.size() >= kMaxRuleZones)
            bad_time(std::string(field), "too many distinct rule zones (at most " +
                                             std::to_string(kMaxRuleZones) +
                                             "); expected an IANA zone name such as Asia/Tokyo");
        // The name date/tz keeps is the whole text, so zone->name() gives the tz text back.
        auto zone = std::make_unique<RuleZone>(
            RuleZone{date::time_zone(std::string(text), date::detail::undocumented{}), rule});
        it = r.by_text.emplace(std::string(text), std::move(zone)).first;
        r.by_zone.emplace(&it->second->zone, &it->second->rule);
    }
    return &it->second->zone;
}

const TzRule* rule_of_zone(const date::time_zone* zone) {
    if (zone == nullptr || !is_rule_zone(zone->name())) return nullptr;
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.by_zone.find(zone);
    return it == r.by_zone.end() ? nullptr : it->second;
}

}  // namespace herald
