// Fuzz harness: the iCalendar import as calendar.import uses it. import_ical (core/ical_import.hpp)
// is the whole pure part: scan_ical splits the text, TzidResolver maps TZIDs and VTIMEZONEs,
// libical reads each VEVENT. The handler (daemon/handlers_calendar.cpp) only adds the chunked
// upload before it and Store::upsert after it, which the `protocol` harness already drives.
// Not iCalendar at all must be a HeraldError on field "ics"; anything else yields events, each
// valid and surviving to_json -> event_from_json unchanged, plus per-component problems.
#include <cstdint>
#include <set>
#include <string>

#include "core/errors.hpp"
#include "core/event_json.hpp"
#include "core/ical_import.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace herald;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    const IcalImportOptions options;  // what calendar.import uses
    IcalImport r;
    try {
        r = import_ical(text, options);
    } catch (const HeraldError& e) {
        FUZZ_CHECK(e.code() == ErrorCode::invalid_params && e.field() == "ics");
        FUZZ_CHECK(*e.what() != '\0');
        return 0;
    }
    FUZZ_CHECK(r.events.size() == r.lines.size());
    FUZZ_CHECK(r.events.size() <= r.components);
    FUZZ_CHECK(r.problems.size() <= options.scan.max_problems);
    for (const auto& p : r.problems) FUZZ_CHECK(!p.reason.empty() && p.line >= 1);
    std::set<std::string> uids;
    for (size_t i = 0; i < r.events.size(); ++i) {
        const Event& e = r.events[i];
        FUZZ_CHECK(r.lines[i] >= 1);
        FUZZ_CHECK(uids.insert(e.uid).second);  // upsert keys on the uid: no two alike
        try {
            validate(e, options.limits);
        } catch (const HeraldError&) {
            FUZZ_CHECK(false);
        }
        Json once = to_json(e);
        Event again;
        try {
            again = event_from_json(once);
            validate(again, options.limits);
        } catch (const HeraldError&) {
            FUZZ_CHECK(false);
        }
        FUZZ_CHECK(again == e);
        FUZZ_CHECK(to_json(again) == once);
    }
    return 0;
}
