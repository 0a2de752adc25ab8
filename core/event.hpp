#pragma once
/// The event model and its validation rules.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/duration.hpp"
#include "core/time.hpp"

namespace herald {

/// RFC 5545 STATUS of an event.
enum class Status { confirmed, tentative, cancelled };
/// Who may see an event (system mode): its owner only, or everyone.
enum class Visibility { private_, public_ };

/// "confirmed" / "tentative" / "cancelled".
std::string_view to_string(Status s);
/// "private" / "public".
std::string_view to_string(Visibility v);
/// The status named `text` ("" is confirmed, the default); throws invalid_params naming `status`.
Status parse_status(std::string_view text);
/// The visibility named `text` ("" is private, the default); throws invalid_params naming
/// `visibility`.
Visibility parse_visibility(std::string_view text);

/// A reminder attached to an event: an offset from its start or end, or an absolute instant.
struct Alarm {
    enum class Related { start, end, absolute };
    Related related = Related::start;
    Duration offset;  ///< for start/end: signed offset (-PT15M fires 15 minutes before, -P1D
                      ///< at the same wall time the day before)
    Instant at{};     ///< for absolute alarms
    /// RFC 9074 ACKNOWLEDGED: the alarm's occurrences due at or before it are done (dismissed on
    /// this machine or, through a CalDAV server, on another). Set only on synced events.
    std::optional<Instant> acknowledged = std::nullopt;
    /// The same reminder: the trigger alone (`acknowledged` is its delivery state, not what it is).
    bool operator==(const Alarm& o) const {
        return related == o.related && offset == o.offset && at == o.at;
    }
};

/// One stored event. Times keep the user's local time and zone; instants are derived.
struct Event {
    int64_t id = 0;
    std::string uid;
    std::string title;
    std::string description;
    std::string location;
    std::string url;
    std::string source;    ///< citation: where this date comes from
    std::string calendar;  ///< the [[caldav]] calendar it is synced with; empty = local only
    std::vector<std::string> categories;
    Status status = Status::confirmed;
    Visibility visibility = Visibility::private_;
    int64_t owner = -1;  ///< uid of the owning user; -1 = unset
    int64_t revision = 0;
    Instant created{};
    Instant updated{};
    CalTime start;               ///< precision none = undated ("to be announced")
    std::optional<CalTime> end;  ///< same kind as start; an all-day end is the last day, inclusive
    std::optional<Duration> duration;  ///< alternative to end for timed events (P1D nominal)
    std::string rrule;                 ///< RFC 5545 RRULE value, empty when not recurring
    std::vector<CalTime> exdates;
    std::vector<CalTime> rdates;
    std::vector<Alarm> alarms;
    /// iCalendar content Herald does not model (other clients' properties and alarms), kept
    /// verbatim as unfolded content lines joined by '\n' and written back on export
    /// (core/ical_extra.hpp); read-only for clients.
    std::string ical_extra;

    bool operator==(const Event&) const = default;
};

/// Limits enforced by validate(); the daemon may configure them.
struct EventLimits {
    size_t max_title = 1024;
    size_t max_text = 64 * 1024;  ///< description, source
    size_t max_categories = 64;
    size_t max_alarms = 32;
    size_t max_ical_extra = 256 * 1024;  ///< unmodelled iCalendar content kept (ATTACH can be big)
};

/// The first character a text field may not hold, as "U+009B (a C1 control character)", or ""
/// when none: controls, bidi embeddings/overrides/isolates, and (one-line fields) U+2028/U+2029.
std::string forbidden_text_char(std::string_view s, bool multiline);

/// Checks every rule of the model; throws HeraldError naming the first bad field.
void validate(const Event& e, const EventLimits& limits = {});

/// The instant span an event covers, in `viewer` for zone-less times; nullopt when undated.
/// Timed events without end or duration are instants (begin == end); a duration is applied in
/// the start's zone (RFC 5545: P1D ends at the same wall time the next day).
std::optional<Span> event_span(const Event& e, const date::time_zone* viewer);

}  // namespace herald
