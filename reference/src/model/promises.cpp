// Promises (spec/promises.md): PROMISE resources, their triggers, reactions and settlement, as Node's
// promise hook (lib/internal/async_hooks.js) and V8's promise jobs produce them; rejection tracking
// (spec/errors.md).
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

AsyncId Machine::get_or_set_id(std::size_t p) {
  // `promise.lazy-id`: a parent that was never tracked gets an id now, with no trigger (NaN).
  PromiseState& parent = promises_[p];
  if (parent.id == 0) {
    parent.id = new_id();
    resource(parent.id).type = "PROMISE";
    // `promise.hook`: PromiseWrap gives it a wrapper like any other, triggered by the current context.
    if (profile_.promise_hook == PromiseHook::PromiseWrap)
      parent.trigger = resource(parent.id).trigger = eid();
  }
  return parent.id;
}

void Machine::track_lazily(std::size_t p) {
  // `promise.lazy-id`: trackPromise(promise, null) in the before/after/settled hooks.
  PromiseState& promise = promises_[p];
  if (promise.id != 0) return;
  promise.trigger = default_trigger();
  promise.id = new_id();
  resource(promise.id).type = "PROMISE";
  resource(promise.id).trigger = promise.trigger;
}

std::size_t Machine::create_promise(std::optional<std::size_t> parent) {
  const std::size_t index = promises_.size();
  promises_.emplace_back();
  // `promise.tracking`: ids are given at creation only while Node's promise init hook is installed.
  if (promise_hook_.installed && promise_hook_.init) {
    // `promise.trigger`: the parent's id is taken (or made) before the child's, so parent < child.
    const AsyncId trigger = parent ? get_or_set_id(*parent) : default_trigger();
    const AsyncId id = new_id();
    promises_[index].id = id;
    promises_[index].trigger = trigger;
    emit_init(id, "PROMISE", trigger);  // `promise.init`
  }
  return index;
}

void Machine::resolve(std::size_t p, const RValue& value) {
  // A promise's resolve and reject functions work once between them (`promise.resolve-once`).
  if (promises_[p].already_resolved) return multiple_resolves(p);
  promises_[p].already_resolved = true;
  resolve_unchecked(p, value);
}

void Machine::reject(std::size_t p, const RValue& reason) {
  if (promises_[p].already_resolved) return multiple_resolves(p);
  promises_[p].already_resolved = true;
  reject_unchecked(p, reason);
}

void Machine::multiple_resolves(std::size_t p) {
  // `promise.multiple-resolves` (variation point): V8 reports the call to Node
  // (kPromiseResolveAfterResolved / kPromiseRejectAfterResolved), whose resolveError calls
  // process.nextTick to emit 'multipleResolves': a TickObject that runs no scenario code. Node 16..18
  // call it with the promise's context pushed (if the promise has an id and a trigger).
  if (profile_.multiple_resolves == MultipleResolves::None) return;
  const PromiseState& promise = promises_[p];
  const bool push = profile_.multiple_resolves == MultipleResolves::TickInPromise && promise.id != 0 &&
                    promise.trigger != kNaNId;
  if (push) stack_.push_back(ExecFrame{promise.id, promise.trigger, promise.id});
  const AsyncId id = init_resource("TickObject", default_trigger());
  if (push) stack_.pop_back();
  ticks_.push_back(Tick{id, nullptr});
}

void Machine::resolve_unchecked(std::size_t p, const RValue& value) {
  if (value.is_thenable()) {
    const bool itself = value.ref == RValue::Ref::Promise && value.index == p;
    // `promise.resolve-early` (variation point): Node 10..12's V8 runs the promise hook's resolve
    // part when the resolve function is called, whatever the value (and again at settlement);
    // `promise.self-resolution` (variation point): Node 14..16's for a promise resolved with itself.
    if ((profile_.resolve_early || (itself && profile_.self_resolution_twice)) && reports_settlement()) {
      track_lazily(p);
      emit_each(&HookState::promise_resolve, EventKind::PromiseResolve, promises_[p].id);
    }
    // `promise.adopt`: a promise resolved with itself is rejected at once with a TypeError
    // (ECMAScript Promise Resolve Functions: "Chaining cycle detected").
    if (itself) return settle(p, PromiseState::State::Rejected, RValue::failure("TypeError"));
    // `promise.adopt`: resolving with a promise or thenable settles nothing yet and reports
    // nothing; it queues a job that calls the thenable's then with fresh resolving functions.
    Job job{Job::Kind::ResolveThenable};
    job.promise = p;
    job.thenable = value;
    job.frame = frame_;
    jobs_.push_back(std::move(job));
    return;
  }
  settle(p, PromiseState::State::Fulfilled, value);
}

