// Time and timers (spec/time.md; spec/event-loop.md `loop.timers.*`, `timer.*`): clock reads,
// setTimeout, setInterval, their clearing, and the timers phase. A timer is due when the time it is
// checked against is at least its start plus its duration; the model does not know the times, only
// the constraints between them (a zone), and takes as a choice each outcome some timing allows.
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

// ---- the clock ---------------------------------------------------------------------------------

Clock Machine::read_clock(bool after_wait) {
  // `time.monotonic`: each read is at least the one before; `time.stall`: at most stall_ms per step
  // run since, unless the loop waited for a timer in between (`time.wake`).
  Clocks& c = timers_.clocks;
  const Clock read = c.hold(c.zone.add());
  if (c.last) {
    // A new variable: always possible.
    c.zone.constrain(*c.last, read, TimeBound::at_most(0));
    if (!after_wait && options_.stall_ms != kUnboundedStall) {
      const auto steps = static_cast<std::int64_t>(steps_ - c.steps_at_last) + 1;
      c.zone.constrain(read, *c.last, TimeBound::at_most(options_.stall_ms * steps));
    }
    c.release(*c.last);
  }
  c.last = read;
  c.steps_at_last = steps_;
  return read;
}

bool Machine::due_bound(Clock start, std::int64_t duration, Clock now, bool due, Zone& zone) const {
  // Due: now - start >= duration. Not due: now - start < duration: <= duration - 1 on a clock of
  // whole milliseconds, strictly below on a finer one (`time.clock`). Mutating `time.zone` ignores
  // deadlines: any timer may be due or not, any queue first.
  if (mutated("time.zone")) return true;
  if (due) return zone.constrain(start, now, TimeBound::at_most(-duration));
  return zone.constrain(now, start,
                        profile_.clock == ClockKind::Milliseconds ? TimeBound::at_most(duration - 1)
                                                                  : TimeBound::below(duration));
}

bool Machine::earlier(const QueueDeadline& a, const QueueDeadline& b, Zone& zone) const {
  // `time.timer-order`: a before b when a's expiry is lower, or equal and a's order lower.
  // Expiries: a.expiry + a.duration against b.expiry + b.duration.
  if (mutated("time.zone")) return true;
  const std::int64_t c = b.duration - a.duration;
  const bool a_older = a.order < b.order;
  switch (profile_.clock) {
    case ClockKind::Milliseconds:
      return zone.constrain(a.expiry, b.expiry, TimeBound::at_most(a_older ? c : c - 1));
    case ClockKind::Fractional:
      return zone.constrain(a.expiry, b.expiry, a_older ? TimeBound::at_most(c) : TimeBound::below(c));
    case ClockKind::MsBuckets:
      // Bun orders by whole-millisecond bucket, then age: an older timer may come first with an
      // expiry up to (not including) one millisecond later; a younger one only with an earlier one.
      return zone.constrain(a.expiry, b.expiry, TimeBound::below(a_older ? c + 1 : c));
  }
  return false;
}

// ---- setTimeout, setInterval, clearTimeout -------------------------------------------------------

// ---- a queue's timers ---------------------------------------------------------------------------

namespace {

/// Gives the timer at `index` a variable of its own, from the nearest timers before and after it
/// that have theirs (the first and the last always do) and the gaps between.
void materialize(TimerQueue& q, std::size_t index, Clocks& clocks) {
  if (q.timers[index].start) return;
  std::size_t lo = index, hi = index;
  while (!q.timers[lo].start) --lo;
  while (!q.timers[hi].start) ++hi;
  TimeBound up_before = TimeBound::at_most(0), down_before = TimeBound::at_most(0);
  TimeBound up_after = TimeBound::at_most(0), down_after = TimeBound::at_most(0);
  for (std::size_t i = lo + 1; i <= index; ++i) {
    up_before = up_before + q.timers[i].gap_up;
    down_before = down_before + q.timers[i].gap_down;
  }
  for (std::size_t i = index + 1; i <= hi; ++i) {
    up_after = up_after + q.timers[i].gap_up;
    down_after = down_after + q.timers[i].gap_down;
  }
  const Clock v = clocks.hold(clocks.zone.add());
  // Always possible: the gaps were read off the zone, and the neighbours only narrow them.
  const Clock before = *q.timers[lo].start, after = *q.timers[hi].start;
  clocks.zone.constrain(v, before, up_before);
  clocks.zone.constrain(before, v, down_before);
  clocks.zone.constrain(after, v, up_after);
  clocks.zone.constrain(v, after, down_after);
  q.timers[index].start = v;
}

}  // namespace

