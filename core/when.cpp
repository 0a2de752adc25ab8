#include "core/when.hpp"

#include "core/errors.hpp"

namespace herald {

std::string_view when_forms() {
    return "YYYY (year), YYYY-MM (month), YYYY-MM-DD (day), YYYY-MM-DD HH:MM[:SS] or "
           "YYYY-MM-DDTHH:MM[:SS], optionally followed by Z or ±HH:MM";
}

CalTime parse_when(std::string_view text, const WhenContext& ctx, std::string_view field) {
    std::string_view trimmed = text;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
    auto parsed = parse_iso(trimmed, field);
    if (!parsed)
        bad_time(std::string(field), "cannot read '" + std::string(text) + "' as a date; expected " +
                                         std::string(when_forms()));
    CalTime t = parsed->value;
    const std::string zone_name = ctx.event_tz.empty() ? std::string(ctx.viewer->name()) : ctx.event_tz;
    if (parsed->offset) {
        Instant instant{t.local.time_since_epoch() - *parsed->offset};
        t.tz = zone_name;
        t.local = to_local(instant, find_zone(t.tz));
    } else if (t.timed()) {
        t.tz = zone_name;
    }
    return t;
}

}  // namespace herald
