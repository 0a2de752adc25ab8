// Unit tests of core/protocol: JSON-RPC request decoding, response encoding and the line splitter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "core/protocol.hpp"

using namespace herald;

namespace {

Request request(std::string_view line) {
    auto decoded = decode_request(line);
    REQUIRE(std::holds_alternative<Request>(decoded));
    return std::get<Request>(decoded);
}

DecodeError decode_error(std::string_view line) {
    auto decoded = decode_request(line);
    REQUIRE(std::holds_alternative<DecodeError>(decoded));
    return std::get<DecodeError>(decoded);
}

/// Parses an encoded line after checking it is exactly one newline-terminated line.
Json one_line(const std::string& encoded) {
    REQUIRE_FALSE(encoded.empty());
    CHECK(encoded.back() == '\n');
    CHECK(std::count(encoded.begin(), encoded.end(), '\n') == 1);
    return Json::parse(encoded);
}

/// Feeds a LineDecoder and records what it reports.
struct Collector {
    LineDecoder decoder;
    std::vector<std::string> lines;
    int overflows = 0;

    explicit Collector(size_t max_line) : decoder(max_line) {}
    void feed(std::string_view bytes) {
        decoder.feed(
            bytes, [this](std::string_view line) { lines.emplace_back(line); },
            [this] { ++overflows; });
    }
};

}  // namespace

TEST_CASE("decode_request accepts valid requests and notifications", "[protocol][decode]") {
    SECTION("a request with an integer id and params") {
        Request r =
            request(R"({"jsonrpc":"2.0","id":1,"method":"hello","params":{"client":"test"}})");
        CHECK(r.id == 1);
        CHECK(r.method == "hello");
        CHECK(r.params == Json{{"client", "test"}});
        CHECK_FALSE(r.notification);
    }
    SECTION("a string id, absent or null params become {}") {
        Request r = request(R"({"jsonrpc":"2.0","id":"a-1","method":"status"})");
        CHECK(r.id == "a-1");
        CHECK(r.params == Json::object());
        CHECK(request(R"({"jsonrpc":"2.0","id":2,"method":"status","params":null})").params ==
              Json::object());
    }
    SECTION("a trailing carriage return is tolerated") {
        CHECK(request("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"hello\"}\r").id == 3);
    }
    SECTION("no id is a notification") {
        Request r = request(R"({"jsonrpc":"2.0","method":"hello"})");
        CHECK(r.notification);
        CHECK(r.id.is_null());
    }
    SECTION("an explicit null id is a request, not a notification") {
        Request r = request(R"({"jsonrpc":"2.0","id":null,"method":"hello"})");
        CHECK_FALSE(r.notification);
        CHECK(r.id.is_null());
    }
}

