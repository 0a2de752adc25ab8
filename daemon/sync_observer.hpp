#pragma once
/// Queues local changes of synced events in the durable outbox, inside the event write's
/// transaction (docs/architecture.md "Sync"). Wraps the store's other observer (the alarm store)
/// and forwards every call to it.

#include <functional>
#include <string>

#include "daemon/settings.hpp"
#include "daemon/store.hpp"
#include "daemon/sync_state.hpp"

namespace herald::sync {

/// The store's observer while sync is wired: forwards to `inner`, then queues the change.
class Observer : public StoreObserver {
  public:
    /// Called (inside the write's transaction) with the calendar a local change was queued for.
    using Changed = std::function<void(const std::string& calendar)>;
    /// Forwards to `inner`; queues into `state`; checks names against `settings`.
    Observer(StoreObserver& inner, State& state, const Settings& settings, Changed changed);

    void saved(const std::optional<Event>& before, const Event& after, std::string_view after_json,
               bool log) override;
    void removed(const Event& before, Instant now) override;

    /// While alive, writes are the server's changes being applied: nothing is queued.
    class Applying {
      public:
        /// Marks `o` as applying remote changes.
        explicit Applying(Observer& o) : o_(o) { o_.applying_ = true; }
        ~Applying() { o_.applying_ = false; }
        Applying(const Applying&) = delete;
        Applying& operator=(const Applying&) = delete;

      private:
        Observer& o_;
    };

  private:
    /// Throws invalid_params when `calendar` is not a configured [[caldav]] name.
    void check_configured(const std::string& calendar) const;
    void queue(const std::string& calendar, const std::string& uid, bool remove, Instant now);

    StoreObserver& inner_;
    State& state_;
    const Settings& settings_;
    Changed changed_;
    bool applying_ = false;
};

}  // namespace herald::sync
