// The event loop (spec/event-loop.md): ticks, microtasks and rejections drained after each callback,
// the check phase with its immediates, and the statements that queue work (nextTick,
// queueMicrotask, setImmediate, clearImmediate). The timers phase is in timers.cpp.
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

void Machine::drain() {
  // `loop.drain` (processTicksAndRejections): every tick, then every microtask, then the pending
  // rejections, until all are empty. The mutation runs microtasks first.
  loop_.interrupted = false;
  do {
    do {
      if (mutated("loop.drain")) run_microtasks();
      while (!loop_.ticks.empty()) {
        const Tick tick = loop_.ticks.front();
        loop_.ticks.pop_front();
        // `tick.destroy` (variation point): queued after the callback, or (Node 10) before it.
        if (profile_.tick_destroy_first)
          invoke(tick.id, tick.block, {}, [&] { queue_destroy(tick.id); });
        else
          invoke(tick.id, tick.block, [&] { queue_destroy(tick.id); });
        // `uncaught.handled`: an uncaught exception ends this drain; what is left waits for the next
        // callback scope. `uncaught.tick-leftovers` (variation point): Bun and Deno catch it per tick
        // and go on.
        if (loop_.interrupted && profile_.tick_leftovers_at_once) loop_.interrupted = false;
        if (loop_.interrupted) return;
      }
      run_microtasks();
      if (loop_.interrupted) return;
    } while (!loop_.ticks.empty());
  } while (!reports_at_turns() && process_rejections() && !loop_.interrupted);
  // `rejection.report-point` loop-turn (Bun): a drain runs ticks and microtasks only; rejections
  // wait for the start of the next loop turn (report_rejections).
}

void Machine::drain_in_phase() {
  // `loop.phase-context`: between two callbacks of a phase, Node drains (runNextTicks) inside the
  // MakeCallback that runs the phase: async id 0, trigger 0, the process object as resource. A tick
  // that throws clears the stack (`uncaught.handled`); then there is nothing left to pop.
  std::optional<ExecScope> phase;
  if (!mutated("loop.phase-context")) phase.emplace(ids_.stack, ExecFrame{0, 0, kProcessResource});
  drain();
}

void Machine::run_microtasks() {
  while (!loop_.jobs.empty()) {
    const Job job = loop_.jobs.pop_front();
    // `uncaught.microtask-frame`: a frame left by the last microtask's report reaches this one only.
    inherited_frame_ = std::exchange(kept_frame_, std::nullopt);
    run_job(job);
    inherited_frame_.reset();
  }
  kept_frame_.reset();  // the checkpoint's end: the next one starts with no frame (probed)
}

Frame Machine::job_frame(const Frame& captured) const {
  return captured != kNoFrame || !inherited_frame_ ? captured : *inherited_frame_;
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
      if (!hooks_.promise_hook.wanted) hooks_.promise_hook.installed = false;
      break;
    case Job::Kind::QueueMicrotask:
      run_queued_microtask(job);
      break;
  }
}

void Machine::run_queued_microtask(const Job& job) {
  // `microtask.resource`: runInAsyncScope, then emitDestroy. `uncaught.microtask`: a throw is
  // reported after the Microtask's after, with an empty stack, and the drain goes on.
  if (job.resource != 0 && profile_.microtask_throw_in_scope) {
    // `uncaught.microtask` (variation point): Node 12 catches the exception inside
    // runInAsyncScope, so it is reported like a callback's (`uncaught.handler`); the drain goes on.
    invoke(job.resource, job.block, [&] { queue_destroy(job.resource); });
    loop_.interrupted = false;
    return;
  }
  // The frame model: the microtask starts in the frame it captured (V8 sets it), or the one a
  // report left; the callback's enterWith changes it until the throw.
  const Frame start = job_frame(job.resource != 0 ? storage_->resource_context(job.resource) : job.frame);
  Frame at_throw = start;
  Completion c;
  if (job.resource != 0) {
    c = run_in_scope(job.resource, [&] {
      Completion inner = call_callback(*job.block);
      at_throw = storage_->capture();
      return inner;
    });
    queue_destroy(job.resource);
  } else {
    const Frame saved = storage_->swap(start);
    c = call_callback(*job.block);  // call_callback counts the step
    at_throw = storage_->swap(saved);
  }
  if (c.kind != Completion::Kind::Throw) return;
  loop_.zero_after = profile_.after_zero == AfterZero::Callbacks;  // `uncaught.after-zero`
  // `uncaught.microtask-frame` (variation point): V8 reports the exception in the frame current
  // when it left the task: a bare callback's own (Node, Deno); a Microtask resource's
  // runInAsyncScope restored the start frame on the way out (Node), which Deno, whose
  // queueMicrotask wraps nothing, does not; Bun reports in the start frame. (The hook model has no
  // frames: these swaps do nothing there.)
  const MicrotaskThrowFrame how = profile_.microtask_throw_frame;
  {
    const bool own =
        how == MicrotaskThrowFrame::Throw || (how == MicrotaskThrowFrame::ThrowKept && job.resource == 0);
    const ContextScope report(*storage_, storage_->swap(own ? at_throw : start));
    uncaught(c.value);
    // Node's V8 does not clear the frame after a throwing task: what the listener left is current
    // for the next microtask that has none of its own.
    if (how == MicrotaskThrowFrame::ThrowKept) kept_frame_ = storage_->capture();
  }
  loop_.interrupted = false;
}