TEST_CASE("decode_request answers bad input with the JSON-RPC error", "[protocol][decode]") {
    SECTION("malformed JSON is a parse error with a null id") {
        for (const char* line :
             {R"({"jsonrpc": "2.0", "id": 1, "method": )", "", "{]", "{} trailing"}) {
            INFO(line);
            DecodeError e = decode_error(line);
            CHECK(e.code == ErrorCode::parse_error);
            CHECK(e.id.is_null());
            CHECK_THAT(e.message, Catch::Contains("not valid JSON"));
        }
    }
    SECTION("a JSON value that is not an object is an invalid request") {
        for (const char* line : {"[1,2]", "\"hello\"", "42", "null"}) {
            DecodeError e = decode_error(line);
            CHECK(e.code == ErrorCode::invalid_request);
            CHECK(e.id.is_null());
        }
    }
    SECTION("a missing or wrong jsonrpc version keeps the id") {
        for (const char* line :
             {R"({"id":5,"method":"hello"})", R"({"jsonrpc":"1.0","id":5,"method":"hello"})",
              R"({"jsonrpc":2.0,"id":5,"method":"hello"})"}) {
            DecodeError e = decode_error(line);
            CHECK(e.code == ErrorCode::invalid_request);
            CHECK(e.id == 5);
            CHECK_THAT(e.message, Catch::Contains("jsonrpc"));
        }
    }
    SECTION("the method must be a string") {
        for (const char* line :
             {R"({"jsonrpc":"2.0","id":"x","method":7})", R"({"jsonrpc":"2.0","id":"x"})"}) {
            DecodeError e = decode_error(line);
            CHECK(e.code == ErrorCode::invalid_request);
            CHECK(e.id == "x");
            CHECK_THAT(e.message, Catch::Contains("method"));
        }
    }
    SECTION("params must be an object of named parameters") {
        for (const char* line : {R"({"jsonrpc":"2.0","id":6,"method":"hello","params":[1]})",
                                 R"({"jsonrpc":"2.0","id":6,"method":"hello","params":"x"})"}) {
            DecodeError e = decode_error(line);
            CHECK(e.code == ErrorCode::invalid_params);
            CHECK(e.id == 6);
        }
    }
    SECTION("an id that is not a string, an integer or null") {
        for (const char* line : {R"({"jsonrpc":"2.0","id":1.5,"method":"hello"})",
                                 R"({"jsonrpc":"2.0","id":{},"method":"hello"})",
                                 R"({"jsonrpc":"2.0","id":[1],"method":"hello"})",
                                 R"({"jsonrpc":"2.0","id":true,"method":"hello"})"}) {
            INFO(line);
            DecodeError e = decode_error(line);
            CHECK(e.code == ErrorCode::invalid_request);
            CHECK(e.id.is_null());
            CHECK_THAT(e.message, Catch::Contains("id"));
        }
    }
}

TEST_CASE("encode_* produce one JSON-RPC line each", "[protocol][encode]") {
    SECTION("result") {
        Json j = one_line(encode_result(1, Json{{"text", "two\nlines"}}));
        CHECK(j["jsonrpc"] == "2.0");
        CHECK(j["id"] == 1);
        CHECK(j["result"]["text"] == "two\nlines");
    }
    SECTION("error with a field") {
        Json j =
            one_line(encode_error("req-7", ErrorCode::invalid_params, "title is empty", "title"));
        CHECK(j["id"] == "req-7");
        CHECK(j["error"]["code"] == -32602);
        CHECK(j["error"]["message"] == "title is empty");
        CHECK(j["error"]["data"]["kind"] == "invalid_params");
        CHECK(j["error"]["data"]["field"] == "title");
    }
    SECTION("error without a field, with a null id") {
        Json j = one_line(encode_error(nullptr, ErrorCode::parse_error, "parse error"));
        CHECK(j["id"].is_null());
        CHECK(j["error"]["code"] == -32700);
        CHECK(j["error"]["data"] == Json{{"kind", "parse_error"}});
    }
    SECTION("application codes carry their stable kind") {
        Json j = one_line(
            encode_error(2, ErrorCode::invalid_time, "February 2025 has 28 days", "start"));
        CHECK(j["error"]["code"] == 1004);
        CHECK(j["error"]["data"]["kind"] == "invalid_time");
    }
    SECTION("invalid UTF-8 is replaced instead of throwing") {
        std::string bad = "caf\xc3";
        std::string line;
        REQUIRE_NOTHROW(line = encode_error(3, ErrorCode::invalid_params, bad, "title"));
        CHECK(one_line(line)["error"]["data"]["field"] == "title");
        REQUIRE_NOTHROW(line = encode_result(3, Json{{"title", bad}}));
        one_line(line);
    }
    SECTION("client requests and server notifications") {
        Json r = one_line(encode_request(9, "event.get", Json{{"id", 1}}));
        CHECK(
            r ==
            Json{{"jsonrpc", "2.0"}, {"id", 9}, {"method", "event.get"}, {"params", {{"id", 1}}}});
        Json n = one_line(encode_notification("reminder", Json{{"event", 1}}));
        CHECK_FALSE(n.contains("id"));
        CHECK(n["method"] == "reminder");
        // A notification decodes back as one.
        CHECK(request(encode_notification("reminder", Json::object())).notification);
    }
}

