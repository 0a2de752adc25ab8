#include "client/terminal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>

#include "client/style.hpp"

namespace herald::client {
namespace {

/// Whether the sgr:: palette passes the filter: only when this run colours its output.
bool palette_allowed = false;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// One UTF-8 sequence at the start of `s`: its code point and length; length 0 when `s` ends in
/// the middle of one, nullopt when the bytes are not UTF-8.
std::optional<std::pair<char32_t, size_t>> decode(std::string_view s) {
    auto b = static_cast<unsigned char>(s[0]);
    if (b < 0x80) return std::pair{char32_t{b}, size_t{1}};
    size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
    if (n == 0 || b > 0xF4) return std::nullopt;
    char32_t c = b & (0x7F >> n);
    for (size_t i = 1; i < n; ++i) {
        if (i >= s.size()) return std::pair{char32_t{0}, size_t{0}};
        auto cont = static_cast<unsigned char>(s[i]);
        if ((cont & 0xC0) != 0x80) return std::nullopt;
        c = (c << 6) | (cont & 0x3F);
    }
    bool overlong = (n == 3 && c < 0x800) || (n == 4 && c < 0x10000);
    if (overlong || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    return std::pair{c, n};
}

/// A filtered stream: its descriptor and the start of a UTF-8 sequence a write cut off.
struct Sink {
    int fd;
    bool keep_cr;  ///< stderr: the import's progress bar redraws its line with \r
    std::string carry;
};

}  // namespace

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

namespace {

ssize_t sink_write(void* cookie, const char* buf, size_t size) {
    auto* sink = static_cast<Sink*>(cookie);
    std::string input = std::move(sink->carry) + std::string(buf, size);
    sink->carry.clear();
    return write_all(sink->fd, terminal_safe(input, &sink->carry, sink->keep_cr, palette_allowed))
               ? static_cast<ssize_t>(size)
               : -1;
}

int sink_close(void* cookie) {
    auto* sink = static_cast<Sink*>(cookie);
    if (!sink->carry.empty()) write_all(sink->fd, kReplacement);
    delete sink;
    return 0;
}

/// `stream` (on descriptor `fd`) replaced by a filtered one when `fd` is a terminal.
FILE* filtered(FILE* stream, int fd, bool line_buffered) {
    if (::isatty(fd) != 1) return stream;
    std::fflush(stream);
    cookie_io_functions_t io{nullptr, sink_write, nullptr, sink_close};
    FILE* f = ::fopencookie(new Sink{fd, !line_buffered, {}}, "w", io);
    if (f == nullptr) return stream;
    std::setvbuf(f, nullptr, line_buffered ? _IOLBF : _IONBF, 0);
    return f;
}

}  // namespace

bool unsafe_for_terminal(char32_t c) {
    if (c == '\n' || c == '\t') return false;
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string terminal_safe(std::string_view text, std::string* rest, bool keep_cr, bool palette) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        size_t sgr_length = 0;
        if (palette && text[i] == '\x1b') {
            if (starts_with_palette_sgr(text.substr(i), &sgr_length)) {
                out.append(text.substr(i, sgr_length));
                i += sgr_length;
                continue;
            }
            if (rest != nullptr && is_palette_sgr_prefix(text.substr(i))) {  // the rest comes next
                *rest = std::string(text.substr(i));
                return out;
            }
        }
        auto d = decode(text.substr(i));
        if (d && d->second == 0) {  // cut off at the end
            if (rest != nullptr) {
                *rest = std::string(text.substr(i));
                return out;
            }
            out += kReplacement;
            break;
        }
        if (!d || (unsafe_for_terminal(d->first) && !(keep_cr && d->first == '\r'))) {
            out += kReplacement;
            i += d ? d->second : 1;
            continue;
        }
        out.append(text.substr(i, d->second));
        i += d->second;
    }
    return out;
}

std::string json_terminal_safe(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    for (size_t i = 0; i < json.size();) {
        auto d = decode(json.substr(i));
        if (d && (d->second > 1 || d->first == 0x7F) && unsafe_for_terminal(d->first)) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04X", static_cast<unsigned>(d->first));
            out += esc;
            i += d->second;
            continue;
        }
        size_t n = d && d->second > 0 ? d->second : 1;
        out.append(json.substr(i, n));
        i += n;
    }
    return out;
}

namespace {

FILE* original_stdout = nullptr;
FILE* original_stderr = nullptr;

/// At exit: closes the filtering streams (writing any cut-off character, freeing their sinks)
/// and puts the originals back; exit() only flushes streams, it never closes them.
void restore_terminal_output() {
    if (original_stdout != nullptr && stdout != original_stdout) {
        FILE* f = stdout;
        stdout = original_stdout;
        std::fclose(f);
    }
    if (original_stderr != nullptr && stderr != original_stderr) {
        FILE* f = stderr;
        stderr = original_stderr;
        std::fclose(f);
    }
}

}  // namespace

void allow_palette_sgr(bool allowed) {
    palette_allowed = allowed;
}

bool palette_sgr_allowed() {
    return palette_allowed;
}

void filter_terminal_output() {
    // Why replacing the FILE pointers: every printf of every command goes through them, so no
    // new output path can forget to filter.
    original_stdout = stdout;
    original_stderr = stderr;
    stdout = filtered(stdout, STDOUT_FILENO, true);
    stderr = filtered(stderr, STDERR_FILENO, false);
    if (stdout != original_stdout || stderr != original_stderr)
        std::atexit(restore_terminal_output);
}

}  // namespace herald::client

namespace herald::client {

std::optional<std::string> stdout_failure() {
    errno = 0;
    bool failed = std::fflush(stdout) != 0;
    int error = errno;
    std::cout.flush();  // CLI11's help and version text (through stdout's buffer: synced)
    failed = std::cout.fail() || failed;
    // ferror: an earlier write failed when the buffer filled, before this flush.
    if (!failed && std::ferror(stdout) == 0) return std::nullopt;
    return error != 0 ? std::strerror(error) : "write error";
}

}  // namespace herald::client
