#include "core/event.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace herald {

std::string_view to_string(Status s) {
    switch (s) {
        case Status::confirmed:
            return "confirmed";
        case Status::tentative:
            return "tentative";
        case Status::cancelled:
            return "cancelled";
    }
    return "confirmed";
}

std::string_view to_string(Visibility v) {
    return v == Visibility::public_ ? "public" : "private";
}

Status parse_status(std::string_view text) {
    if (text.empty() || text == "confirmed") return Status::confirmed;
    if (text == "tentative") return Status::tentative;
    if (text == "cancelled") return Status::cancelled;
    bad_param("status", "status must be confirmed, tentative or cancelled");
}

Visibility parse_visibility(std::string_view text) {
    if (text.empty() || text == "private") return Visibility::private_;
    if (text == "public") return Visibility::public_;
    bad_param("visibility", "visibility must be private or public");
}

std::optional<Span> event_span(const Event& e, const date::time_zone* viewer) {
    if (!e.start.dated()) return std::nullopt;
    Span s = span_of(e.start, viewer);
    if (e.end) {
        Span end = span_of(*e.end, e.end->tz.empty() ? viewer : find_zone(e.end->tz));
        s.end = std::max(s.end, e.end->timed() ? end.begin : end.end);
    } else if (e.duration) {
        s.end =
            add_duration(s.begin, *e.duration, e.start.tz.empty() ? viewer : find_zone(e.start.tz));
    }
    return s;
}

}  // namespace herald
