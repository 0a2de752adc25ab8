#pragma once
/// How long one piece of a request may hold the loop thread: listings, searches and imports stop
/// a piece when its budget is spent and leave the rest to a later one (a next page, a next slice).

#include <chrono>
#include <functional>

namespace herald {

/// The clock a request's work is measured by: the steady clock, or a test's fake one.
using WorkClock = std::function<std::chrono::steady_clock::time_point()>;

/// The budget of one piece of work, every request's and every slice's alike. Why 4 ms: a handful
/// of clients each taking a piece in turn keeps a reminder's wait (and another client's request)
/// within a few such pieces, well under the 50 ms and 100 ms bounds of issue 14, while one piece
/// still lists or stores hundreds of rows. Listing pages and import slices both use it.
inline constexpr std::chrono::milliseconds kWorkPiece{4};

/// The most of the thread's CPU time one event.search may take ranking and reading its matches
/// (Store::search), past which it is refused with too_large. Why not kWorkPiece and pages: best
/// matches first means ranking every match before the first can be returned, in one SQLite
/// statement the loop cannot cut; 50 ms ranks some 25,000 matches in a Debug build, far more
/// than a person reads, and stays under the 100 ms bound of another client's request.
inline constexpr std::chrono::milliseconds kSearchCpu{50};

/// A piece's budget, started when it is made.
class WorkBudget {
  public:
    /// Starts a budget of `allowance` measured by `clock`.
    WorkBudget(WorkClock clock, std::chrono::nanoseconds allowance)
        : clock_(std::move(clock)), deadline_(clock_() + allowance) {}
    /// True once the allowance is used up.
    bool spent() const { return clock_() >= deadline_; }

  private:
    WorkClock clock_;
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace herald
