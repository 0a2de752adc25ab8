#pragma once
/// How human output is shown on this run: colour, the width rows are cut to, and whether long
/// output goes through a pager. Decided once from the global options, the environment and
/// whether stdout is a terminal; --json output is never coloured, cut or paged.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/paths.hpp"

namespace herald::client {

/// The SGR sequences herald writes, and only these (the terminal filter lets exactly these
/// through when colour is on; docs/man/herald.1.scd lists what each marks).
namespace sgr {
inline constexpr std::string_view reset = "\x1b[0m";
inline constexpr std::string_view date = "\x1b[36m";       ///< cyan: an upcoming date
inline constexpr std::string_view today = "\x1b[1;33m";    ///< bold yellow: today's date
inline constexpr std::string_view past = "\x1b[2m";        ///< dim: a row already begun
inline constexpr std::string_view tentative = "\x1b[33m";  ///< yellow: a tentative title
inline constexpr std::string_view cancelled = "\x1b[9m";   ///< struck through: cancelled
inline constexpr std::string_view reverse = "\x1b[7m";     ///< reverse video: today in cal
inline constexpr std::string_view heading = "\x1b[1m";     ///< bold: a section heading
}  // namespace sgr

/// True when `s` starts with one of the sgr:: sequences; their length is returned in `*n`.
bool starts_with_palette_sgr(std::string_view s, size_t* n);

/// True when `s` is the start of a palette sequence cut off (a stream's write ended in it).
bool is_palette_sgr_prefix(std::string_view s);

/// --color's values.
enum class ColorMode { auto_, always, never };

/// ColorMode of --color's text (auto, always, never); throws UsageError naming --color.
ColorMode color_mode_of(const std::string& text);

/// The decision for one run.
struct Style {
    bool color = false;  ///< write sgr:: sequences
    size_t width = 0;    ///< cut rows to this many columns; 0: never cut
    size_t rows = 0;     ///< the terminal's height; 0 when stdout is no terminal
    bool tty = false;    ///< stdout is a terminal
    bool page = false;   ///< long output goes through the pager
};

/// The style for stdout: colour per `mode`, NO_COLOR (any non-empty value: none) and TERM=dumb;
/// the width from TIOCGWINSZ, else $COLUMNS, else none; the pager only on a terminal and not
/// with `no_pager`.
Style decide_style(ColorMode mode, bool no_pager, const EnvLookup& env, int fd);

/// `text` between `code` and a reset when colour is on, else `text` unchanged.
std::string paint(const Style& style, std::string_view code, std::string_view text);

}  // namespace herald::client
