// The event loop (spec/event-loop.md): tick, microtask and rejection draining, the timers phase
// with the orders the spec leaves open, and the check phase.
#include <algorithm>
#include <map>
#include <set>

#include "machine_impl.h"

namespace acx::model::detail {

void Machine::drain() {
  // `loop.drain` (processTicksAndRejections): every tick, then every microtask, then the pending
  // rejections, until all are empty. The mutation runs microtasks first.
  interrupted_ = false;
  do {
    do {
      if (mutated("loop.drain")) run_microtasks();
      while (!ticks_.empty()) {
        const Tick tick = ticks_.front();
        ticks_.pop_front();
        // `tick.destroy` (variation point): queued after the callback, or (Node 10) before it.
        if (profile_.tick_destroy_first)
          invoke(tick.id, tick.block, {}, [&] { queue_destroy(tick.id); });
        else
          invoke(tick.id, tick.block, [&] { queue_destroy(tick.id); });
        // `uncaught.handled`: an uncaught exception ends this drain; what is left waits for the next.
        // `uncaught.tick-leftovers` (variation point): Node 14 drains them at once after the main script.
        if (interrupted_ && main_drain_ && profile_.tick_leftovers_first) interrupted_ = false;
        if (interrupted_) return;
      }
      run_microtasks();
      if (interrupted_) return;
    } while (!ticks_.empty());
  } while (process_rejections() && !interrupted_);
}

void Machine::drain_in_phase() {
  // `loop.phase-context`: between two callbacks of a phase, Node drains (runNextTicks) inside the
  // MakeCallback that runs the phase: async id 0, trigger 0, the process object as resource.
  if (!mutated("loop.phase-context")) stack_.push_back(ExecFrame{0, 0, kProcessResource});
  drain();
  if (!stack_.empty() && stack_.back().resource == kProcessResource) stack_.pop_back();
}

void Machine::run_microtasks() {
  while (!jobs_.empty()) {
    const Job job = jobs_.pop_front();
    // `uncaught.microtask-frame`: a frame left by the last microtask's report reaches this one only.
    inherited_frame_ = std::exchange(kept_frame_, std::nullopt);
    run_job(job);
    inherited_frame_.reset();
  }
  kept_frame_.reset();  // the checkpoint's end: the next one starts with no frame (probed)
}

void Machine::run_job(const Job& job) {
  switch (job.kind) {
    case Job::Kind::Reaction:
      run_reaction(job);
      break;
    case Job::Kind::ResolveThenable:
      run_thenable_job(job);
      break;
    case Job::Kind::DisablePromiseHook:
      // `promise.tracking-off`
      if (!promise_hook_.wanted) promise_hook_.installed = false;
      break;
    case Job::Kind::QueueMicrotask: {
      // `microtask.resource`: runInAsyncScope, then emitDestroy. `uncaught.microtask`: a throw is
      // reported after the Microtask's after, with an empty stack, and the drain goes on.
      Completion c;
      if (job.resource != 0 && profile_.microtask_throw_in_scope) {
        // `uncaught.microtask` (variation point): Node 12 catches the exception inside
        // runInAsyncScope, so it is reported like a callback's (`uncaught.handler`); the drain goes on.
        invoke(job.resource, job.block, [&] { queue_destroy(job.resource); });
        interrupted_ = false;
        break;
      }
      // The frame model: the microtask starts in the frame it captured (V8 sets it), or the one a
      // report left; the callback's enterWith changes it until the throw.
      const Frame start = job_frame(job.resource != 0 ? resource(job.resource).frame : job.frame);
      Frame at_throw = start;
      if (job.resource != 0) {
        c = run_in_scope(job.resource, [&] {
          Completion inner = call_callback(*job.block);
          at_throw = frame_;
          return inner;
        });
        queue_destroy(job.resource);
      } else {
        Frame saved = frame_;
        frame_ = start;
        c = call_callback(*job.block);  // call_callback counts the step
        at_throw = std::exchange(frame_, std::move(saved));
      }
      if (c.kind == Completion::Kind::Throw) {
        zero_after_ = profile_.after_zero == AfterZero::Callbacks;  // `uncaught.after-zero`
        // `uncaught.microtask-frame` (variation point): V8 reports the exception in the frame current
        // when it left the task: a bare callback's own (Node, Deno); a Microtask resource's
        // runInAsyncScope restored the start frame on the way out (Node), which Deno, whose
        // queueMicrotask wraps nothing, does not; Bun reports in the start frame.
        const bool frames = profile_.als_model == AlsModel::Frame;
        const MicrotaskThrowFrame how = profile_.microtask_throw_frame;
        Frame saved = frame_;
        if (frames) {
          const bool own = how == MicrotaskThrowFrame::Throw ||
                           (how == MicrotaskThrowFrame::ThrowKept && job.resource == 0);
          frame_ = own ? at_throw : start;
        }
        uncaught(c.value);
        // Node's V8 does not clear the frame after a throwing task: what the listener left is
        // current for the next microtask that has none of its own.
        if (frames && how == MicrotaskThrowFrame::ThrowKept) kept_frame_ = frame_;
        frame_ = std::move(saved);
        interrupted_ = false;
      }
      break;
    }
  }
}

void Machine::timers_phase() {
  if (profile_.timer_list == TimerList::TimerWrap) return timer_lists_phase();
  // `loop.timers.eligible`: only timers that exist when the phase starts can run in it.
  const std::uint64_t phase_start = created_counter_;
  // `loop.timers.must-run`: with no immediate and no queued destroy the loop blocks in poll until a
  // timer is due, so the phase after that runs at least one.
  bool must_run = immediates_.empty() && destroy_queue_.empty();
  bool ran = false;
  while (true) {
    // `loop.timers.fifo`: among timers of one duration the oldest goes first; timers of different
    // durations are not ordered (`loop.timers.unordered`), so each duration's oldest is a candidate.
    std::map<std::int64_t, std::size_t> oldest;  // duration -> index in timers_
    for (std::size_t i = 0; i < timers_.size(); ++i) {
      const Timer& t = timers_[i];
      if (t.created >= phase_start) continue;
      auto [it, inserted] = oldest.try_emplace(t.duration, i);
      if (!inserted && timers_[it->second].created > t.created) it->second = i;
    }
    if (oldest.empty()) break;
    std::vector<std::size_t> candidates;
    for (const auto& [duration, index] : oldest) candidates.push_back(index);
    // Options: [stop the phase] then each candidate, shortest duration first.
    const std::size_t stop = must_run ? 0 : 1;
    const std::size_t options = stop + candidates.size();
    const std::size_t pick = options == 1 ? 0 : chooser_.choose(options);
    if (pick < stop) break;
    const AsyncId chosen = timers_[candidates[pick - stop]].id;
    // The drain after the last callback runs before the next one, inside the phase
    // (`loop.phase-context`); after an uncaught exception the next timer runs before the leftover
    // ticks (`uncaught.handled`: Node runs processTimers again).
    if (ran && !interrupted_) drain_in_phase();
    interrupted_ = false;
    // That drain may have cleared the chosen timer: choose again.
    const auto it =
        std::find_if(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.id == chosen; });
    if (it == timers_.end()) continue;
    const Timer timer = *it;
    timers_.erase(it);
    // `timer.destroy`: a fired timeout's destroy is queued after its callback.
    run_timer(timer);
    must_run = false;
    ran = true;
  }
  // The phase's callback scope closes (only if JavaScript ran in it) and drains, outside it (after
  // an uncaught exception in the last timer too: Node runs processTimers again, which finds none).
  interrupted_ = false;
  if (ran) drain();
}