TEST_CASE("error_kind names every code", "[protocol]") {
    CHECK(error_kind(ErrorCode::method_not_found) == "method_not_found");
    CHECK(error_kind(ErrorCode::not_found) == "not_found");
    CHECK(error_kind(ErrorCode::revision_conflict) == "revision_conflict");
    CHECK(error_kind(ErrorCode::permission_denied) == "permission_denied");
    CHECK(error_kind(ErrorCode::too_large) == "too_large");
    CHECK(error_kind(ErrorCode::busy) == "busy");
    CHECK(error_kind(ErrorCode::storage_error) == "storage_error");
    CHECK(error_kind(ErrorCode::internal_error) == "internal_error");
}

TEST_CASE("every error code has the number and kind of docs/protocol.md's table",
          "[protocol][errors]") {
    // Why the document is the oracle: clients match these numbers, so they are a contract; a
    // code renumbered in errors.hpp would still agree with Herald's own client.
    std::ifstream doc(HERALD_SOURCE_DIR "/docs/protocol.md");
    REQUIRE(doc);
    const std::regex row(R"(^\| (-?[0-9]+) \| ([a-z_]+) \| )");
    std::map<std::string, int> table;
    for (std::string line; std::getline(doc, line);) {
        std::smatch m;
        if (!std::regex_search(line, m, row)) continue;
        INFO(line);
        const int number = std::stoi(m[1]);
        const auto code = static_cast<ErrorCode>(number);
        CHECK(error_kind(code) == m[2].str());
        Json e = one_line(encode_error(Json(1), code, "what went wrong", "field"));
        CHECK(e["error"]["code"] == number);
        CHECK(e["error"]["data"]["kind"] == m[2].str());
        table[m[2]] = number;
    }
    // And every code of errors.hpp is in the table under its number.
    for (ErrorCode c :
         {ErrorCode::parse_error, ErrorCode::invalid_request, ErrorCode::method_not_found,
          ErrorCode::invalid_params, ErrorCode::internal_error, ErrorCode::not_found,
          ErrorCode::revision_conflict, ErrorCode::permission_denied, ErrorCode::invalid_time,
          ErrorCode::too_large, ErrorCode::busy, ErrorCode::storage_error}) {
        INFO(error_kind(c));
        REQUIRE(table.count(std::string(error_kind(c))) == 1);
        CHECK(table[std::string(error_kind(c))] == static_cast<int>(c));
    }
}

TEST_CASE("LineDecoder splits a byte stream into lines", "[protocol][lines]") {
    Collector c(64);
    SECTION("a line split across feeds") {
        c.feed("{\"jsonrpc\":");
        CHECK(c.lines.empty());
        CHECK(c.decoder.buffered() == 11);
        c.feed("\"2.0\"}\n");
        CHECK(c.lines == std::vector<std::string>{"{\"jsonrpc\":\"2.0\"}"});
        CHECK(c.decoder.buffered() == 0);
    }
    SECTION("one byte at a time") {
        for (char ch : std::string("abc\ndef\n")) c.feed(std::string_view(&ch, 1));
        CHECK(c.lines == std::vector<std::string>{"abc", "def"});
    }
    SECTION("several lines in one feed, the last one incomplete") {
        c.feed("one\ntwo\nthree\nfou");
        CHECK(c.lines == std::vector<std::string>{"one", "two", "three"});
        CHECK(c.decoder.buffered() == 3);
        c.feed("r\n");
        CHECK(c.lines.back() == "four");
    }
    SECTION("empty lines are skipped") {
        c.feed("\n\nabc\n\n\n");
        c.feed("\n");
        CHECK(c.lines == std::vector<std::string>{"abc"});
    }
    CHECK(c.overflows == 0);
}

