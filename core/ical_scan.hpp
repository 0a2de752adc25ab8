#pragma once
/// Splits iCalendar text into its top-level components (VEVENT, VTIMEZONE, ...) with line
/// numbers, so one bad component can be reported and skipped while the others import.
/// Structural checks only (BEGIN/END balance, nesting depth, line length); values are read later.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// A problem found in an iCalendar file: the 1-based line it starts at, the UID when known.
struct IcalProblem {
    size_t line = 0;
    std::string uid;
    std::string reason;
    std::string property;  ///< the property (or component) the problem is about, when one is
};

/// One top-level component inside VCALENDAR.
struct IcalBlock {
    std::string kind;       ///< upper-case component name ("VEVENT", "VTIMEZONE", ...)
    size_t line = 0;        ///< line of its BEGIN
    std::string_view text;  ///< from BEGIN to END inclusive (a view into the scanned text)
    std::string error;      ///< non-empty when the component is structurally broken
    bool outside = false;   ///< found outside BEGIN:VCALENDAR ... END:VCALENDAR
};

/// Structural limits of the scanner.
struct IcalScanLimits {
    size_t max_line = 1024 * 1024;  ///< bytes of one unfolded content line
    size_t max_depth = 8;           ///< component nesting inside VCALENDAR
    size_t max_problems = 1000;     ///< further problems are counted, not listed
};

/// Result of a scan: components, file-level problems and whether a VCALENDAR was seen.
struct IcalScan {
    std::vector<IcalBlock> blocks;
    std::vector<IcalProblem> problems;
    size_t problems_dropped = 0;  ///< problems beyond max_problems
    bool saw_calendar = false;
    std::string x_wr_timezone;  ///< the calendar's X-WR-TIMEZONE (zone of its floating times)
};

/// scan_ical in steps, so that a caller serving others between steps (heraldd's sliced import)
/// is never held by a big file. The text must outlive the scanner and the blocks it returns.
class IcalScanner {
  public:
    /// Prepares to scan `text` under `limits`.
    IcalScanner(std::string_view text, const IcalScanLimits& limits = {});
    ~IcalScanner();
    IcalScanner(IcalScanner&&) noexcept;
    IcalScanner& operator=(IcalScanner&&) noexcept;
    /// Scans up to `max_lines` more physical lines; true once the whole text is scanned.
    bool scan_some(size_t max_lines);
    /// The result; call once, after scan_some returned true.
    IcalScan finish();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

/// Scans `text` (CRLF or LF line ends, folded lines allowed, a UTF-8 byte order mark skipped).
/// Components outside any VCALENDAR (bare VEVENT files, which khal reads) are kept with
/// `outside` set. Never throws on bad input.
IcalScan scan_ical(std::string_view text, const IcalScanLimits& limits = {});

/// The value of the first "UID:" line of a component's text, unfolded; empty when none.
std::string find_uid(std::string_view component_text);

}  // namespace herald
