#include "core/ical_extra.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/duration.hpp"

namespace herald {
namespace {

/// The properties ical_export writes from the event's fields: a kept copy would contradict them.
/// CREATED and SEQUENCE are not among them: another client's stay as they were.
constexpr std::array<std::string_view, 19> kModelled{
    "BEGIN",       "END",      "UID",    "DTSTAMP",    "LAST-MODIFIED", "RECURRENCE-ID", "DTSTART",
    "DTEND",       "DURATION", "RRULE",  "EXDATE",     "RDATE",         "SUMMARY",       "LOCATION",
    "DESCRIPTION", "URL",      "STATUS", "CATEGORIES", "CLASS"};

bool modelled(const std::string& name) {
    // X-HERALD-* are Herald's own; X-LIC-ERROR is a note libical left about a line it dropped.
    return std::find(kModelled.begin(), kModelled.end(), name) != kModelled.end() ||
           name.rfind("X-HERALD-", 0) == 0 || name == "X-LIC-ERROR";
}

/// True for Herald's own VALARM form (ical_export: ACTION:DISPLAY, DESCRIPTION, TRIGGER).
bool plain_reminder(const std::vector<std::string>& block) {
    for (size_t i = 1; i + 1 < block.size(); ++i) {
        std::string name = line_name(block[i]);
        if (name == "ACTION" && line_value(block[i]) != "DISPLAY") return false;
        if (name != "ACTION" && name != "TRIGGER" && name != "DESCRIPTION") return false;
    }
    return line_name(block.front()) == "BEGIN" && line_value(block.front()) == "VALARM";
}

/// The parameter `name` of content line `text` ("" when absent), unquoted.
std::string parameter(std::string_view text, std::string_view name) {
    std::string_view head = text.substr(0, text.size() - line_value(text).size());
    size_t at = 0;
    while ((at = head.find(';', at)) != std::string_view::npos) {
        ++at;
        size_t eq = head.find('=', at);
        if (eq == std::string_view::npos) break;
        std::string key(head.substr(at, eq - at));
        std::transform(key.begin(), key.end(), key.begin(), ::toupper);
        size_t end = head.find_first_of(";:", eq + 1);
        std::string value(head.substr(eq + 1, end == std::string_view::npos ? end : end - eq - 1));
        std::erase(value, '"');
        if (key == name) return value;
    }
    return {};
}

/// An absolute TRIGGER ("20250101T090000Z", floating read as UTC like the importer does).
std::optional<Instant> trigger_time(std::string_view value, const std::string& tzid) {
    int y, mo, d, h, mi, s;
    char z = 0;
    std::string v(value);
    if (std::sscanf(v.c_str(), "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &s, &z) < 6)
        return std::nullopt;
    LocalTime local{date::local_days{date::year{y} / mo / d}.time_since_epoch() +
                    std::chrono::hours{h} + std::chrono::minutes{mi} + Seconds{s}};
    return resolve_local(local, find_zone(z == 'Z' || tzid.empty() ? "UTC" : tzid));
}

}  // namespace

std::string unmodelled_lines(const std::vector<IcalLine>& lines, bool period) {
    std::string out;
    auto keep = [&out](std::string_view text) {
        if (!out.empty()) out += '\n';
        out += text;
    };
    // lines.front() is the component's own BEGIN, lines.back() its END.
    for (size_t i = 1; i + 1 < lines.size(); ++i) {
        std::string name = line_name(lines[i].text);
        if (name != "BEGIN") {
            // Herald's own CREATED is its store's time, written afresh by each export.
            const bool own_created =
                name == "CREATED" && parameter(lines[i].text, "X-HERALD-OWN") == "TRUE";
            if (!modelled(name) && !own_created && !(period && name == "TRANSP"))
                keep(lines[i].text);
            continue;
        }
        std::vector<std::string> block;
        for (int depth = 0; i + 1 < lines.size(); ++i) {
            std::string n = line_name(lines[i].text);
            // A VALARM's ACKNOWLEDGED is the reminder's (Alarm::acknowledged), written afresh.
            if (!(depth == 1 && n == "ACKNOWLEDGED" && line_value(block.front()) == "VALARM"))
                block.push_back(lines[i].text);
            depth += n == "BEGIN" ? 1 : n == "END" ? -1 : 0;
            if (depth == 0) break;
        }
        if (plain_reminder(block)) continue;
        for (const auto& l : block) keep(l);
    }
    return out;
}

IcalExtra split_extra(std::string_view extra) {
    IcalExtra out;
    int depth = 0;
    for (size_t pos = 0; pos < extra.size();) {
        size_t nl = extra.find('\n', pos);
        std::string line(extra.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
        pos = nl == std::string_view::npos ? extra.size() : nl + 1;
        std::string name = line_name(line);
        if (depth == 0 && name != "BEGIN") {
            out.properties.push_back(std::move(line));
            continue;
        }
        if (depth == 0) out.components.emplace_back();
        depth += name == "BEGIN" ? 1 : name == "END" ? -1 : 0;
        out.components.back().push_back(std::move(line));
    }
    return out;
}

std::optional<Alarm> valarm_alarm(const std::vector<std::string>& block) {
    if (block.empty() || line_value(block.front()) != "VALARM") return std::nullopt;
    std::optional<Alarm> out;
    for (size_t i = 1; i + 1 < block.size(); ++i) {
        const std::string& l = block[i];
        std::string name = line_name(l);
        if (name == "ACTION" && line_value(l) != "DISPLAY" && line_value(l) != "AUDIO")
            return std::nullopt;  // EMAIL, PROCEDURE: the importer does not read them either
        if (name != "TRIGGER" || out) continue;
        try {
            Alarm a;
            if (parameter(l, "VALUE") == "DATE-TIME") {
                auto at = trigger_time(line_value(l), parameter(l, "TZID"));
                if (!at) return std::nullopt;
                a.related = Alarm::Related::absolute;
                a.at = *at;
            } else {
                a.offset = parse_duration(line_value(l), "TRIGGER");
                a.related =
                    parameter(l, "RELATED") == "END" ? Alarm::Related::end : Alarm::Related::start;
            }
            out = a;
        } catch (const std::exception&) {
            return std::nullopt;  // a trigger Herald cannot read: the block is not a reminder
        }
    }
    return out;
}

}  // namespace herald
