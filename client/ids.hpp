#pragma once
/// How ids are written: events as "#12", alarms (reminder ledger entries) as "a12", so an alarm
/// id can never be mistaken for an event's. Input takes the new forms and the old bare ones.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace herald::client {

/// "#12".
std::string event_label(int64_t id);

/// "a12".
std::string alarm_label(int64_t id);

/// A CLI11 transform reading an alarm id as "a12", "12" or "#12" (how next and missed showed
/// alarm ids before) into "12"; anything else is refused naming the form expected.
CLI::Validator alarm_id_input();

/// A CLI11 transform reading an event id as "#12" or "12" into "12"; "a12" is refused as an
/// alarm id.
CLI::Validator event_id_input();

}  // namespace herald::client
