#pragma once
/// Display width of terminal text: the columns a terminal gives it, from glibc's wcwidth (CJK
/// and emoji 2, combining marks 0), never bytes or code points, so columns line up for any
/// script.

#include <cstddef>
#include <string>
#include <string_view>

namespace herald::client {

/// Makes the C library read text as UTF-8 (LC_CTYPE): the user's locale when it is UTF-8, else
/// C.UTF-8 (built into Debian 12's glibc). Why: wcwidth answers -1 for every non-ASCII
/// character in the "C" locale, and herald's output is UTF-8 whatever the locale says.
void use_utf8_ctype();

/// The columns `s` (UTF-8) takes on a terminal: wcwidth per character; a byte that is not UTF-8
/// or a character wcwidth does not know counts 1 (the terminal shows U+FFFD for it).
size_t display_width(std::string_view s);

/// `s` cut to at most `width` columns, ending in "…" when it was cut; whole characters only (a
/// combining mark stays with its base).
std::string fit_width(std::string_view s, size_t width);

}  // namespace herald::client
