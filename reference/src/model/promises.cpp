// Promises (spec/promises.md): PROMISE resources, their triggers, reactions and settlement, as Node's
// promise hook (lib/internal/async_hooks.js) and V8's promise jobs produce them; the promise
// statements. Combinators are in combinators.cpp, unhandled rejections in errors.cpp.
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

AsyncId Machine::get_or_set_id(std::size_t p) {
  // `promise.lazy-id`: a parent that was never tracked gets an id now, with no trigger (NaN).
  PromiseState& parent = promises_.all[p];
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
  PromiseState& promise = promises_.all[p];
  if (promise.id != 0) return;
  promise.trigger = default_trigger();
  promise.id = new_id();
  resource(promise.id).type = "PROMISE";
  resource(promise.id).trigger = promise.trigger;
}

std::size_t Machine::create_promise(std::optional<std::size_t> parent) {
  const std::size_t index = promises_.all.size();
  promises_.all.emplace_back();
  // `promise.tracking`: ids are given at creation only while Node's promise init hook is installed.
  if (hooks_.promise_hook.installed && hooks_.promise_hook.init) {
    // `promise.trigger`: the parent's id is taken (or made) before the child's, so parent < child.
    const AsyncId trigger = parent ? get_or_set_id(*parent) : default_trigger();
    const AsyncId id = new_id();
    promises_.all[index].id = id;
    promises_.all[index].trigger = trigger;
    emit_init(id, "PROMISE", trigger);  // `promise.init`
  }
  return index;
}

bool Machine::reports_settlement() const {
  const PromiseHookState& ph = hooks_.promise_hook;
  return ph.installed &&
         (profile_.promise_hook == PromiseHook::PromiseWrap ? has(&HookState::promise_resolve) : ph.settled);
}

void Machine::resolve(std::size_t p, const RValue& value) {
  // A promise's resolve and reject functions work once between them (`promise.resolve-once`).
  if (promises_.all[p].already_resolved) return multiple_resolves(p);
  promises_.all[p].already_resolved = true;
  resolve_unchecked(p, value);
}

void Machine::reject(std::size_t p, const RValue& reason) {
  if (promises_.all[p].already_resolved) return multiple_resolves(p);
  promises_.all[p].already_resolved = true;
  reject_unchecked(p, reason);
}

void Machine::multiple_resolves(std::size_t p) {
  // `promise.multiple-resolves` (variation point): V8 reports the call to Node
  // (kPromiseResolveAfterResolved / kPromiseRejectAfterResolved), whose resolveError calls
  // process.nextTick to emit 'multipleResolves': a TickObject that runs no scenario code. Node 16..18
  // call it with the promise's context pushed (if the promise has an id and a trigger).
  if (profile_.multiple_resolves == MultipleResolves::None) return;
  const PromiseState& promise = promises_.all[p];
  const bool push = profile_.multiple_resolves == MultipleResolves::TickInPromise && promise.id != 0 &&
                    promise.trigger != kNaNId;
  AsyncId id = 0;
  {
    std::optional<ExecScope> context;
    if (push) context.emplace(ids_.stack, ExecFrame{promise.id, promise.trigger, promise.id});
    id = init_resource("TickObject", default_trigger());
  }
  loop_.ticks.push_back(Tick{id, nullptr});
}

