// Private: the queues of the event loop (spec/event-loop.md): ticks, microtasks, immediates and the
// queued destroys; timers are in timers.h.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

#include "state.h"

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
    Main,        ///< the main script and the drain after it
    Iteration,   ///< a new iteration of the loop, or the end of the run
    Timers,      ///< the timers phase (Node >= 11)
    TimerLists,  ///< the timers phase, one TIMERWRAP list at a time (Node 10, `timer.list-resource`)
    TimerList,   ///< inside one list's callback (Node 10)
    Check,       ///< the check phase
    Finish,      ///< the exit event
    Done,
  } stage = Stage::Main;
  /// The choice the run waits for (Choice::None: none).
  enum class Choice {
    None,
    Timer,     ///< Timers: end the phase (when `stop`) or run one of `timers`
    List,      ///< TimerLists: end the phase (when `stop`) or run the list of one of `lists`
    ListNext,  ///< TimerList: the list's next timer is not due yet (0) or runs now (1)
  } choice = Choice::None;
  std::size_t options = 0;              ///< How many options the choice has.
  std::size_t stop = 0;                 ///< 1 when the first option ends the phase.
  std::vector<AsyncId> timers;          ///< Choice::Timer: the candidates' ids.
  std::vector<std::int64_t> lists;      ///< Choice::List: the candidates' durations.
  std::uint64_t phase_start = 0;        ///< `loop.timers.eligible`: timers created before it can run.
  bool must_run = false;                ///< `loop.timers.must-run`
  bool ran = false;                     ///< Some timer ran in this phase.
  std::vector<std::int64_t> lists_ran;  ///< Node 10: the lists that ran in this phase.
  std::int64_t list = 0;                ///< Node 10: the list whose callback runs.
  bool list_first = true;               ///< Node 10: its first timer has not run yet.
  int exit_code = 0;
  RunStatus status = RunStatus::Completed;
};

struct EventLoop {
  std::deque<Tick> ticks;
  JobQueue jobs;
  std::deque<Immediate> immediates;
  std::unordered_set<AsyncId> finished_immediates;  ///< Run or cleared: processImmediate skips them.
  std::vector<AsyncId> destroy_queue;               ///< `hooks.destroy-queue`
  /// Set when an uncaught exception was handled: the phase's next callback runs before the ticks
  /// left over (`uncaught.handled`).
  bool interrupted = false;
  /// `uncaught.after-zero`: the callback running now is one under which Node's after-loop also
  /// emits `after 0`.
  bool zero_after = false;
  /// The drain after the main script is running (`uncaught.tick-leftovers`, `loop.main-drain-context`).
  bool main_drain = false;
};

}  // namespace acx::model::detail
