#pragma once
/// Maps the TZIDs found in iCalendar files to IANA zones: IANA names (also behind a vendor prefix
/// such as "/mozilla.org/20050126_1/Europe/Berlin"), Windows names ("Tokyo Standard Time", from
/// CLDR), common aliases, and otherwise the file's own VTIMEZONE, matched by its UTC offsets.
/// A mapped (non-IANA) name is checked against the file's VTIMEZONE over the event's years; when
/// they disagree, or no IANA zone has the VTIMEZONE's offsets, the file's rules decide: as a rule
/// zone (time.hpp) carrying the VTIMEZONE's yearly rules as a POSIX TZ rule.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "core/time.hpp"

namespace herald {

/// The IANA zone CLDR maps a Windows zone name to ("Tokyo Standard Time" → "Asia/Tokyo");
/// empty when the name is not a Windows zone. Case-insensitive.
std::string_view windows_zone_to_iana(std::string_view windows_name);

/// How one TZID is read for one event.
struct TzidChoice {
    std::string zone;         ///< IANA or rule zone; empty with file_rules false: read floating
    bool file_rules = false;  ///< no zone fits (rules POSIX cannot state): convert to UTC
    std::string note;         ///< why the plain mapping was not used (for a warning); may be empty
};

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
    /// How `tzid` is read for an event whose instances fall in the years first..last. Never throws.
    const TzidChoice& choose(const std::string& tzid, int first_year, int last_year);
    /// The instant `local` names in the file's VTIMEZONE `tzid` (which must have been added).
    Instant file_instant(const std::string& tzid, LocalTime local) const;

  private:
    TzidChoice choose_uncached(const std::string& tzid, int first_year, int last_year);
    std::string match_vtimezone(const std::string& tzid, int first_year, int last_year);
    TzidChoice file_rule_choice(const std::string& tzid, int first_year, int last_year,
                                const std::string& why);
    std::string disagreement(const std::string& tzid, const std::string& zone, int first_year,
                             int last_year);

    struct FileZones;
    std::unique_ptr<FileZones> file_;
    std::map<std::tuple<std::string, int, int>, TzidChoice> cache_;
    size_t matched_ = 0;   ///< VTIMEZONEs matched by their rules so far (each is costly)
    size_t compared_ = 0;  ///< rule zones checked against their VTIMEZONE's other years
};

}  // namespace herald
