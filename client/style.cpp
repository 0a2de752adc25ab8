#include "client/style.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <charconv>

#include "client/exit_status.hpp"

namespace herald::client {
namespace {

constexpr std::array kPalette{sgr::reset,     sgr::date,      sgr::today,   sgr::past,
                              sgr::tentative, sgr::cancelled, sgr::reverse, sgr::heading};

/// A positive number of columns or rows from the environment, else 0.
size_t env_size(const EnvLookup& env, const char* name) {
    auto v = env(name);
    size_t n = 0;
    if (!v || std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc{}) return 0;
    return n;
}

}  // namespace

bool starts_with_palette_sgr(std::string_view s, size_t* n) {
    for (std::string_view code : kPalette)
        if (s.starts_with(code)) {
            *n = code.size();
            return true;
        }
    return false;
}

bool is_palette_sgr_prefix(std::string_view s) {
    for (std::string_view code : kPalette)
        if (s.size() < code.size() && code.starts_with(s)) return true;
    return false;
}

ColorMode color_mode_of(const std::string& text) {
    if (text == "auto") return ColorMode::auto_;
    if (text == "always") return ColorMode::always;
    if (text == "never") return ColorMode::never;
    throw UsageError("expected auto, always or never, got '" + text + "'", "--color");
}

Style decide_style(ColorMode mode, bool no_pager, const EnvLookup& env, int fd) {
    Style s;
    s.tty = ::isatty(fd) == 1;
    // https://no-color.org: any non-empty NO_COLOR turns colour off unless asked for explicitly;
    // a dumb terminal shows escape sequences as text.
    bool no_color = !env("NO_COLOR").value_or("").empty() || env("TERM").value_or("") == "dumb";
    s.color = mode == ColorMode::always || (mode == ColorMode::auto_ && s.tty && !no_color);
    winsize ws{};
    if (s.tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        s.width = ws.ws_col;
        s.rows = ws.ws_row;
    } else {
        s.width = env_size(env, "COLUMNS");
        if (s.tty) s.rows = env_size(env, "LINES");
    }
    s.page = s.tty && !no_pager;
    return s;
}

std::string paint(const Style& style, std::string_view code, std::string_view text) {
    if (!style.color || text.empty()) return std::string(text);
    std::string out;
    out.reserve(code.size() + text.size() + sgr::reset.size());
    out.append(code).append(text).append(sgr::reset);
    return out;
}

}  // namespace herald::client
