// Unit tests of core/agenda: which events fall in a window, in what order, with filters and paging.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/agenda.hpp"
#include "core/event_json.hpp"

using namespace herald;

namespace {

/// A validated event read from its JSON form, with an id.
Event ev(int64_t id, Json j) {
    j["uid"] = "agenda-" + std::to_string(id) + "@herald.test";
    Event e = event_from_json(j);
    e.id = id;
    validate(e);
    return e;
}

Event timed(int64_t id, const char* title, const char* start, const char* tz) {
    return ev(id, Json{{"title", title}, {"start", start}, {"tz", tz}});
}

AgendaQuery window(const char* from, const char* to, const char* viewer = "UTC") {
    AgendaQuery q;
    q.from = parse_instant(from, "from");
    q.to = parse_instant(to, "to");
    q.viewer = find_zone(viewer);
    return q;
}

std::vector<std::string> dated_titles(const Agenda& a) {
    std::vector<std::string> out;
    for (const auto& occ : a.dated) out.push_back(occ.event->title);
    return out;
}

std::vector<std::string> titles(const std::vector<const Event*>& events) {
    std::vector<std::string> out;
    for (const auto* e : events) out.push_back(e->title);
    return out;
}

using Titles = std::vector<std::string>;

}  // namespace

TEST_CASE("dated occurrences are sorted by instant across zones", "[agenda][order]") {
    // Given in the wrong order on purpose.
    std::vector<Event> events{
        timed(1, "Berlin 09:00", "2025-06-06T09:00", "Europe/Berlin"),       // 07:00Z
        timed(2, "Tokyo 14:40", "2025-06-06T14:40", "Asia/Tokyo"),           // 05:40Z
        timed(3, "Bishkek 12:30", "2025-06-06T12:30", "Asia/Bishkek"),       // 06:30Z
        timed(4, "New York 00:00", "2025-06-06T00:00", "America/New_York"),  // 04:00Z
        timed(5, "Also Berlin 09:00", "2025-06-06T07:00", "UTC"),  // 07:00Z, tie broken by id
    };
    Agenda a = build_agenda(events, window("2025-06-06T00:00:00Z", "2025-06-07T00:00:00Z"));
    CHECK(dated_titles(a) == Titles{"New York 00:00", "Tokyo 14:40", "Bishkek 12:30",
                                    "Berlin 09:00", "Also Berlin 09:00"});
    REQUIRE(a.dated.size() == 5);
    CHECK(format_instant(a.dated[1].begin) == "2025-06-06T05:40:00Z");
    CHECK(a.dated[1].end == a.dated[1].begin);
    CHECK(a.dated[1].start == events[1].start);
    CHECK(a.total == 5);
    CHECK_FALSE(a.truncated);
}

TEST_CASE("windows are half-open: from is inside, to is outside", "[agenda][window]") {
    std::vector<Event> events{timed(1, "Instant", "2025-06-06T09:00", "UTC"),
                              ev(2, Json{{"title", "Hour"},
                                         {"start", "2025-06-06T12:00"},
                                         {"tz", "UTC"},
                                         {"duration", "PT1H"}})};
    SECTION("an instant event at from belongs to the window, at to does not") {
        CHECK(dated_titles(
                  build_agenda(events, window("2025-06-06T09:00:00Z", "2025-06-06T10:00:00Z"))) ==
              Titles{"Instant"});
        CHECK(build_agenda(events, window("2025-06-06T08:00:00Z", "2025-06-06T09:00:00Z"))
                  .dated.empty());
        CHECK(dated_titles(
                  build_agenda(events, window("2025-06-06T08:59:59Z", "2025-06-06T09:00:01Z"))) ==
              Titles{"Instant"});
    }
    SECTION("a range touching an edge only is outside") {
        CHECK(build_agenda(events, window("2025-06-06T13:00:00Z", "2025-06-06T14:00:00Z"))
                  .dated.empty());
        CHECK(build_agenda(events, window("2025-06-06T11:00:00Z", "2025-06-06T12:00:00Z"))
                  .dated.empty());
        CHECK(dated_titles(build_agenda(events, window("2025-06-06T12:59:00Z",
                                                       "2025-06-06T14:00:00Z"))) == Titles{"Hour"});
        auto a = build_agenda(events, window("2025-06-06T12:30:00Z", "2025-06-06T12:31:00Z"));
        REQUIRE(a.dated.size() == 1);
        CHECK(format_instant(a.dated[0].end) == "2025-06-06T13:00:00Z");
    }
}