void QueueTimers::append(TimerQueue& q, Timer timer, Clock start, Clocks& clocks,
                         std::span<const Clock> watched) {
  timer.start = start;
  if (!q.timers.empty()) {
    const Clock tail = *q.timers.back().start;
    timer.gap_up = clocks.zone.upper(start, tail);
    timer.gap_down = clocks.zone.upper(tail, start);
    // The old last timer is now between two: it keeps its gap, not its variable, if its gaps from
    // the nearest timer before it that has a variable and to the new one imply what the zone knows
    // of it against the reads that stand for the present (the phase's time, the latest read). An
    // interval armed again during a phase keeps its variable, or the one after it does the job: as
    // a gap alone it would lose that it started after the phase's read, and could be due again
    // without time passing. Bounds against other queues' timers may loosen (time.zone).
    if (q.timers.size() >= 2) {
      std::size_t anchor = q.timers.size() - 2;
      while (!q.timers[anchor].start) --anchor;
      TimeBound up = TimeBound::at_most(0), down = TimeBound::at_most(0);
      for (std::size_t i = anchor + 1; i < q.timers.size(); ++i) {
        up = up + q.timers[i].gap_up;
        down = down + q.timers[i].gap_down;
      }
      if (clocks.zone.implied_by(tail, *q.timers[anchor].start, up, down, start, watched)) {
        clocks.release(tail);
        q.timers.back().start.reset();
      }
    }
  }
  q.timers.push_back(timer);
}

void QueueTimers::remove(TimerQueue& q, std::size_t index, Clocks& clocks) {
  const std::size_t last = q.timers.size() - 1;
  if (index == 0 && last >= 1) materialize(q, 1, clocks);            // the next becomes the first
  if (index == last && last >= 2) materialize(q, last - 1, clocks);  // the one before becomes the last
  if (index > 0 && index < last)                                     // between two: its gap joins the next's
  {
    q.timers[index + 1].gap_up = q.timers[index + 1].gap_up + q.timers[index].gap_up;
    q.timers[index + 1].gap_down = q.timers[index + 1].gap_down + q.timers[index].gap_down;
  }
  if (q.timers[index].start) clocks.release(*q.timers[index].start);
  q.timers.erase(q.timers.begin() + static_cast<std::ptrdiff_t>(index));
}

void QueueTimers::release_all(TimerQueue& q, Clocks& clocks) {
  for (const Timer& t : q.timers)
    if (t.start) clocks.release(*t.start);
  q.timers.clear();
}

TimerQueue* Machine::list_of(std::int64_t duration) {
  if (profile_.timer_queue == TimerQueueKind::Heap) return nullptr;
  for (auto& q : timers_.queues)
    if (q.duration == duration) return &q;
  return nullptr;
}

void Machine::set_timer(const Statement& st) {
  // `timer.resource`, `timer.interval`: one Timeout resource either way.
  const AsyncId id = init_resource("Timeout", default_trigger());
  // `loop.timers.minimum`: durations below 1 ms or above 2^31 - 1 ms become 1 ms.
  const std::int64_t requested = st.args[0].number;
  const std::int64_t ms = requested < 1 || requested > 2147483647 ? 1 : requested;
  // `timer.list-resource` (variation point): Node 10 makes a TIMERWRAP for a new list.
  AsyncId timerwrap = 0;
  if (profile_.timer_list == TimerList::TimerWrap && !list_of(ms))
    timerwrap = init_resource("TIMERWRAP", default_trigger());
  // `time.timer-start`: the start is a fresh clock read, made when the timer is inserted.
  const Clock start = timers_.clocks.hold(read_clock(false));
  insert_timer(Timer{id, ms, &st.blocks[0], st.op == scenario::Op::SetInterval}, start, timerwrap);
  bind(st, Bound{Kind::Timer, static_cast<std::size_t>(id)});
}

