// Zone offsets for every date Herald accepts: date/tz's explicit transitions, then the zone's
// POSIX TZ footer rule. date/tz built with USE_OS_TZDB (Debian's) reads only the explicit
// transitions of the TZif files, which stop in 2037, and keeps the last offset forever after.
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/errors.hpp"
#include "core/time.hpp"
#include "core/tz_rule.hpp"

namespace herald {
namespace {

/// date/tz marks "no later transition" with an end at year::max() (or sys_seconds::max()); no
/// real transition lies anywhere near it, so anything past it is the open-ended last period.
const Instant kNoLaterTransition{date::sys_days{date::year::max() / date::December / 31}};

bool open_ended(const date::sys_info& info) {
    return info.end >= kNoLaterTransition;
}

/// The zone's footer rule when it has DST (a DST-less footer always agrees with the last explicit
/// period, so date/tz's answer stands); nullptr otherwise. Read and parsed once per zone, only when
/// an instant past the zone's last explicit transition is asked about.
const TzRule* footer_rule(const date::time_zone* zone) {
    static std::mutex mutex;
    static std::unordered_map<const date::time_zone*, std::unique_ptr<const TzRule>> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(zone);
    if (it != cache.end()) return it->second.get();
    std::unique_ptr<const TzRule> rule;
    if (auto footer = read_zone_footer(zone->name()); footer && !footer->empty()) {
        try {
            auto parsed = parse_tz_rule(*footer);
            if (parsed.has_dst()) rule = std::make_unique<const TzRule>(std::move(parsed));
        } catch (const HeraldError&) {
            // A footer we cannot read leaves date/tz's answer (the last explicit offset): better a
            // stale offset than no answer. tests/core/test_tz_rule.cpp parses every system footer.
        }
    }
    return cache.emplace(zone, std::move(rule)).first->second.get();
}

}  // namespace

ZoneOffset zone_offset_at(const date::time_zone* zone, Instant t) {
    if (const TzRule* rule = rule_of_zone(zone)) {  // a rule zone has no zone file: never get_info
        TzState s = tz_state_at(*rule, t);
        return {s.offset, std::move(s.abbrev), s.dst};
    }
    auto info = zone->get_info(t);
    if (open_ended(info)) {
        if (const TzRule* rule = footer_rule(zone)) {
            TzState s = tz_state_at(*rule, t);
            return {s.offset, std::move(s.abbrev), s.dst};
        }
    }
    return {info.offset, info.abbrev, info.save != std::chrono::minutes{0}};
}

Seconds utc_offset_at(const date::time_zone* zone, Instant t) {
    return zone_offset_at(zone, t).offset;
}

std::optional<std::pair<Seconds, Seconds>> zone_offset_range(const date::time_zone* zone,
                                                             Instant from, Instant to,
                                                             size_t max_periods) {
    if (rule_of_zone(zone) != nullptr) return std::nullopt;
    std::optional<std::pair<Seconds, Seconds>> out;
    Instant t = from;
    for (size_t n = 0; n < max_periods; ++n) {
        auto info = zone->get_info(t);
        // Past the explicit transitions a DST footer rule decides, which date/tz does not see.
        if (open_ended(info) && footer_rule(zone) != nullptr) return std::nullopt;
        const Seconds offset = info.offset;
        out = out ? std::pair{std::min(out->first, offset), std::max(out->second, offset)}
                  : std::pair{offset, offset};
        if (open_ended(info) || info.end >= to) return out;
        t = info.end;
    }
    return std::nullopt;
}

namespace {

/// Classifies a wall time by a zone's rule: compares the offsets a day either side (rule
/// transitions are months apart) and checks which of them reproduce this wall time.
LocalInfo local_info_by_rule(const date::time_zone* zone, LocalTime local) {
    const Instant naive{local.time_since_epoch()};
    const Seconds before = utc_offset_at(zone, naive - date::days{1});
    const Seconds after = utc_offset_at(zone, naive + date::days{1});
    auto fits = [&](Seconds offset) { return utc_offset_at(zone, naive - offset) == offset; };
    if (before == after) return {LocalInfo::Kind::unique, before, before};
    const bool fits_before = fits(before), fits_after = fits(after);
    if (fits_before && fits_after) return {LocalInfo::Kind::ambiguous, before, after};
    if (fits_before) return {LocalInfo::Kind::unique, before, before};
    if (fits_after) return {LocalInfo::Kind::unique, after, after};
    return {LocalInfo::Kind::nonexistent, before, after};
}

}  // namespace

LocalInfo local_info(const date::time_zone* zone, LocalTime local) {
    if (rule_of_zone(zone) != nullptr) return local_info_by_rule(zone, local);
    auto li = zone->get_info(local);
    const bool touches_tail =
        open_ended(li.first) || (li.result != date::local_info::unique && open_ended(li.second));
    if (!touches_tail || footer_rule(zone) == nullptr) {
        auto kind = li.result == date::local_info::unique      ? LocalInfo::Kind::unique
                    : li.result == date::local_info::ambiguous ? LocalInfo::Kind::ambiguous
                                                               : LocalInfo::Kind::nonexistent;
        return {kind, li.first.offset,
                li.result == date::local_info::unique ? li.first.offset : li.second.offset};
    }
    // Near or past the last explicit transition: the footer rule decides.
    return local_info_by_rule(zone, local);
}

}  // namespace herald
