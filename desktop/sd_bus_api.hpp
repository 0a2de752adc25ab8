#pragma once
/// libsystemd's sd-bus, loaded on first use (dlopen) rather than linked: `herald` carries the
/// notifier for `watch --desktop` only, and linking libsystemd (which pulls in libgcrypt, libcap,
/// liblz4, liblzma and libzstd) cost every herald command about 5 ms of start-up. heraldd links
/// libsystemd anyway (sd_notify), so there the load is a reference count.

#include <string>

#include <systemd/sd-bus.h>

namespace herald {

/// The sd-bus functions the notifier calls, named without their `sd_bus_` prefix.
struct SdBusApi {
    decltype(&sd_bus_call_async) call_async = nullptr;
    decltype(&sd_bus_call_method_async) call_method_async = nullptr;
    decltype(&sd_bus_close_unref) close_unref = nullptr;
    decltype(&sd_bus_get_events) get_events = nullptr;
    decltype(&sd_bus_get_fd) get_fd = nullptr;
    decltype(&sd_bus_get_timeout) get_timeout = nullptr;
    decltype(&sd_bus_match_signal_async) match_signal_async = nullptr;
    decltype(&sd_bus_message_append) message_append = nullptr;
    decltype(&sd_bus_message_close_container) message_close_container = nullptr;
    decltype(&sd_bus_message_get_cookie) message_get_cookie = nullptr;
    decltype(&sd_bus_message_get_error) message_get_error = nullptr;
    decltype(&sd_bus_message_get_reply_cookie) message_get_reply_cookie = nullptr;
    decltype(&sd_bus_message_is_method_error) message_is_method_error = nullptr;
    decltype(&sd_bus_message_new_method_call) message_new_method_call = nullptr;
    decltype(&sd_bus_message_open_container) message_open_container = nullptr;
    decltype(&sd_bus_message_read) message_read = nullptr;
    decltype(&sd_bus_message_set_expect_reply) message_set_expect_reply = nullptr;
    decltype(&sd_bus_message_unref) message_unref = nullptr;
    decltype(&sd_bus_open_user) open_user = nullptr;
    decltype(&sd_bus_process) process = nullptr;
    decltype(&sd_bus_send) send = nullptr;
    decltype(&sd_bus_set_description) set_description = nullptr;
};

/// The loaded functions, or nullptr with `error` saying why (no libsystemd.so.0, a symbol
/// missing); loaded once per process.
const SdBusApi* sd_bus_api(std::string& error);

}  // namespace herald