void Machine::insert_timer(Timer timer, Clock start, AsyncId timerwrap) {
  // `time.timer-queue`: appended to the list of its duration (its expiry and order unchanged), or a
  // queue of its own: a new list, or a timer of the heap.
  if (TimerQueue* list = list_of(timer.duration)) {
    QueueTimers::append(*list, timer, start, timers_.clocks, present_clocks());
    return;
  }
  TimerQueue q{timers_.next_serial++,      timer.duration,       {},
               timers_.clocks.hold(start), timers_.next_order++, timerwrap};
  QueueTimers::append(q, timer, start, timers_.clocks, present_clocks());
  timers_.queues.push_back(std::move(q));
}

std::vector<Clock> Machine::present_clocks() const {
  std::vector<Clock> out;
  for (const auto& c : {pos_.now, pos_.queue_now, pos_.again_since, timers_.clocks.last})
    if (c) out.push_back(*c);
  return out;
}

void Machine::remove_queue(std::uint64_t serial) {
  auto it = std::find_if(timers_.queues.begin(), timers_.queues.end(),
                         [&](const TimerQueue& q) { return q.serial == serial; });
  if (it == timers_.queues.end()) return;
  QueueTimers::release_all(*it, timers_.clocks);
  // `time.timers-again`: the timer handle may still be due at this queue's expiry.
  if (timers_.removed_in_drain)
    timers_.removed_in_drain->push_back(deadline_of(*it));  // keeps the hold
  else
    timers_.clocks.release(it->expiry);
  // `timer.list-resource`: a closed list's TIMERWRAP is destroyed by its close callback.
  if (it->timerwrap != 0) timers_.closing.push_back(it->timerwrap);
  timers_.queues.erase(it);
}

void Machine::clear_timer(const Statement& st) {
  // `timer.clear`: a pending timer is removed and its destroy queued; so is a running one (an
  // interval is then not armed again); a fired or cleared one is left alone.
  const auto id = static_cast<AsyncId>(bound(st.args[0].slot).index);
  for (auto& q : timers_.queues) {
    const auto it =
        std::find_if(q.timers.begin(), q.timers.end(), [&](const Timer& t) { return t.id == id; });
    if (it == q.timers.end()) continue;
    QueueTimers::remove(q, static_cast<std::size_t>(it - q.timers.begin()), timers_.clocks);
    queue_destroy(id);
    // `time.empty-list`: Node's unenroll takes an emptied list out of the queue (not the one whose
    // timers run now: that one ends when its run does); Deno keeps it with its old expiry.
    const bool keep = profile_.keep_empty_lists && profile_.timer_queue == TimerQueueKind::Lists;
    if (q.timers.empty() && !keep && timers_.running_queue != q.serial) remove_queue(q.serial);
    return;
  }
  if (auto running = timers_.running.find(id); running != timers_.running.end() && !running->second) {
    running->second = true;
    queue_destroy(id);
  }
}

// ---- the timers phase ---------------------------------------------------------------------------

void Machine::hold_now(std::optional<Clock>& slot, Clock clock) {
  if (slot) timers_.clocks.release(*slot);
  slot = timers_.clocks.hold(clock);
}

void Machine::drop_now(std::optional<Clock>& slot) {
  if (slot) timers_.clocks.release(*slot);
  slot.reset();
}

