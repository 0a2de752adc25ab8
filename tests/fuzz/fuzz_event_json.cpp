// Fuzz harness: event JSON parsing and validation. Bad input must be refused with a HeraldError
// naming a field; a valid event must survive to_json -> event_from_json unchanged.
#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "core/event_json.hpp"
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
    // A valid event also takes itself as a partial update unchanged.
    try {
        FUZZ_CHECK(to_json(apply_changes(e, j)) == once);
    } catch (const HeraldError&) {
        FUZZ_CHECK(false);
    }
    return 0;
}
