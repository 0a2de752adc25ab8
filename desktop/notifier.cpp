#include "desktop/notifier.hpp"

#include "desktop/sd_bus_api.hpp"

#include <poll.h>

#include <cstring>

#include <systemd/sd-bus.h>

namespace herald {
namespace {

constexpr const char* kService = "org.freedesktop.Notifications";
constexpr const char* kPath = "/org/freedesktop/Notifications";
constexpr const char* kInterface = "org.freedesktop.Notifications";
constexpr uint64_t kCallTimeoutUsec = 5'000'000;  // a stuck server must not hold replies forever
constexpr auto kRetryAfter = std::chrono::seconds(30);

uint8_t urgency_byte(const std::string& u) {
    return u == "low" ? 0 : u == "critical" ? 2 : 1;
}

std::string snooze_label(std::chrono::seconds s) {
    auto n = s.count();
    if (n % 3600 == 0) return "Snooze " + std::to_string(n / 3600) + " h";
    if (n % 60 == 0) return "Snooze " + std::to_string(n / 60) + " min";
    return "Snooze " + std::to_string(n) + " s";
}

/// Appends the a{sv} hints: urgency (byte) and a category.
int append_hints(const SdBusApi& api, sd_bus_message* m, uint8_t urgency) {
    int r = api.message_open_container(m, 'a', "{sv}");
    if (r >= 0) r = api.message_append(m, "{sv}", "urgency", "y", urgency);
    if (r >= 0) r = api.message_append(m, "{sv}", "category", "s", "x-herald.reminder");
    if (r >= 0) r = api.message_close_container(m);
    return r;
}

}  // namespace

DesktopNotifier::DesktopNotifier(asio::io_context& io, std::function<DesktopOptions()> options,
                                 DesktopLog log)
    : options_(std::move(options)), log_(std::move(log)), fd_(io), timer_(io) {
    ensure_bus();
}

DesktopNotifier::~DesktopNotifier() {
    *alive_ = false;
    if (bus_ != nullptr) {
        asio::error_code ec;
        fd_.cancel(ec);
        (void)fd_.release();  // sd-bus owns the fd
        timer_.cancel();
        // Not flush: a stuck peer must not hold up shutdown.
        api_->close_unref(bus_);
        bus_ = nullptr;
    }
}

void DesktopNotifier::warn_once(bool& flag, const std::string& message) {
    if (flag) {
        log_(DesktopLogLevel::debug, "desktop notifications: " + message);
        return;
    }
    flag = true;
    ++warnings_;
    log_(DesktopLogLevel::warn, "desktop notifications: " + message);
}

bool DesktopNotifier::ensure_bus() {
    if (bus_ != nullptr) return true;
    auto now = std::chrono::steady_clock::now();
    if (last_attempt_ != std::chrono::steady_clock::time_point{} &&
        now - last_attempt_ < kRetryAfter)
        return false;
    last_attempt_ = now;
    if (api_ == nullptr) {
        std::string why;
        api_ = sd_bus_api(why);
        if (api_ == nullptr) {
            warn_once(warned_bus_, why);
            return false;
        }
    }
    sd_bus* bus = nullptr;
    // Connecting is asynchronous past the socket connect(): authentication and Hello complete in
    // pump(), and calls made meanwhile are queued.
    int r = api_->open_user(&bus);
    if (r < 0) {
        warn_once(warned_bus_, std::string("no session bus: ") + std::strerror(-r));
        return false;
    }
    api_->set_description(bus, "herald-desktop");
    // Any sender: on the session bus every peer is the same user, and a fixed sender would
    // need a blocking name lookup. Only ids of our own notifications are acted upon.
    r = api_->match_signal_async(bus, nullptr, nullptr, kPath, kInterface, "ActionInvoked",
                                 on_action_signal, nullptr, this);
    if (r >= 0)
        r = api_->match_signal_async(bus, nullptr, nullptr, kPath, kInterface, "NotificationClosed",
                                     on_closed_signal, nullptr, this);
    if (r < 0) {
        api_->close_unref(bus);
        warn_once(warned_bus_,
                  std::string("cannot watch notification signals: ") + std::strerror(-r));
        return false;
    }
    bus_ = bus;
    fd_.assign(api_->get_fd(bus_));
    log_(DesktopLogLevel::debug, "desktop notifications: connecting to the session bus");
    ask_server();
    arm();
    return true;
}

void DesktopNotifier::ask_server() {
    // Why ask at once: `herald status` can say whether notifications work before any reminder.
    int r = api_->call_method_async(bus_, nullptr, kService, kPath, kInterface,
                                    "GetServerInformation", on_server_info, this, "");
    if (r < 0)
        log_(DesktopLogLevel::debug,
             std::string("GetServerInformation not sent: ") + std::strerror(-r));
}

int DesktopNotifier::on_server_info(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<DesktopNotifier*>(userdata);
    if (self->api_->message_is_method_error(m, nullptr)) {
        const sd_bus_error* e = self->api_->message_get_error(m);
        self->warn_once(self->warned_server_,
                        std::string("no notification server answered (") +
                            (e != nullptr && e->name != nullptr ? e->name : "error") + ")");
        return 0;
    }
    const char *name = nullptr, *vendor = nullptr, *version = nullptr, *spec = nullptr;
    if (self->api_->message_read(m, "ssss", &name, &vendor, &version, &spec) < 0) return 0;
    self->server_ = std::string(name) + " " + version;
    self->warned_server_ = false;
    self->log_(DesktopLogLevel::info, "desktop notifications: shown by " + self->server_);
    return 0;
}

std::string DesktopNotifier::state() const {
    if (bus_ == nullptr) return "no session bus";
    if (warned_server_) return "no notification server";
    return server_.empty() ? "connecting" : "working";
}

void DesktopNotifier::drop_bus(const std::string& why) {
    if (bus_ == nullptr) return;
    asio::error_code ec;
    fd_.cancel(ec);
    (void)fd_.release();
    timer_.cancel();
    api_->close_unref(bus_);
    bus_ = nullptr;
    pending_.clear();
    ids_.clear();
    last_attempt_ = std::chrono::steady_clock::now();
    warn_once(warned_bus_, why);
}

void DesktopNotifier::pump() {
    while (bus_ != nullptr) {
        int r = api_->process(bus_, nullptr);
        if (r < 0) {
            drop_bus(std::string("session bus connection lost: ") + std::strerror(-r));
            return;
        }
        if (r == 0) break;
    }
    arm();
}

void DesktopNotifier::arm() {
    if (bus_ == nullptr) return;
    int events = api_->get_events(bus_);
    if (events < 0) {
        drop_bus(std::string("session bus connection lost: ") + std::strerror(-events));
        return;
    }
    asio::error_code ec;
    fd_.cancel(ec);
    std::weak_ptr<bool> alive = alive_;
    auto wake = [this, alive](const asio::error_code& e) {
        if (e || alive.expired()) return;
        pump();
    };
    if ((events & POLLIN) != 0) fd_.async_wait(asio::posix::stream_descriptor::wait_read, wake);
    if ((events & POLLOUT) != 0) fd_.async_wait(asio::posix::stream_descriptor::wait_write, wake);
    uint64_t usec = UINT64_MAX;
    if (api_->get_timeout(bus_, &usec) >= 0 && usec != UINT64_MAX) {
        // sd-bus gives an absolute CLOCK_MONOTONIC time, the clock steady_clock reads on Linux.
        timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::microseconds(usec)));
        timer_.async_wait(wake);
    } else {
        timer_.cancel();
    }
}

