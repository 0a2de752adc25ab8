#include "daemon/scheduler.hpp"

#include <sys/timerfd.h>

#include <cerrno>
#include <system_error>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "daemon/alarm_store.hpp"

namespace herald {
namespace {

int make_timerfd() {
    int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
    return fd;
}

}  // namespace

Scheduler::Scheduler(asio::io_context& io, AlarmStore& alarms, Hub& hub, const Settings& settings,
                     WallClock clock)
    : timer_(io, make_timerfd()),
      alarms_(alarms),
      hub_(hub),
      settings_(settings),
      clock_(std::move(clock)) {}

Scheduler::~Scheduler() {
    stop();
}

void Scheduler::start() {
    fire(true);
    wait();
}

void Scheduler::stop() {
    stopping_ = true;
    asio::error_code ec;
    timer_.close(ec);
}

void Scheduler::rearm_if_changed() {
    if (alarms_.take_schedule_changed()) arm();
}

void Scheduler::run_if_due() {
    // Why not leave it to the timerfd: its completion joins the end of the loop's queue only when
    // the reactor next polls, after every session's piece queued before it (twice around the queue
    // with several busy clients). Re-arming (arm()) resets the timerfd, so it does not fire twice.
    if (stopping_ || !armed_for_ || clock_() < *armed_for_) return;
    wake(false);
}

void Scheduler::arm() {
    if (stopping_) return;
    using std::chrono::nanoseconds;
    auto due = alarms_.next_wake();
    auto visible = hub_.next_visible();
    next_alarm_ = due && visible ? std::min(*due, *visible) : due ? due : visible;
    armed_for_.reset();
    if (due) armed_for_ = *due - lead();
    if (visible && (!armed_for_ || *visible < *armed_for_)) armed_for_ = *visible;
    itimerspec spec{};
    // An absolute instant already past fires at once; {0,0} disarms (nothing due: no wake-ups).
    if (armed_for_) {
        int64_t ns = std::max<int64_t>(
            1, std::chrono::duration_cast<nanoseconds>(armed_for_->time_since_epoch()).count());
        spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
        spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    if (::timerfd_settime(timer_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, nullptr) != 0)
        spdlog::error("cannot arm the reminder timer: {}", std::strerror(errno));
    spdlog::debug("reminder timer armed for {} (next alarm {})",
                  armed_for_ ? std::to_string(armed_for_->time_since_epoch().count())
                             : std::string("nothing"),
                  next_alarm_ ? format_instant(*next_alarm_) : std::string("none"));
}

void Scheduler::wait() {
    if (stopping_) return;
    timer_.async_read_some(
        asio::buffer(&expirations_, sizeof expirations_), [this](asio::error_code ec, size_t) {
            if (stopping_) return;
            // ECANCELED (asio's operation_aborted) from a timerfd means the clock was set or
            // jumped.
            bool jumped = ec == asio::error::operation_aborted;
            if (ec && !jumped) {
                spdlog::error("reminder timer failed: {}", ec.message());
                return;
            }
            if (jumped)
                spdlog::info("the system clock changed: catching up with reminders and re-arming");
            wake(jumped);
            wait();
        });
}

void Scheduler::wake(bool jumped) {
    // Why publish first: staged reminders due now were committed a lead ago, so they go out from
    // memory before anything else (such as staging the next ones, which fsyncs) runs.
    auto now = clock_();
    hub_.publish(now);
    auto due = alarms_.next_wake();
    if (jumped || (due && *due - lead() <= now))
        fire(jumped);
    else
        arm();
}

void Scheduler::fire(bool catching_up) {
    try {
        // Alarms due by now fire now; those due within the lead are staged for their instant.
        auto now = clock_();
        FireReport r =
            alarms_.fire_due(date::floor<Seconds>(now), date::floor<Seconds>(now + lead()),
                             settings_.catchup_window, catching_up);
        if (r.staged > 0) {
            warn_if_staged_late(now);
            measure_staging(now);
        }
        if (catching_up && (r.delivered > r.staged || r.missed > 0))
            spdlog::info(
                "caught up: {} reminders delivered ({} digests), {} missed (older than {} s)",
                r.delivered - r.staged, r.digests, r.missed, settings_.catchup_window.count());
        hub_.flush();
        if (r.staged > 0) hub_.prefetch();
        arm();
    } catch (const std::exception& e) {
        // The ledger was rolled back: nothing was delivered, so retrying later cannot duplicate.
        spdlog::error("firing reminders failed: {}; retrying in 1 s", e.what());
        retry_in_one_second();
    }
}

std::chrono::nanoseconds Scheduler::lead() const {
    std::chrono::nanoseconds configured = settings_.fire_lead;
    return std::max(configured, std::min<std::chrono::nanoseconds>(2 * slow_pass_, kMaxFireLead));
}

void Scheduler::measure_staging(std::chrono::system_clock::time_point began) {
    // A pass costs from the instant it was armed for (a late wake-up counts) to its commit. Why
    // twice the slowest recent one, decaying by an eighth per pass: a busy disk or CPU stretches
    // the lead before reminders go late, and a quiet one brings it back to kFireLead.
    auto done = clock_();
    auto from = began;
    if (armed_for_ && *armed_for_ < began && began - *armed_for_ < kMaxFireLead) from = *armed_for_;
    slow_pass_ = std::max<std::chrono::nanoseconds>(done - from, slow_pass_ * 7 / 8);
}

void Scheduler::warn_if_staged_late(std::chrono::system_clock::time_point began) {
    // Why warn: a staging pass slower than the lead (a disk busy for longer than it) makes those
    // reminders late by the difference; the log says so instead of hiding it.
    auto done = clock_();
    auto earliest = hub_.next_visible();
    if (!earliest || done <= *earliest) return;
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    spdlog::warn("staging reminders took {} ms, longer than the {} ms lead: they are {} ms late",
                 duration_cast<milliseconds>(done - began).count(), settings_.fire_lead.count(),
                 duration_cast<milliseconds>(done - *earliest).count());
}

void Scheduler::retry_in_one_second() {
    itimerspec spec{};
    auto now = date::floor<Seconds>(clock_());
    armed_for_ = now + Seconds{1};  // run_if_due retries no sooner than the timer
    spec.it_value.tv_sec = static_cast<time_t>(now.time_since_epoch().count() + 1);
    ::timerfd_settime(timer_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec,
                      nullptr);
}

std::string Scheduler::status_text() const {
    return next_alarm_ ? "next alarm " + format_instant(*next_alarm_) : std::string("no alarm due");
}

}  // namespace herald
