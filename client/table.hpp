#pragma once
/// Aligned text tables for a terminal or a pipe: columns padded by display width, the title
/// column cut with "…" to fit the terminal (never wrapped), cells coloured when the style says.

#include <string>
#include <vector>

#include "client/style.hpp"

namespace herald::client {

/// One cell: its text and the sgr:: codes it is painted with (empty: none).
struct Cell {
    std::string text;
    std::string code;
};

/// A table row.
using Row = std::vector<Cell>;

/// Appends `rows` to `out`, each cell padded to its column's display width plus two spaces
/// (trailing spaces trimmed). When `style.width` is set and a row would be wider, column
/// `title_column` is cut (down to 12 columns), then the columns after it; on a terminal each
/// cell is made terminal-safe before it is painted (data cannot bring its own escapes).
void render_table(std::string& out, const std::vector<Row>& rows, const Style& style,
                  size_t title_column);

}  // namespace herald::client