bool Machine::leftovers() const {
  return !loop_.ticks.empty() || !loop_.jobs.empty() || !errors_.pending_rejections.empty();
}

void Machine::poll_phase() {
  // `loop.platform-task`: Node runs the tasks V8 posts to the main thread from its poll phase, each
  // inside a callback scope that drains ticks, microtasks and rejections when it closes. Whether a
  // task comes in a given iteration is timing, so the model takes both; it shows only when an
  // abandoned drain left something.
  pos_.stage = LoopPosition::Stage::Check;
  if (!profile_.platform_task_drains || !leftovers()) return;
  pos_.options = 2;
  pos_.choice = LoopPosition::Choice::PlatformTask;
}

void Machine::take_platform_task(std::size_t option) {
  if (option == 0) drain();
}

void Machine::check_phase() {
  // `hooks.destroy-queue`: queued destroys are emitted first (a native immediate), then the immediates
  // that were queued when the phase started (`loop.check`), each followed by a drain.
  const bool native = !loop_.destroy_queue.empty();
  if (native) {
    const auto ids = std::move(loop_.destroy_queue);
    loop_.destroy_queue.clear();
    for (AsyncId id : ids) emit_each(&HookState::destroy, EventKind::Destroy, id);
  }
  // `loop.check-drain` (variation point): the native immediates' callback scope closes, which
  // drains what an abandoned drain left (`uncaught.handled`): on every check phase (Node 12..24),
  // only when native immediates ran (Node 26), or never (Node 10).
  if (profile_.check_drain == CheckDrain::Always ||
      (profile_.check_drain == CheckDrain::NativeImmediates && native))
    drain();
  // The rest of a batch an uncaught exception cut off runs first, as a batch of its own
  // (`uncaught.next-immediate`): the immediates queued meanwhile wait for the next check phase.
  std::deque<Immediate>& source = loop_.outstanding.empty() ? loop_.immediates : loop_.outstanding;
  auto batch = std::move(source);
  source.clear();
  bool ran = false;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const Immediate imm = batch[k];                            // a copy: the batch may grow below
    if (loop_.finished_immediates.contains(imm.id)) continue;  // cleared before its turn
    // The drain after the last immediate runs before this one, inside the phase
    // (`loop.phase-context`); `loop.drain-after` (variation point): Node 10 drains once after the
    // whole batch; after an uncaught exception the next immediate runs before the leftover ticks
    // (`uncaught.handled`: Node runs processImmediate again).
    if (ran && !loop_.interrupted && !profile_.drain_per_batch) drain_in_phase();
    loop_.interrupted = false;
    if (!loop_.finished_immediates.insert(imm.id).second) continue;  // that drain cleared it
    loop_.zero_after = profile_.after_zero != AfterZero::None;       // `uncaught.after-zero`
    invoke(imm.id, imm.block, [&] { queue_destroy(imm.id); });
    loop_.zero_after = false;
    ran = true;
    // `uncaught.next-immediate` (variation point): Deno's runImmediateCallbacks catches the
    // exception and returns to the loop, which drains; runImmediates left the rest of the batch in
    // its outstanding queue, which the next check phase takes, after that iteration's timers.
    if (loop_.interrupted && k + 1 < batch.size() &&
        profile_.next_immediate == NextImmediate::NextIteration) {
      loop_.outstanding.assign(batch.begin() + static_cast<std::ptrdiff_t>(k + 1), batch.end());
      break;
    }
    // `uncaught.last-immediate` (variation point): after an uncaught exception in the batch's last
    // immediate, Node >= 12 calls processImmediate again, which, with none of the batch left, takes
    // the immediates queued meanwhile (Node's noop among them) as a new batch of this phase: its
    // first runs before the leftovers.
    if (loop_.interrupted && k + 1 == batch.size() &&
        profile_.last_immediate_throw == LastImmediateThrow::Rerun) {
      batch.insert(batch.end(), loop_.immediates.begin(), loop_.immediates.end());
      loop_.immediates.clear();
    }
  }
  // Outside the phase, when its callback scope closes. After an uncaught exception in the last
  // immediate (`uncaught.last-immediate`): Node 10 does not drain (the leftovers wait for the next
  // callback); Bun and Deno drain, and what was queued meanwhile waits for the next iteration.
  // `rejection.report-point` loop-turn: Bun drains when an immediate's callback returns, so a turn
  // without immediates leaves what the turn's rejection listeners queued for the next callback.
  const bool closes = ran || !reports_at_turns();
  if (closes && !(loop_.interrupted && profile_.last_immediate_throw == LastImmediateThrow::EndPhase)) {
    loop_.interrupted = false;
    drain();
  }
  // `timer.list-resource`: the lists closed in this iteration are destroyed by their close
  // callbacks, after the check phase; libuv runs close callbacks last closed first.
  for (auto id = timers_.closing.rbegin(); id != timers_.closing.rend(); ++id) queue_destroy(*id);
  timers_.closing.clear();
}