TEST_CASE("multi-day all-day events appear in every window they overlap", "[agenda][allday]") {
    std::vector<Event> events{
        ev(1, Json{{"title", "Expo week"}, {"start", "2025-06-01"}, {"end", "2025-06-10"}})};
    CHECK(
        build_agenda(events, window("2025-06-05T00:00:00Z", "2025-06-06T00:00:00Z")).dated.size() ==
        1);
    CHECK(
        build_agenda(events, window("2025-05-20T00:00:00Z", "2025-06-20T00:00:00Z")).dated.size() ==
        1);
    CHECK(
        build_agenda(events, window("2025-06-10T23:00:00Z", "2025-06-11T00:00:00Z")).dated.size() ==
        1);
    CHECK(
        build_agenda(events, window("2025-06-11T00:00:00Z", "2025-06-12T00:00:00Z")).dated.empty());
    CHECK(
        build_agenda(events, window("2025-05-31T00:00:00Z", "2025-06-01T00:00:00Z")).dated.empty());
    auto a = build_agenda(events, window("2025-06-05T00:00:00Z", "2025-06-06T00:00:00Z"));
    CHECK(format_instant(a.dated[0].begin) == "2025-06-01T00:00:00Z");
    CHECK(format_instant(a.dated[0].end) == "2025-06-11T00:00:00Z");
}

TEST_CASE("all-day events are read in the viewer's zone", "[agenda][allday][zone]") {
    std::vector<Event> events{
        ev(1, Json{{"title", "Kyrgyzstan National Day at EXPO 2025"}, {"start", "2025-06-06"}})};
    SECTION("the viewer's 6 June in Bishkek (UTC+6)") {
        // 2025-06-06T00:00+06:00 .. +1 day is exactly the day in Bishkek.
        auto a = build_agenda(events, window("2025-06-06T00:00:00+06:00",
                                             "2025-06-07T00:00:00+06:00", "Asia/Bishkek"));
        REQUIRE(a.dated.size() == 1);
        CHECK(format_instant(a.dated[0].begin) == "2025-06-05T18:00:00Z");
        CHECK(format_instant(a.dated[0].end) == "2025-06-06T18:00:00Z");
    }
    SECTION("after 18:00Z the day is over in Bishkek but not in UTC or New York") {
        const char* from = "2025-06-06T18:00:00Z";
        const char* to = "2025-06-07T00:00:00Z";
        CHECK(build_agenda(events, window(from, to, "Asia/Bishkek")).dated.empty());
        CHECK(build_agenda(events, window(from, to, "UTC")).dated.size() == 1);
        CHECK(build_agenda(events, window(from, to, "America/New_York")).dated.size() == 1);
    }
    SECTION("before midnight UTC the day has begun in Bishkek only") {
        const char* from = "2025-06-05T18:00:00Z";
        const char* to = "2025-06-05T19:00:00Z";
        CHECK(build_agenda(events, window(from, to, "Asia/Bishkek")).dated.size() == 1);
        CHECK(build_agenda(events, window(from, to, "UTC")).dated.empty());
    }
}

