#pragma once
/// Logging set-up: stderr, with syslog-style priority prefixes and no timestamps under journald.

#include <string>

namespace herald {

/// Configures spdlog's default logger for `level` ("debug", "info", "warn", ...).
void setup_logging(const std::string& level);

}  // namespace herald
