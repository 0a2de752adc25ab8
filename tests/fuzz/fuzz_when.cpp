// Fuzz harness: the WHEN parser with a fixed "now" and zones. Any input either parses into a value
// that formats and re-parses to itself, or throws HeraldError(invalid_time) naming the field.
#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "core/when.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace herald;
    static const date::time_zone* const kZones[] = {
        date::locate_zone("Asia/Almaty"), date::locate_zone("Asia/Tokyo"),
        date::locate_zone("America/St_Johns"), date::locate_zone("UTC")};
    if (size == 0) return 0;
    // The first byte picks the viewer zone and whether the event has its own zone.
    WhenContext ctx;
    ctx.now = date::sys_days{date::year{2025} / 3 / 30} + std::chrono::hours{1} +
              std::chrono::minutes{30};
    ctx.viewer = kZones[data[0] % 4];
    if (data[0] & 4) ctx.event_tz = "Asia/Kathmandu";
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    CalTime value;
    try {
        value = parse_when(text, ctx, "when");
    } catch (const HeraldError& e) {
        FUZZ_CHECK(e.code() == ErrorCode::invalid_time || e.code() == ErrorCode::invalid_params);
        FUZZ_CHECK(e.field() == "when" || e.field() == "tz");
        FUZZ_CHECK(*e.what() != '\0');
        return 0;
    }
    // A parsed value is a real calendar value: it formats, and its span can be computed.
    std::string formatted = format_caltime(value);
    FUZZ_CHECK(!formatted.empty() || value.precision == Precision::none);
    if (value.precision != Precision::none) (void)span_of(value, ctx.viewer);
    return 0;
}
