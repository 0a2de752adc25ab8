#include "client/text_width.hpp"

#include <langinfo.h>

#include <clocale>
#include <cstring>
#include <cwchar>

namespace herald::client {
namespace {

constexpr std::string_view kEllipsis = "…";

/// One character at the start of `s`: its code point and byte length (1 and U+FFFD for a byte
/// that starts no valid sequence).
std::pair<char32_t, size_t> next_char(std::string_view s) {
    auto b = static_cast<unsigned char>(s[0]);
    size_t n = b < 0x80 ? 1 : b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (n <= 1) return {n == 1 ? char32_t{b} : char32_t{0xFFFD}, 1};
    if (n > s.size()) return {0xFFFD, 1};
    char32_t c = b & (0x7F >> n);
    for (size_t i = 1; i < n; ++i) {
        auto cont = static_cast<unsigned char>(s[i]);
        if ((cont & 0xC0) != 0x80) return {0xFFFD, 1};
        c = (c << 6) | (cont & 0x3F);
    }
    return {c, n};
}

size_t char_width(char32_t c) {
    int w = ::wcwidth(static_cast<wchar_t>(c));
    return w < 0 ? 1 : static_cast<size_t>(w);
}

}  // namespace

void use_utf8_ctype() {
    if (std::setlocale(LC_CTYPE, "") != nullptr && std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
        return;
    std::setlocale(LC_CTYPE, "C.UTF-8");
}

size_t display_width(std::string_view s) {
    size_t width = 0;
    for (size_t i = 0; i < s.size();) {
        // Why a fast path: every ASCII byte is one column (a control shows as one, as in
        // char_width; NUL as none), and wcwidth per character was a tenth of a long listing.
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            width += s[i] != 0 ? size_t{1} : size_t{0};
            ++i;
            continue;
        }
        auto [c, n] = next_char(s.substr(i));
        width += char_width(c);
        i += n;
    }
    return width;
}

std::string fit_width(std::string_view s, size_t width) {
    if (display_width(s) <= width) return std::string(s);
    if (width == 0) return {};
    size_t room = width - 1;  // the ellipsis takes one column
    size_t used = 0, end = 0;
    for (size_t i = 0; i < s.size();) {
        auto [c, n] = next_char(s.substr(i));
        size_t w = char_width(c);
        if (used + w > room) break;
        used += w;
        i += n;
        end = i;
    }
    return std::string(s.substr(0, end)) + std::string(kEllipsis);
}

}  // namespace herald::client