void Machine::resolve_unchecked(std::size_t p, const RValue& value) {
  if (value.is_thenable()) {
    const bool itself = value.ref == RValue::Ref::Promise && value.index == p;
    // `promise.resolve-early` (variation point): Node 10..12's V8 runs the promise hook's resolve
    // part when the resolve function is called, whatever the value (and again at settlement);
    // `promise.self-resolution` (variation point): Node 14..16's for a promise resolved with itself.
    if ((profile_.resolve_early || (itself && profile_.self_resolution_twice)) && reports_settlement()) {
      track_lazily(p);
      emit_each(&HookState::promise_resolve, EventKind::PromiseResolve, promises_.all[p].id);
    }
    // `promise.adopt`: a promise resolved with itself is rejected at once with a TypeError
    // (ECMAScript Promise Resolve Functions: "Chaining cycle detected").
    if (itself) return settle(p, PromiseState::State::Rejected, RValue::failure("TypeError"));
    // `promise.adopt`: resolving with a promise or thenable settles nothing yet and reports
    // nothing; it queues a job that calls the thenable's then with fresh resolving functions.
    Job job{Job::Kind::ResolveThenable};
    job.promise = p;
    job.thenable = value;
    job.frame = storage_->capture();
    loop_.jobs.push_back(std::move(job));
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
    emit_each(&HookState::promise_resolve, EventKind::PromiseResolve, promises_.all[p].id);
  }
  PromiseState& promise = promises_.all[p];
  promise.state = state;
  promise.value = value;
  const bool rejected = state == PromiseState::State::Rejected;
  if (rejected && !promise.has_handler) {
    // `rejection.unhandled`: a rejection with no handler waits for processPromiseRejections.
    errors_.maybe_unhandled.insert(p);
    errors_.pending_rejections.push_back(PendingRejection{p, storage_->capture()});
  }
  auto reactions = std::move(promise.reactions);
  promise.reactions.clear();
  for (auto& r : reactions) {
    Job job{Job::Kind::Reaction};
    job.reaction = std::move(r);
    job.argument = value;
    job.rejected = rejected;
    loop_.jobs.push_back(std::move(job));
  }
}

void Machine::then(std::size_t p, Reaction reaction) {
  PromiseState& promise = promises_.all[p];
  // `rejection.handled-later`: a handler added before the rejection was processed takes it back.
  if (!promise.has_handler && promise.state == PromiseState::State::Rejected)
    errors_.maybe_unhandled.erase(p);
  promise.has_handler = true;
  if (promise.state == PromiseState::State::Pending) {
    promise.reactions.push_back(std::move(reaction));
    return;
  }
  Job job{Job::Kind::Reaction};
  job.reaction = std::move(reaction);
  job.argument = promise.value;
  job.rejected = promise.state == PromiseState::State::Rejected;
  loop_.jobs.push_back(std::move(job));
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
  r.frame = storage_->capture();  // `als.frame.capture`
  then(parent, std::move(r));
  return derived;
}

void Machine::run_thenable_job(const Job& job) {
  step();
  // `promise.adopt`: the job runs between before/after of the promise being resolved.
  const std::size_t p = job.promise;
  std::optional<ExecScope> context;
  if (hooks_.promise_hook.installed) {
    track_lazily(p);
    const PromiseState& promise = promises_.all[p];
    context.emplace(ids_.stack, ExecFrame{promise.id, promise.trigger, promise.id});
    emit_each(&HookState::before, EventKind::Before, promise.id);
  }
  const bool hooked = context.has_value();
  {
    const ContextScope frame(*storage_, storage_->swap(job_frame(job.frame)));  // captured when made
    const FlagRef flag = flags_.size();
    flags_.push_back(0);
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
        r.frame = storage_->capture();
        then(job.thenable.index, std::move(r));
      }
    } else {
      // `promise.thenable`: the thenable's then runs now with fresh resolving functions; if it
      // throws before settling, the promise is rejected.
      const ThenableState& t = promises_.thenables[job.thenable.index];
      promises_.thenable_calls.push_back(Promises::ThenableCall{job.thenable.index, p, flag});
      const Completion c = call_callback(*t.block);
      promises_.thenable_calls.pop_back();
      if (c.kind == Completion::Kind::Throw) {
        if (flags_[flag]) {
          multiple_resolves(p);  // V8 calls the reject function anyway
        } else {
          flags_[flag] = 1;
          reject_unchecked(p, c.value);
        }
      }
    }
  }
  if (hooks_.promise_hook.installed) {  // asked when the job ends, like a reaction's (`promise.before-after`)
    track_lazily(p);
    emit_each(&HookState::after, EventKind::After, promises_.all[p].id);
    if (context) context->pop();
  }
}

