#include "desktop/reminder.hpp"

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

std::string desktop_body(const DesktopReminder& r) {
    std::string body = r.when_event;
    if (!r.when_local.empty()) body += " · " + r.when_local + " local";
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
    r.alarm = alarm_text(parse_instant(p.value("due", r.occurrence), "due"), occ);
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
