#pragma once
/// Maps the TZIDs found in iCalendar files to IANA zones: IANA names (also behind a vendor prefix
/// such as "/mozilla.org/20050126_1/Europe/Berlin"), Windows names ("Tokyo Standard Time", from
/// CLDR), common aliases, and otherwise the file's own VTIMEZONE, matched by its UTC offsets.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace herald {

/// The IANA zone CLDR maps a Windows zone name to ("Tokyo Standard Time" → "Asia/Tokyo");
/// empty when the name is not a Windows zone. Case-insensitive.
std::string_view windows_zone_to_iana(std::string_view windows_name);

/// Resolves the TZIDs of one file. Not thread-safe; one per import.
class TzidResolver {
  public:
    TzidResolver();
    ~TzidResolver();
    TzidResolver(const TzidResolver&) = delete;
    TzidResolver& operator=(const TzidResolver&) = delete;

    /// Registers a VTIMEZONE component's text (BEGIN:VTIMEZONE ... END:VTIMEZONE); returns its
    /// TZID, or throws HeraldError naming what is wrong with it.
    std::string add_vtimezone(std::string_view component_text);
    /// The IANA zone for `tzid`; throws HeraldError(invalid_time, field "TZID") saying why not.
    const std::string& resolve(const std::string& tzid);

  private:
    std::string resolve_uncached(const std::string& tzid);
    std::string match_vtimezone(const std::string& tzid);

    struct FileZones;
    std::unique_ptr<FileZones> file_;
    std::map<std::string, std::string> cache_;
    size_t matched_ = 0;  ///< VTIMEZONEs matched by their rules so far (each is costly)
};

}  // namespace herald
