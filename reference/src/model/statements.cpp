// One statement of the scenario language (spec/scenario-language.md), dispatched to the chapter that
// gives it meaning. Control flow (try, return, await) is stepped in functions.cpp.
#include "machine_impl.h"

namespace acx::model::detail {

void Machine::exec(const Statement& st) {
  using scenario::Op;
  switch (st.op) {
    // hooks.cpp (spec/hooks.md)
    case Op::CreateHook:  // The name is usable once createHook ran (`hooks.create`).
      return bind(st, Bound{Kind::Hook, new_hook_instance(st)});
    case Op::HookEnable:
      return enable_hook(bound(st.receiver_slot).index);
    case Op::HookDisable:
      return disable_hook(bound(st.receiver_slot).index);
    // async_local_storage.cpp (spec/async-local-storage.md)
    case Op::NewAls:
      return new_als(st);
    case Op::AlsRun:
    case Op::AlsExit:
      return als_run(st);
    case Op::AlsEnterWith:
      return als_enter_with(st);
    case Op::AlsDisable:
      return als_disable(st);
    case Op::Snapshot:
      return snapshot(st);
    // event_loop.cpp, timers.cpp (spec/event-loop.md)
    case Op::NextTick:
      return next_tick(st);
    case Op::QueueMicrotask:
      return queue_microtask(st);
    case Op::SetTimeout:
    case Op::SetInterval:
      return set_timer(st);
    case Op::ClearTimeout:
    case Op::ClearInterval:
      return clear_timer(st);
    case Op::SetImmediate:
      return set_immediate(st);
    case Op::ClearImmediate:
      return clear_immediate(st);
    // promises.cpp, combinators.cpp (spec/promises.md)
    case Op::NewPromise:
    case Op::PromiseResolve:
    case Op::PromiseReject:
      return promise_statement(st);
    case Op::Then:
    case Op::Catch:
    case Op::Finally:
      return then_statement(st);
    case Op::Resolve:
    case Op::Reject:
      return resolve_statement(st);
    case Op::Thenable:
      return define_thenable(st);
    case Op::PromiseAll:
    case Op::PromiseAllSettled:
    case Op::PromiseRace:
    case Op::PromiseAny:
      return combinator(st);
    // functions.cpp (spec/functions.md)
    case Op::Function:
    case Op::AsyncFunction:
      return define_function(st);
    case Op::Call: {
      const auto promise = call_function(functions_.at(bound(st.receiver_slot).index));
      if (promise) bind(st, Bound{Kind::Promise, *promise});
      return;
    }
    // errors.cpp (spec/errors.md)
    case Op::ProcessOn:
      return process_on(st);
    case Op::Throw:  // `error.throw`
      throw JsThrow{st.args.empty() ? RValue{} : evaluate(st.args[0])};
    // resources.cpp (spec/resources.md)
    case Op::NewResource:
      return new_resource(st);
    case Op::SnapshotRun:
    case Op::RunInScope:
      return run_in_scope_statement(st);
    case Op::EmitDestroy:
      return emit_destroy(st);
    case Op::AlsBind:
    case Op::StaticBind:
    case Op::ResourceBind:
      return bind_function(st);
    // events.cpp (spec/events.md)
    case Op::NewEmitter:
      return new_emitter(st);
    case Op::On:
      return add_listener(st);
    case Op::Emit:
      return emit_event(bound(st.receiver_slot).index, st.args[0].text);
    // harness.cpp (spec/trace-format.md)
    case Op::Observe:
      return observe(st);
    case Op::ObserveExecution:
      return observe(st, execution_resource_name());
    case Op::ObserveError:
      return observe_error(st);
    case Op::ObserveResource:
      return observe_resource(st);
    case Op::Try:
    case Op::Return:
    case Op::Await:
      return;  // Control flow: stepped by step_activation (functions.cpp).
  }
}

}  // namespace acx::model::detail