void Machine::next_tick(const Statement& st) {
  // `tick.resource`
  const AsyncId trigger = mutated("stack.default-trigger") ? kModelRootId : default_trigger();
  const AsyncId id = init_resource("TickObject", trigger);
  if (profile_.tick_queue == TickQueue::Microtask) {
    // `tick.queue` (variation point): a microtask in FIFO order with promise jobs (workerd).
    Job job{Job::Kind::QueueMicrotask};
    job.block = &st.blocks[0];
    job.resource = id;
    loop_.jobs.push_back(std::move(job));
    return;
  }
  loop_.ticks.push_back(Tick{id, &st.blocks[0]});
}

void Machine::queue_microtask(const Statement& st) {
  // `microtask.resource` (variation point): a Microtask AsyncResource, or a bare V8 microtask.
  Job job{Job::Kind::QueueMicrotask};
  job.block = &st.blocks[0];
  // Node 24: `if (AsyncContextFrame.current() || enabledHooksExist())`; a frame exists once any
  // run has happened (run restores the prior value with a new frame).
  const bool with_resource = profile_.microtask_resource == MicrotaskResource::Always ||
                             storage_->has_frame() || !hooks_.active.empty();
  if (with_resource) job.resource = init_resource("Microtask", default_trigger());
  job.frame = storage_->capture();
  loop_.jobs.push_back(std::move(job));
}

void Machine::set_immediate(const Statement& st) {
  const AsyncId id = init_resource("Immediate", default_trigger());  // `immediate.resource`
  loop_.immediates.push_back(Immediate{id, &st.blocks[0]});
  bind(st, Bound{Kind::Immediate, static_cast<std::size_t>(id)});
}

void Machine::clear_immediate(const Statement& st) {
  // `immediate.clear`: an immediate that has not run is removed, even one in the running batch, and
  // its destroy queued.
  const auto id = static_cast<AsyncId>(bound(st.args[0].slot).index);
  if (loop_.finished_immediates.contains(id)) return;
  loop_.finished_immediates.insert(id);
  std::erase_if(loop_.immediates, [&](const Immediate& i) { return i.id == id; });
  std::erase_if(loop_.outstanding, [&](const Immediate& i) { return i.id == id; });
  queue_destroy(id);
}

}  // namespace acx::model::detail
