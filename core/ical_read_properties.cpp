// The properties phase of reading a VEVENT (core/ical_reader.hpp): text, status, class and
// ordering properties, Herald's own X- properties, and X-HERALD-PRECISION.
#include <algorithm>

#include "core/ical_export.hpp"
#include "core/ical_reader.hpp"

namespace herald::ical_read_detail {
namespace {

Instant instant_of(icaltimetype tt) {
    if (icaltime_is_null_time(tt) || tt.year < 1 || tt.year > 9999) return Instant{};
    return Instant{Seconds{icaltime_as_timet_with_zone(tt, icaltimezone_get_utc_timezone())}};
}

}  // namespace

void Reader::read_properties(icalcomponent* c, IcalRead& r) {
    Event& e = r.event;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
        switch (icalproperty_isa(p)) {
            case ICAL_URL_PROPERTY:
                e.url = text_of(icalproperty_get_url(p));
                if (e.url.find(':') == std::string::npos || make_one_line(e.url, "")) {
                    warn("URL", "URL dropped: '" + e.url +
                                    "' is not an absolute URL (such as https://example.org/)");
                    e.url.clear();
                }
                break;
            case ICAL_STATUS_PROPERTY: {
                auto s = icalproperty_get_status(p);
                e.status = s == ICAL_STATUS_TENTATIVE   ? Status::tentative
                           : s == ICAL_STATUS_CANCELLED ? Status::cancelled
                                                        : Status::confirmed;
                break;
            }
            case ICAL_CLASS_PROPERTY:
                // Why: only an explicit PUBLIC is shared; anything else stays with its owner.
                e.visibility = icalproperty_get_class(p) == ICAL_CLASS_PUBLIC
                                   ? Visibility::public_
                                   : Visibility::private_;
                break;
            case ICAL_SEQUENCE_PROPERTY:
                r.sequence = icalproperty_get_sequence(p);
                break;
            case ICAL_DTSTAMP_PROPERTY:
                r.stamp = std::max(r.stamp, instant_of(icalproperty_get_dtstamp(p)));
                break;
            case ICAL_LASTMODIFIED_PROPERTY:
                r.stamp = std::max(r.stamp, instant_of(icalproperty_get_lastmodified(p)));
                break;
            case ICAL_X_PROPERTY:
                read_herald_x(p, e);
                break;
            default:
                break;
        }
    }
    // Why from the lines: libical 3.0.16 splits "a,b\,c,d" wrongly (into "a" and "b,c,d").
    for (const auto& l : lines_)
        if (line_name(l.text) == "CATEGORIES")
            for (auto& cat : split_text_list(line_value(l.text)))
                if (std::find(e.categories.begin(), e.categories.end(), cat) == e.categories.end())
                    e.categories.push_back(std::move(cat));
}

/// Herald's own X- properties (ical_export.hpp).
void Reader::read_herald_x(icalproperty* p, Event& e) {
    std::string name = text_of(icalproperty_get_x_name(p));
    std::string value = text_of(icalvalue_get_x(icalproperty_get_value(p)));
    if (name == "X-HERALD-SOURCE")
        e.source = value;
    else if (name == "X-HERALD-STATUS" && value == "TENTATIVE")  // a VTODO has no TENTATIVE
        e.status = Status::tentative;
    else if (name == "X-HERALD-TZ")  // the zone of a start written in UTC
        herald_tz_ = value;
}

void Reader::apply_precision(icalcomponent* c, Event& e) {
    std::string value;
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
        if (text_of(icalproperty_get_x_name(p)) == "X-HERALD-PRECISION")
            value = text_of(icalvalue_get_x(icalproperty_get_value(p)));
    auto precision = precision_from_string(value);
    if (value.empty() || !precision || *precision == Precision::day ||
        *precision == Precision::minute)
        return;
    if (*precision != Precision::none && !e.start.dated()) {
        warn("X-HERALD-PRECISION", "X-HERALD-PRECISION dropped: " + value + " needs a DTSTART");
        return;
    }
    std::string note = precision_note(*precision);
    if (e.description == note)
        e.description.clear();
    else if (e.description.size() > note.size() + 2 &&
             e.description.compare(e.description.size() - note.size() - 2, std::string::npos,
                                   "\n\n" + note) == 0)
        e.description.resize(e.description.size() - note.size() - 2);
    e.end.reset();
    e.duration.reset();
    if (*precision == Precision::none) {
        e.start = CalTime{};
        return;
    }
    date::year_month_day ymd{date::floor<date::days>(e.start.local)};
    e.start.tz.clear();
    e.start.precision = *precision;
    e.start.local = LocalTime{date::local_days{
        *precision == Precision::year ? ymd.year() / 1 / 1 : ymd.year() / ymd.month() / 1}};
}

}  // namespace herald::ical_read_detail
