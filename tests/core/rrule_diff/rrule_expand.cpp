/// Test-only tool for the recurrence differential (rrule_differential.py): reads lines
/// `id<TAB>start<TAB>tz<TAB>rrule<TAB>from<TAB>to` (start as in the protocol, from/to UTC instants)
/// and prints `id<TAB>OK<TAB>instant,instant,...` with the UTC start of every occurrence Herald
/// lists in [from, to) (viewer UTC), or `id<TAB>ERROR<TAB>message` when Herald refuses the event.
#include <iostream>
#include <string>
#include <vector>

#include "core/agenda.hpp"
#include "core/errors.hpp"
#include "core/event.hpp"
#include "core/event_json.hpp"

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    size_t pos = 0;
    for (;;) {
        size_t tab = line.find('\t', pos);
        out.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
        if (tab == std::string::npos) return out;
        pos = tab + 1;
    }
}

std::string expand_line(const std::vector<std::string>& f) {
    using herald::Json;
    Json j = {{"uid", "rule-" + f[0] + "@test"},
              {"title", "t"},
              {"start", f[1]},
              {"tz", f[2]},
              {"rrule", f[3]}};
    herald::Event e = herald::event_from_json(j);
    herald::validate(e);
    const auto* utc = herald::find_zone("UTC");
    const herald::Instant from = herald::parse_instant(f[4], "from");
    const herald::Instant to = herald::parse_instant(f[5], "to");
    std::string out;
    for (const auto& occ : herald::occurrences_in(e, from, to, utc)) {
        if (!out.empty()) out += ',';
        out += herald::format_instant(occ.begin);
    }
    return out;
}

}  // namespace

int main() {
    std::ios::sync_with_stdio(false);
    std::string line;
    while (std::getline(std::cin, line)) {
        auto f = split_tabs(line);
        if (f.size() != 6) {
            std::cerr << "expected 6 tab-separated fields: " << line << '\n';
            return 2;
        }
        try {
            const std::string instants = expand_line(f);
            std::cout << f[0] << "\tOK\t" << instants << '\n';
        } catch (const std::exception& ex) {
            std::cout << f[0] << "\tERROR\t" << ex.what() << '\n';
        }
    }
    return 0;
}
