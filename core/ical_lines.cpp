#include "core/ical_lines.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace herald {

std::vector<IcalLine> unfold_lines(std::string_view t, size_t first_line) {
    std::vector<IcalLine> out;
    size_t line_no = first_line;
    for (size_t pos = 0; pos < t.size(); ++line_no) {
        size_t nl = t.find('\n', pos);
        size_t end = nl == std::string_view::npos ? t.size() : nl;
        std::string_view line = t.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !out.empty())
            out.back().text += line.substr(1);
        else if (!line.empty())
            out.push_back({line_no, std::string(line)});
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return out;
}

std::string line_name(std::string_view text) {
    std::string name;
    for (char c : text) {
        if (c == ';' || c == ':') break;
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

std::string_view line_value(std::string_view text) {
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') quoted = !quoted;
        if (text[i] == ':' && !quoted) return text.substr(i + 1);
    }
    return {};
}

std::string join_lines(const std::vector<IcalLine>& lines, const std::vector<std::string>& drop) {
    std::string out;
    for (const auto& l : lines) {
        std::string name = line_name(l.text);
        bool dropped = false;
        for (const auto& d : drop) dropped = dropped || d == name;
        if (dropped) continue;
        out += l.text;
        out += "\r\n";
    }
    return out;
}

std::vector<std::string> split_text_list(std::string_view value) {
    std::vector<std::string> out;
    std::string item;
    auto flush = [&] {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        size_t lead = item.find_first_not_of(' ');
        if (lead != std::string::npos) out.push_back(item.substr(lead));
        item.clear();
    };
    for (size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '\\' && i + 1 < value.size()) {
            char n = value[++i];
            item += n == 'n' || n == 'N' ? '\n' : n;
        } else if (c == ',') {
            flush();
        } else {
            item += c;
        }
    }
    flush();
    return out;
}

std::string derived_uid(const std::vector<IcalLine>& lines) {
    // FNV-1a 64: stable across runs and builds (std::hash is not).
    uint64_t h = 14695981039346656037ULL;
    auto mix = [&](std::string_view s) {
        for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL;
    };
    for (const char* name : {"DTSTART", "SUMMARY", "RECURRENCE-ID"})
        for (const auto& l : lines)
            if (line_name(l.text) == name) mix(l.text);
    char buf[40];
    std::snprintf(buf, sizeof buf, "herald-%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace herald