void Machine::reject_unchecked(std::size_t p, const RValue& reason) {
  settle(p, PromiseState::State::Rejected, reason);
}

void Machine::settle(std::size_t p, PromiseState::State state, const RValue& value) {
  // `promise.resolve`: promiseResolve fires when a promise is fulfilled or rejected.
  if (reports_settlement()) {
    track_lazily(p);
    emit_each(&HookState::promise_resolve, EventKind::PromiseResolve, promises_[p].id);
  }
  PromiseState& promise = promises_[p];
  promise.state = state;
  promise.value = value;
  const bool rejected = state == PromiseState::State::Rejected;
  if (rejected && !promise.has_handler) {
    // `rejection.unhandled`: a rejection with no handler waits for processPromiseRejections.
    maybe_unhandled_.insert(p);
    pending_rejections_.push_back(PendingRejection{p, frame_});
  }
  auto reactions = std::move(promise.reactions);
  promise.reactions.clear();
  for (auto& r : reactions) {
    Job job{Job::Kind::Reaction};
    job.reaction = std::move(r);
    job.argument = value;
    job.rejected = rejected;
    jobs_.push_back(std::move(job));
  }
}

void Machine::then(std::size_t p, Reaction reaction) {
  PromiseState& promise = promises_[p];
  // `rejection.handled-later`: a handler added before the rejection was processed takes it back.
  if (!promise.has_handler && promise.state == PromiseState::State::Rejected) maybe_unhandled_.erase(p);
  promise.has_handler = true;
  if (promise.state == PromiseState::State::Pending) {
    promise.reactions.push_back(std::move(reaction));
    return;
  }
  Job job{Job::Kind::Reaction};
  job.reaction = std::move(reaction);
  job.argument = promise.value;
  job.rejected = promise.state == PromiseState::State::Rejected;
  jobs_.push_back(std::move(job));
}

std::size_t Machine::then_with(std::size_t parent, Handler on_fulfilled, Handler on_rejected) {
  // `promise.trigger`: the derived promise is created (and its init emitted) before the reaction is
  // registered; mutating the rule drops the parent.
  const std::size_t derived =
      create_promise(mutated("promise.trigger") ? std::nullopt : std::optional<std::size_t>(parent));
  Reaction r;
  r.derived = derived;
  r.on_fulfilled = std::move(on_fulfilled);
  r.on_rejected = std::move(on_rejected);
  r.frame = frame_;
  then(parent, std::move(r));
  return derived;
}

void Machine::run_thenable_job(const Job& job) {
  step();
  // `promise.adopt`: the job runs between before/after of the promise being resolved.
  const std::size_t p = job.promise;
  const bool hooked = promise_hook_.installed;
  if (hooked) {
    track_lazily(p);
    stack_.push_back(ExecFrame{promises_[p].id, promises_[p].trigger, promises_[p].id});
    emit_each(&HookState::before, EventKind::Before, promises_[p].id);
  }
  Frame saved = frame_;
  if (profile_.als_model == AlsModel::Frame) frame_ = job_frame(job.frame);  // captured when made
  auto flag = std::make_shared<bool>(false);
  if (job.thenable.ref == RValue::Ref::Promise) {
    if (hooked) {
      // The generic path: thenable.then(resolve, reject) makes a derived promise.
      Handler fulfill{Handler::Kind::ResolveTarget};
      fulfill.target = p;
      fulfill.flag = flag;
      Handler reject_h{Handler::Kind::RejectTarget};
      reject_h.target = p;
      reject_h.flag = flag;
      then_with(job.thenable.index, std::move(fulfill), std::move(reject_h));
    } else {
      // V8's fast path without promise hooks: the two promises are linked directly.
      Reaction r;
      r.derived = p;
      r.direct = true;
      r.frame = frame_;
      then(job.thenable.index, std::move(r));
    }
  } else {
    // `promise.thenable`: the thenable's then runs now with fresh resolving functions; if it
    // throws before settling, the promise is rejected.
    const ThenableState& t = thenables_[job.thenable.index];
    thenable_calls_.push_back(ThenableCall{job.thenable.index, p, flag});
    const Completion c = call_callback(*t.block);
    thenable_calls_.pop_back();
    if (c.kind == Completion::Kind::Throw) {
      if (*flag) {
        multiple_resolves(p);  // V8 calls the reject function anyway
      } else {
        *flag = true;
        reject_unchecked(p, c.value);
      }
    }
  }
  if (profile_.als_model == AlsModel::Frame) frame_ = std::move(saved);
  if (promise_hook_.installed) {  // asked when the job ends, like a reaction's (`promise.before-after`)
    track_lazily(p);
    emit_each(&HookState::after, EventKind::After, promises_[p].id);
    if (eid() == promises_[p].id) stack_.pop_back();
  }
}

