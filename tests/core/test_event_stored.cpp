// Unit tests of core/event_stored: the simdjson reader of stored events agrees with
// event_from_json on every kind of event to_json writes, and refuses what it did not write.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support.hpp"
#include "core/event_json.hpp"
#include "core/event_stored.hpp"

using namespace herald;

namespace {

/// A validated event from its JSON form, with the bookkeeping the store adds.
Event stored_event(Json j, int64_t id) {
    if (!j.contains("uid")) j["uid"] = "stored-" + std::to_string(id) + "@herald.test";
    Event e = event_from_json(j);
    validate(e);
    e.id = id;
    e.owner = 1000 + id;
    e.revision = 3;
    e.created = parse_instant("2025-01-02T03:04:05Z", "created");
    e.updated = parse_instant("2025-06-07T08:09:10Z", "updated");
    return e;
}

/// What Store::read_one used to do: nlohmann document, event_from_json, bookkeeping by hand.
Event via_nlohmann(const std::string& text) {
    Json j = Json::parse(text);
    Event e = event_from_json(j);
    e.id = j.at("id").get<int64_t>();
    e.revision = j.at("revision").get<int64_t>();
    e.owner = j.at("owner").get<int64_t>();
    e.created = parse_instant(j.at("created").get<std::string>(), "created");
    e.updated = parse_instant(j.at("updated").get<std::string>(), "updated");
    return e;
}

}  // namespace

TEST_CASE("event_from_stored reads back every kind of event as event_from_json does") {
    const std::vector<Json> events{
        {{"title", "Japan–Kyrgyz foreign ministers' meeting"},
         {"start", "2022-12-24T14:40"},
         {"tz", "Asia/Tokyo"},
         {"duration", "PT30M"},
         {"location", "Tokyo"},
         {"categories", {"central-asia-japan", "ministerial"}},
         {"alarms",
          {{{"trigger", "-PT15M"}},
           {{"trigger", "PT5M"}, {"related", "end"}},
           {{"at", "2022-12-23T00:00:00Z"}}}}},
        {{"title", "Kyrgyzstan National Day at EXPO 2025"},
         {"start", "2025-06-06"},
         {"status", "tentative"},
         {"visibility", "public"}},
        {{"title", "Programme 2023–2025"}, {"start", "2023-01-01"}, {"end", "2025-12-31"}},
        {{"title", "10th meeting"}, {"start", "2023"}},
        {{"title", "Honey export"}, {"start", "2022-08"}},
        {{"title", "First summit"}, {"start", nullptr}, {"status", "cancelled"}},
        {{"title", "Floating call"}, {"start", "2025-03-30T02:30"}},
        {{"title", "Flight"},
         {"start", "2025-03-01T09:00"},
         {"tz", "Asia/Bishkek"},
         {"end", "2025-03-01T12:30"},
         {"end_tz", "Asia/Tokyo"}},
        {{"title", "{ordinal} anniversary of Kyrgyzstan–Japan relations"},
         {"start", "1992-01-26"},
         {"rrule", "FREQ=YEARLY"},
         {"exdates", {"2020-01-26"}},
         {"rdates", {"2030-02-01"}}},
        {{"title", "Weekly sync"},
         {"start", "2025-06-02T10:00"},
         {"tz", "Europe/Berlin"},
         {"rrule", "FREQ=WEEKLY;BYDAY=MO"},
         {"exdates", {"2025-06-09T10:00"}}},
        {{"title", "Quotes \" backslash \\ slash / Кыргызстан 日本 🎌"},
         {"description", "two\nlines\r\n\tindented"},
         {"url", "https://example.org/a?b=c&d=\"e\""},
         {"source", "../shared/seeds/000.txt"},
         {"start", "2025-02-03"}},
    };
    int64_t id = 1;
    for (const auto& j : events) {
        CAPTURE(j.dump());
        Event e = stored_event(j, id++);
        std::string text = to_json(e).dump();
        Event read = event_from_stored(text);
        CHECK(read == e);
        CHECK(read == via_nlohmann(text));
    }
}

TEST_CASE("event_from_stored refuses text heraldd did not write, as storage_error") {
    for (const char* bad : {"", "not json", "[1,2]", "{\"title\":", "{\"title\":5}",
                            "{\"id\":\"seven\"}", "{\"alarms\":[\"x\"]}"}) {
        CAPTURE(bad);
        auto err = test::error_of([&] { event_from_stored(bad); });
        CHECK(err.code() == ErrorCode::storage_error);
    }
    // Well-formed but with a value no event has: the same error event_from_json gives.
    auto err = test::error_of([] {
        event_from_stored(R"({"title":"x","start":"2025-13-01","created":"2025-01-01T00:00:00Z",
                              "updated":"2025-01-01T00:00:00Z"})");
    });
    CHECK(err.code() == ErrorCode::invalid_time);
}