void DesktopNotifier::notify(const DesktopReminder& r) {
    if (!ensure_bus()) {
        log_(DesktopLogLevel::debug, "desktop notification skipped (no session bus): " + r.title);
        return;
    }
    sd_bus_message* m = nullptr;
    uint32_t replaces = 0;
    if (auto it = ids_.find(r.key); it != ids_.end()) replaces = it->second;
    answered_.erase(r.key);  // shown again (a snooze ended): not answered yet
    std::string body = desktop_body(r);
    const DesktopOptions options = options_();
    std::string snooze = snooze_label(options.snooze);
    int rc = api_->message_new_method_call(bus_, &m, kService, kPath, kInterface, "Notify");
    if (rc >= 0)
        rc = api_->message_append(m, "susss", "Herald", replaces, "appointment-soon",
                                  r.title.c_str(), body.c_str());
    if (rc >= 0)
        rc = api_->message_append(m, "as", 6, "default", "Acknowledge", "snooze", snooze.c_str(),
                                  "dismiss", "Dismiss");
    if (rc >= 0)
        rc = append_hints(*api_, m, urgency_byte(r.urgency.empty() ? options.urgency : r.urgency));
    if (rc >= 0) rc = api_->message_append(m, "i", static_cast<int32_t>(options.expire.count()));
    if (rc >= 0) rc = api_->call_async(bus_, nullptr, m, on_reply, this, kCallTimeoutUsec);
    uint64_t cookie = 0;
    if (rc >= 0) rc = api_->message_get_cookie(m, &cookie);
    api_->message_unref(m);
    if (rc < 0) {
        drop_bus(std::string("cannot send Notify: ") + std::strerror(-rc));
        return;
    }
    pending_[cookie] = r.key;
    arm();
}

