// Test-only tool: resolves one WHEN through herald-core's parse_when with a given "now" and
// viewer zone, for the GNU date oracle (when_gnu_oracle.py).
//   when_probe NOW_EPOCH ZONE TEXT  ->  "instant <epoch>" for a time, "day <YYYY-MM-DD>" for a day
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "core/when.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: when_probe NOW_EPOCH ZONE TEXT\n");
        return 64;
    }
    try {
        using namespace herald;
        WhenContext ctx{Instant{Seconds{std::stoll(argv[1])}}, find_zone(argv[2]), {}, true};
        CalTime t = parse_when(argv[3], ctx, "when");
        if (t.timed())
            std::printf(
                "instant %lld\n",
                static_cast<long long>(span_of(t, ctx.viewer).begin.time_since_epoch().count()));
        else
            std::printf("%s %s\n", std::string(to_string(t.precision)).c_str(),
                        format_caltime(t).c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "when_probe: %s\n", e.what());
        return 65;
    }
}