void Machine::begin_timers_phase() {
  pos_.ran = false;
  if (timers_.queues.empty()) {
    pos_.stage = after_timers();
    return;
  }
  // `time.wake`: with no immediate and no queued destroy the loop blocks in poll until the earliest
  // timer is due, so the read after it is at least that expiry: the first queue of the phase is due.
  const bool waited = !loop_.immediates_pending() && loop_.destroy_queue.empty();
  pos_.must_due = waited;
  // `time.phase-clock`: the time the phase's timers are due against (Node 10 and workerd read
  // again for each list or timer: timers_step).
  hold_now(pos_.now, read_clock(waited));
  pos_.stage = LoopPosition::Stage::Timers;
}

bool Machine::timers_step() {
  if (pos_.ran) {
    // Node 10: the loop time the next list is checked against is the latest read (each list's
    // GetNow moved it); workerd: each timer is an event of its own, with a fresh read.
    if (profile_.phase_clock == PhaseClock::PerList) hold_now(pos_.now, *timers_.clocks.last);
    if (profile_.phase_clock == PhaseClock::PerTimer) hold_now(pos_.now, read_clock(false));
  }
  // Which queue is the earliest and due (each a choice if some timing allows it), or none.
  pos_.queues.clear();
  for (const TimerQueue& q : timers_.queues) {
    Zone z = timers_.clocks.zone;
    if (queue_first_and_due(q, z)) pos_.queues.push_back(q.serial);
  }
  pos_.none_due = false;
  if (!pos_.must_due) {
    Zone z = timers_.clocks.zone;
    bool possible = true;
    for (const TimerQueue& q : timers_.queues)
      possible = possible && due_bound(q.expiry, q.duration, *pos_.now, false, z);
    pos_.none_due = possible;
  }
  pos_.options = pos_.queues.size() + (pos_.none_due ? 1 : 0);
  if (pos_.options == 0) return false;  // (cannot happen: some timing always exists)
  if (pos_.options == 1)
    take_queue(0);
  else
    pos_.choice = LoopPosition::Choice::Queue;
  return true;
}

bool Machine::queue_first_and_due(const TimerQueue& q, Zone& zone) const {
  for (const TimerQueue& other : timers_.queues)
    if (other.serial != q.serial && !earlier(deadline_of(q), deadline_of(other), zone)) return false;
  return due_bound(q.expiry, q.duration, *pos_.now, true, zone);
}

void Machine::take_queue(std::size_t option) {
  if (option >= pos_.queues.size()) {
    // None is due: every queue's expiry is after the phase's time.
    for (const TimerQueue& q : timers_.queues)
      due_bound(q.expiry, q.duration, *pos_.now, false, timers_.clocks.zone);
    return end_timers_phase();
  }
  TimerQueue& q = *timers_.find(pos_.queues[option]);
  queue_first_and_due(q, timers_.clocks.zone);
  pos_.must_due = false;
  pos_.queue = q.serial;
  pos_.queue_first = true;
  timers_.running_queue = q.serial;
  // Node 10: the list's libuv timer runs its callback with a fresh read (`time.phase-clock`).
  if (profile_.phase_clock == PhaseClock::PerList)
    hold_now(pos_.queue_now, read_clock(false));
  else
    hold_now(pos_.queue_now, *pos_.now);
  pos_.stage = LoopPosition::Stage::Queue;
  if (q.timerwrap != 0) open_list(q);
}

void Machine::open_list(const TimerQueue& q) {
  // `timer.list-resource`: the list's callback runs between before and after of its TIMERWRAP; an
  // uncaught exception closes the pair (`uncaught.handled`: after of the whole stack) and a new pair
  // runs the rest, so the list's frame is pushed by hand, once per pair.
  ids_.stack.push_back(ExecFrame{q.timerwrap, resource(q.timerwrap).trigger, q.timerwrap});
  emit_each(&HookState::before, EventKind::Before, q.timerwrap);
}