TEST_CASE("LineDecoder rejects over-long lines once and recovers at the next newline",
          "[protocol][lines]") {
    Collector c(8);
    SECTION("exactly the limit is accepted, one more byte is not") {
        c.feed("01234567\n012345678\nok\n");
        CHECK(c.lines == std::vector<std::string>{"01234567", "ok"});
        CHECK(c.overflows == 1);
    }
    SECTION("limit reached through buffered parts") {
        c.feed("0123");
        c.feed("4567");
        CHECK(c.decoder.buffered() == 8);
        c.feed("\n");
        CHECK(c.lines == std::vector<std::string>{"01234567"});
        CHECK(c.overflows == 0);
    }
    SECTION("an over-long line within one feed, the next line delivered") {
        c.feed("0123456789abcdef\nnext\n");
        CHECK(c.overflows == 1);
        CHECK(c.lines == std::vector<std::string>{"next"});
        CHECK_FALSE(c.decoder.discarding());
    }
    SECTION("an over-long line spread over many feeds is reported once") {
        c.feed("0123");
        c.feed("456789ab");
        CHECK(c.overflows == 1);
        CHECK(c.decoder.discarding());
        CHECK(c.decoder.buffered() == 0);
        c.feed("cdefghijklmnop");
        c.feed("qrstuvwxyz");
        CHECK(c.overflows == 1);
        CHECK(c.lines.empty());
        c.feed("tail\nnext\nlast");
        CHECK(c.overflows == 1);
        CHECK_FALSE(c.decoder.discarding());
        CHECK(c.lines == std::vector<std::string>{"next"});
        CHECK(c.decoder.buffered() == 4);
    }
    SECTION("two over-long lines are two reports") {
        c.feed("aaaaaaaaaaaa\nbbbbbbbbbbbbbbb\nok\n");
        CHECK(c.overflows == 2);
        CHECK(c.lines == std::vector<std::string>{"ok"});
    }
}

TEST_CASE("LineDecoder never buffers more than the limit", "[protocol][lines]") {
    constexpr size_t kLimit = 1024 * 1024;
    constexpr size_t kChunk = 64 * 1024;
    Collector c(kLimit);
    const std::string chunk(kChunk, 'x');
    size_t most = 0;
    for (size_t sent = 0; sent < 10 * kLimit; sent += kChunk) {
        c.feed(chunk);
        most = std::max(most, c.decoder.buffered());
    }
    CHECK(most <= kLimit);
    CHECK(c.overflows == 1);
    CHECK(c.lines.empty());
    c.feed("more junk\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}\n");
    CHECK(c.overflows == 1);
    REQUIRE(c.lines.size() == 1);
    CHECK(request(c.lines[0]).method == "hello");
}

TEST_CASE("append_json_string writes what dump() writes, invalid UTF-8 included") {
    const std::vector<std::string> samples{"",
                                           "plain",
                                           "quote \" backslash \\ slash /",
                                           "controls \b\f\n\r\t \x01\x1f \x7f",
                                           std::string("nul \0 inside", 12),
                                           "Кыргызстан · 日本 · 🎌",
                                           "bad \xff byte",
                                           "cut \xe6\x97",
                                           "overlong \xc0\xaf"};
    for (const auto& s : samples) {
        CAPTURE(s);
        std::string out;
        append_json_string(out, s);
        CHECK(out == Json(s).dump(-1, ' ', false, Json::error_handler_t::replace));
    }
}

TEST_CASE("an encoded result makes the same line as a Json result") {
    Json result{{"occurrences", Json::array({{{"id", 1}, {"title", "x"}}})}, {"total", 1}};
    CHECK(encode_encoded_result(5, result.dump()) == encode_result(5, result));
    CHECK(encode_encoded_result("abc", "true") == encode_result("abc", true));
    Json j = one_line(encode_encoded_result(nullptr, "[1,2]"));
    CHECK(j["result"] == Json::array({1, 2}));
    CHECK(j["jsonrpc"] == "2.0");
}
