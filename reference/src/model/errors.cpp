// Errors (spec/errors.md): exceptions that reach the event loop, 'uncaughtException' and
// 'unhandledRejection' listeners, the processing of unhandled rejections, exit codes.
#include "machine_impl.h"

namespace acx::model::detail {

void Machine::process_on(const Statement& st) {
  auto& handlers = st.args[0].text == "unhandledRejection" ? errors_.unhandled_rejection_handlers
                                                           : errors_.uncaught_exception_handlers;
  handlers.push_back(&st.blocks[0]);
}

void Machine::uncaught(const RValue& reason) {
  (void)reason;
  // `uncaught.exit`: with no 'uncaughtException' listener the process exits with code 1.
  if (errors_.uncaught_exception_handlers.empty()) throw ProcessExit{1};
  // `uncaught.handler`: the listeners run in the context that threw (still on the stack).
  // A copy: a listener may add listeners, which (as in EventEmitter.emit) wait for the next event.
  const auto handlers = errors_.uncaught_exception_handlers;
  for (const Block* handler : handlers) {
    const Completion c = call_callback(*handler);
    if (c.kind == Completion::Kind::Throw) throw ProcessExit{7};  // a throwing handler is fatal
  }
  // `uncaught.handled`: Node then queues a noop immediate (so that the loop turns once more), emits
  // after for every id on the stack, and clears the stack.
  const AsyncId noop = init_resource("Immediate", default_trigger());
  loop_.immediates.push_back(Immediate{noop, nullptr});
  auto& stack = ids_.stack;
  if (has(&HookState::after)) {
    while (!stack.empty()) {
      const AsyncId id = eid();
      if (id != 0 && !stack.back().hidden) emit_each(&HookState::after, EventKind::After, id);
      stack.pop_back();
    }
    // `uncaught.after-zero` (variation point): Node 10..14's after-loop is a do-while over
    // executionAsyncId() that also emits for id 0: observed under timer and queueMicrotask callbacks
    // (Node 12..14) and immediate callbacks (Node 10..14).
    if (loop_.zero_after) emit_each(&HookState::after, EventKind::After, 0);
  }
  loop_.zero_after = false;
  stack.clear();
  loop_.interrupted = true;
}

bool Machine::process_rejections() {
  // `rejection.unhandled`: after ticks and microtasks, each rejection still without a handler is
  // reported to 'unhandledRejection' listeners, in the rejected promise's context; with none, it
  // becomes an uncaught exception.
  bool any = false;
  // `rejection.processing` (variation point): Node >= 20 first take every rejection still unhandled
  // out of the queue, and report each of them; Node 10..18 take one at a time and skip a promise
  // that got a handler meanwhile, also from a listener of this processing.
  const bool snapshot = profile_.rejection_snapshot;
  std::deque<PendingRejection> taken;
  if (snapshot) {
    for (auto& pending : errors_.pending_rejections)
      if (errors_.maybe_unhandled.erase(pending.promise)) taken.push_back(std::move(pending));
    errors_.pending_rejections.clear();
  }
  std::deque<PendingRejection>& queue = snapshot ? taken : errors_.pending_rejections;
  std::size_t count = queue.size();
  while (count-- > 0) {
    const PendingRejection pending = std::move(queue.front());
    queue.pop_front();
    if (!snapshot && !errors_.maybe_unhandled.erase(pending.promise)) continue;
    any = true;
    const PromiseState& p = promises_.all[pending.promise];
    // `rejection.listener-context` (variation point): Node 10..14 push nothing, so the listeners
    // see the drain's own context.
    const bool pushed = p.id != 0 && profile_.rejection_ids == RejectionIds::Promise;
    std::optional<ExecScope> context;
    if (pushed) context.emplace(ids_.stack, ExecFrame{p.id, p.trigger, p.id});
    // `rejection.context` (variation point in effect): the frame at rejection time (frame model);
    // the promise's own stores, copied at its creation (hook model). `drain` (Bun): the context the
    // processing runs in: what the main script left, in the drain after it; none after a callback.
    const Frame saved = storage_->swap(pending.frame);
    if (profile_.rejection_context == ListenerContext::Drain)
      storage_->swap(loop_.main_drain ? saved : kNoFrame);
    const RValue reason = p.value;
    if (errors_.unhandled_rejection_handlers.empty()) {
      // `rejection.unhandled-mode` (variation point): Node 10..14 only print a warning.
      if (profile_.unhandled_mode == UnhandledMode::Warn) {
        context.reset();
        storage_->swap(saved);
        continue;
      }
      // Reported as an uncaught exception from a promise: the drain goes on afterwards.
      uncaught(reason);
      loop_.interrupted = false;
    } else {
      const auto handlers = errors_.unhandled_rejection_handlers;  // listeners may add listeners
      for (const Block* handler : handlers) {
        const Completion c = call_callback(*handler);
        if (c.kind == Completion::Kind::Throw) {
          // `uncaught.handler`: a throwing listener is reported with the promise's context gone
          // (eid 0, tid 0, no store: the drain's own context, which is the root's on Node 10 after
          // the main script); the rest of this processing is abandoned.
          context.reset();
          storage_->swap(saved);
          // `rejection.processing`: the rest of what Node >= 20 took out is never reported; Node
          // 10..18 report the rest, still in the queue, in a later processing.
          uncaught(c.value);
          return true;
        }
      }
      context.reset();
    }
    storage_->swap(saved);
  }
  return any;
}

void Machine::report_rejections() {
  // `rejection.report-point` loop-turn: Bun's handle_rejected_promises takes the pending rejections
  // until none is left, so a rejection a listener makes is reported in the same call, before any
  // tick or microtask the listeners queued; those wait for the next callback or loop turn. An
  // exception a listener throws does not end the call.
  while (process_rejections()) loop_.interrupted = false;
}

}  // namespace acx::model::detail
