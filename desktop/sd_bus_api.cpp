#include "desktop/sd_bus_api.hpp"

#include <dlfcn.h>

namespace herald {
namespace {

struct Loaded {
    SdBusApi api;
    std::string error;  ///< empty when every symbol was found
};

template <class F>
void bind(void* lib, const char* name, F& f, std::string& error) {
    void* symbol = dlsym(lib, name);
    if (symbol == nullptr) {
        if (error.empty()) error = std::string("libsystemd.so.0 has no ") + name;
        return;
    }
    f = reinterpret_cast<F>(symbol);
}

Loaded load() {
    Loaded out;
    // Never closed: the functions are used until the process ends.
    void* lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = dlerror();
        out.error = std::string("cannot load libsystemd.so.0: ") + (why != nullptr ? why : "?");
        return out;
    }
    bind(lib, "sd_bus_call_async", out.api.call_async, out.error);
    bind(lib, "sd_bus_call_method_async", out.api.call_method_async, out.error);
    bind(lib, "sd_bus_close_unref", out.api.close_unref, out.error);
    bind(lib, "sd_bus_get_events", out.api.get_events, out.error);
    bind(lib, "sd_bus_get_fd", out.api.get_fd, out.error);
    bind(lib, "sd_bus_get_timeout", out.api.get_timeout, out.error);
    bind(lib, "sd_bus_match_signal_async", out.api.match_signal_async, out.error);
    bind(lib, "sd_bus_message_append", out.api.message_append, out.error);
    bind(lib, "sd_bus_message_close_container", out.api.message_close_container, out.error);
    bind(lib, "sd_bus_message_get_cookie", out.api.message_get_cookie, out.error);
    bind(lib, "sd_bus_message_get_error", out.api.message_get_error, out.error);
    bind(lib, "sd_bus_message_get_reply_cookie", out.api.message_get_reply_cookie, out.error);
    bind(lib, "sd_bus_message_is_method_error", out.api.message_is_method_error, out.error);
    bind(lib, "sd_bus_message_new_method_call", out.api.message_new_method_call, out.error);
    bind(lib, "sd_bus_message_open_container", out.api.message_open_container, out.error);
    bind(lib, "sd_bus_message_read", out.api.message_read, out.error);
    bind(lib, "sd_bus_message_set_expect_reply", out.api.message_set_expect_reply, out.error);
    bind(lib, "sd_bus_message_unref", out.api.message_unref, out.error);
    bind(lib, "sd_bus_open_user", out.api.open_user, out.error);
    bind(lib, "sd_bus_process", out.api.process, out.error);
    bind(lib, "sd_bus_send", out.api.send, out.error);
    bind(lib, "sd_bus_set_description", out.api.set_description, out.error);
    return out;
}

}  // namespace

const SdBusApi* sd_bus_api(std::string& error) {
    static const Loaded loaded = load();
    error = loaded.error;
    return loaded.error.empty() ? &loaded.api : nullptr;
}

}  // namespace herald
