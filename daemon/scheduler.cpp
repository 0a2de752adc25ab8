#include "daemon/scheduler.hpp"

#include <sys/timerfd.h>

#include <cerrno>
#include <system_error>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "daemon/alarm_store.hpp"
#include "daemon/hub.hpp"

namespace herald {
namespace {

int make_timerfd() {
    int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
    return fd;
}

Instant wall_now() {
    return date::floor<Seconds>(std::chrono::system_clock::now());
}

}  // namespace

Scheduler::Scheduler(asio::io_context& io, AlarmStore& alarms, Hub& hub, const Settings& settings)
    : timer_(io, make_timerfd()), alarms_(alarms), hub_(hub), settings_(settings) {}

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

void Scheduler::arm() {
    if (stopping_) return;
    armed_for_ = alarms_.next_wake();
    itimerspec spec{};
    // An absolute instant already past fires at once; {0,0} disarms (nothing due: no wake-ups).
    if (armed_for_)
        spec.it_value.tv_sec =
            std::max<time_t>(1, static_cast<time_t>(armed_for_->time_since_epoch().count()));
    if (::timerfd_settime(timer_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, nullptr) != 0)
        spdlog::error("cannot arm the reminder timer: {}", std::strerror(errno));
    spdlog::debug("reminder timer armed for {}",
                  armed_for_ ? format_instant(*armed_for_) : std::string("nothing"));
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
            fire(jumped);
            wait();
        });
}

void Scheduler::fire(bool catching_up) {
    try {
        FireReport r = alarms_.fire_due(wall_now(), settings_.catchup_window, catching_up);
        if (catching_up && (r.delivered > 0 || r.missed > 0))
            spdlog::info(
                "caught up: {} reminders delivered ({} digests), {} missed (older than {} s)",
                r.delivered, r.digests, r.missed, settings_.catchup_window.count());
        hub_.flush();
        arm();
    } catch (const std::exception& e) {
        // The ledger was rolled back: nothing was delivered, so retrying later cannot duplicate.
        spdlog::error("firing reminders failed: {}; retrying in 1 s", e.what());
        itimerspec spec{};
        spec.it_value.tv_sec = static_cast<time_t>(wall_now().time_since_epoch().count() + 1);
        ::timerfd_settime(timer_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, nullptr);
    }
}

std::string Scheduler::status_text() const {
    return armed_for_ ? "next alarm " + format_instant(*armed_for_) : std::string("no alarm due");
}

}  // namespace herald