void Machine::run_reaction(const Job& job) {
  step();
  const Reaction& reaction = job.reaction;
  const std::size_t derived = reaction.derived;
  // `promise.before-after`: before/after surround reaction jobs only, with the derived promise's id;
  // the push happens whenever the promise hook is installed, the before events only if hooks exist.
  // V8 asks for the before hook when the job starts and for the after hook when it ends, so a hook
  // enabled by the handler gets the job's after without its before (nothing was pushed).
  // `promise.adopt`: the reaction of a direct link (the thenable job's fast path) has the adopting
  // promise as its promise, so a hook installed since that job ran gives it before/after and a lazy
  // id like any other: its rejection is then reported in that promise's context.
  std::optional<ExecScope> context;
  if (hooks_.promise_hook.installed && derived != kNoPromise) {
    track_lazily(derived);
    const PromiseState& d = promises_.all[derived];
    context.emplace(ids_.stack, ExecFrame{d.id, d.trigger, d.id});
    if (!mutated("hooks.before-after")) emit_each(&HookState::before, EventKind::Before, d.id);
  }
  // `promise.reaction-context`: the handler runs in the frame captured at then() (`als.frame.capture`);
  // a direct link's too: a rejection it passes on is recorded with that frame (`rejection.context`).
  const ContextScope frame(*storage_,
                           storage_->swap(mutated("als.propagation") ? kNoFrame : job_frame(reaction.frame)));
  const Handler& handler = job.rejected ? reaction.on_rejected : reaction.on_fulfilled;
  Completion c = run_handler(handler, job.argument);  // a direct link has no handlers
  if (handler.kind == Handler::Kind::None) {
    c.kind = job.rejected ? Completion::Kind::Throw : Completion::Kind::Return;  // pass through
  }
  if (reaction.direct) {
    // Its promise was resolved already (with the promise it adopts), so it is settled unchecked.
    if (c.kind == Completion::Kind::Throw)
      reject_unchecked(derived, c.value);
    else
      resolve_unchecked(derived, c.value);
  } else if (derived == kNoPromise) {
    // An await's continuation without a throwaway promise: nothing to settle.
  } else if (c.kind == Completion::Kind::Throw) {
    reject(derived, c.value);
  } else {
    resolve(derived, c.kind == Completion::Kind::Return ? c.value : RValue{});
  }
  if (hooks_.promise_hook.installed && derived != kNoPromise) {
    track_lazily(derived);
    emit_each(&HookState::after, EventKind::After, promises_.all[derived].id);
    if (context) context->pop();
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
    case K::CatchFinally:
      return run_finally(h, argument);
    case K::ValueThunk:
      return Completion{Completion::Kind::Return, h.value};
    case K::Thrower:
      return Completion{Completion::Kind::Throw, h.value};
    case K::ResolveTarget:
    case K::RejectTarget:
      if (!flags_[h.flag]) {
        flags_[h.flag] = 1;
        if (h.kind == K::ResolveTarget)
          resolve_unchecked(h.target, argument);
        else
          reject_unchecked(h.target, argument);
      }
      return Completion{Completion::Kind::Return, RValue{}};
    case K::Element:
    case K::ElementReject:
      run_element(h, argument);
      return Completion{Completion::Kind::Return, RValue{}};
    case K::Resume:
    case K::ResumeThrow: {
      // `function.await`: the continuation runs as this reaction's handler (scenario code again).
      std::optional<Completion> inject;
      if (h.kind == K::ResumeThrow) inject = Completion{Completion::Kind::Throw, argument};
      resume_async(h.activation, std::move(inject));
      return Completion{Completion::Kind::Return, RValue{}};
    }
  }
  return Completion{};
}

