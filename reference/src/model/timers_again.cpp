// Another timers phase before the check phase (spec/time.md `time.timers-again`, a variation point).
//
// Node >= 11 has one libuv timer for all its timer lists. When RunTimers' processTimers returns, Node
// sets that timer's deadline to max(S + 1, E): S the loop time then (the latest read), E the expiry
// of the first list left. Then RunTimers' callback scope closes and drains ticks, microtasks and
// rejections; a timer made there reads the clock again (getLibuvNow updates the loop time), and a
// new list whose expiry is earlier than E moves the deadline to that expiry. libuv <= 1.47 (Node 10
// to 20) then looks at its timer heap again with the loop time as last read, so if the latest read
// R has reached the deadline, RunTimers runs again, before the check phase; libuv >= 1.48 takes only
// the timers due when uv__run_timers began. Every new list's expiry is at least S + 1 (its start is
// a read after S, its duration at least 1 ms), so another phase runs iff R >= S + 1 and the first of
// the deadlines (the queues at the end of the phase, those made in the drain, and those the drain
// removed: clearTimeout does not move the libuv timer) is at most R.
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

void Machine::drain_after_timers_phase() {
  hold_now(pos_.again_since, *timers_.clocks.last);
  for (const TimerQueue& q : timers_.queues)
    pos_.again_deadlines.push_back(QueueDeadline{timers_.clocks.hold(q.expiry), q.duration, q.order});
  timers_.removed_in_drain.emplace();
  drain();
  // The queues made in the drain (removed or not) join them; a queue's order names it (list ids are
  // never reused, and none changes outside a timers phase).
  auto known = [&](std::uint64_t order) {
    return std::any_of(pos_.again_deadlines.begin(), pos_.again_deadlines.end(),
                       [&](const QueueDeadline& d) { return d.order == order; });
  };
  for (const QueueDeadline& d : *timers_.removed_in_drain) {
    if (known(d.order))
      timers_.clocks.release(d.expiry);  // the hold remove_queue kept
    else
      pos_.again_deadlines.push_back(d);
  }
  timers_.removed_in_drain.reset();
  for (const TimerQueue& q : timers_.queues)
    if (!known(q.order))
      pos_.again_deadlines.push_back(QueueDeadline{timers_.clocks.hold(q.expiry), q.duration, q.order});
  offer_timers_again();
}

bool Machine::deadline_first_and_reached(std::size_t d, Clock latest, Zone& zone) const {
  const auto& all = pos_.again_deadlines;
  for (std::size_t other = 0; other < all.size(); ++other)
    if (other != d && !earlier(all[d], all[other], zone)) return false;
  return due_bound(all[d].expiry, all[d].duration, latest, true, zone);
}

void Machine::offer_timers_again() {
  const Clock since = *pos_.again_since, latest = *timers_.clocks.last;
  auto& options = pos_.again_options;
  options.clear();
  if (latest == since || pos_.again_deadlines.empty()) {
    // No read in the drain (the deadline is at least S + 1), or no deadline at all.
    release_timers_again();
    return;
  }
  for (std::size_t d = 0; d < pos_.again_deadlines.size(); ++d) {
    Zone z = timers_.clocks.zone;
    if (z.constrain(since, latest, TimeBound::at_most(-1)) && deadline_first_and_reached(d, latest, z))
      options.push_back(d);
  }
  {
    Zone z = timers_.clocks.zone;
    if (z.constrain(latest, since, TimeBound::at_most(0)))
      options.push_back(LoopPosition::kAgainNoTimePassed);
  }
  {
    Zone z = timers_.clocks.zone;
    bool possible = z.constrain(since, latest, TimeBound::at_most(-1));
    for (const QueueDeadline& d : pos_.again_deadlines)
      possible = possible && due_bound(d.expiry, d.duration, latest, false, z);
    if (possible) options.push_back(LoopPosition::kAgainNoneReached);
  }
  pos_.options = options.size();
  if (options.size() == 1)
    take_timers_again(0);
  else
    pos_.choice = LoopPosition::Choice::Again;
}

void Machine::take_timers_again(std::size_t option) {
  const std::size_t pick = pos_.again_options[option];
  const Clock since = *pos_.again_since, latest = *timers_.clocks.last;
  Zone& zone = timers_.clocks.zone;
  bool removed = false;
  if (pick == LoopPosition::kAgainNoTimePassed) {
    zone.constrain(latest, since, TimeBound::at_most(0));
  } else {
    zone.constrain(since, latest, TimeBound::at_most(-1));
    if (pick == LoopPosition::kAgainNoneReached) {
      for (const QueueDeadline& d : pos_.again_deadlines)
        due_bound(d.expiry, d.duration, latest, false, zone);
    } else {
      deadline_first_and_reached(pick, latest, zone);
      const std::uint64_t order = pos_.again_deadlines[pick].order;
      removed = std::none_of(timers_.queues.begin(), timers_.queues.end(),
                             [&](const TimerQueue& q) { return q.order == order; });
    }
  }
  const bool again = pick != LoopPosition::kAgainNoTimePassed && pick != LoopPosition::kAgainNoneReached;
  release_timers_again();
  if (!again) return;
  // RunTimers again, with a fresh read (GetNow). The deadline it was due at is a queue's expiry, so
  // that queue, or one before it, is due; unless the drain removed it: then perhaps none is.
  pos_.ran = false;
  pos_.must_due = !removed;
  hold_now(pos_.now, read_clock(false));
  pos_.stage = LoopPosition::Stage::Timers;
}

void Machine::release_timers_again() {
  for (const QueueDeadline& d : pos_.again_deadlines) timers_.clocks.release(d.expiry);
  pos_.again_deadlines.clear();
  pos_.again_options.clear();
  drop_now(pos_.again_since);
}

}  // namespace acx::model::detail
