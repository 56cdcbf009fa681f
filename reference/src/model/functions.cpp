// Functions (spec/functions.md): blocks run as function bodies, try/catch/finally, return and throw
// (spec/errors.md `error.*`), plain and async functions, await.
#include <algorithm>

#include "machine_impl.h"

namespace acx::model::detail {

using Cursor = Activation::Cursor;

Completion Machine::call_block(const Block& block) {
  // The checker allows await only in async function bodies, so this cannot suspend; the activation
  // is recycled (this is the model's hottest path).
  std::unique_ptr<Activation> act = spare_activations_.take();
  act->cursors.clear();
  act->cursors.push_back(Cursor{Cursor::Kind::Body, &block});
  const Completion c = resume(*act, std::nullopt, std::nullopt).value_or(Completion{});
  spare_activations_.give(std::move(act));
  return c;
}

Completion Machine::call_callback(const Block& block) {
  // `trace.scope`: the harness wraps every scenario callback; it marks the execution id and counts
  // the depth.
  step();
  const ScenarioCode code(trace_);
  trace_.scope_id(eid());
  return call_block(block);
}

void Machine::define_function(const Statement& st) {
  const bool async = st.op == scenario::Op::AsyncFunction;
  bind(st, Bound{async ? Kind::AsyncFunction : Kind::Function, functions_.size()});
  functions_.push_back(
      FunctionState{async ? FunctionState::Kind::Async : FunctionState::Kind::Plain, &st.blocks[0]});
}

std::optional<std::size_t> Machine::call_function(FunctionState f) {  // a copy: functions_ may grow
  if (f.kind == FunctionState::Kind::Bound) {
    // `resource.bind`: a bound function calls runInAsyncScope on its resource.
    const FunctionState target = functions_.at(f.target);  // a copy, like f
    std::optional<std::size_t> result;
    std::optional<RValue> thrown;
    run_in_scope(f.resource, [&] {
      try {
        result = call_function(target);
      } catch (const JsThrow& e) {
        thrown = e.value;
        return Completion{Completion::Kind::Throw, e.value};
      }
      return Completion{};
    });
    if (thrown) throw JsThrow{*thrown};
    return result;
  }
  if (f.kind == FunctionState::Kind::Plain) {
    // `function.call`
    const Completion c = call_callback(*f.body);
    if (c.kind == Completion::Kind::Throw) throw JsThrow{c.value};
    return std::nullopt;
  }
  // `function.async-call`: the promise is made first (trigger: the caller's context), then the body
  // runs synchronously up to its first await.
  const std::size_t promise = create_promise(std::nullopt);
  Activation& act = activations_.emplace_back();
  act.cursors.push_back(Cursor{Cursor::Kind::Body, f.body});
  act.async = true;
  act.promise = promise;
  resume_async(activations_.size() - 1, std::nullopt);
  return promise;
}

void Machine::resume_async(ActivationRef act, std::optional<Completion> inject) {
  // Scenario code runs from the call or a resumption to the next await or the end (`trace.scope`):
  // await leaves it (Machine::await), the end of the body leaves it here.
  trace_.enter();
  trace_.scope_id(eid());
  if (auto done = resume(activations_[act], act, std::move(inject))) {
    trace_.leave();
    finish_async(activations_[act], *done);
  }
}

void Machine::finish_async(const Activation& act, const Completion& c) {
  // `function.async-settle`: the function's promise settles with the body's completion.
  if (c.kind == Completion::Kind::Throw)
    reject(act.promise, c.value);
  else
    resolve(act.promise, c.kind == Completion::Kind::Return ? c.value : RValue{});
}

void Machine::await(ActivationRef act, const RValue& value) {
  // The harness leaves scenario code just before each await (`trace.scope`): in a resumed segment
  // the promises the await makes are therefore outside scenario code, as on a real runtime.
  trace_.leave();
  // `function.await`: a native promise is awaited as is; anything else is wrapped in a new promise
  // whose parent is the function's promise. A throwaway promise, child of the awaited one, carries
  // the continuation's before/after.
  std::size_t awaited;
  bool wrapped = false;
  // `function.await-native` (variation point): Node 10's V8 wraps a native promise too.
  if (value.ref == RValue::Ref::Promise && !profile_.await_wraps_promises) {
    awaited = value.index;
  } else {
    awaited = create_promise(activations_[act].promise);
    wrapped = true;
    // `function.await-order` (variation point): Node >= 18 resolve the wrapper before the throwaway
    // promise exists; Node 10..16 after.
    if (profile_.await_resolve_first) resolve(awaited, value);
  }
  // `promise.fast-paths` (variation point): V8 >= 7.2 makes the throwaway promise only while a
  // promise hook is installed; without it the continuation is a reaction with no promise of its
  // own, which no before/after surrounds even if a hook is enabled before it runs.
  const std::size_t throwaway =
      profile_.no_fast_paths || hooks_.promise_hook.installed ? create_promise(awaited) : kNoPromise;
  if (wrapped && !profile_.await_resolve_first) resolve(awaited, value);
  Reaction r;
  r.derived = throwaway;
  r.on_fulfilled = Handler{Handler::Kind::Resume};
  r.on_fulfilled.activation = act;
  r.on_rejected = Handler{Handler::Kind::ResumeThrow};
  r.on_rejected.activation = act;
  r.frame = storage_->capture();
  then(awaited, std::move(r));
}

bool Machine::unwind(Activation& act, Completion completion) {
  // `error.try`: leave blocks until a try statement takes the completion: a catch block takes a
  // throw, a finally block takes anything and resumes it afterwards. False: the completion leaves
  // the activation.
  while (!act.cursors.empty()) {
    Cursor c = act.cursors.back();
    act.cursors.pop_back();
    if (c.kind == Cursor::Kind::Body) {
      act.cursors.push_back(c);  // the body ends the activation; keep it for the caller
      return false;
    }
    const Block* catch_block = c.owner->block("catch");
    const Block* finally_block = c.owner->block("finally");
    if (c.kind == Cursor::Kind::Try && catch_block && completion.kind == Completion::Kind::Throw) {
      // The catch cursor keeps the caught value (for observeError).
      act.cursors.push_back(Cursor{Cursor::Kind::Catch, catch_block, 0, c.owner, completion});
      return true;
    }
    if ((c.kind == Cursor::Kind::Try || c.kind == Cursor::Kind::Catch) && finally_block) {
      act.cursors.push_back(Cursor{Cursor::Kind::Finally, finally_block, 0, c.owner, completion});
      return true;
    }
  }
  return false;
}

std::optional<Completion> Machine::resume(Activation& act, std::optional<ActivationRef> async,
                                          std::optional<Completion> inject) {
  if (running_.size() >= options_.depth_limit) throw StopRun{RunStatus::DepthLimit};
  running_.push_back(&act);
  auto result = step_activation(act, async, std::move(inject));
  running_.pop_back();
  return result;
}

std::optional<Completion> Machine::step_activation(Activation& a, std::optional<ActivationRef> async,
                                                   std::optional<Completion> inject) {
  using scenario::Op;
  // A throw injected at the await point (the awaited promise was rejected).
  if (inject && inject->kind == Completion::Kind::Throw && !unwind(a, *inject)) return inject;
  while (true) {
    Cursor& c = a.cursors.back();
    if (c.next == c.block->size()) {
      // The block ran to its end.
      const Cursor done = c;
      if (done.kind == Cursor::Kind::Body) return Completion{};
      a.cursors.pop_back();
      if (done.kind == Cursor::Kind::Finally) {
        if (done.pending.kind != Completion::Kind::Normal && !unwind(a, done.pending)) return done.pending;
        continue;
      }
      if (const Block* fin = done.owner->block("finally"))
        a.cursors.push_back(Cursor{Cursor::Kind::Finally, fin, 0, done.owner});
      continue;
    }
    const Statement& st = (*c.block)[c.next++];
    Completion abrupt;
    bool is_abrupt = false;
    try {
      switch (st.op) {
        case Op::Try:
          a.cursors.push_back(Cursor{Cursor::Kind::Try, &st.blocks[0], 0, &st});
          continue;
        case Op::Return:  // `function.return`
          abrupt = Completion{Completion::Kind::Return, st.args.empty() ? RValue{} : evaluate(st.args[0])};
          is_abrupt = true;
          break;
        case Op::Await:
          // The checker allows await only in async function bodies.
          await(async.value(), st.args.empty() ? RValue{} : evaluate(st.args[0]));
          return std::nullopt;
        default:
          exec(st);
          continue;
      }
    } catch (const JsThrow& e) {
      abrupt = Completion{Completion::Kind::Throw, e.value};
      is_abrupt = true;
    }
    if (is_abrupt && !unwind(a, abrupt)) return abrupt;
  }
}

}  // namespace acx::model::detail
