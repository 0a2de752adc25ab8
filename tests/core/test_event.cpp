// Unit tests of core/event and core/event_json: validation rules, the JSON form, updates and spans.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "core/event.hpp"
#include "core/event_json.hpp"
#include "core/event_stored.hpp"
#include "tests/support.hpp"

using namespace herald;
using namespace std::chrono_literals;

namespace {

using herald::test::error_of;

LocalTime local(int y, int m, int d, int hh = 0, int mm = 0) {
    return LocalTime{date::local_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm};
}

Instant utc(int y, int m, int d, int hh = 0, int mm = 0) {
    return Instant{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{hh} +
           std::chrono::minutes{mm};
}

/// The 9th CA+Japan foreign ministers' meeting: 14:40 Tokyo time, about 30 minutes.
Event meeting() {
    Event e;
    e.uid = "ca-japan-fm-9@herald.test";
    e.title = "9th Central Asia + Japan foreign ministers' meeting";
    e.location = "Tokyo";
    e.start = CalTime{Precision::minute, local(2022, 12, 24, 14, 40), "Asia/Tokyo"};
    e.duration = 30min;
    return e;
}

/// A multi-day all-day event (end is the last day, inclusive).
Event expo() {
    Event e;
    e.uid = "expo-2025@herald.test";
    e.title = "Kyrgyzstan at EXPO 2025";
    e.start = CalTime{Precision::day, local(2025, 6, 6), ""};
    e.end = CalTime{Precision::day, local(2025, 6, 8), ""};
    return e;
}

/// `base` changed by `edit`.
template <class F>
Event edited(Event base, F&& edit) {
    edit(base);
    return base;
}

/// The first code and field validate() reports for `e`.
HeraldError invalid(const Event& e, const EventLimits& limits = {}) {
    return error_of([&] { validate(e, limits); });
}

/// Event -> JSON -> Event gives the same event, and the same JSON again (server-kept fields are
/// left at their defaults here; that client input cannot set them is tested below).
void check_round_trip(const Event& e) {
    Json j = to_json(e);
    Event back = event_from_json(j);
    CHECK(back == e);
    CHECK(to_json(back) == j);
}

}  // namespace

TEST_CASE("validate accepts well-formed events of every precision", "[event][validate]") {
    CHECK_NOTHROW(validate(meeting()));
    CHECK_NOTHROW(validate(expo()));
    Event e = edited(expo(), [](Event& ev) { ev.end.reset(); });
    e.description = "Line one\nLine two\twith a tab\r\n";
    for (CalTime start : {CalTime{Precision::year, local(2023, 1, 1), ""}, CalTime{}})
        CHECK_NOTHROW(validate(edited(e, [&](Event& ev) { ev.start = start; })));
    // An end equal to the start is a zero-length event.
    CHECK_NOTHROW(validate(edited(meeting(), [](Event& ev) {
        ev.duration.reset();
        ev.end = ev.start;
    })));
}

TEST_CASE("validate names the first bad field", "[event][validate]") {
    using E = Event&;
    SECTION("an empty title is kept (a VEVENT without SUMMARY), not invented") {
        CHECK_NOTHROW(validate(edited(meeting(), [](E e) { e.title.clear(); })));
    }
    SECTION("control characters in single-line fields; newlines are fine in the description") {
        for (std::string bad :
             {std::string("a\x01z"), std::string("two\nlines"), std::string("del\x7f")}) {
            CHECK(invalid(edited(meeting(), [&](E e) { e.title = bad; })).field() == "title");
            CHECK(invalid(edited(meeting(), [&](E e) { e.location = bad; })).field() == "location");
        }
        CHECK(invalid(edited(meeting(), [](E e) { e.description = "bell\a"; })).field() ==
              "description");
    }
    SECTION("bad uid") {
        for (std::string uid : {std::string(), std::string(256, 'u'), std::string("tab\tuid")}) {
            auto err = invalid(edited(meeting(), [&](E e) { e.uid = uid; }));
            CHECK(err.code() == ErrorCode::invalid_params);
            CHECK(err.field() == "uid");
        }
        // RFC 5545 UIDs are any text: files in the wild have UIDs with spaces (issue 13).
        CHECK_NOTHROW(validate(edited(meeting(), [](E e) { e.uid = "meeting 42 at the office"; })));
    }
    SECTION("a zone on an all-day date, an unknown zone") {
        auto err = invalid(edited(expo(), [](E e) { e.start.tz = "Asia/Tokyo"; }));
        CHECK(err.code() == ErrorCode::invalid_time);
        CHECK(err.field() == "start.tz");
        err = invalid(edited(meeting(), [](E e) { e.start.tz = "Asia/Atlantis"; }));
        CHECK(err.code() == ErrorCode::invalid_time);
        CHECK(err.field() == "start.tz");
    }
    SECTION("end before start") {
        auto err = invalid(edited(meeting(), [](E e) {
            e.duration.reset();
            e.end = CalTime{Precision::minute, local(2022, 12, 24, 14, 0), "Asia/Tokyo"};
        }));
        CHECK(err.code() == ErrorCode::invalid_time);
        CHECK(err.field() == "end");
        CHECK(invalid(edited(expo(), [](E e) { e.end->local = local(2025, 6, 5); })).field() ==
              "end");
    }
    SECTION("end in another zone is compared as an instant") {
        Event e = meeting();
        e.duration.reset();
        // 07:00 in Bishkek is 10:00 in Tokyo: before 14:40 there.
        e.end = CalTime{Precision::minute, local(2022, 12, 24, 7, 0), "Asia/Bishkek"};
        CHECK(invalid(e).field() == "end");
        e.end = CalTime{Precision::minute, local(2022, 12, 24, 12, 0), "Asia/Bishkek"};
        CHECK_NOTHROW(validate(e));
    }
    SECTION("end of a different precision, or on a year") {
        auto err = invalid(edited(meeting(), [](E e) {
            e.duration.reset();
            e.end = CalTime{Precision::day, local(2022, 12, 25), ""};
        }));
        CHECK(err.code() == ErrorCode::invalid_params);
        CHECK(err.field() == "end");
        CHECK(invalid(edited(expo(), [](E e) {
                  e.start = CalTime{Precision::year, local(2023, 1, 1), ""};
                  e.end = CalTime{Precision::year, local(2025, 1, 1), ""};
              })).field() == "end");
    }
    SECTION("both end and duration, a negative duration, a duration on a date") {
        CalTime end{Precision::minute, local(2022, 12, 24, 15, 10), "Asia/Tokyo"};
        CHECK(invalid(edited(meeting(), [&](E e) { e.end = end; })).field() == "duration");
        CHECK(invalid(edited(meeting(), [](E e) { e.duration = -1min; })).field() == "duration");
        CHECK(invalid(edited(expo(), [](E e) {
                  e.end.reset();
                  e.duration = 1h;
              })).field() == "duration");
    }
    SECTION("rrule without FREQ or on an imprecise start") {
        CHECK(invalid(edited(expo(), [](E e) { e.rrule = "INTERVAL=1"; })).field() == "rrule");
        CHECK_NOTHROW(validate(edited(expo(), [](E e) { e.rrule = "FREQ=YEARLY"; })));
        CHECK(invalid(edited(expo(), [](E e) {
                  e.rrule = "FREQ=YEARLY";
                  e.end.reset();
                  e.start = CalTime{Precision::month, local(2022, 11, 1), ""};
              })).field() == "rrule");
    }
    SECTION("too many categories or alarms is too_large") {
        Event e = edited(meeting(), [](E ev) {
            ev.categories = {"diplomacy", "japan", "kyrgyzstan"};
        });
        EventLimits limits;
        limits.max_categories = 2;
        auto err = invalid(e, limits);
        CHECK(err.code() == ErrorCode::too_large);
        CHECK(err.field() == "categories");
        CHECK(invalid(edited(e, [](E ev) { ev.categories.assign(65, "tag"); })).code() ==
              ErrorCode::too_large);
        CHECK(invalid(edited(e, [](E ev) { ev.categories = {"ok", ""}; })).field() == "categories");
        err = invalid(edited(meeting(), [](E ev) { ev.alarms.assign(33, Alarm{}); }));
        CHECK(err.code() == ErrorCode::too_large);
        CHECK(err.field() == "alarms");
    }
    SECTION("an over-long title is too_large, a relative url is invalid") {
        CHECK(invalid(edited(meeting(), [](E e) { e.title.assign(1025, 't'); })).code() ==
              ErrorCode::too_large);
        CHECK(invalid(edited(meeting(), [](E e) { e.url = "www.mofa.go.jp"; })).field() == "url");
        CHECK_NOTHROW(validate(edited(meeting(), [](E e) { e.url = "https://www.mofa.go.jp/"; })));
    }
}

TEST_CASE("to_json and event_from_json round-trip every kind of event", "[event][json]") {
    SECTION("timed with a zone") {
        Json j = to_json(meeting());
        CHECK(j["start"] == "2022-12-24T14:40");
        CHECK(j["tz"] == "Asia/Tokyo");
        CHECK(j["precision"] == "minute");
        CHECK(j["all_day"] == false);
        CHECK(j["duration"] == "PT30M");
        CHECK(j["end"].is_null());
        CHECK_FALSE(j.contains("end_tz"));
        check_round_trip(meeting());
    }
    SECTION("all-day with an inclusive end") {
        Json j = to_json(expo());
        CHECK(j["start"] == "2025-06-06");
        CHECK(j["end"] == "2025-06-08");
        CHECK(j["tz"] == "");
        CHECK(j["all_day"] == true);
        check_round_trip(expo());
    }
    SECTION("year and month precision") {
        Event e = expo();
        e.end.reset();
        e.start = CalTime{Precision::year, local(2023, 1, 1), ""};
        CHECK(to_json(e)["start"] == "2023");
        CHECK(to_json(e)["precision"] == "year");
        check_round_trip(e);
        e.start = CalTime{Precision::month, local(2022, 11, 1), ""};
        CHECK(to_json(e)["start"] == "2022-11");
        check_round_trip(e);
    }
    SECTION("undated: start is null") {
        Event e = expo();
        e.end.reset();
        e.start = CalTime{};
        Json j = to_json(e);
        CHECK(j["start"].is_null());
        CHECK(j["precision"] == "none");
        check_round_trip(e);
    }
    SECTION("relative and absolute alarms, lists and texts") {
        Event e = meeting();
        e.alarms = {Alarm{Alarm::Related::start, -15min, {}}, Alarm{Alarm::Related::end, 0s, {}},
                    Alarm{Alarm::Related::absolute, 0s, utc(2022, 12, 23, 9)}};
        e.categories = {"diplomacy", "CA+Japan"};
        e.status = Status::tentative;
        e.visibility = Visibility::public_;
        e.source = "https://www.mofa.go.jp/\nMOFA press release";
        e.rrule = "FREQ=YEARLY";
        e.exdates = {CalTime{Precision::minute, local(2023, 12, 24, 14, 40), "Asia/Tokyo"}};
        Json j = to_json(e);
        CHECK(j["alarms"][0] == Json{{"trigger", "-PT15M"}, {"related", "start"}});
        CHECK(j["alarms"][1] == Json{{"trigger", "PT0S"}, {"related", "end"}});
        CHECK(j["alarms"][2] == Json{{"at", "2022-12-23T09:00:00Z"}});
        CHECK(j["status"] == "tentative");
        CHECK(j["visibility"] == "public");
        check_round_trip(e);
    }
    SECTION("an end in another zone keeps end_tz") {
        Event e = meeting();
        e.duration.reset();
        e.end = CalTime{Precision::minute, local(2022, 12, 24, 12, 0), "Asia/Bishkek"};
        Json j = to_json(e);
        CHECK(j["end_tz"] == "Asia/Bishkek");
        check_round_trip(e);
    }
}

TEST_CASE("event_from_json reads client input strictly", "[event][json]") {
    Json base{{"title", "Honey export contract"}, {"start", "2022-08-10"}};
    SECTION("unknown keys are rejected naming the key") {
        Json j = base;
        j["colour"] = "red";
        auto err = error_of([&] { event_from_json(j); });
        CHECK(err.code() == ErrorCode::invalid_params);
        CHECK(err.field() == "colour");
        CHECK_THAT(err.what(), Catch::Contains("colour"));
    }
    SECTION("read-only keys are ignored, whatever their value") {
        Json j = base;
        j.update({{"id", 99},
                  {"revision", "x"},
                  {"owner", 0},
                  {"created", "never"},
                  {"updated", nullptr},
                  {"precision", "minute"},
                  {"all_day", false}});
        Event e = event_from_json(j);
        CHECK(e.id == 0);
        CHECK(e.revision == 0);
        CHECK(e.owner == -1);
        CHECK(e.start.precision == Precision::day);
    }
    SECTION("wrong types and values name the key") {
        CHECK(error_of([&] {
                  event_from_json(Json{{"title", 5}, {"start", "2022"}});
              }).field() == "title");
        CHECK(error_of([&] {
                  event_from_json(Json{{"title", "t"}, {"start", 2022}});
              }).field() == "start");
        CHECK(error_of([&] { event_from_json(Json{{"title", "t"}}); }).field() == "start");
        Json j = base;
        j["categories"] = "one";
        CHECK(error_of([&] { event_from_json(j); }).field() == "categories");
        j = base;
        j["status"] = "maybe";
        CHECK(error_of([&] { event_from_json(j); }).field() == "status");
        j = base;
        j["alarms"] = Json::array({Json{{"trigger", "-PT15M"}}, Json{{"trigger", "soon"}}});
        CHECK(error_of([&] { event_from_json(j); }).field() == "alarms[1].trigger");
        j["alarms"] = Json::array({Json{{"at", "2022-08-10"}}});
        CHECK(error_of([&] { event_from_json(j); }).field() == "alarms[0].at");
        j["alarms"] = Json::array({Json{{"trigger", "-PT1M"}, {"when", "now"}}});
        CHECK(error_of([&] { event_from_json(j); }).field() == "alarms[0].when");
        CHECK(error_of([&] { event_from_json(Json::array()); }).field() == "event");
    }
    SECTION("times: impossible dates, unknown zones, zones on undated events") {
        auto err = error_of([] { event_from_json(Json{{"title", "t"}, {"start", "2025-02-30"}}); });
        CHECK(err.code() == ErrorCode::invalid_time);
        CHECK(err.field() == "start");
        err = error_of([] {
            event_from_json(Json{{"title", "t"}, {"start", "2025-06-06T09:00"}, {"tz", "Nowhere"}});
        });
        CHECK(err.code() == ErrorCode::invalid_time);
        CHECK(err.field() == "tz");
        err = error_of([] {
            event_from_json(Json{{"title", "t"}, {"start", nullptr}, {"tz", "Asia/Tokyo"}});
        });
        CHECK(err.field() == "tz");
    }
    SECTION("an explicit offset is converted into the named zone, or kept as UTC") {
        Event e = event_from_json(
            Json{{"title", "t"}, {"start", "2025-06-06T09:00+06:00"}, {"tz", "Asia/Tokyo"}});
        CHECK(e.start == CalTime{Precision::minute, local(2025, 6, 6, 12), "Asia/Tokyo"});
        e = event_from_json(Json{{"title", "t"}, {"start", "2025-06-06T09:00+06:00"}});
        CHECK(e.start == CalTime{Precision::minute, local(2025, 6, 6, 3), "UTC"});
        e = event_from_json(Json{{"title", "t"}, {"start", "2025-06-06T09:00"}});
        CHECK(e.start == CalTime{Precision::minute, local(2025, 6, 6, 9), ""});
    }
}

TEST_CASE("apply_changes replaces, clears and re-zones fields", "[event][update]") {
    Event base = meeting();
    base.id = 7;
    base.owner = 1000;
    base.revision = 4;
    base.created = utc(2022, 12, 1);
    base.categories = {"diplomacy"};
    SECTION("changing tz keeps the wall time and moves the instant") {
        Event e = apply_changes(base, Json{{"tz", "Asia/Bishkek"}});
        CHECK(e.start == CalTime{Precision::minute, local(2022, 12, 24, 14, 40), "Asia/Bishkek"});
        CHECK(event_span(e, find_zone("UTC"))->begin == utc(2022, 12, 24, 8, 40));
        CHECK(e.duration == base.duration);
    }
    SECTION("changing tz re-zones an end given in the same zone") {
        base.duration.reset();
        base.end = CalTime{Precision::minute, local(2022, 12, 24, 15, 10), "Asia/Tokyo"};
        Event e = apply_changes(base, Json{{"tz", "Europe/Berlin"}});
        CHECK(e.end == CalTime{Precision::minute, local(2022, 12, 24, 15, 10), "Europe/Berlin"});
    }
    SECTION("an end in its own zone survives unrelated changes") {
        base.duration.reset();
        base.end = CalTime{Precision::minute, local(2022, 12, 24, 12, 10), "Asia/Bishkek"};
        Event e = apply_changes(base, Json{{"title", "Renamed"}});
        CHECK(e.title == "Renamed");
        CHECK(e.end == base.end);
    }
    SECTION("null clears a field") {
        Event e = apply_changes(
            base, Json{{"location", nullptr}, {"categories", nullptr}, {"duration", nullptr}});
        CHECK(e.location.empty());
        CHECK(e.categories.empty());
        CHECK_FALSE(e.duration);
        CHECK(e.title == base.title);
    }
    SECTION("start null makes the event undated (date to be announced)") {
        base.duration.reset();
        Event e = apply_changes(base, Json{{"start", nullptr}});
        CHECK_FALSE(e.start.dated());
        CHECK(e.start.tz.empty());
        CHECK_NOTHROW(validate(e));
    }
    SECTION("firming up an undated event to a time in a zone") {
        Event tba = base;
        tba.duration.reset();
        tba.start = CalTime{};
        Event e = apply_changes(tba, Json{{"start", "2026-03-01T10:00"}, {"tz", "Asia/Tokyo"}});
        CHECK(e.start == CalTime{Precision::minute, local(2026, 3, 1, 10), "Asia/Tokyo"});
    }
    SECTION("the server-kept fields are preserved") {
        Event e = apply_changes(base, Json{{"location", "Online"}});
        CHECK(e.location == "Online");
        e.location = base.location;
        CHECK(e == base);
    }
    SECTION("read-only and unknown keys are rejected") {
        auto err = error_of([&] { apply_changes(base, Json{{"revision", 5}}); });
        CHECK(err.code() == ErrorCode::invalid_params);
        CHECK(err.field() == "changes.revision");
        CHECK(error_of([&] { apply_changes(base, Json{{"id", 1}}); }).field() == "changes.id");
        CHECK(error_of([&] { apply_changes(base, Json{{"colour", "red"}}); }).field() == "colour");
        CHECK(error_of([&] { apply_changes(base, Json::array()); }).field() == "changes");
    }
}

TEST_CASE("event_span gives the instants an event covers", "[event][span]") {
    auto utc_zone = find_zone("UTC");
    auto bishkek = find_zone("Asia/Bishkek");
    SECTION("timed without end is an instant, with duration or end a range") {
        Event e = meeting();
        CHECK(event_span(e, bishkek)->begin == utc(2022, 12, 24, 5, 40));
        CHECK(event_span(e, bishkek)->end == utc(2022, 12, 24, 6, 10));
        e.duration.reset();
        CHECK(event_span(e, bishkek)->end == event_span(e, bishkek)->begin);
        e.end = CalTime{Precision::minute, local(2022, 12, 24, 12, 10), "Asia/Bishkek"};
        CHECK(event_span(e, utc_zone)->end == utc(2022, 12, 24, 6, 10));
    }
    SECTION("an all-day end is inclusive, read in the viewer's zone") {
        auto s = event_span(expo(), utc_zone);
        CHECK(s->begin == utc(2025, 6, 6));
        CHECK(s->end == utc(2025, 6, 9));
        s = event_span(expo(), bishkek);
        CHECK(s->begin == utc(2025, 6, 5, 18));
        CHECK(s->end == utc(2025, 6, 8, 18));
    }
    SECTION("imprecise covers its period, undated has no span") {
        Event e = expo();
        e.end.reset();
        e.start = CalTime{Precision::year, local(2023, 1, 1), ""};
        CHECK(event_span(e, utc_zone)->end == utc(2024, 1, 1));
        e.start = CalTime{};
        CHECK_FALSE(event_span(e, utc_zone));
    }
}

TEST_CASE("a nominal duration keeps the wall time, an exact one the elapsed time",
          "[event][span]") {
    const auto* utc = find_zone("UTC");
    Event e = meeting();
    // 2027-03-13 10:00 in New York (EST, 15:00Z); the clocks go forward on the 14th.
    e.start = CalTime{Precision::minute, local(2027, 3, 13, 10, 0), "America/New_York"};
    e.duration = parse_duration("P1D", "duration");
    CHECK(format_instant(event_span(e, utc)->end) == "2027-03-14T14:00:00Z");  // 10:00 EDT
    e.duration = parse_duration("PT24H", "duration");
    CHECK(format_instant(event_span(e, utc)->end) == "2027-03-14T15:00:00Z");  // 11:00 EDT
    SECTION("the JSON form is the RFC 5545 text as written") {
        CHECK(to_json(e)["duration"] == "PT24H");
        e.duration = parse_duration("P1D", "duration");
        CHECK(to_json(e)["duration"] == "P1D");
        check_round_trip(e);
    }
}

TEST_CASE("an explicit offset in a repeated hour keeps the instant given", "[event][fold]") {
    const auto* utc = find_zone("UTC");
    // 2025-11-02 01:30 happens twice in New York: 05:30Z (EDT) and 06:30Z (EST).
    for (const char* given : {"2025-11-02T01:30-05:00", "2025-11-02T06:30Z"}) {
        INFO(given);
        CalTime t = caltime_from_string(given, "America/New_York", "start");
        CHECK(t.fold);
        CHECK(t.local == local(2025, 11, 2, 1, 30));
        CHECK(format_caltime(t) == "2025-11-02T01:30-05:00");
        CHECK(format_instant(span_of(t, utc).begin) == "2025-11-02T06:30:00Z");
    }
    CalTime first = caltime_from_string("2025-11-02T01:30-04:00", "America/New_York", "start");
    CHECK_FALSE(first.fold);
    CHECK(format_caltime(first) == "2025-11-02T01:30");
    CHECK(format_instant(span_of(first, utc).begin) == "2025-11-02T05:30:00Z");
    SECTION("the event keeps it through JSON and the store's form") {
        Event e = meeting();
        e.start = caltime_from_string("2025-11-02T06:30Z", "America/New_York", "start");
        e.duration.reset();
        CHECK(to_json(e)["start"] == "2025-11-02T01:30-05:00");
        CHECK(format_instant(event_span(e, utc)->begin) == "2025-11-02T06:30:00Z");
        check_round_trip(e);
        CHECK(event_from_stored(to_json(e).dump()).start == e.start);
        // Changing only the zone keeps the wall time, as for any start.
        Event moved = apply_changes(e, Json{{"tz", "Europe/Berlin"}});
        CHECK(format_caltime(moved.start) == "2025-11-02T01:30");
        CHECK(moved.start.tz == "Europe/Berlin");
    }
}
