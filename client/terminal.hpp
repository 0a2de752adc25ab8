#pragma once
/// What reaches a terminal: text from the daemon (titles, locations, import error lines naming a
/// file's bytes) is other people's data, and a control or bidi-override character in it could
/// retitle the window, move the cursor or reorder what the user reads. Policy: such characters
/// are never written to a terminal; piped output stays byte-exact (it is data), and --json output
/// escapes them (\uXXXX: the same JSON value, nothing raw).

#include <optional>
#include <string>
#include <string_view>

namespace herald::client {

/// True for a character a terminal must not be sent from data: C0 controls but newline and tab,
/// DEL, C1 controls (U+0080-U+009F), U+2028/U+2029 and the bidi embeddings, overrides and
/// isolates (U+202A-U+202E, U+2066-U+2069).
bool unsafe_for_terminal(char32_t c);

/// `text` with each unsafe character (but a carriage return when `keep_cr`), and each byte that
/// is not UTF-8, replaced by U+FFFD; with `palette`, herald's own SGR sequences (client/style)
/// pass. A sequence cut off at the end is returned in `*rest` when `rest` is given (streams).
std::string terminal_safe(std::string_view text, std::string* rest = nullptr, bool keep_cr = false,
                          bool palette = false);

/// Lets terminal_safe() pass the sgr:: palette (client/style.hpp), exactly those sequences, when
/// this run colours its output; any other escape is still replaced. Data reaches a coloured row
/// through terminal_safe() (palette off) first, so a palette sequence in data cannot pass.
void allow_palette_sgr(bool allowed);

/// Whether this run's output to a terminal may carry the palette (allow_palette_sgr()).
bool palette_sgr_allowed();

/// JSON text with each unsafe character that dump() leaves raw written as \uXXXX.
std::string json_terminal_safe(std::string_view json);

/// Writes all of `bytes` to `fd` (retrying short writes and EINTR); false when a write failed.
bool write_all(int fd, std::string_view bytes);

/// Sends stdout and stderr through terminal_safe() when they are terminals.
void filter_terminal_output();

/// Flushes std::cout and stdout; why a write to either failed (strerror), or nullopt when all
/// of the output arrived.
std::optional<std::string> stdout_failure();

}  // namespace herald::client
