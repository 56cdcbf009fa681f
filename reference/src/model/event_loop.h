// Private: the queues of the event loop (spec/event-loop.md): ticks, microtasks, immediates and the
// queued destroys; timers are in timers.h.
#pragma once

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
