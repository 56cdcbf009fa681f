// Promises (spec/promises.md): PROMISE resources, their triggers, reactions and settlement, as Node's
// promise hook (lib/internal/async_hooks.js) and V8's promise jobs produce them.
#include "machine_impl.h"

namespace acx::model::detail {

std::optional<std::size_t> Machine::promise_named(const Value& value) const {
  if (value.kind != Value::Kind::Name) return std::nullopt;
  return bound(value.text);
}

AsyncId Machine::get_or_set_id(std::size_t p) {
  // `promise.lazy-id`: a parent that was never tracked gets an id now, with no trigger (NaN).
  PromiseState& parent = promises_[p];
  if (parent.id == 0) parent.id = new_id();
  return parent.id;
}

void Machine::track_lazily(std::size_t p) {
  // `promise.lazy-id`: trackPromise(promise, null) in the before/after/settled hooks.
  PromiseState& promise = promises_[p];
  if (promise.id != 0) return;
  promise.trigger = default_trigger();
  promise.id = new_id();
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

void Machine::resolve(std::size_t p, const Value& value) {
  // A promise's resolve function works once (`promise.resolve-once`).
  if (promises_[p].already_resolved) return;
  promises_[p].already_resolved = true;
  resolve_unchecked(p, value);
}

void Machine::resolve_unchecked(std::size_t p, const Value& value) {
  if (auto thenable = promise_named(value)) {
    // `promise.adopt`: resolving with a promise settles nothing yet and reports nothing; it queues
    // a job that subscribes to the other promise.
    Job job{Job::Kind::ResolveThenable};
    job.promise = p;
    job.thenable = *thenable;
    jobs_.push_back(std::move(job));
    return;
  }
  // `promise.resolve`: promiseResolve fires when the promise is fulfilled by a resolve function.
  if (promise_hook_.installed && promise_hook_.settled) {
    track_lazily(p);
    emit_each(&HookState::promise_resolve, EventKind::PromiseResolve, promises_[p].id);
  }
  PromiseState& promise = promises_[p];
  promise.state = PromiseState::State::Fulfilled;
  promise.value = value;
  auto reactions = std::move(promise.reactions);
  promise.reactions.clear();
  for (auto& r : reactions) {
    Job job{Job::Kind::Reaction};
    job.reaction = std::move(r);
    job.argument = value;
    jobs_.push_back(std::move(job));
  }
}

void Machine::then(std::size_t p, Reaction reaction) {
  PromiseState& promise = promises_[p];
  if (promise.state == PromiseState::State::Pending) {
    promise.reactions.push_back(std::move(reaction));
    return;
  }
  Job job{Job::Kind::Reaction};
  job.reaction = std::move(reaction);
  job.argument = promise.value;
  jobs_.push_back(std::move(job));
}

void Machine::run_thenable_job(const Job& job) {
  step();
  // `promise.adopt`: the job runs between before/after of the promise being resolved and links it
  // to the adopted promise directly (no derived promise); the promise settles in a later job,
  // which has no before/after.
  const std::size_t p = job.promise;
  const bool hooked = promise_hook_.installed;
  if (hooked) {
    track_lazily(p);
    stack_.push_back(ExecFrame{promises_[p].id, promises_[p].trigger, promises_[p].id});
    emit_each(&HookState::before, EventKind::Before, promises_[p].id);
  }
  then(job.thenable, Reaction{p, nullptr, frame_, true});
  if (hooked) {
    emit_each(&HookState::after, EventKind::After, promises_[p].id);
    if (eid() == promises_[p].id) stack_.pop_back();
  }
}

void Machine::run_reaction(const Job& job) {
  step();
  const Reaction& reaction = job.reaction;
  const std::size_t derived = reaction.derived;
  if (reaction.direct) {
    resolve_unchecked(derived, job.argument);
    return;
  }
  // `promise.before-after`: before/after surround reaction jobs only, with the derived promise's id;
  // the push happens whenever the promise hook is installed, the before events only if hooks exist.
  if (promise_hook_.installed) {
    track_lazily(derived);
    const PromiseState& d = promises_[derived];
    stack_.push_back(ExecFrame{d.id, d.trigger, d.id});
    if (!mutated("hooks.before-after")) emit_each(&HookState::before, EventKind::Before, d.id);
  }
  Stores saved;
  if (profile_.als_model == AlsModel::Frame) {
    saved = frame_;
    frame_ = mutated("als.propagation") ? Stores{} : reaction.frame;  // `als.frame.capture`
  }
  if (reaction.handler) {
    exec_callback(*reaction.handler);
    resolve(derived, Value::undefined());
  } else {
    // `promise.then-passthrough`: the harness passes the identity function, which is scenario code.
    exec_callback(Block{});
    resolve(derived, job.argument);
  }
  if (promise_hook_.installed) {
    track_lazily(derived);
    const AsyncId id = promises_[derived].id;
    emit_each(&HookState::after, EventKind::After, id);
    if (eid() == id) stack_.pop_back();
  }
  if (profile_.als_model == AlsModel::Frame) frame_ = std::move(saved);
}

}  // namespace acx::model::detail