bool Machine::queue_step() {
  TimerQueue* q = timers_.find(pos_.queue);
  if (q == nullptr || q->timers.empty()) {
    end_queue();
    return false;
  }
  // `loop.timers.fifo`: the queue's timers in order; each runs if due, the first that is not ends
  // the queue's turn.
  const Timer& t = q->timers.front();
  // The timer that set the queue's expiry is due when the queue is: the runtime compares the very
  // same numbers (a finer clock seen in whole milliseconds must not take them two ways).
  if (std::exchange(pos_.queue_first, false) && *t.start == q->expiry) {
    take_timer_due(0);
    return true;
  }
  Zone due = timers_.clocks.zone, not_due = timers_.clocks.zone;
  const bool can_run = due_bound(*t.start, t.duration, *pos_.queue_now, true, due);
  const bool can_wait = due_bound(*t.start, t.duration, *pos_.queue_now, false, not_due);
  pos_.options = (can_run ? 1 : 0) + (can_wait ? 1 : 0);
  if (pos_.options == 2) {
    pos_.choice = LoopPosition::Choice::TimerDue;
    return true;
  }
  take_timer_due(can_run ? 0 : 1);
  return true;
}

void Machine::take_timer_due(std::size_t option) {
  TimerQueue& q = *timers_.find(pos_.queue);
  const Timer timer = q.timers.front();
  if (option == 1) {
    // Not due yet: the list waits, its expiry now this timer's, with a new list id (Node's
    // listOnTimeout: `list.expiry = start + msecs; list.id = timerListId++`).
    due_bound(*timer.start, timer.duration, *pos_.queue_now, false, timers_.clocks.zone);
    timers_.clocks.release(q.expiry);
    if (profile_.phase_clock == PhaseClock::PerList) {
      // Node 10 re-arms the list's libuv timer from a fresh read R (`TimerWrap.now()`): its deadline
      // is max(start + msecs, R + 1), later than the timer's own when the list's callback took long.
      // The model keeps the deadline between start + msecs and R + msecs (an expiry between start
      // and R): it allows every such deadline, and a few that cannot be (a matrix run saw node@10
      // run a 5 ms list before such a 1 ms list, loop/timer-lists).
      const Clock fresh = read_clock(false);
      const Clock expiry = timers_.clocks.hold(timers_.clocks.zone.add());
      timers_.clocks.zone.constrain(*timer.start, expiry, TimeBound::at_most(0));
      timers_.clocks.zone.constrain(expiry, fresh, TimeBound::at_most(0));
      q.expiry = expiry;
    } else {
      q.expiry = timers_.clocks.hold(*timer.start);
    }
    q.order = timers_.next_order++;
    return end_queue();
  }
  due_bound(*timer.start, timer.duration, *pos_.queue_now, true, timers_.clocks.zone);
  // The drain after the last callback runs before this one, inside the phase (`loop.phase-context`);
  // `loop.drain-after` (variation point): Node 10 drains after each list only; after an uncaught
  // exception the next timer of the list runs before the leftover ticks (`uncaught.handled`,
  // `uncaught.next-timer`: Node runs processTimers again). The drain comes before the timer leaves
  // its list (Node's listOnTimeout: runNextTicks, then L.remove), so a tick or reaction that clears
  // it stops it (`timer.clear`: its destroy is queued, the callback does not run).
  if (pos_.ran && !loop_.interrupted && !profile_.drain_per_batch) drain_in_phase();
  loop_.interrupted = false;
  TimerQueue* still = timers_.find(pos_.queue);
  if (still == nullptr || still->timers.empty() || still->timers.front().id != timer.id) return;
  QueueTimers::remove(*still, 0, timers_.clocks);
  run_timer(timer);
  pos_.ran = true;
  // `uncaught.next-timer` (variation point): Bun and Deno catch a timer's exception and go on as
  // after any timer, the leftovers first.
  if (loop_.interrupted && profile_.next_timer == NextTimer::AfterDrain) loop_.interrupted = false;
  if (loop_.interrupted && profile_.timer_list == TimerList::TimerWrap) {
    loop_.interrupted = false;
    if (TimerQueue* list = timers_.find(pos_.queue)) open_list(*list);
  }
}

