#include "daemon/sync_observer.hpp"

#include "core/errors.hpp"

namespace herald::sync {

Observer::Observer(StoreObserver& inner, State& state, const Settings& settings, Changed changed)
    : inner_(inner), state_(state), settings_(settings), changed_(std::move(changed)) {}

void Observer::check_configured(const std::string& calendar) const {
    std::string names;
    for (const auto& c : settings_.caldav) {
        if (c.name == calendar) return;
        names += (names.empty() ? "" : ", ") + c.name;
    }
    bad_param("calendar",
              "no calendar named \"" + calendar + "\": heraldd.toml has no [[caldav]] " +
                  "table with that name (" +
                  (names.empty() ? std::string("none is configured") : "configured: " + names) +
                  ")");
}

void Observer::queue(const std::string& calendar, const std::string& uid, bool remove,
                     Instant now) {
    // An override is part of its master's resource: changing or removing it rewrites that.
    const bool override = uid.find('#') != std::string::npos;
    state_.enqueue(calendar, resource_uid(uid), remove && !override, now);
    if (changed_) changed_(calendar);
}

void Observer::saved(const std::optional<Event>& before, const Event& after,
                     std::string_view after_json, bool log) {
    if (!applying_ && !after.calendar.empty() && (!before || before->calendar != after.calendar))
        check_configured(after.calendar);
    inner_.saved(before, after, after_json, log);
    if (applying_) return;
    if (before && !before->calendar.empty() && before->calendar != after.calendar)
        queue(before->calendar, before->uid, true, after.updated);
    if (!after.calendar.empty()) queue(after.calendar, after.uid, false, after.updated);
}

void Observer::removed(const Event& before, Instant now) {
    inner_.removed(before, now);
    if (!applying_ && !before.calendar.empty()) queue(before.calendar, before.uid, true, now);
}

}  // namespace herald::sync
