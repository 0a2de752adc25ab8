#include "desktop/reminder.hpp"

#include "core/duration.hpp"
#include "core/humane.hpp"
#include "core/event_json.hpp"

namespace herald {
namespace {

constexpr std::string_view kAlarmKeyPrefix = "alarm-";

/// Servers that advertise body-markup read the body as a small XML subset.
std::string escape_markup(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// The alarm as the event sets it: "2 h before", "at start", "10 min before the end".
std::string alarm_text_set(const nlohmann::json& set) {
    if (!set.contains("trigger")) return "";  // absolute, or a daemon that does not say
    return humane_trigger(parse_duration(set.value("trigger", "PT0S"), "trigger"),
                          set.value("related", "start") == "end");
}

}  // namespace

std::string desktop_body(const DesktopReminder& r) {
    std::string body = r.when_event;
    if (!r.when_local.empty()) body += " · your time " + r.when_local;
    if (!r.where.empty()) body += "\n" + r.where;
    if (!r.alarm.empty()) body += "\nReminder: " + r.alarm;
    return escape_markup(body);
}

DesktopReminder desktop_reminder(const nlohmann::json& p, const date::time_zone* viewer) {
    DesktopReminder r;
    r.key = std::string(kAlarmKeyPrefix) + std::to_string(p.value("id", int64_t{0}));
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
    const nlohmann::json set = p.value("set", nlohmann::json::object());
    r.alarm = alarm_text_set(set);
    if (r.alarm.empty())
        r.alarm = humane_offset(parse_instant(p.value("due", r.occurrence), "due"), occ);
    // Why say so: after a snooze, "15 min before" is no longer true of the time left.
    if (p.value("snoozed", false)) r.alarm = "snoozed (set " + r.alarm + ")";
    return r;
}

DesktopReminder desktop_digest(const nlohmann::json& p, int64_t seq) {
    DesktopReminder r;
    r.key = "digest-" + std::to_string(seq);
    r.title = std::to_string(p.value("count", 0)) + " reminders came due while Herald was away";
    for (const auto& item : p["reminders"])
        r.where += (r.where.empty() ? "" : "\n") + item.value("title", "");
    return r;
}

DesktopAnswer desktop_closed_answer(uint32_t reason, bool answered) {
    // Why 2 acknowledges: the user closed it (spec: "dismissed by the user"), which says "seen"
    // as clicking does; 1 (expired) and 3 (closed by a call, e.g. replaced) say nothing. After
    // an action the server closes the notification too: the action has answered already.
    return reason == 2 && !answered ? DesktopAnswer::acknowledge : DesktopAnswer::none;
}

DesktopAnswer desktop_answer(const std::string& action) {
    if (action == "snooze") return DesktopAnswer::snooze;
    // Why "default" acknowledges: clicking a reminder is how a desktop user says "seen".
    if (action == "dismiss" || action == "default") return DesktopAnswer::acknowledge;
    return DesktopAnswer::none;
}

std::optional<int64_t> desktop_alarm_id(const std::string& key) {
    if (key.rfind(kAlarmKeyPrefix, 0) != 0) return std::nullopt;
    try {
        return std::stoll(key.substr(kAlarmKeyPrefix.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace herald