void Machine::run_timer(const Timer& timer) {
  // `timer.destroy`: a fired timeout's destroy is queued after its callback; an interval is armed
  // again (same id, no new init) unless its callback cleared it (`timer.interval`), with the start
  // `time.interval-start` says.
  timers_.running[timer.id] = false;
  std::optional<Clock> again;
  if (timer.interval && profile_.interval_start == IntervalStart::BeforeCallback)
    again = timers_.clocks.hold(read_clock(false));
  if (timer.interval && profile_.interval_start == IntervalStart::Phase)
    again = timers_.clocks.hold(*pos_.now);
  loop_.zero_after = profile_.after_zero == AfterZero::Callbacks;  // `uncaught.after-zero`
  invoke(timer.id, timer.block, [&] {
    if (!timer.interval && !timers_.running[timer.id]) queue_destroy(timer.id);
  });
  loop_.zero_after = false;
  if (timer.interval && profile_.interval_start == IntervalStart::AfterCallback)
    again = timers_.clocks.hold(read_clock(false));
  const bool cleared = timers_.running[timer.id];
  timers_.running.erase(timer.id);
  if (timer.interval && !cleared) {
    Timer rearmed{timer.id, timer.duration, timer.block, true};
    insert_timer(rearmed, *again, 0);
  } else if (again) {
    timers_.clocks.release(*again);
  }
}

void Machine::end_queue() {
  const std::uint64_t serial = pos_.queue;
  TimerQueue* q = timers_.find(serial);
  const AsyncId list = q != nullptr ? q->timerwrap : 0;
  if (list != 0) {
    emit_each(&HookState::after, EventKind::After, list);
    if (!ids_.stack.empty() && eid() == list) ids_.stack.pop_back();
  }
  timers_.running_queue.reset();
  // `uncaught.next-timer`: after an uncaught exception Node's processTimers runs again and re-enters
  // the list of the timer that threw (still the earliest), which counts as a list that ran: a timer
  // of another list runs only after runNextTicks.
  if (profile_.next_timer == NextTimer::SameList) loop_.interrupted = false;
  // An emptied list leaves the queue when its turn ends (Node's and Deno's listOnTimeout).
  if (q != nullptr && q->timers.empty()) remove_queue(serial);
  drop_now(pos_.queue_now);
  pos_.stage = LoopPosition::Stage::Timers;
  // `loop.drain-after` (variation point): Node 10 drains after each list.
  if (!profile_.drain_per_batch) return;
  drain();
  // `timer.list-resource`: when an uncaught exception abandons that drain, Node 10's
  // TimerWrap::OnTimeout calls the list's callback again with a fresh GetNow (a new before/after
  // pair of its TIMERWRAP), and the drain of that call's scope takes the leftovers. A list with
  // timers left runs its due ones in that call (a timer not due before may be now): the list's
  // turn starts over, and ends here again.
  if (loop_.interrupted && list != 0)
    if (TimerQueue* again = timers_.find(serial)) return recall_list(*again);
  while (loop_.interrupted && list != 0) {
    ids_.stack.push_back(ExecFrame{list, resource(list).trigger, list});
    emit_each(&HookState::before, EventKind::Before, list);
    emit_each(&HookState::after, EventKind::After, list);
    ids_.stack.pop_back();
    drain();
  }
}

void Machine::recall_list(TimerQueue& q) {
  loop_.interrupted = false;
  pos_.queue_first = false;  // not known to be due: the call compares with its own read
  timers_.running_queue = q.serial;
  hold_now(pos_.queue_now, read_clock(false));
  pos_.stage = LoopPosition::Stage::Queue;
  open_list(q);
}

void Machine::end_timers_phase() {
  // The phase's callback scope closes (only if JavaScript ran in it) and drains, outside it (after
  // an uncaught exception in the last timer too: Node runs processTimers again, which finds none).
  drop_now(pos_.now);
  pos_.stage = after_timers();
  loop_.interrupted = false;
  if (!pos_.ran || profile_.drain_per_batch) return;
  // `time.timers-again` (variation point): reads in this drain may start another timers phase.
  if (profile_.timers_again && profile_.phase_clock == PhaseClock::PerPhase)
    drain_after_timers_phase();
  else
    drain();
}

}  // namespace acx::model::detail
