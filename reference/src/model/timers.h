// Private: time and timers (spec/time.md; spec/event-loop.md `loop.timers.*`, `timer.*`). Each clock
// read of a run is a variable of a zone of difference constraints (zone.h); a timer is due when
// some timing allows it, and the search takes each allowed outcome as a choice.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "state.h"
#include "zone.h"

namespace acx::model::detail {

using Clock = Zone::Var;

/// The clock reads a run still needs, each counted by the records that hold it, so that a read
/// nobody holds leaves the zone (keeping what it implied between the others).
struct Clocks {
  Zone zone;
  std::vector<std::uint32_t> uses;  ///< By variable.
  std::optional<Clock> last;        ///< The latest read (`time.monotonic`).
  std::size_t steps_at_last = 0;    ///< The machine's step count at that read (`time.stall`).

  Clock hold(Clock c) {
    if (uses.size() <= c) uses.resize(c + 1, 0);
    ++uses[c];
    return c;
  }
  void release(Clock c) {
    if (--uses[c] == 0) zone.remove(c);
  }
};

struct Timer {
  AsyncId id;
  std::int64_t duration;  ///< Effective duration (`loop.timers.minimum`).
  const Block* block;
  bool interval = false;
  /// The read its expiry counts from (`time.timer-start`), held while the timer is the first or the
  /// last of its queue. A timer between them keeps only `gap`: the bounds of its start minus the
  /// start of the timer before it, so that a list of a thousand timers costs the zone two variables
  /// (`time.zone`).
  std::optional<Clock> start;
  TimeBound gap_up = TimeBound::none();    ///< Bound of start - the previous timer's start.
  TimeBound gap_down = TimeBound::none();  ///< Bound of the previous timer's start - start.
};

/// A queue of pending timers: a list of one duration (`time.timer-queue` = lists) or a single timer
/// (heap). Its expiry is `expiry + duration`; queues of equal expiry go by `order`, lower first.
struct TimerQueue {
  std::uint64_t serial;  ///< Stable name of the queue (order changes; serial does not).
  std::int64_t duration;
  std::deque<Timer> timers;
  Clock expiry;           ///< Held.
  std::uint64_t order;    ///< List id (Node), epoch (Bun), sequence (workerd).
  AsyncId timerwrap = 0;  ///< Node 10: the list's TIMERWRAP resource (`timer.list-resource`).
};

/// When a queue is due and where it stands among queues of one expiry (`time.timer-order`): what the
/// runtime's timer handle was set from. `expiry` is held by whoever keeps the record.
struct QueueDeadline {
  Clock expiry;
  std::int64_t duration;
  std::uint64_t order;
};

inline QueueDeadline deadline_of(const TimerQueue& q) {
  return {q.expiry, q.duration, q.order};
}

/// A queue's timers, keeping the variables of the first and the last (Timer::start).
class QueueTimers {
 public:
  /// Appends a timer whose start `start` is held for it; the old last timer keeps only its gap if
  /// that loses nothing against the `watched` reads.
  static void append(TimerQueue& q, Timer timer, Clock start, Clocks& clocks, std::span<const Clock> watched);
  /// Removes the timer at `index`; the new first or last timer gets a variable of its own.
  static void remove(TimerQueue& q, std::size_t index, Clocks& clocks);
  /// Releases every variable the queue's timers hold.
  static void release_all(TimerQueue& q, Clocks& clocks);
};

struct Timers {
  std::vector<TimerQueue> queues;
  std::uint64_t next_order = 0;
  std::uint64_t next_serial = 0;
  Clocks clocks;
  std::unordered_map<AsyncId, bool> running;   ///< Timers whose callback runs -> cleared meanwhile.
  std::optional<std::uint64_t> running_queue;  ///< Serial of the queue whose timers run now.
  std::vector<AsyncId> closing;                ///< Closed TIMERWRAPs: destroyed in the close phase.
  /// `time.timers-again`: while the drain after a timers phase runs, the queues it removes (their
  /// expiries held): the deadline of the runtime's timer handle may still be one of theirs.
  std::optional<std::vector<QueueDeadline>> removed_in_drain;

  TimerQueue* find(std::uint64_t serial) {
    for (auto& q : queues)
      if (q.serial == serial) return &q;
    return nullptr;
  }
  bool any_pending() const {
    for (const auto& q : queues)
      if (!q.timers.empty()) return true;
    return false;
  }
};

}  // namespace acx::model::detail
