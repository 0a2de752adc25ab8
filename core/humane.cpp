#include "core/humane.hpp"

namespace herald {
namespace {

/// "1 day 2 h 30 min": the parts of a length of time, largest first.
std::string humane_length(int64_t weeks, int64_t days, int64_t seconds) {
    std::string out;
    auto part = [&out](int64_t n, const char* one, const char* many) {
        if (n == 0) return;
        out += (out.empty() ? "" : " ") + std::to_string(n) + " " + (n == 1 ? one : many);
    };
    part(weeks, "week", "weeks");
    part(days, "day", "days");
    part(seconds / 3600, "h", "h");
    part(seconds % 3600 / 60, "min", "min");
    part(seconds % 60, "s", "s");
    return out.empty() ? "0 min" : out;
}

}  // namespace

std::string humane_duration(const Duration& d) {
    return humane_length(d.weeks, d.days, d.exact.count());
}

std::string humane_trigger(const Duration& d, bool related_end) {
    if (d.zero()) return related_end ? "at the end" : "at start";
    std::string amount = humane_duration(d);
    if (d.negative) return amount + (related_end ? " before the end" : " before");
    return amount + (related_end ? " after the end" : " after start");
}

std::string humane_offset(Instant due, Instant occurrence) {
    auto before = std::chrono::round<std::chrono::minutes>(occurrence - due).count();
    if (before == 0) return "at start";
    int64_t minutes = before < 0 ? -before : before;
    // Whole days read as days ("1 day before", as the user set it), not "24 h".
    std::string amount = minutes % 1440 == 0 ? humane_length(0, minutes / 1440, 0)
                                             : humane_length(0, 0, minutes * 60);
    return amount + (before > 0 ? " before" : " after start");
}

}  // namespace herald