void DesktopNotifier::close(const std::string& key) {
    auto it = ids_.find(key);
    if (bus_ == nullptr || it == ids_.end()) return;
    sd_bus_message* m = nullptr;
    int rc =
        api_->message_new_method_call(bus_, &m, kService, kPath, kInterface, "CloseNotification");
    if (rc >= 0) rc = api_->message_append(m, "u", it->second);
    if (rc >= 0) rc = api_->message_set_expect_reply(m, 0);
    if (rc >= 0) rc = api_->send(bus_, m, nullptr);
    api_->message_unref(m);
    if (rc < 0)
        log_(DesktopLogLevel::debug,
             std::string("CloseNotification failed: ") + std::strerror(-rc));
    arm();
}

std::optional<uint32_t> DesktopNotifier::notification_id(const std::string& key) const {
    auto it = ids_.find(key);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> DesktopNotifier::key_of(uint32_t id) const {
    for (const auto& [key, value] : ids_)
        if (value == id) return key;
    return std::nullopt;
}

int DesktopNotifier::on_reply(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<DesktopNotifier*>(userdata);
    ++self->replies_;
    uint64_t cookie = 0;
    self->api_->message_get_reply_cookie(m, &cookie);
    auto pending = self->pending_.extract(cookie);
    if (self->api_->message_is_method_error(m, nullptr)) {
        const sd_bus_error* e = self->api_->message_get_error(m);
        self->warn_once(self->warned_server_,
                        std::string("no notification server answered (") +
                            (e != nullptr && e->name != nullptr ? e->name : "error") + ": " +
                            (e != nullptr && e->message != nullptr ? e->message : "") + ")");
        return 0;
    }
    uint32_t id = 0;
    if (self->api_->message_read(m, "u", &id) < 0 || pending.empty()) return 0;
    if (self->warned_server_)
        self->log_(DesktopLogLevel::info,
                   "desktop notifications: the notification server answers again");
    self->warned_server_ = false;
    self->warned_bus_ = false;
    if (self->server_.empty()) self->ask_server();
    self->ids_[pending.mapped()] = id;
    self->log_(DesktopLogLevel::debug,
               "desktop notification " + std::to_string(id) + " shown for " + pending.mapped());
    return 0;
}

int DesktopNotifier::on_action_signal(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<DesktopNotifier*>(userdata);
    uint32_t id = 0;
    const char* action = nullptr;
    if (self->api_->message_read(m, "us", &id, &action) < 0) return 0;
    auto key = self->key_of(id);
    if (!key) return 0;  // another application's notification
    self->log_(DesktopLogLevel::debug,
               "desktop notification " + std::to_string(id) + " (" + *key + "): action " + action);
    self->answered_.insert(*key);
    if (self->on_action_) self->on_action_(*key, action);
    return 0;
}

int DesktopNotifier::on_closed_signal(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<DesktopNotifier*>(userdata);
    uint32_t id = 0, reason = 0;
    if (self->api_->message_read(m, "uu", &id, &reason) < 0) return 0;
    auto key = self->key_of(id);
    if (!key) return 0;
    self->ids_.erase(*key);
    bool answered = self->answered_.erase(*key) > 0;
    if (self->on_closed_) self->on_closed_(*key, reason, answered);
    return 0;
}

}  // namespace herald
