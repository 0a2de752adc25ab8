#pragma once
/// RFC 5545 §3.3.10 recurrence rules: the RRULE text parsed and checked against the RFC's table
/// of allowed parts, and an expander of Herald's own that iterates a rule's instances in wall
/// time. Pure computation: no I/O, no clock.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace herald {

/// Largest COUNT accepted: bounds the work of a COUNT rule, which is counted from DTSTART.
inline constexpr int kMaxRecurrenceCount = 100000;

/// FREQ, from the shortest period to the longest.
enum class Freq { secondly, minutely, hourly, daily, weekly, monthly, yearly };

/// One BYDAY entry: a weekday (0 = Monday) and an ordinal (0 = every such day).
struct WeekdayNum {
    int ordinal = 0;  ///< ±1..53; 0 when the entry has no number
    int weekday = 0;  ///< 0 = Monday .. 6 = Sunday
};

/// How UNTIL was written.
enum class UntilForm { none, date, local, utc };

/// A parsed RRULE value.
struct RRule {
    Freq freq = Freq::yearly;
    int64_t interval = 1;
    int count = 0;  ///< 0 = no COUNT
    UntilForm until_form = UntilForm::none;
    LocalTime until{};  ///< as written: UTC wall clock for utc, midnight for date
    std::vector<int> by_second, by_minute, by_hour, by_month_day, by_year_day, by_week_no, by_month,
        by_set_pos;
    std::vector<WeekdayNum> by_day;
    int wkst = 0;  ///< week start, 0 = Monday (RFC 5545's default)
};

/// Parses an RRULE value; throws HeraldError(invalid_params) naming `rrule` for text RFC 5545
/// rejects (unknown or repeated parts, values out of range, a part its FREQ does not allow).
/// `all_day`: the start is a DATE, which RFC 5545 gives no times of day.
RRule parse_rrule(const std::string& text, bool all_day);

/// Iterates a rule's instances in wall-time order, period by period (RFC 5545 §3.3.10: BYxxx
/// expansions and limits per FREQ, then BYSETPOS, then instances before DTSTART dropped).
/// COUNT and UNTIL are not applied: the caller does (UNTIL may bound instants, not wall times).
class RRuleIterator {
  public:
    /// Instances of `rule` for a series starting at `dtstart`, beginning with the period that
    /// holds `from` (the first period when `from` <= `dtstart`) and ending before the first
    /// period that begins at or after `limit`, so the work follows the window even for a rule
    /// that never matches.
    RRuleIterator(const RRule& rule, LocalTime dtstart, LocalTime from, LocalTime limit);
    /// The next instance, or nullopt once the series passes `limit` or 9999-12-31.
    std::optional<LocalTime> next();

  private:
    bool fill_day_period();            ///< YEARLY..DAILY: the next period's instances into pending_
    bool fill_sub_daily();             ///< HOURLY..SECONDLY: the next matching period's instances
    int64_t period_first_day() const;  ///< first day of period `period_` (days since 1970)
    void period_days();  ///< the days of period `period_` that pass the BY parts, in days_
    void month_days(int year, int month);  ///< appends the matching days of one month to days_
    void emit();  ///< BYSETPOS on candidates_, then those from DTSTART on to pending_

    RRule rule_;  ///< with the parts RFC 5545 takes from DTSTART written out
    LocalTime dtstart_;
    std::vector<int> offsets_;  ///< seconds into a day (or period) of each instance's time
    int64_t start_day_ = 0;     ///< DTSTART's day, days since 1970-01-01
    int64_t last_day_ = 0;      ///< 9999-12-31
    int64_t limit_ = 0;         ///< `limit`, seconds since 1970
    int64_t period_ = 0;        ///< day/week/month/year periods: index counted from DTSTART's
    int64_t first_period_ = 0;  ///< sub-daily: DTSTART's period start, seconds since 1970
    int64_t next_second_ = 0;   ///< sub-daily: first second not looked at yet
    std::vector<int64_t> days_;
    std::vector<LocalTime> candidates_;
    std::vector<LocalTime> pending_;
    size_t pos_ = 0;
    bool done_ = false;
};

}  // namespace herald
