#include "core/recurrence.hpp"

#include <algorithm>

#include "core/errors.hpp"
#include "core/rrule.hpp"

namespace herald {
namespace {

using date::days;

/// Past every instance: the expander stops at 9999-12-31.
const LocalTime kNoLimit{date::local_days{date::year{10000} / 1 / 1}};

/// UNTIL as Herald reads it for one event (RFC 5545 §3.3.10, mismatched forms read kindly).
struct UntilBound {
    bool set = false;
    LocalTime last_wall{};                  ///< last allowed nominal start, when not by instant
    std::optional<Instant> last_instant;    ///< UTC UNTIL of a zoned start: bounds instants
    const date::time_zone* zone = nullptr;  ///< the start's zone, for last_instant

    /// True when an instance with nominal start `l` is within UNTIL.
    bool allows(LocalTime l) const {
        if (!set) return true;
        if (last_instant) return resolve_local(l, zone) <= *last_instant;
        return l <= last_wall;
    }
    /// A wall time past every allowed nominal start (a UTC offset is less than a day).
    LocalTime limit() const {
        if (!set) return kNoLimit;
        if (last_instant) return to_local(*last_instant, zone) + days{1};
        return last_wall + Seconds{1};
    }
};

UntilBound until_bound(const RRule& r, const CalTime& start) {
    UntilBound u;
    if (r.until_form == UntilForm::none) return u;
    u.set = true;
    if (!start.timed()) {
        u.last_wall = LocalTime{date::floor<days>(r.until)};  // all-day: UNTIL's date
    } else if (r.until_form == UntilForm::date) {
        u.last_wall = r.until + days{1} - Seconds{1};  // a date on a timed start: that whole day
    } else if (r.until_form == UntilForm::utc && !start.tz.empty()) {
        u.zone = find_zone(start.tz);
        u.last_instant = Instant{r.until.time_since_epoch()};
    } else {
        u.last_wall = r.until;  // floating UNTIL, or a UTC one on a floating start: wall time
    }
    return u;
}

RRule rule_of(const Event& e) {
    return parse_rrule(e.rrule, e.start.precision == Precision::day);
}

/// The rule's instances with from <= start < to. COUNT counts DTSTART as the first instance
/// (RFC 5545 §3.3.10: "The DTSTART property value always counts as the first occurrence"), also
/// when DTSTART is not an instance of the rule itself: the rule then adds COUNT-1 more.
void rule_instances(const Event& e, LocalTime from, LocalTime to, std::vector<LocalTime>& out) {
    const RRule rule = rule_of(e);
    const LocalTime dtstart = e.start.local;
    if (rule.count > 0) {
        RRuleIterator it(rule, dtstart, dtstart, to);
        int n = 1;
        for (auto l = it.next(); l && *l < to && n < rule.count; l = it.next()) {
            if (*l == dtstart) continue;
            ++n;
            if (*l >= from) out.push_back(*l);
        }
        return;
    }
    const UntilBound until = until_bound(rule, e.start);
    const LocalTime stop = std::min(to, until.limit());
    RRuleIterator it(rule, dtstart, from, stop);
    for (auto l = it.next(); l && *l < stop; l = it.next())
        if (*l >= from && until.allows(*l)) out.push_back(*l);
}

/// A RDATE/EXDATE as a local start: a date on a timed event takes the start's time of day.
LocalTime as_start(const CalTime& d, const CalTime& start) {
    if (d.timed() || !start.timed()) return d.local;
    return LocalTime{date::floor<days>(d.local)} + (start.local - date::floor<days>(start.local));
}

/// True when EXDATE `x` names the instance with nominal start `l`. A zoned EXDATE matches by
/// instant, so the shown (gap-shifted) time of an instance in a DST gap names it too; a date
/// excludes that day's instance.
bool names_instance(const Event& e, const CalTime& x, LocalTime l) {
    if (!x.timed() && e.start.timed()) return date::floor<days>(x.local) == date::floor<days>(l);
    if (x.local == l) return true;
    const std::string& tz = e.start.tz;
    if (!x.timed() || tz.empty() || (x.local > l ? x.local - l : l - x.local) > days{1})
        return false;
    const date::time_zone* zone = find_zone(tz);
    return resolve_local(x.local, x.tz.empty() ? zone : find_zone(x.tz)) == resolve_local(l, zone);
}

bool excluded(const Event& e, LocalTime l) {
    return std::any_of(e.exdates.begin(), e.exdates.end(),
                       [&](const CalTime& x) { return names_instance(e, x, l); });
}

/// Every instance (DTSTART, RRULE, RDATEs) with from <= start < to, EXDATEs not applied.
std::vector<LocalTime> all_instances(const Event& e, LocalTime from, LocalTime to) {
    std::vector<LocalTime> out;
    if (!e.start.dated() || from >= to) return out;
    if (e.start.local >= from && e.start.local < to)
        out.push_back(e.start.local);  // DTSTART is always an instance
    if (!e.rrule.empty()) rule_instances(e, from, to, out);
    for (const auto& d : e.rdates) {
        LocalTime l = as_start(d, e.start);
        if (l >= from && l < to) out.push_back(l);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

bool is_recurring(const Event& e) {
    return !e.rrule.empty() || !e.rdates.empty();
}

void validate_rrule(const std::string& rrule, const CalTime& start) {
    parse_rrule(rrule, start.precision == Precision::day);
}

void check_exdates_match(const Event& e, const std::vector<CalTime>& kept) {
    for (const auto& x : e.exdates) {
        // Why skip the kept ones: an imported EXDATE that matches nothing would otherwise make
        // every later exception the user adds fail.
        if (std::find(kept.begin(), kept.end(), x) != kept.end()) continue;
        const LocalTime near = as_start(x, e.start);
        const auto instances = all_instances(e, near - days{2}, near + days{2});
        if (std::none_of(instances.begin(), instances.end(),
                         [&](LocalTime l) { return names_instance(e, x, l); }))
            bad_param("exdates", "exdate " + format_caltime(x) +
                                     " matches no occurrence of the event; expected the start "
                                     "of an occurrence (its date for an all-day event)");
    }
}

std::vector<LocalTime> expand_local(const Event& e, LocalTime from, LocalTime to) {
    std::vector<LocalTime> out = all_instances(e, from, to);
    if (!e.exdates.empty()) std::erase_if(out, [&](LocalTime l) { return excluded(e, l); });
    return out;
}

std::optional<LocalTime> last_local_start(const Event& e) {
    LocalTime last = e.start.local;
    for (const auto& d : e.rdates) last = std::max(last, as_start(d, e.start));
    if (e.rrule.empty()) return last;
    const RRule rule = rule_of(e);
    const UntilBound until = until_bound(rule, e.start);
    if (until.set) return std::max(last, until.limit() - Seconds{1});
    if (rule.count == 0) return std::nullopt;
    RRuleIterator it(rule, e.start.local, e.start.local, kNoLimit);
    int n = 1;
    for (auto l = it.next(); l && n < rule.count; l = it.next()) {
        if (*l == e.start.local) continue;
        ++n;
        last = std::max(last, *l);
    }
    return last;
}

}  // namespace herald
