// herald import / herald export: iCalendar files through calendar.import / calendar.export.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "client/cli.hpp"
#include "client/exit_status.hpp"
#include "client/window.hpp"
#include "core/errors.hpp"

namespace herald::client {
namespace {

// Why 32 KiB: the daemon decodes a request line in one piece of its one thread, and a chunk of
// 32 KiB costs it about 4 ms (a Debug build; 256 KiB cost 27 ms, 64 KiB 7 ms), the budget of any
// piece of work (daemon/work_budget.hpp), so an import does not delay other clients or reminders;
// 100,000 events (15 MB) take about 500 requests, a fraction of a second of round trips. JSON
// escaping at most doubles the text, far below the 1 MiB line limit.
constexpr size_t kChunk = 32 * 1024;

std::string read_input(const std::string& path) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ClientError(Exit::no_input, "cannot read " + path + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Moves a fold that splits a UTF-8 character (RFC 5545 folds at octets, so some writers split
/// characters) to just before that character: the parts alone are not valid UTF-8 and could not
/// travel in JSON. Unfolding gives the same bytes, and line numbers stay those of the file.
void move_folds_off_characters(std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        bool fold =
            text[i] == '\n' && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t');
        size_t end = out.size() - (!out.empty() && out.back() == '\r' ? 1 : 0);
        size_t lead = end;
        while (fold && lead > 0 && end - lead < 3 &&
               (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80)
            --lead;
        if (fold && lead > 0) {
            auto b = static_cast<unsigned char>(out[lead - 1]);
            size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (need > 1 && end - lead + 1 < need) {  // an incomplete character before the fold
                std::string part = out.substr(lead - 1, end - lead + 1);
                out.erase(lead - 1, end - lead + 1);
                out += text.substr(i, 2);  // the line end and the fold's blank
                out += part;
                ++i;
                continue;
            }
        }
        out += text[i];
    }
    text = std::move(out);
}

/// End of the next chunk: after a newline when there is one, never inside a UTF-8 character.
size_t chunk_end(const std::string& text, size_t pos) {
    if (text.size() - pos <= kChunk) return text.size();
    size_t nl = text.rfind('\n', pos + kChunk);
    if (nl != std::string::npos && nl >= pos) return nl + 1;
    size_t cut = pos + kChunk;
    while (cut > pos && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

void progress(size_t done, size_t total) {
    constexpr int kWidth = 30;
    int filled =
        total == 0
            ? kWidth
            : static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * kWidth);
    std::fprintf(stderr, "\rImporting [%-*s] %3d%%  %.1f/%.1f MB", kWidth,
                 std::string(static_cast<size_t>(filled), '#').c_str(), filled * 100 / kWidth,
                 static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6);
    std::fflush(stderr);
}

/// Prints calendar.import's `key` list ("errors" or "warnings"): one line each with line and UID.
void print_problems(const Json& result, const std::string& key, const char* what,
                    const char* prefix) {
    const Json& list = result.contains(key) ? result[key] : Json::array();
    size_t unlisted = result.value(key + "_not_listed", size_t{0});
    if (list.empty() && unlisted == 0) return;
    std::printf("%zu %s:\n", list.size() + unlisted, what);
    for (const auto& e : list)
        std::printf("  line %lld%s: %s%s\n", static_cast<long long>(e.value("line", 0)),
                    e.contains("uid") ? (" (" + e.value("uid", "") + ")").c_str() : "", prefix,
                    e.value("reason", "").c_str());
    if (unlisted > 0) std::printf("  … and %zu more\n", unlisted);
}

Exit run_import(Cli& cli, const std::string& path) {
    std::string text = read_input(path);
    move_folds_off_characters(text);
    // Why only on a terminal: a bar in a pipe or a log file is noise.
    bool bar = !cli.json && ::isatty(STDERR_FILENO) == 1 && text.size() > kChunk;
    Json result;
    for (size_t pos = 0;;) {
        size_t end = chunk_end(text, pos);
        bool last = end == text.size();
        result = cli.conn().call("calendar.import",
                                 {{"chunk", text.substr(pos, end - pos)}, {"final", last}});
        pos = end;
        if (bar) progress(pos, text.size());
        if (last) break;
    }
    if (bar) std::fputs("\n", stderr);
    if (cli.json) {
        print_json(result);
    } else {
        std::printf("Imported %s: %lld added, %lld updated, %lld unchanged\n",
                    path == "-" ? "stdin" : path.c_str(),
                    static_cast<long long>(result.value("added", 0)),
                    static_cast<long long>(result.value("updated", 0)),
                    static_cast<long long>(result.value("unchanged", 0)));
        print_problems(result, "errors", "not imported", "");
        print_problems(result, "warnings", "warnings (those events were kept)", "warning: ");
    }
    // Why 65 only for errors: a warning means a part was dropped or repaired, the event kept.
    bool lost = !result["errors"].empty() || result.value("errors_not_listed", size_t{0}) > 0;
    return lost ? Exit::data : Exit::ok;
}

struct ExportOptions {
    std::string from, to, category, file;
};

Exit run_export(Cli& cli, const ExportOptions& o) {
    Json params = Json::object();
    if (!o.from.empty()) params["from"] = format_instant(window_start(cli, o.from, "--from"));
    if (!o.to.empty()) params["to"] = format_instant(window_end(cli, o.to, "--to"));
    if (!o.category.empty()) params["category"] = o.category;
    std::string text;
    Json part = cli.conn().call("calendar.export", params);
    size_t events = part.value("events", size_t{0});
    text += part.value("ics", "");
    while (part.value("more", false)) {
        part = cli.conn().call("calendar.export", {{"offset", part["next_offset"]}});
        text += part.value("ics", "");
    }
    if (o.file.empty() || o.file == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        std::ofstream out(o.file, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out.flush())
            throw ClientError(Exit::cant_create,
                              "cannot write " + o.file + ": " + std::strerror(errno));
        if (!cli.json)
            std::fprintf(stderr, "Exported %zu event%s to %s\n", events, events == 1 ? "" : "s",
                         o.file.c_str());
    }
    return Exit::ok;
}

}  // namespace

void register_ics_commands(CLI::App& app, Cli& cli) {
    auto path = std::make_shared<std::string>();
    auto* imp = app.add_subcommand(
        "import", "Import an iCalendar (.ics) file; '-' reads stdin. Re-importing updates");
    imp->add_option("file", *path, "The .ics file, or - for standard input")->required();
    imp->callback([&cli, path] { cli.exit_code = run_import(cli, *path); });

    auto o = std::make_shared<ExportOptions>();
    auto* exp =
        app.add_subcommand("export", "Export events as iCalendar (RFC 5545) to FILE or stdout");
    exp->add_option("--from", o->from, "Only events from this WHEN on");
    exp->add_option("--to", o->to, "Only events until this WHEN (a date means through that day)");
    exp->add_option("--category,-c", o->category, "Only events in this category");
    exp->add_option("file", o->file, "Output file (default: standard output)");
    exp->callback([&cli, o] { cli.exit_code = run_export(cli, *o); });
}

}  // namespace herald::client
