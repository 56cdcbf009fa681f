// Private: the queues of the event loop (spec/event-loop.md): ticks, microtasks, immediates and the
// queued destroys; timers are in timers.h.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

#include "state.h"
#include "timers.h"

namespace acx::model::detail {

struct Tick {
  AsyncId id;
  const Block* block;  ///< nullptr: a tick of Node's own that runs no scenario code.
};

struct Immediate {
  AsyncId id;
  const Block* block;  ///< nullptr: Node's own noop immediate (`uncaught.handled`).
};

/// The microtask queue: a vector with a read position, emptied (keeping its capacity) whenever it
/// drains; cheaper than a deque of these large jobs.
struct JobQueue {
  std::vector<Job> items;
  std::size_t head = 0;
  bool empty() const { return head == items.size(); }
  void push_back(Job job) { items.push_back(std::move(job)); }
  Job pop_front() {
    Job job = std::move(items[head++]);
    if (head == items.size()) {
      items.clear();
      head = 0;
    }
    return job;
  }
};

/// Where the run is (spec/event-loop.md `loop.main`). The machine runs in segments between the
/// choices the spec leaves open (which timer next, whether a phase ends), so that a search can copy
/// it at a choice and follow each option: the loop's position is data, not a C++ call stack.
struct LoopPosition {
  enum class Stage {
    Main,       ///< the main script and the drain after it
    Iteration,  ///< a new iteration of the loop, or the end of the run
    Timers,     ///< the timers phase: which queue of timers runs next (spec/time.md)
    Queue,      ///< the timers of one queue (a list's listOnTimeout)
    Poll,       ///< the poll phase: a platform task may drain leftovers (`loop.platform-task`)
    Check,      ///< the check phase
    Finish,     ///< the exit event
    Done,
  } stage = Stage::Main;
  /// The choice the run waits for (Choice::None: none).
  enum class Choice {
    None,
    Queue,         ///< which queue is the earliest and due (one of `queues`), or, last, none is due
    TimerDue,      ///< whether the next timer of the queue is due (0) or not yet (1)
    PlatformTask,  ///< whether a platform task drains the leftovers in this poll phase (0) or not (1)
    Again,         ///< whether another timers phase runs before the check phase (one of `again_options`)
  } choice = Choice::None;
  std::size_t options = 0;            ///< How many options the choice has.
  std::vector<std::uint64_t> queues;  ///< Choice::Queue: the candidates' serials.
  bool none_due = false;              ///< Choice::Queue: the last option is that none is due.
  /// The time timers are due against (`time.phase-clock`): the phase's read, or the latest read.
  std::optional<std::uint32_t> now;
  bool must_due = false;     ///< The loop waited for a timer: the first queue is due (`time.wake`).
  bool ran = false;          ///< Some timer ran in this phase.
  std::uint64_t queue = 0;   ///< Stage::Queue: the serial of the queue that runs.
  bool queue_first = false;  ///< Stage::Queue: its first timer is next.
  std::optional<std::uint32_t> queue_now;  ///< Stage::Queue: the time its timers are due against.
  /// Choice::Again (`time.timers-again`): the latest read when the phase's processTimers returned,
  /// the deadlines the timer handle may have been set from (expiries held), and the options: an
  /// index of `again_deadlines` (another phase, that deadline the first and reached), or
  /// kAgainNoTimePassed, kAgainNoneReached.
  std::optional<std::uint32_t> again_since;
  std::vector<QueueDeadline> again_deadlines;
  std::vector<std::size_t> again_options;
  static constexpr std::size_t kAgainNoTimePassed = static_cast<std::size_t>(-1);
  static constexpr std::size_t kAgainNoneReached = static_cast<std::size_t>(-2);
  int exit_code = 0;
  RunStatus status = RunStatus::Completed;
};

struct EventLoop {
  std::deque<Tick> ticks;
  JobQueue jobs;
  std::deque<Immediate> immediates;
  /// The rest of a batch that an uncaught exception cut off (`uncaught.next-immediate` =
  /// next-iteration): the next check phase runs it first, as a batch of its own.
  std::deque<Immediate> outstanding;
  std::unordered_set<AsyncId> finished_immediates;  ///< Run or cleared: processImmediate skips them.
  std::vector<AsyncId> destroy_queue;               ///< `hooks.destroy-queue`
  /// Set when an uncaught exception was handled: the phase's next callback runs before the ticks
  /// left over (`uncaught.handled`).
  bool interrupted = false;
  /// `uncaught.after-zero`: the callback running now is one under which Node's after-loop also
  /// emits `after 0`.
  bool zero_after = false;
  /// The drain after the main script is running (`loop.main-drain-context`, `rejection.context`).
  bool main_drain = false;

  bool immediates_pending() const { return !immediates.empty() || !outstanding.empty(); }
};

}  // namespace acx::model::detail
