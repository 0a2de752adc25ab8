#include "client/ids.hpp"

#include <algorithm>
#include <cctype>

namespace herald::client {
namespace {

bool all_digits(const std::string& s) {
    return !s.empty() && s.size() <= 18 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::string event_label(int64_t id) {
    return "#" + std::to_string(id);
}

std::string alarm_label(int64_t id) {
    return "a" + std::to_string(id);
}

CLI::Validator alarm_id_input() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            std::string digits = text;
            if (!digits.empty() && (digits[0] == 'a' || digits[0] == 'A' || digits[0] == '#'))
                digits.erase(0, 1);
            if (!all_digits(digits))
                return "expected an alarm id such as a12 (herald next and missed show them), got "
                       "'" +
                       text + "'";
            text = digits;
            return {};
        },
        "ALARM_ID");
}

CLI::Validator event_id_input() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            std::string digits = text.starts_with('#') ? text.substr(1) : text;
            if (text.starts_with('a') && all_digits(text.substr(1)))
                return "'" + text + "' is an alarm id; expected an event id such as #12 or 12";
            if (!all_digits(digits))
                return "expected an event id such as #12 or 12, got '" + text + "'";
            text = digits;
            return {};
        },
        "EVENT_ID");
}

}  // namespace herald::client