void Machine::run_timer(const Timer& timer) {
  // `timer.destroy`: a fired timeout's destroy is queued after its callback; an interval is armed
  // again (same id, no new init) unless its callback cleared it (`timer.interval`).
  running_timers_[timer.id] = false;
  zero_after_ = profile_.after_zero == AfterZero::Callbacks;  // `uncaught.after-zero`
  invoke(timer.id, timer.block, [&] {
    if (!timer.interval && !running_timers_[timer.id]) queue_destroy(timer.id);
  });
  zero_after_ = false;
  const bool cleared = running_timers_[timer.id];
  running_timers_.erase(timer.id);
  if (timer.interval && !cleared) {
    Timer again = timer;
    again.created = created_counter_++;
    timers_.push_back(again);
  }
}

void Machine::check_phase() {
  // `hooks.destroy-queue`: queued destroys are emitted first (a native immediate), then the immediates
  // that were queued when the phase started (`loop.check`), each followed by a drain.
  const bool native = !destroy_queue_.empty();
  if (native) {
    const auto ids = std::move(destroy_queue_);
    destroy_queue_.clear();
    for (AsyncId id : ids) emit_each(&HookState::destroy, EventKind::Destroy, id);
  }
  // `loop.check-drain` (variation point): the native immediates' callback scope closes, which
  // drains what an abandoned drain left (`uncaught.handled`): on every check phase (Node 12..24),
  // only when native immediates ran (Node 26), or never (Node 10).
  if (profile_.check_drain == CheckDrain::Always ||
      (profile_.check_drain == CheckDrain::NativeImmediates && native))
    drain();
  auto batch = std::move(immediates_);
  immediates_.clear();
  bool ran = false;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const Immediate imm = batch[k];                       // a copy: the batch may grow below
    if (finished_immediates_.contains(imm.id)) continue;  // cleared before its turn
    // The drain after the last immediate runs before this one, inside the phase
    // (`loop.phase-context`); `loop.drain-after` (variation point): Node 10 drains once after the
    // whole batch; after an uncaught exception the next immediate runs before the leftover ticks
    // (`uncaught.handled`: Node runs processImmediate again).
    if (ran && !interrupted_ && !profile_.drain_per_batch) drain_in_phase();
    interrupted_ = false;
    if (!finished_immediates_.insert(imm.id).second) continue;  // that drain cleared it
    zero_after_ = profile_.after_zero != AfterZero::None;       // `uncaught.after-zero`
    invoke(imm.id, imm.block, [&] { queue_destroy(imm.id); });
    zero_after_ = false;
    ran = true;
    // `uncaught.last-immediate` (variation point): after an uncaught exception in the batch's last
    // immediate, Node >= 12 calls processImmediate again, which, with none of the batch left, takes
    // the immediates queued meanwhile (Node's noop among them) as a new batch of this phase: its
    // first runs before the leftovers.
    if (interrupted_ && k + 1 == batch.size() && profile_.last_immediate_throw == LastImmediateThrow::Rerun) {
      batch.insert(batch.end(), immediates_.begin(), immediates_.end());
      immediates_.clear();
    }
  }
  // Outside the phase, when its callback scope closes. After an uncaught exception in the last
  // immediate (`uncaught.last-immediate`): Node 10 does not drain (the leftovers wait for the next
  // callback); Bun and Deno drain, and what was queued meanwhile waits for the next iteration.
  if (!(interrupted_ && profile_.last_immediate_throw == LastImmediateThrow::EndPhase)) {
    interrupted_ = false;
    drain();
  }
  // `timer.list-resource`: the lists closed in this iteration are destroyed by their close
  // callbacks, after the check phase; libuv runs close callbacks last closed first.
  for (auto id = closing_.rbegin(); id != closing_.rend(); ++id) queue_destroy(*id);
  closing_.clear();
}

