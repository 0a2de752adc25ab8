#include "daemon/desktop_sink.hpp"

#include <spdlog/spdlog.h>

#include "core/event_json.hpp"

namespace herald {

DesktopOptions desktop_options(const Settings& settings) {
    return {settings.urgency, settings.snooze, settings.expire};
}

Json desktop_status(const DesktopNotifier* desktop, const Settings& settings) {
    if (desktop == nullptr)
        return {{"state", "off"},
                {"why", settings.system_mode ? "system mode: each user runs herald watch --desktop"
                                             : "notify.desktop is false"}};
    Json out{{"state", desktop->state()}};
    if (!desktop->server().empty()) out["server"] = desktop->server();
    return out;
}

DesktopLog desktop_log() {
    return [](DesktopLogLevel level, const std::string& message) {
        switch (level) {
            case DesktopLogLevel::debug:
                spdlog::debug("{}", message);
                break;
            case DesktopLogLevel::info:
                spdlog::info("{}", message);
                break;
            case DesktopLogLevel::warn:
                spdlog::warn("{} (reminders still go to subscribers and the journal)", message);
                break;
        }
    };
}

void wire_desktop(DesktopNotifier& desktop, Hub& hub, AlarmStore& alarms, Scheduler& scheduler,
                  const Settings& settings, const date::time_zone* viewer) {
    hub.set_listener([&desktop, viewer](const Message& m) {
        try {
            if (m.method == kMethodReminder) {
                desktop.notify(desktop_reminder(m.params(), viewer));
            } else if (m.method == kMethodDigest) {
                desktop.notify(desktop_digest(m.params(), m.seq));
            }
        } catch (const std::exception& e) {
            spdlog::warn("desktop: cannot show message {}: {}", m.seq, e.what());
        }
    });
    auto act = [&alarms, &hub, &scheduler, &settings](const std::string& key, DesktopAnswer answer,
                                                      const std::string& what) {
        spdlog::debug("desktop: {} on {}", what, key);
        auto id = desktop_alarm_id(key);
        if (!id || answer == DesktopAnswer::none) return;
        auto entry = alarms.entry(*id);
        if (!entry) {
            spdlog::warn("desktop: {} on {}, which is no longer in the ledger", what, key);
            return;
        }
        try {
            Instant now = date::floor<Seconds>(std::chrono::system_clock::now());
            if (answer == DesktopAnswer::snooze)
                alarms.snooze({*entry}, now + settings.snooze, now);
            else
                alarms.acknowledge(*entry, now);
            spdlog::info("desktop: reminder {} {} ({})", entry->id,
                         answer == DesktopAnswer::snooze ? "snoozed" : "acknowledged", what);
            hub.flush();
            scheduler.rearm_if_changed();
        } catch (const std::exception& e) {
            spdlog::warn("desktop: {} on reminder {} failed: {}", what, entry->id, e.what());
        }
    };
    desktop.on_action([act](const std::string& key, const std::string& action) {
        act(key, desktop_answer(action), "action " + action);
    });
    desktop.on_closed([act](const std::string& key, uint32_t reason, bool answered) {
        act(key, desktop_closed_answer(reason, answered),
            "closed, reason " + std::to_string(reason));
    });
}

}  // namespace herald