TEST_CASE("year and month precision events are listed as imprecise in their period",
          "[agenda][imprecise]") {
    std::vector<Event> events{
        ev(1, Json{{"title", "10th CA+Japan meeting in Kazakhstan"}, {"start", "2023"}}),
        ev(2, Json{{"title", "Programme launch"}, {"start", "2022-11"}}),
        ev(3, Json{{"title", "Mountain year"}, {"start", "2022"}})};
    SECTION("a 2023 window lists the 2023 event, not as a dated occurrence") {
        auto a = build_agenda(events, window("2023-03-01T00:00:00Z", "2023-04-01T00:00:00Z"));
        CHECK(titles(a.imprecise) == Titles{"10th CA+Japan meeting in Kazakhstan"});
        CHECK(a.dated.empty());
        CHECK(a.total == 0);
    }
    SECTION("a 2024 window does not") {
        CHECK(build_agenda(events, window("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"))
                  .imprecise.empty());
    }
    SECTION("month precision, sorted by start") {
        auto a = build_agenda(events, window("2022-11-15T00:00:00Z", "2023-01-15T00:00:00Z"));
        CHECK(titles(a.imprecise) ==
              Titles{"Mountain year", "Programme launch", "10th CA+Japan meeting in Kazakhstan"});
        CHECK(titles(build_agenda(events, window("2022-12-01T00:00:00Z", "2022-12-02T00:00:00Z"))
                         .imprecise) == Titles{"Mountain year"});
    }
    SECTION("the year begins earlier for a viewer east of UTC") {
        const char* from = "2022-12-31T18:00:00Z";
        const char* to = "2022-12-31T19:00:00Z";
        CHECK(titles(build_agenda(events, window(from, to, "Asia/Bishkek")).imprecise) ==
              Titles{"10th CA+Japan meeting in Kazakhstan"});
        CHECK(titles(build_agenda(events, window(from, to, "UTC")).imprecise) ==
              Titles{"Mountain year"});
    }
}

TEST_CASE("undated events are always listed unless excluded", "[agenda][undated]") {
    std::vector<Event> events{
        ev(2, Json{{"title", "First Central Asia + Japan summit"}, {"start", nullptr}}),
        ev(1, Json{{"title", "Another planned visit"}, {"start", nullptr}}),
        timed(3, "Dated", "2025-06-06T09:00", "UTC")};
    for (auto [from, to] : {std::pair{"1990-01-01T00:00:00Z", "1990-01-02T00:00:00Z"},
                            std::pair{"2025-06-06T00:00:00Z", "2025-06-07T00:00:00Z"}}) {
        auto a = build_agenda(events, window(from, to));
        CHECK(titles(a.undated) ==
              Titles{"Another planned visit", "First Central Asia + Japan summit"});
    }
    auto q = window("2025-06-06T00:00:00Z", "2025-06-07T00:00:00Z");
    q.include_undated = false;
    auto a = build_agenda(events, q);
    CHECK(a.undated.empty());
    CHECK(dated_titles(a) == Titles{"Dated"});
}

TEST_CASE("filters: text, category and status", "[agenda][filter]") {
    std::vector<Event> events{
        ev(1, Json{{"title", "Foreign ministers' meeting"},
                   {"start", "2022-12-24T14:40"},
                   {"tz", "Asia/Tokyo"},
                   {"location", "Tokyo"},
                   {"categories", {"diplomacy", "CA+Japan"}}}),
        ev(2, Json{{"title", "Honey export contract"},
                   {"start", "2022-12-10"},
                   {"source", "Kabar news agency"},
                   {"categories", {"trade"}},
                   {"status", "tentative"}}),
        ev(3, Json{{"title", "Summit"},
                   {"start", nullptr},
                   {"description", "Date to be announced"},
                   {"categories", {"diplomacy"}},
                   {"status", "tentative"}}),
        ev(4, Json{{"title", "Cooperation programme"},
                   {"start", "2022-12"},
                   {"categories", {"CA+Japan"}},
                   {"status", "cancelled"}}),
    };
    auto q = window("2022-12-01T00:00:00Z", "2023-01-01T00:00:00Z");
    auto all_titles = [&](const AgendaQuery& query) {
        Agenda a = build_agenda(events, query);
        Titles out = dated_titles(a);
        for (const auto& t : titles(a.imprecise)) out.push_back(t);
        for (const auto& t : titles(a.undated)) out.push_back(t);
        return out;
    };
    CHECK(all_titles(q) == Titles{"Honey export contract", "Foreign ministers' meeting",
                                  "Cooperation programme", "Summit"});
    SECTION(
        "text is a case-insensitive substring of title, description, location, source or "
        "categories") {
        q.text = "TOKYO";
        CHECK(all_titles(q) == Titles{"Foreign ministers' meeting"});
        q.text = "kabar";
        CHECK(all_titles(q) == Titles{"Honey export contract"});
        q.text = "ca+japan";
        CHECK(all_titles(q) == Titles{"Foreign ministers' meeting", "Cooperation programme"});
        q.text = "announced";
        CHECK(all_titles(q) == Titles{"Summit"});
        q.text = "HONEY";
        CHECK(all_titles(q) == Titles{"Honey export contract"});
        q.text = "nothing like this";
        CHECK(all_titles(q).empty());
    }
    SECTION("category matches a whole category exactly") {
        q.category = "diplomacy";
        CHECK(all_titles(q) == Titles{"Foreign ministers' meeting", "Summit"});
        q.category = "diplo";
        CHECK(all_titles(q).empty());
    }
    SECTION("status") {
        q.status = Status::tentative;
        CHECK(all_titles(q) == Titles{"Honey export contract", "Summit"});
        q.status = Status::cancelled;
        CHECK(all_titles(q) == Titles{"Cooperation programme"});
        q.category = "diplomacy";
        CHECK(all_titles(q).empty());
    }
}

