#include "daemon/desktop_sink.hpp"

#include <spdlog/spdlog.h>

#include "core/event_json.hpp"

namespace herald {
namespace {

std::string alarm_text(Instant due, Instant occurrence) {
    auto before = std::chrono::duration_cast<std::chrono::minutes>(occurrence - due).count();
    if (before == 0) return "at start";
    auto abs = before < 0 ? -before : before;
    std::string amount =
        abs % 1440 == 0 ? std::to_string(abs / 1440) + (abs == 1440 ? " day" : " days")
        : abs % 60 == 0 ? std::to_string(abs / 60) + (abs == 60 ? " hour" : " hours")
                        : std::to_string(abs) + " min";
    return amount + (before > 0 ? " before" : " after start");
}

}  // namespace

DesktopReminder desktop_reminder(const Json& p, const date::time_zone* viewer) {
    DesktopReminder r;
    r.key = "alarm-" + std::to_string(p.value("id", int64_t{0}));
    r.event_id = p.value("event_id", int64_t{0});
    r.occurrence = p.value("occurrence", "");
    r.title = p.value("title", "");
    r.where = p.value("location", "");
    Instant occ = parse_instant(r.occurrence, "occurrence");
    std::string tz = p.value("tz", "");
    CalTime start = caltime_from_string(p.value("start", ""), tz, "start");
    if (start.timed()) {
        const date::time_zone* zone = tz.empty() ? viewer : find_zone(tz);
        LocalTime local = to_local(occ, zone);
        r.when_event =
            date::format("%a %Y-%m-%d %H:%M ", date::floor<std::chrono::minutes>(local)) +
            zone_abbrev(occ, zone);
        if (utc_offset_at(zone, occ) != utc_offset_at(viewer, occ))
            r.when_local =
                date::format("%H:%M ", date::floor<std::chrono::minutes>(to_local(occ, viewer))) +
                zone_abbrev(occ, viewer);
    } else {
        r.when_event = date::format("%a %Y-%m-%d", date::floor<date::days>(to_local(occ, viewer))) +
                       " (all day)";
    }
    r.alarm = alarm_text(parse_instant(p.value("due", r.occurrence), "due"), occ);
    return r;
}

void wire_desktop(DesktopNotifier& desktop, Hub& hub, AlarmStore& alarms, Scheduler& scheduler,
                  const Settings& settings, const date::time_zone* viewer) {
    hub.set_listener([&desktop, viewer](const Message& m) {
        try {
            if (m.method == kMethodReminder) {
                desktop.notify(desktop_reminder(m.params(), viewer));
            } else if (m.method == kMethodDigest) {
                Json p = m.params();
                DesktopReminder r;
                r.key = "digest-" + std::to_string(m.seq);
                r.title = std::to_string(p.value("count", 0)) +
                          " reminders came due while Herald was away";
                for (const auto& item : p["reminders"])
                    r.where += (r.where.empty() ? "" : "\n") + item.value("title", "");
                desktop.notify(r);
            }
        } catch (const std::exception& e) {
            spdlog::warn("desktop: cannot show message {}: {}", m.seq, e.what());
        }
    });
    // Why "default" acknowledges: clicking a reminder is how a desktop user says "seen".
    desktop.on_action(
        [&alarms, &hub, &scheduler, &settings](const std::string& key, const std::string& action) {
            spdlog::debug("desktop: action {} on {}", action, key);
            if (key.rfind("alarm-", 0) != 0) return;
            auto entry = alarms.entry(std::stoll(key.substr(6)));
            if (!entry) {
                spdlog::warn("desktop: {} on {}, which is no longer in the ledger", action, key);
                return;
            }
            try {
                Instant now = date::floor<Seconds>(std::chrono::system_clock::now());
                if (action == "snooze")
                    alarms.snooze({*entry}, now + settings.snooze, now);
                else if (action == "dismiss" || action == "default")
                    alarms.acknowledge(*entry);
                else
                    return;
                spdlog::info("desktop: reminder {} {}", entry->id,
                             action == "snooze" ? "snoozed" : "acknowledged");
                hub.flush();
                scheduler.rearm_if_changed();
            } catch (const std::exception& e) {
                spdlog::warn("desktop: {} on reminder {} failed: {}", action, entry->id, e.what());
            }
        });
}

}  // namespace herald
