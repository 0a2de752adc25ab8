#pragma once
/// Typed access to JSON-RPC params with errors that name the field and the expected type.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"

namespace herald::params {

using Json = nlohmann::json;

/// The integer param `key`; throws invalid_params when missing or not an integer.
inline int64_t integer(const Json& p, const char* key) {
    auto it = p.find(key);
    if (it == p.end()) bad_param(key, std::string(key) + " is required: expected an integer");
    if (!it->is_number_integer()) bad_param(key, std::string(key) + " must be an integer");
    // Why: above 2^63 - 1 the JSON number is unsigned and would wrap to a negative id.
    if (it->is_number_unsigned() &&
        it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        bad_param(key, std::string(key) + " must be an integer from -2^63 to 2^63 - 1, not " +
                           it->dump());
    return it->get<int64_t>();
}

/// The optional integer param `key`.
inline std::optional<int64_t> opt_integer(const Json& p, const char* key) {
    auto it = p.find(key);
    if (it == p.end() || it->is_null()) return std::nullopt;
    return integer(p, key);
}

/// The string param `key`; throws invalid_params when missing or not a string.
inline std::string string(const Json& p, const char* key) {
    auto it = p.find(key);
    if (it == p.end()) bad_param(key, std::string(key) + " is required: expected a string");
    if (!it->is_string()) bad_param(key, std::string(key) + " must be a string");
    return it->get<std::string>();
}

/// The optional string param `key` (empty when absent).
inline std::string opt_string(const Json& p, const char* key) {
    auto it = p.find(key);
    if (it == p.end() || it->is_null()) return {};
    return string(p, key);
}

/// The optional boolean param `key`.
inline bool opt_bool(const Json& p, const char* key, bool fallback) {
    auto it = p.find(key);
    if (it == p.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) bad_param(key, std::string(key) + " must be true or false");
    return it->get<bool>();
}

/// The object param `key`; throws invalid_params when missing or not an object.
inline const Json& object(const Json& p, const char* key) {
    auto it = p.find(key);
    if (it == p.end()) bad_param(key, std::string(key) + " is required: expected an object");
    if (!it->is_object()) bad_param(key, std::string(key) + " must be an object");
    return *it;
}

}  // namespace herald::params
