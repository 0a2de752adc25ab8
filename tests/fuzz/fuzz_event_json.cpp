// Fuzz harness: event JSON parsing and validation. Bad input must be refused with a HeraldError
// naming a field; a valid event must survive to_json -> event_from_json unchanged, and the
// store's reader (event_from_stored, simdjson) must read the stored text back as the same event.
#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "core/event_json.hpp"
#include "core/event_stored.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace herald;
    Json j = Json::parse(data, data + size, nullptr, false);
    if (j.is_discarded()) return 0;
    Event e;
    try {
        e = event_from_json(j);
        validate(e);
    } catch (const HeraldError& err) {
        FUZZ_CHECK(*err.what() != '\0');
        return 0;
    }
    Json once = to_json(e);
    Event again = event_from_json(once);
    validate(again);
    FUZZ_CHECK(to_json(again) == once);
    // What the store writes and reads: bookkeeping fields set, as Store does.
    Event stored = e;
    stored.id = 42, stored.owner = 1000, stored.revision = 2;
    stored.created = stored.updated = parse_instant("2025-01-01T00:00:00Z", "created");
    try {
        FUZZ_CHECK(event_from_stored(to_json(stored).dump()) == stored);
    } catch (const HeraldError&) {
        FUZZ_CHECK(false);
    }
    // A valid event also takes itself as a partial update unchanged.
    try {
        FUZZ_CHECK(to_json(apply_changes(e, j)) == once);
    } catch (const HeraldError&) {
        FUZZ_CHECK(false);
    }
    return 0;
}
