#pragma once
/// Long human output on a terminal goes through a pager, as git and khal do.

#include <string_view>

#include "client/style.hpp"
#include "core/paths.hpp"

namespace herald::client {

/// The pager command: $HERALD_PAGER, else $PAGER, else "less"; empty or "cat" means none.
std::string pager_command(const EnvLookup& env);

/// Writes human output: through the pager (run by /bin/sh, LESS=FRX unless set) when `style`
/// pages and `text` does not fit the terminal's height, else to stdout. A pager the user quits
/// before the end is not an error; one that cannot start (exit 127) gets a warning and `text`
/// goes to stdout.
void emit(const Style& style, std::string_view text, const EnvLookup& env);

}  // namespace herald::client