Completion Machine::run_handler(const Handler& h, const RValue& argument) {
  using K = Handler::Kind;
  switch (h.kind) {
    case K::None:
      return Completion{Completion::Kind::Normal, argument};  // the caller passes it through
    case K::Block:
      if (!h.block) {
        call_callback(Block{});  // the harness's identity function (`promise.then-passthrough`)
        return Completion{Completion::Kind::Return, argument};
      }
      return call_callback(*h.block);
    case K::ThenFinally:
    case K::CatchFinally: {
      // `promise.finally`: onFinally(), then PromiseResolve(its result).then(() => value) (or a
      // thrower for a rejection); the derived promise adopts that promise.
      const Completion c = call_callback(*h.block);
      if (c.kind == Completion::Kind::Throw) return c;
      const RValue result = c.kind == Completion::Kind::Return ? c.value : RValue{};
      std::size_t promise;
      if (result.ref == RValue::Ref::Promise) {
        promise = result.index;
      } else {
        promise = create_promise(std::nullopt);
        resolve(promise, result);
      }
      Handler thunk{h.kind == K::ThenFinally ? K::ValueThunk : K::Thrower};
      thunk.value = argument;
      const std::size_t next = then_with(promise, std::move(thunk), Handler{});
      return Completion{Completion::Kind::Return, RValue::promise(next)};
    }
    case K::ValueThunk:
      return Completion{Completion::Kind::Return, h.value};
    case K::Thrower:
      return Completion{Completion::Kind::Throw, h.value};
    case K::ResolveTarget:
    case K::RejectTarget:
      if (!*h.flag) {
        *h.flag = true;
        if (h.kind == K::ResolveTarget)
          resolve_unchecked(h.target, argument);
        else
          reject_unchecked(h.target, argument);
      }
      return Completion{Completion::Kind::Return, RValue{}};
    case K::Element:
    case K::ElementReject: {
      Combinator& comb = *h.combinator;
      const bool fulfilled = h.kind == K::Element;
      switch (comb.op) {
        case scenario::Op::PromiseAll:
          if (!fulfilled)
            reject(comb.result, argument);
          else if (--comb.remaining == 0)
            resolve(comb.result, RValue{});
          break;
        case scenario::Op::PromiseAllSettled:
          if (--comb.remaining == 0) resolve(comb.result, RValue{});
          break;
        case scenario::Op::PromiseRace:
          if (fulfilled)
            resolve(comb.result, argument);
          else
            reject(comb.result, argument);
          break;
        default:  // any
          if (fulfilled)
            resolve(comb.result, argument);
          else if (--comb.remaining == 0)
            reject(comb.result, RValue::failure("AggregateError"));
          break;
      }
      return Completion{Completion::Kind::Return, RValue{}};
    }
    case K::Resume:
    case K::ResumeThrow: {
      // `function.await`: the continuation runs as this reaction's handler (scenario code again).
      ++scenario_depth_;
      scope_id(eid());
      const auto& act = h.activation;
      std::optional<Completion> inject;
      if (h.kind == K::ResumeThrow) inject = Completion{Completion::Kind::Throw, argument};
      if (auto done = resume(act, inject)) {
        --scenario_depth_;
        finish_async(*act, *done);
      }
      return Completion{Completion::Kind::Return, RValue{}};
    }
  }
  return Completion{};
}

