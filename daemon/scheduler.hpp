#pragma once
/// The reminder timer: ONE timerfd on CLOCK_REALTIME armed (absolute, to the nanosecond) for the
/// earlier of: the earliest due alarm minus the staging lead (Settings::fire_lead, stretched up
/// to kMaxFireLead while recent staging passes were slow), when its
/// firing is committed ahead of time ("staged"), and the earliest staged message's due instant,
/// when it is pushed from memory. Nothing polls: with nothing due the timer is disarmed.
/// TFD_TIMER_CANCEL_ON_SET makes a clock change (settime, resume from suspend) wake it with
/// ECANCELED, after which it catches up and re-arms.

#include <chrono>
#include <optional>
#include <string>

#include <asio.hpp>

#include "core/time.hpp"
#include "daemon/hub.hpp"
#include "daemon/settings.hpp"

namespace herald {

class AlarmStore;

/// Fires due alarms through the AlarmStore and pushes the results through the Hub.
class Scheduler {
  public:
    /// Creates the timerfd on `io`; throws std::system_error when the kernel refuses. "Now" is
    /// `clock()` (the timerfd itself waits on the system's CLOCK_REALTIME).
    Scheduler(asio::io_context& io, AlarmStore& alarms, Hub& hub, const Settings& settings,
              WallClock clock);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;
    /// Catches up with alarms that came due while the daemon was not running, then arms the timer.
    void start();
    /// Re-arms the timer if the schedule changed (after add/edit/remove/ack/snooze).
    void rearm_if_changed();
    /// Does now what the timer's wake-up would do if its instant has come: publishes staged
    /// reminders and fires or stages due ones. Called between the pieces of requests, so a
    /// reminder never waits for the loop to reach the timer's completion behind every queued piece.
    void run_if_due();
    /// Stops waiting; the timer never fires again.
    void stop();
    /// "next alarm 2025-06-05T09:00:00Z" for STATUS=, or "no alarm due".
    std::string status_text() const;
    /// The instant the timer is armed for, if any.
    std::optional<std::chrono::system_clock::time_point> armed_for() const { return armed_for_; }

  private:
    void arm();
    void wait();
    void wake(bool jumped);
    void fire(bool catching_up);
    void warn_if_staged_late(std::chrono::system_clock::time_point began);
    void measure_staging(std::chrono::system_clock::time_point began);
    std::chrono::nanoseconds lead() const;
    void retry_in_one_second();

    asio::posix::stream_descriptor timer_;
    AlarmStore& alarms_;
    Hub& hub_;
    const Settings& settings_;
    WallClock clock_;
    std::optional<std::chrono::system_clock::time_point> armed_for_;
    std::optional<Instant> next_alarm_;      ///< the next alarm instant, for status_text
    std::chrono::nanoseconds slow_pass_{0};  ///< recent slowest staging pass, decaying
    uint64_t expirations_ = 0;
    bool stopping_ = false;
};

}  // namespace herald
