#pragma once
/// Desktop notifications: org.freedesktop.Notifications on the session bus through sd-bus
/// (libsystemd, no GLib), driven by the Asio loop: the bus fd is watched by a stream_descriptor
/// and sd_bus_get_timeout by a timer; nothing blocks and no thread polls. Without a session bus
/// or a notification server this is logged once and notify() keeps returning at once. Shared by
/// heraldd's own sink (user mode) and `herald watch --desktop` (a user of the system daemon).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <chrono>

#include <asio.hpp>
#include <systemd/sd-bus.h>

#include "desktop/reminder.hpp"

namespace herald {

struct SdBusApi;  // desktop/sd_bus_api.hpp

/// What the notifications look like; read again for every notification (a reload applies).
struct DesktopOptions {
    std::string urgency = "normal";        ///< default urgency: low, normal, critical
    std::chrono::seconds snooze{600};      ///< the Snooze action's delay, named in its label
    std::chrono::milliseconds expire{-1};  ///< timeout; -1 = server default, 0 = never
};

/// How loud a notifier message is; the owner maps it to its log (spdlog, stderr).
enum class DesktopLogLevel { debug, info, warn };
/// Where the notifier's messages go.
using DesktopLog = std::function<void(DesktopLogLevel, const std::string&)>;

/// Sends reminders to the freedesktop notification server and reports the user's answers.
class DesktopNotifier {
  public:
    /// An action the user chose: "default" (clicked), "snooze" or "dismiss".
    using ActionCallback = std::function<void(const std::string& key, const std::string& action)>;
    /// The notification closed; reason per the spec: 1 expired, 2 dismissed, 3 closed by call, 4
    /// other; `answered` when an action was invoked on it before.
    using ClosedCallback =
        std::function<void(const std::string& key, uint32_t reason, bool answered)>;

    /// Connects to the session bus (asynchronously); `options` is asked before each notification.
    DesktopNotifier(asio::io_context& io, std::function<DesktopOptions()> options, DesktopLog log);
    ~DesktopNotifier();
    DesktopNotifier(const DesktopNotifier&) = delete;
    DesktopNotifier& operator=(const DesktopNotifier&) = delete;

    /// Shows (or replaces, for a known key) a notification; returns at once.
    void notify(const DesktopReminder& r);
    /// Closes the notification of `key`, if shown (e.g. the alarm was acknowledged elsewhere).
    void close(const std::string& key);
    /// Called for ActionInvoked on our notifications (wire to alarm.snooze / alarm.ack).
    void on_action(ActionCallback cb) { on_action_ = std::move(cb); }
    /// Called for NotificationClosed on our notifications.
    void on_closed(ClosedCallback cb) { on_closed_ = std::move(cb); }

    /// True while connected to a session bus.
    bool connected() const { return bus_ != nullptr; }
    /// The server's id for the notification of `key`, once the server answered.
    std::optional<uint32_t> notification_id(const std::string& key) const;
    /// Replies (success or error) received to Notify calls.
    uint64_t replies() const { return replies_; }
    /// Problems logged at warning level (each outage is logged once).
    uint64_t warnings() const { return warnings_; }
    /// Whether notifications work, for `status`: "working" (a server answered; `server` names
    /// it), "no session bus", "no notification server" or "connecting".
    std::string state() const;
    /// The notification server's name and version once it answered, e.g. "dunst 1.9.0".
    const std::string& server() const { return server_; }

  private:
    bool ensure_bus();
    void drop_bus(const std::string& why);
    void pump();
    void arm();
    void warn_once(bool& flag, const std::string& message);
    void ask_server();
    static int on_server_info(sd_bus_message* m, void* self, sd_bus_error* error);
    static int on_reply(sd_bus_message* m, void* self, sd_bus_error* error);
    static int on_action_signal(sd_bus_message* m, void* self, sd_bus_error* error);
    static int on_closed_signal(sd_bus_message* m, void* self, sd_bus_error* error);
    std::optional<std::string> key_of(uint32_t id) const;

    std::function<DesktopOptions()> options_;
    DesktopLog log_;
    const SdBusApi* api_ = nullptr;  ///< loaded on the first connection attempt
    sd_bus* bus_ = nullptr;
    asio::posix::stream_descriptor fd_;
    asio::steady_timer timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::map<uint64_t, std::string> pending_;  ///< Notify call cookie -> key
    std::map<std::string, uint32_t> ids_;      ///< key -> server's notification id
    std::set<std::string> answered_;           ///< keys shown whose action was invoked
    ActionCallback on_action_;
    ClosedCallback on_closed_;
    std::chrono::steady_clock::time_point last_attempt_{};
    bool warned_bus_ = false;
    bool warned_server_ = false;
    std::string server_;  ///< GetServerInformation's name and version; empty until it answered
    uint64_t replies_ = 0;
    uint64_t warnings_ = 0;
};

}  // namespace herald
