#include "client/viewer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/when.hpp"

namespace herald::client {
namespace {

// Where Debian's date/tz (USE_OS_TZDB) reads zones: a name is valid when its file is there.
constexpr const char* kZoneDir = "/usr/share/zoneinfo/";

bool zone_file_exists(const std::string& name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
    struct stat st {};
    return ::stat((kZoneDir + name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// The zone /etc/localtime points to ("../usr/share/zoneinfo/Asia/Bishkek" → "Asia/Bishkek").
std::string localtime_link() {
    char buf[4096];
    ssize_t n = ::readlink("/etc/localtime", buf, sizeof buf - 1);
    if (n <= 0) return {};
    std::string target(buf, static_cast<size_t>(n));
    auto at = target.find("zoneinfo/");
    if (at == std::string::npos) return {};
    std::string name = target.substr(at + 9);
    if (name.starts_with("posix/") || name.starts_with("right/")) name = name.substr(6);
    return zone_file_exists(name) ? name : std::string();
}

std::string etc_timezone() {
    std::ifstream in("/etc/timezone");
    std::string name;
    std::getline(in, name);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\r')) name.pop_back();
    return zone_file_exists(name) ? name : std::string();
}

}  // namespace

std::string viewer_zone_name() {
    if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
        std::string name = zone_name_of_tz_variable(tz);
        if (zone_file_exists(name)) return name;
        std::fprintf(stderr, "herald: TZ=%s is not an IANA zone name; using the system zone\n", tz);
    }
    if (std::string name = localtime_link(); !name.empty()) return name;
    return etc_timezone();
}

}  // namespace herald::client
