#include "core/protocol.hpp"

#include <simdjson.h>

namespace herald {

std::string_view error_kind(ErrorCode code) {
    switch (code) {
        case ErrorCode::parse_error:
            return "parse_error";
        case ErrorCode::invalid_request:
            return "invalid_request";
        case ErrorCode::method_not_found:
            return "method_not_found";
        case ErrorCode::invalid_params:
            return "invalid_params";
        case ErrorCode::internal_error:
            return "internal_error";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::revision_conflict:
            return "revision_conflict";
        case ErrorCode::permission_denied:
            return "permission_denied";
        case ErrorCode::invalid_time:
            return "invalid_time";
        case ErrorCode::too_large:
            return "too_large";
        case ErrorCode::busy:
            return "busy";
        case ErrorCode::storage_error:
            return "storage_error";
    }
    return "internal_error";
}

std::variant<Request, DecodeError> decode_request(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Json doc = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return DecodeError{
            nullptr, ErrorCode::parse_error,
            "parse error: the line is not valid JSON; expected one JSON-RPC 2.0 object per line"};
    if (!doc.is_object())
        return DecodeError{nullptr, ErrorCode::invalid_request,
                           "invalid request: expected a JSON object with jsonrpc, method and id"};
    Request req;
    req.notification = !doc.contains("id");
    if (!req.notification) {
        req.id = doc["id"];
        if (!req.id.is_string() && !req.id.is_number_integer() && !req.id.is_null())
            return DecodeError{nullptr, ErrorCode::invalid_request,
                               "invalid request: id must be a string or an integer"};
    }
    auto version = doc.find("jsonrpc");
    if (version == doc.end() || *version != "2.0")
        return DecodeError{req.id, ErrorCode::invalid_request,
                           "invalid request: \"jsonrpc\" must be \"2.0\""};
    auto method = doc.find("method");
    if (method == doc.end() || !method->is_string())
        return DecodeError{req.id, ErrorCode::invalid_request,
                           "invalid request: \"method\" must be a string"};
    req.method = method->get<std::string>();
    auto params = doc.find("params");
    if (params == doc.end() || params->is_null()) {
        req.params = Json::object();
    } else if (params->is_object()) {
        req.params = std::move(*params);
    } else {
        return DecodeError{req.id, ErrorCode::invalid_params,
                           "invalid params: \"params\" must be an object of named parameters"};
    }
    return req;
}

std::string encode_result(const Json& id, const Json& result) {
    // Why not one Json{...}.dump(): that copies the whole result into the envelope first.
    return encode_encoded_result(id, result.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string encode_encoded_result(const Json& id, std::string_view result_json) {
    // The keys in the order dump() sorts them, so both paths write the same bytes.
    std::string out = "{\"id\":" + id.dump(-1, ' ', false, Json::error_handler_t::replace) +
                      ",\"jsonrpc\":\"2.0\",\"result\":";
    out.reserve(out.size() + result_json.size() + 2);
    out.append(result_json);
    out += "}\n";
    return out;
}

void append_json_string(std::string& out, std::string_view s) {
    if (!simdjson::validate_utf8(s.data(), s.size())) {
        // Rare (stored text is validated on the way in): dump() replaces what is not UTF-8.
        out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
        return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    size_t plain = 0;  // start of the run of bytes copied as they are
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.substr(plain, i - plain));
        plain = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
        }
    }
    out.append(s.substr(plain));
    out += '"';
}

std::string encode_error(const Json& id, ErrorCode code, std::string_view message,
                         std::string_view field) {
    Json data{{"kind", error_kind(code)}};
    if (!field.empty()) data["field"] = field;
    Json j{{"jsonrpc", "2.0"},
           {"id", id},
           {"error", {{"code", static_cast<int>(code)}, {"message", message}, {"data", data}}}};
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string encode_request(const Json& id, std::string_view method, const Json& params) {
    Json j{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string encode_notification(std::string_view method, const Json& params) {
    Json j{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

void LineDecoder::feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
                       const std::function<void()>& on_overflow) {
    while (!bytes.empty()) {
        size_t nl = bytes.find('\n');
        std::string_view chunk = bytes.substr(0, nl);
        if (discarding_) {
            if (nl == std::string_view::npos) return;
            discarding_ = false;
        } else if (buffer_.size() + chunk.size() > max_line_) {
            // Why: never hold more than the limit; report once and skip to the next newline.
            buffer_.clear();
            buffer_.shrink_to_fit();
            on_overflow();
            if (nl == std::string_view::npos) {
                discarding_ = true;
                return;
            }
        } else if (nl == std::string_view::npos) {
            buffer_.append(chunk);
            return;
        } else if (buffer_.empty()) {
            if (!chunk.empty()) on_line(chunk);
        } else {
            buffer_.append(chunk);
            std::string line = std::move(buffer_);
            buffer_.clear();
            on_line(line);
        }
        bytes.remove_prefix(nl + 1);
    }
}

}  // namespace herald