std::optional<std::size_t> Machine::oldest_due(std::int64_t duration, std::uint64_t phase_start) const {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < timers_.size(); ++i) {
    const Timer& t = timers_[i];
    if (t.duration != duration || t.created >= phase_start) continue;
    if (!best || timers_[*best].created > t.created) best = i;
  }
  return best;
}

void Machine::close_list_if_empty(std::int64_t duration) {
  if (profile_.timer_list != TimerList::TimerWrap) return;
  if (std::any_of(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.duration == duration; }))
    return;
  auto it = timer_lists_.find(duration);
  if (it == timer_lists_.end()) return;
  closing_.push_back(it->second);
  timer_lists_.erase(it);
}

void Machine::timer_lists_phase() {
  // `timer.list-resource`: each list's libuv timer fires at most once per timers phase (a list
  // re-armed for its later timers waits for a later phase); lists of different durations are not
  // ordered (`loop.timers.unordered`); `loop.timers.eligible` and `loop.timers.must-run` as usual.
  const std::uint64_t phase_start = created_counter_;
  bool must_run = immediates_.empty() && destroy_queue_.empty();
  std::set<std::int64_t> ran;
  while (true) {
    std::vector<std::int64_t> candidates;
    for (const auto& [duration, list] : timer_lists_)
      if (!ran.contains(duration) && oldest_due(duration, phase_start)) candidates.push_back(duration);
    if (candidates.empty()) break;
    const std::size_t stop = must_run ? 0 : 1;
    const std::size_t options = stop + candidates.size();
    const std::size_t pick = options == 1 ? 0 : chooser_.choose(options);
    if (pick < stop) break;
    const std::int64_t duration = candidates[pick - stop];
    ran.insert(duration);
    run_timer_list(duration, phase_start);
    must_run = false;
  }
}

void Machine::run_timer_list(std::int64_t duration, std::uint64_t phase_start) {
  // `timer.list-resource`: the list's callback runs between before and after of its TIMERWRAP; inside,
  // every due timer of the list with its own before/after; the first is due (it armed the list), a
  // later one may not be yet. An uncaught exception closes the pair (`uncaught.handled`: after of the
  // whole stack) and a new pair runs the rest. The drain follows the list (`loop.drain-after`).
  const AsyncId list = timer_lists_.at(duration);
  running_list_ = duration;
  const auto open = [&] {
    stack_.push_back(ExecFrame{list, resource(list).trigger, list});
    emit_each(&HookState::before, EventKind::Before, list);
  };
  open();
  bool first = true;
  while (auto index = oldest_due(duration, phase_start)) {
    if (!first && chooser_.choose(2) == 0) break;  // not due yet: the list is armed again
    first = false;
    const Timer timer = timers_[*index];
    timers_.erase(timers_.begin() + static_cast<std::ptrdiff_t>(*index));
    run_timer(timer);
    if (interrupted_) {
      interrupted_ = false;
      open();
    }
  }
  emit_each(&HookState::after, EventKind::After, list);
  if (!stack_.empty() && eid() == list) stack_.pop_back();
  running_list_.reset();
  close_list_if_empty(duration);
  drain();
}

}  // namespace acx::model::detail