Completion Machine::run_finally(const Handler& h, const RValue& argument) {
  // `promise.finally`: onFinally(), then PromiseResolve(its result).then(() => value) (or a thrower
  // for a rejection); the derived promise adopts that promise.
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
  Handler thunk{h.kind == Handler::Kind::ThenFinally ? Handler::Kind::ValueThunk : Handler::Kind::Thrower};
  thunk.value = argument;
  const std::size_t next = then_with(promise, std::move(thunk), Handler{});
  return Completion{Completion::Kind::Return, RValue::promise(next)};
}

// ---- statements ----------------------------------------------------------------------------

void Machine::promise_statement(const Statement& st) {
  using scenario::Op;
  if (st.op == Op::NewPromise) {
    const std::size_t p = create_promise(std::nullopt);
    bind(st, Bound{Kind::Promise, p});
    // `promise.executor`: the executor runs at once, in the creator's context, without
    // before/after; if it throws, the promise is rejected.
    if (!st.blocks.empty()) {
      const Completion c = call_block(st.blocks[0]);
      if (c.kind == Completion::Kind::Throw) reject(p, c.value);
    }
    return;
  }
  const RValue v = st.args.empty() ? RValue{} : evaluate(st.args[0]);
  if (st.op == Op::PromiseResolve) {
    // `promise.resolve-static`: Promise.resolve(p) returns p itself for a native promise.
    if (v.ref == RValue::Ref::Promise) return bind(st, Bound{Kind::Promise, v.index});
    const std::size_t p = create_promise(std::nullopt);
    bind(st, Bound{Kind::Promise, p});
    resolve(p, v);
    return;
  }
  const std::size_t p = create_promise(std::nullopt);  // Promise.reject
  bind(st, Bound{Kind::Promise, p});
  reject(p, v);
}

void Machine::then_statement(const Statement& st) {
  using scenario::Op;
  const std::size_t parent = bound(st.receiver_slot).index;
  Handler fulfilled, rejected;
  if (st.op == Op::Then) {
    fulfilled = st.block("") ? Handler{Handler::Kind::Block, st.block("")} : Handler{};
    rejected = st.block("rejected") ? Handler{Handler::Kind::Block, st.block("rejected")} : Handler{};
    // The harness passes the identity function for a missing onFulfilled (`promise.then-passthrough`).
    if (!st.block("")) fulfilled = Handler{Handler::Kind::Block, nullptr};
  } else if (st.op == Op::Catch) {
    rejected = Handler{Handler::Kind::Block, &st.blocks[0]};  // `promise.catch`: then(undefined, f)
  } else {
    // `promise.finally`: then(thenFinally, catchFinally) around the block.
    fulfilled = Handler{Handler::Kind::ThenFinally, &st.blocks[0]};
    rejected = Handler{Handler::Kind::CatchFinally, &st.blocks[0]};
  }
  const std::size_t derived = then_with(parent, std::move(fulfilled), std::move(rejected));
  bind(st, Bound{Kind::Promise, derived});
}

void Machine::resolve_statement(const Statement& st) {
  const bool resolving = st.op == scenario::Op::Resolve;
  const Bound& b = bound(st.receiver_slot);
  const RValue v = st.args.empty() ? RValue{} : evaluate(st.args[0]);
  if (b.kind != Kind::Thenable) {
    if (resolving)
      resolve(b.index, v);
    else
      reject(b.index, v);
    return;
  }
  // Inside a thenable's block: the resolve/reject functions it was given (`promise.thenable`).
  auto& calls = promises_.thenable_calls;
  auto call = std::find_if(calls.rbegin(), calls.rend(),
                           [&](const Promises::ThenableCall& c) { return c.thenable == b.index; });
  if (call == calls.rend()) return;
  if (flags_[call->flag]) return multiple_resolves(call->promise);  // `promise.multiple-resolves`
  flags_[call->flag] = 1;
  if (resolving)
    resolve_unchecked(call->promise, v);
  else
    reject_unchecked(call->promise, v);
}

void Machine::define_thenable(const Statement& st) {
  bind(st, Bound{Kind::Thenable, promises_.thenables.size()});
  promises_.thenables.push_back(ThenableState{&st.blocks[0], st.binding});
}

}  // namespace acx::model::detail
