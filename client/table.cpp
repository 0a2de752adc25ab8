#include "client/table.hpp"

#include <algorithm>
#include <numeric>

#include "client/terminal.hpp"
#include "client/text_width.hpp"

namespace herald::client {
namespace {

// Why 12: a title cut shorter than that says too little to recognise the event; past that the
// columns after it give way.
constexpr size_t kMinTitle = 12;
constexpr size_t kGap = 2;

/// Each column's width after fitting the table into `limit` columns (0: no limit).
std::vector<size_t> fitted_widths(std::vector<size_t> widths, size_t limit, size_t title) {
    if (limit == 0 || widths.empty()) return widths;
    size_t total =
        std::accumulate(widths.begin(), widths.end(), size_t{0}) + kGap * (widths.size() - 1);
    if (total <= limit) return widths;
    size_t excess = total - limit;
    // The title column first, to kMinTitle; then the later columns (location), last first.
    std::vector<size_t> order{title};
    for (size_t i = widths.size(); i-- > title + 1;) order.push_back(i);
    for (size_t i : order) {
        if (i >= widths.size() || excess == 0) continue;
        size_t floor = i == title ? std::min(widths[i], kMinTitle) : 1;
        size_t cut = std::min(excess, widths[i] - floor);
        widths[i] -= cut;
        excess -= cut;
    }
    return widths;
}

}  // namespace

void render_table(std::string& out, const std::vector<Row>& rows, const Style& style,
                  size_t title_column) {
    if (rows.empty()) return;
    std::vector<size_t> widths(rows.front().size(), 0);
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i)
            widths[i] = std::max(widths[i], display_width(r[i].text));
    std::vector<size_t> fit = fitted_widths(widths, style.width, title_column);
    // Appended cell by cell: a long listing is thousands of rows.
    for (const auto& r : rows) {
        size_t line_start = out.size();
        for (size_t i = 0; i < r.size(); ++i) {
            std::string text = fit[i] < widths[i] ? fit_width(r[i].text, fit[i]) : r[i].text;
            size_t w = display_width(text);
            if (style.color) text = terminal_safe(text);  // data brings no escape of its own
            out += r[i].code.empty() ? text : paint(style, r[i].code, text);
            if (i + 1 < r.size()) out.append(fit[i] - std::min(w, fit[i]) + kGap, ' ');
        }
        while (out.size() > line_start && out.back() == ' ') out.pop_back();
        out += '\n';
    }
}

}  // namespace herald::client
