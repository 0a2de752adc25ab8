// Unit tests of client/text_width and client/table: display widths from wcwidth (CJK and emoji
// 2 columns, combining marks 0), cutting with "…", and tables aligned and fitted by them. The
// expected widths are counted by hand from the Unicode East Asian Width of each character (the
// integration test test_cli_terminal checks whole listings against Python's unicodedata).
#include <catch2/catch.hpp>

#include "client/table.hpp"
#include "client/text_width.hpp"

using namespace herald::client;

namespace {

// 11 wide characters (Japanese), a Kazakh title (Cyrillic with Kazakh letters: 1 each).
const std::string kJapanese = "東京でのオンライン会議";
const std::string kKazakh = "Қазақстан–Жапония";
const std::string kCombining = "Cafe\xCC\x81";  // e + U+0301 COMBINING ACUTE ACCENT

}  // namespace

TEST_CASE("display width counts terminal columns, not bytes or code points") {
    use_utf8_ctype();
    CHECK(display_width("Standup") == 7);
    CHECK(display_width(kJapanese) == 22);
    CHECK(display_width(kKazakh) == 17);
    CHECK(display_width(kCombining) == 4);
    CHECK(display_width("🎌") == 2);
    CHECK(display_width("\xFF") == 1);  // not UTF-8: shown as U+FFFD
    // The ASCII fast path agrees with wcwidth: a control is one column (as it is shown), NUL none,
    // and a mixed string counts both kinds.
    CHECK(display_width(std::string_view("a\x01\x7f", 3)) == 3);
    CHECK(display_width(std::string_view("a\0b", 3)) == 2);
    CHECK(display_width("Tokyo " + kJapanese) == 28);
}

TEST_CASE("fit_width cuts whole characters and ends with an ellipsis") {
    use_utf8_ctype();
    CHECK(fit_width("Standup", 7) == "Standup");
    CHECK(fit_width("Standup", 5) == "Stan…");
    // 8 columns: three wide characters (6) and "…"; a fourth would need 9.
    CHECK(fit_width(kJapanese, 8) == "東京で…");
    CHECK(display_width(fit_width(kJapanese, 8)) == 7);
    CHECK(fit_width(kKazakh, 6) == "Қазақ…");
    CHECK(fit_width(kCombining + " meeting", 5) == kCombining + "…");  // the accent stays
}

TEST_CASE("a table aligns by display width and cuts the title column to fit") {
    use_utf8_ctype();
    std::vector<Row> rows{{{"#1", {}}, {kJapanese, {}}, {"Osaka", {}}},
                          {{"#2", {}}, {kKazakh, {}}, {"Astana", {}}},
                          {{"#3", {}}, {"Short", {}}, {"Tokyo", {}}}};
    std::string out;
    render_table(out, rows, Style{}, 1);
    CHECK(out ==
          "#1  東京でのオンライン会議  Osaka\n"
          "#2  Қазақстан–Жапония       Astana\n"
          "#3  Short                   Tokyo\n");
    out.clear();
    Style narrow;
    narrow.width = 26;  // 2 + 2 + 14 + 2 + 6: the title gets 14 (6 wide characters and "…": 13)
    render_table(out, rows, narrow, 1);
    CHECK(out ==
          "#1  東京でのオン…   Osaka\n"
          "#2  Қазақстан–Жап…  Astana\n"
          "#3  Short           Tokyo\n");
}
