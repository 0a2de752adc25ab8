#pragma once
/// Content lines of one iCalendar component as written in the file: unfolded (bytes joined, so a
/// UTF-8 character split by a fold comes back whole), each with its line number. The importer
/// reads what libical cannot tell it from these: which line a dropped property was on, the raw
/// CATEGORIES list, and the content a missing UID is derived from.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// One unfolded content line.
struct IcalLine {
    size_t line = 0;   ///< 1-based line number of its first physical line in the file
    std::string text;  ///< "NAME;PARAM=x:value", without the line end
};

/// Unfolds `component` (BEGIN ... END) whose first line is line `first_line` of the file.
std::vector<IcalLine> unfold_lines(std::string_view component, size_t first_line);

/// The upper-case property name of a content line ("DTSTART" of "dtstart;TZID=x:...").
std::string line_name(std::string_view text);

/// The value of a content line: after the first ':' outside a quoted parameter value.
std::string_view line_value(std::string_view text);

/// The component text for libical: unfolded lines joined by CRLF, without the lines named in
/// `drop` (upper-case property names).
std::string join_lines(const std::vector<IcalLine>& lines, const std::vector<std::string>& drop);

/// A TEXT list value split at unescaped commas and unescaped (RFC 5545 §3.3.11): "a,b\,c,d" is
/// "a", "b,c", "d". Empty items are left out.
std::vector<std::string> split_text_list(std::string_view value);

/// A stable UID for a VEVENT that has none, from the lines that identify it (DTSTART, SUMMARY,
/// RECURRENCE-ID): the same event in a re-import gets the same UID.
std::string derived_uid(const std::vector<IcalLine>& lines);

}  // namespace herald
