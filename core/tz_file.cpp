// The one piece of file reading in core: the POSIX TZ footer of a zone's system TZif file.
// date/tz (USE_OS_TZDB) already reads these same files from core; it ignores their footer.
#include <fstream>

#include "core/tz_rule.hpp"

namespace herald {

std::optional<std::string> read_zone_footer(std::string_view zone_name) {
    // Why this directory: Debian's date/tz finds its files through /etc/localtime, which points
    // here.
    constexpr const char* kZoneDir = "/usr/share/zoneinfo/";
    if (zone_name.empty() || zone_name.front() == '/' ||
        zone_name.find("..") != std::string_view::npos)
        return std::nullopt;
    std::ifstream in(kZoneDir + std::string(zone_name), std::ios::binary);
    if (!in) return std::nullopt;
    constexpr std::streamsize kMaxBytes = 1 << 20;  // real TZif files are a few kilobytes
    std::string bytes(static_cast<size_t>(kMaxBytes), '\0');
    in.read(bytes.data(), kMaxBytes);
    bytes.resize(static_cast<size_t>(in.gcount()));
    return tzif_footer(bytes);
}

}  // namespace herald