TEST_CASE("paging with limit and offset", "[agenda][paging]") {
    std::vector<Event> events;
    for (int i = 1; i <= 5; ++i)
        events.push_back(timed(i, ("Day " + std::to_string(i)).c_str(),
                               ("2025-06-0" + std::to_string(i) + "T10:00").c_str(), "UTC"));
    events.push_back(ev(9, Json{{"title", "TBA"}, {"start", nullptr}}));
    auto q = window("2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z");
    SECTION("no limit") {
        auto a = build_agenda(events, q);
        CHECK(a.dated.size() == 5);
        CHECK(a.total == 5);
        CHECK_FALSE(a.truncated);
    }
    SECTION("first page") {
        q.limit = 2;
        auto a = build_agenda(events, q);
        CHECK(dated_titles(a) == Titles{"Day 1", "Day 2"});
        CHECK(a.total == 5);
        CHECK(a.truncated);
        CHECK(a.undated.size() == 1);
    }
    SECTION("middle page") {
        q.limit = 2;
        q.offset = 2;
        auto a = build_agenda(events, q);
        CHECK(dated_titles(a) == Titles{"Day 3", "Day 4"});
        CHECK(a.truncated);
    }
    SECTION("last page, exactly full and partial") {
        q.limit = 2;
        q.offset = 3;
        CHECK(dated_titles(build_agenda(events, q)) == Titles{"Day 4", "Day 5"});
        CHECK_FALSE(build_agenda(events, q).truncated);
        q.offset = 4;
        auto a = build_agenda(events, q);
        CHECK(dated_titles(a) == Titles{"Day 5"});
        CHECK_FALSE(a.truncated);
        CHECK(a.total == 5);
    }
    SECTION("an offset past the end") {
        q.offset = 10;
        auto a = build_agenda(events, q);
        CHECK(a.dated.empty());
        CHECK(a.total == 5);
        CHECK_FALSE(a.truncated);
    }
}

TEST_CASE("each recurring instance keeps a nominal duration's wall time across DST",
          "[agenda][duration]") {
    // Daily at 10:00 in New York for P1D (to 10:00 the next day) and PT24H; the clocks go
    // forward on 2027-03-14, so the instance of the 13th lasts 23 hours nominally.
    std::vector<Event> events{ev(1, Json{{"title", "Nominal"},
                                         {"start", "2027-03-10T10:00"},
                                         {"tz", "America/New_York"},
                                         {"duration", "P1D"},
                                         {"rrule", "FREQ=DAILY"}}),
                              ev(2, Json{{"title", "Exact"},
                                         {"start", "2027-03-10T10:00"},
                                         {"tz", "America/New_York"},
                                         {"duration", "PT24H"},
                                         {"rrule", "FREQ=DAILY"}})};
    Agenda a = build_agenda(events, window("2027-03-13T15:00:00Z", "2027-03-13T15:00:01Z"));
    REQUIRE(a.dated.size() == 2);
    CHECK(format_instant(a.dated[0].begin) == "2027-03-13T15:00:00Z");  // 10:00 EST
    CHECK(format_instant(a.dated[0].end) == "2027-03-14T14:00:00Z");    // 10:00 EDT
    CHECK(format_instant(a.dated[1].end) == "2027-03-14T15:00:00Z");    // 11:00 EDT
    // And the first instance, before the change, lasts a whole 24 hours either way.
    Agenda first = build_agenda(events, window("2027-03-10T15:00:00Z", "2027-03-10T15:00:01Z"));
    REQUIRE(first.dated.size() == 2);
    CHECK(first.dated[0].end - first.dated[0].begin == std::chrono::hours{24});
}