void Machine::run_reaction(const Job& job) {
  step();
  const Reaction& reaction = job.reaction;
  const std::size_t derived = reaction.derived;
  if (reaction.direct) {
    // Like any reaction job, it runs in the frame captured when it was registered
    // (`als.frame.capture`): a rejection it causes is recorded with that frame (`rejection.context`).
    Frame saved = frame_;
    if (profile_.als_model == AlsModel::Frame) frame_ = job_frame(reaction.frame);
    if (job.rejected)
      reject_unchecked(derived, job.argument);
    else
      resolve_unchecked(derived, job.argument);
    if (profile_.als_model == AlsModel::Frame) frame_ = std::move(saved);
    return;
  }
  // `promise.before-after`: before/after surround reaction jobs only, with the derived promise's id;
  // the push happens whenever the promise hook is installed, the before events only if hooks exist.
  // V8 asks for the before hook when the job starts and for the after hook when it ends, so a hook
  // enabled by the handler gets the job's after without its before (nothing was pushed).
  const bool hooked = promise_hook_.installed && derived != kNoPromise;
  if (hooked) {
    track_lazily(derived);
    const PromiseState& d = promises_[derived];
    stack_.push_back(ExecFrame{d.id, d.trigger, d.id});
    if (!mutated("hooks.before-after")) emit_each(&HookState::before, EventKind::Before, d.id);
  }
  Frame saved = frame_;
  if (profile_.als_model == AlsModel::Frame) {
    frame_ = mutated("als.propagation") ? nullptr : job_frame(reaction.frame);  // `als.frame.capture`
  }
  const Handler& handler = job.rejected ? reaction.on_rejected : reaction.on_fulfilled;
  Completion c = run_handler(handler, job.argument);
  if (handler.kind == Handler::Kind::None) {
    c.kind = job.rejected ? Completion::Kind::Throw : Completion::Kind::Return;  // pass through
  }
  if (derived == kNoPromise) {
    // An await's continuation without a throwaway promise: nothing to settle.
  } else if (c.kind == Completion::Kind::Throw) {
    reject(derived, c.value);
  } else {
    resolve(derived, c.kind == Completion::Kind::Return ? c.value : RValue{});
  }
  if (promise_hook_.installed && derived != kNoPromise) {
    track_lazily(derived);
    const AsyncId id = promises_[derived].id;
    emit_each(&HookState::after, EventKind::After, id);
    if (eid() == id) stack_.pop_back();
  }
  if (profile_.als_model == AlsModel::Frame) frame_ = std::move(saved);
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
    for (auto& pending : pending_rejections_)
      if (maybe_unhandled_.erase(pending.promise)) taken.push_back(std::move(pending));
    pending_rejections_.clear();
  }
  std::deque<PendingRejection>& queue = snapshot ? taken : pending_rejections_;
  std::size_t count = queue.size();
  while (count-- > 0) {
    const PendingRejection pending = std::move(queue.front());
    queue.pop_front();
    if (!snapshot && !maybe_unhandled_.erase(pending.promise)) continue;
    any = true;
    const PromiseState& p = promises_[pending.promise];
    // `rejection.listener-context` (variation point): Node 10..14 push nothing, so the listeners
    // see the drain's own context.
    const bool pushed = p.id != 0 && profile_.rejection_ids == RejectionIds::Promise;
    if (pushed) stack_.push_back(ExecFrame{p.id, p.trigger, p.id});
    Frame saved = frame_;
    // `rejection.context` (variation point in effect): the frame at rejection time (frame model);
    // the promise's own stores, copied at its creation (hook model).
    if (profile_.als_model == AlsModel::Frame) frame_ = pending.frame;
    // `drain` (Bun): the context the processing runs in: what the main script left, in the drain
    // after it; none in the drain after a callback.
    if (profile_.rejection_context == ListenerContext::Drain) frame_ = main_drain_ ? saved : nullptr;
    const RValue reason = p.value;
    if (unhandled_rejection_handlers_.empty()) {
      // `rejection.unhandled-mode` (variation point): Node 10..14 only print a warning.
      if (profile_.unhandled_mode == UnhandledMode::Warn) {
        if (pushed) stack_.pop_back();
        frame_ = std::move(saved);
        continue;
      }
      // Reported as an uncaught exception from a promise: the drain goes on afterwards.
      uncaught(reason);
      interrupted_ = false;
    } else {
      const auto handlers = unhandled_rejection_handlers_;  // listeners may add listeners
      for (const Block* handler : handlers) {
        const Completion c = call_callback(*handler);
        if (c.kind == Completion::Kind::Throw) {
          // `uncaught.handler`: a throwing listener is reported with the promise's context gone
          // (eid 0, tid 0, no store: the drain's own context, which is the root's on Node 10 after
          // the main script); the rest of this processing is abandoned.
          if (pushed && !stack_.empty()) stack_.pop_back();
          frame_ = std::move(saved);
          // `rejection.processing`: the rest of what Node >= 20 took out is never reported; Node
          // 10..18 report the rest, still in the queue, in a later processing.
          uncaught(c.value);
          return true;
        }
      }
      if (pushed && !stack_.empty()) stack_.pop_back();
    }
    frame_ = std::move(saved);
  }
  return any;
}

}  // namespace acx::model::detail
